// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The compliance schedule: action-subscription and certificate-action through the C++ and JSON
// APIs. The seed document's example (shared/seeds/000_*), the status rule of DESIGN.md section 2
// as the date moves, status kept right after every write that can change it, validation of both
// entities, status filters, sorting, counters and the changes between two dates.

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

using ymd = std::chrono::year_month_day;

// ---- Helpers --------------------------------------------------------------------------------

// An unordered copy, for comparing records whose key order is not the point.
nlohmann::json Plain(const Json& j) { return nlohmann::json::parse(j.dump()); }

std::string S(const Json& j, const char* key) { return j.at(key).get<std::string>(); }

std::string Fmt(const ymd& d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

ymd Parse(const char* text) {
  int y = 0;
  unsigned m = 0, d = 0;
  std::sscanf(text, "%d-%u-%u", &y, &m, &d);
  return Ymd(y, m, d);
}

ymd AddDays(const ymd& d, int n) { return ymd{std::chrono::sys_days{d} + std::chrono::days{n}}; }

// One subscription as listed by index (history on, so retired rows are found too).
Json SubRow(Engine& engine, const std::string& id, std::optional<ymd> as_of = std::nullopt,
            bool history = true) {
  Query q;
  q.filter = {{"action_subscription_id", id}};
  q.history = history;
  q.as_of = as_of;
  auto page = engine.Index("action-subscription", q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  if (!page.ok() || page->rows.size() != 1) return Json();
  return page->rows[0];
}

std::string StatusAt(Engine& engine, const std::string& id, ymd day) {
  Json row = SubRow(engine, id, day);
  return row.is_object() ? row["status"].get<std::string>() : "?";
}

std::string StatusToday(Engine& engine, const std::string& id) {
  auto row = engine.View("action-subscription", id);
  EXPECT_TRUE(row.ok()) << row.status().ToString();
  return row.ok() ? (*row)["status"].get<std::string>() : "?";
}

// The ids of the rows of a page, in order.
std::vector<std::string> Ids(const Json& rows, const char* key = "action_subscription_id") {
  std::vector<std::string> ids;
  for (const Json& r : rows) ids.push_back(r.at(key).get<std::string>());
  return ids;
}

std::vector<std::string> SubsWhere(Engine& engine, const Json& filter, std::optional<ymd> as_of,
                                   const std::string& sort = "") {
  Query q;
  q.filter = filter;
  q.as_of = as_of;
  q.sort = sort;
  q.per_page = 1000;
  auto page = engine.Index("action-subscription", q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? Ids(page->rows) : std::vector<std::string>{"?"};
}

std::vector<std::string> Sorted(std::vector<std::string> v) {
  std::sort(v.begin(), v.end());
  return v;
}

// A company with one person (Ada Rossi) in office A; builders for the schedule's rows.
struct World {
  std::unique_ptr<Engine> engine;
  Company c;
  std::string project, office, office_b, ada;

  Engine& e() { return *engine; }

  std::string Person(const std::string& first, const std::string& last) {
    return S(MustCreate(e(), "person",
                        {{"project_id", project}, {"first_name", first}, {"last_name", last}}),
             "person_id");
  }
  std::string Action(const Json& extra = Json::object()) {
    Json r = {{"tenant_id", project},
              {"subtenant_id", office},
              {"action_type", "TRAINING"},
              {"code", "FS-01"},
              {"name", "Fire safety"}};
    for (const auto& [k, v] : extra.items()) r[k] = v;
    return S(MustCreate(e(), "action", r), "action_id");
  }
  std::string Cert(const std::string& resource, const std::string& release,
                   const Json& extra = Json::object()) {
    Json r = {{"tenant_id", project},
              {"resource_id", resource},
              {"action_type", "TRAINING"},
              {"name", "Fire safety certificate"},
              {"date_release", release}};
    for (const auto& [k, v] : extra.items()) r[k] = v;
    return S(MustCreate(e(), "certificate", r), "certificate_id");
  }
  std::string Link(const std::string& cert, const std::string& action,
                   const Json& extra = Json::object()) {
    Json r = {{"certificate_id", cert}, {"action_id", action}};
    for (const auto& [k, v] : extra.items()) r[k] = v;
    return S(MustCreate(e(), "certificate-action", r), "certificate_action_id");
  }
  std::string Sub(const std::string& action, const std::string& subscriber,
                  const std::string& type = "PERSON") {
    return S(MustCreate(
                 e(), "action-subscription",
                 {{"action_id", action}, {"subscriber_type", type}, {"subscriber_id", subscriber}}),
             "action_subscription_id");
  }
  // Ada covered by one certificate expiring on `expire` for an action with expire_interval n.
  struct One {
    std::string action, sub, cert, link;
  };
  One Covered(const std::string& expire, const Json& action_extra = {{"expire_interval", 30}}) {
    One o;
    o.action = Action(action_extra);
    o.sub = Sub(o.action, ada);
    o.cert = Cert(ada, "2024-01-15", {{"date_expire", expire}});
    o.link = Link(o.cert, o.action);
    return o;
  }
};

World MakeWorld(const std::string& path = ":memory:", ymd today = kToday) {
  World w;
  w.engine = OpenEngine(path, today);
  w.c = MakeCompany(*w.engine);
  w.project = S(w.c.project, "project_id");
  w.office = S(w.c.office_a, "office_id");
  w.office_b = S(w.c.office_b, "office_id");
  w.ada = S(w.c.person, "person_id");
  return w;
}

// ---- The seed document ------------------------------------------------------------------------

constexpr const char* kSeedProject = "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01";
constexpr const char* kSeedOffice = "a1b2c3d4-e5f6-7890-abcd-ef1234567890";
constexpr const char* kSeedPerson = "e3a1f5d2-8c4b-4e7a-9f6d-2b1c3d4e5f6a";
constexpr const char* kSeedAction = "c4d5e6f7-a8b9-0c1d-2e3f-4a5b6c7d8e9f";
constexpr const char* kSeedCert = "f6a7b8c9-d0e1-2f3a-4b5c-6d7e8f9a0b1c";
constexpr const char* kSeedLink = "a8b9c0d1-e2f3-4a5b-6c7d-8e9f0a1b2c3d";

// The project, office, person, action and certificate of the seed's examples.
std::unique_ptr<Engine> SeedEngine() {
  auto engine = OpenEngine();
  MustCreate(*engine, "project", {{"project_id", kSeedProject}, {"name", "Seed company"}});
  MustCreate(
      *engine, "office",
      {{"office_id", kSeedOffice}, {"project_id", kSeedProject}, {"name", "Rome North Site"}});
  MustCreate(*engine, "person",
             {{"person_id", kSeedPerson},
              {"project_id", kSeedProject},
              {"first_name", "Marco"},
              {"last_name", "Bianchi"}});
  MustCreate(*engine, "action",
             {{"action_id", kSeedAction},
              {"tenant_id", kSeedProject},
              {"subtenant_id", kSeedOffice},
              {"action_type", "TRAINING"},
              {"code", "FST-01"},
              {"name", "Fire Safety Training Medium Risk"},
              {"expire_interval", 30}});
  MustCreate(*engine, "certificate",
             {{"certificate_id", kSeedCert},
              {"tenant_id", kSeedProject},
              {"resource_id", kSeedPerson},
              {"action_type", "TRAINING"},
              {"name", "Fire Safety Training Certificate"},
              {"date_release", "2024-01-15"},
              {"date_expire", "2029-01-15"}});
  return engine;
}

// The seed's example of a link as returned by view and index.
nlohmann::json SeedLinkView() {
  return nlohmann::json::parse(R"({
    "certificate_action_id": "a8b9c0d1-e2f3-4a5b-6c7d-8e9f0a1b2c3d",
    "certificate_id": "f6a7b8c9-d0e1-2f3a-4b5c-6d7e8f9a0b1c",
    "action_id": "c4d5e6f7-a8b9-0c1d-2e3f-4a5b6c7d8e9f",
    "date_expire": "2029-01-15",
    "tenant_id": "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01",
    "action_name": "Fire Safety Training Medium Risk",
    "action_code": "FST-01",
    "action_type": "TRAINING",
    "resource_id": "e3a1f5d2-8c4b-4e7a-9f6d-2b1c3d4e5f6a",
    "certificate_name": "Fire Safety Training Certificate",
    "date_release": "2024-01-15",
    "is_date_inherited": 0,
    "office_name": "Rome North Site",
    "office_id": "a1b2c3d4-e5f6-7890-abcd-ef1234567890"})");
}
// The seed's link as certo returns it: the documented record and certo's two timestamps (the
// link was written on the pinned day).
nlohmann::json SeedLinkViewStamped() {
  nlohmann::json view = SeedLinkView();
  view["created_at"] = view["updated_at"] = "2026-11-22T00:00:00Z";
  return view;
}

Reply CreateSeedLink(Engine& engine) {
  return Call(engine, "POST", "/v2/certificate-action/create",
              {{"certificate_action_id", kSeedLink},
               {"certificate_id", kSeedCert},
               {"action_id", kSeedAction},
               {"date_expire", "2029-01-15"},
               {"tenant_id", kSeedProject}});
}

TEST(SeedCertificateAction, CreateReturns201WithEveryDocumentedField) {
  auto engine = SeedEngine();
  Reply r = CreateSeedLink(*engine);
  ASSERT_EQ(r.status, 201) << r.raw.body;
  // The documented create response, field by field.
  const nlohmann::json documented = nlohmann::json::parse(R"({
    "certificate_action_id": "a8b9c0d1-e2f3-4a5b-6c7d-8e9f0a1b2c3d",
    "certificate_id": "f6a7b8c9-d0e1-2f3a-4b5c-6d7e8f9a0b1c",
    "action_id": "c4d5e6f7-a8b9-0c1d-2e3f-4a5b6c7d8e9f",
    "date_expire": "2029-01-15",
    "tenant_id": "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01"})");
  nlohmann::json body = Plain(r.body);
  for (const auto& [key, value] : documented.items()) {
    ASSERT_TRUE(body.contains(key)) << key;
    EXPECT_EQ(body[key], value) << key;
  }
  EXPECT_EQ(body["is_date_inherited"], 0);
}

TEST(SeedCertificateAction, CreateWithoutDateExpireInheritsTheCertificatesDate) {
  auto engine = SeedEngine();
  // Exactly the seed's create request: no date_expire, no id.
  Reply r = Call(
      *engine, "POST", "/v2/certificate-action/create",
      {{"certificate_id", kSeedCert}, {"action_id", kSeedAction}, {"tenant_id", kSeedProject}});
  ASSERT_EQ(r.status, 201) << r.raw.body;
  EXPECT_EQ(r.body["date_expire"], "2029-01-15");
  EXPECT_EQ(r.body["is_date_inherited"], 1);
  EXPECT_EQ(r.body["certificate_id"], kSeedCert);
  EXPECT_EQ(r.body["tenant_id"], kSeedProject);
  EXPECT_EQ(S(r.body, "certificate_action_id").size(), 36u);
}

TEST(SeedCertificateAction, ViewReturnsExactlyTheDocumentedRecord) {
  auto engine = SeedEngine();
  ASSERT_EQ(CreateSeedLink(*engine).status, 201);
  Reply r = Call(*engine, "GET", std::string("/v2/certificate-action/view/") + kSeedLink);
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Plain(r.body), SeedLinkViewStamped());
  Reply missing =
      Call(*engine, "GET", "/v2/certificate-action/view/00000000-0000-4000-8000-000000000000");
  EXPECT_EQ(missing.status, 404);
}

TEST(SeedCertificateAction, IndexWithTheDocumentedFilterReturnsTheDocumentedList) {
  auto engine = SeedEngine();
  ASSERT_EQ(CreateSeedLink(*engine).status, 201);
  Reply r = Call(*engine, "POST", "/v2/certificate-action/index",
                 Json::parse(R"({ "filter": { "action_type": "TRAINING",
                   "certificate_id": "f6a7b8c9-d0e1-2f3a-4b5c-6d7e8f9a0b1c" },
                   "per-page": 10, "page": 1, "sort": "action_name"})"));
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Plain(r.body), nlohmann::json::array({SeedLinkViewStamped()}));
  EXPECT_EQ(r.raw.Header("X-Pagination-Current-Page"), "1");
  EXPECT_EQ(r.raw.Header("X-Pagination-Page-Count"), "1");
  EXPECT_EQ(r.raw.Header("X-Pagination-Per-Page"), "10");
  EXPECT_EQ(r.raw.Header("X-Pagination-Total-Count"), "1");
  // The other documented filters find it too.
  for (const Json& filter :
       {Json{{"action_id", kSeedAction}}, Json{{"resource_id", kSeedPerson}}}) {
    Reply f = Call(*engine, "POST", "/v2/certificate-action/index", {{"filter", filter}});
    ASSERT_EQ(f.status, 200) << f.raw.body;
    EXPECT_EQ(Ids(f.body, "certificate_action_id"), std::vector<std::string>{kSeedLink});
  }
}

