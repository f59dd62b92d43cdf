// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Trend: how many compliance-schedule rows were in each status on a series of days
// (Engine::Trend, POST /v2/report/trend) — the answer to "is compliance getting better?".
//
// Contract:
//  * Days. The points are from, from + 1 step, from + 2 steps, ... up to and including to. A
//    month step keeps from's day of the month, clamped to the month's end, and is counted from
//    from each time (2026-01-31, 2026-02-28, 2026-03-31), never from the point before.
//  * Counts. Each point is Engine::StatusCounts as of its day with TrendQuery::filter (the rule
//    of DESIGN.md section 2 for that day: rows out of the schedule on it are not counted): every
//    ScheduleStatus present, 0 included. All points are read in one snapshot of the file, so
//    they agree with each other.
//  * Errors. kValidation naming the field: "from" / "to" (not a real date, to before from),
//    "step", "points" (more than kMaxTrendPoints), "filter.<key>" (as StatusCounts; "status"
//    cannot be filtered on, it is what is counted).

#pragma once

#include "certo/export.h"
#include "certo/record.h"
#include "certo/schedule_status.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string_view>

namespace certo {

enum class TrendStep { kMonth, kWeek, kDay };

// "month", "week" or "day": a static string.
CERTO_EXPORT const char* TrendStepName(TrendStep step);
// The step named name (exactly as TrendStepName spells it), or nullopt.
CERTO_EXPORT std::optional<TrendStep> ParseTrendStep(std::string_view name);

// The most points one trend may have (from to to, by step).
inline constexpr int kMaxTrendPoints = 400;

struct TrendQuery {
  // The first and the last day. REQUIRES: real dates, from <= to.
  std::chrono::year_month_day from;
  std::chrono::year_month_day to;
  TrendStep step = TrendStep::kMonth;
  // As Query::filter, over action-subscription's filters, without "status".
  Json filter = Json::object();
};

struct TrendPoint {
  std::chrono::year_month_day date;
  std::map<ScheduleStatus, int64_t> counts;  // every status, 0 included

  friend bool operator==(const TrendPoint&, const TrendPoint&) = default;
};

}  // namespace certo
