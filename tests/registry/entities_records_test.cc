// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The dated and process records through the C++ API: action, certificate, incident,
// incident-action, incident-person. Create (ids, joined read-only fields), every validation rule
// with its exact message, partial and refused updates, not-found, delete preview and force,
// historicization.

#include <algorithm>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

constexpr const char* kActionId = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
constexpr const char* kCertificateId = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e";
constexpr const char* kIncidentId = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
constexpr const char* kMissingId = "99999999-9999-4999-8999-999999999999";

std::string Str(const Json& row, const char* field) { return row.at(field).get<std::string>(); }

Json Merge(Json base, const Json& extra) {
  for (const auto& [key, value] : extra.items()) base[key] = value;
  return base;
}

// Every field error of a validation failure, as "field: message", in order.
std::vector<std::string> FieldErrors(const Status& status) {
  if (!status.IsValidation()) return {"not a validation error: " + status.ToString()};
  std::vector<std::string> out;
  for (const FieldError& e : status.field_errors()) out.push_back(e.field + ": " + e.message);
  return out;
}

std::string CreateError(Engine& engine, std::string_view collection, const Json& record) {
  auto r = engine.Create(collection, record);
  if (r.ok()) return "created: " + r->dump();
  return OnlyFieldError(r.error());
}

std::string UpdateError(Engine& engine, std::string_view collection, std::string_view id,
                        const Json& changes) {
  auto r = engine.Update(collection, id, changes);
  if (r.ok()) return "updated: " + r->dump();
  return OnlyFieldError(r.error());
}

std::vector<std::string> Ids(const Json& rows, const char* field) {
  std::vector<std::string> ids;
  for (const Json& row : rows) ids.push_back(Str(row, field));
  return ids;
}

// A company and a second, unrelated one, on a fresh engine.
struct World {
  std::unique_ptr<Engine> engine = OpenEngine();
  Company c = MakeCompany(*engine, "ACME");
  Company other = MakeCompany(*engine, "Other Corp");

  std::string OfficeA() const { return Str(c.office_a, "office_id"); }
  std::string OfficeB() const { return Str(c.office_b, "office_id"); }
  std::string ProjectId() const { return Str(c.project, "project_id"); }

  Json ActionInput(const Json& extra = Json::object()) const {
    return Merge({{"tenant_id", ProjectId()},
                  {"subtenant_id", OfficeA()},
                  {"action_type", "TRAINING"},
                  {"name", "Fire safety course"}},
                 extra);
  }
  Json CertificateInput(const Json& extra = Json::object()) const {
    return Merge({{"tenant_id", ProjectId()},
                  {"resource_id", c.person["person_id"]},
                  {"action_type", "TRAINING"},
                  {"name", "Fire safety"},
                  {"date_release", "2026-01-15"}},
                 extra);
  }
  Json IncidentInput(const Json& extra = Json::object()) const {
    return Merge({{"tenant_id", ProjectId()},
                  {"subtenant_id", OfficeA()},
                  {"name", "Slip on wet floor"},
                  {"date_incident", "2026-10-01"}},
                 extra);
  }
  Json Action(const Json& extra = Json::object()) {
    return MustCreate(*engine, "action", ActionInput(extra));
  }
  Json Incident(const Json& extra = Json::object()) {
    return MustCreate(*engine, "incident", IncidentInput(extra));
  }
  Json Certificate(const Json& extra = Json::object()) {
    return MustCreate(*engine, "certificate", CertificateInput(extra));
  }
};

// ---- action ---------------------------------------------------------------------------------

TEST(ActionRecord, CreateKeepsTheClientIdAndReturnsEveryFieldWithJoins) {
  World w;
  Json row = w.Action({{"tenant_id", nullptr},  // implied by the office
                       {"action_id", kActionId},
                       {"code", "FS-01"},
                       {"validity", 2},
                       {"validity_unit", "YEAR"},
                       {"expire_interval", 30},
                       {"manager", {{"user", "ada"}}}});
  Json expected = {{"action_id", kActionId},
                   {"tenant_id", w.ProjectId()},
                   {"subtenant_id", w.OfficeA()},
                   {"action_type", "TRAINING"},
                   {"code", "FS-01"},
                   {"name", "Fire safety course"},
                   {"description", nullptr},
                   {"validity", 2},
                   {"validity_unit", "YEAR"},
                   {"expire_interval", 30},
                   {"manager", {{"user", "ada"}}},
                   {"assignee", nullptr},
                   {"watcher", nullptr},
                   {"data", nullptr},
                   {"office_name", "Head office"},
                   {"project_name", "ACME"},
                   {"project_type", "safety"},
                   {"countSubscribed", 0},
                   {"countValid", 0},
                   {"countExpiring", 0},
                   {"countExpired", 0},
                   {"countNew", 0},
                   {"retired_on", nullptr},
                   {"owned_active", true},
                   {"parent_active", true}};
  EXPECT_EQ(row, Stamped(expected));
  auto viewed = w.engine->View("action", kActionId);
  ASSERT_OK(viewed);
  EXPECT_EQ(*viewed, Stamped(expected));
}

TEST(ActionRecord, CreateGeneratesALowerCaseUuidWhenNoIdIsGiven) {
  World w;
  Json row = w.Action();
  std::string id = Str(row, "action_id");
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '7') << id;  // UUIDv7
  EXPECT_EQ(id, [&] {
    std::string lower = id;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    return lower;
  }());
  EXPECT_NE(Str(w.Action(), "action_id"), id);
}

TEST(ActionRecord, UpperCaseClientIdIsStoredLowerCaseAndFoundEitherWay) {
  World w;
  Json row = w.Action({{"action_id", "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"}});
  EXPECT_EQ(Str(row, "action_id"), kActionId);
  ASSERT_OK(w.engine->View("action", "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"));
}

TEST(ActionRecord, DuplicateClientIdIsAConflict) {
  World w;
  w.Action({{"action_id", kActionId}});
  auto again = w.engine->Create("action", w.ActionInput({{"action_id", kActionId}}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict);
  EXPECT_EQ(again.error().message(),
            std::string("an action with action_id ") + kActionId + " already exists");
}

TEST(ActionRecord, EmptyRecordListsEveryRequiredField) {
  World w;
  auto r = w.engine->Create("action", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{"tenant_id: is required", "subtenant_id: is required",
                                      "action_type: is required", "name: is required"}));
}

TEST(ActionRecord, EmptyNameIsRefused) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"name", ""}})),
            "name: must not be empty");
}

TEST(ActionRecord, ActionTypeMustBeOneOfTheFiveTypes) {
  World w;
  const std::string message =
      "action_type: must be one of: TRAINING, HEALTH, PER, CHECK, MAINTENANCE";
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"action_type", "COURSE"}})), message);
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"action_type", "training"}})),
            message);
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"action_type", 1}})), message);
  for (const char* type : {"TRAINING", "HEALTH", "PER", "CHECK", "MAINTENANCE"}) {
    ASSERT_OK(w.engine->Create("action", w.ActionInput({{"action_type", type}})));
  }
}