TEST(SeedCertificateAction, UpdateOfDateExpireReturnsItAndEmitsTheDocumentedEvent) {
  auto engine = SeedEngine();
  ASSERT_EQ(CreateSeedLink(*engine).status, 201);
  Reply r = Call(*engine, "PUT", std::string("/v2/certificate-action/update/") + kSeedLink,
                 {{"date_expire", "2030-01-15"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(r.body["certificate_action_id"], kSeedLink);
  EXPECT_EQ(r.body["date_expire"], "2030-01-15");
  EXPECT_EQ(r.body["is_date_inherited"], 0);

  auto events = engine->ReadOutbox(0, 10000);
  ASSERT_OK(events);
  ASSERT_FALSE(events->empty());
  const Event& last = events->back();
  EXPECT_EQ(last.name, "CERTIFICATE_ACTION::UPDATE");
  EXPECT_EQ(last.entity_id, kSeedLink);
  EXPECT_EQ(Plain(last.payload), nlohmann::json::parse(R"({
    "entity_id": "a8b9c0d1-e2f3-4a5b-6c7d-8e9f0a1b2c3d",
    "updated_fields": { "date_expire": { "old": "2029-01-15", "new": "2030-01-15" } } })"));
}

TEST(SeedCertificateAction, DeletePreviewChangesNothingAndForceDeleteRemovesTheLink) {
  auto engine = SeedEngine();
  auto sub = MustCreate(
      *engine, "action-subscription",
      {{"action_id", kSeedAction}, {"subscriber_type", "PERSON"}, {"subscriber_id", kSeedPerson}});
  const std::string sub_id = S(sub, "action_subscription_id");
  ASSERT_EQ(CreateSeedLink(*engine).status, 201);
  EXPECT_EQ(StatusToday(*engine, sub_id), "VALID");
  const std::string target = std::string("/v2/certificate-action/delete/") + kSeedLink;
  const Json rows = Json::array({{{"collection", "certificate-action"}, {"id", kSeedLink}}});

  for (const std::string query : {"", "?force=false"}) {
    Reply preview = Call(*engine, "DELETE", target + query);
    ASSERT_EQ(preview.status, 200) << preview.raw.body;
    EXPECT_EQ(preview.body, (Json{{"deleted", false}, {"rows", rows}}));
    EXPECT_EQ(Call(*engine, "GET", std::string("/v2/certificate-action/view/") + kSeedLink).status,
              200);
    EXPECT_EQ(StatusToday(*engine, sub_id), "VALID");
  }

  Reply forced = Call(*engine, "DELETE", target + "?force=true");
  ASSERT_EQ(forced.status, 200) << forced.raw.body;
  EXPECT_EQ(forced.body, (Json{{"deleted", true}, {"rows", rows}}));
  EXPECT_EQ(Call(*engine, "GET", std::string("/v2/certificate-action/view/") + kSeedLink).status,
            404);
  EXPECT_EQ(StatusToday(*engine, sub_id), "NEW");
  EXPECT_TRUE(Verified(*engine));

  // The DELETE event carries the link as it was (the seed's fields, and its own date).
  auto events = engine->ReadOutbox(0, 10000);
  ASSERT_OK(events);
  bool found = false;
  for (const Event& e : *events) {
    if (e.name != "CERTIFICATE_ACTION::DELETE") continue;
    found = true;
    EXPECT_EQ(e.entity_id, kSeedLink);
    EXPECT_EQ(Plain(e.payload), nlohmann::json::parse(R"({
      "certificate_action_id": "a8b9c0d1-e2f3-4a5b-6c7d-8e9f0a1b2c3d",
      "certificate_id": "f6a7b8c9-d0e1-2f3a-4b5c-6d7e8f9a0b1c",
      "action_id": "c4d5e6f7-a8b9-0c1d-2e3f-4a5b6c7d8e9f",
      "date_expire": "2029-01-15",
      "tenant_id": "b5a7d602-3fc9-4e2a-9d1a-6e5b4c8f7a01"})"));
  }
  EXPECT_TRUE(found);
}

TEST(SeedCertificateAction, LinkTurnsTheSeedSubscriptionFromNewToValidWithItsDates) {
  auto engine = SeedEngine();
  Reply sub = Call(
      *engine, "POST", "/v2/action-subscription/create",
      {{"action_id", kSeedAction}, {"subscriber_type", "PERSON"}, {"subscriber_id", kSeedPerson}});
  ASSERT_EQ(sub.status, 201) << sub.raw.body;
  EXPECT_EQ(sub.body["status"], "NEW");
  EXPECT_TRUE(sub.body["certificate_date_release"].is_null());
  EXPECT_TRUE(sub.body["certificate_date_expire"].is_null());
  EXPECT_EQ(sub.body["tenant_id"], kSeedProject);
  EXPECT_EQ(sub.body["subtenant_id"], kSeedOffice);
  ASSERT_EQ(CreateSeedLink(*engine).status, 201);
  Reply view =
      Call(*engine, "GET", "/v2/action-subscription/view/" + S(sub.body, "action_subscription_id"));
  ASSERT_EQ(view.status, 200);
  EXPECT_EQ(view.body["status"], "VALID");
  EXPECT_EQ(view.body["certificate_date_release"], "2024-01-15");
  EXPECT_EQ(view.body["certificate_date_expire"], "2029-01-15");
  EXPECT_EQ(view.body["action_name"], "Fire Safety Training Medium Risk");
  EXPECT_EQ(view.body["action_code"], "FST-01");
  EXPECT_EQ(view.body["action_type"], "TRAINING");
  EXPECT_EQ(view.body["subscriber_name"], "Marco Bianchi");
  EXPECT_EQ(view.body["office_name"], "Rome North Site");
  // The update of the seed moves the subscription's expiry with it.
  ASSERT_EQ(Call(*engine, "PUT", std::string("/v2/certificate-action/update/") + kSeedLink,
                 {{"date_expire", "2030-01-15"}})
                .status,
            200);
  EXPECT_EQ(S(SubRow(*engine, S(sub.body, "action_subscription_id")), "certificate_date_expire"),
            "2030-01-15");
  EXPECT_TRUE(Verified(*engine));
}

// ---- Status as the date moves -------------------------------------------------------------

TEST(ScheduleStatus, MovesNewValidExpiringExpiredAsTheDateMoves) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  for (ymd day : {Ymd(2020, 1, 1), kToday, Ymd(2030, 1, 1)}) {
    EXPECT_EQ(StatusAt(w.e(), sub, day), "NEW") << Fmt(day);
  }
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-01-15"}});
  for (ymd day : {Ymd(2020, 1, 1), kToday, Ymd(2030, 1, 1)}) {
    EXPECT_EQ(StatusAt(w.e(), sub, day), "NEW") << "a certificate alone changes nothing";
  }
  w.Link(cert, action);
  // E = 2027-01-15, N = 30: EXPIRING from 2026-12-16, EXPIRED from 2027-01-16.
  const std::pair<ymd, const char*> expected[] = {
      {kToday, "VALID"},
      {Ymd(2026, 12, 15), "VALID"},
      {Ymd(2026, 12, 16), "EXPIRING"},
      {Ymd(2027, 1, 1), "EXPIRING"},
      {Ymd(2027, 1, 15), "EXPIRING"},
      {Ymd(2027, 1, 16), "EXPIRED"},
      {Ymd(2035, 6, 1), "EXPIRED"},
  };
  for (const auto& [day, status] : expected) {
    EXPECT_EQ(StatusAt(w.e(), sub, day), status) << Fmt(day);
  }
  EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, JsonIndexAsOfGivesTheStatusOfThatDay) {
  World w = MakeWorld();
  World::One o = w.Covered("2027-01-15");
  const std::pair<const char*, const char*> expected[] = {
      {"2026-11-22", "VALID"}, {"2026-12-16", "EXPIRING"}, {"2027-01-16", "EXPIRED"}};
  for (const auto& [day, status] : expected) {
    Reply r = Call(w.e(), "POST", "/v2/action-subscription/index",
                   {{"filter", {{"action_subscription_id", o.sub}}}, {"as_of", day}});
    ASSERT_EQ(r.status, 200) << r.raw.body;
    ASSERT_EQ(r.body.size(), 1u);
    EXPECT_EQ(r.body[0]["status"], status) << day;
    EXPECT_EQ(r.body[0]["certificate_date_expire"], "2027-01-15");
  }
  Reply bad = Call(w.e(), "POST", "/v2/action-subscription/index", {{"as_of", "2027-02-30"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body[0]["field"], "as_of");
}

TEST(ScheduleStatus, EnginesPinnedToDifferentDaysOnOneFileSeeDifferentStatuses) {
  TempDir dir;
  const std::string path = dir.File("schedule.certo");
  std::string sub;
  {
    World w = MakeWorld(path);
    sub = w.Covered("2027-01-15").sub;
    EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  }
  const std::pair<ymd, const char*> expected[] = {{Ymd(2026, 12, 15), "VALID"},
                                                  {Ymd(2026, 12, 16), "EXPIRING"},
                                                  {Ymd(2027, 1, 15), "EXPIRING"},
                                                  {Ymd(2027, 1, 16), "EXPIRED"},
                                                  {kToday, "VALID"}};
  for (const auto& [day, status] : expected) {
    auto engine = OpenEngine(path, day);
    ASSERT_NE(engine, nullptr);
    EXPECT_EQ(StatusToday(*engine, sub), status) << Fmt(day);
    EXPECT_EQ(SubsWhere(*engine, {{"status", status}}, std::nullopt), std::vector<std::string>{sub})
        << Fmt(day);
    Reply r = Call(*engine, "POST", "/v2/action-subscription/index", Json::object());
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body[0]["status"], status) << Fmt(day);
    EXPECT_TRUE(Verified(*engine));
  }
}

TEST(ScheduleStatus, RenewalMakesAnExpiredRowValidAgain) {
  World w = MakeWorld();
  World::One o = w.Covered("2026-10-31");
  EXPECT_EQ(StatusToday(w.e(), o.sub), "EXPIRED");
  std::string renewed = w.Cert(w.ada, "2026-11-20", {{"date_expire", "2029-11-20"}});
  w.Link(renewed, o.action);
  Json row = SubRow(w.e(), o.sub);
  EXPECT_EQ(row["status"], "VALID");
  EXPECT_EQ(row["certificate_date_release"], "2026-11-20");
  EXPECT_EQ(row["certificate_date_expire"], "2029-11-20");
  // As of a day before the renewal's expiry window nothing else moves; after it, EXPIRED again.
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2029, 10, 21)), "EXPIRING");
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2029, 11, 21)), "EXPIRED");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, RemovingALinksOwnDateInheritsTheCertificatesAgain) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-06-30"}});
  std::string link = w.Link(cert, action, {{"date_expire", "2029-01-15"}});
  auto view = w.e().View("certificate-action", link);
  ASSERT_OK(view);
  EXPECT_EQ((*view)["date_expire"], "2029-01-15");
  EXPECT_EQ((*view)["is_date_inherited"], 0);
  EXPECT_EQ(S(SubRow(w.e(), sub), "certificate_date_expire"), "2029-01-15");

  Reply updated = Call(w.e(), "PUT", "/v2/certificate-action/update/" + link,
                       Json::parse(R"({"date_expire": null})"));
  ASSERT_EQ(updated.status, 200) << updated.raw.body;
  EXPECT_EQ(updated.body["date_expire"], "2027-06-30");
  EXPECT_EQ(updated.body["is_date_inherited"], 1);
  EXPECT_EQ(S(SubRow(w.e(), sub), "certificate_date_expire"), "2027-06-30");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2027, 7, 1)), "EXPIRED");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, InheritedDateFallsBackToCertificateValidityThenActionValidityThenNever) {
  World w = MakeWorld();
  std::string action =
      w.Action({{"validity", 3}, {"validity_unit", "YEAR"}, {"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-06-30"}});
  std::string link = w.Link(cert, action);
  auto expect = [&](const Json& link_date, const Json& sub_date, const char* status) {
    auto view = w.e().View("certificate-action", link);
    ASSERT_OK(view);
    EXPECT_EQ((*view)["date_expire"], link_date);
    EXPECT_EQ((*view)["is_date_inherited"], 1);
    Json row = SubRow(w.e(), sub);
    EXPECT_EQ(row["certificate_date_expire"], sub_date);
    EXPECT_EQ(row["certificate_date_release"], "2024-01-15");
    EXPECT_EQ(row["status"], status);
    EXPECT_TRUE(Verified(w.e()));
  };
  // The certificate's own date.
  expect("2027-06-30", "2027-06-30", "VALID");
  // Else release + the certificate's validity: 2024-01-15 + 2 YEAR.
  ASSERT_OK(w.e().Update("certificate", cert,
                         {{"date_expire", nullptr}, {"validity", 2}, {"validity_unit", "YEAR"}}));
  expect("2026-01-15", "2026-01-15", "EXPIRED");
  // Else release + the action's validity: 2024-01-15 + 3 YEAR.
  ASSERT_OK(w.e().Update("certificate", cert, {{"validity", nullptr}, {"validity_unit", nullptr}}));
  expect("2027-01-15", "2027-01-15", "VALID");
  // Else it never expires.
  ASSERT_OK(w.e().Update("action", action, {{"validity", nullptr}, {"validity_unit", nullptr}}));
  expect(nullptr, nullptr, "VALID");
}

