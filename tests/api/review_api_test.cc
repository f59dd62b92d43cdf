// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The review routes of the JSON API (docs/review.md) with the example requests of seeds 002 and
// 003: the same paths, bodies, field names and nesting; the methods each path takes; the 409 of
// an action the state does not admit; a bulk PUT's per-entry results and requestId replay.

#include "certo/engine.h"

#include <set>

#include "testutil.h"

namespace certo::testing {
namespace {

const std::string kBase = "/iam/governance/selfservice/api/v1/certifications";

Json Body(const Response& r) { return Json::parse(r.body); }

std::set<std::string> Keys(const Json& j) {
  std::set<std::string> keys;
  for (const auto& [k, v] : j.items()) keys.insert(k);
  return keys;
}

bool Has(const Json& j, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!j.contains(k)) {
      ADD_FAILURE() << "missing " << k << " in " << j.dump();
      return false;
    }
  }
  return true;
}

struct Api {
  std::unique_ptr<Engine> engine = OpenEngine();
  std::string project, office, reviewer, ana, ben, task;
  int64_t cert = 0;
  int64_t ana_item = 0, ben_item = 0;

  Response Call(const std::string& method, const std::string& path, const Json& body = Json()) {
    return engine->Request(method, path, body.is_null() ? "" : body.dump());
  }
  std::string Id(const char* collection, const Json& record, const char* id) {
    Response r = Call("POST", std::string("/v2/") + collection + "/create", record);
    EXPECT_EQ(r.status, 201) << r.body;
    return Body(r)[id].get<std::string>();
  }
  std::string Person(const std::string& first, std::string role) {
    std::string p =
        Id("person", {{"project_id", project}, {"first_name", first}, {"last_name", "X"}},
           "person_id");
    std::string po =
        Id("person-office", {{"office_id", office}, {"person_id", p}}, "person_office_id");
    if (!role.empty()) {
      Id("entity-employee", {{"person_office_id", po}, {"type", "ROLE"}, {"entity_id", role}},
         "entity_employee_id");
    }
    return p;
  }

  Api() {
    project = Id("project", {{"name", "Acme"}}, "project_id");
    office = Id("office", {{"project_id", project}, {"name", "Plant"}}, "office_id");
    std::string warden =
        Id("role", {{"office_id", office}, {"name", "Fire warden"}}, "office_role_id");
    reviewer = Person("Rita", "");
    ana = Person("Ana", warden);
    ben = Person("Ben", warden);
    Response made = Call("POST", "/v2/review-campaign/create",
                         {{"project_id", project},
                          {"name", "usercert"},
                          {"reviewer_id", reviewer},
                          {"deadline", "2026-12-31"}});
    EXPECT_EQ(made.status, 201) << made.body;
    cert = Body(made)["cert_id"].get<int64_t>();
    Response started = Call("POST", "/v2/review-campaign/start/" + std::to_string(cert));
    EXPECT_EQ(started.status, 200) << started.body;
    Json tasks = Body(Call("GET", kBase + "/" + std::to_string(cert) + "/tasks"));
    task = tasks["certifications"][0]["taskId"].get<std::string>();
    Json items = Body(Call("GET", TaskPath() + "/lineitems"));
    for (const Json& li : items["certLineItemList"]) {
      (li["entityId"] == ana ? ana_item : ben_item) = li["id"].get<int64_t>();
    }
  }
  std::string TaskPath() const { return kBase + "/" + std::to_string(cert) + "/tasks/" + task; }
};

TEST(ReviewApi, CertificationsListHasSeed003Shape) {
  Api a;
  Response r = a.Call("GET", kBase);
  ASSERT_EQ(r.status, 200) << r.body;
  Json j = Body(r);
  EXPECT_EQ(Keys(j),
            (std::set<std::string>{"links", "count", "hasMore", "totalResult", "certifications"}));
  EXPECT_EQ(j["count"], 1);
  EXPECT_EQ(j["hasMore"], false);
  EXPECT_EQ(j["totalResult"], 1);
  EXPECT_EQ(j["links"][0]["rel"], "self");
  EXPECT_EQ(j["links"][0]["href"], kBase + "?offset=1&limit=10");
  EXPECT_EQ(j["links"][1]["rel"], "first");
  const Json& c = j["certifications"][0];
  Has(c, {"links", "state", "name", "type", "id", "asignee", "createdDate", "taskId"});
  EXPECT_EQ(c["state"], "ASSIGNED");
  EXPECT_EQ(c["type"], "User");
  EXPECT_EQ(c["id"], std::to_string(a.cert));
  EXPECT_EQ(c["name"], "usercert [ Rita X ]");
  EXPECT_EQ(c["asignee"], a.reviewer);
  EXPECT_EQ(c["links"][0]["href"], a.TaskPath());
  // ?actor= is the logged-in user: Ana has no task.
  EXPECT_EQ(Body(a.Call("GET", kBase + "?actor=" + a.ana))["totalResult"], 0);
  EXPECT_EQ(Body(a.Call("GET", kBase + "?actor=" + a.reviewer))["totalResult"], 1);
}