TEST(ActionRecord, ValidityUnitMustBeYearMonthOrDay) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity_unit", "WEEK"}})),
            "validity_unit: must be one of: YEAR, MONTH, DAY");
  for (const char* unit : {"YEAR", "MONTH", "DAY"}) {
    ASSERT_OK(
        w.engine->Create("action", w.ActionInput({{"validity", 1}, {"validity_unit", unit}})));
  }
}

TEST(ActionRecord, ValidityIsBetweenOneAndOneThousand) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity", 0}})),
            "validity: must be between 1 and 1000");
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity", 1001}})),
            "validity: must be between 1 and 1000");
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity", "2"}})),
            "validity: must be an integer");
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity", 1.5}})),
            "validity: must be an integer");
  for (int validity : {1, 1000}) {
    auto r = w.engine->Create("action",
                              w.ActionInput({{"validity", validity}, {"validity_unit", "MONTH"}}));
    ASSERT_OK(r);
    EXPECT_EQ((*r)["validity"], validity);
  }
}

// The range error is the only one: validity was given, so "is required with validity_unit"
// would be false.
TEST(ActionRecord, OutOfRangeValidityWithAUnitIsReportedOnce) {
  World w;
  auto r = w.engine->Create("action", w.ActionInput({{"validity", 0}, {"validity_unit", "YEAR"}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{"validity: must be between 1 and 1000"}));
}

TEST(ActionRecord, ExpireIntervalIsBetweenZeroAndThreeThousandSixHundredFifty) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"expire_interval", -1}})),
            "expire_interval: must be between 0 and 3650");
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"expire_interval", 3651}})),
            "expire_interval: must be between 0 and 3650");
  for (int days : {0, 3650}) {
    auto r = w.engine->Create("action", w.ActionInput({{"expire_interval", days}}));
    ASSERT_OK(r);
    EXPECT_EQ((*r)["expire_interval"], days);
  }
}

TEST(ActionRecord, ValidityAndValidityUnitComeTogether) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity", 3}})),
            "validity_unit: is required with validity");
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"validity_unit", "DAY"}})),
            "validity: is required with validity_unit");
  EXPECT_EQ(CreateError(*w.engine, "action",
                        w.ActionInput({{"validity", 3}, {"validity_unit", nullptr}})),
            "validity_unit: is required with validity");
}

TEST(ActionRecord, OfficeOfAnotherProjectIsRefused) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "action",
                        w.ActionInput({{"tenant_id", w.ProjectId()},
                                       {"subtenant_id", w.other.office_a["office_id"]}})),
            "subtenant_id: refers to an office of another project");
  EXPECT_EQ(CreateError(*w.engine, "action", w.ActionInput({{"subtenant_id", kMissingId}})),
            "subtenant_id: refers to no office with this id");
}

TEST(ActionRecord, ActionTypeCannotBeChangedAfterCreation) {
  World w;
  Json action = w.Action();
  EXPECT_EQ(UpdateError(*w.engine, "action", Str(action, "action_id"), {{"action_type", "HEALTH"}}),
            "action_type: cannot be changed after creation");
  EXPECT_EQ(*w.engine->View("action", Str(action, "action_id")), action);
}

