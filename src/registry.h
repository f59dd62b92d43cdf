// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
// The entity registry: one descriptor per entity. A descriptor names the entity's table, id,
// fields (type, limits, required, enum, immutability), parent references, read-only joined
// fields, filters and sort keys, and cross-field rules. The generic store (store.h) derives
// validation, SQL, filtering, sorting, JSON shape and the delete preview from it; nothing else
// in certo knows an entity's fields.

#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "certo/record.h"
#include "certo/status.h"

namespace certo::internal {

enum class FieldType {
  kUuid,    // a UUID; with refs, a reference to another row
  kString,  // short text with a max length
  kText,    // long text, no limit
  kInt,     // 64-bit integer with optional bounds
  kBool,    // 0/1 (true/false accepted on input)
  kDate,    // YYYY-MM-DD, a real calendar date
  kEnum,    // one of a fixed list of strings
  kCountry, // ISO 3166-1 alpha-2: two upper-case letters
  kJson,    // any JSON value, stored as JSON text
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
  bool parent = true;  // historicizing the target hides this row (parent_active)
};

struct Field {
  std::string_view name;
  FieldType type = FieldType::kString;
  bool required = false;
  bool immutable = false;  // accepted on create, refused on update
  int max_length = 0;      // kString: maximum characters (code points); 0 = unlimited
  long long min = 0, max = 0;  // kInt bounds when min < max
  std::vector<std::string_view> enum_values;  // kEnum
  std::string_view default_value;             // applied on create when absent ("" = none)
  Ref ref;                                    // kUuid references (targets empty = none)
  Match match = Match::kNone;
  bool sortable = false;

  bool IsRef() const { return !ref.targets.empty(); }
};

// A read-only field computed at read time by an SQL expression over the row aliased `t`
// (and certo_today(), the engine's date).
enum class JsonKind { kString, kInt, kBool };
struct Computed {
  std::string_view name;
  std::string sql;
  JsonKind kind = JsonKind::kString;
  Match match = Match::kNone;
  bool sortable = false;
};

// A cross-field rule, run on the merged record (create: the input; update: stored + changes).
using Rule = std::function<void(const Json& record, std::vector<FieldError>& errors)>;

struct Entity {
  std::string_view collection;    // "person-office": JSON path segment
  std::string_view table;         // "person_office": SQL table
  std::string_view event_prefix;  // "PERSON_OFFICE": event names ENTITY::CREATE
  std::string_view id;            // "person_office_id"
  std::string_view project_field;  // "project_id" or "tenant_id" ("" for project itself)
  std::string_view office_field;   // "office_id" or "subtenant_id" ("" when not office-level)
  bool historicizable = false;
  std::vector<Field> fields;        // writable fields, id excluded, in JSON order
  std::vector<Computed> computed;   // read-only fields, in JSON order
  std::vector<std::vector<std::string_view>> unique;  // unique keys, for 409 messages
  std::vector<Rule> rules;

  const Field* FindField(std::string_view name) const;
  const Computed* FindComputed(std::string_view name) const;
};

// All entities, parents before children.
const std::vector<Entity>& Entities();
// The entity of a collection, or nullptr.
const Entity* FindEntity(std::string_view collection);

}  // namespace certo::internal
