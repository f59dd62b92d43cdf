// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The entity registry: one descriptor per entity. A descriptor names the entity's table, id,
// fields (type, limits, required, enum, immutability), parent references, read-only joined
// fields, filters and sort keys, and cross-field rules. The generic store (store.h) derives
// validation, SQL, filtering, sorting, JSON shape and the delete preview from it; nothing else
// in certo knows an entity's fields.

#pragma once

#include "certo/record.h"
#include "certo/status.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace certo::internal {

enum class FieldType {
  kUuid,     // a UUID; with refs, a reference to another row
  kString,   // short text with a max length
  kText,     // long text, no limit
  kInt,      // 64-bit integer with optional bounds
  kBool,     // 0/1 (true/false accepted on input)
  kDate,     // YYYY-MM-DD, a real calendar date
  kEnum,     // one of a fixed list of strings
  kCountry,  // ISO 3166-1 alpha-2: two upper-case letters
  kJson,     // any JSON value, stored as JSON text
};

enum class Match {
  kNone,   // not filterable
  kExact,  // equality; a JSON array means "any of"
  kText,   // case-insensitive substring
};

// One target of a reference: the referenced collection, and for polymorphic references the
// value of the type field that selects it ("" for plain references).
struct RefTarget {
  std::string_view type_value;
  std::string_view collection;
};

// A field that points at another row. The engine checks that the row exists and belongs to the
// same project (and office, when same_office). Deleting the target lists and removes this row.
struct Ref {
  std::vector<RefTarget> targets;  // one for a plain reference
  std::string_view type_field;     // selects the target by value; "" = any target that matches
  bool same_office = false;        // the parent's office must equal this row's office
  bool parent = true;              // historicizing the target hides this row (parent_active)
};

struct Field {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;
  bool immutable = false;      // accepted on create, refused on update
  int max_length = 0;          // kString: maximum characters (code points); 0 = unlimited
  long long min = 0, max = 0;  // kInt bounds when min < max
  std::vector<std::string_view> enum_values;  // kEnum
  // kEnum: older names still accepted on input and in filters, each with the value it stands
  // for (stored and answered as that value).
  std::vector<std::pair<std::string_view, std::string_view>> enum_aliases;
  std::string_view default_value;  // applied on create when absent ("" = none)
  Ref ref;                         // kUuid references (targets empty = none)
  Match match = Match::kNone;
  bool sortable = false;
  // What reads return for this field, when not the column itself: an SQL expression over the
  // row aliased `t` (e.g. a link's date_expire in force). Filters and sort use it too.
  std::string read_sql;

  bool IsRef() const { return !ref.targets.empty(); }
};

// An exact filter written as SQL over `t` rather than as equality (e.g. status, whose values are
// ranges of stored dates). Adds the condition and its bound values, or returns an error message.
struct FilterSql {
  std::string condition;  // with ? placeholders
  std::vector<Json> binds;
};
using CustomFilter = std::function<std::optional<FilterSql>(
    const Json& value, const std::string& as_of, std::string& error)>;

// A read-only field computed at read time by an SQL expression over the row aliased `t` and
// certo_as_of() (the date of the read: Query::as_of, else the engine's today).
// kDate: a YYYY-MM-DD string, a date shown from another row or kept by triggers (the bindings
// read such fields as dates: Engine::DateFields).
enum class JsonKind { kString, kInt, kBool, kDate, kJson };  // kJson: the SQL gives JSON text
// A row a read joins once (LEFT JOIN <table> ON <alias>.<key> = t.<field> [AND <when>]) in
// place of a subquery per field and row: an action's code, name and type come from one join.
// key is unique in table, so a join adds no row and leaves a missing row's values null, exactly
// as the subquery did.
struct RowJoin {
  std::string table, key, field;
  std::string when;  // a condition over t alone (a subscriber's type), "" for none
  bool operator==(const RowJoin&) const = default;
};
struct Computed {
  std::string_view name;
  std::string sql;
  JsonKind kind = JsonKind::kString;
  Match match = Match::kNone;
  bool sortable = false;
  CustomFilter filter;  // replaces equality when set
  // A copy of another entity's field (e.g. an action's action_type shown on its links): exact
  // filter values are checked by that field's rules (enum, date, ...).
  std::string_view mirror_collection, mirror_field;
  std::string sort_sql;  // what sort orders by, when not sql (e.g. an indexed column)
  std::function<std::string()> make_sql;  // builds sql on first use when set (needs the registry)
  // The same value over the rows of joins ($0, $1, ... name their aliases), which reads of whole
  // rows (Store::Columns) take; empty: sql. Filters and sorts keep sql.
  std::vector<RowJoin> joins;
  std::string joined_sql;
  // What filter values must be (kDate: a real calendar date), when not a mirror's field.
};

