// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Events (include/certo/events.h): ENTITY::CREATE|UPDATE|DELETE and ACTION_SUBSCRIPTION::STATUS,
// the durable outbox (C++ and JSON), in-process handlers, nothing from rolled-back or no-op
// writes, and bulk loading that ends in the same schedule as loading row by row.

#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

using ymd = std::chrono::year_month_day;

// ---- Helpers --------------------------------------------------------------------------------

nlohmann::json Plain(const Json& j) { return nlohmann::json::parse(j.dump()); }

std::string S(const Json& j, const char* key) { return j.at(key).get<std::string>(); }

std::vector<Event> Outbox(Engine& engine, int64_t after = 0) {
  auto events = engine.ReadOutbox(after, 10000);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  return events.ok() ? *events : std::vector<Event>{};
}

int64_t LastSeq(Engine& engine) {
  std::vector<Event> all = Outbox(engine);
  return all.empty() ? 0 : all.back().seq;
}

std::vector<std::string> Names(const std::vector<Event>& events) {
  std::vector<std::string> names;
  for (const Event& e : events) names.push_back(e.name);
  return names;
}

Json EventJson(const Event& e) {
  return Json{{"seq", e.seq},
              {"event", e.name},
              {"entity_id", e.entity_id},
              {"payload", e.payload},
              {"date", e.date}};
}

Json EventsJson(const std::vector<Event>& events) {
  Json out = Json::array();
  for (const Event& e : events) out.push_back(EventJson(e));
  return out;
}

std::string Id(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

std::string Fmt(const ymd& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string AddDays(const ymd& d, int n) {
  return Fmt(ymd{std::chrono::sys_days{d} + std::chrono::days{n}});
}

// A company (project, two offices, Ada in office A), a TRAINING action with a 30-day warning,
// Ada's subscription and a certificate of hers that expires on 2028-01-01 (not yet linked).
struct Scene {
  std::unique_ptr<Engine> engine;
  Company c;
  std::string project, office, ada, action, sub, cert;
  Engine& e() { return *engine; }

  std::string Link(const Json& extra = Json::object()) {
    Json r = {{"certificate_id", cert}, {"action_id", action}};
    for (const auto& [k, v] : extra.items()) r[k] = v;
    return S(MustCreate(e(), "certificate-action", r), "certificate_action_id");
  }
};

Scene MakeScene(const std::string& path = ":memory:", ymd today = kToday) {
  Scene s;
  s.engine = OpenEngine(path, today);
  s.c = MakeCompany(*s.engine);
  s.project = S(s.c.project, "project_id");
  s.office = S(s.c.office_a, "office_id");
  s.ada = S(s.c.person, "person_id");
  s.action = S(MustCreate(*s.engine, "action",
                          {{"tenant_id", s.project},
                           {"subtenant_id", s.office},
                           {"action_type", "TRAINING"},
                           {"name", "Fire safety"},
                           {"expire_interval", 30}}),
               "action_id");
  s.sub = S(MustCreate(
                *s.engine, "action-subscription",
                {{"action_id", s.action}, {"subscriber_type", "PERSON"}, {"subscriber_id", s.ada}}),
            "action_subscription_id");
  s.cert = S(MustCreate(*s.engine, "certificate",
                        {{"resource_id", s.ada},
                         {"action_type", "TRAINING"},
                         {"name", "Fire safety certificate"},
                         {"date_release", "2024-01-15"},
                         {"date_expire", "2028-01-01"}}),
             "certificate_id");
  return s;
}

Json StatusPayload(const Scene& s, const char* from, const char* to) {
  return {{"entity_id", s.sub},          {"action_id", s.action}, {"subscriber_id", s.ada},
          {"subscriber_type", "PERSON"}, {"old", from},           {"new", to}};
}

// The events named `name` in events.
std::vector<Event> Named(const std::vector<Event>& events, const std::string& name) {
  std::vector<Event> out;
  for (const Event& e : events) {
    if (e.name == name) out.push_back(e);
  }
  return out;
}

// ---- ENTITY::CREATE|UPDATE|DELETE -----------------------------------------------------------

Json AdaRecord(const std::string& id, const std::string& project) {
  return {{"person_id", id},          {"project_id", project},   {"code", "E001"},
          {"first_name", "Ada"},      {"last_name", "Rossi"},    {"street", nullptr},
          {"locality", nullptr},      {"postal_code", nullptr},  {"region", nullptr},
          {"sex", nullptr},           {"country", "IT"},         {"birth_date", "1990-05-17"},
          {"birth_place", nullptr},   {"tax_code", nullptr},     {"note", nullptr},
          {"contract_type", nullptr}, {"is_employee", 1},        {"is_prevention_people", 0},
          {"entity_id", nullptr},     {"related_user", nullptr}, {"active_from", nullptr}};
}

TEST(Events, CreateEmitsTheStoredRecord) {
  auto engine = OpenEngine();
  Json project = MustCreate(*engine, "project", {{"name", "ACME"}});
  const int64_t before = LastSeq(*engine);
  const std::string id = Id(7);
  MustCreate(*engine, "person",
             {{"person_id", id},
              {"project_id", project["project_id"]},
              {"code", "E001"},
              {"first_name", "Ada"},
              {"last_name", "Rossi"},
              {"country", "IT"},
              {"birth_date", "1990-05-17"}});
  std::vector<Event> events = Outbox(*engine, before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "PERSON::CREATE");
  EXPECT_EQ(events[0].entity_id, id);
  EXPECT_EQ(events[0].date, "2026-11-22");
  EXPECT_EQ(events[0].seq, before + 1);
  EXPECT_EQ(Plain(events[0].payload), Plain(AdaRecord(id, S(project, "project_id"))));
}

TEST(Events, UpdateEmitsOnlyTheChangedFieldsWithOldAndNew) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = S(c.person, "person_id");
  const int64_t before = LastSeq(*engine);
  ASSERT_OK(engine->Update(
      "person", id,
      {{"first_name", "Adele"}, {"last_name", "Rossi"}, {"code", "E002"}, {"note", "moved"}}));
  std::vector<Event> events = Outbox(*engine, before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "PERSON::UPDATE");
  EXPECT_EQ(events[0].entity_id, id);
  EXPECT_EQ(Plain(events[0].payload),
            Plain(Json{{"entity_id", id},
                       {"updated_fields",
                        {{"code", {{"old", "E001"}, {"new", "E002"}}},
                         {"first_name", {{"old", "Ada"}, {"new", "Adele"}}},
                         {"note", {{"old", nullptr}, {"new", "moved"}}}}}}));
}

TEST(Events, DeleteEmitsTheRecordAsItWas) {
  auto engine = OpenEngine();
  Json project = MustCreate(*engine, "project", {{"name", "ACME"}});
  const std::string id = Id(7);
  MustCreate(*engine, "person",
             {{"person_id", id},
              {"project_id", project["project_id"]},
              {"code", "E001"},
              {"first_name", "Ada"},
              {"last_name", "Rossi"},
              {"country", "IT"},
              {"birth_date", "1990-05-17"}});
  ASSERT_OK(engine->Update("person", id, {{"code", "E009"}}));
  const int64_t before = LastSeq(*engine);
  ASSERT_OK(engine->Delete("person", id, true));
  std::vector<Event> events = Outbox(*engine, before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "PERSON::DELETE");
  EXPECT_EQ(events[0].entity_id, id);
  Json expected = AdaRecord(id, S(project, "project_id"));
  expected["code"] = "E009";
  EXPECT_EQ(Plain(events[0].payload), Plain(expected));
}

TEST(Events, ForceDeleteEmitsADeleteForEveryRowDependantsFirst) {
  Scene s = MakeScene();
  std::string link = s.Link();
  const int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Delete("person", s.ada, true));
  std::vector<Event> events = Outbox(s.e(), before);
  std::vector<std::string> deletes;
  std::map<std::string, size_t> position;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].name.ends_with("::DELETE")) {
      deletes.push_back(events[i].name + " " + events[i].entity_id);
      position[events[i].entity_id] = i;
    }
  }
  EXPECT_EQ(std::multiset<std::string>(deletes.begin(), deletes.end()),
            (std::multiset<std::string>{
                "PERSON::DELETE " + s.ada,
                "PERSON_OFFICE::DELETE " + S(s.c.person_office, "person_office_id"),
                "CERTIFICATE::DELETE " + s.cert, "ACTION_SUBSCRIPTION::DELETE " + s.sub,
                "CERTIFICATE_ACTION::DELETE " + link}));
  EXPECT_EQ(events.back().name, "PERSON::DELETE");
  EXPECT_LT(position[link], position[s.cert]);
  EXPECT_TRUE(Verified(s.e()));
}

