// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The 4hse v2 contract as real clients use it, through Engine::Request: one create / view /
// whole-record update / index (every filter and sort key of the descriptor) / delete preview /
// historicize / forced delete cycle per collection, then each rule of the contract issue: code
// limits, project_type, owned_active / parent_active filters, lookups by code, delete with
// historicize, timestamps, the GET index form, [] bodies, date-times, range filters, control
// characters, countries, and the schedule's cross-record rules.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "registry/registry.h"
#include "testutil.h"

namespace certo::testing {
namespace {

Json BodyOf(const Response& r) {
  Json body = Json::parse(r.body, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(body.is_discarded()) << r.body;
  return body;
}

std::string Id(const Json& row, std::string_view field) {
  return row.at(std::string(field)).get<std::string>();
}

// A small company holding one row of every collection, and recipes for fresh rows.
class Company {
 public:
  explicit Company(Engine& e) : e_(e) {
    project = Id(MustCreate(e, "project", {{"name", "Rossi"}}), "project_id");
    office = Make("office", {{"name", "Plant"}, {"code", "PL"}});
    person = Make("person", {{"first_name", "Ada"}, {"last_name", "Neri"}, {"code", "P1"}});
    person_office = Make("person-office", {{"office_id", office}, {"person_id", person}});
    role = Make("role", {{"office_id", office}, {"name", "Warden"}, {"code", "R1"}});
    equipment = Make("equipment", {{"office_id", office}, {"name", "Forklift"}});
    work_group = Make("work-group",
                      {{"office_id", office}, {"name", "Welders"}, {"work_group_type", "JOB"}});
    training = Make("action", {{"subtenant_id", office},
                               {"action_type", "TRAINING"},
                               {"name", "General course"},
                               {"code", "GC"},
                               {"validity", 5},
                               {"validity_unit", "YEAR"},
                               {"expire_interval", 30}});
    check = Make("action", {{"subtenant_id", office}, {"action_type", "CHECK"}, {"name", "Check"}});
    certificate = Make("certificate", {{"resource_id", person},
                                       {"action_type", "TRAINING"},
                                       {"name", "GC 2025"},
                                       {"date_release", "2025-03-01"}});
    incident = Make("incident",
                    {{"subtenant_id", office}, {"name", "Fall"}, {"date_incident", "2026-10-01"}});
  }

  std::string Make(std::string_view collection, Json record) {
    const internal::Entity& e = *internal::FindEntity(collection);
    if (!e.project_field.empty()) record[std::string(e.project_field)] = project;
    return Id(MustCreate(e_, collection, record), e.id);
  }

  // A new row of collection, unique against everything made before, with its JSON body.
  Json Fresh(std::string_view c) {
    const std::string n = std::to_string(++made_);
    if (c == "project") return {{"name", "Other " + n}};
    Json r;
    if (c == "office") r = {{"name", "Site " + n}, {"code", "S" + n}, {"description", "d"}};
    if (c == "person") r = {{"first_name", "Bo"}, {"last_name", "Rei"}, {"code", "C" + n}};
    if (c == "person-office") {
      r = {{"office_id", office},
           {"person_id", Make("person", {{"first_name", "X"}, {"last_name", "Y"}})}};
    }
    if (c == "role" || c == "equipment" || c == "work-environment" || c == "substance") {
      r = {{"office_id", office}, {"name", "Thing " + n}, {"code", "T" + n}};
    }
    if (c == "entity-employee") {
      r = {{"office_id", office},
           {"person_office_id", person_office},
           {"type", "ROLE"},
           {"entity_id", Make("role", {{"office_id", office}, {"name", "Aid " + n}})}};
    }
    if (c == "work-group") {
      r = {{"office_id", office}, {"name", "Group " + n}, {"work_group_type", "HGROUP"}};
    }
    if (c == "work-group-person") {
      r = {{"office_id", office},
           {"work_group_id", work_group},
           {"person_office_id",
            Make("person-office",
                 {{"office_id", office},
                  {"person_id", Make("person", {{"first_name", "W"}, {"last_name", n}})}})}};
    }
    if (c == "action") {
      r = {{"subtenant_id", office}, {"action_type", "HEALTH"}, {"name", "Visit " + n}};
    }
    if (c == "certificate") {
      r = {{"resource_id", person},
           {"action_type", "TRAINING"},
           {"name", "Cert " + n},
           {"date_release", "2026-01-10"}};
    }
    if (c == "action-subscription") {
      r = {{"subtenant_id", office},
           {"action_id", training},
           {"subscriber_type", "PERSON"},
           {"subscriber_id", Make("person", {{"first_name", "S"}, {"last_name", n}})}};
    }
    if (c == "certificate-action") {
      r = {{"certificate_id", Make("certificate", {{"resource_id", person},
                                                   {"action_type", "TRAINING"},
                                                   {"name", "Link " + n},
                                                   {"date_release", "2026-02-01"}})},
           {"action_id", training}};
    }
    if (c == "incident") {
      r = {{"subtenant_id", office}, {"name", "Cut " + n}, {"date_incident", "2026-09-01"}};
    }
    if (c == "incident-action") {
      r = {{"office_incident_id", incident},
           {"entity_id",
            Make("action",
                 {{"subtenant_id", office}, {"action_type", "CHECK"}, {"name", "Fix " + n}})},
           {"subtenant_id", office}};
    }
    if (c == "incident-person") {
      r = {{"subtenant_id", office},
           {"office_incident_id", incident},
           {"person_office_id",
            Make("person-office",
                 {{"office_id", office},
                  {"person_id", Make("person", {{"first_name", "I"}, {"last_name", n}})}})},
           {"days", 3}};
    }
    if (c == "demand") {
      r = {{"action_id", training},
           {"resource_type", "ROLE"},
           {"resource_id", Make("role", {{"office_id", office}, {"name", "Demanding " + n}})}};
    }
    if (c == "work-group-entity") {
      r = {{"work_group_id", work_group},
           {"entity_type", "EQUIPMENT"},
           {"entity_id", Make("equipment", {{"office_id", office}, {"name", "Crane " + n}})},
           {"description", "drives it"}};
    }
    if (c == "material") r = {{"subtenant_id", office}, {"name", "Gloves " + n}, {"code", "G" + n}};
    if (c == "material-item") {
      r = {{"subtenant_id", office},
           {"material_id", Make("material", {{"subtenant_id", office}, {"name", "Helmet " + n}})},
           {"name", "Helmet item " + n},
           {"code", "H" + n}};
    }
    if (c == "attachment") r = {{"attachment_path", "scans/" + n + ".pdf"}, {"description", "d"}};
    if (c == "entity-attachment") {
      r = {{"entity_id", person},
           {"attachment_id", Make("attachment", {{"attachment_path", "photos/" + n + ".jpg"}})}};
    }
    if (r.is_null()) return r;
    const internal::Entity& e = *internal::FindEntity(c);
    if (!e.project_field.empty()) r[std::string(e.project_field)] = project;
    return r;
  }

  // A field an update can change on any row of c, and its new value.
  static std::pair<std::string, Json> Change(std::string_view c) {
    if (c == "person-office" || c == "entity-employee") return {"", nullptr};
    if (c == "person") return {"last_name", "Renamed"};
    if (c == "work-group-person") return {"time_spent_measure", "4h"};
    if (c == "action-subscription") return {"data", Json{{"note", "x"}}};
    if (c == "certificate-action") return {"date_expire", "2030-01-31"};
    if (c == "incident-action" || c == "incident-person") return {"description", "changed"};
    if (c == "demand") return {"data", Json{{"note", "x"}}};
    if (c == "work-group-entity" || c == "attachment") return {"description", "changed"};
    if (c == "entity-attachment") return {"", nullptr};
    return {"name", "Renamed"};
  }

  std::string project, office, person, person_office, role, equipment, work_group, training, check,
      certificate, incident;

 private:
  Engine& e_;
  int made_ = 0;
};

class Contract : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = OpenEngine();
    company_ = std::make_unique<Company>(*engine_);
  }
  Response Req(const std::string& method, const std::string& target, const Json& body) {
    return engine_->Request(method, target, body.is_null() ? "" : body.dump());
  }
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Company> company_;
};

// ---- One cycle per collection ----------------------------------------------------------------

TEST_F(Contract, EveryCollectionRunsTheWholeClientCycle) {
  for (const std::string& c : Engine::Collections()) {
    SCOPED_TRACE(c);
    const internal::Entity& e = *internal::FindEntity(c);
    Json input = company_->Fresh(c);
    ASSERT_FALSE(input.is_null()) << "no recipe for " << c << ": add one to Company::Fresh";
    Response created = Req("POST", "/v2/" + c + "/create", input);
    ASSERT_EQ(created.status, 201) << created.body;
    Json row = BodyOf(created);
    const std::string id = Id(row, e.id);
    EXPECT_EQ(row["created_at"], "2026-11-22T00:00:00Z");

    Response viewed = Req("GET", "/v2/" + c + "/view?id=" + id, nullptr);
    ASSERT_EQ(viewed.status, 200) << viewed.body;
    EXPECT_EQ(BodyOf(viewed), row);

    // The whole record back, one field changed: read-only and unchanged immutable fields pass.
    auto [field, value] = Company::Change(c);
    Json whole = row;
    if (!field.empty()) whole[field] = value;
    Response updated = Req("PUT", "/v2/" + c + "/update?id=" + id, whole);
    ASSERT_EQ(updated.status, 200) << updated.body << "\n" << whole.dump();
    Json after = BodyOf(updated);
    if (!field.empty()) {
      EXPECT_EQ(after[field], value);
    }
    row = after;

    // Every filter of the descriptor finds the row by its own value; every sort key sorts.
    auto finds = [&](const std::string& key, const Json& v) {
      Json filter = {{key, v}};
      Response r = Req("POST", "/v2/" + c + "/index", {{"filter", filter}, {"per-page", 1000}});
      EXPECT_EQ(r.status, 200) << key << ": " << r.body;
      bool found = false;
      for (const Json& each : BodyOf(r)) found = found || each[e.id] == id;
      EXPECT_TRUE(found) << "filter " << filter.dump() << " misses the row";
    };
    finds(std::string(e.id), id);
    std::vector<std::string> sorts;
    for (const internal::Field& f : e.fields) {
      if (f.match != internal::Match::kNone && !row[std::string(f.name)].is_object()) {
        finds(std::string(f.name), row[std::string(f.name)]);
      }
      if (f.sortable) sorts.emplace_back(f.name);
    }
    for (const internal::Computed& f : e.computed) {
      if (f.match != internal::Match::kNone) finds(std::string(f.name), row[std::string(f.name)]);
      if (f.sortable) sorts.emplace_back(f.name);
    }
    if (e.historicizable) {
      finds("owned_active", true);
      finds("parent_active", true);
    }
    for (const std::string& key : sorts) {
      for (const std::string& order : {key, "-" + key}) {
        Response r = Req("POST", "/v2/" + c + "/index", {{"sort", order}});
        EXPECT_EQ(r.status, 200) << order << ": " << r.body;
      }
    }

    Response preview = Req("DELETE", "/v2/" + c + "/delete?id=" + id, nullptr);
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(BodyOf(preview)["deleted"], false);
    EXPECT_EQ(Req("GET", "/v2/" + c + "/view/" + id, nullptr).status, 200);

    if (e.historicizable) {
      Response kept =
          Req("DELETE", "/v2/" + c + "/delete?id=" + id + "&historicize=true&force=true", nullptr);
      ASSERT_EQ(kept.status, 200) << kept.body;
      EXPECT_EQ(BodyOf(kept)["historicized"], true);
      Json retired = BodyOf(Req("GET", "/v2/" + c + "/view/" + id, nullptr));
      EXPECT_EQ(retired["retired_on"], "2026-11-22");
      EXPECT_EQ(retired["owned_active"], false);
    }
    Response forced = Req("DELETE", "/v2/" + c + "/delete/" + id + "?force=true", nullptr);
    ASSERT_EQ(forced.status, 200) << forced.body;
    EXPECT_EQ(BodyOf(forced)["deleted"], true);
    EXPECT_EQ(Req("GET", "/v2/" + c + "/view/" + id, nullptr).status, 404);
  }
  EXPECT_TRUE(Verified(*engine_));
}

// ---- Seed contract ---------------------------------------------------------------------------

TEST_F(Contract, CodesOfResourcesAreAtMost45CharactersAndAPersonsAt50) {
  Json role = company_->Fresh("role");
  role["code"] = std::string(46, 'r');
  Result<Json> r = engine_->Create("role", role);
  EXPECT_EQ(OnlyFieldError(r.status()), "code: must be at most 45 characters");
  role["code"] = std::string(45, 'r');
  EXPECT_TRUE(engine_->Create("role", role).ok());
  Json person = company_->Fresh("person");
  person["code"] = std::string(50, 'p');
  EXPECT_TRUE(engine_->Create("person", person).ok());
}

TEST_F(Contract, ProjectTypeIsReadOnlyAndAnExactFilter) {
  for (const char* c : {"office", "role", "equipment", "person-office", "work-group", "action",
                        "action-subscription", "incident"}) {
    SCOPED_TRACE(c);
    Response r =
        Req("POST", std::string("/v2/") + c + "/index", {{"filter", {{"project_type", "safety"}}}});
    ASSERT_EQ(r.status, 200) << r.body;
    Response none = Req("POST", std::string("/v2/") + c + "/index",
                        {{"filter", {{"project_type", "template"}}}});
    EXPECT_EQ(BodyOf(none).size(), 0u);
    Response bad =
        Req("POST", std::string("/v2/") + c + "/index", {{"filter", {{"project_type", "other"}}}});
    EXPECT_EQ(bad.status, 422);
  }
  Result<Json> office = engine_->View("office", company_->office);
  EXPECT_EQ((*office)["project_type"], "safety");
}

TEST_F(Contract, OwnedAndParentActiveFilterAsOfTheReadsDate) {
  ASSERT_OK(engine_->Historicize("role", company_->role, Ymd(2026, 11, 1)));
  auto ids = [&](const Json& body) {
    std::set<std::string> out;
    for (const Json& row : BodyOf(Req("POST", "/v2/role/index", body))) {
      out.insert(Id(row, "office_role_id"));
    }
    return out;
  };
  EXPECT_EQ(ids({{"filter", {{"owned_active", false}}}}), std::set<std::string>{company_->role});
  EXPECT_EQ(ids({{"filter", {{"owned_active", true}}}}).count(company_->role), 0u);
  // As of a day before the retirement, the role was active.
  EXPECT_EQ(ids({{"filter", {{"owned_active", false}}}, {"as_of", "2026-10-31"}}),
            std::set<std::string>{});
  ASSERT_OK(engine_->Historicize("office", company_->office, Ymd(2026, 11, 2)));
  std::set<std::string> hidden = ids({{"filter", {{"parent_active", false}}}});
  EXPECT_EQ(hidden.count(company_->role), 1u);
  EXPECT_EQ(Req("POST", "/v2/role/index", {{"filter", {{"owned_active", "yes"}}}}).status, 422);
}

TEST_F(Contract, DescriptionIsATextFilter) {
  company_->Make("role", {{"office_id", company_->office},
                          {"name", "First aider"},
                          {"description", "Trained in CPR"}});
  Json rows = BodyOf(Req("POST", "/v2/role/index", {{"filter", {{"description", "cpr"}}}}));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["name"], "First aider");
}

