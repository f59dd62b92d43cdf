// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Opening refuses before SQLite is involved what SQLite would misread (a directory, a file of
// zero bytes that SQLite would turn into a new database), opens read-only what cannot be written
// (a read-only file, or a read-only directory where the -wal and -shm files cannot be created),
// names the true cause of every failure, and removes whatever a failed open created.

#include "db/open.h"

#include <cctype>
#include <filesystem>
#include <system_error>

#include <errno.h>
#include <sqlite3.h>
#include <unistd.h>

#include "db/schema.h"

namespace certo::internal {

namespace {

namespace fs = std::filesystem;

std::string Quoted(const std::string& path) { return "'" + path + "'"; }

bool Exists(const std::string& path) {
  std::error_code ec;
  return fs::exists(fs::symlink_status(path, ec));
}

std::string DirectoryOf(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? "." : parent.string();
}

// False only when the path exists and this process may not write it (EACCES, EROFS): a path
// that cannot be reached at all is SQLite's to report.
bool Writable(const std::string& path) {
  if (access(path.c_str(), W_OK) == 0) return true;
  return errno != EACCES && errno != EROFS && errno != EPERM;
}

// A file: URI for path, so that read-only opens can pass mode=ro and immutable=1.
std::string UriOf(const std::string& path, const std::string& query) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string uri = path.starts_with('/') ? "file://" : "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 0xF];
    }
  }
  return uri + "?" + query;
}

// The Status of a SQLite error met while opening path, its cause in words.
Status OpenError(int extended_code, const std::string& what, const std::string& path) {
  const std::string q = Quoted(path);
  switch (extended_code & 0xff) {
    case SQLITE_FULL:
      return FromSqlite(extended_code, "cannot open " + q + ": the disk is full (" + what + ")");
    case SQLITE_NOTADB:
      return FromSqlite(extended_code, q + " is not a certo file: " + what);
    case SQLITE_CORRUPT:
      return FromSqlite(extended_code, q + " is damaged: " + what);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return FromSqlite(extended_code, q + ": " + what);
    case SQLITE_READONLY:
      return FromSqlite(extended_code,
                        "cannot open " + q + ": it cannot be written (" + what + ")");
    case SQLITE_IOERR:
      return FromSqlite(extended_code, "cannot open " + q + ": I/O error (" + what + ")");
    default:
      return FromSqlite(extended_code, "cannot open " + q + ": " + what);
  }
}

// What existed before the open, so that a failed open removes exactly what it created.
struct Leftovers {
  std::string path;
  bool file = false, wal = false, shm = false;

  explicit Leftovers(const std::string& p)
      : path(p), file(Exists(p)), wal(Exists(p + "-wal")), shm(Exists(p + "-shm")) {}

  // Call only once the connection is closed. An -shm is removed only with its -wal gone: a
  // -wal still there means another connection may be using both.
  void Remove() const {
    std::error_code ec;
    bool wal_gone = !Exists(path + "-wal");
    if (!wal && !wal_gone && fs::file_size(path + "-wal", ec) == 0 && !ec) {
      wal_gone = fs::remove(path + "-wal", ec);
    }
    if (!shm && wal_gone) fs::remove(path + "-shm", ec);
    if (!file && Exists(path) && fs::file_size(path, ec) == 0 && !ec) fs::remove(path, ec);
  }
};