TEST(ScheduleStatus, MonthsAndYearsClampToTheMonthsEnd) {
  World w = MakeWorld();
  std::string action = w.Action({{"validity", 1}, {"validity_unit", "MONTH"}});
  struct Case {
    const char* release;
    Json cert_extra;
    const char* expire;
  };
  const Case cases[] = {
      {"2024-01-31", Json::object(), "2024-02-29"},  // action: 1 MONTH
      {"2023-01-31", Json::object(), "2023-02-28"},
      {"2022-01-10", {{"validity", 3}, {"validity_unit", "YEAR"}}, "2025-01-10"},
      {"2024-02-29", {{"validity", 1}, {"validity_unit", "YEAR"}}, "2025-02-28"},
      {"2024-08-31", {{"validity", 6}, {"validity_unit", "MONTH"}}, "2025-02-28"},
      {"2024-12-25", {{"validity", 10}, {"validity_unit", "DAY"}}, "2025-01-04"},
  };
  for (const Case& c : cases) {
    std::string person = w.Person("P", c.release);
    std::string sub = w.Sub(action, person);
    std::string cert = w.Cert(person, c.release, c.cert_extra);
    std::string link = w.Link(cert, action);
    auto view = w.e().View("certificate-action", link);
    ASSERT_OK(view);
    EXPECT_EQ((*view)["date_expire"], c.expire) << c.release;
    EXPECT_EQ(SubRow(w.e(), sub)["certificate_date_expire"], c.expire) << c.release;
    const ymd last = Parse(c.expire);
    EXPECT_EQ(StatusAt(w.e(), sub, last), "VALID") << c.expire;
    EXPECT_EQ(StatusAt(w.e(), sub, AddDays(last, 1)), "EXPIRED") << c.expire;
  }
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, NeverExpiringLinkStaysValidForeverWithNoExpiryShown) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});  // no validity anywhere
  std::string sub = w.Sub(action, w.ada);
  std::string link = w.Link(w.Cert(w.ada, "2024-01-15"), action);
  // Rule 1: VALID from the release day on (before it the certificate did not exist).
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2024, 1, 14)), "NEW");
  for (ymd day : {Ymd(2024, 1, 15), kToday, Ymd(2100, 1, 1), Ymd(9999, 12, 30)}) {
    EXPECT_EQ(StatusAt(w.e(), sub, day), "VALID") << Fmt(day);
  }
  Json row = SubRow(w.e(), sub);
  EXPECT_TRUE(row["certificate_date_expire"].is_null());
  EXPECT_EQ(row["certificate_date_release"], "2024-01-15");
  auto view = w.e().View("certificate-action", link);
  ASSERT_OK(view);
  EXPECT_TRUE((*view)["date_expire"].is_null());
  EXPECT_EQ((*view)["is_date_inherited"], 1);
  EXPECT_EQ(SubsWhere(w.e(), {{"status", "VALID"}}, Ymd(2999, 1, 1)),
            std::vector<std::string>{sub});
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, NeverExpiringIsValidEvenOnTheLastRepresentableDay) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  w.Link(w.Cert(w.ada, "2024-01-15"), action);
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(9999, 12, 31)), "VALID");
  EXPECT_EQ(SubsWhere(w.e(), {{"status", "VALID"}}, Ymd(9999, 12, 31)),
            std::vector<std::string>{sub});
  auto changes = w.e().Changes([] {
    ChangesQuery q{};
    q.from = Ymd(9999, 12, 30);
    q.to = Ymd(9999, 12, 31);
    return q;
  }());
  ASSERT_OK(changes);
  EXPECT_EQ(changes->total_count, 0) << changes->rows.dump();
}

TEST(ScheduleStatus, NonPersonSubscribersAreCoveredByTheirOwnCertificates) {
  World w = MakeWorld();
  std::string action = w.Action({{"action_type", "MAINTENANCE"},
                                 {"validity", 1},
                                 {"validity_unit", "YEAR"},
                                 {"expire_interval", 30}});
  std::string forklift =
      S(MustCreate(w.e(), "equipment",
                   {{"project_id", w.project}, {"office_id", w.office}, {"name", "Forklift"}}),
        "office_equipment_id");
  std::string equipment_sub = w.Sub(action, forklift, "EQUIPMENT");
  std::string office_sub = w.Sub(action, w.office, "OFFICE");
  w.Link(w.Cert(forklift, "2026-02-01", {{"action_type", "MAINTENANCE"}}), action);
  Json row = SubRow(w.e(), equipment_sub);
  EXPECT_EQ(row["status"], "VALID");
  EXPECT_EQ(row["certificate_date_expire"], "2027-02-01");
  EXPECT_EQ(row["subscriber_name"], "Forklift");
  EXPECT_EQ(StatusToday(w.e(), office_sub), "NEW");
  w.Link(w.Cert(w.office, "2025-01-01", {{"action_type", "MAINTENANCE"}}), action);
  EXPECT_EQ(StatusToday(w.e(), office_sub), "EXPIRED");
  EXPECT_EQ(SubRow(w.e(), office_sub)["subscriber_name"], "Head office");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, LatestExpiryAmongSeveralLinksWinsAndShowsThatLinksDates) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  std::string a = w.Cert(w.ada, "2024-01-01", {{"date_expire", "2027-03-01"}});
  std::string b = w.Cert(w.ada, "2025-06-01", {{"date_expire", "2026-12-31"}});
  std::string c = w.Cert(w.ada, "2023-01-01", {{"date_expire", "2028-05-05"}});
  w.Link(a, action);
  std::string lb = w.Link(b, action);
  std::string lc = w.Link(c, action);
  auto expect = [&](const char* release, const char* expire) {
    Json row = SubRow(w.e(), sub);
    EXPECT_EQ(row["certificate_date_release"], release);
    EXPECT_EQ(row["certificate_date_expire"], expire);
    EXPECT_TRUE(Verified(w.e()));
  };
  // The latest expiry wins even though its certificate is the oldest.
  expect("2023-01-01", "2028-05-05");
  ASSERT_OK(w.e().Delete("certificate-action", lc, true));
  expect("2024-01-01", "2027-03-01");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2027, 2, 1)), "EXPIRING");
  ASSERT_OK(w.e().Update("certificate-action", lb, {{"date_expire", "2029-01-01"}}));
  expect("2025-06-01", "2029-01-01");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2027, 2, 1)), "VALID");
}

TEST(ScheduleStatus, NeverExpiringLinkBeatsEveryDatedLink) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  w.Link(w.Cert(w.ada, "2025-01-01", {{"date_expire", "2040-01-01"}}), action);
  w.Link(w.Cert(w.ada, "2020-05-05"), action);  // no date, no validity: never expires
  Json row = SubRow(w.e(), sub);
  EXPECT_TRUE(row["certificate_date_expire"].is_null());
  EXPECT_EQ(row["certificate_date_release"], "2020-05-05");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2050, 1, 1)), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, TodayEqualToExpiryIsNotExpired) {
  World w = MakeWorld();
  World::One o = w.Covered("2026-11-22", {{"expire_interval", 0}});
  EXPECT_EQ(StatusToday(w.e(), o.sub), "VALID");
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2026, 11, 23)), "EXPIRED");
}

TEST(ScheduleStatus, ZeroOrMissingExpireIntervalIsNeverExpiring) {
  World w = MakeWorld();
  World::One zero = w.Covered("2026-11-25", {{"expire_interval", 0}});
  std::string other = w.Action();  // no expire_interval at all
  std::string sub = w.Sub(other, w.ada);
  w.Link(zero.cert, other);
  for (const std::string& id : {zero.sub, sub}) {
    for (ymd day : {Ymd(2024, 1, 16), kToday, Ymd(2026, 11, 25)}) {
      EXPECT_EQ(StatusAt(w.e(), id, day), "VALID") << Fmt(day);
    }
    EXPECT_EQ(StatusAt(w.e(), id, Ymd(2026, 11, 26)), "EXPIRED");
  }
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleStatus, ExpiryMinusIntervalIsTheFirstExpiringDay) {
  World w = MakeWorld();
  World::One o = w.Covered("2026-12-02", {{"expire_interval", 10}});
  EXPECT_EQ(StatusToday(w.e(), o.sub), "EXPIRING");  // 2026-12-02 - 10 days = today
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2026, 11, 21)), "VALID");
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2026, 12, 2)), "EXPIRING");
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2026, 12, 3)), "EXPIRED");
}

// ---- Every write keeps status right --------------------------------------------------------