TEST(Events, EveryEntityEmitsUnderItsUpperSnakeNameInWriteOrder) {
  auto engine = OpenEngine();
  std::vector<std::pair<std::string, std::string>> expected;  // name, entity id
  auto create = [&](const char* collection, const char* id_field, const char* event,
                    const Json& record) {
    Json stored = MustCreate(*engine, collection, record);
    expected.emplace_back(std::string(event) + "::CREATE", S(stored, id_field));
    return S(stored, id_field);
  };
  std::string p = create("project", "project_id", "PROJECT", {{"name", "ACME"}});
  std::string o = create("office", "office_id", "OFFICE", {{"project_id", p}, {"name", "HQ"}});
  std::string ada = create("person", "person_id", "PERSON",
                           {{"project_id", p}, {"first_name", "Ada"}, {"last_name", "Rossi"}});
  create("person-office", "person_office_id", "PERSON_OFFICE",
         {{"person_id", ada}, {"office_id", o}});
  std::string room = create("work-environment", "office_work_environment_id", "WORK_ENVIRONMENT",
                            {{"project_id", p}, {"office_id", o}, {"name", "Lab"}});
  create("work-group", "work_group_id", "WORK_GROUP",
         {{"project_id", p}, {"office_id", o}, {"name", "Night"}, {"work_group_type", "JOB"}});
  std::string check = create(
      "action", "action_id", "ACTION",
      {{"tenant_id", p}, {"subtenant_id", o}, {"action_type", "CHECK"}, {"name", "Air quality"}});
  create("action-subscription", "action_subscription_id", "ACTION_SUBSCRIPTION",
         {{"action_id", check}, {"subscriber_type", "WORK_ENVIRONMENT"}, {"subscriber_id", room}});
  std::string cert = create("certificate", "certificate_id", "CERTIFICATE",
                            {{"resource_id", ada},
                             {"action_type", "CHECK"},
                             {"name", "Audit"},
                             {"date_release", "2026-01-10"}});
  create("certificate-action", "certificate_action_id", "CERTIFICATE_ACTION",
         {{"certificate_id", cert}, {"action_id", check}});
  create(
      "incident", "office_incident_id", "INCIDENT",
      {{"tenant_id", p}, {"subtenant_id", o}, {"name", "Slip"}, {"date_incident", "2026-11-01"}});
  std::vector<Event> events = Outbox(*engine);
  ASSERT_EQ(events.size(), expected.size());
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].name, expected[i].first) << i;
    EXPECT_EQ(events[i].entity_id, expected[i].second) << i;
    EXPECT_EQ(events[i].date, "2026-11-22");
    if (i > 0) {
      EXPECT_GT(events[i].seq, events[i - 1].seq);
    }
  }
}

