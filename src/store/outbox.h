// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The outbox's retention policy (schema 11, certo/outbox.h): reading and setting it, and applying
// it at the end of a write. Pending counts come from the seq range: events leave the outbox only
// from its oldest end (acknowledgements and this policy), so the range is the count without a
// scan of a million rows. And the bulk summaries (certo/events.h): a bulk write's events, from
// C++ or from a trigger, held back from the outbox while it runs and written as summaries.

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

// From BeginBulkEvents to EndBulkEvents, every row inserted into the outbox is held back (its
// name and entity id) in temporary tables of the connection and summarized (certo/events.h):
// each full chunk of a name at once, what is left by EndBulkEvents. Both run inside the bulk
// write's transaction, so a rollback takes the diversion with it: no later write's event can be
// held back.
void BeginBulkEvents(Db& db);
void EndBulkEvents(Db& db);

}  // namespace certo::internal
