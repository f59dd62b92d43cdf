// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The generic store: create, view, update, index, delete and historicize for any entity, driven
// by its descriptor (registry.h), and the events every write appends to the outbox. Methods throw
// StatusError (db.h) on failure and run inside the caller's WriteScope; the Engine provides both.
// It is also the one place for the pieces of every other query over an entity (schedule/,
// report/, people_sync/): a filter's conditions and binds (Store::Where, WhereSql, BindValues)
// and paging (CheckPaging, PageCount, BindPage, IndexAll).

#pragma once

#include "certo/query.h"
#include "certo/record.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/calendar.h"
#include "db/db.h"
#include "db/sql_functions.h"
#include "registry/registry.h"

namespace certo::internal {

// ---- Conditions, binds and paging -----------------------------------------------------------

// The largest page an index returns (Query::per_page).
inline constexpr int kMaxPerPage = 1000;

// Adds the errors of a page request: per-page must be 1..kMaxPerPage, page at least 1.
void CheckPaging(int page, int per_page, std::vector<FieldError>& errors);
// " WHERE c1 AND c2 ..." for the conditions, "" for none.
std::string WhereSql(const std::vector<std::string>& conditions);
// Binds values to the parameters of st from index first on; returns the next free index.
int BindValues(SQLite::Statement& st, const std::vector<Json>& values, int first = 1);
// The number of pages of per_page rows that total rows fill. REQUIRES: per_page >= 1.
int PageCount(int64_t total, int per_page);
// Binds "LIMIT ? OFFSET ?" for page (1-based) of per_page rows at index and index + 1.
void BindPage(SQLite::Statement& st, int index, int page, int per_page);

class Store {
 public:
  Store(Db& db, SqlContext& ctx) : db_(db), ctx_(ctx) {}
  // The day reads are evaluated at (Query::as_of, else the engine's today).
  Date AsOf() const { return ctx_.AsOf(); }

  // Returns the stored record with its computed fields, or (full = false, for bulk paths) only
  // the stored fields.
  Json Create(const Entity& e, const Json& input, bool full = true);
  // Any row, retired or not; throws kNotFound.
  Json View(const Entity& e, std::string_view id);
  Json Update(const Entity& e, std::string_view id, const Json& changes);
  // total: the count of the rows query matches, when the caller knows it (no count is run).
  Page Index(const Entity& e, const Query& query, std::optional<int64_t> total = std::nullopt);
  // The rows of ids (a JSON array of ids) in that order, retired or not; ids with no row are
  // left out.
  std::vector<Json> Rows(const Entity& e, const Json& ids);
  // Every row query matches, read page by page in its order (query.page and per_page ignored).
  std::vector<Json> IndexAll(const Entity& e, Query query);
  DeleteResult Delete(const Entity& e, std::string_view id, bool force);
  // The id of the row with this code in the project (retired rows included); throws kNotFound
  // for none, kConflict when the code names several, kValidation when e has no code.
  std::string IdByCode(const Entity& e, std::string_view project_id, std::string_view code);
  // date: the retirement date, or nullopt to restore.
  Json SetRetired(const Entity& e, std::string_view id, std::optional<Date> date);
  // Revokes certificate id from date with reason ("" = none; nullopt date: unrevokes, reason
  // ignored) and emits CERTIFICATE::REVOKE or ::UNREVOKE; no change emits nothing. Returns the
  // record. Throws kNotFound, kValidation (reason: at most kMaxRevokeReason characters).
  Json SetRevoked(std::string_view id, std::optional<Date> date, std::string_view reason);
  static constexpr size_t kMaxRevokeReason = 1000;

  // ---- Building blocks for other queries over an entity (schedule.cc) ----

  // "col AS name, ..." for every JSON field of e over alias t, in JSON order, read from
  // "FROM <e.table> t" followed by Joins(e).
  const std::string& Columns(const Entity& e);
  const std::string& Joins(const Entity& e);
  // The SQL (over alias t) of one JSON field of e: its id, a field or a computed field.
  std::string Expression(const Entity& e, std::string_view name);
  // The conditions (over alias t) of a filter, plus visibility unless history.
  // Errors are added to errors with field "filter.<key>".
  void Where(const Entity& e, const Json& filter, bool history, std::vector<std::string>& where,
             std::vector<Json>& binds, std::vector<FieldError>& errors);
  // The record in the current row of st, whose columns start at first.
  static Json RowJson(const Entity& e, SQLite::Statement& st, int first = 0);
  // Binds a JSON value (null, string, integer, boolean, float) to parameter index of st.
  static void Bind(SQLite::Statement& st, int index, const Json& value);
  // The JSON value of a stored column of a field of this type (JSON fields parsed).
  static Json ColumnValue(const SQLite::Column& column, FieldType type);
  // The stored fields of a row (no computed ones), or nullopt.
  std::optional<Json> Load(const Entity& e, std::string_view id);
  // The record with each field read through read_sql (a link's date_expire) as a read would
  // show it: what events carry.
  Json InForce(const Entity& e, const Json& record);
  // Appends an event to the outbox.
  void Emit(const Entity& e, std::string_view verb, const std::string& id, const Json& payload);

 private:
  // Each entity's fixed statements, built once.
  struct EntitySql {
    std::string view, load, scope, insert, remove;
    std::vector<std::string> copies;  // per Entity::copies: the parent value's SELECT
  };
  const EntitySql& SqlOf(const Entity& e);

  // The project and office of a row (never change), cached until a rollback or delete.
  struct Scope {
    std::string project, office;
  };
  std::optional<Scope> ScopeOf(const Entity& p, const std::string& id);
  // One never-changing field of a row, for DbRules; cached like scopes.
  Json Fact(const Entity& p, const std::string& id, std::string_view field);
  void ForgetIfStale();
  void DeriveScope(const Entity& e, Json& record);

  std::optional<Json> CheckValue(const Field& f, const Json& value, std::vector<FieldError>& out);
  void CheckRefs(const Entity& e, const Json& record, const std::vector<const Field*>& fields,
                 std::vector<FieldError>& out);
  void CheckDbRules(const Entity& e, const Json& record, std::vector<FieldError>& out);
  void CheckUnique(const Entity& e, const Json& record, std::string_view id);
  std::vector<RowRef> Dependants(const Entity& e, std::string_view id);
  // Fails with a Conflict when id is a derived schedule row (DESIGN.md section 2.2), naming the
  // demand and assignment to change instead: its existence follows them, so `what` (deleting,
  // historicizing, moving its start) by hand would be undone by the next write that touches it.
  void RefuseDerived(const Entity& e, const std::string& id, std::string_view what);
  // The SQL expression of a field or computed field, over alias t.
  std::string FieldSql(const Entity& e, const Field& f) const;
  const std::string& ComputedSql(const Entity& e, const Computed& c);

  Db& db_;
  SqlContext& ctx_;
  std::vector<std::string> columns_;                // by entity index
  std::vector<std::string> joins_;                  // by entity index
  std::vector<std::string> rows_sql_;               // by entity index: Rows' statement
  std::vector<std::vector<std::string>> computed_;  // by entity index, by computed index
  std::vector<EntitySql> sql_;                      // by entity index
  std::unordered_map<std::string, Scope> scopes_;   // "table/id"
  std::unordered_map<std::string, Json> facts_;     // "table/id/field"
  uint64_t seen_rollbacks_ = 0;
  Date emitted_on_{};  // the day emitted_on_text_ spells
  std::string emitted_on_text_;
};

}  // namespace certo::internal