TEST(ScheduleWrites, LinkCreateUpdateDeleteKeepStatusAndVerify) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2028-01-01"}});
  EXPECT_EQ(StatusToday(w.e(), sub), "NEW");
  std::string link = w.Link(cert, action);
  EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Update("certificate-action", link, {{"date_expire", "2026-12-01"}}));
  EXPECT_EQ(StatusToday(w.e(), sub), "EXPIRING");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Update("certificate-action", link, {{"date_expire", "2026-11-21"}}));
  EXPECT_EQ(StatusToday(w.e(), sub), "EXPIRED");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Update("certificate-action", link, {{"date_expire", nullptr}}));
  EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  EXPECT_EQ(SubRow(w.e(), sub)["certificate_date_expire"], "2028-01-01");
  EXPECT_TRUE(Verified(w.e()));
  auto deleted = w.e().Delete("certificate-action", link, true);
  ASSERT_OK(deleted);
  EXPECT_EQ(StatusToday(w.e(), sub), "NEW");
  Json row = SubRow(w.e(), sub);
  EXPECT_TRUE(row["certificate_date_release"].is_null());
  EXPECT_TRUE(row["certificate_date_expire"].is_null());
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, CertificateDateReleaseUpdateMovesAnExpiryComputedFromIt) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2023-06-01", {{"validity", 3}, {"validity_unit", "YEAR"}});
  w.Link(cert, action);
  EXPECT_EQ(SubRow(w.e(), sub)["certificate_date_expire"], "2026-06-01");
  EXPECT_EQ(StatusToday(w.e(), sub), "EXPIRED");
  ASSERT_OK(w.e().Update("certificate", cert, {{"date_release", "2024-02-29"}}));
  Json row = SubRow(w.e(), sub);
  EXPECT_EQ(row["certificate_date_release"], "2024-02-29");
  EXPECT_EQ(row["certificate_date_expire"], "2027-02-28");
  EXPECT_EQ(row["status"], "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, CertificateDateExpireAndValidityUpdatesMoveTheStatus) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  EXPECT_EQ(StatusToday(w.e(), o.sub), "VALID");
  ASSERT_OK(w.e().Update("certificate", o.cert, {{"date_expire", "2026-12-10"}}));
  EXPECT_EQ(StatusToday(w.e(), o.sub), "EXPIRING");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Update("certificate", o.cert,
                         {{"date_expire", nullptr}, {"validity", 18}, {"validity_unit", "MONTH"}}));
  EXPECT_EQ(SubRow(w.e(), o.sub)["certificate_date_expire"], "2025-07-15");
  EXPECT_EQ(StatusToday(w.e(), o.sub), "EXPIRED");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Update("certificate", o.cert, {{"validity", 5}}));  // 5 MONTH... of MONTH unit
  EXPECT_EQ(SubRow(w.e(), o.sub)["certificate_date_expire"], "2024-06-15");
  ASSERT_OK(w.e().Update("certificate", o.cert, {{"validity_unit", "YEAR"}}));
  EXPECT_EQ(SubRow(w.e(), o.sub)["certificate_date_expire"], "2029-01-15");
  EXPECT_EQ(StatusToday(w.e(), o.sub), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, CertificateMovedToAnotherPersonUncoversTheOldAndCoversTheNew) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string bob = w.Person("Bob", "Verdi");
  std::string ada_sub = w.Sub(action, w.ada);
  std::string bob_sub = w.Sub(action, bob);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2028-01-01"}});
  std::string link = w.Link(cert, action);
  EXPECT_EQ(StatusToday(w.e(), ada_sub), "VALID");
  EXPECT_EQ(StatusToday(w.e(), bob_sub), "NEW");
  auto moved = w.e().Update("certificate", cert, {{"resource_id", bob}});
  ASSERT_OK(moved);
  EXPECT_EQ(StatusToday(w.e(), ada_sub), "NEW");
  EXPECT_TRUE(SubRow(w.e(), ada_sub)["certificate_date_expire"].is_null());
  EXPECT_EQ(StatusToday(w.e(), bob_sub), "VALID");
  EXPECT_EQ(SubRow(w.e(), bob_sub)["certificate_date_expire"], "2028-01-01");
  EXPECT_EQ((*w.e().View("certificate-action", link))["resource_id"], bob);
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, CertificateForceDeleteTakesItsLinksAndUncovers) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  auto preview = w.e().Delete("certificate", o.cert, false);
  ASSERT_OK(preview);
  EXPECT_EQ(preview->rows,
            (std::vector<RowRef>{{"certificate", o.cert}, {"certificate-action", o.link}}));
  EXPECT_EQ(StatusToday(w.e(), o.sub), "VALID");
  ASSERT_OK(w.e().Delete("certificate", o.cert, true));
  EXPECT_FALSE(w.e().View("certificate-action", o.link).ok());
  EXPECT_EQ(StatusToday(w.e(), o.sub), "NEW");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, ActionValidityUpdateMovesInheritedExpiries) {
  World w = MakeWorld();
  std::string action =
      w.Action({{"validity", 2}, {"validity_unit", "YEAR"}, {"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  w.Link(w.Cert(w.ada, "2024-01-15"), action);
  EXPECT_EQ(SubRow(w.e(), sub)["certificate_date_expire"], "2026-01-15");
  EXPECT_EQ(StatusToday(w.e(), sub), "EXPIRED");
  ASSERT_OK(w.e().Update("action", action, {{"validity", 36}, {"validity_unit", "MONTH"}}));
  EXPECT_EQ(SubRow(w.e(), sub)["certificate_date_expire"], "2027-01-15");
  EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, ActionExpireIntervalUpdateMovesTheFirstExpiringDay) {
  World w = MakeWorld();
  World::One o = w.Covered("2027-01-15", {{"expire_interval", 30}});
  EXPECT_EQ(StatusToday(w.e(), o.sub), "VALID");
  ASSERT_OK(w.e().Update("action", o.action, {{"expire_interval", 60}}));  // from 2026-11-16
  EXPECT_EQ(StatusToday(w.e(), o.sub), "EXPIRING");
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2026, 11, 15)), "VALID");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Update("action", o.action, {{"expire_interval", 0}}));
  EXPECT_EQ(StatusToday(w.e(), o.sub), "VALID");
  EXPECT_EQ(StatusAt(w.e(), o.sub, Ymd(2027, 1, 15)), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, ActionForceDeleteTakesItsSubscriptionsAndLinks) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  World::One keep = w.Covered("2028-01-01");  // another action, untouched
  auto preview = w.e().Delete("action", o.action, false);
  ASSERT_OK(preview);
  std::set<std::pair<std::string, std::string>> rows;
  for (const RowRef& r : preview->rows) rows.insert({r.collection, r.id});
  EXPECT_EQ(rows, (std::set<std::pair<std::string, std::string>>{{"action", o.action},
                                                                 {"action-subscription", o.sub},
                                                                 {"certificate-action", o.link}}));
  EXPECT_EQ(preview->rows.front(), (RowRef{"action", o.action}));
  ASSERT_OK(w.e().Delete("action", o.action, true));
  EXPECT_FALSE(w.e().View("action-subscription", o.sub).ok());
  EXPECT_FALSE(w.e().View("certificate-action", o.link).ok());
  EXPECT_TRUE(w.e().View("certificate", o.cert).ok());
  EXPECT_EQ(StatusToday(w.e(), keep.sub), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, SubscriptionCreatedOverAnExistingLinkIsValidAtOnce) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  w.Link(w.Cert(w.ada, "2024-01-15", {{"date_expire", "2028-01-01"}}), action);
  auto created = w.e().Create(
      "action-subscription",
      {{"action_id", action}, {"subscriber_type", "PERSON"}, {"subscriber_id", w.ada}});
  ASSERT_OK(created);
  EXPECT_EQ((*created)["status"], "VALID");
  EXPECT_EQ((*created)["certificate_date_release"], "2024-01-15");
  EXPECT_EQ((*created)["certificate_date_expire"], "2028-01-01");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, PersonForceDeleteTakesSubscriptionsCertificatesAndLinks) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  std::string bob = w.Person("Bob", "Verdi");
  std::string bob_sub = w.Sub(o.action, bob);
  w.Link(w.Cert(bob, "2024-01-15", {{"date_expire", "2026-01-01"}}), o.action);
  auto preview = w.e().Delete("person", w.ada, false);
  ASSERT_OK(preview);
  std::set<std::pair<std::string, std::string>> rows;
  for (const RowRef& r : preview->rows) rows.insert({r.collection, r.id});
  EXPECT_EQ(rows, (std::set<std::pair<std::string, std::string>>{
                      {"person", w.ada},
                      {"person-office", S(w.c.person_office, "person_office_id")},
                      {"certificate", o.cert},
                      {"action-subscription", o.sub},
                      {"certificate-action", o.link}}));
  ASSERT_OK(w.e().Delete("person", w.ada, true));
  for (auto [collection, id] : rows) {
    EXPECT_FALSE(w.e().View(collection, id).ok()) << collection;
  }
  EXPECT_EQ(StatusToday(w.e(), bob_sub), "EXPIRED");
  Query q;
  q.filter = {{"action_id", o.action}};
  auto action_row = w.e().Index("action", q);
  ASSERT_OK(action_row);
  EXPECT_EQ(action_row->rows[0]["countSubscribed"], 1);
  EXPECT_EQ(action_row->rows[0]["countExpired"], 1);
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleWrites, RetiredPersonsSubscriptionIsHiddenUnlessHistoryButStillVerifies) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  ASSERT_OK(w.e().Historicize("person", w.ada));
  EXPECT_EQ(SubsWhere(w.e(), Json::object(), std::nullopt), std::vector<std::string>{});
  Json row = SubRow(w.e(), o.sub, std::nullopt, /*history=*/true);
  ASSERT_TRUE(row.is_object());
  EXPECT_EQ(row["status"], "VALID");
  EXPECT_EQ(row["parent_active"], false);
  EXPECT_EQ(row["owned_active"], true);
  Query q;
  q.filter = {{"action_id", o.action}};
  EXPECT_EQ(w.e().Index("action", q)->rows[0]["countSubscribed"], 0);
  EXPECT_EQ(w.e().Index("action", q)->rows[0]["countValid"], 0);
  EXPECT_TRUE(Verified(w.e()));
  // Its data is kept: a link change still reaches it.
  ASSERT_OK(w.e().Update("certificate-action", o.link, {{"date_expire", "2026-01-01"}}));
  EXPECT_EQ(SubRow(w.e(), o.sub)["status"], "EXPIRED");
  EXPECT_TRUE(Verified(w.e()));
  ASSERT_OK(w.e().Restore("person", w.ada));
  EXPECT_EQ(SubsWhere(w.e(), Json::object(), std::nullopt), std::vector<std::string>{o.sub});
}

TEST(ScheduleWrites, RetirementDateDecidesVisibilityAsOfADay) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  ASSERT_OK(w.e().Historicize("person", w.ada, Ymd(2027, 3, 1)));
  EXPECT_EQ(SubsWhere(w.e(), Json::object(), std::nullopt), std::vector<std::string>{o.sub});
  EXPECT_EQ(SubsWhere(w.e(), Json::object(), Ymd(2027, 2, 28)), std::vector<std::string>{o.sub});
  EXPECT_EQ(SubsWhere(w.e(), Json::object(), Ymd(2027, 3, 1)), std::vector<std::string>{});
}

TEST(ScheduleWrites, ProjectForceDeleteLeavesAHealthyFile) {
  World w = MakeWorld();
  w.Covered("2028-01-01");
  w.Covered("2026-12-01");
  ASSERT_OK(w.e().Delete("project", w.project, true));
  for (const char* collection : {"action-subscription", "certificate-action", "certificate",
                                 "action", "person", "office", "project"}) {
    Query q;
    q.history = true;
    EXPECT_EQ(w.e().Index(collection, q)->total_count, 0) << collection;
  }
  EXPECT_TRUE(Verified(w.e()));
  Reply verify = Call(w.e(), "GET", "/v2/verify");
  ASSERT_EQ(verify.status, 200) << verify.raw.body;
  EXPECT_EQ(verify.body["ok"], true);
  EXPECT_EQ(verify.body["subscriptions_checked"], 0);
  EXPECT_EQ(verify.body["problems"], Json::array());
}

TEST(ScheduleWrites, OnlyLinksOfTheSameActionAndTheSubscribersCertificatesCover) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string other = w.Action({{"name", "First aid"}});
  std::string bob = w.Person("Bob", "Verdi");
  std::string sub = w.Sub(action, w.ada);
  w.Link(w.Cert(bob, "2024-01-15", {{"date_expire", "2028-01-01"}}), action);   // Bob's
  w.Link(w.Cert(w.ada, "2024-01-15", {{"date_expire", "2028-01-01"}}), other);  // other action
  EXPECT_EQ(StatusToday(w.e(), sub), "NEW");
  EXPECT_TRUE(Verified(w.e()));
}

// ---- Validation -----------------------------------------------------------------------------

TEST(ScheduleValidation, EquipmentCannotSubscribeToATrainingAction) {
  World w = MakeWorld();
  std::string action = w.Action();
  Json forklift =
      MustCreate(w.e(), "equipment",
                 {{"project_id", w.project}, {"office_id", w.office}, {"name", "Forklift"}});
  auto r =
      w.e().Create("action-subscription", {{"action_id", action},
                                           {"subscriber_type", "EQUIPMENT"},
                                           {"subscriber_id", forklift["office_equipment_id"]}});
  EXPECT_EQ(OnlyFieldError(r.status()),
            "subscriber_type: EQUIPMENT cannot subscribe to a TRAINING action (allowed: PERSON)");
  Reply json = Call(w.e(), "POST", "/v2/action-subscription/create",
                    {{"action_id", action},
                     {"subscriber_type", "EQUIPMENT"},
                     {"subscriber_id", forklift["office_equipment_id"]}});
  EXPECT_EQ(json.status, 422);
  EXPECT_EQ(json.body, Json::parse(R"j([{"field": "subscriber_type", "message":
    "EQUIPMENT cannot subscribe to a TRAINING action (allowed: PERSON)"}])j"));
  EXPECT_EQ(w.e().Index("action-subscription")->total_count, 0);
}

TEST(ScheduleValidation, MaintenanceAdmitsEquipmentButNotPeople) {
  World w = MakeWorld();
  std::string action = w.Action({{"action_type", "MAINTENANCE"}});
  Json forklift =
      MustCreate(w.e(), "equipment",
                 {{"project_id", w.project}, {"office_id", w.office}, {"name", "Forklift"}});
  auto person = w.e().Create(
      "action-subscription",
      {{"action_id", action}, {"subscriber_type", "PERSON"}, {"subscriber_id", w.ada}});
  EXPECT_EQ(OnlyFieldError(person.status()),
            "subscriber_type: PERSON cannot subscribe to a MAINTENANCE action (allowed: EQUIPMENT, "
            "WORK_ENVIRONMENT, OFFICE, PPE)");
  EXPECT_TRUE(
      w.e()
          .Create("action-subscription", {{"action_id", action},
                                          {"subscriber_type", "EQUIPMENT"},
                                          {"subscriber_id", forklift["office_equipment_id"]}})
          .ok());
  std::string check = w.Action({{"action_type", "CHECK"}});
  EXPECT_TRUE(
      w.e()
          .Create("action-subscription",
                  {{"action_id", check}, {"subscriber_type", "PERSON"}, {"subscriber_id", w.ada}})
          .ok());
}

TEST(ScheduleValidation, SubscriberOfAnotherProjectIsRefused) {
  World w = MakeWorld();
  std::string action = w.Action();
  Company other = MakeCompany(w.e(), "Other");
  auto r = w.e().Create("action-subscription", {{"action_id", action},
                                                {"subscriber_type", "PERSON"},
                                                {"subscriber_id", other.person["person_id"]}});
  EXPECT_EQ(OnlyFieldError(r.status()), "subscriber_id: refers to a person of another project");
}