TEST_F(Contract, LinkEventsCarryTheDateExpireInForce) {
  std::string link = company_->Make(
      "certificate-action",
      {{"certificate_id", company_->certificate}, {"action_id", company_->training}});
  ASSERT_OK(engine_->Update("certificate-action", link, {{"date_expire", "2031-12-31"}}));
  std::vector<Json> payloads;
  Result<std::vector<Event>> events = engine_->ReadOutbox(0, 1000);
  ASSERT_OK(events);
  for (const Event& ev : *events) {
    if (ev.name.rfind("CERTIFICATE_ACTION::", 0) == 0) payloads.push_back(ev.payload);
  }
  ASSERT_EQ(payloads.size(), 2u);
  EXPECT_EQ(payloads[0]["date_expire"], "2030-03-01");  // release + the action's 5 years
  EXPECT_EQ(payloads[1]["updated_fields"]["date_expire"],
            (Json{{"old", "2030-03-01"}, {"new", "2031-12-31"}}));
}

// ---- What real clients send ------------------------------------------------------------------

TEST_F(Contract, WholeRecordUpdatesRefuseOnlyRealChanges) {
  Json action = *engine_->View("action", company_->training);
  action["name"] = "General course (2026)";
  Result<Json> ok = engine_->Update("action", company_->training, action);
  ASSERT_OK(ok);
  EXPECT_EQ((*ok)["name"], "General course (2026)");
  action["action_type"] = "HEALTH";
  EXPECT_EQ(OnlyFieldError(engine_->Update("action", company_->training, action).status()),
            "action_type: cannot be changed after creation");
  action["action_type"] = "TRAINING";
  action["nickname"] = "x";
  EXPECT_EQ(OnlyFieldError(engine_->Update("action", company_->training, action).status()),
            "nickname: is not a field of action");
  Json other = {{"action_id", company_->check}};
  EXPECT_EQ(OnlyFieldError(engine_->Update("action", company_->training, other).status()),
            "action_id: cannot be changed");
}

