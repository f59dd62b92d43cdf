// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
// The generic store: create, view, update, index, delete and historicize for any entity, driven
// by its descriptor (registry.h). Methods throw StatusError (db.h) on failure and run inside the
// caller's WriteScope; the Engine provides both.

#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "calendar.h"
#include "certo/engine.h"
#include "certo/query.h"
#include "certo/record.h"
#include "db.h"
#include "registry.h"

namespace certo::internal {

class Store {
 public:
  explicit Store(Db& db) : db_(db) {}

  Json Create(const Entity& e, const Json& input);
  // Any row, retired or not; throws kNotFound.
  Json View(const Entity& e, std::string_view id);
  Json Update(const Entity& e, std::string_view id, const Json& changes);
  Page Index(const Entity& e, const Query& query);
  DeleteResult Delete(const Entity& e, std::string_view id, bool force);
  // date: the retirement date, or nullopt to restore.
  Json SetRetired(const Entity& e, std::string_view id, std::optional<Date> date);

  // The SELECT listing every JSON column of e (stored, computed, activity) over alias t.
  const std::string& SelectSql(const Entity& e);

 private:
  // The stored fields of a row (no computed ones), or nullopt.
  std::optional<Json> Load(const Entity& e, std::string_view id);
  // Checks the value of field f; returns the normalized value or adds an error.
  std::optional<Json> CheckValue(const Field& f, const Json& value, std::vector<FieldError>& out);
  // Resolves and checks references (existence, project, office) of the named fields.
  void CheckRefs(const Entity& e, const Json& record, const std::vector<const Field*>& fields,
                 std::vector<FieldError>& out);
  void CheckUnique(const Entity& e, const Json& record, std::string_view id);
  // Collects the row and its dependants in breadth-first order.
  std::vector<RowRef> Dependants(const Entity& e, std::string_view id);

  Db& db_;
  std::vector<std::string> select_sql_;  // by entity index
};

}  // namespace certo::internal
