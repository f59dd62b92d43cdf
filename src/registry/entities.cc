// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The descriptors of certo's entities, one function per entity and one per group (organisation,
// office resources, requirements and certificates, the compliance schedule, incidents). Field
// names, enums and limits follow shared/reference/4hse-model.md; where the 4hse documents
// disagree, the choice is noted. Action and subscriber types come from vocabulary.h, status
// conditions from status_sql.h. Each table's columns are in schema/; registry_test checks that
// the two agree.

#include <algorithm>
#include <cctype>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/calendar.h"
#include "registry/registry.h"
#include "registry/status_sql.h"
#include "registry/vocabulary.h"

namespace certo::internal {

namespace {

// "a person", "an office".
std::string A(std::string_view noun) {
  bool vowel = !noun.empty() && std::string_view("aeiou").find(noun[0]) != std::string_view::npos;
  return (vowel ? "an " : "a ") + std::string(noun);
}

// ---- Builders -------------------------------------------------------------------------------

struct F {
  Field f;
  F(std::string_view name, FieldType type) {
    f.name = name;
    f.type = type;
  }
  F& Req() { return f.required = true, *this; }
  F& Imm() { return f.immutable = true, *this; }
  F& Exact() { return f.match = Match::kExact, *this; }
  F& Like() { return f.match = Match::kText, *this; }
  F& Sort() { return f.sortable = true, *this; }
  F& Default(std::string_view v) { return f.default_value = v, *this; }
  F& Range(long long lo, long long hi) { return f.min = lo, f.max = hi, *this; }
  F& SameOffice() { return f.ref.same_office = true, *this; }
  operator Field() const { return f; }  // NOLINT
};

F Str(std::string_view name, int max) {
  F b(name, FieldType::kString);
  b.f.max_length = max;
  return b;
}
F Text(std::string_view name) { return F(name, FieldType::kText); }
F Int(std::string_view name) { return F(name, FieldType::kInt); }
F Bool(std::string_view name) { return F(name, FieldType::kBool); }
F Day(std::string_view name) { return F(name, FieldType::kDate); }
F Country(std::string_view name) { return F(name, FieldType::kCountry); }
F JsonF(std::string_view name) { return F(name, FieldType::kJson); }
F Enum(std::string_view name, std::vector<std::string_view> values) {
  F b(name, FieldType::kEnum);
  b.f.enum_values = std::move(values);
  return b;
}
// A plain reference: exact filter, immutable (moving a row to another parent would break the
// parent's own office/project consistency), required.
F RefTo(std::string_view name, std::string_view collection) {
  F b(name, FieldType::kUuid);
  b.f.ref.targets = {{"", collection}};
  return b.Req().Imm().Exact();
}
F Project(std::string_view name = "project_id") {
  F b = RefTo(name, "project");
  b.f.ref.parent = false;
  return b;
}
F Office(std::string_view name = "office_id") { return RefTo(name, "office"); }

// A value read from rows t names: as a subquery (filters, sorts) and over joins (Computed::joins).
struct Joined {
  std::string sql;
  std::vector<RowJoin> joins;
  std::string joined_sql;
};
// sql with the column references of alias x ("x.name") over $<n> instead.
std::string OverJoin(const std::string& sql, size_t n) {
  std::string out;
  for (size_t i = 0; i < sql.size(); ++i) {
    const bool word = i > 0 && (std::isalnum(static_cast<unsigned char>(sql[i - 1])) ||
                                sql[i - 1] == '_' || sql[i - 1] == '.');
    if (!word && sql.compare(i, 2, "x.") == 0) {
      out += "$" + std::to_string(n) + ".";
      ++i;
    } else {
      out += sql[i];
    }
  }
  return out;
}
// (SELECT x.<column> FROM <table> x WHERE x.<key> = t.<field>), key unique in table.
Joined Lookup(std::string_view table, std::string_view column, std::string_view key,
              std::string_view field) {
  return {"(SELECT x." + std::string(column) + " FROM " + std::string(table) + " x WHERE x." +
              std::string(key) + " = t." + std::string(field) + ")",
          {RowJoin{std::string(table), std::string(key), std::string(field), ""}},
          "$0." + std::string(column)};
}
// A column of the person behind t.person_office_id.
std::string PersonVia(std::string_view column) {
  return "(SELECT p." + std::string(column) +
         " FROM person_office po JOIN person p ON p.person_id = po.person_id"
         " WHERE po.person_office_id = t.person_office_id)";
}
Computed Ro(std::string_view name, std::string sql, Match match = Match::kNone,
            bool sortable = false, JsonKind kind = JsonKind::kString) {
  return Computed{name, std::move(sql), kind, match, sortable};
}
Computed Ro(std::string_view name, Joined sql, Match match = Match::kNone, bool sortable = false,
            JsonKind kind = JsonKind::kString) {
  Computed c = Ro(name, std::move(sql.sql), match, sortable, kind);
  c.joins = std::move(sql.joins);
  c.joined_sql = std::move(sql.joined_sql);
  return c;
}
// Sorting by the stored column (same order; NULL first, never-expiring last) lets the indexes
// deliver the rows in order.
Computed SortBy(Computed c, std::string sql) {
  c.sort_sql = std::move(sql);
  return c;
}
Computed ProjectName(std::string_view field) {
  return Ro("project_name", Lookup("project", "name", "project_id", field), Match::kText, true);
}
// A computed field that shows another entity's field; filters check values by its rules.
Computed Mirror(Computed c, std::string_view collection, std::string_view field) {
  c.mirror_collection = collection;
  c.mirror_field = field;
  return c;
}
Computed ProjectType(std::string_view field) {
  return Mirror(
      Ro("project_type", Lookup("project", "project_type", "project_id", field), Match::kExact),
      "project", "project_type");
}
Computed OfficeName(std::string_view field) {
  return Ro("office_name", Lookup("office", "name", "office_id", field), Match::kText, true);
}

// Codes of office resources, actions, incidents...: 4hse's role.code limit (seed 004), the
// reference's choice where it names none. A person's code (the employee number) keeps its 50.
constexpr int kCodeLength = 45;

const std::vector<std::string_view> kUnits = {"YEAR", "MONTH", "DAY"};

// validity and validity_unit come together; validity is at least 1.
void ValidityPair(const Json& r, std::vector<FieldError>& errors) {
  bool has_validity = r.contains("validity") && !r["validity"].is_null();
  bool has_unit = r.contains("validity_unit") && !r["validity_unit"].is_null();
  if (has_validity && !has_unit) errors.push_back({"validity_unit", "is required with validity"});
  if (has_unit && !has_validity) errors.push_back({"validity", "is required with validity_unit"});
}

// later >= earlier, both dates when present.
Rule NotBefore(std::string_view later, std::string_view earlier) {
  return [later = std::string(later), earlier = std::string(earlier)](
             const Json& r, std::vector<FieldError>& errors) {
    if (!r.contains(later) || !r.contains(earlier)) return;
    const Json &a = r[later], &b = r[earlier];
    if (a.is_string() && b.is_string() && a.get<std::string>() < b.get<std::string>()) {
      errors.push_back({later, "must not be before " + earlier});
    }
  };
}

// ---- The schedule's rules -------------------------------------------------------------------

// The polymorphic targets of a subscriber or resource reference: every subscriber type, or
// those people hold through entity-employee rows.
std::vector<RefTarget> SubscriberTargets(bool held_only) {
  std::vector<RefTarget> targets;
  for (const SubscriberType& k : SubscriberTypes()) {
    if (!held_only || k.held_by_people) targets.push_back({k.name, k.collection});
  }
  return targets;
}
std::vector<std::string_view> TypeNames(const std::vector<RefTarget>& targets) {
  std::vector<std::string_view> names;
  for (const RefTarget& t : targets) names.push_back(t.type_value);
  return names;
}

// CASE t.<type_field> WHEN '<TYPE>' THEN (SELECT <value over x> FROM <table> x
// WHERE x.<key> = t.<id_field>) ... END, over the subscriber types of targets; over alias t,
// also as one join per type, each made only for the rows of its type.
Joined ByType(std::string_view type_field, std::string_view id_field,
              const std::vector<RefTarget>& targets,
              const std::function<std::string(const SubscriberType&)>& value,
              std::string_view alias = "t") {
  const std::string a(alias);
  const std::string type = a + "." + std::string(type_field);
  Joined out{"CASE " + type, {}, "CASE " + type};
  for (const RefTarget& target : targets) {
    const SubscriberType& k = *FindSubscriberType(target.type_value);
    const std::string when = " WHEN '" + std::string(k.name) + "' THEN ";
    out.sql += when + "(SELECT " + value(k) + " FROM " + std::string(k.table) + " x WHERE x." +
               std::string(k.key) + " = " + a + "." + std::string(id_field) + ")";
    out.joined_sql += when + OverJoin(value(k), out.joins.size());
    out.joins.push_back(RowJoin{std::string(k.table), std::string(k.key), std::string(id_field),
                                type + " = '" + std::string(k.name) + "'"});
  }
  out.sql += " END";
  out.joined_sql += " END";
  if (alias != "t") out.joins.clear();  // joins are made onto t only
  return out;
}
// An enum of subscriber type names that also accepts their older names (vocabulary.h).
F SubscriberTypeEnum(std::string_view name, std::vector<std::string_view> values) {
  F b = Enum(name, values);
  for (const auto& [older, current] : OlderSubscriberTypeNames()) {
    for (std::string_view v : values) {
      if (v == current) b.f.enum_aliases.emplace_back(older, current);
    }
  }
  return b;
}

std::string Label(const SubscriberType& k) { return std::string(k.label_sql); }
std::string Code(const SubscriberType&) { return "x.code"; }

void SubscriberAllowed(const Json& r, const Finder& find, std::vector<FieldError>& errors) {
  Json action_type = find("action", r.value("action_id", ""), "action_type");
  if (!action_type.is_string()) return;
  const std::string type = action_type.get<std::string>();
  const std::string subscriber = r.value("subscriber_type", "");
  std::string allowed;
  for (std::string_view t : AdmittedSubscriberTypes(type)) {
    if (t == subscriber) return;
    allowed += (allowed.empty() ? "" : ", ") + std::string(t);
  }
  errors.push_back({"subscriber_type", subscriber + " cannot subscribe to a " + type +
                                           " action (allowed: " + allowed + ")"});
}

void SameActionType(const Json& r, const Finder& find, std::vector<FieldError>& errors) {
  Json certificate = find("certificate", r.value("certificate_id", ""), "action_type");
  Json action = find("action", r.value("action_id", ""), "action_type");
  if (!certificate.is_string() || !action.is_string()) return;
  if (certificate != action) {
    errors.push_back({"action_id", "is a " + action.get<std::string>() +
                                       " action but the certificate is for " +
                                       certificate.get<std::string>()});
  }
}

// A certificate proves something only of a resource its action type admits (a TRAINING
// certificate of a forklift is a mistake), on create and when resource_id moves.
void ResourceAdmitted(const Json& r, const Finder& find, std::vector<FieldError>& errors) {
  const std::string type = r.value("action_type", "");
  const std::string resource = r.value("resource_id", "");
  for (const SubscriberType& k : SubscriberTypes()) {
    const Entity* holder = FindEntity(k.collection);
    if (!holder || find(k.collection, resource, holder->project_field).is_null()) continue;
    std::vector<std::string_view> admitted = AdmittedSubscriberTypes(type);
    if (std::find(admitted.begin(), admitted.end(), k.name) != admitted.end()) return;
    std::string names;
    for (std::string_view a : admitted) names += (names.empty() ? "" : ", ") + std::string(a);
    errors.push_back({"resource_id",
                      "is " + A(k.collection) + " but a " + type + " certificate is for " + names});
    return;
  }
}

// A link's own expiry cannot come before its certificate was released.
void ExpiresAfterRelease(const Json& r, const Finder& find, std::vector<FieldError>& errors) {
  if (!r.contains("date_expire") || !r["date_expire"].is_string()) return;
  Json release = find("certificate", r.value("certificate_id", ""), "date_release");
  if (release.is_string() && r["date_expire"].get<std::string>() < release.get<std::string>()) {
    errors.push_back({"date_expire", "must not be before the certificate's date_release (" +
                                         release.get<std::string>() + ")"});
  }
}

// A row retired before it came into force would never have been: a typo of one of the dates.
void ActiveBeforeRetired(const Json& r, std::vector<FieldError>& errors) {
  const Json& from = r.contains("active_from") ? r["active_from"] : Json();
  const Json& until = r.contains("retired_on") ? r["retired_on"] : Json();
  if (from.is_string() && until.is_string() && until.get<std::string>() < from.get<std::string>()) {
    errors.push_back({"active_from", "must not be after retired_on (" + until.get<std::string>() +
                                         "): the row would never be in force"});
  }
}

// Filtering by status: the status's range of stored dates (status_sql.h), so that it uses the
// indexes.
std::optional<FilterSql> StatusIs(const Json& value, const std::string& as_of, std::string& error) {
  std::optional<ScheduleStatus> status;
  if (value.is_string()) status = ParseScheduleStatus(value.get<std::string>());
  if (status) return StatusFilter(*status, "t", as_of);
  error = "must be one of: ";
  for (ScheduleStatus s : kScheduleStatuses) {
    error += std::string(s == kScheduleStatuses[0] ? "" : ", ") + StatusName(s);
  }
  return std::nullopt;
}

// Filtering by origin: one of the two words, or an error naming them.
std::optional<FilterSql> OriginIs(const Json& value, const std::string&, std::string& error) {
  if (value.is_string() &&
      (value.get<std::string>() == kOriginManual || value.get<std::string>() == kOriginDerived)) {
    return FilterSql{"t.origin = ?", {value}};
  }
  error = "must be one of: " + std::string(kOriginManual) + ", " + std::string(kOriginDerived);
  return std::nullopt;
}

// countX of an action: its active subscriptions (with status X) as of certo_as_of().
Computed Counter(std::string_view name, std::optional<ScheduleStatus> status) {
  Computed c = Ro(name, "", Match::kNone, false, JsonKind::kInt);
  c.make_sql = [status] {
    std::string sql =
        "(SELECT count(*) FROM action_subscription x WHERE x.action_id = t.action_id AND " +
        ActiveSql(*FindEntity("action-subscription"), "x");
    if (status) sql += " AND " + StatusCondition(*status, "x", "certo_as_of()");
    return sql + ")";
  };
  return c;
}

// ---- Organisation: projects, offices, people ------------------------------------------------

Entity ProjectEntity() {
  return Entity{
      .collection = "project",
      .table = "project",
      .event_prefix = "PROJECT",
      .id = "project_id",
      .project_field = "",
      .office_field = "",
      .fields =
          {
              Str("name", 50).Req().Like().Sort(),
              Text("description"),
              Country("country").Exact(),
              // 4hse's newest enum; older documents lack pending_delete.
              Enum("status", {"active", "suspended", "pending_delete", "deleted"})
                  .Default("active")
                  .Exact()
                  .Sort(),
              Enum("project_type", {"safety", "template"}).Default("safety").Exact().Sort(),
              JsonF("data"),
          },
  };
}

Entity OfficeEntity() {
  return Entity{
      .collection = "office",
      .table = "office",
      .event_prefix = "OFFICE",
      .id = "office_id",
      .project_field = "project_id",
      .office_field = "",
      .historicizable = true,
      .fields =
          {
              Project(),
              Str("name", 255).Req().Like().Sort(),
              Str("code", kCodeLength).Like().Sort(),
              Text("description"),
              Str("street", 255).Like(),
              Str("postal_code", 50).Like(),
              Str("locality", 50).Like(),
              Str("region", 150).Like(),
              Country("country").Exact(),
              Str("tax_code", 30).Exact(),
              Str("vat", 30).Exact(),
              // Required by 4hse's client; certo defaults it instead of refusing the row.
              Enum("office_type_icon", {"office_default", "construction_site"})
                  .Default("office_default")
                  .Exact(),
          },
      .computed = {ProjectName("project_id"), ProjectType("project_id")},
  };
}

Entity PersonEntity() {
  return Entity{
      .collection = "person",
      .table = "person",
      .event_prefix = "PERSON",
      .id = "person_id",
      .project_field = "project_id",
      .office_field = "",
      .historicizable = true,
      .fields =
          {
              Project(),
              Str("code", 50).Like().Sort(),
              Str("first_name", 70).Req().Like().Sort(),
              Str("last_name", 70).Req().Like().Sort(),
              Str("street", 255),
              Str("locality", 50).Like(),
              Str("postal_code", 50),
              Str("region", 150).Like(),  // 4hse's newest limit (older documents: 10)
              Str("sex", 10).Exact(),
              Country("country").Exact(),
              Day("birth_date").Exact().Sort(),
              Str("birth_place", 150),
              Str("tax_code", 30).Exact().Sort(),
              Text("note"),
              Str("contract_type", 50).Exact(),
              Bool("is_employee").Default("1").Exact(),
              Bool("is_prevention_people").Default("0").Exact(),
              Str("entity_id", 255).Exact(),  // e-mail of a linked user account
              Str("related_user", 50).Exact(),
          },
      .computed = {ProjectName("project_id")},
      .unique = {{"project_id", "code"}},
      // 4hse's "refuse a code already used": certo keeps codes unique in a project always (the
      // code is the person's alternate key, which lookups and people sync rely on).
      .create_options = {"unique_code"},
  };
}

Entity PersonOfficeEntity() {
  return Entity{
      .collection = "person-office",
      .table = "person_office",
      .event_prefix = "PERSON_OFFICE",
      .id = "person_office_id",
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), RefTo("person_id", "person")},
      .computed =
          {
              Ro("person_code", Lookup("person", "code", "person_id", "person_id"), Match::kText,
                 true),
              Ro("person_first_name", Lookup("person", "first_name", "person_id", "person_id"),
                 Match::kText, true),
              Ro("person_last_name", Lookup("person", "last_name", "person_id", "person_id"),
                 Match::kText, true),
              Ro("person_tax_code", Lookup("person", "tax_code", "person_id", "person_id"),
                 Match::kExact, true),
              Ro("person_birth_date", Lookup("person", "birth_date", "person_id", "person_id"),
                 Match::kExact, true),
              Ro("person_is_employee", Lookup("person", "is_employee", "person_id", "person_id"),
                 Match::kExact, false, JsonKind::kInt),
              Ro("office_code", Lookup("office", "code", "office_id", "office_id"), Match::kText),
              OfficeName("office_id"),
              ProjectName("project_id"),
              ProjectType("project_id"),
          },
      .unique = {{"person_id", "office_id"}},
  };
}

