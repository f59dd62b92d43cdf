// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The organisation and resource collections through the C++ API: project, office, person,
// person-office, role, equipment, work-environment, substance, entity-employee, work-group and
// work-group-person. Create (ids, joined fields, derived scope, every rule), view, update,
// index (filters, sort, paging), delete (preview and force), historicize/restore, reopen.

#include <algorithm>
#include <cstdio>
#include <map>
#include <regex>
#include <string>
#include <tuple>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

// ---- Helpers --------------------------------------------------------------------------------

std::string Str(const Json& v) { return v.get<std::string>(); }

bool IsLowerCaseUuid(const Json& v) {
  static const std::regex re("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
  return v.is_string() && std::regex_match(v.get<std::string>(), re);
}

// A fixed UUID; Uid(1) < Uid(2) < ... in string (and so SQL) order.
std::string Uid(int n) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "00000000-0000-4000-8000-%012d", n);
  return buf;
}

std::string Upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::toupper(c); });
  return s;
}

// n copies of a (possibly multi-byte) character.
std::string Repeat(const std::string& unit, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += unit;
  return out;
}

// Every field error as "field: message", in the engine's order.
std::vector<std::string> FieldErrors(const Status& status) {
  if (!status.IsValidation()) return {"not a validation error: " + status.ToString()};
  std::vector<std::string> out;
  for (const FieldError& e : status.field_errors()) out.push_back(e.field + ": " + e.message);
  return out;
}

Query WithHistory(Query q = Query()) {
  q.history = true;
  return q;
}

// The total of every collection, retired rows included.
std::map<std::string, int64_t> Counts(Engine& engine) {
  std::map<std::string, int64_t> counts;
  for (const std::string& c : Engine::Collections()) {
    auto page = engine.Index(c, WithHistory());
    EXPECT_TRUE(page.ok()) << c << ": " << page.status().ToString();
    counts[c] = page.ok() ? page->total_count : -1;
  }
  return counts;
}

std::vector<std::string> IdsOf(const Json& rows, const std::string& id_field) {
  std::vector<std::string> ids;
  for (const Json& row : rows) ids.push_back(Str(row[id_field]));
  return ids;
}

// The ids Index returns for a query (one page), or a marker when it fails.
std::vector<std::string> IndexIds(Engine& engine, std::string_view collection,
                                  const std::string& id_field, const Query& q = Query()) {
  auto page = engine.Index(collection, q);
  if (!page.ok()) return {"index failed: " + page.status().ToString()};
  return IdsOf(page->rows, id_field);
}

Query Filter(Json filter, std::string sort = "") {
  Query q;
  q.filter = std::move(filter);
  q.sort = std::move(sort);
  return q;
}

std::string RowName(std::string_view collection, const std::string& id) {
  return std::string(collection) + " " + id;
}

std::vector<std::string> RowNames(const DeleteResult& result) {
  std::vector<std::string> out;
  for (const RowRef& r : result.rows) out.push_back(RowName(r.collection, r.id));
  return out;
}

// "collection id" for each id, in id order (the order of siblings in a delete preview).
std::vector<std::string> Siblings(std::string_view collection, std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  std::vector<std::string> out;
  for (const std::string& id : ids) out.push_back(RowName(collection, id));
  return out;
}

std::vector<std::string> Concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Previews a delete (must list exactly `expected` and change nothing), then forces it (must remove
// exactly those rows and leave every other row of every collection in place).
void ExpectDeleteRemovesExactly(Engine& engine, std::string_view collection, const std::string& id,
                                const std::vector<std::string>& expected) {
  const auto before = Counts(engine);
  auto preview = engine.Delete(collection, id, /*force=*/false);
  ASSERT_OK(preview);
  EXPECT_FALSE(preview->forced);
  EXPECT_EQ(RowNames(*preview), expected);
  EXPECT_EQ(Counts(engine), before) << "a preview changed the file";
  ASSERT_OK(engine.View(collection, id));

  auto forced = engine.Delete(collection, id, /*force=*/true);
  ASSERT_OK(forced);
  EXPECT_TRUE(forced->forced);
  EXPECT_EQ(RowNames(*forced), expected);
  auto expected_after = before;
  for (const RowRef& r : forced->rows) --expected_after[r.collection];
  EXPECT_EQ(Counts(engine), expected_after);
  for (const RowRef& r : forced->rows) {
    EXPECT_EQ(engine.View(r.collection, r.id).status().code(), Code::kNotFound)
        << r.collection << " " << r.id;
  }
}

// A whole organisation in office A of MakeCompany's project: one row of every collection, and an
// entity-employee for each of the four resource types.
struct Org {
  Json project, office_a, office_b, person, person_office;
  Json role, equipment, work_environment, substance, work_group, work_group_person;
  Json ee_role, ee_equipment, ee_work_environment, ee_substance;

  std::string project_id() const { return Str(project["project_id"]); }
  std::string office_a_id() const { return Str(office_a["office_id"]); }
  std::string office_b_id() const { return Str(office_b["office_id"]); }
  std::string person_id() const { return Str(person["person_id"]); }
  std::string person_office_id() const { return Str(person_office["person_office_id"]); }
  std::string work_group_id() const { return Str(work_group["work_group_id"]); }
  std::string work_group_person_id() const {
    return Str(work_group_person["work_group_person_id"]);
  }
  std::vector<std::string> entity_employee_ids() const {
    return {Str(ee_role["entity_employee_id"]), Str(ee_equipment["entity_employee_id"]),
            Str(ee_work_environment["entity_employee_id"]),
            Str(ee_substance["entity_employee_id"])};
  }
};

Org MakeOrg(Engine& engine, const std::string& name = "ACME") {
  Company c = MakeCompany(engine, name);
  Org o{.project = c.project,
        .office_a = c.office_a,
        .office_b = c.office_b,
        .person = c.person,
        .person_office = c.person_office};
  const std::string a = o.office_a_id();
  o.role = MustCreate(engine, "role", {{"office_id", a}, {"code", "R1"}, {"name", "Welder"}});
  o.equipment =
      MustCreate(engine, "equipment", {{"office_id", a}, {"code", "EQ1"}, {"name", "Forklift"}});
  o.work_environment = MustCreate(engine, "work-environment",
                                  {{"office_id", a}, {"code", "WE1"}, {"name", "Warehouse"}});
  o.substance =
      MustCreate(engine, "substance", {{"office_id", a}, {"code", "SU1"}, {"name", "Acetone"}});
  o.work_group = MustCreate(
      engine, "work-group",
      {{"office_id", a}, {"code", "WG1"}, {"name", "Night shift"}, {"work_group_type", "JOB"}});
  o.work_group_person = MustCreate(
      engine, "work-group-person",
      {{"work_group_id", o.work_group_id()}, {"person_office_id", o.person_office_id()}});
  auto ee = [&](const char* type, const Json& entity, const char* id_field) {
    return MustCreate(engine, "entity-employee",
                      {{"person_office_id", o.person_office_id()},
                       {"type", type},
                       {"entity_id", entity[id_field]}});
  };
  o.ee_role = ee("ROLE", o.role, "office_role_id");
  o.ee_equipment = ee("EQUIPMENT", o.equipment, "office_equipment_id");
  o.ee_work_environment = ee("WORK_ENVIRONMENT", o.work_environment, "office_work_environment_id");
  o.ee_substance = ee("SUBSTANCE", o.substance, "office_substance_id");
  return o;
}

// owned_active and parent_active of a row, as "owned=1 parent=0".
std::string Activity(Engine& engine, std::string_view collection, const std::string& id) {
  auto row = engine.View(collection, id);
  if (!row.ok()) return row.status().ToString();
  return std::string("owned=") + ((*row)["owned_active"].get<bool>() ? "1" : "0") +
         " parent=" + ((*row)["parent_active"].get<bool>() ? "1" : "0");
}

int64_t Visible(Engine& engine, std::string_view collection) {
  auto page = engine.Index(collection);
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? page->total_count : -1;
}

// =============================================================================================
// project
// =============================================================================================

TEST(Project, CreateKeepsTheClientIdLowerCasedAndAppliesDefaults) {
  auto engine = OpenEngine();
  const std::string id = "A1B2C3D4-0000-4000-8000-ABCDEF012345";
  auto created = engine->Create("project", {{"project_id", id},
                                            {"name", "ACME"},
                                            {"country", "IT"},
                                            {"data", {{"erp", "X-1"}, {"sites", {1, 2}}}}});
  ASSERT_OK(created);
  const Json expected = {{"project_id", "a1b2c3d4-0000-4000-8000-abcdef012345"},
                         {"name", "ACME"},
                         {"description", nullptr},
                         {"country", "IT"},
                         {"status", "active"},
                         {"project_type", "safety"},
                         {"data", {{"erp", "X-1"}, {"sites", {1, 2}}}}};
  EXPECT_EQ(*created, Stamped(expected));
  auto viewed = engine->View("project", id);  // any case finds it
  ASSERT_OK(viewed);
  EXPECT_EQ(*viewed, Stamped(expected));
}

TEST(Project, OmittedOrNullIdIsGenerated) {
  auto engine = OpenEngine();
  Json a = MustCreate(*engine, "project", {{"name", "A"}});
  Json b = MustCreate(*engine, "project", {{"project_id", nullptr}, {"name", "B"}});
  EXPECT_TRUE(IsLowerCaseUuid(a["project_id"])) << a.dump();
  EXPECT_TRUE(IsLowerCaseUuid(b["project_id"])) << b.dump();
  EXPECT_NE(a["project_id"], b["project_id"]);
  ASSERT_OK(engine->View("project", Str(a["project_id"])));
}

TEST(Project, EveryBrokenFieldIsReportedAndNothingIsStored) {
  auto engine = OpenEngine();
  auto r = engine->Create("project", {{"project_id", "not-a-uuid"},
                                      {"country", "it"},
                                      {"status", "open"},
                                      {"project_type", "audit"},
                                      {"nickname", "x"},
                                      {"retired_on", "2026-01-01"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{
                "project_id: must be a UUID (8-4-4-4-12 hexadecimal digits)",
                "country: must be an ISO 3166-1 alpha-2 country code: two upper-case letters such "
                "as IT, DE or GB",
                "status: must be one of: active, suspended, pending_delete, deleted",
                "project_type: must be one of: safety, template",
                "nickname: is not a field of project",
                "retired_on: is not a field of project",
                "name: is required",
            }));
  EXPECT_EQ(engine->Index("project")->total_count, 0);
}

TEST(Project, NameIsAtMost50CharactersNotBytesAndNotEmpty) {
  auto engine = OpenEngine();
  const std::string e_grave = "\xc3\xa8";  // two bytes, one character
  ASSERT_OK(engine->Create("project", {{"name", Repeat(e_grave, 50)}}));
  EXPECT_EQ(OnlyFieldError(engine->Create("project", {{"name", Repeat(e_grave, 51)}}).error()),
            "name: must be at most 50 characters");
  EXPECT_EQ(OnlyFieldError(engine->Create("project", {{"name", ""}}).error()),
            "name: must not be empty");
  EXPECT_EQ(OnlyFieldError(engine->Create("project", {{"name", 42}}).error()),
            "name: must be a string");
}

TEST(Project, DuplicateClientIdIsAConflictInAnyCase) {
  auto engine = OpenEngine();
  const std::string id = Uid(7);
  MustCreate(*engine, "project", {{"project_id", id}, {"name", "First"}});
  auto again = engine->Create("project", {{"project_id", Upper(id)}, {"name", "Second"}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict);
  EXPECT_EQ(again.error().message(), "a project with project_id " + id + " already exists");
  EXPECT_EQ(Str((*engine->View("project", id))["name"]), "First");
}

TEST(Project, UpdateChangesOnlyTheGivenFields) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project",
                      {{"name", "ACME"}, {"country", "IT"}, {"description", "Main"}});
  auto updated = engine->Update("project", Str(p["project_id"]),
                                {{"status", "suspended"}, {"description", nullptr}});
  ASSERT_OK(updated);
  Json expected = p;
  expected["status"] = "suspended";
  expected["description"] = nullptr;
  EXPECT_EQ(*updated, expected);
  EXPECT_EQ(*engine->View("project", Str(p["project_id"])), expected);
}

TEST(Project, RefusedUpdateReportsEveryFieldAndChangesNothing) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  const std::string id = Str(p["project_id"]);
  auto r = engine->Update(
      "project", id,
      {{"project_id", Uid(1)}, {"name", nullptr}, {"status", "gone"}, {"owner", "x"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{
                "project_id: cannot be changed",
                "status: must be one of: active, suspended, pending_delete, deleted",
                "owner: is not a field of project",
                "name: is required",
            }));
  EXPECT_EQ(*engine->View("project", id), p);
}

TEST(Project, NullingADefaultedFieldIsAValidationErrorNotAStorageConflict) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  for (const char* field : {"status", "project_type"}) {
    auto r = engine->Update("project", Str(p["project_id"]), {{field, nullptr}});
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().code(), Code::kValidation) << r.error().ToString();
    ASSERT_EQ(r.error().field_errors().size(), 1u) << r.error().ToString();
    EXPECT_EQ(r.error().field_errors()[0].field, field);
  }
  EXPECT_EQ(*engine->View("project", Str(p["project_id"])), p);
}

