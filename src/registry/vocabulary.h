// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The domain's words, each spelled once: the action types and the subscriber types. The entity
// descriptors (the action_type enums, the polymorphic subscriber and resource references, their
// name and type SQL, which subscriber types an action type admits, what people hold through
// entity-employee rows), the report's groups and the public lists of certo/report.h are all
// derived from these two tables. The visibility triggers of a subscriber type live in schema SQL;
// tests/registry/vocabulary_test.cc fails when a type of the table lacks them.

#pragma once

#include <string_view>
#include <utility>
#include <vector>

namespace certo::internal {

// The action types, in the order the report lists them (ComplianceReport::action_types).
const std::vector<std::string_view>& ActionTypes();

// Where a schedule row comes from (action_subscription.origin, schema 10): made by hand, or
// derived from demands (DESIGN.md section 2.2). The schema's triggers write the same two words.
inline constexpr std::string_view kOriginManual = "MANUAL";
inline constexpr std::string_view kOriginDerived = "DERIVED";

// A kind of resource a schedule row (action_subscription.subscriber_type) or a certificate
// (its computed resource_type) can be about.
struct SubscriberType {
  std::string_view name;        // "WORK_ENVIRONMENT": the value of subscriber_type
  std::string_view collection;  // "work-environment": the entity whose rows subscribe
  std::string_view table;       // "work_environment": that entity's table
  std::string_view key;         // "office_work_environment_id": that table's id column
  // How a row of this type is named in reads (subscriber_name, resource_name) and in the
  // report's "who / what": SQL over the row aliased x.
  std::string_view label_sql;
  // The action types whose actions this type may subscribe to (DESIGN.md section 1).
  std::vector<std::string_view> admitted_by;
  // People hold rows of this type through entity-employee rows (its "type" field).
  bool held_by_people = false;
  // A demand may name a row of this type as its resource (DESIGN.md section 1: a role, work
  // group, equipment, work environment, substance or a whole office).
  bool demanded = false;
};

// Every subscriber type, in the order of subscriber_type's enum. (4hse's SUPPLIER subscribers
// have no entity in certo yet.)
const std::vector<SubscriberType>& SubscriberTypes();

// Older spellings of subscriber types that input still accepts, each with the name it stands
// for ({"MATERIAL_ITEM", "PPE"}: older 4hse documents): stored and answered as the new name,
// and accepted by filters.
const std::vector<std::pair<std::string_view, std::string_view>>& OlderSubscriberTypeNames();

// The subscriber type named name, or nullptr.
const SubscriberType* FindSubscriberType(std::string_view name);

// The subscriber types an action of action_type admits, in the order of SubscriberTypes().
std::vector<std::string_view> AdmittedSubscriberTypes(std::string_view action_type);
// True when an action of action_type admits subscribers of subscriber_type (false for unknown
// names).
bool Admits(std::string_view action_type, std::string_view subscriber_type);

}  // namespace certo::internal
