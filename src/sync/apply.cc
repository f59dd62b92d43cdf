// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "sync/apply.h"

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include <sqlite3.h>

#include "registry/registry.h"
#include "sync/changeset.h"
#include "sync/record.h"

namespace certo::internal {

namespace {

void Bind(SQLite::Statement& st, int index, const Value& v) {
  switch (v.type) {
    case SQLITE_INTEGER:
      st.bind(index, static_cast<int64_t>(v.integer));
      break;
    case SQLITE_FLOAT:
      st.bind(index, v.real);
      break;
    case SQLITE_TEXT:
      st.bind(index, v.bytes);
      break;
    case SQLITE_BLOB:
      st.bind(index, v.bytes.data(), static_cast<int>(v.bytes.size()));
      break;
    default:
      st.bind(index);
  }
}

Value ColumnValue(const SQLite::Column& column) {
  Value v;
  v.type = column.getType();
  if (v.type == SQLITE_INTEGER) v.integer = column.getInt64();
  if (v.type == SQLITE_FLOAT) v.real = column.getDouble();
  if (v.type == SQLITE_TEXT || v.type == SQLITE_BLOB) {
    v.bytes.assign(static_cast<const char*>(column.getBlob()), column.getBytes());
  }
  return v;
}

std::string Quote(const std::string& name) { return "\"" + name + "\""; }

std::string CollectionOf(const std::string& table) {
  for (const Entity& e : Entities()) {
    if (e.table == table) return std::string(e.collection);
  }
  return table;
}

// A stamp: (at, origin), compared as a pair; the empty stamp is older than every change.
using Stamp = std::pair<std::string, std::string>;

int ApplyV2(Db& db, const std::string& changeset,
            int (*conflict)(void*, int, sqlite3_changeset_iter*), void* ctx) {
  return sqlite3changeset_apply_v2(db.raw().getHandle(), static_cast<int>(changeset.size()),
                                   const_cast<char*>(changeset.data()), nullptr, conflict, ctx,
                                   nullptr, nullptr, 0);
}

int ExactConflict(void* ctx, int kind, sqlite3_changeset_iter* it) {
  auto* failure = static_cast<std::string*>(ctx);
  switch (kind) {
    case SQLITE_CHANGESET_DATA:
      // Only what triggers keep can differ (changesets clear it): the change is the truth.
      return SQLITE_CHANGESET_REPLACE;
    case SQLITE_CHANGESET_NOTFOUND:
    case SQLITE_CHANGESET_FOREIGN_KEY:
    case SQLITE_CHANGESET_CONSTRAINT:
    case SQLITE_CHANGESET_CONFLICT: {
      const char* table = nullptr;
      int ncol = 0, op = 0;
      if (kind != SQLITE_CHANGESET_FOREIGN_KEY)
        sqlite3changeset_op(it, &table, &ncol, &op, nullptr);
      *failure =
          kind == SQLITE_CHANGESET_FOREIGN_KEY
              ? std::string("a foreign key")
              : std::string(table) + (kind == SQLITE_CHANGESET_NOTFOUND   ? " (a missing row)"
                                      : kind == SQLITE_CHANGESET_CONFLICT ? " (a row already there)"
                                                                          : " (a constraint)");
      return SQLITE_CHANGESET_ABORT;
    }
    default:
      return SQLITE_CHANGESET_ABORT;
  }
}

class Merger {
 public:
  Merger(Db& db, const MergeStamp& stamp, std::string hub_id, std::string now)
      : db_(db), stamp_(stamp), hub_id_(std::move(hub_id)), now_(std::move(now)) {}

  static int OnConflict(void* self, int kind, sqlite3_changeset_iter* it) {
    try {
      return static_cast<Merger*>(self)->Decide(kind, it);
    } catch (...) {
      static_cast<Merger*>(self)->error_ = CurrentExceptionStatus();
      return SQLITE_CHANGESET_ABORT;
    }
  }

  int Run(const std::string& changeset) {
    const int rc = ApplyV2(db_, changeset, &Merger::OnConflict, this);
    // The apply turns deferral off at its end, which also forgets the violations it counted (so
    // they are found again below, by table); until the commit, the fixups may need it on.
    db_.Exec("PRAGMA defer_foreign_keys = ON");
    for (Change& c : Decode(changeset)) {
      tables_.insert(c.table);
      if (c.op == Op::kDelete) deletes_.emplace(std::make_pair(c.table, c.Key()), std::move(c));
    }
    if (error_) Fail(*error_);
    if (rc != SQLITE_OK) {
      Fail(FromSqlite(rc, "cannot apply a device's change: " +
                              std::string(sqlite3_errmsg(db_.raw().getHandle()))));
    }
    for (Fixup& f : fixups_) Carry(f);
    RepairParents();
    return logged_;
  }