std::vector<Entity> Organisation() {
  return {ProjectEntity(), OfficeEntity(), PersonEntity(), PersonOfficeEntity()};
}

// ---- Office resources and who holds them ----------------------------------------------------

// The four office resources share one shape.
Entity OfficeResource(std::string_view collection, std::string_view table, std::string_view event,
                      std::string_view id, std::vector<Field> extra) {
  Entity e{
      .collection = collection,
      .table = table,
      .event_prefix = event,
      .id = id,
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), Str("code", kCodeLength).Like().Sort(),
                 Str("name", 255).Req().Like().Sort(), Text("description").Like()},
      .computed = {OfficeName("office_id"), ProjectName("project_id"), ProjectType("project_id")},
  };
  e.fields.insert(e.fields.end(), extra.begin(), extra.end());
  return e;
}

Entity EntityEmployeeEntity() {
  const std::vector<RefTarget> held = SubscriberTargets(/*held_only=*/true);
  F entity("entity_id", FieldType::kUuid);
  entity.f.ref = Ref{.targets = held, .type_field = "type", .same_office = true};
  return Entity{
      .collection = "entity-employee",
      .table = "entity_employee",
      .event_prefix = "ENTITY_EMPLOYEE",
      .id = "entity_employee_id",
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), RefTo("person_office_id", "person-office").SameOffice(),
                 Enum("type", TypeNames(held)).Req().Imm().Exact(), entity.Req().Imm().Exact()},
      .computed =
          {
              Ro("person_id",
                 Lookup("person_office", "person_id", "person_office_id", "person_office_id"),
                 Match::kExact),
              Ro("person_code", PersonVia("code"), Match::kText, true),
              Ro("person_first_name", PersonVia("first_name"), Match::kText, true),
              Ro("person_last_name", PersonVia("last_name"), Match::kText, true),
              Ro("entity_code", ByType("type", "entity_id", held, Code), Match::kText, true),
              Ro("entity_name", ByType("type", "entity_id", held, Label), Match::kText, true),
              OfficeName("office_id"),
              ProjectName("project_id"),
          },
      .unique = {{"entity_id", "person_office_id"}},
  };
}

