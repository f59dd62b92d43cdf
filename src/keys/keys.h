// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// API keys in the file (schema/0004_api_keys.sql, certo/keys.h): creation with a random secret
// from libsodium, its salted hash (crypto_generichash keyed with a per-key salt), listing,
// revocation and authentication by token. Functions throw StatusError; writes run inside the
// caller's WriteScope.

#pragma once

#include "certo/keys.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "db/db.h"

namespace certo::internal {

// name: at most 200 characters. Throws kNotFound when the project does not exist.
NewApiKey CreateKey(Db& db, std::string_view project_id, std::string_view name, bool read_only);
// Every key ("" project: of every project), oldest first.
std::vector<ApiKey> ListKeys(Db& db, std::string_view project_id);
// Revokes a key (again: no change). Throws kNotFound.
ApiKey RevokeKey(Db& db, std::string_view key_id);
// The key a token names, when the token is well formed, its secret matches and the key is not
// revoked; else nullopt. Never says which of these failed (the caller answers 401 either way).
std::optional<ApiKey> Authenticate(Db& db, std::string_view token);
// True once the file holds a key, revoked or not: revoking every key must not open the door.
bool HasKeys(Db& db);

}  // namespace certo::internal
