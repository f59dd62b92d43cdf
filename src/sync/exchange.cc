// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// A change's project, its row's offices and its columns across schemas (sync/exchange.h). All
// answer from this file's catalogue and rows only (and, for a pushed change's offices, the rows
// the change itself makes): nothing a remote side says is trusted beyond what it can be checked
// against here.

#include "sync/exchange.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <sqlite3.h>

#include "registry/registry.h"
#include "sync/record.h"

namespace certo::internal {

namespace {

const Entity* EntityOfTable(const std::string& table) {
  for (const Entity& e : Entities()) {
    if (e.table == table) return &e;
  }
  return nullptr;
}

int IndexOf(const std::vector<std::string>& cols, std::string_view name) {
  auto it = std::find(cols.begin(), cols.end(), name);
  return it == cols.end() ? -1 : static_cast<int>(it - cols.begin());
}

std::string Text(const std::optional<Value>& v) {
  if (!v || v->type == SQLITE_NULL) return "";
  return v->type == SQLITE_INTEGER ? std::to_string(v->integer) : v->bytes;
}

// The columns of a table here, read once per call of a function below.
class Catalogue {
 public:
  explicit Catalogue(Db& db) : db_(db) {}
  const std::vector<std::string>& Of(const std::string& table) {
    auto it = cols_.find(table);
    if (it == cols_.end()) it = cols_.emplace(table, TableColumns(db_, table)).first;
    return it->second;
  }