TEST_F(Contract, AnInheritedLinkDateSentBackStaysInherited) {
  std::string link = company_->Make(
      "certificate-action",
      {{"certificate_id", company_->certificate}, {"action_id", company_->training}});
  Json row = *engine_->View("certificate-action", link);
  ASSERT_EQ(row["is_date_inherited"], 1);
  Result<Json> same = engine_->Update("certificate-action", link, row);
  ASSERT_OK(same);
  EXPECT_EQ((*same)["is_date_inherited"], 1);
  EXPECT_EQ((*same)["date_expire"], "2030-03-01");
}

TEST_F(Contract, RowsAreFoundByCodeInTheirProject) {
  const std::string p = company_->project;
  Response view = Req("GET", "/v2/person/view?code=P1&project_id=" + p, nullptr);
  ASSERT_EQ(view.status, 200) << view.body;
  EXPECT_EQ(BodyOf(view)["person_id"], company_->person);
  Response update =
      Req("PUT", "/v2/person/update?code=P1&project_id=" + p, {{"last_name", "Bianchi"}});
  EXPECT_EQ(BodyOf(update)["last_name"], "Bianchi");
  Response retire = Req("POST", "/v2/person/historicize/lookup?code=P1&project_id=" + p,
                        {{"date", "2026-11-20 08:30:00"}});
  ASSERT_EQ(retire.status, 200) << retire.body;
  EXPECT_EQ(BodyOf(retire)["retired_on"], "2026-11-20");
  EXPECT_EQ(Req("GET", "/v2/person/view?code=NOPE&project_id=" + p, nullptr).status, 404);
  EXPECT_EQ(Req("GET", "/v2/person/view?code=P1&project_id=bad", nullptr).status, 422);
  // Office codes are not unique: an ambiguous code is a 409 that says to use the id.
  company_->Make("office", {{"name", "Plant 2"}, {"code", "PL"}});
  Response twice = Req("GET", "/v2/office/view?code=PL&project_id=" + p, nullptr);
  EXPECT_EQ(twice.status, 409);
  EXPECT_NE(BodyOf(twice)["message"].get<std::string>().find("use the id"), std::string::npos);
  Response preview =
      Req("DELETE", "/v2/role/delete?code=R1&project_id=" + p + "&force=false", nullptr);
  EXPECT_EQ(BodyOf(preview)["rows"][0]["id"], company_->role);
}