// A cross-field rule, run on the merged record (create: the input; update: stored + changes).
using Rule = std::function<void(const Json& record, std::vector<FieldError>& errors)>;

// A rule that reads other rows. find(collection, id, field) returns one stored field of a row,
// or null; it runs after the references of the record were checked. Immutable fields (such as
// an action_type) are cached by the store for the transaction; others are read each time.
using Finder =
    std::function<Json(std::string_view collection, const std::string& id, std::string_view field)>;
using DbRule =
    std::function<void(const Json& record, const Finder& find, std::vector<FieldError>& errors)>;

struct Entity {
  std::string_view collection;     // "person-office": JSON path segment
  std::string_view table;          // "person_office": SQL table
  std::string_view event_prefix;   // "PERSON_OFFICE": event names ENTITY::CREATE
  std::string_view id;             // "person_office_id"
  std::string_view project_field;  // "project_id" or "tenant_id" ("" for project itself)
  std::string_view office_field;   // "office_id" or "subtenant_id" ("" when not office-level)
  bool historicizable = false;
  std::vector<Field> fields;                          // writable fields, id excluded, in JSON order
  std::vector<Computed> computed;                     // read-only fields, in JSON order
  std::vector<std::vector<std::string_view>> unique;  // unique keys, for 409 messages
  std::vector<Rule> rules;
  std::vector<DbRule> db_rules;
  // Boolean options a create accepts beside the fields (never stored), e.g. person's unique_code.
  std::vector<std::string_view> create_options;
  // Columns kept by triggers (never in JSON as such): the registry test accounts for them.
  std::vector<std::string_view> maintained_columns;
  // Columns filled at creation from a field of a referenced row, then kept current by triggers
  // (never in JSON as such), e.g. a link's resource_id copied from its certificate.
  struct Copy {
    std::string_view column, ref_field, parent_field;
  };
  std::vector<Copy> copies;
  // A trigger-maintained date from which the row is hidden (its own or a parent's retirement),
  // used instead of walking the parent chain when filtering by visibility ("" = walk it).
  std::string_view hidden_from;
  // Beside it, the trigger-maintained date from which the row is in force (the latest
  // active_from of it and its parents; "" = walk the chain).
  std::string_view shown_from;

  const Field* FindField(std::string_view name) const;
  const Computed* FindComputed(std::string_view name) const;
};

// Every entity's read-only write times (UTC "YYYY-MM-DDTHH:MM:SSZ"), computed fields over columns
// of the same names that the store sets on each write.
inline constexpr std::string_view kCreatedAt = "created_at";
inline constexpr std::string_view kUpdatedAt = "updated_at";

// SQL that is 1 when the row aliased `alias` of e is active as of certo_as_of(): not retired,
// and (transitively) no parent retired.
std::string ActiveSql(const Entity& e, const std::string& alias);
// For an entity with stored period columns (hidden_from, shown_from): the row is in force on day,
// an SQL expression written twice ("certo_as_of()", "?", a column...).
// REQUIRES: !e.hidden_from.empty().
std::string InForceOnSql(const Entity& e, const std::string& alias, const std::string& day);
// Same for the row itself only (owned_active).
std::string OwnedActiveSql(const Entity& e, const std::string& alias);
// Same for the parents only.
std::string ParentActiveSql(const Entity& e, const std::string& alias);

// All entities, parents before children.
const std::vector<Entity>& Entities();
// The entity of a collection, or nullptr.
const Entity* FindEntity(std::string_view collection);

}  // namespace certo::internal
