// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "store/blob.h"

#include <algorithm>
#include <memory>
#include <vector>

#include <sodium.h>
#include <sqlite3.h>

namespace certo::internal {

namespace {

// The rowid of attachment id, for sqlite3_blob_open.
int64_t RowidOf(Db& db, const std::string& id) {
  SQLite::Statement& st = db.Cached("SELECT rowid FROM attachment WHERE attachment_id = ?");
  st.bind(1, id);
  if (!st.executeStep()) Fail(Status::NotFound("no attachment with attachment_id " + id));
  const int64_t rowid = st.getColumn(0).getInt64();
  st.reset();
  return rowid;
}

struct BlobCloser {
  void operator()(sqlite3_blob* blob) const { sqlite3_blob_close(blob); }
};
using Blob = std::unique_ptr<sqlite3_blob, BlobCloser>;

Blob OpenBlob(Db& db, int64_t rowid, bool write) {
  sqlite3* handle = db.raw().getHandle();
  sqlite3_blob* blob = nullptr;
  int rc = sqlite3_blob_open(handle, "main", "attachment", "content", rowid, write ? 1 : 0, &blob);
  if (rc != SQLITE_OK) {
    sqlite3_blob_close(blob);
    Fail(FromSqlite(sqlite3_extended_errcode(handle), sqlite3_errmsg(handle)));
  }
  return Blob(blob);
}

void Check(Db& db, int rc) {
  if (rc == SQLITE_OK) return;
  sqlite3* handle = db.raw().getHandle();
  Fail(FromSqlite(sqlite3_extended_errcode(handle), sqlite3_errmsg(handle)));
}

std::string Hex(const unsigned char* bytes, size_t n) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

}  // namespace

void WriteContent(Db& db, const std::string& id, std::istream* in, int64_t size) {
  const int64_t rowid = RowidOf(db, id);
  if (!in) {
    SQLite::Statement& st = db.Cached(
        "UPDATE attachment SET content = NULL, size = 0, sha256 = NULL, is_directory = 1"
        " WHERE rowid = ?");
    st.bind(1, rowid);
    st.exec();
    return;
  }
  {
    SQLite::Statement& st = db.Cached(
        "UPDATE attachment SET content = zeroblob(?), size = ?, sha256 = NULL, is_directory = 0"
        " WHERE rowid = ?");
    st.bind(1, size);
    st.bind(2, size);
    st.bind(3, rowid);
    st.exec();
  }
  // idempotent and thread-safe; fails only without an entropy source, which hashing does not use
  if (sodium_init() < 0) Fail(Status::Internal("libsodium could not be initialized"));
  crypto_hash_sha256_state hash;
  crypto_hash_sha256_init(&hash);
  std::vector<char> buffer(kAttachmentChunkBytes);
  Blob blob = size > 0 ? OpenBlob(db, rowid, /*write=*/true) : nullptr;
  int64_t written = 0;
  while (written < size) {
    const auto want = static_cast<std::streamsize>(
        std::min<int64_t>(size - written, static_cast<int64_t>(buffer.size())));
    in->read(buffer.data(), want);
    const std::streamsize got = in->gcount();
    if (got <= 0) {
      Fail(Status::Validation("content", "ended after " + std::to_string(written) + " of " +
                                             std::to_string(size) + " bytes"));
    }
    crypto_hash_sha256_update(&hash, reinterpret_cast<const unsigned char*>(buffer.data()),
                              static_cast<unsigned long long>(got));
    Check(db, sqlite3_blob_write(blob.get(), buffer.data(), static_cast<int>(got),
                                 static_cast<int>(written)));
    written += got;
    if (in->bad()) Fail(Status::Validation("content", "could not be read"));
  }
  blob.reset();
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(&hash, digest);
  SQLite::Statement& st = db.Cached("UPDATE attachment SET sha256 = ? WHERE rowid = ?");
  st.bind(1, Hex(digest, sizeof digest));
  st.bind(2, rowid);
  st.exec();
}

void ReadContent(Db& db, const std::string& id, const AttachmentSink& sink) {
  const int64_t rowid = RowidOf(db, id);
  int64_t size = 0;
  {
    SQLite::Statement& st =
        db.Cached("SELECT coalesce(length(content), 0) FROM attachment WHERE rowid = ?");
    st.bind(1, rowid);
    st.executeStep();
    size = st.getColumn(0).getInt64();
    st.reset();
  }
  if (size == 0) return;
  Blob blob = OpenBlob(db, rowid, /*write=*/false);
  std::vector<char> buffer(kAttachmentChunkBytes);
  for (int64_t offset = 0; offset < size;) {
    const int n =
        static_cast<int>(std::min<int64_t>(size - offset, static_cast<int64_t>(buffer.size())));
    Check(db, sqlite3_blob_read(blob.get(), buffer.data(), n, static_cast<int>(offset)));
    if (!sink(buffer.data(), static_cast<size_t>(n))) {
      Fail(Status::IOError("the reader stopped after " + std::to_string(offset) + " bytes"));
    }
    offset += n;
  }
}

}  // namespace certo::internal