Entity WorkGroupEntity() {
  return Entity{
      .collection = "work-group",
      .table = "work_group",
      .event_prefix = "WORK_GROUP",
      .id = "work_group_id",
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), Str("code", kCodeLength).Like().Sort(),
                 Str("name", 255).Req().Like().Sort(), Text("description").Like(),
                 Enum("work_group_type", {"JOB", "WORK_PLACE", "HGROUP"}).Req().Exact().Sort()},
      .computed = {OfficeName("office_id"), ProjectName("project_id"), ProjectType("project_id")},
  };
}

Entity WorkGroupPersonEntity() {
  return Entity{
      .collection = "work-group-person",
      .table = "work_group_person",
      .event_prefix = "WORK_GROUP_PERSON",
      .id = "work_group_person_id",
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), RefTo("work_group_id", "work-group").SameOffice(),
                 RefTo("person_office_id", "person-office").SameOffice(),
                 Str("time_spent_measure", 50)},
      .computed =
          {
              Ro("person_id",
                 Lookup("person_office", "person_id", "person_office_id", "person_office_id"),
                 Match::kExact),
              Ro("person_code", PersonVia("code"), Match::kText, true),
              Ro("person_first_name", PersonVia("first_name"), Match::kText, true),
              Ro("person_last_name", PersonVia("last_name"), Match::kText, true),
              Ro("work_group_code", Lookup("work_group", "code", "work_group_id", "work_group_id"),
                 Match::kText, true),
              Ro("work_group_name", Lookup("work_group", "name", "work_group_id", "work_group_id"),
                 Match::kText, true),
              Mirror(Ro("work_group_type",
                        Lookup("work_group", "work_group_type", "work_group_id", "work_group_id"),
                        Match::kExact, true),
                     "work-group", "work_group_type"),
              OfficeName("office_id"),
              ProjectName("project_id"),
              ProjectType("project_id"),
          },
      .unique = {{"work_group_id", "person_office_id"}},
  };
}

