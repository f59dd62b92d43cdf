// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "keys/keys.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>

#include <sodium.h>

namespace certo::internal {

namespace {

constexpr std::string_view kPrefix = "certo_";
constexpr size_t kIdBytes = 16, kSecretBytes = 32, kSaltBytes = 16, kHashBytes = 32;

void InitSodium() {
  // sodium_init is idempotent and thread-safe; it fails only without a usable entropy source.
  if (sodium_init() < 0) Fail(Status::Internal("libsodium could not be initialized"));
}

std::string Hex(const unsigned char* data, size_t size) {
  std::string out(size * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, size);
  out.pop_back();
  return out;
}

bool Unhex(std::string_view hex, unsigned char* out, size_t size) {
  if (hex.size() != size * 2) return false;
  for (char c : hex) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  size_t written = 0;
  return sodium_hex2bin(out, size, hex.data(), hex.size(), nullptr, &written, nullptr) == 0 &&
         written == size;
}

std::array<unsigned char, kHashBytes> Hash(const unsigned char* secret, const unsigned char* salt) {
  std::array<unsigned char, kHashBytes> hash{};
  crypto_generichash(hash.data(), hash.size(), secret, kSecretBytes, salt, kSaltBytes);
  return hash;
}

std::string NowUtc() {
  std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

ApiKey RowKey(SQLite::Statement& st) {
  ApiKey key;
  key.key_id = st.getColumn(0).getString();
  key.project_id = st.getColumn(1).getString();
  key.name = st.getColumn(2).getString();
  key.read_only = st.getColumn(3).getInt() != 0;
  key.created_at = st.getColumn(4).getString();
  if (!st.getColumn(5).isNull()) key.revoked_at = st.getColumn(5).getString();
  return key;
}

// Statements splice it with append(), not +: GCC 12 at -O2 reports a false -Warray-bounds on
// std::string&& + const char* where the library's precompiled header comes first.
constexpr const char* kColumns = "key_id, project_id, name, read_only, created_at, revoked_at";

std::optional<ApiKey> Find(Db& db, std::string_view key_id) {
  SQLite::Statement& st =
      db.Cached(std::string("SELECT ").append(kColumns).append(" FROM api_key WHERE key_id = ?"));
  st.bind(1, std::string(key_id));
  std::optional<ApiKey> key;
  if (st.executeStep()) key = RowKey(st);
  st.reset();
  return key;
}

}  // namespace

NewApiKey CreateKey(Db& db, std::string_view project_id, std::string_view name, bool read_only) {
  InitSodium();
  if (name.size() > 200) Fail(Status::Validation("name", "must be at most 200 characters"));
  SQLite::Statement& project = db.Cached("SELECT 1 FROM project WHERE project_id = ?");
  project.bind(1, std::string(project_id));
  const bool exists = project.executeStep();
  project.reset();
  if (!exists) Fail(Status::NotFound("no project with id '" + std::string(project_id) + "'"));

  unsigned char id[kIdBytes], secret[kSecretBytes], salt[kSaltBytes];
  randombytes_buf(id, sizeof id);
  randombytes_buf(secret, sizeof secret);
  randombytes_buf(salt, sizeof salt);
  const auto hash = Hash(secret, salt);

  NewApiKey made;
  made.key.key_id = Hex(id, sizeof id);
  made.key.project_id = std::string(project_id);
  made.key.name = std::string(name);
  made.key.read_only = read_only;
  made.key.created_at = NowUtc();
  made.token = std::string(kPrefix) + made.key.key_id + "_" + Hex(secret, sizeof secret);
  sodium_memzero(secret, sizeof secret);

  SQLite::Statement& st = db.Cached(
      "INSERT INTO api_key (key_id, project_id, name, read_only, salt, hash, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  st.bind(1, made.key.key_id);
  st.bind(2, made.key.project_id);
  st.bind(3, made.key.name);
  st.bind(4, read_only ? 1 : 0);
  st.bind(5, salt, static_cast<int>(sizeof salt));
  st.bind(6, hash.data(), static_cast<int>(hash.size()));
  st.bind(7, made.key.created_at);
  st.exec();
  st.reset();
  return made;
}

std::vector<ApiKey> ListKeys(Db& db, std::string_view project_id) {
  SQLite::Statement& st = db.Cached(std::string("SELECT ").append(kColumns).append(
      " FROM api_key WHERE ?1 = '' OR project_id = ?1 "
      "ORDER BY created_at, key_id"));
  st.bind(1, std::string(project_id));
  std::vector<ApiKey> keys;
  while (st.executeStep()) keys.push_back(RowKey(st));
  st.reset();
  return keys;
}

ApiKey RevokeKey(Db& db, std::string_view key_id) {
  if (!Find(db, key_id)) Fail(Status::NotFound("no API key with id '" + std::string(key_id) + "'"));
  SQLite::Statement& st =
      db.Cached("UPDATE api_key SET revoked_at = coalesce(revoked_at, ?) WHERE key_id = ?");
  st.bind(1, NowUtc());
  st.bind(2, std::string(key_id));
  st.exec();
  st.reset();
  return *Find(db, key_id);
}

std::optional<ApiKey> Authenticate(Db& db, std::string_view token) {
  InitSodium();
  const size_t id_hex = kIdBytes * 2, secret_hex = kSecretBytes * 2;
  if (token.size() != kPrefix.size() + id_hex + 1 + secret_hex) return std::nullopt;
  if (token.substr(0, kPrefix.size()) != kPrefix || token[kPrefix.size() + id_hex] != '_') {
    return std::nullopt;
  }
  const std::string_view key_id = token.substr(kPrefix.size(), id_hex);
  unsigned char secret[kSecretBytes];
  if (!Unhex(token.substr(kPrefix.size() + id_hex + 1), secret, sizeof secret)) {
    return std::nullopt;
  }
  SQLite::Statement& st = db.Cached(
      std::string("SELECT ").append(kColumns).append(", salt, hash FROM api_key WHERE key_id = ?"));
  st.bind(1, std::string(key_id));
  std::optional<ApiKey> key;
  if (st.executeStep() && st.getColumn(6).getBytes() == static_cast<int>(kSaltBytes) &&
      st.getColumn(7).getBytes() == static_cast<int>(kHashBytes)) {
    const auto hash = Hash(secret, static_cast<const unsigned char*>(st.getColumn(6).getBlob()));
    const bool match = sodium_memcmp(hash.data(), st.getColumn(7).getBlob(), kHashBytes) == 0;
    ApiKey found = RowKey(st);
    if (match && !found.revoked_at) key = std::move(found);
  }
  st.reset();
  sodium_memzero(secret, sizeof secret);
  return key;
}

bool HasKeys(Db& db) {
  SQLite::Statement& st = db.Cached("SELECT EXISTS (SELECT 1 FROM api_key)");
  st.executeStep();
  const bool any = st.getColumn(0).getInt() != 0;
  st.reset();
  return any;
}

}  // namespace certo::internal