TEST(ActionRecord, IdsParentsAndUnknownFieldsAreRefusedOnUpdateReadOnlyOnesIgnored) {
  World w;
  Json action = w.Action();
  auto r = w.engine->Update("action", Str(action, "action_id"),
                            {{"action_id", kActionId},
                             {"office_name", "Elsewhere"},
                             {"owned_active", false},
                             {"colour", "red"},
                             {"subtenant_id", w.OfficeB()}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      FieldErrors(r.error()),
      // office_name and owned_active are read-only: ignored on update, as whole records send them.
      (std::vector<std::string>{"action_id: cannot be changed", "colour: is not a field of action",
                                "subtenant_id: cannot be changed after creation"}));
  EXPECT_EQ(*w.engine->View("action", Str(action, "action_id")), action);
}

TEST(ActionRecord, UpdateIsPartial) {
  World w;
  Json action = w.Action({{"code", "FS-01"}, {"validity", 2}, {"validity_unit", "YEAR"}});
  auto r = w.engine->Update("action", Str(action, "action_id"),
                            {{"name", "Fire safety refresher"}, {"validity", 3}});
  ASSERT_OK(r);
  Json expected = action;
  expected["name"] = "Fire safety refresher";
  expected["validity"] = 3;
  EXPECT_EQ(*r, expected);
  EXPECT_EQ(*w.engine->View("action", Str(action, "action_id")), expected);
}

TEST(ActionRecord, UpdateChecksTheValidityPairOnTheMergedRecord) {
  World w;
  Json action = w.Action({{"validity", 2}, {"validity_unit", "YEAR"}});
  const std::string id = Str(action, "action_id");
  EXPECT_EQ(UpdateError(*w.engine, "action", id, {{"validity", nullptr}}),
            "validity: is required with validity_unit");
  EXPECT_EQ(UpdateError(*w.engine, "action", id, {{"validity_unit", nullptr}}),
            "validity_unit: is required with validity");
  auto cleared =
      w.engine->Update("action", id, {{"validity", nullptr}, {"validity_unit", nullptr}});
  ASSERT_OK(cleared);
  EXPECT_TRUE((*cleared)["validity"].is_null());
  EXPECT_TRUE((*cleared)["validity_unit"].is_null());
}

TEST(ActionRecord, FailedUpdateChangesNothing) {
  World w;
  Json action = w.Action({{"expire_interval", 10}});
  auto r = w.engine->Update("action", Str(action, "action_id"),
                            {{"name", "Renamed"}, {"code", "X"}, {"expire_interval", 5000}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(OnlyFieldError(r.error()), "expire_interval: must be between 0 and 3650");
  EXPECT_EQ(*w.engine->View("action", Str(action, "action_id")), action);
}

TEST(ActionRecord, UnknownIdIsNotFoundForViewUpdateAndDelete) {
  World w;
  const std::string message = std::string("no action with action_id ") + kMissingId;
  auto view = w.engine->View("action", kMissingId);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().code(), Code::kNotFound);
  EXPECT_EQ(view.error().message(), message);
  auto update = w.engine->Update("action", kMissingId, {{"name", "x"}});
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code(), Code::kNotFound);
  EXPECT_EQ(update.error().message(), message);
  for (bool force : {false, true}) {
    auto del = w.engine->Delete("action", kMissingId, force);
    ASSERT_FALSE(del.ok());
    EXPECT_EQ(del.error().code(), Code::kNotFound);
    EXPECT_EQ(del.error().message(), message);
  }
}

TEST(ActionRecord, DeletePreviewListsItsIncidentActionsAndForceRemovesThem) {
  World w;
  Json action = w.Action();
  Json first = w.Incident({{"name", "First"}});
  Json second = w.Incident({{"name", "Second"}});
  Json link1 = MustCreate(
      *w.engine, "incident-action",
      {{"office_incident_id", first["office_incident_id"]}, {"entity_id", action["action_id"]}});
  Json link2 = MustCreate(
      *w.engine, "incident-action",
      {{"office_incident_id", second["office_incident_id"]}, {"entity_id", action["action_id"]}});
  std::vector<std::string> links{Str(link1, "office_incident_action_id"),
                                 Str(link2, "office_incident_action_id")};
  std::sort(links.begin(), links.end());
  const std::vector<RowRef> expected{{"action", Str(action, "action_id")},
                                     {"incident-action", links[0]},
                                     {"incident-action", links[1]}};

  auto preview = w.engine->Delete("action", Str(action, "action_id"), false);
  ASSERT_OK(preview);
  EXPECT_FALSE(preview->forced);
  EXPECT_EQ(preview->rows, expected);
  EXPECT_EQ(w.engine->Index("incident-action")->total_count, 2);

  auto forced = w.engine->Delete("action", Str(action, "action_id"), true);
  ASSERT_OK(forced);
  EXPECT_TRUE(forced->forced);
  EXPECT_EQ(forced->rows, expected);
  EXPECT_EQ(w.engine->View("action", Str(action, "action_id")).status().code(), Code::kNotFound);
  EXPECT_EQ(w.engine->Index("incident-action")->total_count, 0);
  EXPECT_EQ(w.engine->Index("incident")->total_count, 2);
}

TEST(ActionRecord, HistoricizedActionIsHiddenFromIndexUnlessHistory) {
  World w;
  Json kept = w.Action({{"name", "Kept"}});
  Json retired = w.Action({{"name", "Retired"}});
  Json later = w.Action({{"name", "Retires next year"}});
  auto h = w.engine->Historicize("action", Str(retired, "action_id"));
  ASSERT_OK(h);
  EXPECT_EQ((*h)["retired_on"], "2026-11-22");
  EXPECT_EQ((*h)["owned_active"], false);
  ASSERT_OK(w.engine->Historicize("action", Str(later, "action_id"), Ymd(2027, 1, 1)));

  auto active = w.engine->Index("action", Query{.sort = "name"});
  ASSERT_OK(active);
  EXPECT_EQ(Ids(active->rows, "name"), (std::vector<std::string>{"Kept", "Retires next year"}));
  EXPECT_EQ(active->total_count, 2);
  auto all = w.engine->Index("action", Query{.sort = "name", .history = true});
  ASSERT_OK(all);
  EXPECT_EQ(Ids(all->rows, "name"),
            (std::vector<std::string>{"Kept", "Retired", "Retires next year"}));
  ASSERT_OK(w.engine->View("action", Str(retired, "action_id")));

  auto restored = w.engine->Restore("action", Str(retired, "action_id"));
  ASSERT_OK(restored);
  EXPECT_TRUE((*restored)["retired_on"].is_null());
  EXPECT_EQ(w.engine->Index("action")->total_count, 3);
}

TEST(ActionRecord, ActionUnderAHistoricizedOfficeIsHiddenUnlessHistory) {
  World w;
  Json action = w.Action();
  ASSERT_OK(w.engine->Historicize("office", w.OfficeA()));
  EXPECT_EQ((*w.engine->View("action", Str(action, "action_id")))["parent_active"], false);
  EXPECT_EQ(w.engine->Index("action")->total_count, 0);
  EXPECT_EQ(w.engine->Index("action", Query{.history = true})->total_count, 1);
}

// ---- certificate ----------------------------------------------------------------------------

TEST(CertificateRecord, CreateKeepsTheClientIdAndReturnsEveryFieldWithJoins) {
  World w;
  Json row = w.Certificate({{"tenant_id", nullptr},  // implied by the resource
                            {"certificate_id", kCertificateId},
                            {"note", "Classroom, 8 hours"},
                            {"date_expire", "2028-01-15"},
                            {"validity", 2},
                            {"validity_unit", "YEAR"},
                            {"data", {{"hours", 8}}}});
  Json expected = {{"certificate_id", kCertificateId},
                   {"tenant_id", w.ProjectId()},
                   {"resource_id", w.c.person["person_id"]},
                   {"action_type", "TRAINING"},
                   {"name", "Fire safety"},
                   {"note", "Classroom, 8 hours"},
                   {"date_release", "2026-01-15"},
                   {"date_expire", "2028-01-15"},
                   {"validity", 2},
                   {"validity_unit", "YEAR"},
                   {"warning", 0},
                   {"data", {{"hours", 8}}},
                   {"resource_type", "PERSON"},
                   {"resource_name", "Ada Rossi"},
                   {"revoked_on", nullptr},  // not revoked
                   {"revoke_reason", nullptr},
                   {"project_name", "ACME"}};
  EXPECT_EQ(row, Stamped(expected));
  EXPECT_EQ(*w.engine->View("certificate", kCertificateId), Stamped(expected));
}

TEST(CertificateRecord, ResourceTypeAndNameAreJoinedForEveryKindOfResource) {
  World w;
  const std::string office = w.OfficeA();
  Json role = MustCreate(*w.engine, "role", {{"office_id", office}, {"name", "Fire warden"}});
  Json equipment =
      MustCreate(*w.engine, "equipment", {{"office_id", office}, {"name", "Forklift 3"}});
  Json environment =
      MustCreate(*w.engine, "work-environment", {{"office_id", office}, {"name", "Warehouse"}});
  Json substance = MustCreate(*w.engine, "substance", {{"office_id", office}, {"name", "Acetone"}});
  Json group =
      MustCreate(*w.engine, "work-group",
                 {{"office_id", office}, {"name", "Night shift"}, {"work_group_type", "JOB"}});
  struct Case {
    std::string id, type, name;
  };
  const Case cases[] = {
      {Str(w.c.person, "person_id"), "PERSON", "Ada Rossi"},
      {Str(role, "office_role_id"), "ROLE", "Fire warden"},
      {Str(equipment, "office_equipment_id"), "EQUIPMENT", "Forklift 3"},
      {Str(environment, "office_work_environment_id"), "WORK_ENVIRONMENT", "Warehouse"},
      {Str(substance, "office_substance_id"), "SUBSTANCE", "Acetone"},
      {Str(group, "work_group_id"), "WORK_GROUP", "Night shift"},
      {w.OfficeB(), "OFFICE", "Plant"},
  };
  for (const Case& c : cases) {
    // CHECK is the one action type every kind of resource admits.
    Json cert =
        w.Certificate({{"tenant_id", nullptr}, {"resource_id", c.id}, {"action_type", "CHECK"}});
    EXPECT_EQ(cert["tenant_id"], w.ProjectId()) << c.type;
    EXPECT_EQ(cert["resource_id"], c.id) << c.type;
    EXPECT_EQ(cert["resource_type"], c.type);
    EXPECT_EQ(cert["resource_name"], c.name) << c.type;
    EXPECT_EQ(cert["project_name"], "ACME") << c.type;
  }
}

TEST(CertificateRecord, EmptyRecordListsEveryRequiredField) {
  World w;
  auto r = w.engine->Create("certificate", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{"tenant_id: is required", "resource_id: is required",
                                      "action_type: is required", "name: is required",
                                      "date_release: is required"}));
}

