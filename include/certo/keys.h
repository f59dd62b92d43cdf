// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// API keys: who may reach a certo file over HTTP (`certo serve`), and which project's rows they
// see. A key belongs to one project and is read-write or read-only. Its token is shown once, when
// it is created; the file keeps only a salted hash of the secret, so neither a copy of the file
// nor a log can give the token back. A revoked key stays listed (who had access, until when) and
// never authenticates again.
//
// Token format: "certo_" + the key id (32 hex digits) + "_" + the secret (64 hex digits). The id
// part lets the server find the key with one lookup; the secret is compared in constant time.

#pragma once

#include <optional>
#include <string>

namespace certo {

struct ApiKey {
  std::string key_id;                     // 32 lower-case hex digits
  std::string project_id;                 // the only project this key sees
  std::string name;                       // free text, for people ("tablet 3", "payroll sync")
  bool read_only = false;                 // true: reads only; writes are refused (HTTP 403)
  std::string created_at;                 // UTC, ISO 8601 ("2026-12-01T20:35:09Z")
  std::optional<std::string> revoked_at;  // UTC, ISO 8601, once revoked
};

// What Engine::CreateKey returns: the stored key and its token (the only time it is shown).
struct NewApiKey {
  ApiKey key;
  std::string token;
};

}  // namespace certo