 private:
  enum class Kind { kUpdate, kRestoreThenUpdate, kConstraint };
  struct Fixup {
    Kind kind;
    Change change;
    std::vector<int> take;  // kUpdate: the columns whose new value wins
  };

  const std::vector<std::string>& Columns(const std::string& table) {
    auto it = columns_.find(table);
    if (it == columns_.end()) it = columns_.emplace(table, TableColumns(db_, table)).first;
    return it->second;
  }

  Stamp LocalStamp(const std::string& table, const std::string& key, const std::string& col) {
    SQLite::Statement& st =
        db_.Cached("SELECT at, origin FROM sync_stamp WHERE tbl = ? AND pk = ? AND col = ?");
    st.bind(1, table);
    st.bind(2, key);
    st.bind(3, col);
    Stamp stamp;
    if (st.executeStep()) stamp = {st.getColumn(0).getString(), st.getColumn(1).getString()};
    st.reset();
    return stamp;
  }

  void Log(std::string_view kind, const std::string& table, const std::string& key,
           const std::string& field, const Json& kept, const Json& lost, const Stamp& lost_stamp,
           const std::string& resolution) {
    SQLite::Statement& st = db_.Cached(
        "INSERT INTO sync_conflict (detected_at, change_id, kind, collection, row_id, field, kept, "
        "lost, lost_origin, lost_at, resolution) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    st.bind(1, now_);
    st.bind(2, stamp_.change_id);
    st.bind(3, std::string(kind));
    st.bind(4, CollectionOf(table));
    st.bind(5, key);
    if (field.empty()) {
      st.bind(6);
    } else {
      st.bind(6, field);
    }
    st.bind(7, kept.dump());
    st.bind(8, lost.dump());
    st.bind(9, lost_stamp.second.empty() ? hub_id_ : lost_stamp.second);
    st.bind(10, lost_stamp.first);
    st.bind(11, resolution);
    st.exec();
    ++logged_;
  }

  Json RowJson(const Change& c, const std::vector<std::optional<Value>>& values) {
    const auto& cols = Columns(c.table);
    Json row = Json::object();
    for (size_t i = 0; i < cols.size() && i < values.size(); ++i) {
      if (values[i] && !IsDerivedColumn(c.table, cols[i])) row[cols[i]] = ValueJson(*values[i]);
    }
    return row;
  }

  std::vector<std::optional<Value>> Current(sqlite3_changeset_iter* it, size_t n) {
    std::vector<std::optional<Value>> cur(n);
    for (size_t i = 0; i < n; ++i) {
      sqlite3_value* v = nullptr;
      if (sqlite3changeset_conflict(it, static_cast<int>(i), &v) == SQLITE_OK) cur[i] = ValueOf(v);
    }
    return cur;
  }

  // Per changed column of an update (or of an insert meeting its own row): which value wins.
  // Returns the columns whose incoming value is taken; logs every field both sides changed.
  std::vector<int> FieldMerge(const Change& c, const std::vector<std::optional<Value>>& cur,
                              bool has_old, size_t* changed) {
    const auto& cols = Columns(c.table);
    const std::string key = c.Key();
    const Stamp incoming{stamp_.at, stamp_.origin};
    std::vector<int> take;
    *changed = 0;
    for (size_t i = 0; i < cols.size() && i < c.new_values.size(); ++i) {
      if (c.pk[i] || !c.new_values[i] || IsDerivedColumn(c.table, cols[i])) continue;
      ++*changed;
      const Value& next = *c.new_values[i];
      const std::optional<Value>& now = cur[i];
      if (now && *now == next) continue;  // both sides agree
      if (has_old && c.old_values[i] && now && *now == *c.old_values[i]) {
        take.push_back(static_cast<int>(i));  // changed on the device's side only
        continue;
      }
      if (cols[i] == std::string_view(kUpdatedAt)) {
        // The row's write time follows its latest write, whichever side made it.
        if (!now || now->bytes < next.bytes) take.push_back(static_cast<int>(i));
        continue;
      }
      const Stamp local = LocalStamp(c.table, key, cols[i]);
      const Json kept_here = now ? ValueJson(*now) : Json(nullptr);
      if (incoming > local) {
        take.push_back(static_cast<int>(i));
        Log("FIELD", c.table, key, cols[i], ValueJson(next), kept_here, local,
            "both sides changed the field: the later change wins");
      } else {
        Log("FIELD", c.table, key, cols[i], kept_here, ValueJson(next), incoming,
            "both sides changed the field: the later change wins");
      }
    }
    return take;
  }

  int Decide(int kind, sqlite3_changeset_iter* it) {
    if (kind == SQLITE_CHANGESET_FOREIGN_KEY) {
      broken_ = true;  // repaired after the apply
      return SQLITE_CHANGESET_OMIT;
    }
    Change c = ChangeAt(it);
    const auto& cols = Columns(c.table);
    switch (kind) {
      case SQLITE_CHANGESET_DATA: {
        const auto cur = Current(it, cols.size());
        if (c.op == Op::kDelete) {
          for (size_t i = 0; i < cols.size(); ++i) {
            if (c.pk[i] || IsDerivedColumn(c.table, cols[i])) continue;
            if (!(cur[i] == c.old_values[i])) {
              Log("DELETED", c.table, c.Key(), "", RowJson(c, cur), RowJson(c, c.old_values),
                  {stamp_.at, stamp_.origin},
                  "the row was changed here after the device's copy: it is kept");
              return SQLITE_CHANGESET_OMIT;
            }
          }
          return SQLITE_CHANGESET_REPLACE;  // only what triggers keep differed
        }
        size_t changed = 0;
        std::vector<int> take = FieldMerge(c, cur, /*has_old=*/true, &changed);
        if (take.size() == changed) return SQLITE_CHANGESET_REPLACE;
        if (!take.empty()) fixups_.push_back({Kind::kUpdate, std::move(c), std::move(take)});
        return SQLITE_CHANGESET_OMIT;
      }
      case SQLITE_CHANGESET_CONFLICT: {  // an insert of a row already here
        const auto cur = Current(it, cols.size());
        size_t changed = 0;
        std::vector<int> take = FieldMerge(c, cur, /*has_old=*/false, &changed);
        if (!take.empty()) fixups_.push_back({Kind::kUpdate, std::move(c), std::move(take)});
        return SQLITE_CHANGESET_OMIT;
      }
      case SQLITE_CHANGESET_NOTFOUND:
        if (c.op == Op::kUpdate) fixups_.push_back({Kind::kRestoreThenUpdate, std::move(c), {}});
        return SQLITE_CHANGESET_OMIT;  // a delete of a row already gone changes nothing
      case SQLITE_CHANGESET_CONSTRAINT:
        fixups_.push_back({Kind::kConstraint, std::move(c), {}});
        return SQLITE_CHANGESET_OMIT;
      default:
        return SQLITE_CHANGESET_ABORT;
    }
  }

  void Update(const Change& c, const std::vector<int>& take) {
    if (take.empty()) return;
    const auto& cols = Columns(c.table);
    std::string sql = "UPDATE " + Quote(c.table) + " SET ";
    for (size_t k = 0; k < take.size(); ++k) {
      sql += (k ? ", " : "") + Quote(cols[take[k]]) + " = ?";
    }
    sql += " WHERE " + Quote(PkColumn(c)) + " = ?";
    SQLite::Statement st(db_.raw(), sql);
    int n = 1;
    for (int i : take) Bind(st, n++, *c.new_values[i]);
    st.bind(n, c.Key());
    st.exec();
  }

  std::string PkColumn(const Change& c) {
    const auto& cols = Columns(c.table);
    for (size_t i = 0; i < c.pk.size(); ++i) {
      if (c.pk[i]) return cols[i];
    }
    return cols.front();
  }

  bool Exists(const std::string& table, const std::string& pk_col, const std::string& key) {
    SQLite::Statement st(db_.raw(),
                         "SELECT 1 FROM " + Quote(table) + " WHERE " + Quote(pk_col) + " = ?");
    st.bind(1, key);
    return st.executeStep();
  }

  bool Insert(const Change& c, const std::vector<std::optional<Value>>& values) {
    const auto& cols = Columns(c.table);
    std::string names, marks;
    for (size_t i = 0; i < cols.size() && i < values.size(); ++i) {
      if (!values[i]) continue;
      names += (names.empty() ? "" : ", ") + Quote(cols[i]);
      marks += marks.empty() ? "?" : ", ?";
    }
    SQLite::Statement st(
        db_.raw(), "INSERT INTO " + Quote(c.table) + " (" + names + ") VALUES (" + marks + ")");
    int n = 1;
    for (size_t i = 0; i < cols.size() && i < values.size(); ++i) {
      if (values[i]) Bind(st, n++, *values[i]);
    }
    return st.tryExecuteStep() == SQLITE_DONE;
  }

  // Brings back a row deleted here from its last values, and the deleted parents it names first.
  // Returns the row's values, or nullopt when there is no such row to bring back.
  std::optional<Change> Restore(const std::string& table, const std::string& key, int depth = 0) {
    SQLite::Statement& st =
        db_.Cached("SELECT changeset FROM sync_tombstone WHERE tbl = ? AND pk = ?");
    st.bind(1, table);
    st.bind(2, key);
    if (!st.executeStep()) {
      st.reset();
      return std::nullopt;
    }
    const SQLite::Column blob = st.getColumn(0);
    const std::string changeset(static_cast<const char*>(blob.getBlob()), blob.getBytes());
    st.reset();
    std::vector<Change> changes = Decode(changeset);
    if (changes.size() != 1 || depth > 16) return std::nullopt;
    Change row = std::move(changes.front());
    RestoreParents(row, depth);
    if (!Insert(row, row.old_values)) return std::nullopt;
    return row;
  }

  void RestoreParents(const Change& row, int depth) {
    const auto& cols = Columns(row.table);
    SQLite::Statement fks(db_.raw(),
                          "SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?)");
    fks.bind(1, row.table);
    std::vector<std::tuple<std::string, std::string, std::string>> parents;
    while (fks.executeStep()) {
      parents.emplace_back(fks.getColumn(0).getString(), fks.getColumn(1).getString(),
                           fks.getColumn(2).getString());
    }
    for (const auto& [parent, from, to] : parents) {
      for (size_t i = 0; i < cols.size(); ++i) {
        if (cols[i] != from || !row.old_values[i] || row.old_values[i]->type != SQLITE_TEXT)
          continue;
        const std::string parent_key = row.old_values[i]->bytes;
        if (Exists(parent, to, parent_key)) continue;
        if (auto restored = Restore(parent, parent_key, depth + 1)) {
          Log("PARENT", parent, parent_key, "", RowJson(*restored, restored->old_values),
              Json{{"deleted", true}}, {},
              "deleted here, restored: a " + CollectionOf(row.table) + " row names it");
        }
      }
    }
  }

  // The unique keys of the incoming row that another row already holds: (columns, holder).
  std::vector<std::pair<std::vector<int>, std::string>> Collisions(
      const Change& c, const std::vector<std::optional<Value>>& values) {
    const auto& cols = Columns(c.table);
    const std::string pk_col = PkColumn(c);
    std::vector<std::pair<std::vector<int>, std::string>> out;
    SQLite::Statement idx(
        db_.raw(), "SELECT name FROM pragma_index_list(?) WHERE \"unique\" AND origin <> 'pk'");
    idx.bind(1, c.table);
    std::vector<std::string> names;
    while (idx.executeStep()) names.push_back(idx.getColumn(0).getString());
    for (const std::string& name : names) {
      SQLite::Statement info(db_.raw(), "SELECT name FROM pragma_index_info(?) ORDER BY seqno");
      info.bind(1, name);
      std::vector<int> key;
      bool usable = true;
      while (info.executeStep()) {
        const int i = [&] {
          for (size_t k = 0; k < cols.size(); ++k) {
            if (cols[k] == info.getColumn(0).getString()) return static_cast<int>(k);
          }
          return -1;
        }();
        if (i < 0) {
          usable = false;
          continue;
        }
        const std::optional<Value>& v = values[i] ? values[i] : std::optional<Value>();
        if (!v || v->type == SQLITE_NULL) usable = false;  // NULLs never collide
        key.push_back(i);
      }
      if (!usable || key.empty()) continue;
      std::string sql = "SELECT " + Quote(pk_col) + " FROM " + Quote(c.table) + " WHERE ";
      for (size_t k = 0; k < key.size(); ++k)
        sql += (k ? " AND " : "") + Quote(cols[key[k]]) + " = ?";
      sql += " AND " + Quote(pk_col) + " <> ? LIMIT 1";
      SQLite::Statement find(db_.raw(), sql);
      int n = 1;
      for (int i : key) Bind(find, n++, *values[i]);
      find.bind(n, c.Key());
      if (find.executeStep()) out.emplace_back(key, find.getColumn(0).getString());
    }
    return out;
  }

  bool Nullable(const std::string& table, const std::string& col) {
    SQLite::Statement st(db_.raw(), "SELECT \"notnull\" FROM pragma_table_info(?) WHERE name = ?");
    st.bind(1, table);
    st.bind(2, col);
    return st.executeStep() && st.getColumn(0).getInt() == 0;
  }

  void Carry(Fixup& f) {
    Change& c = f.change;
    const auto& cols = Columns(c.table);
    const std::string key = c.Key();
    switch (f.kind) {
      case Kind::kUpdate:
        Update(c, f.take);
        return;
      case Kind::kRestoreThenUpdate: {
        std::vector<int> all;
        for (size_t i = 0; i < cols.size(); ++i) {
          if (!c.pk[i] && c.new_values[i] && !IsDerivedColumn(c.table, cols[i])) {
            all.push_back(static_cast<int>(i));
          }
        }
        if (auto restored = Restore(c.table, key)) {
          Log("DELETED", c.table, key, "", RowJson(c, c.new_values), Json{{"deleted", true}}, {},
              "deleted here, changed on the device: the row is kept with the device's change");
          Update(c, all);
        } else {
          Log("DELETED", c.table, key, "", Json{{"deleted", true}}, RowJson(c, c.new_values),
              {stamp_.at, stamp_.origin}, "the row is gone here and cannot be brought back");
        }
        return;
      }
      case Kind::kConstraint: {
        if (c.op == Op::kDelete) return;
        std::vector<std::optional<Value>> values = c.new_values;
        if (c.op == Op::kUpdate) {
          // The row as it would be: its current key columns matter as much as the changed ones.
          for (size_t i = 0; i < cols.size(); ++i) {
            if (values[i]) continue;
            SQLite::Statement st(db_.raw(), "SELECT " + Quote(cols[i]) + " FROM " + Quote(c.table) +
                                                " WHERE " + Quote(PkColumn(c)) + " = ?");
            st.bind(1, key);
            if (st.executeStep()) values[i] = ColumnValue(st.getColumn(0));
          }
        }
        auto collisions = Collisions(c, values);
        if (collisions.empty()) {
          Fail(Status::Conflict("a change from " + stamp_.origin + " breaks a constraint of " +
                                CollectionOf(c.table) + " " + key));
        }
        std::set<int> cleared;
        std::string holder;
        bool keep = true;
        for (const auto& [columns, other] : collisions) {
          bool fixed = false;
          for (int i : columns) {
            if (c.op == Op::kUpdate && c.new_values[i]) {
              cleared.insert(i);  // the update leaves this key column as it is here
              fixed = true;
            } else if (c.op == Op::kInsert && !c.pk[i] && Nullable(c.table, cols[i])) {
              cleared.insert(i);
              fixed = true;
            }
          }
          if (!fixed) keep = false;
          holder = other;
        }
        Json lost = Json::object();
        for (int i : cleared) lost[cols[i]] = ValueJson(*c.new_values[i]);
        if (c.op == Op::kInsert && keep) {
          for (int i : cleared) c.new_values[i] = Value{};
          if (Insert(c, c.new_values)) {
            Log("UNIQUE", c.table, key, "", Json{{"held_by", holder}}, lost,
                {stamp_.at, stamp_.origin}, "the key is taken here: the row is kept without it");
            return;
          }
        } else if (c.op == Op::kUpdate) {
          std::vector<int> rest;
          for (size_t i = 0; i < cols.size(); ++i) {
            if (!c.pk[i] && c.new_values[i] && !cleared.count(static_cast<int>(i)) &&
                !IsDerivedColumn(c.table, cols[i])) {
              rest.push_back(static_cast<int>(i));
            }
          }
          Update(c, rest);
          Log("UNIQUE", c.table, key, "", Json{{"held_by", holder}}, lost,
              {stamp_.at, stamp_.origin}, "the key is taken here: the rest of the change is kept");
          return;
        }
        Log("UNIQUE", c.table, key, "", Json{{"held_by", holder}}, RowJson(c, c.new_values),
            {stamp_.at, stamp_.origin},
            "the same link exists here: the row is reported, not stored");
        dropped_[{c.table, key}] = holder;
        return;
      }
    }
  }

  // The link kept here in place of a duplicate the hub did not store (now or by an earlier
  // push: the conflict log remembers).
  std::optional<std::string> Survivor(const std::string& table, const std::string& key) {
    if (auto it = dropped_.find({table, key}); it != dropped_.end()) return it->second;
    SQLite::Statement& st = db_.Cached(
        "SELECT json_extract(kept, '$.held_by') FROM sync_conflict WHERE kind = 'UNIQUE' AND "
        "collection = ? AND row_id = ? AND json_extract(lost, '$.' || ?) IS NOT NULL "
        "ORDER BY conflict_id DESC LIMIT 1");
    st.bind(1, CollectionOf(table));
    st.bind(2, key);
    st.bind(3, PkName(table));
    std::optional<std::string> survivor;
    if (st.executeStep() && !st.getColumn(0).isNull()) survivor = st.getColumn(0).getString();
    st.reset();
    return survivor;
  }

  std::string PkName(const std::string& table) {
    SQLite::Statement st(db_.raw(), "SELECT name FROM pragma_table_info(?) WHERE pk = 1");
    st.bind(1, table);
    return st.executeStep() ? st.getColumn(0).getString() : "";
  }

  // Rows that name a parent deleted here: the parent comes back (or, for a link reported as a
  // duplicate, its children move to the link already here).
  void RepairParents() {
    for (int round = 0; round < 64; ++round) {
      int current = 0, high = 0;
      sqlite3_db_status(db_.raw().getHandle(), SQLITE_DBSTATUS_DEFERRED_FKS, &current, &high, 0);
      if (current == 0 && !broken_) return;
      struct Broken {
        std::string table;
        int64_t rowid;
        std::string parent;
        int fkid;
      };
      std::vector<Broken> broken;
      SQLite::Statement check(
          db_.raw(), "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check");
      while (check.executeStep()) {
        broken.push_back({check.getColumn(0).getString(), check.getColumn(1).getInt64(),
                          check.getColumn(2).getString(), check.getColumn(3).getInt()});
      }
      if (broken.empty()) return;
      bool progress = false;
      std::string missing;  // the first row that could not be repaired, for the error
      for (const Broken& b : broken) {
        SQLite::Statement fk(
            db_.raw(), "SELECT \"from\", \"to\" FROM pragma_foreign_key_list(?) WHERE id = ?");
        fk.bind(1, b.table);
        fk.bind(2, b.fkid);
        if (!fk.executeStep()) continue;
        const std::string from = fk.getColumn(0).getString(), to = fk.getColumn(1).getString();
        SQLite::Statement ref(
            db_.raw(), "SELECT " + Quote(from) + " FROM " + Quote(b.table) + " WHERE rowid = ?");
        ref.bind(1, b.rowid);
        if (!ref.executeStep()) continue;
        const std::string parent_key = ref.getColumn(0).getString();
        if (Exists(b.parent, to, parent_key)) {
          progress = true;  // restored meanwhile
          continue;
        }
        if (auto own = deletes_.find({b.parent, parent_key}); own != deletes_.end()) {
          // The change deleted a row that rows made here name: the delete loses.
          RestoreParents(own->second, 0);
          if (Insert(own->second, own->second.old_values)) {
            Log("DELETED", b.parent, parent_key, "", RowJson(own->second, own->second.old_values),
                Json{{"deleted", true}}, {stamp_.at, stamp_.origin},
                "rows made here name the row the device deleted: it is kept");
            deletes_.erase(own);
            progress = true;
          }
        } else if (auto restored = Restore(b.parent, parent_key)) {
          Log("PARENT", b.parent, parent_key, "", RowJson(*restored, restored->old_values),
              Json{{"deleted", true}}, {},
              "deleted here, restored: a " + CollectionOf(b.table) + " row names it");
          progress = true;
        } else if (auto survivor = Survivor(b.parent, parent_key)) {
          SQLite::Statement move(db_.raw(), "UPDATE " + Quote(b.table) + " SET " + Quote(from) +
                                                " = ? WHERE rowid = ?");
          move.bind(1, *survivor);
          move.bind(2, b.rowid);
          move.exec();
          progress = true;
        } else if (missing.empty()) {
          missing = "a " + CollectionOf(b.table) + " row names " + CollectionOf(b.parent) + " " +
                    parent_key;
        }
      }
      if (!progress) {
        Fail(Status::Conflict("a change from " + stamp_.origin +
                              " names a row that is gone here "
                              "and cannot be brought back (" +
                              missing + ")"));
      }
    }
    Fail(Status::Conflict("a change from " + stamp_.origin +
                          " names rows that are gone here and cannot be brought back"));
  }

  Db& db_;
  const MergeStamp& stamp_;
  std::string hub_id_, now_;
  std::map<std::string, std::vector<std::string>> columns_;
  std::vector<Fixup> fixups_;
  std::map<std::pair<std::string, std::string>, std::string> dropped_;  // -> the row kept
  std::optional<Status> error_;
  std::set<std::string> tables_;                                   // the tables the change writes
  std::map<std::pair<std::string, std::string>, Change> deletes_;  // the rows it deletes
  bool broken_ = false;  // the apply found rows naming a missing parent
  int logged_ = 0;
};

}  // namespace

namespace {

[[noreturn]] void NotWhereTheHistorySays(const std::string& what) {
  Fail(Status::Conflict("the device is not at the state its hub's history expects: " + what +
                        "; nothing was changed"));
}

// One change as the statement that makes it, prepared once per table and column set (the
// connection's cache): a replay is many small changes of few shapes.
void ApplyOneExact(Db& db, const Change& c) {
  const std::vector<std::string>& cols = db.Columns(c.table);
  const auto& values = c.op == Op::kInsert ? c.new_values : c.old_values;
  if (cols.empty() || values.size() > cols.size()) {
    NotWhereTheHistorySays(c.table + " (a table of another shape)");
  }
  std::string sql;
  std::vector<const Value*> args;
  std::string where;
  std::vector<const Value*> keys;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!c.pk[i] || !values[i]) continue;
    where += (where.empty() ? " WHERE " : " AND ") + Quote(cols[i]) + " = ?";
    keys.push_back(&*values[i]);
  }
  if (c.op != Op::kInsert && keys.empty())
    NotWhereTheHistorySays(c.table + " (a change with no key)");
  if (c.op == Op::kInsert) {
    std::string names, marks;
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i]) continue;
      names += (names.empty() ? "" : ", ") + Quote(cols[i]);
      marks += marks.empty() ? "?" : ", ?";
      args.push_back(&*values[i]);
    }
    sql = "INSERT INTO " + Quote(c.table) + " (" + names + ") VALUES (" + marks + ")";
  } else if (c.op == Op::kDelete) {
    sql = "DELETE FROM " + Quote(c.table) + where;
  } else {
    std::string sets;
    for (size_t i = 0; i < c.new_values.size() && i < cols.size(); ++i) {
      if (c.pk[i] || !c.new_values[i]) continue;
      sets += (sets.empty() ? "" : ", ") + Quote(cols[i]) + " = ?";
      args.push_back(&*c.new_values[i]);
    }
    // An update that sets nothing still names a row that must be there.
    sql = sets.empty() ? "UPDATE " + Quote(c.table) + " SET " + Quote(cols.front()) + " = " +
                             Quote(cols.front()) + where
                       : "UPDATE " + Quote(c.table) + " SET " + sets + where;
  }
  SQLite::Statement& st = db.Cached(sql);
  int n = 1;
  for (const Value* v : args) Bind(st, n++, *v);
  if (c.op != Op::kInsert) {
    for (const Value* v : keys) Bind(st, n++, *v);
  }
  const int rc = st.tryExecuteStep();
  sqlite3* handle = db.raw().getHandle();
  if (rc != SQLITE_DONE) {
    const std::string message = sqlite3_errmsg(handle);
    st.tryReset();
    if ((rc & 0xff) == SQLITE_CONSTRAINT && c.op == Op::kInsert) {
      // What SQLite's apply calls a conflict (the row is there) or a constraint.
      std::string exists = "SELECT 1 FROM " + Quote(c.table) + where;
      SQLite::Statement& probe = db.Cached(exists);
      n = 1;
      for (const Value* v : keys) Bind(probe, n++, *v);
      const bool there = probe.executeStep();
      probe.reset();
      NotWhereTheHistorySays(c.table + (there ? " (a row already there)" : " (a constraint)"));
    }
    Fail(FromSqlite(rc, "cannot apply the hub's change: " + message));
  }
  // A delete or update of a row that is not here (the direct rows only: triggers' are not
  // counted).
  if (c.op != Op::kInsert && sqlite3_changes(handle) == 0) {
    NotWhereTheHistorySays(c.table + " (a missing row)");
  }
}

}  // namespace