TEST_F(Contract, PersonCreateTakesUniqueCode) {
  Json person = {{"project_id", company_->project},
                 {"first_name", "A"},
                 {"last_name", "B"},
                 {"code", "P1"},
                 {"unique_code", true}};
  EXPECT_EQ(Req("POST", "/v2/person/create", person).status, 409);
  person["code"] = "P2";
  EXPECT_EQ(Req("POST", "/v2/person/create", person).status, 201);
  person["code"] = "P3";
  person["unique_code"] = "yes";
  Response bad = Req("POST", "/v2/person/create", person);
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(BodyOf(bad)[0]["field"], "unique_code");
}

TEST_F(Contract, DeleteWithHistoricizeRetiresAndKeepsTheRow) {
  Response kept =
      Req("DELETE", "/v2/person/delete/" + company_->person + "?historicize=true", nullptr);
  ASSERT_EQ(kept.status, 200) << kept.body;
  Json body = BodyOf(kept);
  EXPECT_EQ(body["deleted"], false);
  EXPECT_EQ(body["record"]["retired_on"], "2026-11-22");
  EXPECT_TRUE(engine_->View("person", company_->person).ok());
  Response cannot = Req(
      "DELETE", "/v2/certificate/delete/" + company_->certificate + "?historicize=true", nullptr);
  EXPECT_EQ(cannot.status, 422);
  EXPECT_TRUE(engine_->View("certificate", company_->certificate).ok());
}