TEST(ScheduleValidation, SubscriberIdMustBeARowOfItsType) {
  World w = MakeWorld();
  std::string action = w.Action({{"action_type", "CHECK"}});
  auto r = w.e().Create(
      "action-subscription",
      {{"action_id", action}, {"subscriber_type", "EQUIPMENT"}, {"subscriber_id", w.ada}});
  EXPECT_EQ(OnlyFieldError(r.status()), "subscriber_id: refers to no equipment with this id");
}

TEST(ScheduleValidation, SubtenantOtherThanTheActionsOfficeIsRefused) {
  World w = MakeWorld();
  std::string action = w.Action();
  auto r = w.e().Create("action-subscription", {{"tenant_id", w.project},
                                                {"subtenant_id", w.office_b},
                                                {"action_id", action},
                                                {"subscriber_type", "PERSON"},
                                                {"subscriber_id", w.ada}});
  EXPECT_EQ(OnlyFieldError(r.status()), "action_id: refers to an action of another office");
}

TEST(ScheduleValidation, DuplicateSubscriptionIsAConflict) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string first = w.Sub(action, w.ada);
  const Json again = {
      {"action_id", action}, {"subscriber_type", "PERSON"}, {"subscriber_id", w.ada}};
  auto r = w.e().Create("action-subscription", again);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict) << r.status().ToString();
  Reply json = Call(w.e(), "POST", "/v2/action-subscription/create", again);
  EXPECT_EQ(json.status, 409);
  EXPECT_EQ(json.body["status"], 409);
  EXPECT_EQ(w.e().Index("action-subscription")->total_count, 1);
  // A duplicate id is a conflict as well.
  Json same_id = {{"action_subscription_id", first},
                  {"action_id", w.Action()},
                  {"subscriber_type", "PERSON"},
                  {"subscriber_id", w.ada}};
  EXPECT_EQ(w.e().Create("action-subscription", same_id).status().code(), Code::kConflict);
}

TEST(ScheduleValidation, ImmutableSubscriptionFieldsAreRefusedAndReadOnlyOnesIgnoredOnUpdate) {
  World w = MakeWorld();
  std::string action = w.Action();
  auto r = w.e().Create("action-subscription", {{"action_id", action},
                                                {"subscriber_type", "PERSON"},
                                                {"subscriber_id", w.ada},
                                                {"status", "VALID"}});
  EXPECT_EQ(OnlyFieldError(r.status()), "status: is read-only");
  std::string sub = w.Sub(action, w.ada);
  // Sent back with a whole record, a read-only field is ignored: the engine's value stays.
  ASSERT_OK(w.e().Update("action-subscription", sub, {{"certificate_date_expire", "2030-01-01"}}));
  EXPECT_EQ(SubRow(w.e(), sub)["certificate_date_expire"], nullptr);
  std::string bob = w.Person("Bob", "Verdi");
  EXPECT_EQ(
      OnlyFieldError(w.e().Update("action-subscription", sub, {{"subscriber_id", bob}}).status()),
      "subscriber_id: cannot be changed after creation");
  EXPECT_EQ(OnlyFieldError(
                w.e().Update("action-subscription", sub, {{"action_id", w.Action()}}).status()),
            "action_id: cannot be changed after creation");
  EXPECT_EQ(StatusToday(w.e(), sub), "NEW");
}

TEST(ScheduleValidation, CertificateOfAnotherActionTypeCannotBeLinked) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"action_type", "HEALTH"}});
  auto r = w.e().Create("certificate-action", {{"certificate_id", cert}, {"action_id", action}});
  EXPECT_EQ(OnlyFieldError(r.status()),
            "action_id: is a TRAINING action but the certificate is for HEALTH");
  EXPECT_EQ(w.e().Index("certificate-action")->total_count, 0);
}

TEST(ScheduleValidation, CertificateAndActionOfDifferentProjectsCannotBeLinked) {
  World w = MakeWorld();
  std::string action = w.Action();
  Company other = MakeCompany(w.e(), "Other");
  Json cert = MustCreate(w.e(), "certificate",
                         {{"resource_id", other.person["person_id"]},
                          {"action_type", "TRAINING"},
                          {"name", "Elsewhere"},
                          {"date_release", "2024-01-15"}});
  EXPECT_EQ(cert["tenant_id"], other.project["project_id"]);
  auto r = w.e().Create("certificate-action",
                        {{"certificate_id", cert["certificate_id"]}, {"action_id", action}});
  EXPECT_EQ(OnlyFieldError(r.status()), "action_id: refers to an action of another project");
  auto r2 = w.e().Create("certificate-action", {{"tenant_id", w.project},
                                                {"certificate_id", cert["certificate_id"]},
                                                {"action_id", action}});
  EXPECT_EQ(OnlyFieldError(r2.status()),
            "certificate_id: refers to a certificate of another project");
}

TEST(ScheduleValidation, DuplicateLinkIsAConflict) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  auto r = w.e().Create(
      "certificate-action",
      {{"certificate_id", o.cert}, {"action_id", o.action}, {"date_expire", "2030-01-01"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kConflict);
  EXPECT_EQ(Call(w.e(), "POST", "/v2/certificate-action/create",
                 {{"certificate_id", o.cert}, {"action_id", o.action}})
                .status,
            409);
  EXPECT_EQ(SubRow(w.e(), o.sub)["certificate_date_expire"], "2028-01-01");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleValidation, ImmutableLinkFieldsAreRefusedAndReadOnlyOnesIgnoredOnUpdate) {
  World w = MakeWorld();
  World::One o = w.Covered("2028-01-01");
  std::string cert2 = w.Cert(w.ada, "2025-01-01");
  auto r =
      w.e().Create("certificate-action",
                   {{"certificate_id", cert2}, {"action_id", o.action}, {"is_date_inherited", 0}});
  EXPECT_EQ(OnlyFieldError(r.status()), "is_date_inherited: is read-only");
  ASSERT_OK(w.e().Update("certificate-action", o.link, {{"office_name", "X"}}));  // ignored
  EXPECT_NE(w.e().View("certificate-action", o.link)->at("office_name"), "X");
  EXPECT_EQ(OnlyFieldError(
                w.e().Update("certificate-action", o.link, {{"certificate_id", cert2}}).status()),
            "certificate_id: cannot be changed after creation");
  EXPECT_EQ(
      OnlyFieldError(
          w.e().Update("certificate-action", o.link, {{"date_expire", "2026-02-30"}}).status()),
      "date_expire: must be a real calendar date in the form YYYY-MM-DD");
  EXPECT_EQ(SubRow(w.e(), o.sub)["certificate_date_expire"], "2028-01-01");
}

// ---- Filters, sorting, counters ---------------------------------------------------------------

// Four people on one action (N = 30), one of each status as of today (2026-11-22).
struct Four {
  World w;
  std::string action, fresh, valid, expiring, expired;
};
Four MakeFour() {
  Four f{MakeWorld()};
  World& w = f.w;
  f.action = w.Action({{"expire_interval", 30}, {"name", "Fire safety"}});
  auto person = [&](const char* first, const char* expire) {
    std::string p = w.Person(first, "Test");
    std::string sub = w.Sub(f.action, p);
    if (expire) w.Link(w.Cert(p, "2024-01-15", {{"date_expire", expire}}), f.action);
    return sub;
  };
  f.fresh = person("New", nullptr);
  f.valid = person("Valid", "2028-01-01");        // EXPIRING from 2027-12-02
  f.expiring = person("Expiring", "2026-12-10");  // EXPIRING from 2026-11-10
  f.expired = person("Expired", "2026-11-01");    // EXPIRING from 2026-10-02
  return f;
}

TEST(ScheduleIndex, FilterByEachStatusAsOfADate) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  EXPECT_EQ(SubsWhere(e, {{"status", "NEW"}}, kToday), std::vector<std::string>{f.fresh});
  EXPECT_EQ(SubsWhere(e, {{"status", "VALID"}}, kToday), std::vector<std::string>{f.valid});
  EXPECT_EQ(SubsWhere(e, {{"status", "EXPIRING"}}, kToday), std::vector<std::string>{f.expiring});
  EXPECT_EQ(SubsWhere(e, {{"status", "EXPIRED"}}, kToday), std::vector<std::string>{f.expired});
  // As of 2026-12-11 the expiring one has expired.
  EXPECT_EQ(SubsWhere(e, {{"status", "EXPIRING"}}, Ymd(2026, 12, 11)), std::vector<std::string>{});
  EXPECT_EQ(SubsWhere(e, {{"status", "EXPIRED"}}, Ymd(2026, 12, 11)),
            Sorted({f.expiring, f.expired}));
  // As of 2026-10-15 the expired one was expiring and the expiring one valid.
  EXPECT_EQ(SubsWhere(e, {{"status", "VALID"}}, Ymd(2026, 10, 15)), Sorted({f.valid, f.expiring}));
  EXPECT_EQ(SubsWhere(e, {{"status", "EXPIRING"}}, Ymd(2026, 10, 15)),
            std::vector<std::string>{f.expired});
}

TEST(ScheduleIndex, FilterByAListOfStatusesThroughTheJsonApi) {
  Four f = MakeFour();
  Reply r = Call(f.w.e(), "POST", "/v2/action-subscription/index",
                 {{"filter", {{"status", {"VALID", "EXPIRED"}}}}, {"as_of", "2026-11-22"}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Sorted(Ids(r.body)), Sorted({f.valid, f.expired}));
  EXPECT_EQ(r.raw.Header("X-Pagination-Total-Count"), "2");
  Reply later = Call(f.w.e(), "POST", "/v2/action-subscription/index",
                     {{"filter", {{"status", {"NEW", "EXPIRED"}}}}, {"as_of", "2026-12-11"}});
  ASSERT_EQ(later.status, 200);
  EXPECT_EQ(Sorted(Ids(later.body)), Sorted({f.fresh, f.expiring, f.expired}));
  for (const Json& row : later.body) EXPECT_NE(row["status"], "VALID");
}

TEST(ScheduleIndex, UnknownStatusIsAValidationErrorNamingTheFilter) {
  Four f = MakeFour();
  Query q;
  q.filter = {{"status", "LAPSED"}};
  EXPECT_EQ(OnlyFieldError(f.w.e().Index("action-subscription", q).status()),
            "filter.status: must be one of: NEW, VALID, EXPIRING, EXPIRED");
}

TEST(ScheduleIndex, StatusFilterAgreesWithTheStatusFieldOnEveryDay) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  std::vector<std::pair<ymd, int>> windows = {{Ymd(2026, 9, 28), 80}, {Ymd(2027, 11, 25), 45}};
  for (const auto& [start, days] : windows) {
    for (int i = 0; i < days; ++i) {
      ymd day = AddDays(start, i);
      Query all;
      all.as_of = day;
      auto page = e.Index("action-subscription", all);
      ASSERT_OK(page);
      std::map<std::string, std::vector<std::string>> by_status;
      for (const Json& row : page->rows) {
        by_status[row["status"].get<std::string>()].push_back(S(row, "action_subscription_id"));
      }
      for (const char* status : {"NEW", "VALID", "EXPIRING", "EXPIRED"}) {
        ASSERT_EQ(SubsWhere(e, {{"status", status}}, day), by_status[status])
            << status << " on " << Fmt(day);
      }
    }
  }
}

TEST(ScheduleCounts, CountsAgreeWithTheStatusFieldOnEveryDay) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  for (int i = 0; i < 500; i += 7) {
    ymd day = AddDays(Ymd(2026, 9, 1), i);
    Query all;
    all.as_of = day;
    auto page = e.Index("action-subscription", all);
    ASSERT_OK(page);
    std::map<ScheduleStatus, int64_t> expected{{ScheduleStatus::kNew, 0},
                                               {ScheduleStatus::kValid, 0},
                                               {ScheduleStatus::kExpiring, 0},
                                               {ScheduleStatus::kExpired, 0}};
    for (const Json& row : page->rows) {
      std::optional<ScheduleStatus> status = ParseScheduleStatus(row["status"].get<std::string>());
      ASSERT_TRUE(status) << row.dump();
      expected[*status]++;
    }
    auto counts = e.StatusCounts(all);
    ASSERT_OK(counts);
    EXPECT_EQ(*counts, expected) << Fmt(day);
  }
}

