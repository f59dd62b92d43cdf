// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "sync/record.h"

#include <algorithm>
#include <map>

#include <sqlite3.h>

#include "base/uuid.h"
#include "db/schema.h"
#include "registry/registry.h"
#include "registry/vocabulary.h"

namespace certo::internal {

namespace {

constexpr std::string_view kSchedule = "action_subscription";

// The schedule's trigger-kept columns: its cover timeline and its visibility (schema 3, 8).
// origin is kept by no trigger (a hand-made row is MANUAL, a derived one DERIVED) and travels.
bool IsScheduleDerived(const std::string& column) {
  static const std::vector<std::string> derived = [] {
    std::vector<std::string> names;
    for (const Entity& e : Entities()) {
      if (e.table != kSchedule) continue;
      for (std::string_view c : e.maintained_columns) {
        if (c != "origin") names.emplace_back(c);
      }
    }
    return names;
  }();
  return std::find(derived.begin(), derived.end(), column) != derived.end();
}

int Rank(const std::string& table) {
  const auto& tables = RecordTables();
  return static_cast<int>(std::find(tables.begin(), tables.end(), table) - tables.begin());
}

int ColumnIndex(const std::vector<std::string>& cols, std::string_view name) {
  for (size_t i = 0; i < cols.size(); ++i) {
    if (cols[i] == name) return static_cast<int>(i);
  }
  return -1;
}

bool IsDerivedRow(Db& db, const Change& c, const std::vector<std::string>& cols) {
  const int origin = ColumnIndex(cols, "origin");
  const auto& values = c.op == Op::kInsert ? c.new_values : c.old_values;
  if (origin >= 0 && values[origin]) return values[origin]->bytes == kOriginDerived;
  // An update that did not change origin: the row says.
  SQLite::Statement& st =
      db.Cached("SELECT origin FROM action_subscription WHERE action_subscription_id = ?");
  st.bind(1, c.Key());
  const bool derived = st.executeStep() && st.getColumn(0).getString() == kOriginDerived;
  st.reset();
  return derived;
}

void Upsert(Db& db, const std::string& sql, const std::vector<std::string>& args) {
  SQLite::Statement& st = db.Cached(sql);
  for (size_t i = 0; i < args.size(); ++i) st.bind(static_cast<int>(i + 1), args[i]);
  st.exec();
}

}  // namespace

std::function<void(std::string_view step)> TEST_SyncStep;

std::optional<SyncNode> ReadSyncNode(Db& db) {
  SQLite::Statement& st = db.Cached(
      "SELECT role, node_id, coalesce(hub_id, ''), coalesce(project_id, ''), position, "
      "min_schema, coalesce(office_id, '') FROM sync_state WHERE id = 1");
  if (!st.executeStep()) return std::nullopt;
  SyncNode node{st.getColumn(0).getString(), st.getColumn(1).getString(),
                st.getColumn(2).getString(), st.getColumn(3).getString(),
                st.getColumn(6).getString(), st.getColumn(4).getInt64(),
                st.getColumn(5).getInt()};
  st.reset();
  return node;
}

const std::vector<std::string>& RecordTables() {
  static const std::vector<std::string> tables = [] {
    std::vector<std::string> names;
    for (const Entity& e : Entities()) names.emplace_back(e.table);
    return names;
  }();
  return tables;
}

std::vector<std::string> TableColumns(Db& db, const std::string& table) {
  return db.Columns(table);
}

bool IsDerivedColumn(const std::string& table, const std::string& column) {
  return table == kSchedule && IsScheduleDerived(column);
}

std::vector<Change> Ordered(std::vector<Change> changes) {
  std::stable_sort(changes.begin(), changes.end(), [](const Change& a, const Change& b) {
    const bool da = a.op == Op::kDelete, db = b.op == Op::kDelete;
    if (da != db) return da;                       // deletes first,
    if (da) return Rank(a.table) > Rank(b.table);  // children first;
    return Rank(a.table) < Rank(b.table);          // then the rest, parents first
  });
  return changes;
}

std::vector<Change> Travelling(Db& db, std::vector<Change> raw) {
  std::vector<Change> out;
  std::map<std::string, std::vector<std::string>> columns;
  for (Change& c : raw) {
    if (c.indirect) continue;  // triggers made it; the receiving side's triggers make it again
    if (c.table == kSchedule) {
      auto& cols = columns.try_emplace(c.table, TableColumns(db, c.table)).first->second;
      const bool derived_row = IsDerivedRow(db, c, cols);
      if (derived_row && c.op != Op::kUpdate) continue;  // its demand and assignment travel
      bool changed = false;
      for (size_t i = 0; i < cols.size(); ++i) {
        if (c.pk[i]) continue;
        // A derived row's own data is the one thing set on it by hand (README, "Derived").
        const bool drop =
            IsDerivedColumn(c.table, cols[i]) ||
            (derived_row && cols[i] != "data" && cols[i] != std::string_view(kUpdatedAt));
        if (c.op == Op::kUpdate) {
          if (drop) c.old_values[i] = c.new_values[i] = std::nullopt;
          if (c.new_values[i] && cols[i] != std::string_view(kUpdatedAt)) changed = true;
        } else if (drop) {
          (c.op == Op::kInsert ? c.new_values : c.old_values)[i] = Value{};
        }
      }
      if (c.op == Op::kUpdate && !changed) continue;
    }
    out.push_back(std::move(c));
  }
  return Ordered(std::move(out));
}

RecordScope::RecordScope(Db& db, bool top, const RecordAs& as) : db_(db), as_(as) {
  if (!top || as.suppress) return;
  node_ = ReadSyncNode(db_);
  if (!node_) return;
  sqlite3_session* session = nullptr;
  int rc = sqlite3session_create(db_.raw().getHandle(), "main", &session);
  if (rc != SQLITE_OK) Fail(FromSqlite(rc, "cannot start recording the write's changes"));
  session_ = session;
  for (const std::string& table : RecordTables()) {
    rc = sqlite3session_attach(session, table.c_str());
    if (rc != SQLITE_OK) Fail(FromSqlite(rc, "cannot record changes of " + table));
  }
}

RecordScope::~RecordScope() {
  if (session_) sqlite3session_delete(static_cast<sqlite3_session*>(session_));
}

std::vector<Change> RecordScope::Finish(const std::string& now) {
  if (!session_) return {};
  auto* session = static_cast<sqlite3_session*>(session_);
  int n = 0;
  void* blob = nullptr;
  int rc = sqlite3session_changeset(session, &n, &blob);
  if (rc != SQLITE_OK) Fail(FromSqlite(rc, "cannot read the write's changes"));
  std::string raw(static_cast<const char*>(blob), n);
  sqlite3_free(blob);
  // No more recording: what follows (the sync tables) is bookkeeping.
  sqlite3session_delete(session);
  session_ = nullptr;
  std::vector<Change> changes = Travelling(db_, Decode(raw));
  if (changes.empty()) return changes;
  origin_ = as_.origin.empty() ? node_->node_id : as_.origin;
  const std::string at = as_.at.empty() ? now : as_.at;
  const std::string change_id = as_.change_id.empty() ? NewUuid() : as_.change_id;
  const std::string changeset = Encode(changes);
  SQLite::Statement& st = db_.Cached(
      "INSERT INTO sync_change (change_id, origin, at, schema, changeset) VALUES (?, ?, ?, ?, ?)");
  st.bind(1, change_id);
  st.bind(2, origin_);
  st.bind(3, at);
  st.bind(4, SchemaVersionOf(db_));
  st.bind(5, changeset.data(), static_cast<int>(changeset.size()));
  st.exec();
  if (node_->role != "hub") return changes;
  // The hub decides conflicts: it keeps each field's stamp and each deleted row's last values.
  std::map<std::string, std::vector<std::string>> columns;
  for (const Change& c : changes) {
    const std::string key = c.Key();
    if (c.op == Op::kUpdate) {
      auto& cols = columns.try_emplace(c.table, TableColumns(db_, c.table)).first->second;
      for (size_t i = 0; i < cols.size(); ++i) {
        if (c.pk[i] || !c.new_values[i]) continue;
        Upsert(db_,
               "INSERT INTO sync_stamp (tbl, pk, col, at, origin) VALUES (?, ?, ?, ?, ?) "
               "ON CONFLICT (tbl, pk, col) DO UPDATE SET at = excluded.at, "
               "origin = excluded.origin",
               {c.table, key, cols[i], at, origin_});
      }
    } else if (c.op == Op::kInsert) {
      Upsert(db_, "DELETE FROM sync_tombstone WHERE tbl = ? AND pk = ?", {c.table, key});
    } else {
      Upsert(db_, "DELETE FROM sync_stamp WHERE tbl = ? AND pk = ?", {c.table, key});
      const std::string tomb = Encode({c});
      SQLite::Statement& t = db_.Cached(
          "INSERT INTO sync_tombstone (tbl, pk, changeset) VALUES (?, ?, ?) "
          "ON CONFLICT (tbl, pk) DO UPDATE SET changeset = excluded.changeset");
      t.bind(1, c.table);
      t.bind(2, key);
      t.bind(3, tomb.data(), static_cast<int>(tomb.size()));
      t.exec();
    }
  }
  return changes;
}

}  // namespace certo::internal