TEST(CertificateRecord, EnumsAndDatesAreChecked) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"action_type", "SAFETY"}})),
            "action_type: must be one of: TRAINING, HEALTH, PER, CHECK, MAINTENANCE");
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"validity_unit", "HOUR"}})),
            "validity_unit: must be one of: YEAR, MONTH, DAY");
  EXPECT_EQ(
      CreateError(*w.engine, "certificate", w.CertificateInput({{"date_release", "2026-02-30"}})),
      "date_release: must be a real calendar date in the form YYYY-MM-DD");
  EXPECT_EQ(
      CreateError(*w.engine, "certificate", w.CertificateInput({{"date_expire", "15/01/2027"}})),
      "date_expire: must be a real calendar date in the form YYYY-MM-DD");
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"warning", 2}})),
            "warning: must be 0, 1, true or false");
}

TEST(CertificateRecord, ValidityRangeAndPairRulesApply) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"validity", 1001}})),
            "validity: must be between 1 and 1000");
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"validity", 0}})),
            "validity: must be between 1 and 1000");
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"validity", 12}})),
            "validity_unit: is required with validity");
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"validity_unit", "MONTH"}})),
            "validity: is required with validity_unit");
  ASSERT_OK(w.engine->Create("certificate",
                             w.CertificateInput({{"validity", 1000}, {"validity_unit", "DAY"}})));
}

TEST(CertificateRecord, DateExpireMustNotBeBeforeDateRelease) {
  World w;
  EXPECT_EQ(
      CreateError(*w.engine, "certificate", w.CertificateInput({{"date_expire", "2026-01-14"}})),
      "date_expire: must not be before date_release");
  auto same_day =
      w.engine->Create("certificate", w.CertificateInput({{"date_expire", "2026-01-15"}}));
  ASSERT_OK(same_day);
  EXPECT_EQ(UpdateError(*w.engine, "certificate", Str(*same_day, "certificate_id"),
                        {{"date_release", "2026-01-16"}}),
            "date_expire: must not be before date_release");
}

TEST(CertificateRecord, ResourceMustExistInTheSameProject) {
  World w;
  EXPECT_EQ(
      CreateError(*w.engine, "certificate",
                  w.CertificateInput({{"tenant_id", w.ProjectId()}, {"resource_id", kMissingId}})),
      "resource_id: refers to no person or role or equipment or work-environment or "
      "substance or work-group or office or material-item with this id");
  EXPECT_EQ(CreateError(*w.engine, "certificate",
                        w.CertificateInput({{"tenant_id", w.ProjectId()},
                                            {"resource_id", w.other.person["person_id"]}})),
            "resource_id: refers to a person of another project");
  EXPECT_EQ(CreateError(*w.engine, "certificate",
                        w.CertificateInput({{"tenant_id", w.ProjectId()},
                                            {"resource_id", w.other.office_b["office_id"]}})),
            "resource_id: refers to an office of another project");
  EXPECT_EQ(CreateError(*w.engine, "certificate", w.CertificateInput({{"resource_id", "ada"}})),
            "resource_id: must be a UUID (8-4-4-4-12 hexadecimal digits)");
  EXPECT_EQ(w.engine->Index("certificate")->total_count, 0);
}

TEST(CertificateRecord, ResourceCanMoveToAnotherPersonOfTheSameProject) {
  World w;
  Json cert = w.Certificate({{"action_type", "CHECK"}});
  Json bruno = MustCreate(
      *w.engine, "person",
      {{"project_id", w.ProjectId()}, {"first_name", "Bruno"}, {"last_name", "Bianchi"}});
  auto moved = w.engine->Update("certificate", Str(cert, "certificate_id"),
                                {{"resource_id", bruno["person_id"]}});
  ASSERT_OK(moved);
  EXPECT_EQ((*moved)["resource_id"], bruno["person_id"]);
  EXPECT_EQ((*moved)["resource_type"], "PERSON");
  EXPECT_EQ((*moved)["resource_name"], "Bruno Bianchi");
  EXPECT_EQ((*moved)["name"], cert["name"]);
  EXPECT_EQ((*moved)["date_release"], cert["date_release"]);
  // and on to an office of the same project: the resource kind may change too, to one the
  // certificate's action type admits
  auto to_office =
      w.engine->Update("certificate", Str(cert, "certificate_id"), {{"resource_id", w.OfficeB()}});
  ASSERT_OK(to_office);
  EXPECT_EQ((*to_office)["resource_type"], "OFFICE");
  EXPECT_EQ((*to_office)["resource_name"], "Plant");
}

TEST(CertificateRecord, ResourceCannotMoveToAnotherProjectsPerson) {
  World w;
  Json cert = w.Certificate();
  EXPECT_EQ(UpdateError(*w.engine, "certificate", Str(cert, "certificate_id"),
                        {{"resource_id", w.other.person["person_id"]}}),
            "resource_id: refers to a person of another project");
  EXPECT_EQ(UpdateError(*w.engine, "certificate", Str(cert, "certificate_id"),
                        {{"resource_id", kMissingId}}),
            "resource_id: refers to no person or role or equipment or work-environment or "
            "substance or work-group or office or material-item with this id");
  EXPECT_EQ(*w.engine->View("certificate", Str(cert, "certificate_id")), cert);
}

TEST(CertificateRecord, UpdateIsPartialAndTenantIsImmutable) {
  World w;
  Json cert = w.Certificate({{"note", "first"}});
  auto r = w.engine->Update("certificate", Str(cert, "certificate_id"),
                            {{"date_expire", "2027-01-15"}, {"warning", true}});
  ASSERT_OK(r);
  Json expected = cert;
  expected["date_expire"] = "2027-01-15";
  expected["warning"] = 1;
  EXPECT_EQ(*r, expected);
  EXPECT_EQ(UpdateError(*w.engine, "certificate", Str(cert, "certificate_id"),
                        {{"tenant_id", w.other.project["project_id"]}}),
            "tenant_id: cannot be changed after creation");
  ASSERT_OK(w.engine->Update("certificate", Str(cert, "certificate_id"),
                             {{"resource_type", "ROLE"}}));  // read-only: ignored
  EXPECT_EQ(*w.engine->View("certificate", Str(cert, "certificate_id")), expected);
}