std::vector<Entity> Resources() {
  return {
      OfficeResource("role", "role", "ROLE", "office_role_id", {}),
      OfficeResource(
          "equipment", "equipment", "EQUIPMENT", "office_equipment_id",
          {Str("serial", 100).Like(), Str("vendor", 100).Like(), Str("model", 100).Like()}),
      OfficeResource("work-environment", "work_environment", "WORK_ENVIRONMENT",
                     "office_work_environment_id", {}),
      OfficeResource("substance", "substance", "SUBSTANCE", "office_substance_id", {}),
      EntityEmployeeEntity(),
      WorkGroupEntity(),
      WorkGroupPersonEntity(),
  };
}

// ---- Inventory: PPE types and items, the resources of work groups ---------------------------

// Columns the engine fills on every write (not client fields).
const std::vector<std::string_view> kTimestamps = {"created_at", "updated_at"};

// The items of a PPE type still available, as of certo_as_of(): each active item's initial
// quantity minus the units handed out, floored at 0. In certo a unit is handed out by a PER
// certificate (a PPE delivery) whose resource is the item, released on or before the day.
std::string AvailableSql(const std::string& item) {
  return "max(0, " + item +
         ".initial_quantity - (SELECT count(*) FROM certificate c"
         " WHERE c.resource_id = " +
         item +
         ".material_item_id AND c.action_type = 'PER'"
         " AND c.date_release <= certo_as_of()))";
}

Entity MaterialEntity() {
  return Entity{
      .collection = "material",
      .table = "material",
      .event_prefix = "MATERIAL",
      .id = "material_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      .historicizable = true,
      .fields =
          {
              Project("tenant_id"),
              Office("subtenant_id"),
              Enum("material_type", {"PPE"}).Default("PPE").Imm().Exact().Sort(),
              Str("code", 45).Like().Sort(),
              Str("name", 255).Req().Like().Sort(),
              Text("description").Like(),
              Str("category", 255).Like().Sort(),
              JsonF("data"),
          },
      .computed = {OfficeName("subtenant_id"), ProjectName("tenant_id"), ProjectType("tenant_id"),
                   Ro("material_item_count",
                      "(SELECT coalesce(sum(" + AvailableSql("x") +
                          "), 0) FROM material_item x WHERE x.material_id = t.material_id"
                          " AND (x.retired_on IS NULL OR x.retired_on > certo_as_of()))",
                      Match::kNone, true, JsonKind::kInt)},
      .maintained_columns = kTimestamps,
  };
}

Entity MaterialItemEntity() {
  auto material = [](const char* column) {
    return Lookup("material", column, "material_id", "material_id");
  };
  return Entity{
      .collection = "material-item",
      .table = "material_item",
      .event_prefix = "MATERIAL_ITEM",
      .id = "material_item_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      .historicizable = true,
      .fields =
          {
              Project("tenant_id"),
              Office("subtenant_id"),
              RefTo("material_id", "material").SameOffice(),
              Str("code", 45).Like().Sort(),
              Str("name", 255).Req().Like().Sort(),
              Text("description").Like(),
              Str("serial", 100).Like().Sort(),
              Str("vendor", 100).Like(),
              Str("model", 100).Like(),
              JsonF("data"),
              Int("initial_quantity").Range(0, 1000000000).Default("1").Exact().Sort(),
          },
      .computed =
          {
              Ro("material_item_count", AvailableSql("t"), Match::kNone, true, JsonKind::kInt),
              Ro("material_code", material("code"), Match::kText, true),
              Ro("material_name", material("name"), Match::kText, true),
              OfficeName("subtenant_id"),
              ProjectName("tenant_id"),
              ProjectType("tenant_id"),
          },
      .maintained_columns = kTimestamps,
  };
}

