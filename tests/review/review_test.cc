// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Review campaigns (certo/review.h): the snapshot and its flags, every line-item and task action
// in every state (allowed, or a 409 naming the state), self-review, requestId replay, the hash
// chain found broken by Verify() after a raw edit, the closed loop at sign-off and at the
// deadline (assignments retired, certificates revoked) and the all-or-nothing sign-off.

#include "certo/engine.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <SQLiteCpp/Database.h>

#include "review/codes.h"
#include "testutil.h"

namespace certo::testing {
namespace {

std::string S(const Json& j, const char* key) { return j.at(key).get<std::string>(); }

// Office A: Rita (the reviewer, first aider), Ana (fire warden, in the night shift, a
// certificate), Ben (fire warden) and Carl (first aider); Hugo, of office B, is the fallback
// reviewer (and has nothing to review himself).
struct Company {
  std::unique_ptr<Engine> engine;
  std::string project, office_a, office_b, rita, ana, ben, carl, hugo;
  std::string warden, first_aid, night;
  std::string ana_warden, ben_warden, carl_aid, rita_aid, ana_night, ana_cert;
  Engine& e() { return *engine; }
};

std::string AddPerson(Engine& e, const std::string& project, const std::string& office,
                      const std::string& first, const std::string& last, std::string* link) {
  std::string person = S(MustCreate(e, "person",
                                    {{"project_id", project},
                                     {"first_name", first},
                                     {"last_name", last},
                                     {"code", first.substr(0, 3)}}),
                         "person_id");
  *link = S(MustCreate(e, "person-office", {{"office_id", office}, {"person_id", person}}),
            "person_office_id");
  return person;
}

std::string Assign(Engine& e, const std::string& person_office, const std::string& role) {
  return S(MustCreate(e, "entity-employee",
                      {{"person_office_id", person_office}, {"type", "ROLE"}, {"entity_id", role}}),
           "entity_employee_id");
}

Company MakeCompany(const std::string& path = ":memory:",
                    std::chrono::year_month_day today = kToday) {
  Company c;
  c.engine = OpenEngine(path, today);
  Engine& e = *c.engine;
  c.project = S(MustCreate(e, "project", {{"name", "Acme"}}), "project_id");
  c.office_a =
      S(MustCreate(e, "office", {{"project_id", c.project}, {"name", "Plant A"}}), "office_id");
  c.office_b =
      S(MustCreate(e, "office", {{"project_id", c.project}, {"name", "Plant B"}}), "office_id");
  std::string po_rita, po_ana, po_ben, po_carl, po_hugo;
  c.rita = AddPerson(e, c.project, c.office_a, "Rita", "Reviewer", &po_rita);
  c.ana = AddPerson(e, c.project, c.office_a, "Ana", "Alves", &po_ana);
  c.ben = AddPerson(e, c.project, c.office_a, "Ben", "Brown", &po_ben);
  c.carl = AddPerson(e, c.project, c.office_a, "Carl", "Clark", &po_carl);
  c.hugo = AddPerson(e, c.project, c.office_b, "Hugo", "Head", &po_hugo);
  c.warden = S(MustCreate(e, "role", {{"office_id", c.office_a}, {"name", "Fire warden"}}),
               "office_role_id");
  c.first_aid = S(MustCreate(e, "role", {{"office_id", c.office_a}, {"name", "First aider"}}),
                  "office_role_id");
  c.ana_warden = Assign(e, po_ana, c.warden);
  c.ben_warden = Assign(e, po_ben, c.warden);
  c.carl_aid = Assign(e, po_carl, c.first_aid);
  c.rita_aid = Assign(e, po_rita, c.first_aid);
  c.night = S(
      MustCreate(e, "work-group",
                 {{"office_id", c.office_a}, {"name", "Night shift"}, {"work_group_type", "JOB"}}),
      "work_group_id");
  c.ana_night = S(MustCreate(e, "work-group-person",
                             {{"work_group_id", c.night}, {"person_office_id", po_ana}}),
                  "work_group_person_id");
  c.ana_cert = S(MustCreate(e, "certificate",
                            {{"resource_id", c.ana},
                             {"action_type", "TRAINING"},
                             {"name", "Fire safety"},
                             {"date_release", "2024-01-15"},
                             {"date_expire", "2026-12-01"}}),
                 "certificate_id");
  // Ben must hold a first-aid training he has no certificate for.
  std::string action = S(MustCreate(e, "action",
                                    {{"tenant_id", c.project},
                                     {"subtenant_id", c.office_a},
                                     {"action_type", "TRAINING"},
                                     {"name", "First aid"}}),
                         "action_id");
  MustCreate(e, "action-subscription",
             {{"action_id", action}, {"subscriber_type", "PERSON"}, {"subscriber_id", c.ben}});
  return c;
}

Json Spec(const Company& c, Json extra = Json::object()) {
  Json spec{{"project_id", c.project},  {"name", "Annual safety attestation"},
            {"type", "USER"},           {"scope", {{"office_ids", {c.office_a}}}},
            {"reviewer_id", c.rita},    {"fallback_reviewer_id", c.hugo},
            {"deadline", "2026-12-15"}, {"no_response", "keep"}};
  for (const auto& [k, v] : extra.items()) spec[k] = v;
  return spec;
}

// A started campaign: its id and the task of each reviewer.
struct Started {
  int64_t cert = 0;
  std::string rita_task, hugo_task;
  std::map<std::string, int64_t> item_of;  // person -> line item
};

Started Start(Company& c, Json extra = Json::object()) {
  Started s;
  Result<Json> made = c.e().CreateReviewCampaign(Spec(c, extra));
  EXPECT_TRUE(made.ok()) << made.status().ToString();
  if (!made.ok()) return s;
  s.cert = (*made)["cert_id"].get<int64_t>();
  Result<Json> started = c.e().StartReviewCampaign(s.cert);
  EXPECT_TRUE(started.ok()) << started.status().ToString();
  Result<Json> tasks = c.e().ReviewTasks(s.cert);
  EXPECT_TRUE(tasks.ok());
  for (const Json& t : (*tasks)["certifications"]) {
    (t["asignee"] == c.rita ? s.rita_task : s.hugo_task) = t["taskId"].get<std::string>();
  }
  for (const std::string& task : {s.rita_task, s.hugo_task}) {
    if (task.empty()) continue;
    Result<Json> items = c.e().ReviewLineItems(s.cert, task);
    EXPECT_TRUE(items.ok());
    for (const Json& li : (*items)["certLineItemList"]) {
      s.item_of[li["entityId"].get<std::string>()] = li["id"].get<int64_t>();
    }
  }
  return s;
}

ReviewLineItemAction Act(int64_t item, std::string action, std::string comment = "",
                         std::vector<int64_t> details = {}) {
  ReviewLineItemAction a;
  a.line_item_id = item;
  a.action = std::move(action);
  a.comment = std::move(comment);
  a.line_item_detail_ids = std::move(details);
  return a;
}

// One action; its own status.
Status Do(Company& c, const Started& s, const std::string& task, ReviewLineItemAction a,
          const std::string& actor = "") {
  Result<std::vector<ReviewActionResult>> r = c.e().ReviewLineItemActions(s.cert, task, {a}, actor);
  if (!r.ok()) return r.status();
  return r->front().status;
}

Json Details(Company& c, const Started& s, const std::string& task, int64_t item) {
  Result<Json> r = c.e().ReviewLineItem(s.cert, task, item);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? (*r)["lineItemDetails"] : Json::array();
}

int64_t DetailOfKind(Company& c, const Started& s, const std::string& task, int64_t item,
                     const std::string& kind, const std::string& source = "") {
  for (const Json& d : Details(c, s, task, item)) {
    if (d["entityType"] == kind && (source.empty() || d["entityId"] == source)) {
      return d["id"].get<int64_t>();
    }
  }
  return 0;
}

std::string ItemState(Company& c, const Started& s, const std::string& task, int64_t item) {
  Result<Json> items = c.e().ReviewLineItems(s.cert, task);
  for (const Json& li : (*items)["certLineItemList"]) {
    if (li["id"] == item) return li["state"].get<std::string>();
  }
  return "?";
}

std::string TaskState(Company& c, const Started& s, const std::string& task) {
  Result<Json> t = c.e().ReviewTask(s.cert, task);
  return t.ok() ? (*t)["state"].get<std::string>() : t.status().ToString();
}

// Certifies every item of Rita's task but Ana's certificate.
void CertifyAll(Company& c, const Started& s) {
  for (const std::string& p : {c.ana, c.ben, c.carl}) {
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of.at(p), "Certify")).ok());
  }
}

