// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "db/db.h"

#include <sqlite3.h>

#include "base/status_internal.h"

namespace certo::internal {

Status FromSqlite(int extended_code, const std::string& message) {
  Status status;
  switch (extended_code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      status = Status::Busy("the file is locked by another connection (" + message + ")");
      break;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      status = Status::Corrupt(message);
      break;
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
      status = Status::IOError(message);
      break;
    case SQLITE_CONSTRAINT:
      status = Status::Conflict(message);
      break;
    default:
      status = Status::Internal("SQLite: " + message);
  }
  return WithSqliteCode(std::move(status), extended_code);
}

SQLite::Statement& Db::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql)).first;
  } else {
    // tryReset: reset() would rethrow the error of the statement's last failed step (a BUSY
    // BEGIN, say), which belongs to the call that already reported it.
    it->second->tryReset();
    it->second->clearBindings();
  }
  return *it->second;
}

const std::vector<std::string>& Db::Columns(const std::string& table) {
  SQLite::Statement& version = Cached("PRAGMA schema_version");
  const int64_t now = version.executeStep() ? version.getColumn(0).getInt64() : 0;
  version.reset();
  if (now != columns_version_) {
    columns_.clear();
    columns_version_ = now;
  }
  auto it = columns_.find(table);
  if (it == columns_.end()) {
    std::vector<std::string> cols;
    SQLite::Statement& st = Cached("SELECT name FROM pragma_table_info(?) ORDER BY cid");
    st.bind(1, table);
    while (st.executeStep()) cols.push_back(st.getColumn(0).getString());
    it = columns_.emplace(table, std::move(cols)).first;
  }
  return it->second;
}

bool Db::InTransaction() const { return sqlite3_get_autocommit(db_->getHandle()) == 0; }

// Savepoints may share a name: RELEASE and ROLLBACK TO act on the innermost one. One name means
// the three statements are prepared once, which matters when every row of a bulk load is an
// operation of its own.
WriteScope::WriteScope(Db& db) : db_(db) {
  nested_ = db_.InTransaction();
  db_.Cached(nested_ ? "SAVEPOINT certo" : "BEGIN IMMEDIATE").exec();
}

void WriteScope::Commit() {
  db_.Cached(nested_ ? "RELEASE certo" : "COMMIT").exec();
  done_ = true;
}

WriteScope::~WriteScope() {
  if (done_) return;
  db_.NoteRollback();
  // Never throws: a failed rollback leaves SQLite to roll back when the connection closes.
  if (!nested_) {
    db_.raw().tryExec("ROLLBACK");
  } else {
    db_.raw().tryExec("ROLLBACK TO certo; RELEASE certo");
  }
}

Status CurrentExceptionStatus() {
  try {
    throw;
  } catch (const StatusError& e) {
    return e.status;
  } catch (const SQLite::Exception& e) {
    return FromSqlite(e.getExtendedErrorCode(), e.what());
  } catch (const std::bad_alloc&) {
    throw;
  } catch (const std::exception& e) {
    return Status::Internal(e.what());
  }
}

ReadScope::ReadScope(Db& db) : db_(db) {
  if (!db_.InTransaction()) {
    db_.Exec("BEGIN");
    open_ = true;
  }
}

ReadScope::~ReadScope() {
  if (!open_) return;
  try {
    db_.Exec("COMMIT");
  } catch (...) {
    // A read transaction has nothing to lose.
  }
}

}  // namespace certo::internal