Entity WorkGroupEntityEntity() {
  std::vector<RefTarget> entities;
  for (std::string_view type : {"EQUIPMENT", "WORK_ENVIRONMENT", "SUBSTANCE"}) {
    entities.push_back({type, FindSubscriberType(type)->collection});
  }
  F entity("entity_id", FieldType::kUuid);
  entity.f.ref = Ref{.targets = entities, .type_field = "entity_type", .same_office = true};
  auto group = [](const char* column) {
    return Lookup("work_group", column, "work_group_id", "work_group_id");
  };
  return Entity{
      .collection = "work-group-entity",
      .table = "work_group_entity",
      .event_prefix = "WORK_GROUP_ENTITY",
      .id = "work_group_entity_id",
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), RefTo("work_group_id", "work-group").SameOffice(),
                 Enum("entity_type", TypeNames(entities)).Req().Imm().Exact().Sort(),
                 entity.Req().Imm().Exact(), Text("description").Like(),
                 Str("time_spent_measure", 50)},
      .computed =
          {
              Ro("entity_name", ByType("entity_type", "entity_id", entities, Label), Match::kText,
                 true),
              Ro("entity_code", ByType("entity_type", "entity_id", entities, Code), Match::kText,
                 true),
              Ro("work_group_code", group("code"), Match::kText, true),
              Ro("work_group_name", group("name"), Match::kText, true),
              Mirror(Ro("work_group_type", group("work_group_type"), Match::kExact, true),
                     "work-group", "work_group_type"),
              Ro("office_code", Lookup("office", "code", "office_id", "office_id"), Match::kText),
              OfficeName("office_id"),
              ProjectName("project_id"),
              ProjectType("project_id"),
          },
      .unique = {{"entity_id", "work_group_id"}},
      .maintained_columns = kTimestamps,
  };
}

std::vector<Entity> Inventory() {
  return {MaterialEntity(), MaterialItemEntity(), WorkGroupEntityEntity()};
}

// ---- Requirements and the certificates that prove them -------------------------------------

Entity ActionEntity() {
  return Entity{
      .collection = "action",
      .table = "action",
      .event_prefix = "ACTION",
      .id = "action_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      .historicizable = true,
      .fields =
          {
              Project("tenant_id"),
              Office("subtenant_id"),
              Enum("action_type", ActionTypes()).Req().Imm().Exact().Sort(),
              Str("code", kCodeLength).Like().Sort(),
              Str("name", 255).Req().Like().Sort(),
              Text("description").Like(),
              Int("validity").Range(1, 1000).Exact(),
              Enum("validity_unit", kUnits).Exact(),
              Int("expire_interval").Range(0, 3650).Exact(),
              JsonF("manager"),
              JsonF("assignee"),
              JsonF("watcher"),
              JsonF("data"),
          },
      .computed = {OfficeName("subtenant_id"), ProjectName("tenant_id"), ProjectType("tenant_id"),
                   Counter("countSubscribed", std::nullopt),
                   Counter("countValid", ScheduleStatus::kValid),
                   Counter("countExpiring", ScheduleStatus::kExpiring),
                   Counter("countExpired", ScheduleStatus::kExpired),
                   Counter("countNew", ScheduleStatus::kNew)},
      .rules = {ValidityPair},
  };
}

Entity CertificateEntity() {
  F resource("resource_id", FieldType::kUuid);
  // a certificate is a dated record: it stays visible when its resource is retired
  resource.f.ref = Ref{.targets = SubscriberTargets(/*held_only=*/false), .parent = false};
  // A certificate names no type: its resource's id says which table holds it.
  std::string type_sql = "CASE";
  std::string name_sql = "COALESCE(";
  for (const SubscriberType& k : SubscriberTypes()) {
    const std::string from =
        " FROM " + std::string(k.table) + " x WHERE x." + std::string(k.key) + " = t.resource_id";
    type_sql += " WHEN EXISTS (SELECT 1" + from + ") THEN '" + std::string(k.name) + "'";
    name_sql += "(SELECT " + std::string(k.label_sql) + from + "), ";
  }
  type_sql += " END";
  name_sql += "NULL)";
  return Entity{
      .collection = "certificate",
      .table = "certificate",
      .event_prefix = "CERTIFICATE",
      .id = "certificate_id",
      .project_field = "tenant_id",
      .office_field = "",
      .fields =
          {
              Project("tenant_id"),
              resource.Req().Exact(),  // mutable: a certificate given to the wrong person moves
              // Immutable: the links of a certificate require the same type as their action.
              Enum("action_type", ActionTypes()).Req().Imm().Exact().Sort(),
              Str("name", 255).Req().Like().Sort(),
              Text("note"),
              Day("date_release").Req().Exact().Sort(),
              Day("date_expire").Exact().Sort(),
              Int("validity").Range(1, 1000).Exact(),
              Enum("validity_unit", kUnits).Exact(),
              Bool("warning").Default("0").Exact(),
              JsonF("data"),
          },
      // resource_type filters take the subscriber types' names, older ones included.
      .computed = {Mirror(Ro("resource_type", type_sql, Match::kExact), "action-subscription",
                          "subscriber_type"),
                   Ro("resource_name", name_sql, Match::kText),
                   // Set by Engine::RevokeCertificate: covers nothing from revoked_on on.
                   Ro("revoked_on", "t.revoked_on", Match::kExact, true),
                   Ro("revoke_reason", "t.revoke_reason"), ProjectName("tenant_id")},
      .rules = {ValidityPair, NotBefore("date_expire", "date_release")},
      .db_rules = {ResourceAdmitted},
      // Written by Engine::RevokeCertificate only (read as revoked_on, revoke_reason).
      .maintained_columns = {"revoked_on", "revoke_reason"},
  };
}

std::vector<Entity> Requirements() { return {ActionEntity(), CertificateEntity()}; }

// ---- The compliance schedule ----------------------------------------------------------------

// Rule 2.2's requirements behind a subscription of a person, as schema 10 keeps them
// (subscription_requirement, read by its key): each demand and assignment, the resource it names
// (by name, as a read shows it now) and the days it holds. Requirements whose days are empty are
// not kept.
std::string RequiredBySql() {
  std::vector<RefTarget> resources;
  for (const SubscriberType& k : SubscriberTypes()) {
    if (k.demanded) resources.push_back({k.name, k.collection});
  }
  return "(SELECT json_group_array(json_object('demand_id', r.demand_id, 'resource_type',"
         " r.resource_type, 'resource_id', r.resource_id, 'resource_name', " +
         ByType("resource_type", "resource_id", resources, Label, "r").sql +
         ", 'via', r.via, 'assignment_id', r.assignment_id, 'active_from', r.from_day,"
         " 'retired_on', r.until_day))"
         " FROM (SELECT * FROM subscription_requirement q WHERE t.subscriber_type = 'PERSON'"
         " AND q.action_id = t.action_id AND q.person_id = t.subscriber_id"
         " ORDER BY q.demand_id, q.assignment_id) r)";
}