TEST(Project, UnknownIdIsNotFoundForViewUpdateAndDelete) {
  auto engine = OpenEngine();
  EXPECT_EQ(engine->View("project", Uid(1)).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Update("project", Uid(1), {{"name", "X"}}).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Delete("project", Uid(1), false).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Delete("project", Uid(1), true).error().code(), Code::kNotFound);
}

TEST(Project, CannotBeHistoricizedOrRestored) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  auto h = engine->Historicize("project", Str(p["project_id"]));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code(), Code::kNotFound);
  EXPECT_EQ(h.error().message(), "'project' rows cannot be historicized");
  EXPECT_EQ(engine->Restore("project", Str(p["project_id"])).error().code(), Code::kNotFound);
  EXPECT_EQ(*engine->View("project", Str(p["project_id"])), p);
}

TEST(Project, IndexFiltersNameCaseInsensitivelyAndStatusExactly) {
  auto engine = OpenEngine();
  MustCreate(*engine, "project", {{"project_id", Uid(1)}, {"name", "Acme Italia"}});
  MustCreate(*engine, "project",
             {{"project_id", Uid(2)}, {"name", "Beta"}, {"status", "suspended"}});
  MustCreate(*engine, "project",
             {{"project_id", Uid(3)}, {"name", "ACME Spain"}, {"project_type", "template"}});
  EXPECT_EQ(IndexIds(*engine, "project", "project_id", Filter({{"name", "acme"}})),
            (std::vector<std::string>{Uid(1), Uid(3)}));
  EXPECT_EQ(IndexIds(*engine, "project", "project_id", Filter({{"status", "suspended"}})),
            (std::vector<std::string>{Uid(2)}));
  EXPECT_EQ(IndexIds(*engine, "project", "project_id",
                     Filter({{"project_type", {"safety", "template"}}}, "-name")),
            (std::vector<std::string>{Uid(2), Uid(1), Uid(3)}));  // Beta, Acme Italia, ACME Spain
  auto bad = engine->Index("project", Filter({{"status", "closed"}}));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(OnlyFieldError(bad.error()),
            "filter.status: must be one of: active, suspended, pending_delete, deleted");
}

TEST(Project, DeletePreviewListsTheWholeProjectAndForceLeavesOtherProjectsAlone) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine, "ACME");
  Org other = MakeOrg(*engine, "Other");
  const std::vector<std::string> expected = Concat({
      {RowName("project", o.project_id())},
      Siblings("office", {o.office_a_id(), o.office_b_id()}),
      {RowName("person", o.person_id()), RowName("person-office", o.person_office_id()),
       RowName("role", Str(o.role["office_role_id"])),
       RowName("equipment", Str(o.equipment["office_equipment_id"])),
       RowName("work-environment", Str(o.work_environment["office_work_environment_id"])),
       RowName("substance", Str(o.substance["office_substance_id"]))},
      Siblings("entity-employee", o.entity_employee_ids()),
      {RowName("work-group", o.work_group_id()),
       RowName("work-group-person", o.work_group_person_id())},
  });
  ExpectDeleteRemovesExactly(*engine, "project", o.project_id(), expected);
  EXPECT_EQ(*engine->View("work-group-person", other.work_group_person_id()),
            other.work_group_person);
}

// =============================================================================================
// office
// =============================================================================================

TEST(Office, CreateKeepsTheClientIdAndJoinsTheProject) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}, {"project_type", "template"}});
  const std::string id = "ABCDEF01-2345-4678-9ABC-DEF012345678";
  auto created = engine->Create("office", {{"office_id", id},
                                           {"project_id", p["project_id"]},
                                           {"name", "Head office"},
                                           {"code", "HQ"},
                                           {"country", "IT"},
                                           {"vat", "IT01234567890"}});
  ASSERT_OK(created);
  const Json expected = {{"office_id", "abcdef01-2345-4678-9abc-def012345678"},
                         {"project_id", p["project_id"]},
                         {"name", "Head office"},
                         {"code", "HQ"},
                         {"description", nullptr},
                         {"street", nullptr},
                         {"postal_code", nullptr},
                         {"locality", nullptr},
                         {"region", nullptr},
                         {"country", "IT"},
                         {"tax_code", nullptr},
                         {"vat", "IT01234567890"},
                         {"office_type_icon", "office_default"},
                         {"project_name", "ACME"},
                         {"project_type", "template"},
                         {"retired_on", nullptr},
                         {"owned_active", true},
                         {"parent_active", true}};
  EXPECT_EQ(*created, Stamped(expected));
  EXPECT_EQ(*engine->View("office", id), Stamped(expected));

  Json generated = MustCreate(*engine, "office", {{"project_id", p["project_id"]}, {"name", "B"}});
  EXPECT_TRUE(IsLowerCaseUuid(generated["office_id"])) << generated.dump();
}

TEST(Office, ProjectIsRequiredWellFormedAndMustExist) {
  auto engine = OpenEngine();
  EXPECT_EQ(FieldErrors(engine->Create("office", {{"code", "HQ"}}).error()),
            (std::vector<std::string>{"project_id: is required", "name: is required"}));
  EXPECT_EQ(
      OnlyFieldError(engine->Create("office", {{"project_id", "12345"}, {"name", "HQ"}}).error()),
      "project_id: must be a UUID (8-4-4-4-12 hexadecimal digits)");
  EXPECT_EQ(
      OnlyFieldError(engine->Create("office", {{"project_id", Uid(9)}, {"name", "HQ"}}).error()),
      "project_id: refers to no project with this id");
  EXPECT_EQ(engine->Index("office", WithHistory())->total_count, 0);
}

TEST(Office, LimitsAndEnumsAreCheckedTogether) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  auto r = engine->Create("office", {{"project_id", p["project_id"]},
                                     {"name", Repeat("n", 256)},
                                     {"code", Repeat("c", 46)},
                                     {"locality", Repeat("l", 51)},
                                     {"tax_code", Repeat("t", 31)},
                                     {"country", "ITA"},
                                     {"office_type_icon", "tent"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{
                "name: must be at most 255 characters",
                "code: must be at most 45 characters",
                "locality: must be at most 50 characters",
                "tax_code: must be at most 30 characters",
                "country: must be an ISO 3166-1 alpha-2 country code: two upper-case letters such "
                "as IT, DE or GB",
                "office_type_icon: must be one of: office_default, construction_site",
            }));
  ASSERT_OK(engine->Create("office", {{"project_id", p["project_id"]},
                                      {"name", Repeat("n", 255)},
                                      {"code", Repeat("c", 45)},
                                      {"locality", Repeat("l", 50)},
                                      {"tax_code", Repeat("t", 30)},
                                      {"office_type_icon", "construction_site"}}));
}

TEST(Office, UpdateIsPartialAndTheProjectCannotMove) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json other = MustCreate(*engine, "project", {{"name", "Other"}});
  const std::string id = Str(c.office_a["office_id"]);
  auto updated = engine->Update("office", id, {{"code", "HQ"}, {"locality", "Milano"}});
  ASSERT_OK(updated);
  Json expected = c.office_a;
  expected["code"] = "HQ";
  expected["locality"] = "Milano";
  EXPECT_EQ(*updated, expected);

  auto refused = engine->Update("office", id,
                                {{"office_id", Uid(1)},
                                 {"project_id", other["project_id"]},
                                 {"project_name", "X"},
                                 {"name", ""}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(FieldErrors(refused.error()),
            (std::vector<std::string>{"office_id: cannot be changed",
                                      "project_id: cannot be changed after creation",
                                      "name: must not be empty"}));  // project_name: ignored
  EXPECT_EQ(*engine->View("office", id), expected);
}

TEST(Office, NullingTheIconIsAValidationErrorNotAStorageConflict) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = Str(c.office_a["office_id"]);
  auto r = engine->Update("office", id, {{"office_type_icon", nullptr}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kValidation) << r.error().ToString();
  ASSERT_EQ(r.error().field_errors().size(), 1u) << r.error().ToString();
  EXPECT_EQ(r.error().field_errors()[0].field, "office_type_icon");
  EXPECT_EQ(*engine->View("office", id), c.office_a);
}

TEST(Office, IndexFiltersByProjectAndTextAndSortsByCodeWithIdTiebreak) {
  auto engine = OpenEngine();
  Json p1 = MustCreate(*engine, "project", {{"name", "ACME"}});
  Json p2 = MustCreate(*engine, "project", {{"name", "Beta"}});
  auto office = [&](int n, const Json& p, const char* name, const char* code) {
    MustCreate(
        *engine, "office",
        {{"office_id", Uid(n)}, {"project_id", p["project_id"]}, {"name", name}, {"code", code}});
  };
  office(4, p1, "Milano Office", "B");
  office(2, p1, "Roma office", "A");
  office(3, p1, "Torino", "B");
  office(1, p2, "Beta office", "A");
  EXPECT_EQ(IndexIds(*engine, "office", "office_id", Filter({{"project_id", p1["project_id"]}})),
            (std::vector<std::string>{Uid(2), Uid(3), Uid(4)}));
  EXPECT_EQ(IndexIds(*engine, "office", "office_id", Filter({{"name", "OFFICE"}})),
            (std::vector<std::string>{Uid(1), Uid(2), Uid(4)}));
  EXPECT_EQ(IndexIds(*engine, "office", "office_id", Filter({{"project_name", "bet"}})),
            (std::vector<std::string>{Uid(1)}));
  EXPECT_EQ(IndexIds(*engine, "office", "office_id", Filter(Json::object(), "code")),
            (std::vector<std::string>{Uid(1), Uid(2), Uid(3), Uid(4)}));
  EXPECT_EQ(IndexIds(*engine, "office", "office_id", Filter(Json::object(), "-code")),
            (std::vector<std::string>{Uid(3), Uid(4), Uid(1), Uid(2)}));
}

TEST(Office, DeletePreviewListsEveryRowOfTheOfficeAndForceRemovesExactlyThem) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  // A second person-office in office B must survive.
  Json in_b = MustCreate(*engine, "person-office",
                         {{"person_id", o.person_id()}, {"office_id", o.office_b_id()}});
  const std::vector<std::string> expected = Concat({
      {RowName("office", o.office_a_id()), RowName("person-office", o.person_office_id()),
       RowName("role", Str(o.role["office_role_id"])),
       RowName("equipment", Str(o.equipment["office_equipment_id"])),
       RowName("work-environment", Str(o.work_environment["office_work_environment_id"])),
       RowName("substance", Str(o.substance["office_substance_id"]))},
      Siblings("entity-employee", o.entity_employee_ids()),
      {RowName("work-group", o.work_group_id()),
       RowName("work-group-person", o.work_group_person_id())},
  });
  ExpectDeleteRemovesExactly(*engine, "office", o.office_a_id(), expected);
  EXPECT_EQ(*engine->View("person-office", Str(in_b["person_office_id"])), in_b);
  EXPECT_EQ(*engine->View("person", o.person_id()), o.person);
}

TEST(Office, RetiredOfficeHidesItselfAndEveryRowUnderItUntilRestored) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  auto retired = engine->Historicize("office", o.office_a_id());
  ASSERT_OK(retired);
  EXPECT_EQ((*retired)["retired_on"], "2026-11-22");
  EXPECT_EQ((*retired)["owned_active"], false);
  EXPECT_EQ((*retired)["parent_active"], true);
  EXPECT_EQ(IndexIds(*engine, "office", "office_id"), std::vector<std::string>{o.office_b_id()});
  EXPECT_EQ(engine->Index("office", WithHistory())->total_count, 2);

  struct Row {
    std::string collection, id_field, id;
  };
  const std::vector<Row> under = {
      {"person-office", "person_office_id", o.person_office_id()},
      {"role", "office_role_id", Str(o.role["office_role_id"])},
      {"equipment", "office_equipment_id", Str(o.equipment["office_equipment_id"])},
      {"work-environment", "office_work_environment_id",
       Str(o.work_environment["office_work_environment_id"])},
      {"substance", "office_substance_id", Str(o.substance["office_substance_id"])},
      {"entity-employee", "entity_employee_id", Str(o.ee_role["entity_employee_id"])},
      {"work-group", "work_group_id", o.work_group_id()},
      {"work-group-person", "work_group_person_id", o.work_group_person_id()},
  };
  for (const Row& row : under) {
    EXPECT_EQ(Activity(*engine, row.collection, row.id), "owned=1 parent=0") << row.collection;
    EXPECT_EQ(Visible(*engine, row.collection), 0) << row.collection;
    EXPECT_EQ(IndexIds(*engine, row.collection, row.id_field,
                       WithHistory(Filter({{row.id_field, row.id}}))),
              std::vector<std::string>{row.id})
        << row.collection;
  }
  EXPECT_EQ(Visible(*engine, "person"), 1);  // project-level rows are not under an office

  auto restored = engine->Restore("office", o.office_a_id());
  ASSERT_OK(restored);
  EXPECT_EQ(*restored, o.office_a);
  for (const Row& row : under) {
    EXPECT_EQ(Activity(*engine, row.collection, row.id), "owned=1 parent=1") << row.collection;
  }
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
}

