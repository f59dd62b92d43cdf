// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The status of a schedule row on a day D as SQL over its stored dates, written once (DESIGN.md
// section 2.1; schema/0008_status_timeline.sql stores them). A row of action_subscription keeps
// its cover as a timeline: first_from (the first day a link covers; NULL: never), and the last
// segment from cover_from on in cover_release, cover_expire (NULL: no cover; 'never': never
// expires) and expiring_from ('never': never EXPIRING); the earlier segments are rows of
// subscription_cover with [from_day, to_day). 'never' sorts after every date, so within one
// segment each status on D is a range of those columns:
//   NEW       cover_expire IS NULL
//   VALID     cover_expire >= D AND expiring_from > D
//   EXPIRING  expiring_from <= D AND cover_expire >= D
//   EXPIRED   cover_expire < D
// and the segment in force on D is the row's own when cover_from <= D (every row of a file whose
// certificates were released by D: the fast branch, over the same indexes as a single-segment
// layout), one of subscription_cover when first_from <= D < cover_from (the past branch), and
// none (NEW) before first_from. These agree with CoverTimeline and StatusOn (rules.h) on every
// day; Verify and the schedule's tests compare the two. Everything that filters, counts or lists
// rows by status or by cover in force uses this file.

#pragma once

#include "certo/schedule_status.h"

#include <string>
#include <string_view>

#include "registry/registry.h"

namespace certo::internal {

// The condition "the row aliased alias has status s on day", day an SQL expression (a bound
// "?", "certo_as_of()", ...), written as often as the condition needs it.
std::string StatusCondition(ScheduleStatus s, std::string_view alias, std::string_view day);

// The two halves of StatusCondition, for reads that count each with its own index: the rows
// whose own columns are in force on day (an index range of the office indexes), and the rest
// (the past branch and, for NEW, the days before first_from). Their OR is StatusCondition.
std::string StatusConditionOwn(ScheduleStatus s, std::string_view alias, std::string_view day);
std::string StatusConditionPast(ScheduleStatus s, std::string_view alias, std::string_view day);

// The status condition within one segment whose cover columns are those of alias (a row of
// subscription_cover, or a row's own segment), the segment's days aside.
std::string SegmentStatusCondition(ScheduleStatus s, std::string_view alias, std::string_view day);

// The same condition with day bound: one "?" per use, each bound to day (YYYY-MM-DD).
FilterSql StatusFilter(ScheduleStatus s, std::string_view alias, const std::string& day);

// The status of the row aliased alias on day, as an SQL value ("NEW", "VALID", ...).
std::string StatusValue(std::string_view alias, std::string_view day);

// One cover column (cover_release, cover_expire or expiring_from) of the segment in force on
// day; NULL when none is.
std::string CoverValue(std::string_view alias, std::string_view column, std::string_view day);

// Binds every "?" of sql to the same day; returns the binds of a FilterSql.
FilterSql WithDay(std::string sql, const std::string& day);

}  // namespace certo::internal