ExactReplay::ExactReplay(Db& db) : db_(db) {
  if (!db_.InTransaction()) Fail(Status::Internal("a replay runs inside a write"));
  // Until the commit: a change may name a row a later one of the same change makes. Set once
  // for the whole replay, since setting it expires every prepared statement of the connection.
  db_.Exec("PRAGMA defer_foreign_keys = ON");
}

void ExactReplay::Apply(const std::vector<Change>& changes) {
  for (const Change& c : changes) ApplyOneExact(db_, c);
  // Each change leaves the file whole, as it left the hub's.
  int deferred = 0, unused = 0;
  sqlite3_db_status(db_.raw().getHandle(), SQLITE_DBSTATUS_DEFERRED_FKS, &deferred, &unused, 0);
  if (deferred != 0) NotWhereTheHistorySays("a foreign key");
}

void ApplyExact(Db& db, const std::string& changeset) {
  if (changeset.empty()) return;
  std::string failure;
  const int rc = ApplyV2(db, changeset, &ExactConflict, &failure);
  if (!failure.empty()) NotWhereTheHistorySays(failure);
  if (rc != SQLITE_OK) {
    Fail(FromSqlite(
        rc, "cannot apply the hub's change: " + std::string(sqlite3_errmsg(db.raw().getHandle()))));
  }
}