TEST(Office, FutureRetirementKeepsTheOfficeActiveUntilThatDate) {
  TempDir dir;
  const std::string path = dir.File("org.certo");
  std::string office, role;
  {
    auto engine = OpenEngine(path);
    Org o = MakeOrg(*engine);
    office = o.office_a_id();
    role = Str(o.role["office_role_id"]);
    auto retired = engine->Historicize("office", office, Ymd(2026, 12, 1));
    ASSERT_OK(retired);
    EXPECT_EQ((*retired)["retired_on"], "2026-12-01");
    EXPECT_EQ((*retired)["owned_active"], true);
    EXPECT_EQ(Visible(*engine, "office"), 2);
    EXPECT_EQ(Activity(*engine, "role", role), "owned=1 parent=1");
  }
  {
    auto engine = OpenEngine(path, Ymd(2026, 11, 30));
    EXPECT_EQ(Activity(*engine, "office", office), "owned=1 parent=1");
  }
  auto engine = OpenEngine(path, Ymd(2026, 12, 1));
  EXPECT_EQ(Activity(*engine, "office", office), "owned=0 parent=1");
  EXPECT_EQ(Activity(*engine, "role", role), "owned=1 parent=0");
  EXPECT_EQ(Visible(*engine, "office"), 1);
  EXPECT_EQ(Visible(*engine, "role"), 0);
}

TEST(Office, HistoricizeRefusesUnknownIdsAndImpossibleDates) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  EXPECT_EQ(engine->Historicize("office", Uid(1)).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Restore("office", Uid(1)).error().code(), Code::kNotFound);
  auto bad = engine->Historicize("office", Str(c.office_a["office_id"]), Ymd(2026, 2, 30));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(OnlyFieldError(bad.error()),
            "date: must be a real calendar date in the form YYYY-MM-DD");
  EXPECT_EQ(*engine->View("office", Str(c.office_a["office_id"])), c.office_a);
}

// =============================================================================================
// person
// =============================================================================================

TEST(Person, CreateKeepsTheClientIdAndAppliesBooleanDefaults) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  const std::string id = "ABCDEF01-2345-4678-9ABC-DEF012345678";
  auto created = engine->Create("person", {{"person_id", id},
                                           {"project_id", p["project_id"]},
                                           {"first_name", "Grace"},
                                           {"last_name", "Hopper"},
                                           {"code", "E042"},
                                           {"sex", "F"},
                                           {"country", "US"},
                                           {"birth_date", "1906-12-09"},
                                           {"tax_code", "HPPGRC06T49Z404X"}});
  ASSERT_OK(created);
  const Json expected = {{"person_id", "abcdef01-2345-4678-9abc-def012345678"},
                         {"project_id", p["project_id"]},
                         {"code", "E042"},
                         {"first_name", "Grace"},
                         {"last_name", "Hopper"},
                         {"street", nullptr},
                         {"locality", nullptr},
                         {"postal_code", nullptr},
                         {"region", nullptr},
                         {"sex", "F"},
                         {"country", "US"},
                         {"birth_date", "1906-12-09"},
                         {"birth_place", nullptr},
                         {"tax_code", "HPPGRC06T49Z404X"},
                         {"note", nullptr},
                         {"contract_type", nullptr},
                         {"is_employee", 1},
                         {"is_prevention_people", 0},
                         {"entity_id", nullptr},
                         {"related_user", nullptr},
                         {"project_name", "ACME"},
                         {"retired_on", nullptr},
                         {"owned_active", true},
                         {"parent_active", true}};
  EXPECT_EQ(*created, Stamped(expected));
  EXPECT_EQ(*engine->View("person", id), Stamped(expected));

  Json generated = MustCreate(
      *engine, "person",
      {{"project_id", p["project_id"]}, {"first_name", "Ada"}, {"last_name", "Lovelace"}});
  EXPECT_TRUE(IsLowerCaseUuid(generated["person_id"])) << generated.dump();
}

TEST(Person, ProjectAndNamesAreRequiredAndNamesNotEmpty) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  EXPECT_EQ(FieldErrors(engine->Create("person", {{"code", "E1"}}).error()),
            (std::vector<std::string>{"project_id: is required", "first_name: is required",
                                      "last_name: is required"}));
  EXPECT_EQ(FieldErrors(engine
                            ->Create("person", {{"project_id", p["project_id"]},
                                                {"first_name", ""},
                                                {"last_name", nullptr}})
                            .error()),
            (std::vector<std::string>{"first_name: must not be empty", "last_name: is required"}));
}

TEST(Person, TextFieldsAreLimited) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  const std::vector<std::pair<const char*, int>> limits = {
      {"code", 50},         {"first_name", 70},  {"last_name", 70},     {"street", 255},
      {"locality", 50},     {"postal_code", 50}, {"region", 150},       {"sex", 10},
      {"birth_place", 150}, {"tax_code", 30},    {"contract_type", 50}, {"entity_id", 255},
      {"related_user", 50},
  };
  Json too_long = {{"project_id", p["project_id"]}};
  Json at_limit = {{"project_id", p["project_id"]}};
  std::vector<std::string> expected;
  for (const auto& [field, max] : limits) {
    too_long[field] = Repeat("x", max + 1);
    at_limit[field] = Repeat("x", max);
    expected.push_back(std::string(field) + ": must be at most " + std::to_string(max) +
                       " characters");
  }
  EXPECT_EQ(FieldErrors(engine->Create("person", too_long).error()), expected);
  auto ok = engine->Create("person", at_limit);
  ASSERT_OK(ok);
  EXPECT_EQ(Str((*ok)["region"]).size(), 150u);
}

TEST(Person, BirthDateMustBeARealCalendarDate) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  Json base = {{"project_id", p["project_id"]}, {"first_name", "Ada"}, {"last_name", "Rossi"}};
  for (Json bad : {Json("2026-02-30"), Json("2025-02-29"), Json("2026-2-3"), Json("30/01/2026"),
                   Json(20260101)}) {
    Json r = base;
    r["birth_date"] = bad;
    EXPECT_EQ(OnlyFieldError(engine->Create("person", r).error()),
              "birth_date: must be a real calendar date in the form YYYY-MM-DD")
        << bad.dump();
  }
  Json leap = base;
  leap["birth_date"] = "2024-02-29";
  auto ok = engine->Create("person", leap);
  ASSERT_OK(ok);
  EXPECT_EQ((*ok)["birth_date"], "2024-02-29");
}

TEST(Person, BooleansAcceptOnlyZeroOneTrueOrFalse) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  Json base = {{"project_id", p["project_id"]}, {"first_name", "Ada"}, {"last_name", "Rossi"}};
  Json r = base;
  r["is_employee"] = false;
  r["is_prevention_people"] = true;
  auto ok = engine->Create("person", r);
  ASSERT_OK(ok);
  EXPECT_EQ((*ok)["is_employee"], 0);
  EXPECT_EQ((*ok)["is_prevention_people"], 1);
  for (Json bad : {Json("yes"), Json(2), Json("1"), Json(0.5)}) {
    Json b = base;
    b["is_employee"] = bad;
    EXPECT_EQ(OnlyFieldError(engine->Create("person", b).error()),
              "is_employee: must be 0, 1, true or false")
        << bad.dump();
  }
}

TEST(Person, NullingAFlagIsAValidationErrorNotAStorageConflict) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = Str(c.person["person_id"]);
  for (const char* field : {"is_employee", "is_prevention_people"}) {
    auto r = engine->Update("person", id, {{field, nullptr}});
    ASSERT_FALSE(r.ok()) << field;
    EXPECT_EQ(r.error().code(), Code::kValidation) << r.error().ToString();
    ASSERT_EQ(r.error().field_errors().size(), 1u) << r.error().ToString();
    EXPECT_EQ(r.error().field_errors()[0].field, field);
  }
  EXPECT_EQ(*engine->View("person", id), c.person);
}

TEST(Person, CountryMustBeTwoUpperCaseLetters) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  Json base = {{"project_id", p["project_id"]}, {"first_name", "Ada"}, {"last_name", "Rossi"}};
  for (Json bad : {Json("it"), Json("ITA"), Json("I"), Json("I1"), Json(39)}) {
    Json r = base;
    r["country"] = bad;
    EXPECT_EQ(OnlyFieldError(engine->Create("person", r).error()),
              "country: must be an ISO 3166-1 alpha-2 country code: two upper-case letters such as "
              "IT, DE or GB")
        << bad.dump();
  }
}

TEST(Person, ReadOnlyFieldsAreRefusedOnCreateAndIgnoredOnUpdateUnknownOnesAlways) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json r = {{"project_id", c.project["project_id"]},
            {"first_name", "Ada"},
            {"last_name", "Rossi"},
            {"project_name", "X"},
            {"retired_on", "2026-01-01"},
            {"owned_active", false},
            {"parent_active", true},
            {"nickname", "Ady"}};
  const std::vector<std::string> expected = {
      "project_name: is read-only", "retired_on: is read-only", "owned_active: is read-only",
      "parent_active: is read-only", "nickname: is not a field of person"};
  EXPECT_EQ(FieldErrors(engine->Create("person", r).error()), expected);
  const std::string id = Str(c.person["person_id"]);
  EXPECT_EQ(FieldErrors(engine
                            ->Update("person", id,
                                     {{"project_name", "X"},
                                      {"retired_on", "2026-01-01"},
                                      {"owned_active", false},
                                      {"parent_active", true},
                                      {"nickname", "Ady"}})
                            .error()),
            // On update the known read-only fields are ignored (whole records come back).
            std::vector<std::string>{"nickname: is not a field of person"});
  EXPECT_EQ(*engine->View("person", id), c.person);
}

TEST(Person, CodeIsUniqueWithinAProject) {
  auto engine = OpenEngine();
  Company acme = MakeCompany(*engine, "ACME");  // has person E001
  Company beta = MakeCompany(*engine, "Beta");  // also E001: another project
  auto dup = engine->Create("person", {{"project_id", acme.project["project_id"]},
                                       {"first_name", "Bob"},
                                       {"last_name", "Verdi"},
                                       {"code", "E001"}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), Code::kConflict);
  EXPECT_EQ(dup.error().message(),
            "a person with the same project_id and code already exists (person_id " +
                Str(acme.person["person_id"]) + ")");
  // Persons without a code never collide.
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK(engine->Create(
        "person",
        {{"project_id", acme.project["project_id"]}, {"first_name", "No"}, {"last_name", "Code"}}));
  }
  EXPECT_EQ(
      engine->Index("person", Filter({{"project_id", acme.project["project_id"]}}))->total_count,
      3);
}