TEST(ScheduleCounts, FilterAndHistoryApplyAndStatusCannotBeFiltered) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  Query other_office;
  other_office.filter = {{"subtenant_id", f.w.office_b}};
  auto none = e.StatusCounts(other_office);
  ASSERT_OK(none);
  EXPECT_EQ(*none, (std::map<ScheduleStatus, int64_t>{{ScheduleStatus::kNew, 0},
                                                      {ScheduleStatus::kValid, 0},
                                                      {ScheduleStatus::kExpiring, 0},
                                                      {ScheduleStatus::kExpired, 0}}));
  Query by_status;
  by_status.filter = {{"status", "NEW"}};
  EXPECT_EQ(OnlyFieldError(e.StatusCounts(by_status).error()),
            "filter.status: is what the counts are grouped by; leave it out of the filter");
  // A retired action's subscriptions leave the counts unless history is asked for.
  Query all;
  auto before = e.StatusCounts(all);
  ASSERT_OK(before);
  ASSERT_OK(e.Historicize("action", f.action, Ymd(2026, 1, 1)));
  auto after = e.StatusCounts(all);
  all.history = true;
  auto with_history = e.StatusCounts(all);
  int64_t total_before = 0, total_after = 0;
  for (const auto& [status, n] : *before) total_before += n;
  for (const auto& [status, n] : *after) total_after += n;
  EXPECT_GT(total_before, 0);
  EXPECT_EQ(total_after, 0);
  EXPECT_EQ(*with_history, *before);
}

TEST(ScheduleCounts, JsonRouteReturnsEachStatusAndTheTotal) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  Query all;
  auto counts = e.StatusCounts(all);
  ASSERT_OK(counts);
  Response r = e.Request("POST", "/v2/action-subscription/counts", "{}");
  ASSERT_EQ(r.status, 200) << r.body;
  Json body = Json::parse(r.body);
  const int64_t n = counts->at(ScheduleStatus::kNew), valid = counts->at(ScheduleStatus::kValid),
                expiring = counts->at(ScheduleStatus::kExpiring),
                expired = counts->at(ScheduleStatus::kExpired);
  EXPECT_EQ(body, (Json{{"NEW", n},
                        {"VALID", valid},
                        {"EXPIRING", expiring},
                        {"EXPIRED", expired},
                        {"total", n + valid + expiring + expired}}));
  Response paged = e.Request("POST", "/v2/action-subscription/counts", R"({"per-page": 5})");
  EXPECT_EQ(paged.status, 422);
  EXPECT_EQ(
      paged.body,
      R"x([{"field":"per-page","message":"is not a counts parameter (filter, as_of, history)"}])x");
}

TEST(ScheduleIndex, FiltersOnFieldsShownFromTheActionAreCheckedLikeTheActionsOwn) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  Query q;
  q.filter = {{"action_type", "COOKING"}};
  auto bad = e.Index("action-subscription", q);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(OnlyFieldError(bad.error()),
            "filter.action_type: must be one of: TRAINING, HEALTH, PER, CHECK, MAINTENANCE");
  q.filter = {{"action_type", "TRAINING"}};
  auto good = e.Index("action-subscription", q);
  ASSERT_OK(good);
  EXPECT_EQ(good->total_count, 4);
}

TEST(ScheduleIndex, SortByCertificateDateExpireBothWays) {
  Four f = MakeFour();
  const Json covered = {{"status", {"VALID", "EXPIRING", "EXPIRED"}}};
  EXPECT_EQ(SubsWhere(f.w.e(), covered, kToday, "certificate_date_expire"),
            (std::vector<std::string>{f.expired, f.expiring, f.valid}));
  EXPECT_EQ(SubsWhere(f.w.e(), covered, kToday, "-certificate_date_expire"),
            (std::vector<std::string>{f.valid, f.expiring, f.expired}));
  Reply r = Call(f.w.e(), "POST", "/v2/action-subscription/index",
                 {{"filter", covered}, {"sort", "-certificate_date_expire"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Ids(r.body), (std::vector<std::string>{f.valid, f.expiring, f.expired}));
}

Json ActionRow(Engine& e, const std::string& action, std::optional<ymd> as_of) {
  Query q;
  q.filter = {{"action_id", action}};
  q.as_of = as_of;
  auto page = e.Index("action", q);
  EXPECT_TRUE(page.ok() && page->rows.size() == 1);
  return page.ok() && page->rows.size() == 1 ? page->rows[0] : Json();
}

Json Counters(const Json& row) {
  Json out = Json::object();
  for (const char* k :
       {"countSubscribed", "countValid", "countExpiring", "countExpired", "countNew"}) {
    out[k] = row.is_object() ? row[k] : Json();
  }
  return out;
}

Json Counts(int subscribed, int valid, int expiring, int expired, int fresh) {
  return {{"countSubscribed", subscribed},
          {"countValid", valid},
          {"countExpiring", expiring},
          {"countExpired", expired},
          {"countNew", fresh}};
}

TEST(ScheduleIndex, ActionCountersCountStatusesAsOfADate) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  EXPECT_EQ(Counters(ActionRow(e, f.action, std::nullopt)), Counts(4, 1, 1, 1, 1));
  EXPECT_EQ(Counters(ActionRow(e, f.action, Ymd(2026, 12, 11))), Counts(4, 1, 0, 2, 1));
  EXPECT_EQ(Counters(ActionRow(e, f.action, Ymd(2026, 11, 5))), Counts(4, 2, 0, 1, 1));
  EXPECT_EQ(Counters(ActionRow(e, f.action, Ymd(2026, 10, 15))), Counts(4, 2, 1, 0, 1));
  EXPECT_EQ(Counters(ActionRow(e, f.action, Ymd(2028, 1, 2))), Counts(4, 0, 0, 3, 1));
  // View gives today's counters; the JSON API takes as_of.
  EXPECT_EQ(Counters(*e.View("action", f.action)), Counts(4, 1, 1, 1, 1));
  Reply r = Call(e, "POST", "/v2/action/index",
                 {{"filter", {{"action_id", f.action}}}, {"as_of", "2026-12-11"}});
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Counters(r.body[0]), Counts(4, 1, 0, 2, 1));
}

// ---- Changes between two dates ------------------------------------------------------------

ChangesQuery Window(ymd from, ymd to, Json filter = Json::object()) {
  ChangesQuery q{};
  q.from = from;
  q.to = to;
  q.filter = std::move(filter);
  return q;
}

// (id, date, from, to) of each change in order.
std::vector<std::string> ChangeList(Engine& e, const ChangesQuery& q) {
  auto page = e.Changes(q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  std::vector<std::string> out;
  if (!page.ok()) return {"?"};
  for (const Json& c : page->rows) {
    out.push_back(S(c, "action_subscription_id") + " " + S(c, "date") + " " + S(c, "from") + "->" +
                  S(c, "to"));
  }
  return out;
}

TEST(ScheduleChanges, ValidToExpiringOnExpiryMinusIntervalWithEveryDocumentedField) {
  Four f = MakeFour();
  auto page = f.w.e().Changes(Window(Ymd(2026, 11, 9), Ymd(2026, 11, 10)));
  ASSERT_OK(page);
  ASSERT_EQ(page->rows.size(), 1u);
  Json expected = {{"action_subscription_id", f.expiring},
                   {"date", "2026-11-10"},
                   {"from", "VALID"},
                   {"to", "EXPIRING"},
                   {"action_id", f.action},
                   {"action_name", "Fire safety"},
                   {"subscriber_id", SubRow(f.w.e(), f.expiring)["subscriber_id"]},
                   {"subscriber_type", "PERSON"},
                   {"subscriber_name", "Expiring Test"},
                   {"subtenant_id", f.w.office},
                   {"office_name", "Head office"}};
  EXPECT_EQ(Plain(page->rows[0]), Plain(expected));
  EXPECT_EQ(page->total_count, 1);
}

TEST(ScheduleChanges, ExpiringToExpiredTheDayAfterExpiry) {
  Four f = MakeFour();
  EXPECT_EQ(ChangeList(f.w.e(), Window(kToday, Ymd(2026, 12, 31))),
            std::vector<std::string>{f.expiring + " 2026-12-11 EXPIRING->EXPIRED"});
}

TEST(ScheduleChanges, ZeroIntervalRowGoesStraightFromValidToExpired) {
  World w = MakeWorld();
  World::One o = w.Covered("2027-03-31", {{"expire_interval", 0}});
  EXPECT_EQ(ChangeList(w.e(), Window(kToday, Ymd(2027, 12, 31))),
            std::vector<std::string>{o.sub + " 2027-04-01 VALID->EXPIRED"});
}

TEST(ScheduleChanges, WindowExcludesItsFirstDayAndIncludesItsLast) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  // VALID->EXPIRING on 2026-11-10, EXPIRING->EXPIRED on 2026-12-11.
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 11, 10), Ymd(2026, 12, 10))),
            std::vector<std::string>{});
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 11, 9), Ymd(2026, 12, 10))),
            std::vector<std::string>{f.expiring + " 2026-11-10 VALID->EXPIRING"});
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 11, 10), Ymd(2026, 12, 11))),
            std::vector<std::string>{f.expiring + " 2026-12-11 EXPIRING->EXPIRED"});
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 12, 11), Ymd(2026, 12, 31))),
            std::vector<std::string>{});
}

TEST(ScheduleChanges, OneDayAndEmptyWindows) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 12, 10), Ymd(2026, 12, 11))),
            std::vector<std::string>{f.expiring + " 2026-12-11 EXPIRING->EXPIRED"});
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 12, 11), Ymd(2026, 12, 12))),
            std::vector<std::string>{});
  EXPECT_EQ(ChangeList(e, Window(Ymd(2026, 12, 11), Ymd(2026, 12, 11))),
            std::vector<std::string>{});
}

TEST(ScheduleChanges, SeveralChangesAreOrderedByDate) {
  Four f = MakeFour();
  EXPECT_EQ(ChangeList(f.w.e(), Window(Ymd(2026, 10, 1), Ymd(2028, 12, 31))),
            (std::vector<std::string>{
                f.expired + " 2026-10-02 VALID->EXPIRING",
                f.expired + " 2026-11-02 EXPIRING->EXPIRED",
                f.expiring + " 2026-11-10 VALID->EXPIRING",
                f.expiring + " 2026-12-11 EXPIRING->EXPIRED",
                f.valid + " 2027-12-02 VALID->EXPIRING",
                f.valid + " 2028-01-02 EXPIRING->EXPIRED",
            }));
}

TEST(ScheduleChanges, NewAndNeverExpiringRowsChangeOnlyOnTheReleaseDay) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  w.Sub(action, w.ada);  // NEW
  std::string bob = w.Person("Bob", "Verdi");
  std::string sub = w.Sub(action, bob);
  w.Link(w.Cert(bob, "2024-01-01"), action);  // never expires
  // Rule 1: the certificate starts to cover on its release day; nothing changes after it.
  EXPECT_EQ(ChangeList(w.e(), Window(Ymd(2000, 1, 1), Ymd(9999, 12, 30))),
            std::vector<std::string>{sub + " 2024-01-01 NEW->VALID"});
  EXPECT_EQ(ChangeList(w.e(), Window(Ymd(2024, 1, 1), Ymd(9999, 12, 30))),
            std::vector<std::string>{});
}

TEST(ScheduleChanges, FilterBySubtenant) {
  Four f = MakeFour();
  World& w = f.w;
  std::string plant = w.Action({{"subtenant_id", w.office_b}, {"expire_interval", 30}});
  std::string sub = w.Sub(plant, w.ada);
  w.Link(w.Cert(w.ada, "2024-01-15", {{"date_expire", "2026-12-20"}}), plant);
  const ChangesQuery q = Window(kToday, Ymd(2026, 12, 31), {{"subtenant_id", w.office_b}});
  EXPECT_EQ(ChangeList(w.e(), q), std::vector<std::string>{sub + " 2026-12-21 EXPIRING->EXPIRED"});
  EXPECT_EQ(ChangeList(w.e(), Window(kToday, Ymd(2026, 12, 31), {{"subtenant_id", w.office}})),
            std::vector<std::string>{f.expiring + " 2026-12-11 EXPIRING->EXPIRED"});
  EXPECT_EQ(ChangeList(w.e(), Window(kToday, Ymd(2026, 12, 31))),
            (std::vector<std::string>{f.expiring + " 2026-12-11 EXPIRING->EXPIRED",
                                      sub + " 2026-12-21 EXPIRING->EXPIRED"}));
}

TEST(ScheduleChanges, ChangesAgreeWithTheStatusOnEachPairOfDays) {
  Four f = MakeFour();
  World& w = f.w;
  World::One zero = w.Covered("2026-11-30", {{"expire_interval", 0}});
  Engine& e = w.e();
  ymd start = Ymd(2026, 9, 25);
  std::map<std::string, std::string> before;
  auto statuses = [&](ymd day) {
    Query q;
    q.as_of = day;
    std::map<std::string, std::string> out;
    auto page = e.Index("action-subscription", q);
    EXPECT_TRUE(page.ok());
    for (const Json& row : page->rows) {
      out[S(row, "action_subscription_id")] = S(row, "status");
    }
    return out;
  };
  before = statuses(start);
  size_t seen = 0;
  for (int i = 1; i <= 90; ++i) {
    ymd day = AddDays(start, i);
    std::map<std::string, std::string> now = statuses(day);
    std::vector<std::string> expected;
    for (const auto& [id, status] : now) {
      if (before[id] != status) {
        expected.push_back(id + " " + Fmt(day) + " " + before[id] + "->" + status);
      }
    }
    EXPECT_EQ(Sorted(ChangeList(e, Window(AddDays(day, -1), day))), expected) << Fmt(day);
    seen += expected.size();
    before = now;
  }
  EXPECT_EQ(seen, 5u);  // 10-02, 11-02, 11-10, 12-01 (zero), 12-11
}

