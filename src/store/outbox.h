// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The outbox's retention policy (schema 11, certo/outbox.h): reading and setting it, and applying
// it at the end of a write. Pending counts come from the seq range: events leave the outbox only
// from its oldest end (acknowledgements and this policy), so the range is the count without a
// scan of a million rows.

#pragma once

#include "certo/outbox.h"

#include "base/calendar.h"
#include "db/db.h"

namespace certo::internal {

OutboxState ReadOutboxState(Db& db);
// Validates and stores policy (throws StatusError kValidation naming max_events or max_days),
// then applies it.
void WriteOutboxPolicy(Db& db, const OutboxPolicy& policy, Date today, const std::string& now);
// Drops what the stored policy does not keep, counting it; returns how many went.
int64_t ApplyOutboxPolicy(Db& db, Date today);

}  // namespace certo::internal
