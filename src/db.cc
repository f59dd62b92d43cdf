// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT

#include "db.h"

#include <sqlite3.h>

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
  return std::move(status).WithSqliteCode(extended_code);
}

SQLite::Statement& Db::Cached(const std::string& sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    it = cache_.emplace(sql, std::make_unique<SQLite::Statement>(*db_, sql)).first;
  } else {
    it->second->reset();
    it->second->clearBindings();
  }
  return *it->second;
}

bool Db::InTransaction() const { return sqlite3_get_autocommit(db_->getHandle()) == 0; }

WriteScope::WriteScope(Db& db) : db_(db) {
  if (db_.InTransaction()) {
    static thread_local unsigned counter = 0;
    savepoint_ = "certo_" + std::to_string(++counter);
    db_.Exec("SAVEPOINT " + savepoint_);
  } else {
    db_.Exec("BEGIN IMMEDIATE");
  }
}

void WriteScope::Commit() {
  db_.Exec(savepoint_.empty() ? "COMMIT" : "RELEASE " + savepoint_);
  done_ = true;
}

WriteScope::~WriteScope() {
  if (done_) return;
  db_.NoteRollback();
  // Never throws: a failed rollback leaves SQLite to roll back when the connection closes.
  if (savepoint_.empty()) {
    db_.raw().tryExec("ROLLBACK");
  } else {
    db_.raw().tryExec("ROLLBACK TO " + savepoint_ + "; RELEASE " + savepoint_);
  }
}

}  // namespace certo::internal
