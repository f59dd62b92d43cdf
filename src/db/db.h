// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The SQLite connection as certo uses it: a statement cache, nested write scopes, and the
// translation of SQLite errors into Status. SQLiteCpp appears in src/ only.

#pragma once

#include "certo/status.h"

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

namespace certo::internal {

// Thrown inside the library to abort an operation with a Status; caught at the Engine boundary
// (see Guard in engine.cc), so it never reaches users.
struct StatusError {
  Status status;
};
[[noreturn]] inline void Fail(Status status) { throw StatusError{std::move(status)}; }

// Translates a SQLite error (code and message) into a Status with a certo code.
Status FromSqlite(int extended_code, const std::string& message);

// The Status of the exception being handled (call only inside a catch block): a StatusError's
// own, a SQLite error translated, anything else kInternal. std::bad_alloc is rethrown.
Status CurrentExceptionStatus();

class Db {
 public:
  explicit Db(std::unique_ptr<SQLite::Database> db) : db_(std::move(db)) {}

  SQLite::Database& raw() { return *db_; }
  // A prepared statement for sql, reset and with bindings cleared. The statement is reused by
  // later calls with the same sql: step it to completion before preparing the same sql again.
  SQLite::Statement& Cached(const std::string& sql);
  // True while a transaction is open on the connection.
  bool InTransaction() const;
  void Exec(const std::string& sql) { db_->exec(sql); }
  // Counts rollbacks: anything cached about the file's rows is stale once it changes.
  uint64_t rollbacks() const { return rollbacks_; }
  void NoteRollback() { ++rollbacks_; }
  // The columns of a table, in declaration order (empty for no such table). Read once per
  // schema version of the file: a sync reads them for every change it records, applies or
  // announces, and pragma_table_info is a statement compiled anew each time.
  const std::vector<std::string>& Columns(const std::string& table);

 private:
  std::unique_ptr<SQLite::Database> db_;
  uint64_t rollbacks_ = 0;
  std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
  int64_t columns_version_ = -1;
  std::unordered_map<std::string, std::vector<std::string>> columns_;
};

// A write unit: BEGIN IMMEDIATE at the top level, a SAVEPOINT when nested. Rolls back unless
// Commit() is called.
class WriteScope {
 public:
  explicit WriteScope(Db& db);
  WriteScope(const WriteScope&) = delete;
  WriteScope& operator=(const WriteScope&) = delete;
  ~WriteScope();
  void Commit();

 private:
  Db& db_;
  bool nested_ = false;  // a SAVEPOINT inside a transaction, else BEGIN IMMEDIATE
  bool done_ = false;
};

// A read transaction for the duration of a scope (nothing when one is already open).
class ReadScope {
 public:
  explicit ReadScope(Db& db);
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
  ~ReadScope();

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace certo::internal