TEST(CertificateRecord, CannotBeHistoricizedOrRestored) {
  World w;
  Json cert = w.Certificate();
  auto h = w.engine->Historicize("certificate", Str(cert, "certificate_id"));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code(), Code::kNotFound);
  EXPECT_EQ(h.error().message(), "'certificate' rows cannot be historicized");
  EXPECT_EQ(w.engine->Restore("certificate", Str(cert, "certificate_id")).status().code(),
            Code::kNotFound);
  EXPECT_FALSE(w.engine->View("certificate", Str(cert, "certificate_id"))->contains("retired_on"));
}

TEST(CertificateRecord, StaysVisibleWhenItsPersonIsHistoricized) {
  World w;
  Json cert = w.Certificate();
  ASSERT_OK(w.engine->Historicize("person", Str(w.c.person, "person_id")));
  auto page = w.engine->Index("certificate");
  ASSERT_OK(page);
  EXPECT_EQ(Ids(page->rows, "certificate_id"),
            (std::vector<std::string>{Str(cert, "certificate_id")}));
}

TEST(CertificateRecord, UnknownIdIsNotFound) {
  World w;
  EXPECT_EQ(w.engine->View("certificate", kMissingId).status().code(), Code::kNotFound);
  EXPECT_EQ(w.engine->Update("certificate", kMissingId, {{"name", "x"}}).status().code(),
            Code::kNotFound);
  auto del = w.engine->Delete("certificate", kMissingId, true);
  ASSERT_FALSE(del.ok());
  EXPECT_EQ(del.error().message(), std::string("no certificate with certificate_id ") + kMissingId);
}

// ---- incident -------------------------------------------------------------------------------

TEST(IncidentRecord, CreateKeepsTheClientIdAndReturnsEveryFieldWithJoins) {
  World w;
  Json row = w.Incident({{"tenant_id", nullptr},  // implied by the office
                         {"office_incident_id", kIncidentId},
                         {"code", "INC-7"},
                         {"category", "ACCIDENTS"},
                         {"deponent", "Bruno"},
                         {"watcher", Json::array({"ada"})}});
  Json expected = {{"office_incident_id", kIncidentId},
                   {"tenant_id", w.ProjectId()},
                   {"subtenant_id", w.OfficeA()},
                   {"code", "INC-7"},
                   {"name", "Slip on wet floor"},
                   {"date_incident", "2026-10-01"},
                   {"category", "ACCIDENTS"},
                   {"description_event", nullptr},
                   {"description_actions_involved", nullptr},
                   {"deponent", "Bruno"},
                   {"manager", nullptr},
                   {"assignee", nullptr},
                   {"watcher", Json::array({"ada"})},
                   {"status", "new"},
                   {"date_closed", nullptr},
                   {"external_reference_id", nullptr},
                   {"office_name", "Head office"},
                   {"project_name", "ACME"},
                   {"totInvolvedPerson", 0},
                   {"totSicknessDays", 0}};
  EXPECT_EQ(row, Stamped(expected, "safety"));
  EXPECT_EQ(*w.engine->View("incident", kIncidentId), Stamped(expected, "safety"));
}

TEST(IncidentRecord, TotalsCountInvolvedPersonsAndSumTheirSicknessDays) {
  World w;
  Json incident = w.Incident();
  const std::string id = Str(incident, "office_incident_id");
  const std::string office = w.OfficeA();
  const std::string project = w.ProjectId();
  std::vector<Json> person_offices{w.c.person_office};
  for (const char* name : {"Bruno", "Carla"}) {
    Json p = MustCreate(*w.engine, "person",
                        {{"project_id", project}, {"first_name", name}, {"last_name", "X"}});
    person_offices.push_back(MustCreate(*w.engine, "person-office",
                                        {{"person_id", p["person_id"]}, {"office_id", office}}));
  }
  const Json days[] = {3, 5, nullptr};
  for (int i = 0; i < 3; ++i) {
    MustCreate(*w.engine, "incident-person",
               {{"office_incident_id", id},
                {"person_office_id", person_offices[i]["person_office_id"]},
                {"days", days[i]}});
  }
  Json other_incident = w.Incident({{"name", "Other"}});
  MustCreate(*w.engine, "incident-person",
             {{"office_incident_id", other_incident["office_incident_id"]},
              {"person_office_id", w.c.person_office["person_office_id"]},
              {"days", 40}});
  auto viewed = w.engine->View("incident", id);
  ASSERT_OK(viewed);
  EXPECT_EQ((*viewed)["totInvolvedPerson"], 3);
  EXPECT_EQ((*viewed)["totSicknessDays"], 8);
  EXPECT_EQ(
      (*w.engine->View("incident", Str(other_incident, "office_incident_id")))["totSicknessDays"],
      40);
}

TEST(IncidentRecord, EmptyRecordListsEveryRequiredField) {
  World w;
  auto r = w.engine->Create("incident", Json::object());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()),
            (std::vector<std::string>{"tenant_id: is required", "subtenant_id: is required",
                                      "name: is required", "date_incident: is required"}));
}

TEST(IncidentRecord, CategoryAndStatusMustBeOfTheirEnums) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "incident", w.IncidentInput({{"category", "FIRE"}})),
            "category: must be one of: NON_COMPLIANCE, ACCIDENTS, ACCIDENTS_AND_MISSED_INJURIES, "
            "REPORT_MALFUNCTION, REPORT_FAILURE, REQUEST_INSPECTION, REQUEST_MAINTENANCE, "
            "REQUEST_REPLACEMENT, REQUEST_INTERVENTION");
  EXPECT_EQ(CreateError(*w.engine, "incident", w.IncidentInput({{"status", "CLOSED"}})),
            "status: must be one of: new, open, closed");
  auto open = w.engine->Create(
      "incident", w.IncidentInput({{"status", "open"}, {"category", "REQUEST_INTERVENTION"}}));
  ASSERT_OK(open);
  EXPECT_EQ((*open)["status"], "open");
}

TEST(IncidentRecord, ClosedIncidentNeedsDateClosed) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "incident", w.IncidentInput({{"status", "closed"}})),
            "date_closed: is required when status is closed");
  auto closed = w.engine->Create(
      "incident", w.IncidentInput({{"status", "closed"}, {"date_closed", "2026-10-20"}}));
  ASSERT_OK(closed);
  EXPECT_EQ((*closed)["date_closed"], "2026-10-20");
}

TEST(IncidentRecord, DateClosedMustBeEmptyUnlessClosed) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "incident", w.IncidentInput({{"date_closed", "2026-10-20"}})),
            "date_closed: must be empty unless status is closed");
  EXPECT_EQ(CreateError(*w.engine, "incident",
                        w.IncidentInput({{"status", "open"}, {"date_closed", "2026-10-20"}})),
            "date_closed: must be empty unless status is closed");
}

