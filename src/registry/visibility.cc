// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Historicization as SQL: whether a row and its parents are in force as of certo_as_of(): from
// active_from (null: always) until the day before retired_on (null: still).

#include <vector>

#include "registry/registry.h"

namespace certo::internal {

namespace {

std::string ParentActive(const Entity& e, const std::string& alias, int& counter);

std::string Active(const Entity& e, const std::string& alias, int& counter) {
  std::string parents = ParentActive(e, alias, counter);
  if (!e.historicizable) return parents;
  std::string owned = OwnedActiveSql(e, alias);
  return parents == "1" ? owned : "(" + owned + " AND " + parents + ")";
}

// 1 when every parent row (transitively) is active; parents are the `parent` references.
std::string ParentActive(const Entity& e, const std::string& alias, int& counter) {
  std::vector<std::string> parts;
  for (const Field& f : e.fields) {
    if (!f.IsRef() || !f.ref.parent) continue;
    auto one = [&](const RefTarget& target) -> std::string {
      const Entity& p = *FindEntity(target.collection);
      std::string inner = alias + "_" + std::to_string(++counter);
      std::string active = Active(p, inner, counter);
      if (active == "1") return "1";
      return "COALESCE((SELECT " + active + " FROM " + std::string(p.table) + " " + inner +
             " WHERE " + inner + "." + std::string(p.id) + " = " + alias + "." +
             std::string(f.name) + "), 1)";
    };
    if (f.ref.type_field.empty()) {
      std::string part = one(f.ref.targets.front());
      if (part != "1") parts.push_back(part);
    } else {
      std::string part = "CASE " + alias + "." + std::string(f.ref.type_field);
      for (const RefTarget& t : f.ref.targets) {
        part += " WHEN '" + std::string(t.type_value) + "' THEN " + one(t);
      }
      parts.push_back(part + " ELSE 1 END");
    }
  }
  if (parts.empty()) return "1";
  std::string joined;
  for (const std::string& p : parts) joined += (joined.empty() ? "" : " AND ") + p;
  return "(" + joined + ")";
}

}  // namespace

std::string OwnedActiveSql(const Entity&, const std::string& alias) {
  return "((" + alias + ".retired_on IS NULL OR " + alias + ".retired_on > certo_as_of()) AND (" +
         alias + ".active_from IS NULL OR " + alias + ".active_from <= certo_as_of()))";
}

std::string InForceOnSql(const Entity& e, const std::string& alias, const std::string& day) {
  const std::string hidden = alias + "." + std::string(e.hidden_from);
  const std::string shown = alias + "." + std::string(e.shown_from);
  return "((" + hidden + " IS NULL OR " + hidden + " > " + day + ") AND (" + shown +
         " IS NULL OR " + shown + " <= " + day + "))";
}

std::string ActiveSql(const Entity& e, const std::string& alias) {
  if (!e.hidden_from.empty()) return InForceOnSql(e, alias, "certo_as_of()");
  int counter = 0;
  return Active(e, alias, counter);
}

std::string ParentActiveSql(const Entity& e, const std::string& alias) {
  int counter = 0;
  const std::string walk = ParentActive(e, alias, counter);
  if (e.hidden_from.empty() || walk == "1") return walk;
  // A row in force has every parent in force (its stored period is the intersection of theirs),
  // so the walk, a lookup per level, is needed only for the rows out of force: few in a read.
  return "(CASE WHEN " + InForceOnSql(e, alias, "certo_as_of()") + " THEN 1 ELSE " + walk + " END)";
}

}  // namespace certo::internal