TEST_F(Contract, TimestampsAreSetByTheEngineAndReadOnly) {
  Options options;
  options.today = kToday;
  options.now = std::chrono::sys_days(kToday) + std::chrono::hours(9) + std::chrono::minutes(5);
  auto opened = Engine::Open(":memory:", options);
  ASSERT_OK(opened);
  std::unique_ptr<Engine> engine = std::move(*opened);
  Json project = *engine->Create("project", {{"name", "T"}});
  EXPECT_EQ(project["created_at"], "2026-11-22T09:05:00Z");
  EXPECT_EQ(project["updated_at"], "2026-11-22T09:05:00Z");
  Result<Json> ignored = engine->Update("project", Id(project, "project_id"),
                                        {{"created_at", "1999-01-01T00:00:00Z"}});
  ASSERT_OK(ignored);
  EXPECT_EQ((*ignored)["created_at"], "2026-11-22T09:05:00Z");
  Json rows = BodyOf(engine->Request(
      "POST", "/v2/project/index",
      Json{{"filter", {{"updated_at", {{">=", "2026-11-22T00:00:00Z"}}}}}, {"sort", "-created_at"}}
          .dump()));
  EXPECT_EQ(rows.size(), 1u);
}

TEST_F(Contract, TheGetIndexFormMeansTheSameAsTheBody) {
  const std::string p = company_->project;
  Response get = Req("GET",
                     "/v2/action/index?filter[tenant_id]=" + p +
                         "&filter[action_type][]=TRAINING&filter[action_type][]=HEALTH"
                         "&per-page=1&page=1&sort=-name&filter[validity]=5",
                     nullptr);
  ASSERT_EQ(get.status, 200) << get.body;
  Response post =
      Req("POST", "/v2/action/index",
          {{"filter", {{"tenant_id", p}, {"action_type", {"TRAINING", "HEALTH"}}, {"validity", 5}}},
           {"per-page", 1},
           {"page", 1},
           {"sort", "-name"}});
  EXPECT_EQ(get.body, post.body);
  EXPECT_EQ(get.headers, post.headers);
  EXPECT_EQ(Req("get", "/v2/action/index?filter[validity][%3E%3D]=5", nullptr).status, 200);
  EXPECT_EQ(Req("GET", "/v2/action/index?per-page=ten", nullptr).status, 422);
  EXPECT_EQ(Req("GET", "/v2/action/index?colour=red", nullptr).status, 422);
}

