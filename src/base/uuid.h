// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// UUIDs: certo generates version 7 (time-ordered) ids, so rows created together sit together in
// the primary-key B-tree, which makes bulk inserts several times faster than random keys.

#pragma once

#include <string>
#include <string_view>

namespace certo::internal {

// A new UUIDv7 in canonical lower-case form.
std::string NewUuid();
// The UUID named by name: version 8 (RFC 9562, custom), its bits the first 122 of name's BLAKE2b
// digest. The same name gives the same id in every file, so rows a rule derives (one per action
// and person) have one id wherever they are derived.
std::string NameUuid(std::string_view name);
// A derived subscription's id (schema 10's certo_pair_id): the NameUuid of its action and person.
std::string DerivedSubscriptionId(std::string_view action_id, std::string_view person_id);
// True for the canonical 8-4-4-4-12 hexadecimal form (either case).
bool IsUuid(std::string_view text);

}  // namespace certo::internal