std::unique_ptr<Db> Connect(const std::string& path, const Options& options, SqlContext* ctx,
                            bool read_only, const std::string& read_only_why) {
  const bool memory = path == ":memory:";
  std::string name = path;
  // No SQLite mutex: the Engine serializes every use of its connection (impl.h), so the
  // connection's own would only be taken again, three times per column read.
  int flags = SQLite::OPEN_READWRITE | SQLite::OPEN_NOMUTEX |
              (options.create_if_missing ? SQLite::OPEN_CREATE : 0);
  if (read_only) {
    // Without a -wal there is no writer to share memory with, and none can start without write
    // access to the file or its directory: immutable=1 reads without creating -wal and -shm.
    flags = SQLite::OPEN_READONLY | SQLite::OPEN_URI | SQLite::OPEN_NOMUTEX;
    name = UriOf(path, Exists(path + "-wal") ? "mode=ro" : "mode=ro&immutable=1");
  }
  std::unique_ptr<SQLite::Database> database;
  try {
    database =
        std::make_unique<SQLite::Database>(name, flags, options.busy_timeout_ms, options.vfs);
  } catch (const SQLite::Exception& e) {
    const int code = e.getExtendedErrorCode();
    Fail(FromSqlite(code < 0 ? SQLITE_CANTOPEN : code,
                    "cannot open " + Quoted(path) + ": " + e.what()));
  }
  auto db = std::make_unique<Db>(std::move(database));
  sqlite3* handle = db->raw().getHandle();
  try {
    CheckIdentity(*db, path);
    // Identity is checked before anything is written: WAL mode rewrites the file header.
    if (!memory && !read_only) db->raw().execAndGet("PRAGMA journal_mode = WAL");
    db->Exec("PRAGMA synchronous = NORMAL");
    db->Exec("PRAGMA foreign_keys = ON");
    db->Exec("PRAGMA temp_store = MEMORY");
    db->Exec("PRAGMA cache_size = -" + std::to_string(options.cache_size_kib));
    int rc = RegisterFunctions(handle, ctx);
    if (rc != SQLITE_OK) Fail(FromSqlite(rc, "cannot register certo's SQL functions"));
    if (read_only && NeedsMigration(*db)) {
      Fail(Status::IOError(Quoted(path) + " is read-only (" + read_only_why +
                           ") and needs a schema upgrade to schema " +
                           std::to_string(Migrations().back().version) +
                           ": open it once where it can be written"));
    }
    Migrate(*db, path);
  } catch (const SQLite::Exception& e) {
    Fail(OpenError(e.getExtendedErrorCode(), e.what(), path));
  }
  return db;
}

}  // namespace

std::unique_ptr<Db> OpenFile(const std::string& path, const Options& options, SqlContext* ctx) {
  const bool memory = path == ":memory:";
  bool read_only = false;
  std::string read_only_why;
  if (!memory) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (fs::is_directory(status)) {
      Fail(Status::IOError(Quoted(path) + " is a directory, not a certo file"));
    }
    const bool exists = fs::exists(status);
    const std::string dir = DirectoryOf(path);
    if (exists && fs::is_regular_file(status) && fs::file_size(path, ec) == 0 && !ec &&
        !options.create_if_missing) {
      Fail(Status::Corrupt(Quoted(path) +
                           " is empty (0 bytes), not a certo file; create_if_missing (--create) "
                           "makes it a new one"));
    }
    if (!exists && options.create_if_missing && !Writable(dir)) {
      Fail(Status::IOError("cannot create " + Quoted(path) + ": the directory '" + dir +
                           "' is read-only"));
    }
    if (exists && !Writable(path)) {
      read_only = true;
      read_only_why = "the file is read-only";
    } else if (exists && !Writable(dir) && !(Exists(path + "-wal") && Exists(path + "-shm"))) {
      read_only = true;
      read_only_why = "its directory '" + dir + "' is read-only: no -wal file can be created";
    }
    if (read_only && exists && fs::file_size(path, ec) == 0) {
      Fail(Status::IOError("cannot make " + Quoted(path) + " a certo file: " + read_only_why));
    }
  }
  const Leftovers before(memory ? std::string() : path);
  try {
    return Connect(path, options, ctx, read_only, read_only_why);
  } catch (...) {
    // Connect's Db is closed by now: its unique_ptr was destroyed by the unwinding.
    if (!memory) before.Remove();
    throw;
  }
}

}  // namespace certo::internal
