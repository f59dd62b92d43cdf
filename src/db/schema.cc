// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "db/schema.h"

#include <string>
#include <vector>

#include <sqlite3.h>

namespace certo::internal {

namespace {

int Pragma(Db& db, const char* name) {
  return db.raw().execAndGet(std::string("PRAGMA ") + name).getInt();
}

int MaxVersion() { return Migrations().empty() ? 0 : Migrations().back().version; }

Status Inconsistent(std::string_view path, int version, const std::string& why) {
  return Status::Incompatible("'" + std::string(path) +
                              "' has an inconsistent version: it records schema " +
                              std::to_string(version) + " but its tables disagree (" + why + ")");
}

// The tables that the migrations up to version create (none of them drops a table).
std::vector<std::string> TablesOf(int version) {
  std::vector<std::string> tables;
  for (const Migration& m : Migrations()) {
    if (m.version > version) break;
    const std::string_view sql = m.sql;
    constexpr std::string_view kCreate = "CREATE TABLE ";
    for (size_t at = sql.find(kCreate); at != std::string_view::npos;
         at = sql.find(kCreate, at + 1)) {
      size_t start = at + kCreate.size();
      if (sql.substr(start).starts_with("IF NOT EXISTS ")) start += 14;
      size_t end = sql.find_first_of(" (\n", start);
      tables.emplace_back(sql.substr(start, end - start));
    }
  }
  return tables;
}

// Fails when a table that version should have is missing.
void CheckTables(Db& db, std::string_view path, int version) {
  SQLite::Statement st(db.raw(),
                       "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
  for (const std::string& table : TablesOf(version)) {
    st.reset();
    st.bind(1, table);
    st.executeStep();
    if (st.getColumn(0).getInt() == 0)
      Fail(Inconsistent(path, version, "table " + table + " is missing"));
  }
}

}  // namespace

int SchemaVersionOf(Db& db) { return Pragma(db, "user_version"); }

void CheckIdentity(Db& db, std::string_view path) {
  const int app = Pragma(db, "application_id");
  const int version = Pragma(db, "user_version");
  if (app == 0) {
    int objects = db.raw().execAndGet("SELECT count(*) FROM sqlite_master").getInt();
    if (objects > 0 || version != 0) {
      Fail(Status::Incompatible("'" + std::string(path) +
                                "' is a SQLite database but not a certo file"));
    }
    return;
  }
  if (app != kApplicationId) {
    Fail(Status::Incompatible("'" + std::string(path) +
                              "' is a SQLite database of another application (application_id " +
                              std::to_string(app) + "), not a certo file"));
  }
  if (version > MaxVersion()) {
    Fail(Status::Incompatible("'" + std::string(path) + "' was written by a newer certo (schema " +
                              std::to_string(version) + "; this build reads up to schema " +
                              std::to_string(MaxVersion()) + ")"));
  }
}

bool NeedsMigration(Db& db) {
  return SchemaVersionOf(db) != MaxVersion() || Pragma(db, "application_id") != kApplicationId;
}

void Migrate(Db& db, std::string_view path) {
  if (!NeedsMigration(db)) {
    CheckTables(db, path, MaxVersion());
    return;
  }
  WriteScope scope(db);
  // Another connection may have upgraded the file while this one waited for the lock.
  const int current = SchemaVersionOf(db);
  if (Pragma(db, "application_id") == kApplicationId) CheckTables(db, path, current);
  auto apply = [&](std::string_view name, std::string_view sql) {
    try {
      db.Exec(std::string(sql));
    } catch (const SQLite::Exception& e) {
      // SQLITE_ERROR is the SQL itself failing (a table that already exists): the file's
      // tables are not those of its recorded version. I/O errors and a full disk propagate.
      if ((e.getExtendedErrorCode() & 0xff) != SQLITE_ERROR) throw;
      Fail(Inconsistent(path, current, std::string(name) + " fails: " + e.what()));
    }
  };
  // A new file (CheckIdentity let it through with no application id: it has no objects) is made
  // from current.sql whole. The migrations' ALTER TABLEs make SQLite reparse the whole schema
  // each time; running all of them costs 130 ms, current.sql 15.
  if (current == 0 && Pragma(db, "application_id") == 0 && Current().version == MaxVersion()) {
    apply("schema/current.sql", Current().sql);
  } else {
    for (const Migration& m : Migrations()) {
      if (m.version > current) apply("migration " + std::string(m.name), m.sql);
    }
  }
  db.Exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db.Exec("PRAGMA user_version = " + std::to_string(MaxVersion()));
  scope.Commit();
}

}  // namespace certo::internal