TEST(Person, UpdateToATakenCodeIsAConflictAndChangesNothing) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json bob = MustCreate(*engine, "person",
                        {{"project_id", c.project["project_id"]},
                         {"first_name", "Bob"},
                         {"last_name", "Verdi"},
                         {"code", "E002"}});
  const std::string id = Str(bob["person_id"]);
  auto r = engine->Update("person", id, {{"code", "E001"}, {"first_name", "Robert"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kConflict);
  EXPECT_EQ(*engine->View("person", id), bob);
  // Keeping one's own code is no conflict.
  ASSERT_OK(engine->Update("person", id, {{"code", "E002"}, {"first_name", "Robert"}}));
}

TEST(Person, DuplicateClientIdIsAConflict) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  auto r = engine->Create("person", {{"person_id", Upper(Str(c.person["person_id"]))},
                                     {"project_id", c.project["project_id"]},
                                     {"first_name", "Bob"},
                                     {"last_name", "Verdi"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code(), Code::kConflict);
  EXPECT_EQ(r.error().message(),
            "a person with person_id " + Str(c.person["person_id"]) + " already exists");
}

TEST(Person, UpdateRefusesIdProjectAndNullNamesAndChangesNothing) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json other = MustCreate(*engine, "project", {{"name", "Other"}});
  const std::string id = Str(c.person["person_id"]);
  auto r = engine->Update("person", id,
                          {{"person_id", Uid(1)},
                           {"project_id", other["project_id"]},
                           {"first_name", nullptr},
                           {"last_name", ""},
                           {"birth_date", "2026-02-30"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{
                "person_id: cannot be changed", "project_id: cannot be changed after creation",
                "birth_date: must be a real calendar date in the form YYYY-MM-DD",
                "first_name: is required", "last_name: must not be empty"}));
  EXPECT_EQ(*engine->View("person", id), c.person);

  auto ok = engine->Update("person", id, {{"note", "Left-handed"}, {"is_employee", false}});
  ASSERT_OK(ok);
  Json expected = c.person;
  expected["note"] = "Left-handed";
  expected["is_employee"] = 0;
  EXPECT_EQ(*ok, expected);
}

TEST(Person, RenamingFlowsIntoTheJoinedFieldsOfItsRows) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  ASSERT_OK(engine->Update("person", o.person_id(),
                           {{"first_name", "Adele"}, {"code", "E100"}, {"tax_code", "TX1"}}));
  auto po = engine->View("person-office", o.person_office_id());
  EXPECT_EQ((*po)["person_first_name"], "Adele");
  EXPECT_EQ((*po)["person_code"], "E100");
  EXPECT_EQ((*po)["person_tax_code"], "TX1");
  for (const std::string& ee : o.entity_employee_ids()) {
    EXPECT_EQ((*engine->View("entity-employee", ee))["person_first_name"], "Adele");
  }
  EXPECT_EQ((*engine->View("work-group-person", o.work_group_person_id()))["person_code"], "E100");
}

TEST(Person, IndexFiltersTextCaseInsensitivelyAndOtherFieldsExactly) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  auto person = [&](int n, const char* first, const char* last, bool employee, Json birth) {
    MustCreate(*engine, "person",
               {{"person_id", Uid(n)},
                {"project_id", p["project_id"]},
                {"first_name", first},
                {"last_name", last},
                {"is_employee", employee},
                {"birth_date", birth}});
  };
  person(1, "Anna", "Rossi", true, "1990-01-01");
  person(2, "Marianna", "Bianchi", false, "1985-05-05");
  person(3, "Luca", "Anelli", true, nullptr);
  auto ids = [&](Json filter) { return IndexIds(*engine, "person", "person_id", Filter(filter)); };
  EXPECT_EQ(ids({{"first_name", "ANNA"}}), (std::vector<std::string>{Uid(1), Uid(2)}));
  EXPECT_EQ(ids({{"last_name", "an"}}), (std::vector<std::string>{Uid(2), Uid(3)}));
  EXPECT_EQ(ids({{"is_employee", true}}), (std::vector<std::string>{Uid(1), Uid(3)}));
  EXPECT_EQ(ids({{"is_employee", 0}}), (std::vector<std::string>{Uid(2)}));
  EXPECT_EQ(ids({{"birth_date", "1990-01-01"}}), (std::vector<std::string>{Uid(1)}));
  EXPECT_EQ(OnlyFieldError(engine->Index("person", Filter({{"birth_date", "1990-01"}})).error()),
            "filter.birth_date: must be a real calendar date in the form YYYY-MM-DD");
  EXPECT_EQ(ids({{"birth_date", nullptr}}), (std::vector<std::string>{Uid(3)}));
  EXPECT_EQ(ids({{"person_id", {Uid(3), Uid(1)}}}), (std::vector<std::string>{Uid(1), Uid(3)}));
  EXPECT_EQ(ids({{"project_name", "acm"}, {"first_name", "luca"}}),
            (std::vector<std::string>{Uid(3)}));
}

TEST(Person, IdFilterMatchesInAnyCaseLikeView) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = Str(c.person["person_id"]);
  ASSERT_OK(engine->View("person", Upper(id)));
  EXPECT_EQ(IndexIds(*engine, "person", "person_id", Filter({{"person_id", Upper(id)}})),
            std::vector<std::string>{id});
}

TEST(Person, SortBreaksTiesByIdInBothDirections) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  auto person = [&](int n, const char* last) {
    MustCreate(*engine, "person",
               {{"person_id", Uid(n)},
                {"project_id", p["project_id"]},
                {"first_name", "X"},
                {"last_name", last}});
  };
  person(3, "Bianchi");
  person(1, "Bianchi");
  person(2, "Abate");
  person(4, "Conti");
  auto sorted = [&](const char* sort) {
    return IndexIds(*engine, "person", "person_id", Filter(Json::object(), sort));
  };
  EXPECT_EQ(sorted(""), (std::vector<std::string>{Uid(1), Uid(2), Uid(3), Uid(4)}));
  EXPECT_EQ(sorted("last_name"), (std::vector<std::string>{Uid(2), Uid(1), Uid(3), Uid(4)}));
  EXPECT_EQ(sorted("-last_name"), (std::vector<std::string>{Uid(4), Uid(1), Uid(3), Uid(2)}));
  EXPECT_EQ(sorted("-person_id"), (std::vector<std::string>{Uid(4), Uid(3), Uid(2), Uid(1)}));
}

TEST(Person, PagingAtTheEdges) {
  auto engine = OpenEngine();
  Json p = MustCreate(*engine, "project", {{"name", "ACME"}});
  auto page = [&](int per_page, int number) {
    Query q;
    q.per_page = per_page;
    q.page = number;
    auto r = engine->Index("person", q);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : Page();
  };
  Page empty = page(2, 1);
  EXPECT_EQ(empty.total_count, 0);
  EXPECT_EQ(empty.page_count, 0);
  EXPECT_TRUE(empty.rows.empty());

  for (int n = 1; n <= 5; ++n) {
    MustCreate(*engine, "person",
               {{"person_id", Uid(n)},
                {"project_id", p["project_id"]},
                {"first_name", "P"},
                {"last_name", std::to_string(n)}});
  }
  Page exact = page(5, 1);
  EXPECT_EQ(IdsOf(exact.rows, "person_id"),
            (std::vector<std::string>{Uid(1), Uid(2), Uid(3), Uid(4), Uid(5)}));
  EXPECT_EQ(exact.page_count, 1);
  EXPECT_EQ(exact.per_page, 5);
  Page after_exact = page(5, 2);
  EXPECT_TRUE(after_exact.rows.empty());
  EXPECT_EQ(after_exact.total_count, 5);
  EXPECT_EQ(after_exact.page_count, 1);
  EXPECT_EQ(after_exact.page, 2);

  EXPECT_EQ(IdsOf(page(2, 2).rows, "person_id"), (std::vector<std::string>{Uid(3), Uid(4)}));
  Page last = page(2, 3);
  EXPECT_EQ(IdsOf(last.rows, "person_id"), std::vector<std::string>{Uid(5)});
  EXPECT_EQ(last.total_count, 5);
  EXPECT_EQ(last.page_count, 3);
  Page past = page(2, 9);
  EXPECT_TRUE(past.rows.empty());
  EXPECT_EQ(past.total_count, 5);
  EXPECT_EQ(past.page_count, 3);
  EXPECT_EQ(past.page, 9);

  Query bad;
  bad.per_page = 0;
  bad.page = 0;
  EXPECT_EQ(FieldErrors(engine->Index("person", bad).error()),
            (std::vector<std::string>{"per-page: must be between 1 and 1000",
                                      "page: must be at least 1"}));
}

TEST(Person, UnknownFilterOrSortIsAValidationErrorNamingIt) {
  auto engine = OpenEngine();
  auto filter = engine->Index("person", Filter({{"nickname", "x"}}));
  ASSERT_FALSE(filter.ok());
  EXPECT_EQ(OnlyFieldError(filter.error()),
            "filter.nickname: is not a filter of person; allowed: person_id, project_id, code, "
            "first_name, last_name, locality, region, sex, country, birth_date, tax_code, "
            "contract_type, is_employee, is_prevention_people, entity_id, related_user, "
            "active_from, project_name, created_at, updated_at, owned_active, parent_active");
  // A field that exists but is not filterable, and an activity filter given no boolean.
  for (const char* key : {"street", "owned_active"}) {
    auto r = engine->Index("person", Filter({{key, "x"}}));
    ASSERT_FALSE(r.ok());
    ASSERT_EQ(r.error().field_errors().size(), 1u);
    EXPECT_EQ(r.error().field_errors()[0].field, std::string("filter.") + key);
  }
  auto sort = engine->Index("person", Filter(Json::object(), "-street"));
  ASSERT_FALSE(sort.ok());
  EXPECT_EQ(OnlyFieldError(sort.error()),
            "sort: cannot sort person by 'street'; allowed: person_id, code, first_name, "
            "last_name, birth_date, tax_code, active_from, project_name, created_at, updated_at "
            "(prefix - for descending)");
}

TEST(Person, RetiredPersonHidesItsOfficeLinksAndTheirRowsUntilRestored) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  auto retired = engine->Historicize("person", o.person_id(), Ymd(2026, 1, 31));
  ASSERT_OK(retired);
  EXPECT_EQ((*retired)["retired_on"], "2026-01-31");
  EXPECT_EQ((*retired)["owned_active"], false);
  EXPECT_EQ(Visible(*engine, "person"), 0);
  EXPECT_EQ(IndexIds(*engine, "person", "person_id", WithHistory()),
            std::vector<std::string>{o.person_id()});
  EXPECT_EQ(Activity(*engine, "person-office", o.person_office_id()), "owned=1 parent=0");
  EXPECT_EQ(Activity(*engine, "work-group-person", o.work_group_person_id()), "owned=1 parent=0");
  for (const std::string& ee : o.entity_employee_ids()) {
    EXPECT_EQ(Activity(*engine, "entity-employee", ee), "owned=1 parent=0");
  }
  EXPECT_EQ(Visible(*engine, "person-office"), 0);
  EXPECT_EQ(Visible(*engine, "entity-employee"), 0);
  EXPECT_EQ(Visible(*engine, "work-group-person"), 0);
  EXPECT_EQ(Visible(*engine, "role"), 1);  // the office's resources are not the person's
  EXPECT_EQ(engine->Index("entity-employee", WithHistory())->total_count, 4);

  ASSERT_OK(engine->Restore("person", o.person_id()));
  EXPECT_EQ(*engine->View("person", o.person_id()), o.person);
  EXPECT_EQ(Visible(*engine, "person-office"), 1);
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
  EXPECT_EQ(Visible(*engine, "work-group-person"), 1);
}

TEST(Person, DeletePreviewListsItsOfficeLinksAndTheirRows) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json in_b = MustCreate(*engine, "person-office",
                         {{"person_id", o.person_id()}, {"office_id", o.office_b_id()}});
  ExpectDeleteRemovesExactly(
      *engine, "person", o.person_id(),
      Concat({{RowName("person", o.person_id())},
              Siblings("person-office", {o.person_office_id(), Str(in_b["person_office_id"])}),
              Siblings("entity-employee", o.entity_employee_ids()),
              {RowName("work-group-person", o.work_group_person_id())}}));
  EXPECT_EQ(*engine->View("role", Str(o.role["office_role_id"])), o.role);
  EXPECT_EQ(*engine->View("work-group", o.work_group_id()), o.work_group);
}

// =============================================================================================
// person-office
// =============================================================================================

TEST(PersonOffice, CreateDerivesTheProjectAndJoinsPersonOfficeAndProject) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json office =
      MustCreate(*engine, "office",
                 {{"project_id", c.project["project_id"]}, {"name", "Depot"}, {"code", "D1"}});
  Json person = MustCreate(*engine, "person",
                           {{"project_id", c.project["project_id"]},
                            {"first_name", "Bob"},
                            {"last_name", "Verdi"},
                            {"code", "E002"},
                            {"tax_code", "VRDBBO"},
                            {"birth_date", "1980-03-04"},
                            {"is_employee", false}});
  const std::string id = "FEDCBA98-7654-4321-8FED-CBA987654321";
  auto created = engine->Create("person-office", {{"person_office_id", id},
                                                  {"person_id", person["person_id"]},
                                                  {"office_id", office["office_id"]}});
  ASSERT_OK(created);
  const Json expected = {{"person_office_id", "fedcba98-7654-4321-8fed-cba987654321"},
                         {"project_id", c.project["project_id"]},
                         {"office_id", office["office_id"]},
                         {"person_id", person["person_id"]},
                         {"person_code", "E002"},
                         {"person_first_name", "Bob"},
                         {"person_last_name", "Verdi"},
                         {"person_tax_code", "VRDBBO"},
                         {"person_birth_date", "1980-03-04"},
                         {"person_is_employee", 0},
                         {"office_code", "D1"},
                         {"office_name", "Depot"},
                         {"project_name", "ACME"},
                         {"retired_on", nullptr},
                         {"owned_active", true},
                         {"parent_active", true}};
  EXPECT_EQ(*created, Stamped(expected, "safety"));
  EXPECT_EQ(*engine->View("person-office", id), Stamped(expected, "safety"));
  EXPECT_TRUE(IsLowerCaseUuid(c.person_office["person_office_id"]));  // generated by MakeCompany
  EXPECT_EQ(c.person_office["project_id"], c.project["project_id"]);
}