Entity ActionSubscriptionEntity() {
  const std::vector<RefTarget> subscribers = SubscriberTargets(/*held_only=*/false);
  F subscriber("subscriber_id", FieldType::kUuid);
  subscriber.f.ref = Ref{.targets = subscribers, .type_field = "subscriber_type"};
  Computed status = Ro("status", StatusValue("t", "certo_as_of()"), Match::kExact, true);
  status.filter = StatusIs;
  Computed origin = Ro("origin", "t.origin", Match::kExact, true);
  origin.filter = OriginIs;
  return Entity{
      .collection = "action-subscription",
      .table = "action_subscription",
      .event_prefix = "ACTION_SUBSCRIPTION",
      .id = "action_subscription_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      .historicizable = true,
      .fields =
          {Project("tenant_id"), Office("subtenant_id"), RefTo("action_id", "action").SameOffice(),
           SubscriberTypeEnum("subscriber_type", TypeNames(subscribers)).Req().Imm().Exact().Sort(),
           subscriber.Req().Imm().Exact(), JsonF("data")},
      .computed =
          {
              status,
              // MANUAL (made by hand) or DERIVED (made by rule 2.2, schema 10).
              origin,
              Ro("required_by", RequiredBySql(), Match::kNone, false, JsonKind::kJson),
              // Rule 5: the dates of the link that gives the cover in force on the read's day.
              Ro("certificate_date_release", CoverValue("t", "cover_release", "certo_as_of()"),
                 Match::kExact, true),
              SortBy(Ro("certificate_date_expire",
                        "NULLIF(" + CoverValue("t", "cover_expire", "certo_as_of()") + ", 'never')",
                        Match::kExact, true),
                     CoverValue("t", "cover_expire", "certo_as_of()")),
              Mirror(Ro("action_type", Lookup("action", "action_type", "action_id", "action_id"),
                        Match::kExact, true),
                     "action", "action_type"),
              Ro("action_code", Lookup("action", "code", "action_id", "action_id"), Match::kText,
                 true),
              Ro("action_name", Lookup("action", "name", "action_id", "action_id"), Match::kText,
                 true),
              Ro("subscriber_code", ByType("subscriber_type", "subscriber_id", subscribers, Code),
                 Match::kText, true),
              Ro("subscriber_name", ByType("subscriber_type", "subscriber_id", subscribers, Label),
                 Match::kText, true),
              OfficeName("subtenant_id"),
              ProjectName("tenant_id"),
              ProjectType("tenant_id"),
          },
      .unique = {{"action_id", "subscriber_id"}},
      .db_rules = {SubscriberAllowed},
      .maintained_columns = {"cover_release", "cover_expire", "expiring_from", "hidden_from",
                             "first_from", "cover_from", "shown_from", "origin"},
      .hidden_from = "hidden_from",
      .shown_from = "shown_from",
  };
}

Entity CertificateActionEntity() {
  F date_expire = Day("date_expire").Exact().Sort();
  // The date in force: the link's own, else inherited (certificate date, else validity).
  date_expire.f.read_sql =
      "COALESCE(t.date_expire, (SELECT NULLIF(certo_expiry(NULL, c.date_expire, "
      "c.date_release, c.validity, c.validity_unit, a.validity, a.validity_unit), "
      "'never') FROM certificate c, action a WHERE c.certificate_id = t.certificate_id "
      "AND a.action_id = t.action_id))";
  auto cert = [](const char* column) {
    return Lookup("certificate", column, "certificate_id", "certificate_id");
  };
  auto action = [](const char* column) {
    return Lookup("action", column, "action_id", "action_id");
  };
  return Entity{
      .collection = "certificate-action",
      .table = "certificate_action",
      .event_prefix = "CERTIFICATE_ACTION",
      .id = "certificate_action_id",
      .project_field = "tenant_id",
      .office_field = "",
      // The order of the 4hse document: the link, its date, then the project.
      .fields = {RefTo("certificate_id", "certificate"), RefTo("action_id", "action"), date_expire,
                 Project("tenant_id")},
      .computed =
          {
              Ro("action_name", action("name"), Match::kText, true),
              Ro("action_code", action("code"), Match::kText),
              Mirror(Ro("action_type", action("action_type"), Match::kExact), "action",
                     "action_type"),
              Ro("resource_id", "t.resource_id", Match::kExact),
              Ro("certificate_name", cert("name"), Match::kText, true),
              Ro("is_date_inherited", "(t.date_expire IS NULL)", Match::kExact, false,
                 JsonKind::kInt),
              Ro("date_release", cert("date_release"), Match::kExact, true),
              Ro("office_name",
                 "(SELECT o.name FROM action x JOIN office o ON o.office_id = x.subtenant_id"
                 " WHERE x.action_id = t.action_id)",
                 Match::kText),
              Ro("office_id", action("subtenant_id"), Match::kExact),
          },
      .unique = {{"certificate_id", "action_id"}},
      .db_rules = {SameActionType, ExpiresAfterRelease},
      .copies = {{"resource_id", "certificate_id", "resource_id"}},
  };
}

std::vector<Entity> Schedule() { return {ActionSubscriptionEntity(), CertificateActionEntity()}; }

// ---- Incidents ------------------------------------------------------------------------------

Joined IncidentField(const char* column) {
  return Lookup("incident", column, "office_incident_id", "office_incident_id");
}

// status closed and date_closed come together.
void ClosedWithDate(const Json& r, std::vector<FieldError>& errors) {
  bool closed = r.value("status", "") == "closed";
  bool dated = r.contains("date_closed") && !r["date_closed"].is_null();
  if (closed && !dated) errors.push_back({"date_closed", "is required when status is closed"});
  if (!closed && dated) {
    errors.push_back({"date_closed", "must be empty unless status is closed"});
  }
}