// ---- Creation and the snapshot ---------------------------------------------------------------

TEST(ReviewCampaign, CreateNamesEveryBadField) {
  Company c = MakeCompany();
  Result<Json> r = c.e().CreateReviewCampaign(Json{{"project_id", c.project},
                                                   {"type", "TEAM"},
                                                   {"deadline", "2026-11-01"},
                                                   {"no_response", "ignore"},
                                                   {"colour", "red"}});
  ASSERT_TRUE(r.status().IsValidation());
  std::set<std::string> fields;
  for (const FieldError& f : r.status().field_errors()) fields.insert(f.field);
  EXPECT_EQ(fields, (std::set<std::string>{"colour", "name", "type", "deadline", "no_response",
                                           "reviewer_id"}));
  Result<Json> none = c.e().ReviewCampaigns();
  ASSERT_OK(none);
  EXPECT_EQ((*none)["totalResult"], 0);
}

TEST(ReviewCampaign, StartSnapshotsPeopleAssignmentsAndFlagsWithOneTaskPerReviewer) {
  Company c = MakeCompany();
  Started s = Start(c);
  // Rita reviews Ana, Ben and Carl; nobody reviews themselves, so Hugo (fallback) reviews Rita.
  ASSERT_FALSE(s.rita_task.empty());
  ASSERT_FALSE(s.hugo_task.empty());
  Result<Json> rita = c.e().ReviewLineItems(s.cert, s.rita_task);
  ASSERT_OK(rita);
  ASSERT_EQ((*rita)["totalResult"], 3);
  std::map<std::string, Json> by_person;
  for (const Json& li : (*rita)["certLineItemList"]) by_person[S(li, "entityId")] = li;
  EXPECT_EQ(by_person[c.ana]["roles"], 1);
  EXPECT_EQ(by_person[c.ana]["workGroups"], 1);
  EXPECT_EQ(by_person[c.ana]["certificates"], 1);
  EXPECT_EQ(by_person[c.ana]["fullName"], "Alves, Ana");
  EXPECT_EQ(by_person[c.ana]["status"], "NEW");
  EXPECT_EQ(by_person[c.ana]["action"], "0");
  EXPECT_EQ(by_person[c.ben]["flags"], Json::array({"CERTIFICATE_MISSING"}));
  EXPECT_EQ(by_person[c.ana]["flags"], Json::array());
  // Ana's certificate expires on 2026-12-01, before the deadline.
  int64_t cert = DetailOfKind(c, s, s.rita_task, s.item_of[c.ana], "CERTIFICATE");
  for (const Json& d : Details(c, s, s.rita_task, s.item_of[c.ana])) {
    if (d["id"] == cert) {
      EXPECT_EQ(d["flags"], Json::array({"CERTIFICATE_EXPIRING"}));
    }
  }
  // The snapshot stays what the reviewer saw: a rename after the start changes nothing.
  ASSERT_OK(c.e().Update("role", c.warden, {{"name", "Renamed"}}));
  bool seen = false;
  for (const Json& d : Details(c, s, s.rita_task, s.item_of[c.ben])) {
    if (d["category"] == "Role") {
      EXPECT_EQ(d["name"], "Fire warden");
      seen = true;
    }
  }
  EXPECT_TRUE(seen);
  // Starting again is a conflict naming the state.
  Result<Json> again = c.e().StartReviewCampaign(s.cert);
  ASSERT_TRUE(again.status().IsConflict());
  EXPECT_NE(again.status().message().find("IN_REVIEW"), std::string::npos);
}

TEST(ReviewCampaign, RoleCampaignHasOneItemPerRoleWithItsHolders) {
  Company c = MakeCompany();
  Started s = Start(c, {{"type", "ROLE"}});
  Result<Json> items = c.e().ReviewLineItems(s.cert, s.rita_task);
  ASSERT_OK(items);
  ASSERT_EQ((*items)["totalResult"], 2);
  std::map<std::string, int64_t> holders;
  for (const Json& li : (*items)["certLineItemList"]) holders[S(li, "name")] = li["holders"];
  EXPECT_EQ(holders, (std::map<std::string, int64_t>{{"Fire warden", 2}, {"First aider", 2}}));
}

// ---- Every line-item action in every state ---------------------------------------------------