TEST(PersonOffice, PersonAndOfficeAreRequired) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  EXPECT_EQ(
      FieldErrors(engine->Create("person-office", {{"person_id", c.person["person_id"]}}).error()),
      (std::vector<std::string>{"office_id: is required"}));
  EXPECT_EQ(
      FieldErrors(engine
                      ->Create("person-office", {{"project_id", c.project["project_id"]},
                                                 {"office_id", c.office_a["office_id"]},
                                                 {"person_id", "ada"}})
                      .error()),
      (std::vector<std::string>{"person_id: must be a UUID (8-4-4-4-12 hexadecimal digits)"}));
}

TEST(PersonOffice, PairIsUniqueButAPersonMayWorkInSeveralOffices) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  auto dup = engine->Create("person-office", {{"person_id", c.person["person_id"]},
                                              {"office_id", c.office_a["office_id"]}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), Code::kConflict);
  EXPECT_EQ(dup.error().message(),
            "a person-office with the same person_id and office_id already exists "
            "(person_office_id " +
                Str(c.person_office["person_office_id"]) + ")");
  ASSERT_OK(engine->Create("person-office", {{"person_id", c.person["person_id"]},
                                             {"office_id", c.office_b["office_id"]}}));
  auto same_id =
      engine->Create("person-office", {{"person_office_id", c.person_office["person_office_id"]},
                                       {"person_id", c.person["person_id"]},
                                       {"office_id", c.office_b["office_id"]}});
  EXPECT_EQ(same_id.error().code(), Code::kConflict);
}

TEST(PersonOffice, ParentsMustExist) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  EXPECT_EQ(FieldErrors(engine
                            ->Create("person-office", {{"project_id", c.project["project_id"]},
                                                       {"office_id", Uid(1)},
                                                       {"person_id", Uid(2)}})
                            .error()),
            (std::vector<std::string>{"office_id: refers to no office with this id",
                                      "person_id: refers to no person with this id"}));
}

TEST(PersonOffice, UnknownOfficeIsReportedWhenTheProjectIsDerivedFromThePerson) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  auto r = engine->Create("person-office",
                          {{"person_id", c.person["person_id"]}, {"office_id", Uid(1)}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{"office_id: refers to no office with this id"}));
}

TEST(PersonOffice, ParentsMustBelongToTheSameProject) {
  auto engine = OpenEngine();
  Company acme = MakeCompany(*engine, "ACME");
  Company beta = MakeCompany(*engine, "Beta");
  // Project derived from the office (Beta): the person is ACME's.
  EXPECT_EQ(
      OnlyFieldError(engine
                         ->Create("person-office", {{"person_id", acme.person["person_id"]},
                                                    {"office_id", beta.office_b["office_id"]}})
                         .error()),
      "person_id: refers to a person of another project");
  // Project given as ACME's: the office is Beta's.
  EXPECT_EQ(
      OnlyFieldError(engine
                         ->Create("person-office", {{"project_id", acme.project["project_id"]},
                                                    {"person_id", acme.person["person_id"]},
                                                    {"office_id", beta.office_b["office_id"]}})
                         .error()),
      "office_id: refers to an office of another project");
}

TEST(PersonOffice, ReferencesCannotBeChangedAndJoinedFieldsAreReadOnly) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = Str(c.person_office["person_office_id"]);
  auto r = engine->Update("person-office", id,
                          {{"office_id", c.office_b["office_id"]},
                           {"person_id", c.person["person_id"]},
                           {"project_id", c.project["project_id"]},
                           {"person_first_name", "Eve"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            // The unchanged references and the joined name, sent back as a whole record, pass.
            (std::vector<std::string>{"office_id: cannot be changed after creation"}));
  EXPECT_EQ(*engine->View("person-office", id), c.person_office);
  auto nothing = engine->Update("person-office", id, Json::object());
  ASSERT_OK(nothing);
  EXPECT_EQ(*nothing, c.person_office);
  EXPECT_EQ(engine->Update("person-office", Uid(1), Json::object()).error().code(),
            Code::kNotFound);
}

TEST(PersonOffice, IndexFiltersByOfficeAndPersonAndSortsByPersonName) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);  // Ada Rossi in A
  Json bob = MustCreate(
      *engine, "person",
      {{"project_id", c.project["project_id"]}, {"first_name", "Bob"}, {"last_name", "Bianchi"}});
  Json bob_a =
      MustCreate(*engine, "person-office",
                 {{"person_id", bob["person_id"]}, {"office_id", c.office_a["office_id"]}});
  Json bob_b =
      MustCreate(*engine, "person-office",
                 {{"person_id", bob["person_id"]}, {"office_id", c.office_b["office_id"]}});
  const std::string ada_a = Str(c.person_office["person_office_id"]);
  auto ids = [&](Json filter, const char* sort = "") {
    return IndexIds(*engine, "person-office", "person_office_id", Filter(filter, sort));
  };
  EXPECT_EQ(ids({{"office_id", c.office_a["office_id"]}}, "person_last_name"),
            (std::vector<std::string>{Str(bob_a["person_office_id"]), ada_a}));
  EXPECT_EQ(ids({{"office_id", c.office_a["office_id"]}}, "-person_last_name"),
            (std::vector<std::string>{ada_a, Str(bob_a["person_office_id"])}));
  EXPECT_EQ(ids({{"person_id", Upper(Str(bob["person_id"]))}, {"office_name", "PLANT"}}),
            (std::vector<std::string>{Str(bob_b["person_office_id"])}));
  EXPECT_EQ(ids({{"person_first_name", "ad"}}), (std::vector<std::string>{ada_a}));
}

TEST(PersonOffice, RetiredLinkHidesItsEntityEmployeesAndWorkGroupRows) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  ASSERT_OK(engine->Historicize("person-office", o.person_office_id()));
  EXPECT_EQ(Activity(*engine, "person-office", o.person_office_id()), "owned=0 parent=1");
  EXPECT_EQ(Visible(*engine, "person-office"), 0);
  EXPECT_EQ(Activity(*engine, "work-group-person", o.work_group_person_id()), "owned=1 parent=0");
  EXPECT_EQ(Visible(*engine, "entity-employee"), 0);
  EXPECT_EQ(Visible(*engine, "work-group-person"), 0);
  EXPECT_EQ(Visible(*engine, "person"), 1);
  EXPECT_EQ(engine->Index("person-office", WithHistory())->total_count, 1);
  ASSERT_OK(engine->Restore("person-office", o.person_office_id()));
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
  EXPECT_EQ(*engine->View("person-office", o.person_office_id()), o.person_office);
}

TEST(PersonOffice, FutureRetirementKeepsTheLinkVisible) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  auto r = engine->Historicize("person-office", o.person_office_id(), Ymd(2026, 11, 23));
  ASSERT_OK(r);
  EXPECT_EQ((*r)["retired_on"], "2026-11-23");
  EXPECT_EQ((*r)["owned_active"], true);
  EXPECT_EQ(Visible(*engine, "person-office"), 1);
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
}

TEST(PersonOffice, DeletePreviewListsItsEntityEmployeesAndWorkGroupRows) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  ExpectDeleteRemovesExactly(*engine, "person-office", o.person_office_id(),
                             Concat({{RowName("person-office", o.person_office_id())},
                                     Siblings("entity-employee", o.entity_employee_ids()),
                                     {RowName("work-group-person", o.work_group_person_id())}}));
  EXPECT_EQ(*engine->View("person", o.person_id()), o.person);
}

// =============================================================================================
// role, equipment, work-environment, substance: the four office resources share one shape
// =============================================================================================

struct ResourceKind {
  const char* collection;
  const char* id_field;
  const char* type;                // entity-employee type that points at it
  std::vector<const char*> extra;  // extra free-text fields, at most 100 characters
};

void PrintTo(const ResourceKind& kind, std::ostream* os) { *os << kind.collection; }

const ResourceKind kResourceKinds[] = {
    {"role", "office_role_id", "ROLE", {}},
    {"equipment", "office_equipment_id", "EQUIPMENT", {"serial", "vendor", "model"}},
    {"work-environment", "office_work_environment_id", "WORK_ENVIRONMENT", {}},
    {"substance", "office_substance_id", "SUBSTANCE", {}},
};

const Json& ResourceOf(const Org& o, std::string_view collection) {
  if (collection == "role") return o.role;
  if (collection == "equipment") return o.equipment;
  if (collection == "work-environment") return o.work_environment;
  return o.substance;
}

const Json& EntityEmployeeOf(const Org& o, std::string_view collection) {
  if (collection == "role") return o.ee_role;
  if (collection == "equipment") return o.ee_equipment;
  if (collection == "work-environment") return o.ee_work_environment;
  return o.ee_substance;
}

class OfficeResource : public ::testing::TestWithParam<ResourceKind> {
 protected:
  const char* collection() const { return GetParam().collection; }
  const char* id_field() const { return GetParam().id_field; }
  std::string IdOf(const Json& row) const { return Str(row[id_field()]); }
};

TEST_P(OfficeResource, CreateKeepsTheClientIdDerivesTheProjectAndJoinsNames) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = "0A1B2C3D-4E5F-4A6B-8C7D-8E9FA0B1C2D3";
  auto created = engine->Create(collection(), {{id_field(), id},
                                               {"office_id", c.office_b["office_id"]},
                                               {"code", "X-1"},
                                               {"name", "Thing"},
                                               {"description", "Long text"}});
  ASSERT_OK(created);
  Json expected = {{id_field(), "0a1b2c3d-4e5f-4a6b-8c7d-8e9fa0b1c2d3"},
                   {"project_id", c.project["project_id"]},
                   {"office_id", c.office_b["office_id"]},
                   {"code", "X-1"},
                   {"name", "Thing"},
                   {"description", "Long text"}};
  for (const char* f : GetParam().extra) expected[f] = nullptr;
  expected["office_name"] = "Plant";
  expected["project_name"] = "ACME";
  expected["retired_on"] = nullptr;
  expected["owned_active"] = true;
  expected["parent_active"] = true;
  EXPECT_EQ(*created, Stamped(expected, "safety"));
  EXPECT_EQ(*engine->View(collection(), id), Stamped(expected, "safety"));

  Json generated =
      MustCreate(*engine, collection(), {{"office_id", c.office_a["office_id"]}, {"name", "B"}});
  EXPECT_TRUE(IsLowerCaseUuid(generated[id_field()])) << generated.dump();
  EXPECT_EQ(generated["project_id"], c.project["project_id"]);

  auto dup = engine->Create(
      collection(), {{id_field(), id}, {"office_id", c.office_a["office_id"]}, {"name", "Again"}});
  EXPECT_EQ(dup.error().code(), Code::kConflict);
}

TEST_P(OfficeResource, OfficeAndNameAreRequired) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  EXPECT_EQ(FieldErrors(engine->Create(collection(), {{"code", "X"}}).error()),
            (std::vector<std::string>{"project_id: is required", "office_id: is required",
                                      "name: is required"}));
  EXPECT_EQ(FieldErrors(
                engine->Create(collection(), {{"office_id", c.office_a["office_id"]}, {"name", ""}})
                    .error()),
            (std::vector<std::string>{"name: must not be empty"}));
  EXPECT_EQ(engine->Index(collection(), WithHistory())->total_count, 0);
}

TEST_P(OfficeResource, TextFieldsAreLimited) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json too_long = {{"project_id", c.project["project_id"]},
                   {"office_id", c.office_a["office_id"]},
                   {"code", Repeat("c", 46)},
                   {"name", Repeat("n", 256)}};
  Json at_limit = {{"office_id", c.office_a["office_id"]},
                   {"code", Repeat("c", 45)},
                   {"name", Repeat("n", 255)}};
  std::vector<std::string> expected = {"code: must be at most 45 characters",
                                       "name: must be at most 255 characters"};
  for (const char* f : GetParam().extra) {
    too_long[f] = Repeat("x", 101);
    at_limit[f] = Repeat("x", 100);
    expected.push_back(std::string(f) + ": must be at most 100 characters");
  }
  EXPECT_EQ(FieldErrors(engine->Create(collection(), too_long).error()), expected);
  ASSERT_OK(engine->Create(collection(), at_limit));
}

TEST_P(OfficeResource, OfficeMustExistAndBelongToTheProject) {
  auto engine = OpenEngine();
  Company acme = MakeCompany(*engine, "ACME");
  Company beta = MakeCompany(*engine, "Beta");
  EXPECT_EQ(FieldErrors(engine
                            ->Create(collection(), {{"project_id", acme.project["project_id"]},
                                                    {"office_id", Uid(1)},
                                                    {"name", "X"}})
                            .error()),
            (std::vector<std::string>{"office_id: refers to no office with this id"}));
  EXPECT_EQ(FieldErrors(engine
                            ->Create(collection(), {{"project_id", beta.project["project_id"]},
                                                    {"office_id", acme.office_a["office_id"]},
                                                    {"name", "X"}})
                            .error()),
            (std::vector<std::string>{"office_id: refers to an office of another project"}));
  EXPECT_EQ(FieldErrors(engine
                            ->Create(collection(), {{"project_id", Uid(2)},
                                                    {"office_id", acme.office_a["office_id"]},
                                                    {"name", "X"}})
                            .error()),
            (std::vector<std::string>{"project_id: refers to no project with this id",
                                      "office_id: refers to an office of another project"}));
  EXPECT_EQ(engine->Index(collection(), WithHistory())->total_count, 0);
}

