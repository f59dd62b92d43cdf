-- Copyright 2026 The certo Authors
-- SPDX-License-Identifier: MIT
--
-- API keys for `certo serve` (README.md, "certo serve"). A key belongs to one project and sees
-- only its rows. The file keeps a salted BLAKE2b hash of the secret (libsodium's
-- crypto_generichash keyed with the salt), never the token itself, so a copy of the file does not
-- hand out access. Keys are not records of the 4hse model: they have no JSON API collection, no
-- events and are not exported.

CREATE TABLE api_key (
  key_id     TEXT PRIMARY KEY NOT NULL,
  project_id TEXT NOT NULL REFERENCES project (project_id) ON DELETE CASCADE,
  name       TEXT NOT NULL DEFAULT '',
  read_only  INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
  salt       BLOB NOT NULL,
  hash       BLOB NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) WITHOUT ROWID;

CREATE INDEX api_key_project ON api_key (project_id);