TEST(Events, InsertEmitsWhatCreateEmitsAndFailsAlike) {
  auto by_create = OpenEngine();
  auto by_insert = OpenEngine();
  const Json project = {{"project_id", Id(1)}, {"name", "ACME"}};
  const Json person = {{"person_id", Id(7)},        {"project_id", Id(1)},  {"code", "E001"},
                       {"first_name", "Ada"},       {"last_name", "Rossi"}, {"country", "IT"},
                       {"birth_date", "1990-05-17"}};
  MustCreate(*by_create, "project", project);
  MustCreate(*by_create, "person", person);
  auto p = by_insert->Insert("project", project);
  ASSERT_OK(p);
  EXPECT_EQ(*p, Id(1));
  auto a = by_insert->Insert("person", person);
  ASSERT_OK(a);
  EXPECT_EQ(*a, Id(7));
  std::vector<Event> created = Outbox(*by_create), inserted = Outbox(*by_insert);
  ASSERT_EQ(inserted.size(), 2u);
  EXPECT_EQ(Plain(EventsJson(inserted)), Plain(EventsJson(created)));
  EXPECT_EQ(Plain(*by_insert->View("person", Id(7))), Plain(*by_create->View("person", Id(7))));
  // Generated ids, errors and conflicts are those of Create.
  auto generated = by_insert->Insert(
      "person", {{"project_id", Id(1)}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  ASSERT_OK(generated);
  EXPECT_TRUE(by_insert->View("person", *generated).ok());
  auto invalid = by_insert->Insert("person", {{"project_id", Id(1)}, {"first_name", "X"}});
  EXPECT_EQ(OnlyFieldError(invalid.status()), "last_name: is required");
  EXPECT_EQ(by_insert->Insert("person", person).status().code(), Code::kConflict);
  EXPECT_EQ(by_insert->Insert("nothing", person).status().code(), Code::kNotFound);
  EXPECT_EQ(Outbox(*by_insert).size(), 3u);
}

TEST(Events, LinkPayloadsMatchTheSeedsWebhooks) {
  Scene s = MakeScene();
  const std::string link = Id(99);
  int64_t before = LastSeq(s.e());
  s.Link({{"certificate_action_id", link}, {"date_expire", "2029-01-15"}});
  std::vector<Event> created = Named(Outbox(s.e(), before), "CERTIFICATE_ACTION::CREATE");
  ASSERT_EQ(created.size(), 1u);
  EXPECT_EQ(Plain(created[0].payload), Plain(Json{{"certificate_action_id", link},
                                                  {"certificate_id", s.cert},
                                                  {"action_id", s.action},
                                                  {"date_expire", "2029-01-15"},
                                                  {"tenant_id", s.project}}));
  before = LastSeq(s.e());
  ASSERT_OK(s.e().Update("certificate-action", link, {{"date_expire", "2030-01-15"}}));
  std::vector<Event> updated = Outbox(s.e(), before);
  ASSERT_EQ(updated.size(), 1u);
  EXPECT_EQ(updated[0].name, "CERTIFICATE_ACTION::UPDATE");
  EXPECT_EQ(Plain(updated[0].payload),
            Plain(Json{{"entity_id", link},
                       {"updated_fields",
                        {{"date_expire", {{"old", "2029-01-15"}, {"new", "2030-01-15"}}}}}}));
}

// ---- The outbox -----------------------------------------------------------------------------

TEST(Outbox, ReadPagesWithAfterAndLimit) {
  auto engine = OpenEngine();
  MakeCompany(*engine);  // five creates
  std::vector<Event> all = Outbox(*engine);
  ASSERT_EQ(all.size(), 5u);
  auto page = engine->ReadOutbox(all[1].seq, 2);
  ASSERT_OK(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].seq, all[2].seq);
  EXPECT_EQ((*page)[1].seq, all[3].seq);
  EXPECT_EQ(engine->ReadOutbox(all[4].seq, 100)->size(), 0u);
  EXPECT_EQ(OnlyFieldError(engine->ReadOutbox(0, 0).status()),
            "limit: must be between 1 and 10000");
  EXPECT_EQ(OnlyFieldError(engine->ReadOutbox(0, 10001).status()),
            "limit: must be between 1 and 10000");
}

TEST(Outbox, JsonIndexListsTheSameEvents) {
  auto engine = OpenEngine();
  MakeCompany(*engine);
  std::vector<Event> all = Outbox(*engine);
  ASSERT_EQ(all.size(), 5u);
  Reply r =
      Call(*engine, "GET", "/v2/outbox/index?after=" + std::to_string(all[0].seq) + "&limit=3");
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Plain(r.body), Plain(EventsJson({all[1], all[2], all[3]})));
  Reply everything = Call(*engine, "GET", "/v2/outbox/index");
  ASSERT_EQ(everything.status, 200);
  EXPECT_EQ(Plain(everything.body), Plain(EventsJson(all)));
  EXPECT_EQ(Call(*engine, "POST", "/v2/outbox/index").status, 405);
  EXPECT_EQ(Call(*engine, "GET", "/v2/outbox/index?after=x").status, 422);
}

TEST(Outbox, AckRemovesAcknowledgedEventsAndKeepsLaterOnes) {
  auto engine = OpenEngine();
  MakeCompany(*engine);
  std::vector<Event> all = Outbox(*engine);
  ASSERT_EQ(all.size(), 5u);
  ASSERT_TRUE(engine->AckOutbox(all[2].seq).ok());
  std::vector<Event> left = Outbox(*engine);
  ASSERT_EQ(left.size(), 2u);
  EXPECT_EQ(left[0].seq, all[3].seq);
  EXPECT_EQ(left[1].seq, all[4].seq);
  // Acknowledging again, or an older seq, changes nothing.
  ASSERT_TRUE(engine->AckOutbox(all[1].seq).ok());
  EXPECT_EQ(Outbox(*engine).size(), 2u);
}

TEST(Outbox, JsonAckRemovesThroughTheGivenSeq) {
  auto engine = OpenEngine();
  MakeCompany(*engine);
  std::vector<Event> all = Outbox(*engine);
  Reply r = Call(*engine, "POST", "/v2/outbox/ack", {{"through", all[3].seq}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body, (Json{{"acknowledged_through", all[3].seq}}));
  std::vector<Event> left = Outbox(*engine);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].seq, all[4].seq);
  Reply missing = Call(*engine, "POST", "/v2/outbox/ack", Json::object());
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.body[0]["field"], "through");
  EXPECT_EQ(Call(*engine, "POST", "/v2/outbox/ack", {{"through", "3"}}).status, 422);
  EXPECT_EQ(Outbox(*engine).size(), 1u);
}

TEST(Outbox, SeqIsNeverReusedAfterAckEvenAcrossReopen) {
  TempDir dir;
  const std::string path = dir.File("events.certo");
  int64_t last = 0;
  {
    auto engine = OpenEngine(path);
    MakeCompany(*engine);
    last = LastSeq(*engine);
    ASSERT_TRUE(engine->AckOutbox(last).ok());
    EXPECT_TRUE(Outbox(*engine).empty());
    MustCreate(*engine, "project", {{"name", "Second"}});
    std::vector<Event> after = Outbox(*engine);
    ASSERT_EQ(after.size(), 1u);
    EXPECT_GT(after[0].seq, last);
    last = after[0].seq;
    ASSERT_TRUE(engine->AckOutbox(last).ok());
  }
  auto engine = OpenEngine(path);
  EXPECT_TRUE(Outbox(*engine).empty());
  MustCreate(*engine, "project", {{"name", "Third"}});
  std::vector<Event> after = Outbox(*engine);
  ASSERT_EQ(after.size(), 1u);
  EXPECT_GT(after[0].seq, last);
}