TEST_F(Contract, AnEmptyArrayBodyIsNoFieldsAndMethodsIgnoreCase) {
  Response r = engine_->Request("post", "/v2/role/index", "[]");
  EXPECT_EQ(r.status, 200) << r.body;
  Response create = engine_->Request("POST", "/v2/role/create", "[]");
  EXPECT_EQ(create.status, 422);  // no fields: the required ones are named
  EXPECT_EQ(engine_->Request("Put", "/v2/role/update/" + company_->role, "[]").status, 200);
}

TEST_F(Contract, DatesWithATimeOfDayKeepTheDate) {
  Json incident = company_->Fresh("incident");
  incident["date_incident"] = "2026-09-03 14:20:00";
  Result<Json> r = engine_->Create("incident", incident);
  ASSERT_OK(r);
  EXPECT_EQ((*r)["date_incident"], "2026-09-03");
  incident["date_incident"] = "2026-09-03 25:20:00";
  EXPECT_EQ(OnlyFieldError(engine_->Create("incident", incident).status()),
            "date_incident: must be a real calendar date in the form YYYY-MM-DD");
}

TEST_F(Contract, RangeFiltersAnswerWhatExpiresInTheNextDays) {
  // The certificate of 2025-03-01 covers the person's subscription to 2030-03-01.
  company_->Make("action-subscription", {{"subtenant_id", company_->office},
                                         {"action_id", company_->training},
                                         {"subscriber_type", "PERSON"},
                                         {"subscriber_id", company_->person}});
  company_->Make("certificate-action",
                 {{"certificate_id", company_->certificate}, {"action_id", company_->training}});
  auto count = [&](const Json& range) {
    Response r = Req("POST", "/v2/action-subscription/index",
                     {{"filter", {{"certificate_date_expire", range}}}});
    EXPECT_EQ(r.status, 200) << r.body;
    return BodyOf(r).size();
  };
  EXPECT_EQ(count({{">=", "2030-03-01"}, {"<=", "2030-03-31"}}), 1u);
  EXPECT_EQ(count({{"<", "2030-03-01"}}), 0u);
  EXPECT_EQ(count({{">", "2030-03-01"}}), 0u);
  Response bad = Req("POST", "/v2/action-subscription/index",
                     {{"filter", {{"certificate_date_expire", {{"~", "2030"}}}}}});
  EXPECT_EQ(bad.status, 422);
  EXPECT_EQ(BodyOf(bad)[0]["message"], "'~' is not a range operator (<, <=, >, >=)");
  Response text =
      Req("POST", "/v2/action-subscription/index", {{"filter", {{"action_name", {{"<", "M"}}}}}});
  EXPECT_EQ(text.status, 422);
  Response day = Req("POST", "/v2/action-subscription/index",
                     {{"filter", {{"certificate_date_expire", {{"<", "2030-02-30"}}}}}});
  EXPECT_EQ(day.status, 422);
}

