// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "db/schema.h"

#include <string>

namespace certo::internal {

namespace {

int Pragma(Db& db, const char* name) {
  return db.raw().execAndGet(std::string("PRAGMA ") + name).getInt();
}

int MaxVersion() { return Migrations().empty() ? 0 : Migrations().back().version; }

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

void Migrate(Db& db) {
  if (SchemaVersionOf(db) == MaxVersion() && Pragma(db, "application_id") == kApplicationId) {
    return;
  }
  WriteScope scope(db);
  // Another connection may have upgraded the file while this one waited for the lock.
  const int current = SchemaVersionOf(db);
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    db.Exec(std::string(m.sql));
  }
  db.Exec("PRAGMA application_id = " + std::to_string(kApplicationId));
  db.Exec("PRAGMA user_version = " + std::to_string(MaxVersion()));
  scope.Commit();
}

}  // namespace certo::internal