// ---- ACTION_SUBSCRIPTION::STATUS ------------------------------------------------------------

TEST(StatusEvents, LinkCreateEmitsNewToValid) {
  Scene s = MakeScene();
  const int64_t before = LastSeq(s.e());
  std::string link = s.Link();
  std::vector<Event> events = Outbox(s.e(), before);
  std::vector<std::string> names = Names(events);
  EXPECT_EQ(
      std::multiset<std::string>(names.begin(), names.end()),
      (std::multiset<std::string>{"CERTIFICATE_ACTION::CREATE", "ACTION_SUBSCRIPTION::STATUS"}));
  std::vector<Event> status = Named(events, "ACTION_SUBSCRIPTION::STATUS");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].entity_id, s.sub);
  EXPECT_EQ(status[0].date, "2026-11-22");
  EXPECT_EQ(Plain(status[0].payload), Plain(StatusPayload(s, "NEW", "VALID")));
}

TEST(StatusEvents, LinkDeleteEmitsValidToNew) {
  Scene s = MakeScene();
  std::string link = s.Link();
  const int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Delete("certificate-action", link, true));
  std::vector<Event> events = Outbox(s.e(), before);
  std::vector<std::string> names = Names(events);
  EXPECT_EQ(
      std::multiset<std::string>(names.begin(), names.end()),
      (std::multiset<std::string>{"CERTIFICATE_ACTION::DELETE", "ACTION_SUBSCRIPTION::STATUS"}));
  std::vector<Event> status = Named(events, "ACTION_SUBSCRIPTION::STATUS");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(Plain(status[0].payload), Plain(StatusPayload(s, "VALID", "NEW")));
}

TEST(StatusEvents, CertificateForceDeleteEmitsValidToNew) {
  Scene s = MakeScene();
  std::string link = s.Link();
  const int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Delete("certificate", s.cert, true));
  std::vector<Event> events = Outbox(s.e(), before);
  std::vector<std::string> names = Names(events);
  EXPECT_EQ(std::multiset<std::string>(names.begin(), names.end()),
            (std::multiset<std::string>{"CERTIFICATE_ACTION::DELETE", "CERTIFICATE::DELETE",
                                        "ACTION_SUBSCRIPTION::STATUS"}));
  std::vector<Event> status = Named(events, "ACTION_SUBSCRIPTION::STATUS");
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(Plain(status[0].payload), Plain(StatusPayload(s, "VALID", "NEW")));
}

TEST(StatusEvents, TheWritesOwnEventComesBeforeTheStatusChangeItCauses) {
  Scene s = MakeScene();
  int64_t before = LastSeq(s.e());
  std::string link = s.Link();
  std::vector<Event> events = Outbox(s.e(), before);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().name, "CERTIFICATE_ACTION::CREATE") << "cause before effect";

  // A subscription created over an existing link: no event about it may precede its CREATE.
  Json bob = MustCreate(s.e(), "person",
                        {{"project_id", s.project}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  std::string cert = S(MustCreate(s.e(), "certificate",
                                  {{"resource_id", bob["person_id"]},
                                   {"action_type", "TRAINING"},
                                   {"name", "Fire"},
                                   {"date_release", "2025-01-01"},
                                   {"date_expire", "2028-01-01"}}),
                       "certificate_id");
  MustCreate(s.e(), "certificate-action", {{"certificate_id", cert}, {"action_id", s.action}});
  before = LastSeq(s.e());
  Json sub = MustCreate(s.e(), "action-subscription",
                        {{"action_id", s.action},
                         {"subscriber_type", "PERSON"},
                         {"subscriber_id", bob["person_id"]}});
  EXPECT_EQ(sub["status"], "VALID");
  events = Outbox(s.e(), before);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().name, "ACTION_SUBSCRIPTION::CREATE")
      << "a STATUS event of a subscription must not precede the event that creates it";
  EXPECT_EQ(events.front().entity_id, S(sub, "action_subscription_id"));
}