TEST_P(OfficeResource, UpdateIsPartialAndTheOfficeCannotMove) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const Json& before = ResourceOf(o, collection());
  const std::string id = IdOf(before);
  auto updated = engine->Update(collection(), id, {{"description", "Checked"}, {"code", nullptr}});
  ASSERT_OK(updated);
  Json expected = before;
  expected["description"] = "Checked";
  expected["code"] = nullptr;
  EXPECT_EQ(*updated, expected);

  auto refused = engine->Update(collection(), id,
                                {{"office_id", o.office_b_id()},
                                 {"name", nullptr},
                                 {"office_name", "Plant"},
                                 {"colour", "red"},
                                 {id_field(), Uid(1)}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(FieldErrors(refused.error()),
            (std::vector<std::string>{"office_id: cannot be changed after creation",
                                      "colour: is not a field of " + std::string(collection()),
                                      std::string(id_field()) + ": cannot be changed",
                                      "name: is required"}));
  EXPECT_EQ(*engine->View(collection(), id), expected);
  // The new name shows in the entity-employee that points at it.
  ASSERT_OK(engine->Update(collection(), id, {{"name", "Renamed"}}));
  EXPECT_EQ(
      (*engine->View("entity-employee",
                     Str(EntityEmployeeOf(o, collection())["entity_employee_id"])))["entity_name"],
      "Renamed");
}

TEST_P(OfficeResource, IndexFiltersByOfficeNameAndCodeAndSortsByNameWithIdTiebreak) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  auto make = [&](int n, const Json& office, const char* name, Json code) {
    MustCreate(
        *engine, collection(),
        {{id_field(), Uid(n)}, {"office_id", office["office_id"]}, {"name", name}, {"code", code}});
  };
  make(1, c.office_a, "Beta tool", "k-2");
  make(2, c.office_a, "Alpha", "K-1");
  make(3, c.office_a, "Beta", nullptr);
  make(4, c.office_b, "Gamma", "x");
  make(5, c.office_b, "Beta", "y");
  auto ids = [&](Json filter, const char* sort = "") {
    return IndexIds(*engine, collection(), id_field(), Filter(filter, sort));
  };
  EXPECT_EQ(ids({{"name", "BETA"}}), (std::vector<std::string>{Uid(1), Uid(3), Uid(5)}));
  EXPECT_EQ(ids({{"code", "k-"}}), (std::vector<std::string>{Uid(1), Uid(2)}));
  EXPECT_EQ(ids({{"office_id", c.office_b["office_id"]}}),
            (std::vector<std::string>{Uid(4), Uid(5)}));
  EXPECT_EQ(ids({{"office_name", "plant"}, {"name", "gam"}}), (std::vector<std::string>{Uid(4)}));
  EXPECT_EQ(ids({{"project_id", c.project["project_id"]}}, "name"),
            (std::vector<std::string>{Uid(2), Uid(3), Uid(5), Uid(1), Uid(4)}));
  EXPECT_EQ(ids(Json::object(), "-name"),
            (std::vector<std::string>{Uid(4), Uid(1), Uid(3), Uid(5), Uid(2)}));
  auto bad = engine->Index(collection(), Filter({{"colour", "x"}}));
  ASSERT_FALSE(bad.ok());
  ASSERT_EQ(bad.error().field_errors().size(), 1u);
  EXPECT_EQ(bad.error().field_errors()[0].field, "filter.colour");
  auto bad_sort = engine->Index(collection(), Filter(Json::object(), "office_id"));
  ASSERT_FALSE(bad_sort.ok());
  ASSERT_EQ(bad_sort.error().field_errors().size(), 1u);
  EXPECT_EQ(bad_sort.error().field_errors()[0].field, "sort");
}

TEST_P(OfficeResource, RetiringItHidesItAndOnlyItsOwnEntityEmployeesUntilRestored) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = IdOf(ResourceOf(o, collection()));
  const std::string ee = Str(EntityEmployeeOf(o, collection())["entity_employee_id"]);
  auto retired = engine->Historicize(collection(), id);
  ASSERT_OK(retired);
  EXPECT_EQ((*retired)["owned_active"], false);
  EXPECT_EQ((*retired)["retired_on"], "2026-11-22");
  EXPECT_EQ(Visible(*engine, collection()), 0);
  EXPECT_EQ(IndexIds(*engine, collection(), id_field(), WithHistory()),
            std::vector<std::string>{id});
  EXPECT_EQ(Activity(*engine, "entity-employee", ee), "owned=1 parent=0");
  std::vector<std::string> others;
  for (const std::string& e : o.entity_employee_ids()) {
    if (e == ee) continue;
    EXPECT_EQ(Activity(*engine, "entity-employee", e), "owned=1 parent=1");
    others.push_back(e);
  }
  std::sort(others.begin(), others.end());
  EXPECT_EQ(IndexIds(*engine, "entity-employee", "entity_employee_id"), others);

  auto restored = engine->Restore(collection(), id);
  ASSERT_OK(restored);
  EXPECT_EQ(*restored, ResourceOf(o, collection()));
  EXPECT_EQ(Activity(*engine, "entity-employee", ee), "owned=1 parent=1");
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
}

TEST_P(OfficeResource, FutureRetirementKeepsItActiveAndPastRetirementDoesNot) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = IdOf(ResourceOf(o, collection()));
  auto future = engine->Historicize(collection(), id, Ymd(2027, 1, 1));
  ASSERT_OK(future);
  EXPECT_EQ((*future)["retired_on"], "2027-01-01");
  EXPECT_EQ((*future)["owned_active"], true);
  EXPECT_EQ(Visible(*engine, collection()), 1);
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
  auto past = engine->Historicize(collection(), id, Ymd(2026, 11, 21));
  ASSERT_OK(past);
  EXPECT_EQ((*past)["owned_active"], false);
  EXPECT_EQ(Visible(*engine, collection()), 0);
  EXPECT_EQ(Visible(*engine, "entity-employee"), 3);
}

TEST_P(OfficeResource, DeletePreviewListsOnlyTheEntityEmployeesOfThisResource) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = IdOf(ResourceOf(o, collection()));
  Json bob =
      MustCreate(*engine, "person",
                 {{"project_id", o.project_id()}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  Json bob_a = MustCreate(*engine, "person-office",
                          {{"person_id", bob["person_id"]}, {"office_id", o.office_a_id()}});
  Json bob_ee = MustCreate(*engine, "entity-employee",
                           {{"person_office_id", bob_a["person_office_id"]},
                            {"type", GetParam().type},
                            {"entity_id", id}});
  ExpectDeleteRemovesExactly(
      *engine, collection(), id,
      Concat({{RowName(collection(), id)},
              Siblings("entity-employee",
                       {Str(EntityEmployeeOf(o, collection())["entity_employee_id"]),
                        Str(bob_ee["entity_employee_id"])})}));
  EXPECT_EQ(Visible(*engine, "entity-employee"), 3);
}

TEST_P(OfficeResource, UnknownIdIsNotFoundForEveryOperation) {
  auto engine = OpenEngine();
  EXPECT_EQ(engine->View(collection(), Uid(1)).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Update(collection(), Uid(1), {{"name", "X"}}).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Delete(collection(), Uid(1), false).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Historicize(collection(), Uid(1)).error().code(), Code::kNotFound);
  EXPECT_EQ(engine->Restore(collection(), Uid(1)).error().code(), Code::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Resources, OfficeResource, ::testing::ValuesIn(kResourceKinds),
                         [](const ::testing::TestParamInfo<ResourceKind>& kind) {
                           std::string name = kind.param.collection;
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

TEST(Role, ATooLongCodeIsTheOnlyErrorWhenTheProjectIsDerivable) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  EXPECT_EQ(FieldErrors(engine
                            ->Create("role", {{"office_id", c.office_a["office_id"]},
                                              {"code", Repeat("c", 46)},
                                              {"name", "Welder"}})
                            .error()),
            (std::vector<std::string>{"code: must be at most 45 characters"}));
}

TEST(Equipment, SerialVendorAndModelAreStoredAndSearchable) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  Json forklift = MustCreate(*engine, "equipment",
                             {{"office_id", c.office_a["office_id"]},
                              {"name", "Forklift"},
                              {"serial", "SN-001"},
                              {"vendor", "Linde"},
                              {"model", "E20"}});
  EXPECT_EQ(forklift["serial"], "SN-001");
  EXPECT_EQ(forklift["vendor"], "Linde");
  EXPECT_EQ(forklift["model"], "E20");
  MustCreate(*engine, "equipment",
             {{"office_id", c.office_a["office_id"]}, {"name", "Crane"}, {"vendor", "Liebherr"}});
  EXPECT_EQ(IndexIds(*engine, "equipment", "office_equipment_id", Filter({{"vendor", "LINDE"}})),
            std::vector<std::string>{Str(forklift["office_equipment_id"])});
  EXPECT_EQ(IndexIds(*engine, "equipment", "office_equipment_id", Filter({{"serial", "sn-"}})),
            std::vector<std::string>{Str(forklift["office_equipment_id"])});
}

// =============================================================================================
// entity-employee
// =============================================================================================

TEST(EntityEmployee, CreateDerivesProjectAndOfficeAndJoinsPersonAndEntity) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json bob = MustCreate(*engine, "person",
                        {{"project_id", o.project_id()},
                         {"first_name", "Bob"},
                         {"last_name", "Verdi"},
                         {"code", "E002"}});
  Json bob_a = MustCreate(*engine, "person-office",
                          {{"person_id", bob["person_id"]}, {"office_id", o.office_a_id()}});
  const std::string id = "ABCDEF01-2345-4678-9ABC-DEF012345678";
  auto created = engine->Create("entity-employee", {{"entity_employee_id", id},
                                                    {"person_office_id", bob_a["person_office_id"]},
                                                    {"type", "ROLE"},
                                                    {"entity_id", o.role["office_role_id"]}});
  ASSERT_OK(created);
  const Json expected = {{"entity_employee_id", "abcdef01-2345-4678-9abc-def012345678"},
                         {"project_id", o.project_id()},
                         {"office_id", o.office_a_id()},
                         {"person_office_id", bob_a["person_office_id"]},
                         {"type", "ROLE"},
                         {"entity_id", o.role["office_role_id"]},
                         {"person_id", bob["person_id"]},
                         {"person_code", "E002"},
                         {"person_first_name", "Bob"},
                         {"person_last_name", "Verdi"},
                         {"entity_code", "R1"},
                         {"entity_name", "Welder"},
                         {"office_name", "Head office"},
                         {"project_name", "ACME"},
                         {"retired_on", nullptr},
                         {"owned_active", true},
                         {"parent_active", true}};
  EXPECT_EQ(*created, Stamped(expected));
  EXPECT_EQ(*engine->View("entity-employee", id), Stamped(expected));
  // The entity fields follow the type.
  EXPECT_TRUE(IsLowerCaseUuid(o.ee_equipment["entity_employee_id"]));
  EXPECT_EQ(o.ee_equipment["entity_name"], "Forklift");
  EXPECT_EQ(o.ee_equipment["entity_code"], "EQ1");
  EXPECT_EQ(o.ee_work_environment["entity_name"], "Warehouse");
  EXPECT_EQ(o.ee_work_environment["entity_code"], "WE1");
  EXPECT_EQ(o.ee_substance["entity_name"], "Acetone");
  EXPECT_EQ(o.ee_substance["entity_code"], "SU1");
}

TEST(EntityEmployee, TypeSelectsTheCollectionOfEntityId) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::vector<std::tuple<const char*, Json, const char*>> mismatches = {
      {"ROLE", o.equipment["office_equipment_id"], "role"},
      {"EQUIPMENT", o.work_environment["office_work_environment_id"], "equipment"},
      {"WORK_ENVIRONMENT", o.substance["office_substance_id"], "work-environment"},
      {"SUBSTANCE", o.role["office_role_id"], "substance"},
  };
  for (const auto& [type, entity, collection] : mismatches) {
    EXPECT_EQ(
        OnlyFieldError(engine
                           ->Create("entity-employee", {{"person_office_id", o.person_office_id()},
                                                        {"type", type},
                                                        {"entity_id", entity}})
                           .error()),
        std::string("entity_id: refers to no ") + collection + " with this id")
        << type;
  }
  EXPECT_EQ(engine->Index("entity-employee", WithHistory())->total_count, 4);
}

TEST(EntityEmployee, TypeAndEntityAreRequired) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  EXPECT_EQ(
      FieldErrors(
          engine->Create("entity-employee", {{"person_office_id", o.person_office_id()}}).error()),
      (std::vector<std::string>{"type: is required", "entity_id: is required"}));
  EXPECT_EQ(FieldErrors(engine->Create("entity-employee", {{"type", "ROLE"}}).error()),
            (std::vector<std::string>{"project_id: is required", "office_id: is required",
                                      "person_office_id: is required", "entity_id: is required"}));
}

