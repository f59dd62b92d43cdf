// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "db/open.h"

#include <sqlite3.h>

#include "db/schema.h"

namespace certo::internal {

std::unique_ptr<Db> OpenFile(const std::string& path, const Options& options, SqlContext* ctx) {
  const bool memory = path == ":memory:";
  int flags = SQLite::OPEN_READWRITE | (options.create_if_missing ? SQLite::OPEN_CREATE : 0);
  std::unique_ptr<SQLite::Database> database;
  try {
    database = std::make_unique<SQLite::Database>(path, flags, options.busy_timeout_ms);
  } catch (const SQLite::Exception& e) {
    Fail(FromSqlite(e.getExtendedErrorCode(), "cannot open '" + path + "': " + e.what()));
  }
  auto db = std::make_unique<Db>(std::move(database));
  sqlite3* handle = db->raw().getHandle();
  if (!memory && sqlite3_db_readonly(handle, "main") == 1) {
    Fail(Status::IOError("'" + path + "' is read-only"));
  }
  try {
    CheckIdentity(*db, path);
  } catch (const SQLite::Exception& e) {
    const int code = e.getExtendedErrorCode() & 0xff;
    const bool locked = code == SQLITE_BUSY || code == SQLITE_LOCKED;
    Fail(FromSqlite(e.getExtendedErrorCode(),
                    "'" + path + (locked ? "': " : "' is not a certo file: ") + e.what()));
  }
  // Identity is checked before anything is written: WAL mode rewrites the file header.
  if (!memory) db->raw().execAndGet("PRAGMA journal_mode = WAL");
  db->Exec("PRAGMA synchronous = NORMAL");
  db->Exec("PRAGMA foreign_keys = ON");
  db->Exec("PRAGMA temp_store = MEMORY");
  db->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_size_kib));
  int rc = RegisterFunctions(handle, ctx);
  if (rc != SQLITE_OK) Fail(FromSqlite(rc, "cannot register certo's SQL functions"));
  Migrate(*db);
  return db;
}

}  // namespace certo::internal