TEST(ReviewApi, CertificationDetailsAndTaskDetailsHaveSeed003Shape) {
  Api a;
  Json details = Body(a.Call("GET", kBase + "/" + std::to_string(a.cert)));
  Has(details, {"links", "certificationDefinitions"});
  std::map<std::string, Json> defs;
  for (const Json& d : details["certificationDefinitions"]) defs[d["name"]] = d["value"];
  EXPECT_EQ(defs["status"], "IN_REVIEW");
  EXPECT_EQ(defs["type"], "User");
  EXPECT_EQ(defs["users"], 2);
  EXPECT_EQ(defs["percentComplete"], 0);
  EXPECT_EQ(defs["roleAssignments"], "0 of 2 completed");
  Json task = Body(a.Call("GET", a.TaskPath()));
  Has(task, {"links", "taskId", "taskName", "reviewer", "status", "certificationInstance",
             "startDate", "certificationState", "percentComplete"});
  EXPECT_EQ(task["status"], 1);
  EXPECT_EQ(task["certificationState"], "2");
  EXPECT_EQ(task["reviewer"]["id"], a.reviewer);
  EXPECT_EQ(task["reviewer"]["displayName"], "Rita X");
  EXPECT_EQ(task["reviewer"]["links"][0]["rel"], "reviewer");
  EXPECT_EQ(task["certificationInstance"]["id"], std::to_string(a.cert));
}

TEST(ReviewApi, TaskPutsAnswerAsSeed003) {
  Api a;
  // PUT .../tasks/{taskid} {"action": "suspend"}
  Response one = a.Call("PUT", a.TaskPath(), {{"action", "suspend"}});
  ASSERT_EQ(one.status, 200) << one.body;
  Json j = Body(one);
  EXPECT_EQ(j["id"], a.task);
  EXPECT_EQ(j["action"], "suspend");
  EXPECT_EQ(j["status"], "SUCCESS");
  EXPECT_EQ(j["fields"][0], (Json{{"name", "state"}, {"value", "SUSPENDED"}}));
  EXPECT_EQ(j["fields"][1], (Json{{"name", "assignees"}, {"value", {"Rita X"}}}));
  // Suspending again: 409 naming the state.
  Response again = a.Call("PUT", a.TaskPath(), {{"action", "suspend"}});
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(Body(again)["message"].get<std::string>().find("is SUSPENDED"), std::string::npos);
  // PUT .../tasks {"tasks": [{"id", "action"}]}: one result per entry.
  Response bulk =
      a.Call("PUT", kBase + "/" + std::to_string(a.cert) + "/tasks",
             {{"tasks",
               {{{"id", a.task}, {"action", "resume"}}, {{"id", a.task}, {"action", "resume"}}}}});
  EXPECT_EQ(bulk.status, 207) << bulk.body;
  Json b = Body(bulk);
  ASSERT_EQ(b["tasks"].size(), 2u);
  EXPECT_EQ(b["tasks"][0]["status"], "SUCCESS");
  EXPECT_EQ(b["tasks"][0]["links"][0]["href"], a.TaskPath());
  EXPECT_EQ(b["tasks"][1]["status"], "FAILURE");
  EXPECT_EQ(b["tasks"][1]["error"]["code"], 409);
}

