// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The trend (certo/trend.h) and the compliance of an incident's people on its date: both are
// status counts or index reads of the schedule on other days than the call's, read in one
// snapshot, each day set through an AsOfScope so that every read obeys the rule for that day.

#pragma once

#include "certo/report.h"
#include "certo/trend.h"

#include <string>
#include <string_view>
#include <vector>

#include "db/db.h"
#include "db/sql_functions.h"
#include "store/store.h"

namespace certo::internal {

// The days of a trend, from query.from by query.step up to query.to. Throws kValidation naming
// "from", "to", "step" or "filter.status".
std::vector<Date> TrendDays(const TrendQuery& query);

// n days one month apart ending at last: last - (n - 1) months, ..., last, each counted from
// last (clamped to the month's end). The report's "compliance over the last 12 months".
std::vector<Date> MonthsBack(const Date& last, int n);

// The status counts (Engine::StatusCounts) under filter on each day, in one read snapshot.
// Throws StatusError (kValidation for a bad filter).
std::vector<TrendPoint> CountsOn(Db& db, Store& store, SqlContext& ctx,
                                 const std::vector<Date>& days, const Json& filter);

// Engine::Trend. Throws StatusError.
std::vector<TrendPoint> Trend(Db& db, Store& store, SqlContext& ctx, const TrendQuery& query);

// Engine::IncidentCompliance. Throws StatusError (kNotFound for an unknown incident).
Json IncidentCompliance(Db& db, Store& store, SqlContext& ctx, std::string_view incident_id);

// How many people an incident involves, and how many of them were out of compliance on its
// date (a requirement NEW or EXPIRED that day): what the report's incident list shows.
struct IncidentPeople {
  int64_t involved = 0;
  int64_t out_of_compliance = 0;
};
IncidentPeople IncidentPeopleOnItsDate(Db& db, Store& store, SqlContext& ctx,
                                       const std::string& incident_id, const Date& date_incident);

}  // namespace certo::internal
