// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The review history: one append-only chain of events over the whole file. An event's hash is
// SHA-256 (libsodium) of the previous event's hash and the event's own columns, serialized as
// one JSON array in column order (null for an absent value), so any edited column, removed or
// inserted row breaks the chain at that event. The first event chains to 64 zeros.

#pragma once

#include "certo/record.h"
#include "certo/verify.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"
#include "db/sql_functions.h"

namespace certo::internal::review {

struct EventRow {
  int64_t cert_id = 0;
  std::string task_id;  // "" = none
  std::optional<int64_t> line_item_id;
  std::optional<int64_t> line_item_detail_id;
  int action = 0;
  int cert_state = 2;  // the campaign's certState (codes.h)
  std::string actor = "system";
  std::string recipient;             // "" = none
  std::string recipient_task;        // "" = none
  std::string from_state, to_state;  // "" = none
  std::string comment;               // "" = none
  Json data;                         // null = none
};

// Appends one event and returns its event_id.
int64_t AppendEvent(Db& db, SqlContext& ctx, const EventRow& event);

// The time stamped on events and rows: now in UTC ("YYYY-MM-DDTHH:MM:SSZ"), or midnight of
// Options::today when it is pinned, so a pinned engine writes the same history every run.
std::string Now(const SqlContext& ctx);

std::vector<Problem> VerifyChain(Db& db);

}  // namespace certo::internal::review
