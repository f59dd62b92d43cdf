// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The status of a schedule row as SQL over its stored dates, written once. A row of
// action_subscription stores cover_expire (NULL: no cover; 'never': never expires) and
// expiring_from (its first EXPIRING day; 'never' when it never becomes EXPIRING), and 'never'
// sorts after every date, so each status on a day D is a range of those columns that the
// schedule's indexes answer (DESIGN.md section 2.1, rule 4):
//   NEW       cover_expire IS NULL
//   VALID     cover_expire >= D AND expiring_from > D
//   EXPIRING  expiring_from <= D AND cover_expire >= D
//   EXPIRED   cover_expire < D
// These agree with certo_status() (rules.h, StatusOn) on every day; the schedule's counts test
// compares the two. Everything that filters, counts or lists rows by status uses this file.

#pragma once

#include "certo/schedule_status.h"

#include <string>
#include <string_view>

#include "registry/registry.h"

namespace certo::internal {

// The condition "the row aliased alias has status s on day", day an SQL expression (a bound
// "?", "certo_as_of()", ...), written as often as the condition needs it.
std::string StatusCondition(ScheduleStatus s, std::string_view alias, std::string_view day);

// The same condition with day bound: one "?" per use, each bound to day (YYYY-MM-DD).
FilterSql StatusFilter(ScheduleStatus s, std::string_view alias, const std::string& day);

// The status of the row aliased alias on day, as an SQL value ("NEW", "VALID", ...).
std::string StatusValue(std::string_view alias, std::string_view day);

// A change that time alone makes: the row enters status s (kExpiring or kExpired) on the day
// `first_day`, and `condition` says that day is in (from, to], both SQL expressions; written
// over the columns themselves so that an index on them answers it.
struct StatusEntry {
  std::string first_day;
  std::string condition;
};
// REQUIRES: s is kExpiring or kExpired (no other status is entered by time passing).
StatusEntry EntersStatus(ScheduleStatus s, std::string_view alias, std::string_view from,
                         std::string_view to);

}  // namespace certo::internal