TEST(IncidentRecord, DateClosedMustNotBeBeforeDateIncident) {
  World w;
  EXPECT_EQ(CreateError(*w.engine, "incident",
                        w.IncidentInput({{"status", "closed"}, {"date_closed", "2026-09-30"}})),
            "date_closed: must not be before date_incident");
  ASSERT_OK(w.engine->Create(
      "incident", w.IncidentInput({{"status", "closed"}, {"date_closed", "2026-10-01"}})));
}

TEST(IncidentRecord, ClosingAndReopeningByUpdateFollowTheRules) {
  World w;
  Json incident = w.Incident();
  const std::string id = Str(incident, "office_incident_id");
  EXPECT_EQ(UpdateError(*w.engine, "incident", id, {{"status", "closed"}}),
            "date_closed: is required when status is closed");
  EXPECT_EQ(
      UpdateError(*w.engine, "incident", id, {{"status", "closed"}, {"date_closed", "2026-09-01"}}),
      "date_closed: must not be before date_incident");
  EXPECT_EQ(*w.engine->View("incident", id), incident);
  auto closed =
      w.engine->Update("incident", id, {{"status", "closed"}, {"date_closed", "2026-10-05"}});
  ASSERT_OK(closed);
  EXPECT_EQ((*closed)["status"], "closed");
  EXPECT_EQ(UpdateError(*w.engine, "incident", id, {{"status", "open"}}),
            "date_closed: must be empty unless status is closed");
  EXPECT_EQ(UpdateError(*w.engine, "incident", id, {{"date_incident", "2026-10-06"}}),
            "date_closed: must not be before date_incident");
  auto reopened = w.engine->Update("incident", id, {{"status", "open"}, {"date_closed", nullptr}});
  ASSERT_OK(reopened);
  EXPECT_EQ((*reopened)["status"], "open");
  EXPECT_TRUE((*reopened)["date_closed"].is_null());
  EXPECT_EQ((*reopened)["name"], incident["name"]);
}

TEST(IncidentRecord, CannotBeHistoricized) {
  World w;
  Json incident = w.Incident();
  auto h = w.engine->Historicize("incident", Str(incident, "office_incident_id"));
  ASSERT_FALSE(h.ok());
  EXPECT_EQ(h.error().code(), Code::kNotFound);
  EXPECT_EQ(h.error().message(), "'incident' rows cannot be historicized");
  EXPECT_EQ(*w.engine->View("incident", Str(incident, "office_incident_id")), incident);
}

TEST(IncidentRecord, DeletePreviewListsIncidentActionsThenIncidentPersons) {
  World w;
  Json incident = w.Incident();
  const std::string id = Str(incident, "office_incident_id");
  Json action = w.Action();
  Json link = MustCreate(*w.engine, "incident-action",
                         {{"office_incident_id", id}, {"entity_id", action["action_id"]}});
  Json involved = MustCreate(*w.engine, "incident-person",
                             {{"office_incident_id", id},
                              {"person_office_id", w.c.person_office["person_office_id"]},
                              {"days", 2}});
  const std::vector<RowRef> expected{
      {"incident", id},
      {"incident-action", Str(link, "office_incident_action_id")},
      {"incident-person", Str(involved, "office_incident_person_id")}};
  auto preview = w.engine->Delete("incident", id, false);
  ASSERT_OK(preview);
  EXPECT_FALSE(preview->forced);
  EXPECT_EQ(preview->rows, expected);
  ASSERT_OK(w.engine->View("incident-person", Str(involved, "office_incident_person_id")));

  auto forced = w.engine->Delete("incident", id, true);
  ASSERT_OK(forced);
  EXPECT_EQ(forced->rows, expected);
  for (const RowRef& row : expected) {
    EXPECT_EQ(w.engine->View(row.collection, row.id).status().code(), Code::kNotFound)
        << row.collection;
  }
  ASSERT_OK(w.engine->View("action", Str(action, "action_id")));
  ASSERT_OK(w.engine->View("person-office", Str(w.c.person_office, "person_office_id")));
}

// ---- incident-action ------------------------------------------------------------------------

TEST(IncidentActionRecord, CreateDerivesScopeAndJoinsActionAndIncident) {
  World w;
  Json action = w.Action({{"code", "FS-01"}, {"action_type", "CHECK"}});
  Json incident = w.Incident({{"code", "INC-1"}, {"category", "NON_COMPLIANCE"}});
  const std::string link_id = "3d4e5f6a-7b8c-4d9e-8f0a-1b2c3d4e5f6a";
  Json row = MustCreate(*w.engine, "incident-action",
                        {{"office_incident_action_id", link_id},
                         {"office_incident_id", incident["office_incident_id"]},
                         {"entity_id", action["action_id"]},
                         {"description", "Dry the floor"}});
  // The field order of the 4hse document.
  Json expected = {{"office_incident_action_id", link_id},
                   {"office_incident_id", incident["office_incident_id"]},
                   {"entity_type", "ACTION"},
                   {"entity_id", action["action_id"]},
                   {"description", "Dry the floor"},
                   {"subtenant_id", w.OfficeA()},
                   {"tenant_id", w.ProjectId()},
                   {"action_code", "FS-01"},
                   {"action_name", "Fire safety course"},
                   {"action_type", "CHECK"},
                   {"incident_code", "INC-1"},
                   {"incident_name", "Slip on wet floor"},
                   {"incident_date", "2026-10-01"},
                   {"incident_category", "NON_COMPLIANCE"},
                   {"incident_status", "new"},
                   {"office_name", "Head office"},
                   {"project_name", "ACME"}};
  EXPECT_EQ(row, Stamped(expected, "safety"));
  EXPECT_EQ(*w.engine->View("incident-action", link_id), Stamped(expected, "safety"));
}