TEST(EntityEmployee, BadTypeOrEntityIdIsTheOnlyErrorWhenTheScopeIsDerivable) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  EXPECT_EQ(FieldErrors(engine
                            ->Create("entity-employee", {{"person_office_id", o.person_office_id()},
                                                         {"type", "PERSON"},
                                                         {"entity_id", o.role["office_role_id"]}})
                            .error()),
            (std::vector<std::string>{
                "type: must be one of: ROLE, EQUIPMENT, WORK_ENVIRONMENT, SUBSTANCE"}));
  EXPECT_EQ(
      FieldErrors(engine
                      ->Create("entity-employee", {{"person_office_id", o.person_office_id()},
                                                   {"type", "ROLE"},
                                                   {"entity_id", "welder"}})
                      .error()),
      (std::vector<std::string>{"entity_id: must be a UUID (8-4-4-4-12 hexadecimal digits)"}));
}

TEST(EntityEmployee, EntityMustBeInTheOfficeOfThePersonOffice) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  for (const ResourceKind& kind : kResourceKinds) {
    Json in_b = MustCreate(*engine, kind.collection,
                           {{"office_id", o.office_b_id()}, {"name", "Elsewhere"}});
    EXPECT_EQ(
        OnlyFieldError(engine
                           ->Create("entity-employee", {{"person_office_id", o.person_office_id()},
                                                        {"type", kind.type},
                                                        {"entity_id", in_b[kind.id_field]}})
                           .error()),
        std::string("entity_id: refers to ") + (kind.collection[0] == 'e' ? "an " : "a ") +
            kind.collection + " of another office");
  }
  EXPECT_EQ(engine->Index("entity-employee", WithHistory())->total_count, 4);
}

TEST(EntityEmployee, PersonOfficeAndEntityMustShareTheRowsOfficeAndProject) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Org beta = MakeOrg(*engine, "Beta");
  Json role2 = MustCreate(*engine, "role", {{"office_id", o.office_a_id()}, {"name", "Driver"}});
  EXPECT_EQ(
      FieldErrors(engine
                      ->Create("entity-employee", {{"office_id", o.office_b_id()},
                                                   {"person_office_id", o.person_office_id()},
                                                   {"type", "ROLE"},
                                                   {"entity_id", role2["office_role_id"]}})
                      .error()),
      (std::vector<std::string>{"person_office_id: refers to a person-office of another office",
                                "entity_id: refers to a role of another office"}));
  EXPECT_EQ(
      OnlyFieldError(engine
                         ->Create("entity-employee", {{"person_office_id", o.person_office_id()},
                                                      {"type", "ROLE"},
                                                      {"entity_id", beta.role["office_role_id"]}})
                         .error()),
      "entity_id: refers to a role of another project");
  EXPECT_EQ(FieldErrors(engine
                            ->Create("entity-employee", {{"project_id", o.project_id()},
                                                         {"office_id", o.office_a_id()},
                                                         {"person_office_id", Uid(1)},
                                                         {"type", "ROLE"},
                                                         {"entity_id", Uid(2)}})
                            .error()),
            (std::vector<std::string>{"person_office_id: refers to no person-office with this id",
                                      "entity_id: refers to no role with this id"}));
}

TEST(EntityEmployee, PersonAndEntityPairIsUnique) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  auto dup = engine->Create("entity-employee", {{"person_office_id", o.person_office_id()},
                                                {"type", "ROLE"},
                                                {"entity_id", o.role["office_role_id"]}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), Code::kConflict);
  EXPECT_EQ(dup.error().message(),
            "an entity-employee with the same entity_id and person_office_id already exists "
            "(entity_employee_id " +
                Str(o.ee_role["entity_employee_id"]) + ")");
  auto same_id = engine->Create(
      "entity-employee", {{"entity_employee_id", o.ee_role["entity_employee_id"]},
                          {"person_office_id", o.person_office_id()},
                          {"type", "ROLE"},
                          {"entity_id", MustCreate(*engine, "role",
                                                   {{"office_id", o.office_a_id()},
                                                    {"name", "Driver"}})["office_role_id"]}});
  EXPECT_EQ(same_id.error().code(), Code::kConflict);
  EXPECT_EQ(engine->Index("entity-employee", WithHistory())->total_count, 4);
}

TEST(EntityEmployee, TypeAndReferencesCannotBeChangedAfterCreation) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = Str(o.ee_role["entity_employee_id"]);
  auto r = engine->Update("entity-employee", id,
                          {{"type", "EQUIPMENT"},
                           {"entity_id", o.equipment["office_equipment_id"]},
                           {"person_office_id", o.person_office_id()},
                           {"office_id", o.office_a_id()},
                           {"entity_name", "Forklift"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{
                // person_office_id and office_id are the stored ones; entity_name is read-only.
                "type: cannot be changed after creation",
                "entity_id: cannot be changed after creation"}));
  EXPECT_EQ(*engine->View("entity-employee", id), o.ee_role);
}

TEST(EntityEmployee, IndexFiltersByTypeEntityAndPersonAndSortsByEntityName) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json bob =
      MustCreate(*engine, "person",
                 {{"project_id", o.project_id()}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  Json bob_a = MustCreate(*engine, "person-office",
                          {{"person_id", bob["person_id"]}, {"office_id", o.office_a_id()}});
  Json bob_role = MustCreate(*engine, "entity-employee",
                             {{"person_office_id", bob_a["person_office_id"]},
                              {"type", "ROLE"},
                              {"entity_id", o.role["office_role_id"]}});
  const std::string r = Str(o.ee_role["entity_employee_id"]);
  const std::string e = Str(o.ee_equipment["entity_employee_id"]);
  const std::string w = Str(o.ee_work_environment["entity_employee_id"]);
  const std::string s = Str(o.ee_substance["entity_employee_id"]);
  const std::string b = Str(bob_role["entity_employee_id"]);
  auto ids = [&](Json filter, const char* sort = "") {
    return IndexIds(*engine, "entity-employee", "entity_employee_id", Filter(filter, sort));
  };
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  EXPECT_EQ(ids({{"type", "ROLE"}}), sorted({r, b}));
  EXPECT_EQ(ids({{"type", {"EQUIPMENT", "SUBSTANCE"}}}), sorted({e, s}));
  EXPECT_EQ(ids({{"entity_name", "LIFT"}}), std::vector<std::string>{e});
  EXPECT_EQ(ids({{"entity_id", o.role["office_role_id"]}}), sorted({r, b}));
  EXPECT_EQ(ids({{"person_id", bob["person_id"]}}), std::vector<std::string>{b});
  EXPECT_EQ(ids({{"person_last_name", "verd"}}), std::vector<std::string>{b});
  std::vector<std::string> welders = sorted({r, b});
  EXPECT_EQ(ids(Json::object(), "entity_name"),
            (std::vector<std::string>{s, e, w, welders[0], welders[1]}));  // Acetone .. Welder
  EXPECT_EQ(ids(Json::object(), "-entity_name"),
            (std::vector<std::string>{welders[0], welders[1], w, e, s}));
  EXPECT_EQ(OnlyFieldError(engine->Index("entity-employee", Filter({{"type", "PERSON"}})).error()),
            "filter.type: must be one of: ROLE, EQUIPMENT, WORK_ENVIRONMENT, SUBSTANCE");
}

TEST(EntityEmployee, RetiredRowIsHiddenUnlessHistoryAndRestoreBringsItBack) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = Str(o.ee_substance["entity_employee_id"]);
  auto retired = engine->Historicize("entity-employee", id, Ymd(2026, 11, 22));
  ASSERT_OK(retired);
  EXPECT_EQ(Activity(*engine, "entity-employee", id), "owned=0 parent=1");
  EXPECT_EQ(Visible(*engine, "entity-employee"), 3);
  EXPECT_EQ(IndexIds(*engine, "entity-employee", "entity_employee_id",
                     WithHistory(Filter({{"type", "SUBSTANCE"}}))),
            std::vector<std::string>{id});
  EXPECT_EQ(Visible(*engine, "substance"), 1);  // retiring the link leaves the substance
  auto restored = engine->Restore("entity-employee", id);
  ASSERT_OK(restored);
  EXPECT_EQ(*restored, o.ee_substance);
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
}

TEST(EntityEmployee, DeleteRemovesOnlyTheRow) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = Str(o.ee_equipment["entity_employee_id"]);
  ExpectDeleteRemovesExactly(*engine, "entity-employee", id, {RowName("entity-employee", id)});
  EXPECT_EQ(*engine->View("equipment", Str(o.equipment["office_equipment_id"])), o.equipment);
}

// =============================================================================================
// work-group
// =============================================================================================

TEST(WorkGroup, CreateKeepsTheClientIdDerivesTheProjectAndJoinsNames) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  const std::string id = "ABCDEF01-2345-4678-9ABC-DEF012345678";
  auto created = engine->Create("work-group", {{"work_group_id", id},
                                               {"office_id", c.office_b["office_id"]},
                                               {"code", "G1"},
                                               {"name", "Welders"},
                                               {"work_group_type", "HGROUP"}});
  ASSERT_OK(created);
  const Json expected = {{"work_group_id", "abcdef01-2345-4678-9abc-def012345678"},
                         {"project_id", c.project["project_id"]},
                         {"office_id", c.office_b["office_id"]},
                         {"code", "G1"},
                         {"name", "Welders"},
                         {"description", nullptr},
                         {"work_group_type", "HGROUP"},
                         {"office_name", "Plant"},
                         {"project_name", "ACME"},
                         {"retired_on", nullptr},
                         {"owned_active", true},
                         {"parent_active", true}};
  EXPECT_EQ(*created, Stamped(expected, "safety"));
  EXPECT_EQ(*engine->View("work-group", id), Stamped(expected, "safety"));
  Json generated = MustCreate(
      *engine, "work-group",
      {{"office_id", c.office_a["office_id"]}, {"name", "G"}, {"work_group_type", "JOB"}});
  EXPECT_TRUE(IsLowerCaseUuid(generated["work_group_id"])) << generated.dump();
}

TEST(WorkGroup, TypeIsRequiredAndOneOfTheKnownTypes) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  EXPECT_EQ(
      FieldErrors(
          engine->Create("work-group", {{"office_id", c.office_a["office_id"]}, {"name", "G"}})
              .error()),
      (std::vector<std::string>{"work_group_type: is required"}));
  EXPECT_EQ(FieldErrors(engine
                            ->Create("work-group", {{"project_id", c.project["project_id"]},
                                                    {"office_id", c.office_a["office_id"]},
                                                    {"name", "G"},
                                                    {"work_group_type", "TEAM"}})
                            .error()),
            (std::vector<std::string>{"work_group_type: must be one of: JOB, WORK_PLACE, HGROUP"}));
  EXPECT_EQ(FieldErrors(engine
                            ->Create("work-group", {{"project_id", c.project["project_id"]},
                                                    {"office_id", c.office_a["office_id"]},
                                                    {"name", Repeat("n", 256)},
                                                    {"code", Repeat("c", 46)},
                                                    {"work_group_type", "JOB"}})
                            .error()),
            (std::vector<std::string>{"name: must be at most 255 characters",
                                      "code: must be at most 45 characters"}));
}