// How an item is brought into a state: Ana's line item (three details) in Rita's task.
void Reach(Company& c, const Started& s, const std::string& state) {
  const int64_t ana = s.item_of.at(c.ana);
  const int64_t role = DetailOfKind(c, s, s.rita_task, ana, "ENTITY_EMPLOYEE");
  if (state == "CLAIMED") {
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(ana, "Claim")).ok());
  }
  if (state == "PARTIAL") {
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(ana, "Certify", "", {role})).ok());
  }
  if (state == "DECIDED" || state == "COMPLETE" || state == "FINAL") {
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(ana, "Certify")).ok());
  }
  if (state == "COMPLETE") {
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(ana, "Complete")).ok());
  }
  if (state == "FINAL") {
    for (const std::string& p : {c.ben, c.carl}) {
      ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of.at(p), "Certify")).ok());
    }
    ASSERT_OK(c.e().ReviewTaskAction(s.cert, s.rita_task, "signoff"));
  }
  ASSERT_EQ(ItemState(c, s, s.rita_task, ana), state);
}

TEST(ReviewLineItem, EveryActionInEveryStateIsAllowedOrAConflictNamingTheState) {
  // state -> the actions it admits (docs/review.md), and the state each leads to.
  const std::map<std::string, std::map<std::string, std::string>> allowed = {
      // A decision on two of the three details (the assignments) leaves the item PARTIAL
      // unless the third was decided before.
      {"NEW",
       {{"Certify", "PARTIAL"},
        {"Revoke", "PARTIAL"},
        {"Abstain", "PARTIAL"},
        {"CertifyConditionally", "PARTIAL"},
        {"Claim", "CLAIMED"},
        {"EditComment", "NEW"}}},
      {"CLAIMED",
       {{"Certify", "PARTIAL"},
        {"Revoke", "PARTIAL"},
        {"Abstain", "PARTIAL"},
        {"CertifyConditionally", "PARTIAL"},
        {"ResetStatus", "NEW"},
        {"EditComment", "CLAIMED"}}},
      {"PARTIAL",
       {{"Certify", "PARTIAL"},
        {"Revoke", "PARTIAL"},
        {"Abstain", "PARTIAL"},
        {"CertifyConditionally", "PARTIAL"},
        {"ResetStatus", "NEW"},
        {"EditComment", "PARTIAL"}}},
      {"DECIDED",
       {{"Certify", "DECIDED"},
        {"Revoke", "DECIDED"},
        {"Abstain", "DECIDED"},
        {"CertifyConditionally", "DECIDED"},
        {"ResetStatus", "NEW"},
        {"EditComment", "DECIDED"},
        {"Complete", "COMPLETE"}}},
      {"COMPLETE", {{"ResetStatus", "NEW"}, {"EditComment", "COMPLETE"}}},
      {"FINAL", {}},
  };
  const std::vector<std::string> actions = {
      "Certify", "CertifyConditionally", "Revoke",      "Abstain",
      "Claim",   "ResetStatus",          "EditComment", "Complete"};
  for (const auto& [state, admits] : allowed) {
    for (const std::string& action : actions) {
      SCOPED_TRACE(state + " " + action);
      Company c = MakeCompany();
      Started s = Start(c);
      ASSERT_NO_FATAL_FAILURE(Reach(c, s, state));
      const int64_t ana = s.item_of.at(c.ana);
      const int64_t role = DetailOfKind(c, s, s.rita_task, ana, "ENTITY_EMPLOYEE");
      const int64_t group = DetailOfKind(c, s, s.rita_task, ana, "WORK_GROUP_PERSON");
      // Decisions act on the assignments (certificates: ReviewClosedLoop).
      ReviewLineItemAction a = Act(ana, action, "because");
      if (action != "Claim" && action != "EditComment" && action != "Complete" &&
          action != "ResetStatus") {
        a.line_item_detail_ids = {role, group};
      }
      if (action == "CertifyConditionally") a.end_date = Ymd(2027, 6, 30);
      Status st = Do(c, s, s.rita_task, a);
      auto it = admits.find(action);
      if (it == admits.end()) {
        ASSERT_TRUE(st.IsConflict()) << st.ToString();
        const std::string named = state == "FINAL" ? "SIGNED_OFF" : state;
        EXPECT_NE(st.message().find("is " + named), std::string::npos) << st.message();
        continue;
      }
      ASSERT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(ItemState(c, s, s.rita_task, ana), it->second);
    }
  }
}

TEST(ReviewLineItem, DecisionsMoveTheTaskToDecisionsCompleteAndResetMovesItBack) {
  Company c = MakeCompany();
  Started s = Start(c);
  EXPECT_EQ(TaskState(c, s, s.rita_task), "ASSIGNED");
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.ana], "Certify")).ok());
  EXPECT_EQ(TaskState(c, s, s.rita_task), "IN_PROGRESS");
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.ben], "Certify")).ok());
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Abstain")).ok());
  EXPECT_EQ(TaskState(c, s, s.rita_task), "DECISIONS_COMPLETE");
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "ResetStatus")).ok());
  EXPECT_EQ(TaskState(c, s, s.rita_task), "IN_PROGRESS");
}

TEST(ReviewLineItem, AReviewerMayNotDecideAboutThemselves) {
  Company c = MakeCompany();
  Started s = Start(c);
  // Hugo names Ana his proxy; Ana may not decide Rita's... but Rita's item is Hugo's: Rita,
  // made Hugo's proxy, may not decide about herself.
  ASSERT_OK(c.e().ReviewTaskAction(s.cert, s.hugo_task, "proxy", {{"recipient", c.rita}}));
  Status st = Do(c, s, s.hugo_task, Act(s.item_of[c.rita], "Certify"), c.rita);
  ASSERT_TRUE(st.IsConflict()) << st.ToString();
  EXPECT_NE(st.message().find("themselves"), std::string::npos);
  // Hugo himself may.
  EXPECT_TRUE(Do(c, s, s.hugo_task, Act(s.item_of[c.rita], "Certify"), c.hugo).ok());
  // Someone who is neither reviewer nor proxy may not act at all.
  Result<std::vector<ReviewActionResult>> stranger =
      c.e().ReviewLineItemActions(s.cert, s.rita_task, {Act(s.item_of[c.ben], "Certify")}, c.carl);
  EXPECT_TRUE(stranger.status().IsConflict());
}