TEST(IncidentActionRecord, RequiresIncidentAndActionAndOnlyTheActionEntityType) {
  World w;
  auto r = w.engine->Create("incident-action", {{"subtenant_id", w.OfficeA()}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(FieldErrors(r.error()), (std::vector<std::string>{"office_incident_id: is required",
                                                              "entity_id: is required"}));
  Json incident = w.Incident();
  Json action = w.Action();
  EXPECT_EQ(CreateError(*w.engine, "incident-action",
                        {{"tenant_id", w.ProjectId()},
                         {"subtenant_id", w.OfficeA()},
                         {"office_incident_id", incident["office_incident_id"]},
                         {"entity_id", action["action_id"]},
                         {"entity_type", "CERTIFICATE"}}),
            "entity_type: must be one of: ACTION");
}

TEST(IncidentActionRecord, ActionOfAnotherProjectIsRefused) {
  World w;
  Json incident = w.Incident();
  Json foreign = MustCreate(*w.engine, "action",
                            {{"subtenant_id", w.other.office_a["office_id"]},
                             {"action_type", "CHECK"},
                             {"name", "Their check"}});
  EXPECT_EQ(CreateError(*w.engine, "incident-action",
                        {{"office_incident_id", incident["office_incident_id"]},
                         {"entity_id", foreign["action_id"]}}),
            "entity_id: refers to an action of another project");
  EXPECT_EQ(CreateError(*w.engine, "incident-action",
                        {{"office_incident_id", incident["office_incident_id"]},
                         {"entity_id", kMissingId}}),
            "entity_id: refers to no action with this id");
}

TEST(IncidentActionRecord, IncidentOfAnotherProjectOrOfficeIsRefused) {
  World w;
  Json action = w.Action();
  Json foreign = MustCreate(*w.engine, "incident",
                            {{"subtenant_id", w.other.office_a["office_id"]},
                             {"name", "Their incident"},
                             {"date_incident", "2026-10-02"}});
  EXPECT_EQ(CreateError(*w.engine, "incident-action",
                        {{"tenant_id", w.ProjectId()},
                         {"subtenant_id", w.OfficeA()},
                         {"office_incident_id", foreign["office_incident_id"]},
                         {"entity_id", action["action_id"]}}),
            "office_incident_id: refers to an incident of another project");
  Json in_plant = w.Incident({{"subtenant_id", w.OfficeB()}});
  EXPECT_EQ(CreateError(*w.engine, "incident-action",
                        {{"subtenant_id", w.OfficeA()},
                         {"office_incident_id", in_plant["office_incident_id"]},
                         {"entity_id", action["action_id"]}}),
            "office_incident_id: refers to an incident of another office");
  EXPECT_EQ(w.engine->Index("incident-action")->total_count, 0);
}

TEST(IncidentActionRecord, SamePairTwiceIsAConflict) {
  World w;
  Json incident = w.Incident();
  Json action = w.Action();
  Json first = MustCreate(
      *w.engine, "incident-action",
      {{"office_incident_id", incident["office_incident_id"]}, {"entity_id", action["action_id"]}});
  auto again =
      w.engine->Create("incident-action", {{"office_incident_id", incident["office_incident_id"]},
                                           {"entity_id", action["action_id"]},
                                           {"description", "again"}});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict);
  EXPECT_EQ(again.error().message(),
            "an incident-action with the same office_incident_id and entity_id already exists "
            "(office_incident_action_id " +
                Str(first, "office_incident_action_id") + ")");
  EXPECT_EQ(w.engine->Index("incident-action")->total_count, 1);
}

TEST(IncidentActionRecord, ParentsAreImmutableDescriptionIsNot) {
  World w;
  Json incident = w.Incident();
  Json action = w.Action();
  Json other_action = w.Action({{"name", "Other"}});
  Json link = MustCreate(
      *w.engine, "incident-action",
      {{"office_incident_id", incident["office_incident_id"]}, {"entity_id", action["action_id"]}});
  const std::string id = Str(link, "office_incident_action_id");
  EXPECT_EQ(
      UpdateError(*w.engine, "incident-action", id, {{"entity_id", other_action["action_id"]}}),
      "entity_id: cannot be changed after creation");
  ASSERT_OK(w.engine->Update("incident-action", id, {{"action_name", "Other"}}));  // ignored
  EXPECT_EQ((*w.engine->View("incident-action", id))["action_name"], action["name"]);
  auto r = w.engine->Update("incident-action", id, {{"description", "Done"}});
  ASSERT_OK(r);
  EXPECT_EQ((*r)["description"], "Done");
  EXPECT_EQ((*r)["entity_id"], action["action_id"]);
  EXPECT_EQ(w.engine->Historicize("incident-action", id).status().code(), Code::kNotFound);
}

// ---- incident-person ------------------------------------------------------------------------

TEST(IncidentPersonRecord, CreateDerivesScopeAndJoinsPersonAndIncident) {
  World w;
  Json incident = w.Incident();
  const std::string id = "4e5f6a7b-8c9d-4e0f-9a1b-2c3d4e5f6a7b";
  Json row = MustCreate(*w.engine, "incident-person",
                        {{"office_incident_person_id", id},
                         {"office_incident_id", incident["office_incident_id"]},
                         {"person_office_id", w.c.person_office["person_office_id"]},
                         {"code", "W1"},
                         {"days", 12}});
  Json expected = {{"office_incident_person_id", id},
                   {"tenant_id", w.ProjectId()},
                   {"subtenant_id", w.OfficeA()},
                   {"office_incident_id", incident["office_incident_id"]},
                   {"person_office_id", w.c.person_office["person_office_id"]},
                   {"code", "W1"},
                   {"description", nullptr},
                   {"days", 12},
                   {"person_code", "E001"},
                   {"person_first_name", "Ada"},
                   {"person_last_name", "Rossi"},
                   {"incident_name", "Slip on wet floor"},
                   {"incident_date", "2026-10-01"},
                   {"office_name", "Head office"},
                   {"project_name", "ACME"}};
  EXPECT_EQ(row, Stamped(expected));
  EXPECT_EQ(*w.engine->View("incident-person", id), Stamped(expected));
}

TEST(IncidentPersonRecord, DaysAreBetweenZeroAndThirtySixThousandFiveHundred) {
  World w;
  Json incident = w.Incident();
  Json input = {{"tenant_id", w.ProjectId()},
                {"subtenant_id", w.OfficeA()},
                {"office_incident_id", incident["office_incident_id"]},
                {"person_office_id", w.c.person_office["person_office_id"]}};
  EXPECT_EQ(CreateError(*w.engine, "incident-person", Merge(input, {{"days", -1}})),
            "days: must be between 0 and 36500");
  EXPECT_EQ(CreateError(*w.engine, "incident-person", Merge(input, {{"days", 36501}})),
            "days: must be between 0 and 36500");
  EXPECT_EQ(CreateError(*w.engine, "incident-person", Merge(input, {{"days", "3"}})),
            "days: must be an integer");
  Json row = MustCreate(*w.engine, "incident-person", Merge(input, {{"days", 0}}));
  auto max =
      w.engine->Update("incident-person", Str(row, "office_incident_person_id"), {{"days", 36500}});
  ASSERT_OK(max);
  EXPECT_EQ((*max)["days"], 36500);
  EXPECT_EQ(UpdateError(*w.engine, "incident-person", Str(row, "office_incident_person_id"),
                        {{"days", 36501}}),
            "days: must be between 0 and 36500");
}

TEST(IncidentPersonRecord, PersonAndIncidentMustBeOfTheSameProjectAndOffice) {
  World w;
  Json incident = w.Incident();
  Json foreign_incident = MustCreate(*w.engine, "incident",
                                     {{"subtenant_id", w.other.office_a["office_id"]},
                                      {"name", "Theirs"},
                                      {"date_incident", "2026-10-02"}});
  EXPECT_EQ(CreateError(*w.engine, "incident-person",
                        {{"tenant_id", w.ProjectId()},
                         {"subtenant_id", w.OfficeA()},
                         {"office_incident_id", foreign_incident["office_incident_id"]},
                         {"person_office_id", w.c.person_office["person_office_id"]}}),
            "office_incident_id: refers to an incident of another project");
  Json in_plant = MustCreate(*w.engine, "person-office",
                             {{"person_id", w.c.person["person_id"]}, {"office_id", w.OfficeB()}});
  EXPECT_EQ(CreateError(*w.engine, "incident-person",
                        {{"office_incident_id", incident["office_incident_id"]},
                         {"person_office_id", in_plant["person_office_id"]}}),
            "person_office_id: refers to a person-office of another office");
  EXPECT_EQ(CreateError(*w.engine, "incident-person",
                        {{"office_incident_id", incident["office_incident_id"]},
                         {"person_office_id", w.other.person_office["person_office_id"]}}),
            "person_office_id: refers to a person-office of another project");
  EXPECT_EQ(w.engine->Index("incident-person")->total_count, 0);
}

TEST(IncidentPersonRecord, SamePairTwiceIsAConflict) {
  World w;
  Json incident = w.Incident();
  Json input = {{"office_incident_id", incident["office_incident_id"]},
                {"person_office_id", w.c.person_office["person_office_id"]}};
  Json first = MustCreate(*w.engine, "incident-person", Merge(input, {{"days", 1}}));
  auto again = w.engine->Create("incident-person", Merge(input, {{"days", 9}}));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), Code::kConflict);
  EXPECT_EQ(again.error().message(),
            "an incident-person with the same office_incident_id and person_office_id already "
            "exists (office_incident_person_id " +
                Str(first, "office_incident_person_id") + ")");
  EXPECT_EQ((*w.engine->View("incident", Str(incident, "office_incident_id")))["totSicknessDays"],
            1);
}