TEST(WorkGroup, UpdateChangesTheTypeButNotTheOffice) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  auto updated = engine->Update("work-group", o.work_group_id(), {{"work_group_type", "HGROUP"}});
  ASSERT_OK(updated);
  Json expected = o.work_group;
  expected["work_group_type"] = "HGROUP";
  EXPECT_EQ(*updated, expected);
  EXPECT_EQ((*engine->View("work-group-person", o.work_group_person_id()))["work_group_type"],
            "HGROUP");
  auto refused = engine->Update("work-group", o.work_group_id(),
                                {{"office_id", o.office_b_id()}, {"work_group_type", nullptr}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(FieldErrors(refused.error()),
            (std::vector<std::string>{"office_id: cannot be changed after creation",
                                      "work_group_type: is required"}));
  EXPECT_EQ(*engine->View("work-group", o.work_group_id()), expected);
}

TEST(WorkGroup, IndexFiltersByTypeAndSortsByTypeThenId) {
  auto engine = OpenEngine();
  Company c = MakeCompany(*engine);
  auto make = [&](int n, const char* name, const char* type) {
    MustCreate(*engine, "work-group",
               {{"work_group_id", Uid(n)},
                {"office_id", c.office_a["office_id"]},
                {"name", name},
                {"work_group_type", type}});
  };
  make(3, "Night shift", "JOB");
  make(1, "Yard", "WORK_PLACE");
  make(2, "Day shift", "JOB");
  auto ids = [&](Json filter, const char* sort = "") {
    return IndexIds(*engine, "work-group", "work_group_id", Filter(filter, sort));
  };
  EXPECT_EQ(ids({{"work_group_type", "JOB"}}), (std::vector<std::string>{Uid(2), Uid(3)}));
  EXPECT_EQ(ids({{"name", "SHIFT"}}, "-name"), (std::vector<std::string>{Uid(3), Uid(2)}));
  EXPECT_EQ(ids(Json::object(), "work_group_type"),
            (std::vector<std::string>{Uid(2), Uid(3), Uid(1)}));
  EXPECT_EQ(ids(Json::object(), "-work_group_type"),
            (std::vector<std::string>{Uid(1), Uid(2), Uid(3)}));
  EXPECT_EQ(
      OnlyFieldError(engine->Index("work-group", Filter({{"work_group_type", "TEAM"}})).error()),
      "filter.work_group_type: must be one of: JOB, WORK_PLACE, HGROUP");
}

TEST(WorkGroup, RetiredGroupHidesItsMembersUntilRestored) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  ASSERT_OK(engine->Historicize("work-group", o.work_group_id()));
  EXPECT_EQ(Activity(*engine, "work-group", o.work_group_id()), "owned=0 parent=1");
  EXPECT_EQ(Activity(*engine, "work-group-person", o.work_group_person_id()), "owned=1 parent=0");
  EXPECT_EQ(Visible(*engine, "work-group"), 0);
  EXPECT_EQ(Visible(*engine, "work-group-person"), 0);
  EXPECT_EQ(engine->Index("work-group-person", WithHistory())->total_count, 1);
  EXPECT_EQ(Visible(*engine, "person-office"), 1);  // the member's office link stays
  ASSERT_OK(engine->Restore("work-group", o.work_group_id()));
  EXPECT_EQ(Visible(*engine, "work-group-person"), 1);
  EXPECT_EQ(*engine->View("work-group", o.work_group_id()), o.work_group);
}

TEST(WorkGroup, DeletePreviewListsItsMembers) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json bob =
      MustCreate(*engine, "person",
                 {{"project_id", o.project_id()}, {"first_name", "Bob"}, {"last_name", "Verdi"}});
  Json bob_a = MustCreate(*engine, "person-office",
                          {{"person_id", bob["person_id"]}, {"office_id", o.office_a_id()}});
  Json member = MustCreate(
      *engine, "work-group-person",
      {{"work_group_id", o.work_group_id()}, {"person_office_id", bob_a["person_office_id"]}});
  ExpectDeleteRemovesExactly(
      *engine, "work-group", o.work_group_id(),
      Concat({{RowName("work-group", o.work_group_id())},
              Siblings("work-group-person",
                       {o.work_group_person_id(), Str(member["work_group_person_id"])})}));
  EXPECT_EQ(Visible(*engine, "person-office"), 2);
}

// =============================================================================================
// work-group-person
// =============================================================================================

TEST(WorkGroupPerson, CreateDerivesTheScopeFromTheGroupAndJoinsPersonAndGroup) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json group = MustCreate(*engine, "work-group",
                          {{"office_id", o.office_a_id()},
                           {"code", "WG2"},
                           {"name", "Yard"},
                           {"work_group_type", "WORK_PLACE"}});
  const std::string id = "ABCDEF01-2345-4678-9ABC-DEF012345678";
  auto created = engine->Create("work-group-person", {{"work_group_person_id", id},
                                                      {"work_group_id", group["work_group_id"]},
                                                      {"person_office_id", o.person_office_id()},
                                                      {"time_spent_measure", "50%"}});
  ASSERT_OK(created);
  const Json expected = {{"work_group_person_id", "abcdef01-2345-4678-9abc-def012345678"},
                         {"project_id", o.project_id()},
                         {"office_id", o.office_a_id()},
                         {"work_group_id", group["work_group_id"]},
                         {"person_office_id", o.person_office_id()},
                         {"time_spent_measure", "50%"},
                         {"person_id", o.person_id()},
                         {"person_code", "E001"},
                         {"person_first_name", "Ada"},
                         {"person_last_name", "Rossi"},
                         {"work_group_code", "WG2"},
                         {"work_group_name", "Yard"},
                         {"work_group_type", "WORK_PLACE"},
                         {"office_name", "Head office"},
                         {"project_name", "ACME"},
                         {"retired_on", nullptr},
                         {"owned_active", true},
                         {"parent_active", true}};
  EXPECT_EQ(*created, Stamped(expected, "safety"));
  EXPECT_EQ(*engine->View("work-group-person", id), Stamped(expected, "safety"));
  EXPECT_TRUE(IsLowerCaseUuid(o.work_group_person["work_group_person_id"]));
}

TEST(WorkGroupPerson, GroupAndPersonOfficeMustShareTheOffice) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json in_b = MustCreate(*engine, "person-office",
                         {{"person_id", o.person_id()}, {"office_id", o.office_b_id()}});
  // Scope derived from the group (office A): the person-office is B's.
  EXPECT_EQ(OnlyFieldError(
                engine
                    ->Create("work-group-person", {{"work_group_id", o.work_group_id()},
                                                   {"person_office_id", in_b["person_office_id"]}})
                    .error()),
            "person_office_id: refers to a person-office of another office");
  // Office given as B: the group is A's.
  EXPECT_EQ(OnlyFieldError(
                engine
                    ->Create("work-group-person", {{"office_id", o.office_b_id()},
                                                   {"work_group_id", o.work_group_id()},
                                                   {"person_office_id", in_b["person_office_id"]}})
                    .error()),
            "work_group_id: refers to a work-group of another office");
  EXPECT_EQ(engine->Index("work-group-person", WithHistory())->total_count, 1);
}

TEST(WorkGroupPerson, ParentsMustExist) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  EXPECT_EQ(
      FieldErrors(engine
                      ->Create("work-group-person", {{"project_id", o.project_id()},
                                                     {"office_id", o.office_a_id()},
                                                     {"work_group_id", Uid(1)},
                                                     {"person_office_id", Uid(2)}})
                      .error()),
      (std::vector<std::string>{"work_group_id: refers to no work-group with this id",
                                "person_office_id: refers to no person-office with this id"}));
  EXPECT_EQ(
      FieldErrors(engine->Create("work-group-person", Json::object()).error()),
      (std::vector<std::string>{"project_id: is required", "office_id: is required",
                                "work_group_id: is required", "person_office_id: is required"}));
}

TEST(WorkGroupPerson, GroupAndPersonOfficePairIsUnique) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  auto dup = engine->Create("work-group-person", {{"work_group_id", o.work_group_id()},
                                                  {"person_office_id", o.person_office_id()}});
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), Code::kConflict);
  EXPECT_EQ(dup.error().message(),
            "a work-group-person with the same work_group_id and person_office_id already exists "
            "(work_group_person_id " +
                o.work_group_person_id() + ")");
}

TEST(WorkGroupPerson, TimeSpentMeasureIsLimitedAndTheOnlyChangeableField) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = o.work_group_person_id();
  auto updated = engine->Update("work-group-person", id, {{"time_spent_measure", "4h/week"}});
  ASSERT_OK(updated);
  Json expected = o.work_group_person;
  expected["time_spent_measure"] = "4h/week";
  EXPECT_EQ(*updated, expected);
  auto refused = engine->Update("work-group-person", id,
                                {{"time_spent_measure", Repeat("t", 51)},
                                 {"work_group_id", o.work_group_id()},
                                 {"person_office_id", o.person_office_id()},
                                 {"work_group_name", "X"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(FieldErrors(refused.error()),
            // The stored references and the read-only name pass; only the real change is checked.
            (std::vector<std::string>{"time_spent_measure: must be at most 50 characters"}));
  EXPECT_EQ(*engine->View("work-group-person", id), expected);
}

TEST(WorkGroupPerson, IndexFiltersByGroupTypeAndPersonAndSortsByPersonName) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  Json bob =
      MustCreate(*engine, "person",
                 {{"project_id", o.project_id()}, {"first_name", "Bob"}, {"last_name", "Bianchi"}});
  Json bob_a = MustCreate(*engine, "person-office",
                          {{"person_id", bob["person_id"]}, {"office_id", o.office_a_id()}});
  Json yard = MustCreate(
      *engine, "work-group",
      {{"office_id", o.office_a_id()}, {"name", "Yard"}, {"work_group_type", "WORK_PLACE"}});
  Json bob_yard = MustCreate(
      *engine, "work-group-person",
      {{"work_group_id", yard["work_group_id"]}, {"person_office_id", bob_a["person_office_id"]}});
  Json bob_night = MustCreate(
      *engine, "work-group-person",
      {{"work_group_id", o.work_group_id()}, {"person_office_id", bob_a["person_office_id"]}});
  const std::string ada = o.work_group_person_id();
  const std::string by = Str(bob_yard["work_group_person_id"]);
  const std::string bn = Str(bob_night["work_group_person_id"]);
  auto ids = [&](Json filter, const char* sort = "") {
    return IndexIds(*engine, "work-group-person", "work_group_person_id", Filter(filter, sort));
  };
  EXPECT_EQ(ids({{"work_group_type", "WORK_PLACE"}}), std::vector<std::string>{by});
  EXPECT_EQ(ids({{"work_group_id", o.work_group_id()}}, "-person_last_name"),
            (std::vector<std::string>{ada, bn}));
  EXPECT_EQ(ids({{"work_group_id", o.work_group_id()}}, "person_last_name"),
            (std::vector<std::string>{bn, ada}));
  EXPECT_EQ(ids({{"person_id", bob["person_id"]}}, "work_group_name"),
            (std::vector<std::string>{bn, by}));  // Night shift, Yard
  EXPECT_EQ(ids({{"work_group_name", "yar"}, {"person_first_name", "BO"}}),
            std::vector<std::string>{by});
}

TEST(WorkGroupPerson, RetiredRowIsHiddenAndFutureRetirementIsNot) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  const std::string id = o.work_group_person_id();
  auto future = engine->Historicize("work-group-person", id, Ymd(2026, 11, 23));
  ASSERT_OK(future);
  EXPECT_EQ(Activity(*engine, "work-group-person", id), "owned=1 parent=1");
  EXPECT_EQ(Visible(*engine, "work-group-person"), 1);
  ASSERT_OK(engine->Historicize("work-group-person", id));
  EXPECT_EQ((*engine->View("work-group-person", id))["retired_on"], "2026-11-22");
  EXPECT_EQ(Activity(*engine, "work-group-person", id), "owned=0 parent=1");
  EXPECT_EQ(Visible(*engine, "work-group-person"), 0);
  EXPECT_EQ(IndexIds(*engine, "work-group-person", "work_group_person_id", WithHistory()),
            std::vector<std::string>{id});
  ASSERT_OK(engine->Restore("work-group-person", id));
  EXPECT_EQ(*engine->View("work-group-person", id), o.work_group_person);
}

TEST(WorkGroupPerson, DeleteRemovesOnlyTheRow) {
  auto engine = OpenEngine();
  Org o = MakeOrg(*engine);
  ExpectDeleteRemovesExactly(*engine, "work-group-person", o.work_group_person_id(),
                             {RowName("work-group-person", o.work_group_person_id())});
}

// =============================================================================================
// persistence
// =============================================================================================

TEST(OrgPersistence, ReopenAfterCloseKeepsARecordOfEveryCollection) {
  TempDir dir;
  const std::string path = dir.File("org.certo");
  std::vector<std::tuple<std::string, std::string, Json>> records;
  {
    auto engine = OpenEngine(path);
    Org o = MakeOrg(*engine);
    ASSERT_OK(
        engine->Historicize("substance", Str(o.substance["office_substance_id"]), Ymd(2027, 3, 1)));
    records = {
        {"project", o.project_id(), o.project},
        {"office", o.office_a_id(), o.office_a},
        {"person", o.person_id(), o.person},
        {"person-office", o.person_office_id(), o.person_office},
        {"role", Str(o.role["office_role_id"]), o.role},
        {"equipment", Str(o.equipment["office_equipment_id"]), o.equipment},
        {"work-environment", Str(o.work_environment["office_work_environment_id"]),
         o.work_environment},
        {"substance", Str(o.substance["office_substance_id"]),
         *engine->View("substance", Str(o.substance["office_substance_id"]))},
        {"entity-employee", Str(o.ee_role["entity_employee_id"]), o.ee_role},
        {"work-group", o.work_group_id(), o.work_group},
        {"work-group-person", o.work_group_person_id(), o.work_group_person},
    };
  }
  auto engine = OpenEngine(path);
  for (const auto& [collection, id, record] : records) {
    auto again = engine->View(collection, id);
    ASSERT_OK(again);
    EXPECT_EQ(*again, record) << collection;
  }
  EXPECT_EQ((*engine->View("substance", std::get<1>(records[7])))["retired_on"], "2027-03-01");
  EXPECT_EQ(Visible(*engine, "entity-employee"), 4);
}

}  // namespace
}  // namespace certo::testing