TEST(ReviewLineItem, ARetriedRequestIdIsAppliedOnce) {
  Company c = MakeCompany();
  Started s = Start(c);
  ReviewLineItemAction a = Act(s.item_of[c.ana], "EditComment", "first");
  a.request_id = "100";
  auto events = [&] {
    Result<Json> h = c.e().ReviewTaskHistory(s.cert, s.rita_task);
    return (*h)["lineItems"][0]["actionHistoryList"].size();
  };
  auto r1 = c.e().ReviewLineItemActions(s.cert, s.rita_task, {a});
  ASSERT_OK(r1);
  EXPECT_FALSE(r1->front().replayed);
  const size_t after_first = events();
  auto r2 = c.e().ReviewLineItemActions(s.cert, s.rita_task, {a});
  ASSERT_OK(r2);
  EXPECT_TRUE(r2->front().status.ok());
  EXPECT_TRUE(r2->front().replayed);
  EXPECT_EQ(events(), after_first);
  // The same id for another action is a conflict.
  a.action = "Claim";
  auto r3 = c.e().ReviewLineItemActions(s.cert, s.rita_task, {a});
  ASSERT_OK(r3);
  EXPECT_TRUE(r3->front().status.IsConflict());
}

TEST(ReviewLineItem, CommentRequiredAndConditionalEndDateAreChecked) {
  Company c = MakeCompany();
  Started s = Start(c);
  EXPECT_EQ(OnlyFieldError(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Revoke"))),
            "comments: a REVOKE needs a comment (the campaign's comment_required)");
  ReviewLineItemAction a = Act(s.item_of[c.carl], "CertifyConditionally");
  EXPECT_EQ(OnlyFieldError(Do(c, s, s.rita_task, a)),
            "endDate: CertifyConditionally needs an end date YYYY-MM-DD");
  a.end_date = kToday;
  EXPECT_EQ(OnlyFieldError(Do(c, s, s.rita_task, a)), "endDate: must be after today (2026-11-22)");
}

// ---- Every task action in every task state ---------------------------------------------------

void ReachTask(Company& c, const Started& s, const std::string& state) {
  const std::string& t = s.rita_task;
  if (state == "IN_PROGRESS") {
    ASSERT_TRUE(Do(c, s, t, Act(s.item_of.at(c.ana), "Claim")).ok());
  }
  if (state == "DECISIONS_COMPLETE" || state == "SIGNED_OFF") CertifyAll(c, s);
  if (state == "SIGNED_OFF") {
    ASSERT_OK(c.e().ReviewTaskAction(s.cert, t, "signoff"));
  }
  if (state == "SUSPENDED") {
    ASSERT_OK(c.e().ReviewTaskAction(s.cert, t, "suspend"));
  }
  if (state == "REASSIGNED") {
    ASSERT_OK(c.e().ReviewTaskAction(s.cert, t, "reassign", {{"recipient", c.hugo}}));
  }
  if (state == "EXPIRED") {
    ASSERT_OK(c.e().ReviewTaskAction(s.cert, t, "expire"));
  }
  ASSERT_EQ(TaskState(c, s, t), state);
}

TEST(ReviewTask, EveryActionInEveryStateIsAllowedOrAConflictNamingTheState) {
  const std::map<std::string, std::map<std::string, std::string>> allowed = {
      {"ASSIGNED",
       {{"suspend", "SUSPENDED"},
        {"reassign", "REASSIGNED"},
        {"proxy", "ASSIGNED"},
        {"expire", "EXPIRED"}}},
      {"IN_PROGRESS",
       {{"suspend", "SUSPENDED"},
        {"reassign", "REASSIGNED"},
        {"proxy", "IN_PROGRESS"},
        {"expire", "EXPIRED"},
        {"reset", "ASSIGNED"}}},
      {"DECISIONS_COMPLETE",
       {{"suspend", "SUSPENDED"},
        {"reassign", "REASSIGNED"},
        {"proxy", "DECISIONS_COMPLETE"},
        {"expire", "EXPIRED"},
        {"signoff", "SIGNED_OFF"},
        {"reset", "ASSIGNED"}}},
      {"SUSPENDED", {{"resume", "ASSIGNED"}, {"reassign", "REASSIGNED"}, {"expire", "EXPIRED"}}},
      {"SIGNED_OFF", {}},
      {"REASSIGNED", {}},
      {"EXPIRED", {}},
  };
  for (const auto& [state, admits] : allowed) {
    for (const std::string action :
         {"suspend", "resume", "reassign", "proxy", "expire", "signoff", "reset"}) {
      SCOPED_TRACE(state + " " + action);
      Company c = MakeCompany();
      Started s = Start(c);
      ASSERT_NO_FATAL_FAILURE(ReachTask(c, s, state));
      Result<Json> r = c.e().ReviewTaskAction(s.cert, s.rita_task, action, {{"recipient", c.ben}});
      auto it = admits.find(action);
      if (it == admits.end()) {
        ASSERT_TRUE(r.status().IsConflict()) << r.status().ToString();
        // Hugo's task is still open, so the campaign is in review and the task's state is named.
        EXPECT_NE(r.status().message().find("is " + state + ":"), std::string::npos)
            << r.status().message();
        continue;
      }
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ((*r)["state"], it->second);
      EXPECT_EQ(TaskState(c, s, s.rita_task), it->second);
    }
  }
}

// ---- History ---------------------------------------------------------------------------------

TEST(ReviewHistory, EveryStepIsOneEventInSeed002Shape) {
  Company c = MakeCompany();
  Started s = Start(c);
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.ana], "Certify", "fine")).ok());
  Result<Json> h = c.e().ReviewTaskHistory(s.cert, s.rita_task);
  ASSERT_OK(h);
  for (const char* key : {"links", "count", "hasMore", "totalResult", "certId", "taskUid",
                          "certificationType", "lineItems"}) {
    EXPECT_TRUE(h->contains(key)) << key;
  }
  EXPECT_EQ((*h)["certificationType"], "User");
  const Json& item = (*h)["lineItems"][0];
  EXPECT_EQ(item["lineItemId"], s.item_of[c.ana]);
  // REVIEW_REQUESTED (task level, recipient Rita), then ITEM_CERTIFIED.
  ASSERT_EQ(item["actionHistoryList"].size(), 2u);
  const Json& requested = item["actionHistoryList"][0];
  EXPECT_EQ(requested["actionName"], "REVIEW_REQUESTED");
  EXPECT_EQ(requested["actorDisplayName"], "System");
  EXPECT_EQ(requested["recipientId"], c.rita);
  EXPECT_EQ(requested["recipientDisplayName"], "Rita Reviewer");
  EXPECT_EQ(requested["recipientTaskUID"], s.rita_task);
  EXPECT_EQ(requested["certState"], 2);
  EXPECT_EQ(requested["eventTimestamp"], "2026-11-22T00:00:00Z");
  const Json& certified = item["actionHistoryList"][1];
  EXPECT_EQ(certified["action"], 5);
  EXPECT_EQ(certified["actorId"], c.rita);
  EXPECT_EQ(certified["fromState"], "NEW");
  EXPECT_EQ(certified["toState"], "DECIDED");
  EXPECT_EQ(certified["comments"], "fine");
  ASSERT_EQ(item["lineItemDetails"].size(), 3u);
  // The decision was on the whole line item: it is the item's event, not a detail's.
  EXPECT_EQ(item["lineItemDetails"][0]["actionHistoryList"], Json::array());
  EXPECT_EQ(item["lineItemDetails"][0]["certificationHistoryList"], Json::array());
}