TEST(StatusEvents, WritesThatKeepTheStatusEmitNone) {
  Scene s = MakeScene();
  std::string link = s.Link();
  const int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Update("certificate-action", link, {{"date_expire", "2030-01-15"}}));  // VALID
  ASSERT_OK(s.e().Update("certificate", s.cert, {{"name", "Renamed"}}));
  ASSERT_OK(
      s.e().Update("action", s.action, {{"name", "Fire safety (basic)"}, {"expire_interval", 40}}));
  MustCreate(s.e(), "certificate",
             {{"resource_id", s.ada},
              {"action_type", "TRAINING"},
              {"name", "Unlinked"},
              {"date_release", "2026-01-01"}});
  Json bob = MustCreate(s.e(), "person",
                        {{"project_id", s.project}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  MustCreate(s.e(), "action-subscription",
             {{"action_id", s.action},
              {"subscriber_type", "PERSON"},
              {"subscriber_id", bob["person_id"]}});  // NEW
  EXPECT_TRUE(Named(Outbox(s.e(), before), "ACTION_SUBSCRIPTION::STATUS").empty());
}

TEST(StatusEvents, LinkDateMovesEmitValidToExpiringToExpiredAndBack) {
  Scene s = MakeScene();
  std::string link = s.Link();
  auto step = [&](const Json& date, const char* from, const char* to) {
    const int64_t before = LastSeq(s.e());
    ASSERT_OK(s.e().Update("certificate-action", link, {{"date_expire", date}}));
    std::vector<Event> status = Named(Outbox(s.e(), before), "ACTION_SUBSCRIPTION::STATUS");
    ASSERT_EQ(status.size(), 1u) << date;
    EXPECT_EQ(Plain(status[0].payload), Plain(StatusPayload(s, from, to))) << date;
  };
  step("2026-12-01", "VALID", "EXPIRING");
  step("2026-11-21", "EXPIRING", "EXPIRED");
  step(nullptr, "EXPIRED", "VALID");  // inherits the certificate's 2028-01-01
}

TEST(StatusEvents, ActionAndCertificateUpdatesEmitForEveryAffectedSubscription) {
  Scene s = MakeScene();
  s.Link({{"date_expire", "2026-12-10"}});  // EXPIRING (from 2026-11-10)
  Json bob = MustCreate(s.e(), "person",
                        {{"project_id", s.project}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  std::string bob_sub = S(MustCreate(s.e(), "action-subscription",
                                     {{"action_id", s.action},
                                      {"subscriber_type", "PERSON"},
                                      {"subscriber_id", bob["person_id"]}}),
                          "action_subscription_id");
  std::string bob_cert = S(MustCreate(s.e(), "certificate",
                                      {{"resource_id", bob["person_id"]},
                                       {"action_type", "TRAINING"},
                                       {"name", "Fire"},
                                       {"date_release", "2025-01-01"},
                                       {"date_expire", "2026-12-15"}}),
                           "certificate_id");
  MustCreate(s.e(), "certificate-action", {{"certificate_id", bob_cert}, {"action_id", s.action}});
  int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Update("action", s.action, {{"expire_interval", 0}}));
  std::set<std::string> seen;
  for (const Event& e : Named(Outbox(s.e(), before), "ACTION_SUBSCRIPTION::STATUS")) {
    seen.insert(e.entity_id + " " + S(e.payload, "old") + "->" + S(e.payload, "new"));
  }
  EXPECT_EQ(seen,
            (std::set<std::string>{s.sub + " EXPIRING->VALID", bob_sub + " EXPIRING->VALID"}));

  // Bob's certificate moves to Ada: Bob loses his cover, Ada's gets later (no status change).
  before = LastSeq(s.e());
  ASSERT_OK(s.e().Update("certificate", bob_cert, {{"resource_id", s.ada}}));
  seen.clear();
  for (const Event& e : Named(Outbox(s.e(), before), "ACTION_SUBSCRIPTION::STATUS")) {
    seen.insert(e.entity_id + " " + S(e.payload, "old") + "->" + S(e.payload, "new"));
  }
  EXPECT_EQ(seen, (std::set<std::string>{bob_sub + " VALID->NEW"}));
  EXPECT_TRUE(Verified(s.e()));
}

TEST(StatusEvents, StatusIsJudgedAsOfTheEnginesToday) {
  for (auto [today, expected] :
       {std::pair{kToday, "EXPIRED"}, std::pair{Ymd(2025, 6, 1), "VALID"}}) {
    Scene s = MakeScene(":memory:", today);
    const int64_t before = LastSeq(s.e());
    s.Link({{"date_expire", "2026-01-31"}});
    std::vector<Event> status = Named(Outbox(s.e(), before), "ACTION_SUBSCRIPTION::STATUS");
    ASSERT_EQ(status.size(), 1u);
    EXPECT_EQ(status[0].payload["new"], expected);
    EXPECT_EQ(status[0].date, Fmt(today));
  }
}

// ---- In-process handlers --------------------------------------------------------------------

TEST(Handlers, ReceiveTheSameEventsAsTheOutboxInOrder) {
  Scene s = MakeScene();
  std::vector<Event> got;
  s.e().Subscribe([&](const Event& e) { got.push_back(e); });
  const int64_t before = LastSeq(s.e());
  std::string link = s.Link();
  ASSERT_OK(s.e().Update("certificate-action", link, {{"date_expire", "2026-12-01"}}));
  ASSERT_OK(s.e().Delete("certificate-action", link, true));
  std::vector<Event> outbox = Outbox(s.e(), before);
  EXPECT_EQ(outbox.size(), 6u);
  EXPECT_EQ(Plain(EventsJson(got)), Plain(EventsJson(outbox)));
}

TEST(Handlers, RunAfterTheCommitAndMayCallTheEngine) {
  TempDir dir;
  const std::string path = dir.File("handlers.certo");
  auto writer = OpenEngine(path);
  auto reader = OpenEngine(path);
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  Json project = MustCreate(*writer, "project", {{"name", "ACME"}});
  std::vector<std::string> seen;
  writer->Subscribe([&](const Event& e) {
    // Another connection sees the row: the write has committed.
    bool committed = reader->View("person", e.entity_id).ok();
    // The writing engine itself can be called from a handler.
    bool reentrant = writer->View("person", e.entity_id).ok();
    seen.push_back(e.name + (committed ? " committed" : " uncommitted") +
                   (reentrant ? " readable" : " unreadable"));
  });
  MustCreate(
      *writer, "person",
      {{"project_id", project["project_id"]}, {"first_name", "Ada"}, {"last_name", "Rossi"}});
  EXPECT_EQ(seen, std::vector<std::string>{"PERSON::CREATE committed readable"});
}

TEST(Handlers, AThrowingHandlerBreaksNeitherTheEngineNorOtherHandlers) {
  auto engine = OpenEngine();
  int thrown = 0;
  std::vector<std::string> got;
  engine->Subscribe([&](const Event&) {
    ++thrown;
    throw std::runtime_error("handler failure");
  });
  engine->Subscribe([&](const Event& e) { got.push_back(e.name); });
  Company c = MakeCompany(*engine);
  EXPECT_EQ(thrown, 5);
  EXPECT_EQ(got, (std::vector<std::string>{"PROJECT::CREATE", "OFFICE::CREATE", "OFFICE::CREATE",
                                           "PERSON::CREATE", "PERSON_OFFICE::CREATE"}));
  EXPECT_TRUE(engine->View("person", S(c.person, "person_id")).ok());
  ASSERT_OK(engine->Update("person", S(c.person, "person_id"), {{"first_name", "Adele"}}));
  EXPECT_EQ(got.back(), "PERSON::UPDATE");
  EXPECT_EQ(Outbox(*engine).size(), 6u);
  EXPECT_TRUE(Verified(*engine));
}

TEST(Handlers, UnsubscribeStopsDelivery) {
  auto engine = OpenEngine();
  int a = 0, b = 0;
  int token_a = engine->Subscribe([&](const Event&) { ++a; });
  int token_b = engine->Subscribe([&](const Event&) { ++b; });
  EXPECT_NE(token_a, token_b);
  MustCreate(*engine, "project", {{"name", "One"}});
  engine->Unsubscribe(token_a);
  engine->Unsubscribe(987654);  // unknown: ignored
  MustCreate(*engine, "project", {{"name", "Two"}});
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, 2);
  engine->Unsubscribe(token_b);
  MustCreate(*engine, "project", {{"name", "Three"}});
  EXPECT_EQ(b, 2);
  EXPECT_EQ(Outbox(*engine).size(), 3u);
}

TEST(Handlers, TransactionDeliversAllItsEventsOnceAfterTheCommit) {
  auto engine = OpenEngine();
  Json project = MustCreate(*engine, "project", {{"name", "ACME"}});
  bool in_body = false;
  std::vector<std::string> got;
  engine->Subscribe([&](const Event& e) { got.push_back(e.name + (in_body ? " early" : "")); });
  const int64_t before = LastSeq(*engine);
  Status status = engine->Transaction([&](Engine& e) {
    in_body = true;
    for (const char* name : {"Ada", "Bob"}) {
      auto r = e.Create(
          "person",
          {{"project_id", project["project_id"]}, {"first_name", name}, {"last_name", "Rossi"}});
      if (!r.ok()) return r.status();
    }
    in_body = false;
    return Status::OK();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(got, (std::vector<std::string>{"PERSON::CREATE", "PERSON::CREATE"}));
  EXPECT_EQ(Outbox(*engine, before).size(), 2u);
}

// ---- Nothing from rolled-back or no-op writes ---------------------------------------------

TEST(NoEvents, FailedCreateEmitsNothingAndCallsNoHandler) {
  Scene s = MakeScene();
  int calls = 0;
  s.e().Subscribe([&](const Event&) { ++calls; });
  int64_t before = LastSeq(s.e());
  EXPECT_EQ(
      OnlyFieldError(
          s.e().Create("person", {{"project_id", s.project}, {"first_name", "NoLast"}}).status()),
      "last_name: is required");
  EXPECT_EQ(LastSeq(s.e()), before);
  EXPECT_EQ(calls, 0);
  // A link that would change a status, refused as a duplicate of the first.
  s.Link();
  before = LastSeq(s.e());
  calls = 0;
  EXPECT_EQ(s.e()
                .Create("certificate-action", {{"certificate_id", s.cert}, {"action_id", s.action}})
                .status()
                .code(),
            Code::kConflict);
  // A subscription refused by a database rule, after its row would have been checked.
  Reply refused =
      Call(s.e(), "POST", "/v2/action-subscription/create",
           {{"action_id", s.action}, {"subscriber_type", "OFFICE"}, {"subscriber_id", s.office}});
  EXPECT_EQ(refused.status, 422);
  EXPECT_EQ(LastSeq(s.e()), before);
  EXPECT_EQ(calls, 0);
  EXPECT_TRUE(Verified(s.e()));
}

TEST(NoEvents, TransactionWhoseBodyFailsEmitsNothing) {
  Scene s = MakeScene();
  int calls = 0;
  s.e().Subscribe([&](const Event&) { ++calls; });
  const int64_t before = LastSeq(s.e());
  const std::string link = Id(55);
  Status status = s.e().Transaction([&](Engine& e) {
    auto r = e.Create(
        "certificate-action",
        {{"certificate_action_id", link}, {"certificate_id", s.cert}, {"action_id", s.action}});
    if (!r.ok()) return r.status();
    auto p = e.Update("person", s.ada, {{"first_name", "Adele"}});
    if (!p.ok()) return p.status();
    return Status::Conflict("the caller changed its mind");
  });
  EXPECT_EQ(status.code(), Code::kConflict);
  EXPECT_EQ(status.message(), "the caller changed its mind");
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(LastSeq(s.e()), before);
  EXPECT_FALSE(s.e().View("certificate-action", link).ok());
  EXPECT_EQ((*s.e().View("person", s.ada))["first_name"], "Ada");
  EXPECT_EQ((*s.e().View("action-subscription", s.sub))["status"], "NEW");
  EXPECT_TRUE(Verified(s.e()));
}

TEST(NoEvents, AFailedOperationInsideATransactionUndoesOnlyItself) {
  Scene s = MakeScene();
  const int64_t before = LastSeq(s.e());
  Status status = s.e().Transaction([&](Engine& e) {
    if (auto r = e.Update("person", s.ada, {{"first_name", "Adele"}}); !r.ok()) return r.status();
    auto bad = e.Update("person", s.ada, {{"first_name", std::string(71, 'x')}});
    EXPECT_FALSE(bad.ok());
    auto link =
        e.Create("certificate-action", {{"certificate_id", s.cert}, {"action_id", s.action}});
    return link.status();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<std::string> names = Names(Outbox(s.e(), before));
  EXPECT_EQ(std::multiset<std::string>(names.begin(), names.end()),
            (std::multiset<std::string>{"PERSON::UPDATE", "CERTIFICATE_ACTION::CREATE",
                                        "ACTION_SUBSCRIPTION::STATUS"}));
  EXPECT_EQ(names.front(), "PERSON::UPDATE");
  EXPECT_EQ((*s.e().View("person", s.ada))["first_name"], "Adele");
}

TEST(NoEvents, NoOpUpdateAndDeletePreviewEmitNothing) {
  Scene s = MakeScene();
  std::string link = s.Link({{"date_expire", "2029-01-15"}});
  int calls = 0;
  s.e().Subscribe([&](const Event&) { ++calls; });
  const int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Update("person", s.ada, {{"first_name", "Ada"}, {"code", "E001"}}));
  ASSERT_OK(s.e().Update("certificate-action", link, {{"date_expire", "2029-01-15"}}));
  ASSERT_OK(s.e().Update("action", s.action, {{"expire_interval", 30}}));
  ASSERT_OK(s.e().Update("person", s.ada, Json::object()));
  ASSERT_OK(s.e().Delete("person", s.ada, false));
  EXPECT_EQ(Call(s.e(), "DELETE", "/v2/certificate-action/delete/" + link).status, 200);
  EXPECT_EQ(LastSeq(s.e()), before);
  EXPECT_EQ(calls, 0);
}

TEST(NoEvents, HistoricizeAndRestoreEmitAnUpdateOfRetiredOn) {
  Scene s = MakeScene();
  int64_t before = LastSeq(s.e());
  ASSERT_OK(s.e().Historicize("person", s.ada));
  std::vector<Event> events = Outbox(s.e(), before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "PERSON::UPDATE");
  EXPECT_EQ(
      Plain(events[0].payload),
      Plain(Json{{"entity_id", s.ada},
                 {"updated_fields", {{"retired_on", {{"old", nullptr}, {"new", "2026-11-22"}}}}}}));
  before = LastSeq(s.e());
  ASSERT_OK(s.e().Historicize("person", s.ada));  // already retired on that day: nothing
  EXPECT_EQ(LastSeq(s.e()), before);
  ASSERT_OK(s.e().Restore("person", s.ada));
  events = Outbox(s.e(), before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(
      Plain(events[0].payload),
      Plain(Json{{"entity_id", s.ada},
                 {"updated_fields", {{"retired_on", {{"old", "2026-11-22"}, {"new", nullptr}}}}}}));
  before = LastSeq(s.e());
  Reply r = Call(s.e(), "POST", "/v2/action/historicize/" + s.action, {{"date", "2026-12-31"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  events = Outbox(s.e(), before);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].name, "ACTION::UPDATE");
  EXPECT_EQ(events[0].payload["updated_fields"]["retired_on"]["new"], "2026-12-31");
}

// ---- Bulk loading ---------------------------------------------------------------------------

Status StatusOf(const Status& s) { return s; }
template <typename T>
Status StatusOf(const Result<T>& r) {
  return r.status();
}

#define TRY(expr)                        \
  do {                                   \
    Status certo_s_ = StatusOf((expr));  \
    if (!certo_s_.ok()) return certo_s_; \
  } while (0)

// A company of 24 people with four actions, certificates, links and subscriptions created in a
// mixed order (some subscriptions before their links, some after), then a few updates and
// deletes that move covers around. Every id is supplied, so two loads compare exactly.
Status LoadCompany(Engine& e, bool insert) {
  // Create, or the Insert fast path: the same validation, events and result.
  auto add = [&](std::string_view collection, const Json& record) -> Status {
    return insert ? e.Insert(collection, record).status() : e.Create(collection, record).status();
  };
  const std::string p = Id(1), hq = Id(2), plant = Id(3);
  TRY(add("project", {{"project_id", p}, {"name", "Bulk"}}));
  TRY(add("office", {{"office_id", hq}, {"project_id", p}, {"name", "HQ"}}));
  TRY(add("office", {{"office_id", plant}, {"project_id", p}, {"name", "Plant"}}));
  const std::string a1 = Id(10), a2 = Id(11), a3 = Id(12), a4 = Id(13);
  TRY(add("action", {{"action_id", a1},
                     {"tenant_id", p},
                     {"subtenant_id", hq},
                     {"action_type", "TRAINING"},
                     {"name", "Fire"},
                     {"validity", 1},
                     {"validity_unit", "YEAR"},
                     {"expire_interval", 30}}));
  TRY(add("action", {{"action_id", a2},
                     {"tenant_id", p},
                     {"subtenant_id", hq},
                     {"action_type", "TRAINING"},
                     {"name", "Induction"},
                     {"expire_interval", 0}}));
  TRY(add("action", {{"action_id", a3},
                     {"tenant_id", p},
                     {"subtenant_id", plant},
                     {"action_type", "HEALTH"},
                     {"name", "Visit"},
                     {"validity", 6},
                     {"validity_unit", "MONTH"},
                     {"expire_interval", 15}}));
  TRY(add("action", {{"action_id", a4},
                     {"tenant_id", p},
                     {"subtenant_id", plant},
                     {"action_type", "CHECK"},
                     {"name", "Audit"},
                     {"validity", 2},
                     {"validity_unit", "YEAR"},
                     {"expire_interval", 60}}));
  const int n = 24;
  auto person = [](int i) { return Id(100 + i); };
  auto sub = [&](int i, int k, const std::string& action) {
    return add("action-subscription", {{"action_subscription_id", Id(1000 + i * 10 + k)},
                                       {"action_id", action},
                                       {"subscriber_type", "PERSON"},
                                       {"subscriber_id", person(i)}});
  };
  auto subscribe_all = [&](int i) -> Status {
    TRY(sub(i, 1, a1));
    if (i % 2 == 0) TRY(sub(i, 2, a2));
    if (i % 3 == 0) TRY(sub(i, 3, a3));
    if (i % 4 == 0) TRY(sub(i, 4, a4));
    return Status::OK();
  };
  for (int i = 0; i < n; ++i) {
    TRY(add("person", {{"person_id", person(i)},
                       {"project_id", p},
                       {"first_name", "P" + std::to_string(i)},
                       {"last_name", "Bulk"}}));
    if (i % 2 == 0) {
      Status s = subscribe_all(i);
      if (!s.ok()) return s;
    }
  }
  for (int i = 0; i < n; ++i) {
    const std::string training = Id(2000 + i * 10);
    Json cert = {{"certificate_id", training}, {"tenant_id", p},
                 {"resource_id", person(i)},   {"action_type", "TRAINING"},
                 {"name", "Training"},         {"date_release", AddDays(Ymd(2024, 3, 1), 41 * i)}};
    if (i % 4 == 1) cert["date_expire"] = AddDays(Ymd(2026, 10, 1), 9 * i);
    TRY(add("certificate", cert));
    TRY(add("certificate-action", {{"certificate_action_id", Id(3000 + i * 10 + 1)},
                                   {"certificate_id", training},
                                   {"action_id", a1}}));
    if (i % 5 != 0) {
      Json link = {{"certificate_action_id", Id(3000 + i * 10 + 2)},
                   {"certificate_id", training},
                   {"action_id", a2}};
      if (i % 3 == 1) link["date_expire"] = AddDays(Ymd(2026, 11, 1), 5 * i);
      TRY(add("certificate-action", link));
    }
    if (i % 3 == 0) {
      const std::string health = Id(2000 + i * 10 + 3);
      TRY(add("certificate", {{"certificate_id", health},
                              {"tenant_id", p},
                              {"resource_id", person(i)},
                              {"action_type", "HEALTH"},
                              {"name", "Visit"},
                              {"date_release", AddDays(Ymd(2026, 8, 31), -20 * i)}}));
      Json link = {{"certificate_action_id", Id(3000 + i * 10 + 3)},
                   {"certificate_id", health},
                   {"action_id", a3}};
      if (i % 2 == 1) link["date_expire"] = AddDays(Ymd(2026, 12, 1), i);
      TRY(add("certificate-action", link));
    }
    if (i % 4 == 0) {
      const std::string audit = Id(2000 + i * 10 + 4);
      TRY(add("certificate", {{"certificate_id", audit},
                              {"tenant_id", p},
                              {"resource_id", person(i)},
                              {"action_type", "CHECK"},
                              {"name", "Audit"},
                              {"date_release", AddDays(Ymd(2024, 12, 1), 10 * i)}}));
      TRY(add("certificate-action", {{"certificate_action_id", Id(3000 + i * 10 + 4)},
                                     {"certificate_id", audit},
                                     {"action_id", a4}}));
    }
    if (i % 6 == 0) {  // a renewal of the training
      const std::string renewal = Id(2000 + i * 10 + 5);
      TRY(add("certificate", {{"certificate_id", renewal},
                              {"tenant_id", p},
                              {"resource_id", person(i)},
                              {"action_type", "TRAINING"},
                              {"name", "Training renewal"},
                              {"date_release", AddDays(Ymd(2026, 1, 10), 7 * i)}}));
      TRY(add("certificate-action", {{"certificate_action_id", Id(3000 + i * 10 + 5)},
                                     {"certificate_id", renewal},
                                     {"action_id", a1}}));
    }
  }
  for (int i = 1; i < n; i += 2) {
    Status s = subscribe_all(i);
    if (!s.ok()) return s;
  }
  // Moves: a certificate changes hands, a link goes, a link date changes, an action's rules change.
  TRY(e.Update("certificate", Id(2000 + 3 * 10), {{"resource_id", person(4)}}));
  TRY(e.Delete("certificate-action", Id(3000 + 7 * 10 + 1), true));
  TRY(e.Update("certificate-action", Id(3000 + 9 * 10 + 1), {{"date_expire", "2026-12-05"}}));
  TRY(e.Update("certificate", Id(2000 + 11 * 10), {{"date_release", "2025-12-20"}}));
  TRY(e.Update("action", a1, {{"expire_interval", 45}}));
  TRY(e.Update("action", a3, {{"validity", 1}, {"validity_unit", "YEAR"}}));
  TRY(e.Delete("person", person(20), true));
  return Status::OK();
}

Json Listing(Engine& e, const char* collection, std::optional<ymd> as_of) {
  Query q;
  q.per_page = 1000;
  q.history = true;
  q.as_of = as_of;
  auto page = e.Index(collection, q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? page->rows : Json();
}

TEST(Bulk, BulkInsertsGiveTheSameScheduleAsCreatingOneByOne) {
  auto one_by_one = OpenEngine();
  auto bulk = OpenEngine();
  {
    Status s = LoadCompany(*one_by_one, /*insert=*/false);
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  {
    Status s = bulk->BulkTransaction([](Engine& e) { return LoadCompany(e, /*insert=*/true); });
    ASSERT_TRUE(s.ok()) << s.ToString();
  }
  EXPECT_TRUE(Verified(*one_by_one));
  EXPECT_TRUE(Verified(*bulk));
  // The data set is worth comparing: every status occurs today.
  std::map<std::string, int> statuses;
  for (const Json& row : Listing(*one_by_one, "action-subscription", std::nullopt)) {
    ++statuses[S(row, "status")];
  }
  for (const char* status : {"NEW", "VALID", "EXPIRING", "EXPIRED"}) {
    EXPECT_GT(statuses[status], 0) << status;
  }
  for (std::optional<ymd> day :
       {std::optional<ymd>(), std::optional(Ymd(2025, 6, 1)), std::optional(Ymd(2026, 12, 20)),
        std::optional(Ymd(2027, 6, 30)), std::optional(Ymd(2030, 1, 1))}) {
    for (const char* collection : {"action-subscription", "certificate-action", "action"}) {
      Json expected = Listing(*one_by_one, collection, day);
      EXPECT_FALSE(expected.empty());
      EXPECT_EQ(Listing(*bulk, collection, day), expected)
          << collection << " as of " << (day ? Fmt(*day) : "today");
    }
  }
  ChangesQuery window{};
  window.from = Ymd(2026, 1, 1);
  window.to = Ymd(2028, 12, 31);
  window.per_page = 1000;
  auto expected = one_by_one->Changes(window);
  auto got = bulk->Changes(window);
  ASSERT_OK(expected);
  ASSERT_OK(got);
  EXPECT_EQ(got->rows, expected->rows);
}

TEST(Bulk, FailedBulkTransactionLeavesNothingAndLaterWritesAreLive) {
  Scene s = MakeScene();
  int calls = 0;
  s.e().Subscribe([&](const Event&) { ++calls; });
  const int64_t before = LastSeq(s.e());
  Status status = s.e().BulkTransaction([&](Engine& e) {
    auto link =
        e.Create("certificate-action", {{"certificate_id", s.cert}, {"action_id", s.action}});
    if (!link.ok()) return link.status();
    return Status::Validation("load", "row 2 is malformed");
  });
  EXPECT_EQ(OnlyFieldError(status), "load: row 2 is malformed");
  EXPECT_EQ(LastSeq(s.e()), before);
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(s.e().Index("certificate-action")->total_count, 0);
  EXPECT_TRUE(Verified(s.e()));
  // Outside bulk mode again: a link changes the status at once.
  s.Link();
  EXPECT_EQ((*s.e().View("action-subscription", s.sub))["status"], "VALID");
  EXPECT_TRUE(Verified(s.e()));
}

// The summaries themselves: bulk_events_test.cc.
TEST(Bulk, BulkTransactionAnnouncesItsEventsAndStatusChangesInSummaryAfterTheCommit) {
  Scene s = MakeScene();
  std::vector<std::string> got;
  s.e().Subscribe([&](const Event& e) { got.push_back(e.name); });
  const int64_t before = LastSeq(s.e());
  Status status = s.e().BulkTransaction([&](Engine& e) {
    auto link =
        e.Create("certificate-action", {{"certificate_id", s.cert}, {"action_id", s.action}});
    EXPECT_TRUE(got.empty());
    return link.status();
  });
  ASSERT_TRUE(status.ok()) << status.ToString();
  std::vector<Event> events = Outbox(s.e(), before);
  EXPECT_EQ(got, Names(events));
  EXPECT_EQ(got, (std::vector<std::string>{"CERTIFICATE_ACTION::BULK_CREATE",
                                           "ACTION_SUBSCRIPTION::BULK_STATUS"}));
  std::vector<Event> changes = Named(events, "ACTION_SUBSCRIPTION::BULK_STATUS");
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(Plain(changes[0].payload), Plain(Json{{"ids", {s.sub}}, {"count", 1}}));
  EXPECT_EQ((*s.e().View("action-subscription", s.sub))["status"], "VALID");
  EXPECT_TRUE(Verified(s.e()));
}

}  // namespace
}  // namespace certo::testing