TEST(ReviewApi, LineItemsListAndBulkPutAsSeed003WithRequestIdAppliedOnce) {
  Api a;
  Json list = Body(a.Call("GET", a.TaskPath() + "/lineitems"));
  Has(list, {"links", "count", "hasMore", "totalResult", "certLineItemList"});
  const Json& li = list["certLineItemList"][0];
  Has(li, {"links", "action", "percentComplete", "certifiedBy", "certifyDate", "status", "entityId",
           "id", "roles", "identityStatus", "firstName", "lastName", "fullName"});
  EXPECT_EQ(li["status"], "NEW");
  EXPECT_EQ(li["roles"], 1);
  // Certify Ana, then the seed's ResetStatus + EditComment body.
  const std::string ana = std::to_string(a.ana_item);
  Response certify = a.Call(
      "PUT", a.TaskPath() + "/lineitems",
      {{"lineItems",
        {{{"requestId", "99"}, {"lineItemId", ana}, {"action", "Certify"}, {"comments", "ok"}}}}});
  ASSERT_EQ(certify.status, 200) << certify.body;
  Json after = Body(a.Call("GET", a.TaskPath() + "/lineitems"));
  for (const Json& item : after["certLineItemList"]) {
    if (item["id"] == a.ana_item) {
      EXPECT_EQ(item["action"], "1");
      EXPECT_EQ(item["status"], "CERTIFIED");
      EXPECT_EQ(item["certifiedBy"], a.reviewer);
      EXPECT_EQ(item["percentComplete"], 100);
    }
  }
  Json seed = {{"lineItems",
                {{{"requestId", "100"},
                  {"lineItemId", ana},
                  {"action", "ResetStatus"},
                  {"comments", "test ResetStatus"}},
                 {{"requestId", "101"},
                  {"lineItemId", ana},
                  {"action", "EditComment"},
                  {"comments", "test EditComment"}}}}};
  Response put = a.Call("PUT", a.TaskPath() + "/lineitems", seed);
  ASSERT_EQ(put.status, 200) << put.body;
  Json j = Body(put);
  EXPECT_EQ(j["links"][0]["href"], a.TaskPath() + "/lineitems");
  ASSERT_EQ(j["lineItems"].size(), 2u);
  EXPECT_EQ(j["lineItems"][0],
            (Json{{"links", {{{"rel", "self"}, {"href", a.TaskPath() + "/lineitems/" + ana}}}},
                  {"action", "ResetStatus"},
                  {"requestId", "100"},
                  {"lineItemId", ana},
                  {"status", "SUCCESS"}}));
  EXPECT_EQ(j["lineItems"][1]["action"], "EditComment");
  // The same request again: applied once, answered as before.
  Response retry = a.Call("PUT", a.TaskPath() + "/lineitems", seed);
  ASSERT_EQ(retry.status, 200);
  EXPECT_EQ(Body(retry)["lineItems"][0]["replayed"], true);
  Json history = Body(a.Call("GET", a.TaskPath() + "/history"));
  size_t resets = 0;
  for (const Json& item : history["lineItems"]) {
    for (const Json& e : item["actionHistoryList"]) resets += e["actionName"] == "ITEM_RESET";
  }
  EXPECT_EQ(resets, 1u);
  // ResetStatus of a NEW item: the entry fails with 409, the other succeeds.
  Response mixed = a.Call("PUT", a.TaskPath() + "/lineitems",
                          {{"lineItems",
                            {{{"lineItemId", ana}, {"action", "ResetStatus"}},
                             {{"lineItemId", ana}, {"action", "Claim"}}}}});
  EXPECT_EQ(mixed.status, 207);
  Json m = Body(mixed);
  EXPECT_EQ(m["lineItems"][0]["status"], "FAILURE");
  EXPECT_EQ(m["lineItems"][0]["error"]["code"], 409);
  EXPECT_EQ(m["lineItems"][1]["status"], "SUCCESS");
}

TEST(ReviewApi, SingleLineItemGetAndPutAsSeed003) {
  Api a;
  const std::string path = a.TaskPath() + "/lineitems/" + std::to_string(a.ben_item);
  Json details = Body(a.Call("GET", path));
  Has(details, {"links", "count", "hasMore", "totalResult", "lineItemDetails"});
  ASSERT_EQ(details["lineItemDetails"].size(), 1u);
  const Json& d = details["lineItemDetails"][0];
  Has(d, {"id", "entityId", "parentEntityId", "lastReviewerId", "lastReviewerTaskUid", "category",
          "lastDecision", "entityType", "displayName", "name", "catalogType"});
  EXPECT_EQ(d["category"], "Role");
  EXPECT_EQ(d["entityType"], "ENTITY_EMPLOYEE");
  EXPECT_EQ(d["name"], "Fire warden");
  EXPECT_EQ(d["parentEntityId"], a.ben_item);
  // The seed's single PUT: Complete needs DECIDED, so a NEW item answers 409 naming the state.
  Json complete = {
      {"lineItem", {{"action", "Complete"}, {"fields", {{{"name", "comment"}, {"value", "x"}}}}}}};
  Response refused = a.Call("PUT", path, complete);
  EXPECT_EQ(refused.status, 409);
  EXPECT_NE(Body(refused)["message"].get<std::string>().find("is NEW"), std::string::npos);
  ASSERT_EQ(a.Call("PUT", path, {{"lineItem", {{"action", "Certify"}}}}).status, 200);
  Response done = a.Call("PUT", path, complete);
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(Body(done)["lineItem"], (Json{{"action", "Complete"},
                                          {"status", "SUCCESS"},
                                          {"lineItemId", std::to_string(a.ben_item)}}));
  EXPECT_EQ(Body(done)["links"][0]["href"], path);
}