TEST(ReviewHistory, EarlierCampaignsDecisionsShowAsLastDecisionAndCertificationHistory) {
  Company c = MakeCompany();
  Started first = Start(c);
  CertifyAll(c, first);
  ASSERT_OK(c.e().ReviewTaskAction(first.cert, first.rita_task, "signoff"));
  Started second = Start(c);
  const int64_t ben = second.item_of[c.ben];
  Json d = Details(c, second, second.rita_task, ben)[0];
  EXPECT_EQ(d["lastDecision"], 1);
  Result<Json> h = c.e().ReviewTaskHistory(second.cert, second.rita_task);
  ASSERT_OK(h);
  for (const Json& li : (*h)["lineItems"]) {
    if (li["lineItemId"] != ben) continue;
    const Json& earlier = li["lineItemDetails"][0]["certificationHistoryList"];
    ASSERT_EQ(earlier.size(), 1u);
    EXPECT_EQ(earlier[0]["id"], first.cert);
    EXPECT_EQ(earlier[0]["certificationStatus"], 1);
    EXPECT_EQ(earlier[0]["certifiedBy"], c.rita);
  }
}

TEST(ReviewHistory, TheFileRefusesToChangeOrRemoveAnEvent) {
  TempDir dir;
  const std::string path = dir.File("h.certo");
  {
    Company c = MakeCompany(path);
    Start(c);
  }
  SQLite::Database raw(path, SQLite::OPEN_READWRITE);
  EXPECT_THROW(raw.exec("UPDATE review_event SET comment = 'x' WHERE event_id = 1"),
               SQLite::Exception);
  EXPECT_THROW(raw.exec("DELETE FROM review_event WHERE event_id = 1"), SQLite::Exception);
}

TEST(ReviewHistory, VerifyNamesTheFirstEventARawEditBroke) {
  TempDir dir;
  const std::string path = dir.File("h.certo");
  int64_t events = 0;
  {
    Company c = MakeCompany(path);
    Started s = Start(c);
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Revoke", "left")).ok());
    ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.ben], "Certify")).ok());
    Result<VerifyReport> clean = c.e().Verify();
    ASSERT_OK(clean);
    EXPECT_TRUE(clean->ok());
  }
  {
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    events = raw.execAndGet("SELECT count(*) FROM review_event").getInt64();
    ASSERT_GE(events, 6);
    // Someone with the file rewrites the revoke's comment, trigger or not.
    raw.exec("DROP TRIGGER review_event_no_update");
    raw.exec("UPDATE review_event SET comment = 'certified' WHERE comment = 'left'");
  }
  auto engine = OpenEngine(path);
  Result<VerifyReport> report = engine->Verify();
  ASSERT_OK(report);
  ASSERT_EQ(report->problems.size(), 1u);
  const Problem& p = report->problems[0];
  EXPECT_EQ(p.check, "review_history");
  EXPECT_EQ(p.collection, "review_event");
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(
      p.id,
      raw.execAndGet("SELECT event_id FROM review_event WHERE comment = 'certified'").getString());
  EXPECT_EQ(p.field, "hash");
}

void ExpectOk(const Status& st) { EXPECT_TRUE(st.ok()) << st.ToString(); }