int ApplyMerge(Db& db, const std::string& changeset, const MergeStamp& stamp,
               const std::string& hub_id, const std::string& now) {
  if (changeset.empty()) return 0;
  Merger merger(db, stamp, hub_id, now);
  return merger.Run(changeset);
}

void EmitRemoteEvents(Db& db, const std::vector<Change>& changes, const std::string& origin,
                      const std::string& today) {
  std::map<std::string, std::vector<std::string>> columns;
  SQLite::Statement& st =
      db.Cached("INSERT INTO outbox (event, entity_id, payload, date) VALUES (?, ?, ?, ?)");
  for (const Change& c : changes) {
    const Entity* entity = nullptr;
    for (const Entity& e : Entities()) {
      if (e.table == c.table) entity = &e;
    }
    if (!entity) continue;
    auto& cols = columns.try_emplace(c.table, TableColumns(db, c.table)).first->second;
    const std::string key = c.Key();
    Json payload = Json::object();
    std::string verb;
    // A row as its values say, without what triggers keep nor an attachment's content.
    auto row = [&](const std::vector<std::optional<Value>>& values) {
      for (size_t i = 0; i < cols.size() && i < values.size(); ++i) {
        if (!values[i] || IsDerivedColumn(c.table, cols[i]) || values[i]->type == SQLITE_BLOB) {
          continue;
        }
        payload[cols[i]] = ValueJson(*values[i]);
      }
    };
    if (c.op == Op::kInsert) {
      verb = "CREATE";
      row(c.new_values);
    } else if (c.op == Op::kDelete) {
      verb = "DELETE";
      row(c.old_values);
    } else {
      verb = "UPDATE";
      payload["entity_id"] = key;
      Json fields = Json::object();
      for (size_t i = 0; i < cols.size(); ++i) {
        if (c.pk[i] || !c.new_values[i] || cols[i] == std::string_view(kUpdatedAt)) continue;
        if (c.new_values[i]->type == SQLITE_BLOB) continue;
        fields[cols[i]] = Json{{"old", c.old_values[i] ? ValueJson(*c.old_values[i]) : Json()},
                               {"new", ValueJson(*c.new_values[i])}};
      }
      if (fields.empty()) continue;
      payload["updated_fields"] = std::move(fields);
    }
    payload["origin"] = origin;
    const std::string name = std::string(entity->event_prefix) + "::" + verb;
    const std::string text = payload.dump();
    st.bind(1, name);
    st.bind(2, key);
    st.bind(3, text);
    st.bind(4, today);
    st.exec();
    st.reset();
  }
}

}  // namespace certo::internal
