// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The compliance schedule beyond plain CRUD: status changes between two dates, the from-scratch
// verification, and the deferred recomputation of bulk transactions.

#pragma once

#include "certo/query.h"
#include "certo/schedule_status.h"
#include "certo/verify.h"

#include <map>
#include <string>

#include "db/db.h"
#include "store/store.h"

namespace certo::internal {

// The action-subscription index (Store::Index's answer), with a faster read for one status of
// some offices, by expiry or not; throws StatusError.
Page Index(Db& db, Store& store, const Query& query);

// Status changes in (query.from, query.to]; throws StatusError.
Page Changes(Db& db, Store& store, const ChangesQuery& query);

// Counts of action-subscription rows per status, every status present; throws StatusError.
std::map<ScheduleStatus, int64_t> StatusCounts(Db& db, Store& store, const Query& query);

// Recomputes every subscription's cover from scratch and checks the file.
VerifyReport Verify(Db& db, const VerifyOptions& options);

// Recomputes every subscription touched while recalculation was deferred (SqlContext::bulk).
// REQUIRES: ctx.bulk is false again.
void RecomputeTouched(Db& db);
// Sums again from their status steps the months of the offices whose steps a bulk write changed
// (schema 22's status_month_dirty), and clears those notes. Call while SqlContext::defer_months
// is still set, after RecomputeTouched.
void SumDeferredMonths(Db& db);
// Recomputes every (action, person) pair a bulk transaction touched (schema 10's derive_touch),
// once each, by the trigger the non-bulk writes run: a row with a NULL action fires it even in
// bulk mode. Call while bulk mode is still on, before RecomputeTouched.
void DeriveTouched(Db& db);

}  // namespace certo::internal