TEST(ReviewApi, HistoryHasSeed002Shape) {
  Api a;
  Json h = Body(a.Call("GET", a.TaskPath() + "/history"));
  Has(h, {"links", "count", "hasMore", "totalResult", "certId", "taskUid", "certificationType",
          "lineItems"});
  EXPECT_EQ(h["certId"], a.cert);
  EXPECT_EQ(h["taskUid"], a.task);
  const Json& e = h["lineItems"][0]["actionHistoryList"][0];
  Has(e, {"action", "actorDisplayName", "actorId", "certState", "eventId", "eventTimestamp",
          "recipientDisplayName", "recipientId", "recipientTaskUID"});
  Has(h["lineItems"][0]["lineItemDetails"][0],
      {"lineItemDetailId", "actionHistoryList", "certificationHistoryList"});
}

TEST(ReviewApi, PathsTakeTheirMethodsOnlyAndUnknownIdsAre404) {
  Api a;
  Response post = a.Call("POST", kBase);
  EXPECT_EQ(post.status, 405);
  Response del = a.Call("DELETE", a.TaskPath() + "/lineitems");
  EXPECT_EQ(del.status, 405);
  bool allow = false;
  for (const auto& [k, v] : del.headers) allow = allow || (k == "Allow" && v == "GET, PUT");
  EXPECT_TRUE(allow);
  EXPECT_EQ(a.Call("GET", kBase + "/999").status, 404);
  EXPECT_EQ(a.Call("GET", kBase + "/abc").status, 404);
  EXPECT_EQ(a.Call("GET", kBase + "/" + std::to_string(a.cert) + "/tasks/nope").status, 404);
  EXPECT_EQ(a.Call("GET", a.TaskPath() + "/lineitems/12345").status, 404);
  EXPECT_EQ(a.Call("GET", a.TaskPath() + "/other").status, 404);
  EXPECT_EQ(a.Call("GET", kBase + "?limit=0").status, 422);
  EXPECT_EQ(a.Call("POST", "/v2/review-campaign/create", {{"name", "x"}}).status, 422);
  EXPECT_EQ(a.Call("GET", "/v2/review-campaign/create").status, 405);
  EXPECT_EQ(
      a.Call("PUT", a.TaskPath() + "/lineitems", {{"lineItems", {{{"action", "Certify"}}}}}).status,
      422);
}

TEST(ReviewApi, ReportListsEveryDetailWithDecisionAndEffect) {
  Api a;
  ASSERT_EQ(a.Call("PUT", a.TaskPath() + "/lineitems",
                   {{"lineItems",
                     {{{"lineItemId", a.ana_item}, {"action", "Revoke"}, {"comments", "left"}},
                      {{"lineItemId", a.ben_item}, {"action", "Certify"}}}}})
                .status,
            200);
  Response signoff = a.Call("PUT", a.TaskPath(), {{"action", "signoff"}});
  ASSERT_EQ(signoff.status, 200) << signoff.body;
  Json report = Body(a.Call("GET", "/v2/review-campaign/report/" + std::to_string(a.cert)));
  ASSERT_EQ(report["rows"].size(), 2u);
  std::map<std::string, Json> by_person;
  for (const Json& row : report["rows"]) by_person[row["person_id"]] = row;
  EXPECT_EQ(by_person[a.ana]["decision"], "REVOKE");
  EXPECT_EQ(by_person[a.ana]["outcome"], "RETIRED");
  EXPECT_EQ(by_person[a.ana]["effect_on"], "2026-11-22");
  EXPECT_EQ(by_person[a.ana]["comment"], "left");
  EXPECT_EQ(by_person[a.ana]["decided_by"], a.reviewer);
  EXPECT_EQ(by_person[a.ben]["outcome"], "KEPT");
  EXPECT_EQ(report["campaign"]["state"], "CLOSED");
}

}  // namespace
}  // namespace certo::testing