// The whole history answer, byte for byte, against tests/golden/review-history.json: task-level,
// item-level, detail-level and several-details events, the effects of a sign-off with the rows
// before them, the decisions of an earlier campaign, and a page of it. Ids are generated, so each
// one is replaced by "<id N>" in the order it first appears. After an intended change of the
// output, regenerate with CERTO_UPDATE_GOLDEN=1 and review the diff.
std::string WithStableIds(const std::string& text) {
  static const std::regex uuid("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  std::map<std::string, int> seen;
  std::string out;
  auto last = text.cbegin();
  for (std::sregex_iterator m(text.begin(), text.end(), uuid), end; m != end; ++m) {
    out.append(last, (*m)[0].first);
    auto [it, fresh] = seen.emplace(m->str(), static_cast<int>(seen.size()) + 1);
    out += "<id " + std::to_string(it->second) + ">";
    last = (*m)[0].second;
  }
  out.append(last, text.cend());
  return out;
}

TEST(ReviewHistory, TheWholeAnswerMatchesTheGoldenFile) {
  Company c = MakeCompany();
  Started first = Start(c);
  CertifyAll(c, first);
  ASSERT_OK(c.e().ReviewTaskAction(first.cert, first.rita_task, "signoff"));
  Started s = Start(c);
  const int64_t ana = s.item_of[c.ana];
  const int64_t cert = DetailOfKind(c, s, s.rita_task, ana, "CERTIFICATE");
  const int64_t role = DetailOfKind(c, s, s.rita_task, ana, "ENTITY_EMPLOYEE");
  const int64_t group = DetailOfKind(c, s, s.rita_task, ana, "WORK_GROUP_PERSON");
  ExpectOk(Do(c, s, s.rita_task, Act(ana, "Revoke", "forged", {cert})));
  ExpectOk(Do(c, s, s.rita_task, Act(ana, "Certify", "", {role, group})));
  ExpectOk(Do(c, s, s.rita_task, Act(ana, "EditComment", "checked with HR")));
  ReviewLineItemAction until = Act(s.item_of[c.ben], "CertifyConditionally", "course booked");
  until.end_date = Ymd(2027, 6, 30);
  ExpectOk(Do(c, s, s.rita_task, until));
  ExpectOk(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Revoke", "left the plant")));
  ASSERT_OK(c.e().ReviewTaskAction(s.cert, s.rita_task, "signoff"));
  Result<Json> whole = c.e().ReviewTaskHistory(s.cert, s.rita_task);
  ASSERT_OK(whole);
  ReviewPage page;
  page.offset = 2;
  page.limit = 1;
  Result<Json> second = c.e().ReviewTaskHistory(s.cert, s.rita_task, page);
  ASSERT_OK(second);
  Result<Json> hugo = c.e().ReviewTaskHistory(s.cert, s.hugo_task);
  ASSERT_OK(hugo);
  const std::string actual =
      WithStableIds(Json{{"whole", *whole}, {"second", *second}, {"hugo", *hugo}}.dump(1)) + "\n";
  const std::string path = std::string(CERTO_SOURCE_DIR) + "/tests/golden/review-history.json";
  const char* update = std::getenv("CERTO_UPDATE_GOLDEN");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << actual;
    return;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " is missing; create it with CERTO_UPDATE_GOLDEN=1";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "the history differs from " << path;
}

// ---- The closed loop -------------------------------------------------------------------------

TEST(ReviewClosedLoop, SignOffRetiresRevokedAssignmentsAndSchedulesConditionalOnes) {
  Company c = MakeCompany();
  Started s = Start(c);
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Revoke", "left the plant")).ok());
  ReviewLineItemAction until = Act(s.item_of[c.ben], "CertifyConditionally");
  until.end_date = Ymd(2027, 6, 30);
  ASSERT_TRUE(Do(c, s, s.rita_task, until).ok());
  const int64_t ana = s.item_of[c.ana];
  ASSERT_TRUE(Do(c, s, s.rita_task, Act(ana, "Certify")).ok());
  Result<Json> done = c.e().ReviewTaskAction(s.cert, s.rita_task, "signoff");
  ASSERT_OK(done);
  EXPECT_EQ((*done)["state"], "SIGNED_OFF");
  ASSERT_EQ((*done)["effects"].size(), 2u);
  EXPECT_EQ(c.e().View("entity-employee", c.carl_aid)->at("retired_on"), "2026-11-22");
  EXPECT_EQ(c.e().View("entity-employee", c.ben_warden)->at("retired_on"), "2027-06-30");
  EXPECT_TRUE(c.e().View("entity-employee", c.ana_warden)->at("retired_on").is_null());
  // Carl's assignment is gone from today's lists; Ben's stays until his end date.
  Query q;
  q.filter = {{"type", "ROLE"}};
  Result<Page> now = c.e().Index("entity-employee", q);
  ASSERT_OK(now);
  std::set<std::string> active;
  for (const Json& r : now->rows) active.insert(S(r, "entity_employee_id"));
  EXPECT_EQ(active, (std::set<std::string>{c.ana_warden, c.ben_warden, c.rita_aid}));
  // Each effect is an event holding the row before it.
  Result<Json> h = c.e().ReviewTaskHistory(s.cert, s.rita_task);
  bool retired_event = false;
  for (const Json& li : (*h)["lineItems"]) {
    for (const Json& d : li["lineItemDetails"]) {
      for (const Json& ev : d["actionHistoryList"]) {
        if (ev["actionName"] == "ASSIGNMENT_RETIRED") {
          retired_event = true;
          EXPECT_EQ(ev["data"]["before"]["entity_employee_id"], c.carl_aid);
          EXPECT_TRUE(ev["data"]["before"]["retired_on"].is_null());
          EXPECT_EQ(ev["fromState"], "ACTIVE");
          EXPECT_EQ(ev["toState"], "RETIRED_ON 2026-11-22");
        }
      }
    }
  }
  EXPECT_TRUE(retired_event);
  EXPECT_TRUE(Verified(c.e()));
}

// Issue 15's closed loop through issue 13's rule: a demand makes every first aider need the
// refresher; revoking Carl's first-aider role at sign-off retires his derived requirement from
// that day, so today's schedule and its counts lose it, and Verify agrees.
TEST(ReviewClosedLoop, ARevokedRoleTakesItsDerivedRequirementWithIt) {
  Company c = MakeCompany();
  const std::string refresher = S(MustCreate(c.e(), "action",
                                             {{"tenant_id", c.project},
                                              {"subtenant_id", c.office_a},
                                              {"action_type", "TRAINING"},
                                              {"name", "First aid refresher"}}),
                                  "action_id");
  MustCreate(c.e(), "demand",
             {{"office_id", c.office_a},
              {"action_id", refresher},
              {"resource_type", "ROLE"},
              {"resource_id", c.first_aid}});
  auto holders = [&](std::optional<std::chrono::year_month_day> as_of) {
    Query q;
    q.filter = {{"action_id", refresher}};
    q.as_of = as_of;
    std::set<std::string> people;
    Result<Page> page = c.e().Index("action-subscription", q);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    if (page.ok()) {
      for (const Json& r : page->rows) people.insert(S(r, "subscriber_id"));
    }
    return people;
  };
  auto new_count = [&] {
    Query q;
    q.filter = {{"action_id", refresher}};
    Result<std::map<ScheduleStatus, int64_t>> counts = c.e().StatusCounts(q);
    EXPECT_TRUE(counts.ok());
    return counts.ok() ? (*counts)[ScheduleStatus::kNew] : -1;
  };
  EXPECT_EQ(holders(std::nullopt), (std::set<std::string>{c.carl, c.rita}));
  EXPECT_EQ(new_count(), 2);

  Started s = Start(c);
  ExpectOk(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Revoke", "left the plant")));
  for (const std::string& p : {c.ana, c.ben}) {
    ExpectOk(Do(c, s, s.rita_task, Act(s.item_of.at(p), "Certify")));
  }
  ASSERT_OK(c.e().ReviewTaskAction(s.cert, s.rita_task, "signoff"));

  EXPECT_EQ(c.e().View("entity-employee", c.carl_aid)->at("retired_on"), "2026-11-22");
  Query q;
  q.filter = {{"action_id", refresher}, {"subscriber_id", c.carl}};
  q.history = true;
  Result<Page> carl = c.e().Index("action-subscription", q);
  ASSERT_OK(carl);
  ASSERT_EQ(carl->rows.size(), 1u);
  EXPECT_EQ(carl->rows[0]["origin"], "DERIVED");
  EXPECT_EQ(carl->rows[0]["retired_on"], "2026-11-22");
  EXPECT_EQ(holders(std::nullopt), (std::set<std::string>{c.rita}));
  EXPECT_EQ(holders(Ymd(2026, 11, 21)), (std::set<std::string>{c.carl, c.rita}));
  EXPECT_EQ(new_count(), 1);
  EXPECT_TRUE(Verified(c.e()));
}

// Rita revokes (or conditionally certifies) Ana's certificate, certifies the rest and signs off.
Json SignOffWithAnasCertificate(Company& c, const Started& s, ReviewLineItemAction decision) {
  const int64_t ana = s.item_of.at(c.ana);
  const int64_t cert = DetailOfKind(c, s, s.rita_task, ana, "CERTIFICATE");
  const int64_t role = DetailOfKind(c, s, s.rita_task, ana, "ENTITY_EMPLOYEE");
  const int64_t group = DetailOfKind(c, s, s.rita_task, ana, "WORK_GROUP_PERSON");
  decision.line_item_id = ana;
  decision.line_item_detail_ids = {cert};
  ExpectOk(Do(c, s, s.rita_task, decision));
  ExpectOk(Do(c, s, s.rita_task, Act(ana, "Certify", "", {role, group})));
  for (const std::string& p : {c.ben, c.carl}) {
    ExpectOk(Do(c, s, s.rita_task, Act(s.item_of.at(p), "Certify")));
  }
  Result<Json> done = c.e().ReviewTaskAction(s.cert, s.rita_task, "signoff");
  ExpectOk(done.status());
  Result<Json> report = c.e().ReviewReport(s.cert);
  ExpectOk(report.status());
  if (!report.ok()) return Json();
  for (const Json& row : (*report)["rows"]) {
    if (row["kind"] == "CERTIFICATE") return row;
  }
  return Json();
}

// The history event of a certificate detail's effect.
Json CertificateEffect(Company& c, const Started& s) {
  Result<Json> h = c.e().ReviewTaskHistory(s.cert, s.rita_task);
  for (const Json& li : (*h)["lineItems"]) {
    for (const Json& d : li["lineItemDetails"]) {
      for (const Json& ev : d["actionHistoryList"]) {
        if (ev["data"].is_object() && ev["data"].value("collection", "") == "certificate")
          return ev;
      }
    }
  }
  return Json();
}

TEST(ReviewClosedLoop, SignOffRevokesARevokedCertificateFromToday) {
  Company c = MakeCompany();
  Started s = Start(c);
  Json row = SignOffWithAnasCertificate(c, s, Act(0, "Revoke", "forged"));
  EXPECT_EQ(row["outcome"], "REVOKED");
  EXPECT_EQ(row["effect_on"], "2026-11-22");
  Json cert = *c.e().View("certificate", c.ana_cert);
  EXPECT_EQ(cert["revoked_on"], "2026-11-22");
  EXPECT_EQ(cert["revoke_reason"], "review campaign " + std::to_string(s.cert) + ", line item " +
                                       std::to_string(s.item_of[c.ana]) + ": REVOKE");
  EXPECT_EQ(cert["date_expire"], "2026-12-01");  // a revoked certificate keeps its data
  Json ev = CertificateEffect(c, s);
  EXPECT_EQ(ev["actionName"], "CERTIFICATE_REVOKED");
  EXPECT_EQ(ev["fromState"], "ACTIVE");
  EXPECT_EQ(ev["toState"], "REVOKED_ON 2026-11-22");
  EXPECT_TRUE(ev["data"]["before"]["revoked_on"].is_null());
  EXPECT_TRUE(Verified(c.e()));
}

TEST(ReviewClosedLoop, ConditionalCertificationRevokesTheCertificateFromItsEndDate) {
  Company c = MakeCompany();
  Started s = Start(c);
  ReviewLineItemAction until = Act(0, "CertifyConditionally", "renewal booked");
  until.end_date = Ymd(2026, 11, 30);
  Json row = SignOffWithAnasCertificate(c, s, until);
  EXPECT_EQ(row["outcome"], "REVOKE_SCHEDULED");
  EXPECT_EQ(c.e().View("certificate", c.ana_cert)->at("revoked_on"), "2026-11-30");
  EXPECT_EQ(CertificateEffect(c, s)["actionName"], "CERTIFICATE_REVOKE_SCHEDULED");
  EXPECT_TRUE(Verified(c.e()));
}

TEST(ReviewClosedLoop, ACertificateAlreadyRevokedByThenIsObjectGone) {
  Company c = MakeCompany();
  Started s = Start(c);
  ASSERT_OK(c.e().RevokeCertificate(c.ana_cert, Ymd(2026, 11, 1), "lost"));
  Json row = SignOffWithAnasCertificate(c, s, Act(0, "Revoke", "forged"));
  EXPECT_EQ(row["outcome"], "OBJECT_GONE");
  Json cert = *c.e().View("certificate", c.ana_cert);
  EXPECT_EQ(cert["revoked_on"], "2026-11-01");
  EXPECT_EQ(cert["revoke_reason"], "lost");
  EXPECT_EQ(CertificateEffect(c, s)["fromState"], "REVOKED_ON 2026-11-01");
}

// A file whose campaign's only open task is Rita's, with Carl certified and Ana and Ben
// undecided.
struct AtDeadline {
  std::string path, ana_warden, ben_warden, carl_aid, ana_night;
  int64_t cert = 0;
};

AtDeadline CampaignAtDeadline(const TempDir& dir, const std::string& policy) {
  AtDeadline d;
  d.path = dir.File("d.certo");
  Company c = MakeCompany(d.path);
  Started s = Start(c, {{"no_response", policy}});
  d.cert = s.cert;
  d.ana_warden = c.ana_warden;
  d.ben_warden = c.ben_warden;
  d.carl_aid = c.carl_aid;
  d.ana_night = c.ana_night;
  EXPECT_TRUE(Do(c, s, s.rita_task, Act(s.item_of[c.carl], "Certify")).ok());
  EXPECT_TRUE(Do(c, s, s.hugo_task, Act(s.item_of[c.rita], "Certify")).ok());
  EXPECT_TRUE(c.e().ReviewTaskAction(s.cert, s.hugo_task, "signoff").ok());
  return d;
}

TEST(ReviewClosedLoop, AtTheDeadlineTheRevokePolicyRetiresWhatNobodyDecided) {
  TempDir dir;
  AtDeadline d = CampaignAtDeadline(dir, "revoke");
  // The day of the deadline is still a review day.
  {
    auto on = OpenEngine(d.path, Ymd(2026, 12, 15));
    Result<Json> none = on->CloseDueReviews();
    ASSERT_OK(none);
    EXPECT_EQ((*none)["expired_tasks"], 0);
  }
  auto after = OpenEngine(d.path, Ymd(2026, 12, 16));
  Result<Json> closed = after->CloseDueReviews();
  ASSERT_OK(closed);
  EXPECT_EQ((*closed)["expired_tasks"], 1);
  EXPECT_EQ((*closed)["closed_campaigns"], Json::array({d.cert}));
  EXPECT_EQ(after->View("entity-employee", d.ana_warden)->at("retired_on"), "2026-12-16");
  EXPECT_EQ(after->View("entity-employee", d.ben_warden)->at("retired_on"), "2026-12-16");
  EXPECT_EQ(after->View("work-group-person", d.ana_night)->at("retired_on"), "2026-12-16");
  EXPECT_TRUE(after->View("entity-employee", d.carl_aid)->at("retired_on").is_null());
  Result<Json> report = after->ReviewReport(d.cert);
  ASSERT_OK(report);
  EXPECT_EQ((*report)["campaign"]["state"], "CLOSED");
  std::map<std::string, Json> row_of;
  for (const Json& row : (*report)["rows"]) row_of[S(row, "source_id")] = row;
  EXPECT_EQ(row_of[d.ana_warden]["outcome"], "RETIRED");
  EXPECT_EQ(row_of[d.ana_warden]["decision"], "REVOKE");
  EXPECT_EQ(row_of[d.ana_warden]["decided_by"], "system");
  EXPECT_EQ(row_of[d.carl_aid]["outcome"], "KEPT");
  // Ana's certificate is revoked from the day after the deadline too.
  bool revoked = false;
  for (const Json& row : (*report)["rows"]) {
    if (row["kind"] == "CERTIFICATE") {
      EXPECT_EQ(row["outcome"], "REVOKED");
      EXPECT_EQ(row["effect_on"], "2026-12-16");
      revoked = true;
    }
  }
  EXPECT_TRUE(revoked);
  EXPECT_TRUE(Verified(*after));
}

TEST(ReviewClosedLoop, AtTheDeadlineTheKeepPolicyKeepsEverything) {
  TempDir dir;
  AtDeadline d = CampaignAtDeadline(dir, "keep");
  auto after = OpenEngine(d.path, Ymd(2026, 12, 16));
  ASSERT_OK(after->CloseDueReviews());
  Result<Page> roles = after->Index("entity-employee", Query());
  ASSERT_OK(roles);
  EXPECT_EQ(roles->rows.size(), 4u);
  Result<Json> campaign = after->ReviewCampaign(d.cert);
  ASSERT_OK(campaign);
  EXPECT_EQ((*campaign)["certificationDefinitions"][0]["value"], "CLOSED");
}

TEST(ReviewClosedLoop, ASignOffThatFailsMidWayChangesNothing) {
  TempDir dir;
  const std::string path = dir.File("f.certo");
  int64_t cert = 0;
  std::string task, carl_aid, ana_warden;
  int64_t events = 0;
  {
    Company c = MakeCompany(path);
    Started s = Start(c);
    cert = s.cert;
    task = s.rita_task;
    carl_aid = c.carl_aid;
    ana_warden = c.ana_warden;
    const int64_t ana = s.item_of[c.ana];
    ASSERT_TRUE(Do(c, s, task, Act(s.item_of[c.carl], "Revoke", "left")).ok());
    ASSERT_TRUE(Do(c, s, task, Act(s.item_of[c.ben], "Certify")).ok());
    ASSERT_TRUE(Do(c, s, task,
                   Act(ana, "Revoke", "left",
                       {DetailOfKind(c, s, task, ana, "ENTITY_EMPLOYEE"),
                        DetailOfKind(c, s, task, ana, "WORK_GROUP_PERSON")}))
                    .ok());
    ASSERT_TRUE(
        Do(c, s, task, Act(ana, "Certify", "", {DetailOfKind(c, s, task, ana, "CERTIFICATE")}))
            .ok());
  }
  {
    // The second effect (Ana's night shift, after her role) fails inside the sign-off.
    SQLite::Database raw(path, SQLite::OPEN_READWRITE);
    raw.exec(
        "CREATE TRIGGER fail_midway BEFORE UPDATE OF retired_on ON work_group_person "
        "BEGIN SELECT RAISE(ABORT, 'injected failure'); END");
    events = raw.execAndGet("SELECT count(*) FROM review_event").getInt64();
  }
  auto engine = OpenEngine(path);
  Result<Json> r = engine->ReviewTaskAction(cert, task, "signoff");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("injected failure"), std::string::npos);
  EXPECT_TRUE(engine->View("entity-employee", carl_aid)->at("retired_on").is_null());
  EXPECT_TRUE(engine->View("entity-employee", ana_warden)->at("retired_on").is_null());
  Result<Json> t = engine->ReviewTask(cert, task);
  EXPECT_EQ((*t)["state"], "DECISIONS_COMPLETE");
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM review_event").getInt64(), events);
  EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM review_line_item_detail WHERE outcome IS NOT "
                           "NULL")
                .getInt64(),
            0);
}