TEST(ScheduleChanges, RetiredRowsAreLeftOutUnlessHistory) {
  Four f = MakeFour();
  std::string person = S(SubRow(f.w.e(), f.expiring), "subscriber_id");
  ASSERT_OK(f.w.e().Historicize("person", person));
  EXPECT_EQ(ChangeList(f.w.e(), Window(kToday, Ymd(2026, 12, 31))), std::vector<std::string>{});
  ChangesQuery q = Window(kToday, Ymd(2026, 12, 31));
  q.history = true;
  EXPECT_EQ(ChangeList(f.w.e(), q),
            std::vector<std::string>{f.expiring + " 2026-12-11 EXPIRING->EXPIRED"});
  Reply r = Call(f.w.e(), "POST", "/v2/action-subscription/changes",
                 {{"from", "2026-11-22"}, {"to", "2026-12-31"}, {"history", true}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  EXPECT_EQ(Ids(r.body), std::vector<std::string>{f.expiring});
}

TEST(ScheduleChanges, JsonChangesGivesTheSameRowsWithPaging) {
  Four f = MakeFour();
  Reply r = Call(f.w.e(), "POST", "/v2/action-subscription/changes",
                 {{"from", "2026-10-01"}, {"to", "2028-12-31"}, {"per-page", 4}, {"page", 2}});
  ASSERT_EQ(r.status, 200) << r.raw.body;
  ASSERT_EQ(r.body.size(), 2u);
  EXPECT_EQ(r.body[0]["action_subscription_id"], f.valid);
  EXPECT_EQ(r.body[0]["date"], "2027-12-02");
  EXPECT_EQ(r.body[1]["to"], "EXPIRED");
  EXPECT_EQ(r.raw.Header("X-Pagination-Total-Count"), "6");
  EXPECT_EQ(r.raw.Header("X-Pagination-Page-Count"), "2");
  EXPECT_EQ(r.raw.Header("X-Pagination-Current-Page"), "2");
  ChangesQuery q = Window(Ymd(2026, 10, 1), Ymd(2028, 12, 31));
  q.per_page = 4;
  q.page = 2;
  auto page = f.w.e().Changes(q);
  ASSERT_OK(page);
  EXPECT_EQ(Plain(page->rows), Plain(r.body));
}

TEST(ScheduleChanges, WindowErrorsNameTheField) {
  Four f = MakeFour();
  Engine& e = f.w.e();
  EXPECT_EQ(OnlyFieldError(e.Changes(Window(Ymd(2026, 12, 1), Ymd(2026, 11, 1))).status()),
            "to: must not be before from");
  Reply backwards = Call(e, "POST", "/v2/action-subscription/changes",
                         {{"from", "2026-12-01"}, {"to", "2026-11-01"}});
  EXPECT_EQ(backwards.status, 422);
  EXPECT_EQ(backwards.body,
            Json::parse(R"([{"field": "to", "message": "must not be before from"}])"));
  Reply missing = Call(e, "POST", "/v2/action-subscription/changes", {{"to", "2026-12-01"}});
  EXPECT_EQ(missing.status, 422);
  EXPECT_EQ(missing.body, Json::parse(R"([{"field": "from", "message": "is required"}])"));
  Reply bad_filter =
      Call(e, "POST", "/v2/action-subscription/changes",
           {{"from", "2026-11-01"}, {"to", "2026-12-01"}, {"filter", {{"nope", 1}}}});
  EXPECT_EQ(bad_filter.status, 422);
  EXPECT_EQ(bad_filter.body[0]["field"], "filter.nope");
}

// ---- Rules 1 and 6 with exact dates (DESIGN.md section 2.1) ----------------------------------

// A change as "id date from->to", with "null" where the row is out of the schedule.
std::vector<std::string> Moves(Engine& e, const ChangesQuery& q) {
  auto page = e.Changes(q);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  if (!page.ok()) return {"?"};
  auto word = [](const Json& v) {
    return v.is_null() ? std::string("null") : v.get<std::string>();
  };
  std::vector<std::string> out;
  for (const Json& c : page->rows) {
    out.push_back(S(c, "action_subscription_id") + " " + S(c, "date") + " " + word(c["from"]) +
                  "->" + word(c["to"]));
  }
  return out;
}

// Each status's count as of day among the rows of filter, e.g. "NEW 0 VALID 1 EXPIRING 0 ...".
std::string CountsAt(Engine& e, const Json& filter, ymd day) {
  Query q;
  q.filter = filter;
  q.as_of = day;
  auto counts = e.StatusCounts(q);
  EXPECT_TRUE(counts.ok()) << counts.status().ToString();
  std::string out;
  if (!counts.ok()) return "?";
  for (const auto& [status, n] : *counts) {
    out += (out.empty() ? "" : " ") + std::string(StatusName(status)) + " " + std::to_string(n);
  }
  return out;
}

// The outbox's event names after seq, in order.
std::vector<std::string> EventsAfter(Engine& e, int64_t after) {
  auto events = e.ReadOutbox(after, 1000);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  std::vector<std::string> out;
  if (events.ok()) {
    for (const Event& ev : *events) out.push_back(ev.name);
  }
  return out;
}

int64_t LastSeq(Engine& e) {
  auto events = e.ReadOutbox(0, 10000);
  return events.ok() && !events->empty() ? events->back().seq : 0;
}

TEST(ScheduleAsOf, ACertificateCoversFromItsReleaseDayNotBefore) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string sub = w.Sub(action, w.ada);
  w.Link(w.Cert(w.ada, "2026-06-10", {{"date_expire", "2027-06-09"}}), action);
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 6, 9)), "NEW");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 6, 10)), "VALID");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 6, 11)), "VALID");
  const Json only = {{"action_id", action}};
  EXPECT_EQ(CountsAt(w.e(), only, Ymd(2026, 6, 9)), "NEW 1 VALID 0 EXPIRING 0 EXPIRED 0");
  EXPECT_EQ(CountsAt(w.e(), only, Ymd(2026, 6, 10)), "NEW 0 VALID 1 EXPIRING 0 EXPIRED 0");
  EXPECT_EQ(Moves(w.e(), Window(Ymd(2026, 6, 8), Ymd(2026, 6, 9))), std::vector<std::string>{});
  EXPECT_EQ(Moves(w.e(), Window(Ymd(2026, 6, 9), Ymd(2026, 6, 10))),
            std::vector<std::string>{sub + " 2026-06-10 NEW->VALID"});
}

TEST(ScheduleAsOf, ARenewalReleasedAfterTheLapseEndsTheExpiryOnItsReleaseDay) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string sub = w.Sub(action, w.ada);
  w.Link(w.Cert(w.ada, "2024-06-01", {{"date_expire", "2026-05-31"}}), action);
  w.Link(w.Cert(w.ada, "2026-06-10", {{"date_expire", "2028-06-09"}}), action);
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 6, 9)), "EXPIRED");
  EXPECT_EQ(SubRow(w.e(), sub, Ymd(2026, 6, 9))["certificate_date_expire"], "2026-05-31");
  Json renewed = SubRow(w.e(), sub, Ymd(2026, 6, 10));
  EXPECT_EQ(renewed["status"], "VALID");
  EXPECT_EQ(renewed["certificate_date_release"], "2026-06-10");
  EXPECT_EQ(Moves(w.e(), Window(Ymd(2026, 5, 1), Ymd(2026, 7, 1))),
            (std::vector<std::string>{sub + " 2026-06-01 VALID->EXPIRED",
                                      sub + " 2026-06-10 EXPIRED->VALID"}));
}

TEST(ScheduleAsOf, ARevokedCertificateCoversUntilTheDayBeforeItsRevocation) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-12-31"}});
  w.Link(cert, action);
  const int64_t seq = LastSeq(w.e());
  Result<Json> revoked = w.e().RevokeCertificate(cert, Ymd(2026, 6, 1), "forged signature");
  ASSERT_OK(revoked);
  EXPECT_EQ((*revoked)["revoked_on"], "2026-06-01");
  EXPECT_EQ((*revoked)["revoke_reason"], "forged signature");
  EXPECT_EQ((*revoked)["date_expire"], "2027-12-31");  // the data is kept
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 5, 31)), "VALID");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 6, 1)), "NEW");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 6, 2)), "NEW");
  EXPECT_EQ(StatusToday(w.e(), sub), "NEW");
  EXPECT_EQ(Moves(w.e(), Window(Ymd(2026, 5, 1), Ymd(2026, 7, 1))),
            std::vector<std::string>{sub + " 2026-06-01 VALID->NEW"});
  // Revoked before today: today's status changed, so a STATUS event follows the REVOKE.
  EXPECT_EQ(EventsAfter(w.e(), seq),
            (std::vector<std::string>{"CERTIFICATE::REVOKE", "ACTION_SUBSCRIPTION::STATUS"}));
  auto events = w.e().ReadOutbox(seq, 10);
  ASSERT_OK(events);
  EXPECT_EQ((*events)[0].payload, (Json{{"entity_id", cert},
                                        {"revoked_on", "2026-06-01"},
                                        {"revoke_reason", "forged signature"}}));
  EXPECT_EQ((*events)[1].payload["old"], "VALID");
  EXPECT_EQ((*events)[1].payload["new"], "NEW");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleAsOf, ARevocationAfterTodayChangesTodayNothing) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-12-31"}});
  w.Link(cert, action);
  const int64_t seq = LastSeq(w.e());
  ASSERT_OK(w.e().RevokeCertificate(cert, Ymd(2027, 1, 10)));
  EXPECT_EQ(EventsAfter(w.e(), seq), std::vector<std::string>{"CERTIFICATE::REVOKE"});
  EXPECT_TRUE(w.e().View("certificate", cert)->at("revoke_reason").is_null());
  EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2027, 1, 9)), "VALID");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2027, 1, 10)), "NEW");
  EXPECT_EQ(Moves(w.e(), Window(kToday, Ymd(2027, 12, 31))),
            std::vector<std::string>{sub + " 2027-01-10 VALID->NEW"});
}