Entity IncidentEntity() {
  return Entity{
      .collection = "incident",
      .table = "incident",
      .event_prefix = "INCIDENT",
      .id = "office_incident_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      .fields =
          {
              Project("tenant_id"),
              Office("subtenant_id"),
              Str("code", kCodeLength).Like().Sort(),
              Str("name", 255).Req().Like().Sort(),
              Day("date_incident").Req().Exact().Sort(),
              Enum("category",
                   {"NON_COMPLIANCE", "ACCIDENTS", "ACCIDENTS_AND_MISSED_INJURIES",
                    "REPORT_MALFUNCTION", "REPORT_FAILURE", "REQUEST_INSPECTION",
                    "REQUEST_MAINTENANCE", "REQUEST_REPLACEMENT", "REQUEST_INTERVENTION"})
                  .Exact()
                  .Sort(),
              Text("description_event"),
              Text("description_actions_involved"),
              Str("deponent", 255),
              JsonF("manager"),
              JsonF("assignee"),
              JsonF("watcher"),
              Enum("status", {"new", "open", "closed"}).Default("new").Exact().Sort(),
              Day("date_closed").Exact().Sort(),
              Str("external_reference_id", 255).Exact(),
          },
      .computed =
          {
              OfficeName("subtenant_id"),
              ProjectName("tenant_id"),
              ProjectType("tenant_id"),
              Ro("totInvolvedPerson",
                 "(SELECT count(*) FROM incident_person x"
                 " WHERE x.office_incident_id = t.office_incident_id)",
                 Match::kNone, false, JsonKind::kInt),
              Ro("totSicknessDays",
                 "(SELECT coalesce(sum(x.days), 0) FROM incident_person x"
                 " WHERE x.office_incident_id = t.office_incident_id)",
                 Match::kNone, false, JsonKind::kInt),
          },
      .rules = {NotBefore("date_closed", "date_incident"), ClosedWithDate},
  };
}

Entity IncidentActionEntity() {
  return Entity{
      .collection = "incident-action",
      .table = "incident_action",
      .event_prefix = "INCIDENT_ACTION",
      .id = "office_incident_action_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      // The order of the 4hse document.
      .fields = {RefTo("office_incident_id", "incident").SameOffice(),
                 Enum("entity_type", {"ACTION"}).Default("ACTION").Imm().Exact(),
                 RefTo("entity_id", "action"), Text("description").Like(), Office("subtenant_id"),
                 Project("tenant_id")},
      .computed =
          {
              Ro("action_code", Lookup("action", "code", "action_id", "entity_id"), Match::kText,
                 true),
              Ro("action_name", Lookup("action", "name", "action_id", "entity_id"), Match::kText,
                 true),
              Mirror(Ro("action_type", Lookup("action", "action_type", "action_id", "entity_id"),
                        Match::kExact, true),
                     "action", "action_type"),
              Ro("incident_code", IncidentField("code"), Match::kText),
              Ro("incident_name", IncidentField("name"), Match::kText, true),
              Ro("incident_date", IncidentField("date_incident"), Match::kExact, true),
              Mirror(Ro("incident_category", IncidentField("category"), Match::kExact), "incident",
                     "category"),
              Mirror(Ro("incident_status", IncidentField("status"), Match::kExact), "incident",
                     "status"),
              OfficeName("subtenant_id"),
              ProjectName("tenant_id"),
              ProjectType("tenant_id"),
          },
      .unique = {{"office_incident_id", "entity_id"}},
  };
}

Entity IncidentPersonEntity() {
  return Entity{
      .collection = "incident-person",
      .table = "incident_person",
      .event_prefix = "INCIDENT_PERSON",
      .id = "office_incident_person_id",
      .project_field = "tenant_id",
      .office_field = "subtenant_id",
      .fields = {Project("tenant_id"), Office("subtenant_id"),
                 RefTo("office_incident_id", "incident").SameOffice(),
                 RefTo("person_office_id", "person-office").SameOffice(),
                 Str("code", kCodeLength).Like(), Text("description"),
                 Int("days").Range(0, 36500).Exact()},
      .computed =
          {
              Ro("person_code", PersonVia("code"), Match::kText, true),
              Ro("person_first_name", PersonVia("first_name"), Match::kText, true),
              Ro("person_last_name", PersonVia("last_name"), Match::kText, true),
              Ro("incident_name", IncidentField("name"), Match::kText, true),
              Ro("incident_date", IncidentField("date_incident"), Match::kExact, true),
              OfficeName("subtenant_id"),
              ProjectName("tenant_id"),
          },
      .unique = {{"office_incident_id", "person_office_id"}},
  };
}

std::vector<Entity> Incidents() {
  return {IncidentEntity(), IncidentActionEntity(), IncidentPersonEntity()};
}

// ---- Demands: which resources require which actions -----------------------------------------

Entity DemandEntity() {
  std::vector<RefTarget> resources;
  for (const SubscriberType& k : SubscriberTypes()) {
    if (k.demanded) resources.push_back({k.name, k.collection});
  }
  F resource("resource_id", FieldType::kUuid);
  resource.f.ref = Ref{.targets = resources, .type_field = "resource_type"};
  auto action = [](const char* column) {
    return Lookup("action", column, "action_id", "action_id");
  };
  return Entity{
      .collection = "demand",
      .table = "demand",
      .event_prefix = "DEMAND",
      .id = "demand_id",
      .project_field = "project_id",
      .office_field = "office_id",
      .historicizable = true,
      .fields = {Project(), Office(), RefTo("action_id", "action").SameOffice(),
                 Enum("resource_type", TypeNames(resources)).Req().Imm().Exact().Sort(),
                 resource.Req().Imm().Exact(), JsonF("data")},
      .computed =
          {
              Ro("action_code", action("code"), Match::kText, true),
              Ro("action_name", action("name"), Match::kText, true),
              Mirror(Ro("action_type", action("action_type"), Match::kExact, true), "action",
                     "action_type"),
              Ro("resource_code", ByType("resource_type", "resource_id", resources, Code),
                 Match::kText, true),
              Ro("resource_name", ByType("resource_type", "resource_id", resources, Label),
                 Match::kText, true),
              OfficeName("office_id"),
              ProjectName("project_id"),
              ProjectType("project_id"),
          },
      .unique = {{"action_id", "resource_id"}},
      .maintained_columns = kTimestamps,
  };
}

std::vector<Entity> Demands() { return {DemandEntity()}; }

// ---- Attachments: files kept in the certo file ----------------------------------------------

// An attachment path: segments separated by '/', none empty, "." or "..", no leading or
// trailing '/', no backslash or control character.
void PathRule(const Json& r, std::vector<FieldError>& errors) {
  if (!r.contains("attachment_path") || !r["attachment_path"].is_string()) return;
  const std::string path = r["attachment_path"].get<std::string>();
  if (path.empty()) return;  // "is required" says it
  std::string problem;
  if (path.front() == '/' || path.back() == '/') {
    problem = "must not begin or end with '/'";
  } else if (path.find('\\') != std::string::npos) {
    problem = "must separate directories with '/', not '\\'";
  } else {
    for (unsigned char c : path) {
      if (c < 0x20 || c == 0x7f) problem = "must not contain control characters";
    }
    size_t start = 0;
    while (problem.empty() && start <= path.size()) {
      size_t end = path.find('/', start);
      if (end == std::string::npos) end = path.size();
      const std::string segment = path.substr(start, end - start);
      if (segment.empty() || segment == "." || segment == "..") {
        problem = "must not contain empty, '.' or '..' segments";
      }
      start = end + 1;
    }
  }
  if (!problem.empty()) errors.push_back({"attachment_path", problem});
}