// ---- Bad input -------------------------------------------------------------------------------

TEST_F(Contract, ControlCharactersAreRefusedInSingleLineText) {
  Json role = company_->Fresh("role");
  role["name"] = "Fire\twarden";
  EXPECT_EQ(OnlyFieldError(engine_->Create("role", role).status()),
            "name: must be one line without control characters (found U+0009 at byte 4)");
  role["name"] = "Fire warden";
  role["description"] = "line one\nline two";
  EXPECT_TRUE(engine_->Create("role", role).ok());
}

TEST_F(Contract, ALinkCannotExpireBeforeItsCertificateWasReleased) {
  Result<Json> r = engine_->Create("certificate-action", {{"certificate_id", company_->certificate},
                                                          {"action_id", company_->training},
                                                          {"date_expire", "2025-02-28"}});
  EXPECT_EQ(OnlyFieldError(r.status()),
            "date_expire: must not be before the certificate's date_release (2025-03-01)");
}

TEST_F(Contract, ACertificateMovesOnlyToAResourceItsTypeAdmits) {
  Result<Json> moved =
      engine_->Update("certificate", company_->certificate, {{"resource_id", company_->equipment}});
  EXPECT_EQ(OnlyFieldError(moved.status()),
            "resource_id: is an equipment but a TRAINING certificate is for PERSON");
  EXPECT_EQ((*engine_->View("certificate", company_->certificate))["resource_id"],
            company_->person);
}

TEST_F(Contract, CountriesAreRealIsoCodes) {
  Json office = company_->Fresh("office");
  for (const char* bad : {"XX", "it", "ITA"}) {
    office["country"] = bad;
    EXPECT_EQ(OnlyFieldError(engine_->Create("office", office).status()),
              "country: must be an ISO 3166-1 alpha-2 country code: two upper-case letters such "
              "as IT, DE or GB")
        << bad;
  }
  office["country"] = "IT";
  EXPECT_TRUE(engine_->Create("office", office).ok());
}

}  // namespace
}  // namespace certo::testing