TEST(ScheduleAsOf, ARevokedCertificateLeavesTheOtherLinksToCover) {
  World w = MakeWorld();
  std::string action = w.Action({{"expire_interval", 30}});
  std::string sub = w.Sub(action, w.ada);
  std::string forged = w.Cert(w.ada, "2025-01-15", {{"date_expire", "2027-12-31"}});
  w.Link(forged, action);
  w.Link(w.Cert(w.ada, "2024-10-01", {{"date_expire", "2026-09-30"}}), action);
  EXPECT_EQ(SubRow(w.e(), sub, Ymd(2026, 6, 1))["certificate_date_expire"], "2027-12-31");
  ASSERT_OK(w.e().RevokeCertificate(forged, Ymd(2026, 6, 1)));
  Json row = SubRow(w.e(), sub, Ymd(2026, 6, 1));
  EXPECT_EQ(row["status"], "VALID");
  EXPECT_EQ(row["certificate_date_expire"], "2026-09-30");  // rule 5: the link that gives E(D)
  EXPECT_EQ(SubRow(w.e(), sub, Ymd(2026, 5, 31))["certificate_date_expire"], "2027-12-31");
  EXPECT_EQ(Moves(w.e(), Window(Ymd(2026, 5, 1), kToday)),
            (std::vector<std::string>{sub + " 2026-08-31 VALID->EXPIRING",
                                      sub + " 2026-10-01 EXPIRING->EXPIRED"}));
  EXPECT_EQ(StatusToday(w.e(), sub), "EXPIRED");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleAsOf, UnrevokingRestoresTheCoverAndRevokingAgainMovesIt) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-12-31"}});
  w.Link(cert, action);
  ASSERT_OK(w.e().RevokeCertificate(cert, Ymd(2026, 6, 1), "lost"));
  int64_t seq = LastSeq(w.e());
  ASSERT_OK(w.e().RevokeCertificate(cert, Ymd(2026, 6, 1), "lost"));  // the same: no change
  EXPECT_EQ(EventsAfter(w.e(), seq), std::vector<std::string>{});
  ASSERT_OK(w.e().RevokeCertificate(cert, Ymd(2026, 8, 1), "lost"));
  EXPECT_EQ(EventsAfter(w.e(), seq), std::vector<std::string>{"CERTIFICATE::REVOKE"});
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 7, 31)), "VALID");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 8, 1)), "NEW");
  seq = LastSeq(w.e());
  Result<Json> back = w.e().UnrevokeCertificate(cert);
  ASSERT_OK(back);
  EXPECT_TRUE((*back)["revoked_on"].is_null());
  EXPECT_TRUE((*back)["revoke_reason"].is_null());
  EXPECT_EQ(EventsAfter(w.e(), seq),
            (std::vector<std::string>{"CERTIFICATE::UNREVOKE", "ACTION_SUBSCRIPTION::STATUS"}));
  auto events = w.e().ReadOutbox(seq, 1);
  ASSERT_OK(events);
  EXPECT_EQ((*events)[0].payload,
            (Json{{"entity_id", cert}, {"revoked_on", "2026-08-01"}, {"revoke_reason", "lost"}}));
  EXPECT_EQ(StatusToday(w.e(), sub), "VALID");
  seq = LastSeq(w.e());
  ASSERT_OK(w.e().UnrevokeCertificate(cert));  // not revoked: nothing to do
  EXPECT_EQ(EventsAfter(w.e(), seq), std::vector<std::string>{});
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleAsOf, RevokeRoutesTakeADateAndAReasonAndNameWhatIsWrong) {
  World w = MakeWorld();
  std::string action = w.Action();
  std::string sub = w.Sub(action, w.ada);
  std::string cert = w.Cert(w.ada, "2024-01-15", {{"date_expire", "2027-12-31"}});
  w.Link(cert, action);
  const std::string path = "/v2/certificate/revoke/" + cert;
  Reply bad =
      Call(w.e(), "POST", path, {{"date", "2026-02-30"}, {"reason", 7}, {"when", "2026-01-01"}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(bad.body, Json::parse(R"json([
      {"field": "date", "message": "must be a real calendar date in the form YYYY-MM-DD"},
      {"field": "reason", "message": "must be a string or null"},
      {"field": "when", "message": "is not a revoke parameter (date, reason)"}])json"));
  Reply long_reason = Call(w.e(), "POST", path, {{"reason", std::string(1001, 'x')}});
  EXPECT_EQ(long_reason.status, 422);
  EXPECT_EQ(long_reason.body[0]["field"], "reason");
  EXPECT_EQ(long_reason.body[0]["message"], "must be at most 1000 characters");
  EXPECT_TRUE(w.e().View("certificate", cert)->at("revoked_on").is_null());
  EXPECT_EQ(
      Call(w.e(), "POST", "/v2/certificate/revoke/00000000-0000-4000-8000-000000000000", {}).status,
      404);
  EXPECT_EQ(Call(w.e(), "POST", "/v2/person/revoke/" + w.ada, {}).status, 404);
  EXPECT_EQ(Call(w.e(), "GET", path).status, 405);
  // Default: today, no reason.
  Reply today = Call(w.e(), "POST", path, Json::object());
  EXPECT_EQ(today.status, 200);
  EXPECT_EQ(today.body["revoked_on"], "2026-11-22");
  EXPECT_TRUE(today.body["revoke_reason"].is_null());
  // 4hse sends a time of day; the day is what counts.
  Reply dated = Call(w.e(), "POST", path, {{"date", "2026-03-01 00:00:00"}, {"reason", "audit"}});
  EXPECT_EQ(dated.status, 200);
  EXPECT_EQ(dated.body["revoked_on"], "2026-03-01");
  EXPECT_EQ(dated.body["revoke_reason"], "audit");
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 3, 1)), "NEW");
  // revoked_on is read-only to update: sending it back changes nothing.
  Reply update = Call(w.e(), "PUT", "/v2/certificate/update/" + cert,
                      {{"revoked_on", nullptr}, {"name", "Fire safety (void)"}});
  EXPECT_EQ(update.status, 200);
  EXPECT_EQ(update.body["revoked_on"], "2026-03-01");
  Reply undo = Call(w.e(), "POST", "/v2/certificate/unrevoke/" + cert);
  EXPECT_EQ(undo.status, 200);
  EXPECT_TRUE(undo.body["revoked_on"].is_null());
  EXPECT_EQ(StatusAt(w.e(), sub, Ymd(2026, 3, 1)), "VALID");
  EXPECT_TRUE(Verified(w.e()));
}

TEST(ScheduleAsOf, RevokedOnFiltersAndSorts) {
  World w = MakeWorld();
  std::string a = w.Cert(w.ada, "2024-01-15");
  std::string b = w.Cert(w.ada, "2024-02-15");
  w.Cert(w.ada, "2024-03-15");
  ASSERT_OK(w.e().RevokeCertificate(a, Ymd(2026, 5, 1)));
  ASSERT_OK(w.e().RevokeCertificate(b, Ymd(2026, 4, 1)));
  Query q;
  q.filter = {{"revoked_on", {{"<=", "2026-04-30"}}}};
  auto page = w.e().Index("certificate", q);
  ASSERT_OK(page);
  EXPECT_EQ(Ids(page->rows, "certificate_id"), std::vector<std::string>{b});
}

// Rule 6: one level of the chain exists from 2026-03-01; the row is in the schedule from then.
struct Level {
  const char* name;
  // Builds the chain of a subscription; returns {subscription, the row to start late}.
  std::function<std::pair<std::string, std::pair<std::string, std::string>>(World&)> build;
};

std::string Make(World& w, const char* collection, Json record, const char* id) {
  return S(MustCreate(w.e(), collection, record), id);
}

std::vector<Level> Levels() {
  auto person_chain = [](World& w, const char* late) {
    std::string action = w.Action();
    std::string sub = w.Sub(action, w.ada);
    w.Link(w.Cert(w.ada, "2024-01-15"), action);
    const std::string which = late;
    if (which == "action-subscription") return std::make_pair(sub, std::make_pair(which, sub));
    if (which == "action") return std::make_pair(sub, std::make_pair(which, action));
    if (which == "office") return std::make_pair(sub, std::make_pair(which, w.office));
    return std::make_pair(sub, std::make_pair(which, w.ada));
  };
  auto in_office = [](World& w, const char* collection, const char* id, const char* type,
                      bool late_office) {
    std::string action = w.Action({{"subtenant_id", w.office_b}, {"action_type", "CHECK"}});
    std::string row = Make(
        w, collection, {{"project_id", w.project}, {"office_id", w.office}, {"name", "Late"}}, id);
    std::string sub = w.Sub(action, row, type);
    return std::make_pair(sub, late_office ? std::make_pair(std::string("office"), w.office)
                                           : std::make_pair(std::string(collection), row));
  };
  std::vector<Level> levels = {
      {"the subscription", [=](World& w) { return person_chain(w, "action-subscription"); }},
      {"its action", [=](World& w) { return person_chain(w, "action"); }},
      {"its action's office", [=](World& w) { return person_chain(w, "office"); }},
      {"its person", [=](World& w) { return person_chain(w, "person"); }},
      {"its office subscriber",
       [](World& w) {
         std::string action = w.Action({{"subtenant_id", w.office_b}, {"action_type", "CHECK"}});
         std::string sub = w.Sub(action, w.office, "OFFICE");
         return std::make_pair(sub, std::make_pair(std::string("office"), w.office));
       }},
      {"its role", [=](World& w) { return in_office(w, "role", "office_role_id", "ROLE", false); }},
      {"its role's office",
       [=](World& w) { return in_office(w, "role", "office_role_id", "ROLE", true); }},
      {"its equipment",
       [=](World& w) {
         return in_office(w, "equipment", "office_equipment_id", "EQUIPMENT", false);
       }},
      {"its work environment",
       [=](World& w) {
         return in_office(w, "work-environment", "office_work_environment_id", "WORK_ENVIRONMENT",
                          false);
       }},
      {"its substance",
       [=](World& w) {
         return in_office(w, "substance", "office_substance_id", "SUBSTANCE", false);
       }},
      {"its work group",
       [=](World& w) {
         std::string action = w.Action({{"subtenant_id", w.office_b}, {"action_type", "CHECK"}});
         std::string group =
             Make(w, "work-group",
                  {{"office_id", w.office}, {"name", "Night shift"}, {"work_group_type", "JOB"}},
                  "work_group_id");
         std::string sub = w.Sub(action, group, "WORK_GROUP");
         return std::make_pair(sub, std::make_pair(std::string("work-group"), group));
       }},
  };
  for (const char* late : {"material", "material-item"}) {
    levels.push_back(
        {late, [late](World& w) {
           std::string action = w.Action({{"subtenant_id", w.office_b}, {"action_type", "CHECK"}});
           std::string material =
               Make(w, "material",
                    {{"tenant_id", w.project}, {"subtenant_id", w.office}, {"name", "Helmet"}},
                    "material_id");
           std::string item =
               Make(w, "material-item",
                    {{"material_id", material}, {"name", "Helmets"}, {"initial_quantity", 5}},
                    "material_item_id");
           std::string sub = w.Sub(action, item, "PPE");
           const std::string which = late;
           return std::make_pair(sub, std::make_pair(which, which == "material" ? material : item));
         }});
  }
  return levels;
}

TEST(ScheduleAsOf, EveryLevelOfTheChainStartsTheRowOnItsActiveFrom) {
  for (const Level& level : Levels()) {
    SCOPED_TRACE(level.name);
    World w = MakeWorld();
    auto [sub, late] = level.build(w);
    ASSERT_OK(w.e().Update(late.first, late.second, {{"active_from", "2026-03-01"}}));
    const Json only = {{"action_subscription_id", sub}};
    EXPECT_EQ(SubsWhere(w.e(), only, Ymd(2026, 2, 28)), std::vector<std::string>{});
    EXPECT_EQ(SubsWhere(w.e(), only, Ymd(2026, 3, 1)), std::vector<std::string>{sub});
    EXPECT_EQ(SubsWhere(w.e(), only, Ymd(2026, 3, 2)), std::vector<std::string>{sub});
    EXPECT_EQ(CountsAt(w.e(), only, Ymd(2026, 2, 28)), "NEW 0 VALID 0 EXPIRING 0 EXPIRED 0");
    const std::string status = StatusAt(w.e(), sub, Ymd(2026, 3, 1));
    EXPECT_EQ(CountsAt(w.e(), only, Ymd(2026, 3, 1)), status == "VALID"
                                                          ? "NEW 0 VALID 1 EXPIRING 0 EXPIRED 0"
                                                          : "NEW 1 VALID 0 EXPIRING 0 EXPIRED 0");
    EXPECT_EQ(Moves(w.e(), Window(Ymd(2026, 2, 1), Ymd(2026, 4, 1))),
              std::vector<std::string>{sub + " 2026-03-01 null->" + status});
    // Before active_from the row exists only for history queries, like a retired one.
    EXPECT_EQ(SubRow(w.e(), sub, Ymd(2026, 2, 28), /*history=*/false), Json());
    EXPECT_TRUE(SubRow(w.e(), sub, Ymd(2026, 2, 28), /*history=*/true).is_object());
    // And it leaves on retired_on, the other end of the same period.
    ASSERT_OK(w.e().Historicize(late.first, late.second, Ymd(2026, 9, 1)));
    EXPECT_EQ(SubsWhere(w.e(), only, Ymd(2026, 8, 31)), std::vector<std::string>{sub});
    EXPECT_EQ(SubsWhere(w.e(), only, Ymd(2026, 9, 1)), std::vector<std::string>{});
    EXPECT_TRUE(Verified(w.e()));
  }
}

TEST(ScheduleAsOf, ARowCannotBeRetiredBeforeItExists) {
  World w = MakeWorld();
  ASSERT_OK(w.e().Update("person", w.ada, {{"active_from", "2026-03-01"}}));
  Result<Json> early = w.e().Historicize("person", w.ada, Ymd(2026, 2, 1));
  EXPECT_EQ(OnlyFieldError(early.status()),
            "date: must not be before the row's active_from (2026-03-01)");
  EXPECT_TRUE(w.e().View("person", w.ada)->at("retired_on").is_null());
  // Nor start after it retired.
  ASSERT_OK(w.e().Historicize("person", w.ada, Ymd(2026, 6, 1)));
  Result<Json> late = w.e().Update("person", w.ada, {{"active_from", "2026-06-02"}});
  EXPECT_EQ(OnlyFieldError(late.status()),
            "active_from: must not be after retired_on (2026-06-01): the row would never be in "
            "force");
  EXPECT_EQ(w.e().View("person", w.ada)->at("active_from"), "2026-03-01");
}

}  // namespace
}  // namespace certo::testing
