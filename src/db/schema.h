// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The schema migrations of schema/NNNN_slug.sql, compiled into the library (schema_sql.cc is
// generated from them by cmake/embed_schema.cmake), and the code that applies them.

#pragma once

#include <string_view>
#include <vector>

#include "db/db.h"

namespace certo::internal {

struct Migration {
  int version;            // NNNN
  std::string_view name;  // "0001_foundation"
  std::string_view sql;
};

// All migrations, in version order. Defined in the generated schema_sql.cc.
const std::vector<Migration>& Migrations();

// schema/current.sql: the objects of a file that took every migration up to `version`, in the
// order SQLite holds them, then the rows such a file holds. Generated from the migrations by
// tests/db/upgrade_test (CurrentSql), which also checks that a file made from it is the migrated
// one. Defined in the generated schema_sql.cc.
struct CurrentSchema {
  int version;  // 0 when schema/current.sql was missing
  std::string_view sql;
};
const CurrentSchema& Current();

// PRAGMA application_id of every certo file: "CRTO".
constexpr int kApplicationId = 0x4352544f;

// Checks that db is an empty SQLite file or a certo file this build can read, without writing.
// Throws StatusError (kIncompatible) otherwise; SQLite errors (not a database) propagate.
void CheckIdentity(Db& db, std::string_view path);
// True when the file is empty or older than this build's schema.
bool NeedsMigration(Db& db);
// Applies the missing migrations in one transaction and records the version; an empty file takes
// Current() instead, when it is of the newest version (the same file, 10x sooner). A file whose
// recorded version disagrees with its tables (a table the version should have is missing, or a
// migration past the version finds its work already done) fails with kIncompatible, unchanged.
void Migrate(Db& db, std::string_view path);
// The file's schema version (PRAGMA user_version).
int SchemaVersionOf(Db& db);

}  // namespace certo::internal