// The directory part of t.attachment_path ("" at the top): everything before the last '/'.
std::string ParentPathSql() {
  const std::string upto = "rtrim(t.attachment_path, replace(t.attachment_path, '/', ''))";
  return "CASE WHEN instr(t.attachment_path, '/') = 0 THEN '' ELSE substr(" + upto +
         ", 1, length(" + upto + ") - 1) END";
}

// root_path v: the row at path v and every row under it.
std::optional<FilterSql> UnderPath(const Json& value, const std::string&, std::string& error) {
  if (!value.is_string() || value.get<std::string>().empty()) {
    error = "must be a non-empty path";
    return std::nullopt;
  }
  std::string root = value.get<std::string>();
  while (!root.empty() && root.back() == '/') root.pop_back();
  return FilterSql{
      "(t.attachment_path = ? OR substr(t.attachment_path, 1, length(?) + 1) = ? || '/')",
      {root, root, root}};
}

Entity AttachmentEntity() {
  Computed root = Ro("root_path",
                     "CASE WHEN instr(t.attachment_path, '/') = 0 THEN t.attachment_path"
                     " ELSE substr(t.attachment_path, 1, instr(t.attachment_path, '/') - 1) END",
                     Match::kExact);
  root.filter = UnderPath;
  return Entity{
      .collection = "attachment",
      .table = "attachment",
      .event_prefix = "ATTACHMENT",
      .id = "attachment_id",
      .project_field = "project_id",
      .office_field = "",
      .fields = {Project(), Str("attachment_path", 1024).Req().Imm().Exact().Sort(),
                 Text("description").Like(), Str("mime_type", 255).Exact()},
      .computed =
          {
              Ro("parent_path", ParentPathSql(), Match::kExact, true),
              root,
              Ro("is_directory", "t.is_directory", Match::kExact, false, JsonKind::kBool),
              Ro("size", "t.size", Match::kExact, true, JsonKind::kInt),
              Ro("sha256", "t.sha256", Match::kExact),
              ProjectName("project_id"),
              ProjectType("project_id"),
          },
      .unique = {{"project_id", "attachment_path"}},
      .rules = {PathRule},
      .maintained_columns = {"is_directory", "size", "sha256", "content", "created_at",
                             "updated_at"},
  };
}

// entity_id may name a row of any collection listed in before that belongs to a project.
Entity EntityAttachmentEntity(const std::vector<Entity>& before) {
  std::vector<RefTarget> targets;
  std::string type_sql = "CASE";
  for (const Entity& e : before) {
    if (e.collection == "attachment") continue;
    targets.push_back({"", e.collection});
    type_sql += " WHEN EXISTS (SELECT 1 FROM " + std::string(e.table) + " x WHERE x." +
                std::string(e.id) + " = t.entity_id) THEN '" + std::string(e.collection) + "'";
  }
  type_sql += " END";
  F entity("entity_id", FieldType::kUuid);
  // a link, not a child: retiring the row does not retire its evidence
  entity.f.ref = Ref{.targets = targets, .parent = false};
  return Entity{
      .collection = "entity-attachment",
      .table = "entity_attachment",
      .event_prefix = "ENTITY_ATTACHMENT",
      .id = "entity_attachment_id",
      .project_field = "project_id",
      .office_field = "",
      .fields = {Project(), entity.Req().Imm().Exact(), RefTo("attachment_id", "attachment")},
      .computed =
          {
              Ro("attachment_path",
                 Lookup("attachment", "attachment_path", "attachment_id", "attachment_id"),
                 Match::kExact, true),
              Ro("entity_type", type_sql, Match::kExact),
              ProjectName("project_id"),
          },
      .unique = {{"entity_id", "attachment_id"}},
      .maintained_columns = kTimestamps,
  };
}

std::vector<Entity> Attachments(const std::vector<Entity>& before) {
  std::vector<Entity> group{AttachmentEntity()};
  std::vector<Entity> all = before;
  all.push_back(group.front());
  group.push_back(EntityAttachmentEntity(all));
  return group;
}

// ---- All of them ----------------------------------------------------------------------------

// Parents before children: each group refers only to itself and the groups before it.
std::vector<Entity> Build() {
  std::vector<Entity> all;
  for (auto group :
       {Organisation, Resources, Inventory, Requirements, Schedule, Incidents, Demands}) {
    for (Entity& e : group()) all.push_back(std::move(e));
  }
  for (Entity& e : Attachments(all)) all.push_back(std::move(e));  // links to any of them
  // Every historicizable row has an existence period (DESIGN.md section 1): in force from
  // active_from (null: always) until retired_on.
  for (Entity& e : all) {
    if (!e.historicizable) continue;
    e.fields.push_back(Day("active_from").Exact().Sort().f);
    e.rules.push_back(ActiveBeforeRetired);
  }
  // Every row says when it was written; the store stamps both columns (never the client).
  for (Entity& e : all) {
    for (std::string_view stamp : {kCreatedAt, kUpdatedAt}) {
      e.computed.push_back(Ro(stamp, "t." + std::string(stamp), Match::kExact, true));
    }
  }
  return all;
}

}  // namespace

const Field* Entity::FindField(std::string_view name) const {
  for (const Field& f : fields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

const Computed* Entity::FindComputed(std::string_view name) const {
  for (const Computed& c : computed) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// The read-only fields that show a date, kind kDate: Engine::DateFields lists them with the date
// fields, and the Python bindings read them as datetime.date. A test checks each one exists and
// that a record holds no other date.
static std::vector<Entity> MarkDates(std::vector<Entity> all) {
  static constexpr std::pair<std::string_view, std::string_view> kDates[] = {
      {"person-office", "person_birth_date"},
      {"action-subscription", "certificate_date_release"},
      {"action-subscription", "certificate_date_expire"},
      {"certificate-action", "date_release"},
      {"incident-action", "incident_date"},
      {"incident-person", "incident_date"},
      {"certificate", "revoked_on"},
  };
  for (const auto& [collection, name] : kDates) {
    for (Entity& e : all) {
      if (e.collection != collection) continue;
      for (Computed& c : e.computed) {
        if (c.name == name) c.kind = JsonKind::kDate;
      }
    }
  }
  return all;
}

const std::vector<Entity>& Entities() {
  static const std::vector<Entity> all = MarkDates(Build());
  return all;
}

const Entity* FindEntity(std::string_view collection) {
  for (const Entity& e : Entities()) {
    if (e.collection == collection) return &e;
  }
  return nullptr;
}

}  // namespace certo::internal