 private:
  Db& db_;
  std::map<std::string, std::vector<std::string>> cols_;
};

std::string ProjectIn(Db& db, Catalogue& catalogue, const Change& c) {
  const Entity* e = EntityOfTable(c.table);
  if (!e) return "";
  const std::string field(e->project_field.empty() ? e->id : e->project_field);
  const int at = IndexOf(catalogue.Of(c.table), field);
  if (at < 0 || at >= static_cast<int>(c.pk.size())) return "";
  const auto& carried = c.op == Op::kInsert ? c.new_values[at] : c.old_values[at];
  // An update that sets the project (the registry refuses one, a changeset may not) is of the
  // project it moves the row to.
  if (c.op == Op::kUpdate && c.new_values[at]) return Text(c.new_values[at]);
  if (carried) return Text(carried);
  SQLite::Statement& row = db.Cached("SELECT " + field + " FROM " + std::string(e->table) +
                                     " WHERE " + std::string(e->id) + " = ?");
  row.bind(1, c.Key());
  std::string project;
  if (row.executeStep()) project = row.getColumn(0).getString();
  row.reset();
  if (!project.empty()) return project;
  SQLite::Statement& tomb =
      db.Cached("SELECT changeset FROM sync_tombstone WHERE tbl = ? AND pk = ?");
  tomb.bind(1, c.table);
  tomb.bind(2, c.Key());
  std::string last;
  if (tomb.executeStep()) {
    const SQLite::Column blob = tomb.getColumn(0);
    last.assign(static_cast<const char*>(blob.getBlob()), blob.getBytes());
  }
  tomb.reset();
  if (last.empty()) return "";
  for (const Change& d : Decode(last)) {
    if (at < static_cast<int>(d.old_values.size())) return Text(d.old_values[at]);
  }
  return "";
}

// The last values of a deleted row, as its tombstone holds them (empty when it has none).
std::vector<std::optional<Value>> TombstoneOf(Db& db, const std::string& table,
                                              const std::string& key) {
  SQLite::Statement& tomb =
      db.Cached("SELECT changeset FROM sync_tombstone WHERE tbl = ? AND pk = ?");
  tomb.bind(1, table);
  tomb.bind(2, key);
  std::string last;
  if (tomb.executeStep()) {
    const SQLite::Column blob = tomb.getColumn(0);
    last.assign(static_cast<const char*>(blob.getBlob()), blob.getBytes());
  }
  tomb.reset();
  if (last.empty()) return {};
  for (Change& d : Decode(last)) return std::move(d.old_values);
  return {};
}

}  // namespace

const std::vector<std::string>& OfficeReader::Columns(const std::string& table) {
  auto it = columns_.find(table);
  if (it == columns_.end()) it = columns_.emplace(table, TableColumns(db_, table)).first;
  return it->second;
}

void OfficeReader::Expect(const std::vector<Change>& changes) {
  for (const Change& c : changes) {
    if (c.op != Op::kInsert) continue;
    std::vector<std::optional<std::string>> values;
    for (const auto& v : c.new_values) {
      values.push_back(v ? std::optional<std::string>(Text(v)) : std::nullopt);
    }
    expected_[c.table + "/" + c.Key()] = std::move(values);
  }
}

std::optional<std::set<std::string>> OfficeReader::OfRow(const std::string& table,
                                                         const std::string& id, int depth) {
  const std::string key = table + "/" + id;
  if (auto it = rows_.find(key); it != rows_.end()) return it->second;
  const Entity* e = EntityOfTable(table);
  if (!e) return std::nullopt;
  const std::vector<std::string>& cols = Columns(table);
  std::vector<std::optional<std::string>> values;
  SQLite::Statement& row =
      db_.Cached("SELECT * FROM " + table + " WHERE " + std::string(e->id) + " = ?");
  row.bind(1, id);
  if (row.executeStep()) {
    for (int i = 0; i < row.getColumnCount(); ++i) {
      const SQLite::Column c = row.getColumn(i);
      values.push_back(c.isNull() ? std::string() : c.getString());
    }
  }
  row.reset();
  if (values.empty()) {
    if (auto it = expected_.find(key); it != expected_.end()) values = it->second;
  }
  if (values.empty()) {
    for (const auto& v : TombstoneOf(db_, table, id)) {
      values.push_back(v ? std::optional<std::string>(Text(v)) : std::nullopt);
    }
  }
  std::optional<std::set<std::string>> out;
  if (!values.empty()) {
    out = OfValues(
        table,
        [&](std::string_view column) -> std::optional<std::string> {
          const int at = IndexOf(cols, column);
          if (at < 0 || at >= static_cast<int>(values.size())) return std::nullopt;
          return values[at];
        },
        depth);
  }
  // Remembered only when reached through a reference: a parent is asked again for each child,
  // a row judged for itself is not (a device's creation judges every row once).
  if (depth > 0) rows_[key] = out;
  return out;
}

std::set<std::string> OfficeReader::OfValues(const std::string& table, const Getter& get,
                                             int depth) {
  const Entity* e = EntityOfTable(table);
  std::set<std::string> out;
  if (!e || depth > 8) return {"?"};
  if (e->collection == "office") {
    auto id = get(e->id);
    out.insert(id && !id->empty() ? *id : "?");
    return out;
  }
  for (const Field& f : e->fields) {
    if (!f.IsRef() || f.name == e->project_field) continue;
    const std::optional<std::string> value = get(f.name);
    if (!value) {
      out.insert("?");
      continue;
    }
    if (value->empty()) continue;  // an optional reference left empty
    if (f.name == e->office_field) {
      out.insert(*value);
      continue;
    }
    std::optional<std::string> type;
    if (!f.ref.type_field.empty()) type = get(f.ref.type_field);
    bool found = false;
    for (const RefTarget& t : f.ref.targets) {
      if (type && t.type_value != *type) continue;
      const Entity* target = FindEntity(t.collection);
      if (!target) continue;
      auto offices = OfRow(std::string(target->table), *value, depth + 1);
      if (!offices) continue;
      out.insert(offices->begin(), offices->end());
      found = true;
      break;
    }
    if (!found) out.insert("?");
  }
  return out;
}

std::set<std::string> OfficeReader::Of(const Change& change, bool after) {
  const std::vector<std::string>& cols = Columns(change.table);
  if (change.op == Op::kUpdate) {
    // The row as this file holds it, the change's side of it over it.
    const auto& side = after ? change.new_values : change.old_values;
    std::vector<std::optional<std::string>> values(cols.size());
    const Entity* e = EntityOfTable(change.table);
    if (e) {
      SQLite::Statement& row =
          db_.Cached("SELECT * FROM " + change.table + " WHERE " + std::string(e->id) + " = ?");
      row.bind(1, change.Key());
      bool held = false;
      if (row.executeStep()) {
        held = true;
        for (int i = 0; i < row.getColumnCount() && i < static_cast<int>(values.size()); ++i) {
          const SQLite::Column c = row.getColumn(i);
          values[i] = c.isNull() ? std::string() : c.getString();
        }
      }
      row.reset();
      if (!held) {
        const auto last = TombstoneOf(db_, change.table, change.Key());
        for (size_t i = 0; i < last.size() && i < values.size(); ++i) {
          if (last[i]) values[i] = Text(last[i]);
        }
      }
    }
    for (size_t i = 0; i < side.size() && i < values.size(); ++i) {
      if (side[i]) values[i] = Text(side[i]);
    }
    return OfValues(
        change.table,
        [&](std::string_view column) -> std::optional<std::string> {
          const int at = IndexOf(cols, column);
          if (at < 0 || at >= static_cast<int>(values.size())) return std::nullopt;
          return values[at];
        },
        0);
  }
  const auto& values = change.op == Op::kInsert ? change.new_values : change.old_values;
  return OfValues(
      change.table,
      [&](std::string_view column) -> std::optional<std::string> {
        const int at = IndexOf(cols, column);
        if (at < 0 || at >= static_cast<int>(values.size()) || !values[at]) return std::nullopt;
        return Text(values[at]);
      },
      0);
}

bool OfOffice(const std::set<std::string>& offices, const std::string& office) {
  if (office.empty()) return true;
  for (const std::string& o : offices) {
    if (o != office) return false;
  }
  return true;
}

std::string OfficesText(const std::set<std::string>& offices) {
  std::string known;
  int n = 0;
  for (const std::string& o : offices) {
    if (o == "?") continue;
    known += (known.empty() ? "" : " and ") + o;
    ++n;
  }
  if (offices.count("?"))
    return known.empty() ? "an unknown office" : "office " + known + " and an unknown one";
  return n == 1 ? "office " + known : "offices " + known;
}

std::string ProjectOf(Db& db, const Change& change) {
  Catalogue catalogue(db);
  return ProjectIn(db, catalogue, change);
}

TableColumnsMap RecordColumns(Db& db) {
  TableColumnsMap out;
  for (const std::string& table : RecordTables()) out[table] = TableColumns(db, table);
  return out;
}

TableColumnsMap ColumnsOf(Db& db, const std::vector<Change>& changes) {
  TableColumnsMap out;
  for (const Change& c : changes) {
    if (out.contains(c.table)) continue;
    std::vector<std::string> cols = TableColumns(db, c.table);
    if (cols.size() > c.pk.size()) cols.resize(c.pk.size());
    out[c.table] = std::move(cols);
  }
  return out;
}

void CheckColumns(Db& db, const std::vector<Change>& changes, const TableColumnsMap* columns) {
  const auto& records = RecordTables();
  std::set<std::string> checked;
  for (const Change& c : changes) {
    if (!checked.insert(c.table + "/" + std::to_string(c.pk.size())).second) continue;
    if (std::find(records.begin(), records.end(), c.table) == records.end()) {
      Fail(Status::InvalidArgument("changeset: table '" + c.table +
                                   "' is not one of the records a device exchanges"));
    }
    const std::vector<std::string> here = TableColumns(db, c.table);
    if (!columns) {
      if (c.pk.size() != here.size()) {
        Fail(Status::Incompatible("changeset: table " + c.table + " has " +
                                  std::to_string(c.pk.size()) + " columns in the change and " +
                                  std::to_string(here.size()) +
                                  " here, at the same schema version"));
      }
      continue;
    }
    auto it = columns->find(c.table);
    if (it == columns->end()) {
      Fail(Status::Validation("columns", "must list the writer's columns of table " + c.table +
                                             " (the change is of another schema than the hub's)"));
    }
    const std::vector<std::string>& theirs = it->second;
    if (theirs.size() != c.pk.size()) {
      Fail(Status::Validation("columns", "lists " + std::to_string(theirs.size()) +
                                             " columns of table " + c.table +
                                             ", its changes have " + std::to_string(c.pk.size())));
    }
    for (size_t i = 0; i < theirs.size(); ++i) {
      if (i < here.size() && here[i] == theirs[i]) continue;
      const int at = IndexOf(here, theirs[i]);
      if (at < 0) {
        Fail(Status::Incompatible("table " + c.table + " has no column " + theirs[i] +
                                  " here: the change needs a hub at the writer's schema"));
      }
      Fail(Status::Incompatible("column " + theirs[i] + " of table " + c.table + " is column " +
                                std::to_string(i + 1) + " for the writer and " +
                                std::to_string(at + 1) + " here"));
    }
  }
}

std::vector<Change> Adapt(Db& db, const std::vector<Change>& changes, const TableColumnsMap& from) {
  Catalogue catalogue(db);
  std::vector<Change> out;
  for (const Change& c : changes) {
    const std::vector<std::string>& here = catalogue.Of(c.table);
    if (here.empty()) continue;  // a table this schema does not have
    auto it = from.find(c.table);
    if (it == from.end() || it->second.size() != c.pk.size()) {
      if (c.pk.size() == here.size()) {
        out.push_back(c);
        continue;
      }
      Fail(Status::Incompatible("the hub's change of table " + c.table + " has " +
                                std::to_string(c.pk.size()) + " columns and names none of them"));
    }
    const std::vector<std::string>& theirs = it->second;
    Change d;
    d.table = c.table;
    d.op = c.op;
    d.indirect = c.indirect;
    d.pk.resize(here.size());
    d.old_values.resize(here.size());
    d.new_values.resize(here.size());
    bool changed = c.op != Op::kUpdate;
    for (size_t i = 0; i < here.size(); ++i) {
      const int at = IndexOf(theirs, here[i]);
      if (at < 0) {
        // A column the writer's schema did not have: an insert takes its default's NULL.
        if (c.op == Op::kInsert) d.new_values[i] = Value{};
        continue;
      }
      d.pk[i] = c.pk[at];
      d.old_values[i] = c.old_values[at];
      d.new_values[i] = c.new_values[at];
      if (c.op == Op::kUpdate && !c.pk[at] && c.new_values[at]) changed = true;
    }
    if (changed) out.push_back(std::move(d));
  }
  return out;
}

}  // namespace certo::internal