TEST(IncidentPersonRecord, UnknownIdIsNotFound) {
  World w;
  auto view = w.engine->View("incident-person", kMissingId);
  ASSERT_FALSE(view.ok());
  EXPECT_EQ(view.error().message(),
            std::string("no incident-person with office_incident_person_id ") + kMissingId);
  EXPECT_EQ(w.engine->Delete("incident-person", kMissingId, false).status().code(),
            Code::kNotFound);
  EXPECT_EQ(w.engine->Delete("incident-action", kMissingId, false).status().code(),
            Code::kNotFound);
  EXPECT_EQ(w.engine->Delete("incident", kMissingId, false).status().code(), Code::kNotFound);
}

// ---- scope derivation ---------------------------------------------------------------------

// tenant_id and subtenant_id may be omitted when a parent implies them; a mistake in another
// field must not turn into a spurious "is required" for them.
TEST(ScopeDerivation, OmittedTenantIsNotReportedMissingWhenAnotherFieldIsInvalid) {
  World w;
  Json action = w.ActionInput({{"tenant_id", nullptr}, {"expire_interval", -1}});
  EXPECT_EQ(CreateError(*w.engine, "action", action),
            "expire_interval: must be between 0 and 3650");
  Json incident = w.Incident();
  EXPECT_EQ(CreateError(*w.engine, "incident-person",
                        {{"office_incident_id", incident["office_incident_id"]},
                         {"person_office_id", w.c.person_office["person_office_id"]},
                         {"days", -1}}),
            "days: must be between 0 and 36500");
}

// ---- deleting a person ----------------------------------------------------------------------

TEST(PersonDelete, PreviewListsCertificatesPersonOfficesAndTheirIncidentPersons) {
  World w;
  const std::string person = Str(w.c.person, "person_id");
  Json po_b =
      MustCreate(*w.engine, "person-office", {{"person_id", person}, {"office_id", w.OfficeB()}});
  Json incident_a = w.Incident();
  Json incident_b = w.Incident({{"subtenant_id", w.OfficeB()}, {"name", "In the plant"}});
  Json ip_a = MustCreate(*w.engine, "incident-person",
                         {{"office_incident_id", incident_a["office_incident_id"]},
                          {"person_office_id", w.c.person_office["person_office_id"]}});
  Json ip_b = MustCreate(*w.engine, "incident-person",
                         {{"office_incident_id", incident_b["office_incident_id"]},
                          {"person_office_id", po_b["person_office_id"]}});
  Json cert1 = w.Certificate();
  Json cert2 = w.Certificate({{"action_type", "HEALTH"}, {"name", "Medical check"}});
  Json role = MustCreate(*w.engine, "role", {{"office_id", w.OfficeA()}, {"name", "Warden"}});
  Json role_cert =
      w.Certificate({{"resource_id", role["office_role_id"]}, {"action_type", "CHECK"}});
  Json other_cert = MustCreate(*w.engine, "certificate",
                               w.CertificateInput({{"tenant_id", w.other.project["project_id"]},
                                                   {"resource_id", w.other.person["person_id"]}}));

  // Breadth first: the person; its person-offices and certificates (each by id); then what
  // hangs off each person-office, in person-office order.
  std::vector<std::pair<std::string, std::string>> pos{
      {Str(w.c.person_office, "person_office_id"), Str(ip_a, "office_incident_person_id")},
      {Str(po_b, "person_office_id"), Str(ip_b, "office_incident_person_id")}};
  std::sort(pos.begin(), pos.end());
  std::vector<std::string> certs{Str(cert1, "certificate_id"), Str(cert2, "certificate_id")};
  std::sort(certs.begin(), certs.end());
  const std::vector<RowRef> expected{{"person", person},
                                     {"person-office", pos[0].first},
                                     {"person-office", pos[1].first},
                                     {"certificate", certs[0]},
                                     {"certificate", certs[1]},
                                     {"incident-person", pos[0].second},
                                     {"incident-person", pos[1].second}};

  auto preview = w.engine->Delete("person", person, false);
  ASSERT_OK(preview);
  EXPECT_FALSE(preview->forced);
  EXPECT_EQ(preview->rows, expected);
  EXPECT_EQ(w.engine->Index("certificate")->total_count, 4);

  auto forced = w.engine->Delete("person", person, true);
  ASSERT_OK(forced);
  EXPECT_EQ(forced->rows, expected);
  for (const RowRef& row : expected) {
    EXPECT_EQ(w.engine->View(row.collection, row.id).status().code(), Code::kNotFound)
        << row.collection << " " << row.id;
  }
  auto left = w.engine->Index("certificate", Query{.sort = "certificate_id"});
  ASSERT_OK(left);
  std::vector<std::string> kept{Str(role_cert, "certificate_id"),
                                Str(other_cert, "certificate_id")};
  std::sort(kept.begin(), kept.end());
  EXPECT_EQ(Ids(left->rows, "certificate_id"), kept);
  auto a = w.engine->View("incident", Str(incident_a, "office_incident_id"));
  ASSERT_OK(a);
  EXPECT_EQ((*a)["totInvolvedPerson"], 0);
  ASSERT_OK(w.engine->View("person", Str(w.other.person, "person_id")));
}

}  // namespace
}  // namespace certo::testing
