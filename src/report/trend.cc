// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The trend: one StatusCounts per day, inside one read transaction so that a write between two
// points cannot make them disagree. No status SQL here: every point is the counts read of
// schedule/ as of its day (registry/status_sql.h holds the rule), so a trend's last point and
// StatusCounts on the same day are the same numbers by construction.

#include "report/trend.h"

#include <string>
#include <vector>

#include "base/calendar.h"
#include "schedule/schedule.h"

namespace certo {

const char* TrendStepName(TrendStep step) {
  switch (step) {
    case TrendStep::kWeek:
      return "week";
    case TrendStep::kDay:
      return "day";
    case TrendStep::kMonth:
      break;
  }
  return "month";
}

std::optional<TrendStep> ParseTrendStep(std::string_view name) {
  for (TrendStep step : {TrendStep::kMonth, TrendStep::kWeek, TrendStep::kDay}) {
    if (name == TrendStepName(step)) return step;
  }
  return std::nullopt;
}

}  // namespace certo

namespace certo::internal {

namespace {

// The n-th point after from. Months are counted from from each time, so a month-end start stays
// at month ends (01-31, 02-28, 03-31) instead of drifting to the 28th.
Date StepFrom(const Date& from, TrendStep step, int n) {
  switch (step) {
    case TrendStep::kDay:
      return AddDays(from, n);
    case TrendStep::kWeek:
      return AddDays(from, 7LL * n);
    case TrendStep::kMonth:
      break;
  }
  return AddPeriod(from, n, Unit::kMonth);
}

bool IsStep(TrendStep step) {
  return step == TrendStep::kMonth || step == TrendStep::kWeek || step == TrendStep::kDay;
}

}  // namespace

std::vector<Date> TrendDays(const TrendQuery& q) {
  std::vector<FieldError> errors;
  if (!q.from.ok()) errors.push_back({"from", "must be a real calendar date"});
  if (!q.to.ok()) errors.push_back({"to", "must be a real calendar date"});
  if (q.from.ok() && q.to.ok() && q.to < q.from) {
    errors.push_back({"to", "must not be before from"});
  }
  if (!IsStep(q.step)) errors.push_back({"step", "must be month, week or day"});
  if (!q.filter.is_object()) {
    errors.push_back({"filter", "must be an object of field: value"});
  } else if (q.filter.contains("status")) {
    errors.push_back(
        {"filter.status", "is what the counts are grouped by; leave it out of the filter"});
  }
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  std::vector<Date> days;
  // One point past the limit is enough to know the window is too long.
  for (int n = 0; n <= kMaxTrendPoints; ++n) {
    const Date day = StepFrom(q.from, q.step, n);
    if (day > q.to) break;
    days.push_back(day);
  }
  if (days.size() > static_cast<size_t>(kMaxTrendPoints)) {
    Fail(Status::Validation("to", "is too far after from: at most " +
                                      std::to_string(kMaxTrendPoints) + " points (one per " +
                                      TrendStepName(q.step) + ") from from to to"));
  }
  return days;
}

std::vector<Date> MonthsBack(const Date& last, int n) {
  std::vector<Date> days;
  for (int back = n - 1; back >= 0; --back) days.push_back(AddPeriod(last, -back, Unit::kMonth));
  return days;
}

std::vector<TrendPoint> CountsOn(Db& db, Store& store, SqlContext& ctx,
                                 const std::vector<Date>& days, const Json& filter) {
  ReadScope read(db);
  std::vector<TrendPoint> points;
  points.reserve(days.size());
  for (const Date& day : days) {
    AsOfScope as_of(ctx, day);
    Query query;
    query.filter = filter;
    query.as_of = day;
    points.push_back(TrendPoint{day, StatusCounts(db, store, query)});
  }
  return points;
}

std::vector<TrendPoint> Trend(Db& db, Store& store, SqlContext& ctx, const TrendQuery& q) {
  return CountsOn(db, store, ctx, TrendDays(q), q.filter);
}

}  // namespace certo::internal