// ---- Upgrade ---------------------------------------------------------------------------------

TEST(ReviewUpgrade, AFileOfSchemaTwoGainsTheReviewTablesAndStaysVerified) {
  TempDir dir;
  const std::string path = dir.File("old.certo");
  std::filesystem::copy_file(std::string(CERTO_SOURCE_DIR) + "/tests/db/fixtures/schema2.certo",
                             path);
  auto engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  Result<Json> none = engine->ReviewCampaigns();
  ASSERT_OK(none);
  EXPECT_EQ((*none)["totalResult"], 0);
  EXPECT_TRUE(Verified(*engine));
  SQLite::Database raw(path, SQLite::OPEN_READONLY);
  EXPECT_EQ(raw.execAndGet("SELECT count(*) FROM sqlite_master WHERE name IN ('review_campaign', "
                           "'review_task', 'review_line_item', 'review_line_item_detail', "
                           "'review_request', 'review_event', 'review_event_no_update', "
                           "'review_event_no_delete')")
                .getInt(),
            8);
}

// ---- The one table of codes, documented --------------------------------------------------------

TEST(ReviewCodes, DocsListEveryCodeOfTheOneTableBesideItsName) {
  std::ifstream in(std::string(CERTO_SOURCE_DIR) + "/docs/review.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  ASSERT_FALSE(doc.empty());
  namespace r = internal::review;
  size_t rows = 0;
  for (const auto& [kind, table] : std::vector<std::pair<std::string, const std::vector<r::Code>*>>{
           {"campaign", &r::kCampaignStates},
           {"task", &r::kTaskStates},
           {"item", &r::kItemStates},
           {"decision", &r::kDecisions},
           {"event", &r::kEvents}}) {
    for (const r::Code& code : *table) {
      const std::string row = "| " + kind + " | " + std::to_string(code.number) + " | `" +
                              std::string(code.name) + "` |";
      EXPECT_NE(doc.find(row), std::string::npos) << row;
      ++rows;
    }
  }
  EXPECT_EQ(rows, 46u);
  // Seed 003's evidence: decision 1 is certify, shown as CERTIFIED.
  EXPECT_EQ(r::NameOf(r::kDecisions, 1), "CERTIFY");
  EXPECT_EQ(r::DecisionStatus("CERTIFY"), "CERTIFIED");
}

}  // namespace
}  // namespace certo::testing
