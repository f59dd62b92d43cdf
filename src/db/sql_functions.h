// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The C++ functions registered on every connection certo opens. The schedule's triggers call
// them, so a connection without them (the sqlite3 shell, another program) cannot write the
// schedule tables: its writes fail with "no such function" instead of leaving stale state.
//
//   certo_today()            the engine's today
//   certo_as_of()            the date reads are evaluated at (Query::as_of, else today)
//   certo_bulk()             1 while a bulk transaction defers recalculation
//   certo_expiry(link_expire, cert_expire, release, cert_validity, cert_unit,
//                action_validity, action_unit)        a link's effective expiry, 'never', or NULL
//                                       when release is NULL (no link)
//   certo_expiring_from(cover_expire, expire_interval) first EXPIRING day, or 'never'
//   certo_status(cover_expire, expiring_from, day)    NEW, VALID, EXPIRING or EXPIRED
//   certo_add_days(date, n)
//   certo_earliest(date, ...)                         the earliest non-NULL date, or NULL
//   certo_latest(date, ...)                           the latest non-NULL date, or NULL
//   certo_now()                                       the time a write is stamped with
//   certo_admits(action_type, subscriber_type)        1 when the type admits the subscriber
//   certo_pair_id(action_id, person_id)               a derived subscription's id (NameUuid)
//   certo_timeline(link_id, release, revoked_on, expire, expire_interval)   an aggregate over
//                  one subscription's links: its cover timeline (rules.h, CoverTimeline) as JSON
//                  text [[from, to, release, expire, expiring_from], ...], to null on the last
//                  segment, the three cover dates null where no link covers, 'never' where the
//                  cover never expires (or never becomes EXPIRING); NULL when no link ever covers

#pragma once

#include "certo/options.h"

#include <optional>

#include <sqlite3.h>

#include "base/calendar.h"
#include "db/db.h"

namespace certo::internal {

struct SqlContext {
  Options options;
  std::optional<Date> as_of;  // set for the duration of one read
  bool bulk = false;
  // Set through the outermost bulk write (schema 22): status months are summed at its end.
  bool defer_months = false;

  Date Today() const { return options.today ? *options.today : LocalToday(); }
  Date AsOf() const { return as_of ? *as_of : Today(); }
  // The time a write is stamped with (Options::now), as "YYYY-MM-DDTHH:MM:SSZ".
  std::string Now() const;
};

// Registers the functions with ctx as their state. REQUIRES: ctx outlives the connection.
// Returns a SQLite result code.
int RegisterFunctions(sqlite3* db, SqlContext* ctx);

// Sets SqlContext::as_of for a scope and gives the enclosing scope's date back at its end, so
// a read of other days inside one (the report's trend points) leaves the outer day in place.
// Throws StatusError (kValidation, field as_of) when the date is not a real calendar date.
class AsOfScope {
 public:
  AsOfScope(SqlContext& ctx, std::optional<Date> as_of) : ctx_(ctx), outer_(ctx.as_of) {
    if (as_of && !as_of->ok()) Fail(Status::Validation("as_of", "must be a real calendar date"));
    ctx_.as_of = as_of;
  }
  ~AsOfScope() { ctx_.as_of = outer_; }

 private:
  SqlContext& ctx_;
  std::optional<Date> outer_;
};

}  // namespace certo::internal
