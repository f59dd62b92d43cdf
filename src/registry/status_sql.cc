// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "registry/status_sql.h"

#include <algorithm>

namespace certo::internal {

namespace {

std::string Column(std::string_view alias, std::string_view column) {
  std::string out;
  if (!alias.empty()) out.append(alias).append(".");
  return out.append(column);
}

// The subscription_cover row (aliased g) in force on d for the row aliased alias.
std::string PastSegment(std::string_view alias, const std::string& d) {
  return "FROM subscription_cover g WHERE g.action_subscription_id = " +
         Column(alias, "action_subscription_id") + " AND g.from_day <= " + d + " AND g.to_day > " +
         d;
}

}  // namespace

std::string SegmentStatusCondition(ScheduleStatus s, std::string_view alias, std::string_view day) {
  const std::string d(day);
  const std::string expire = Column(alias, "cover_expire");
  const std::string expiring = Column(alias, "expiring_from");
  switch (s) {
    case ScheduleStatus::kNew:
      return expire + " IS NULL";
    case ScheduleStatus::kValid:
      return "(" + expire + " >= " + d + " AND " + expiring + " > " + d + ")";
    case ScheduleStatus::kExpiring:
      return "(" + expiring + " <= " + d + " AND " + expire + " >= " + d + ")";
    case ScheduleStatus::kExpired:
      return expire + " < " + d;
  }
  return "0";  // not reached: every status is handled above
}

std::string StatusConditionOwn(ScheduleStatus s, std::string_view alias, std::string_view day) {
  const std::string d(day);
  return "(" + Column(alias, "cover_from") + " <= " + d + " AND " +
         SegmentStatusCondition(s, alias, d) + ")";
}

std::string StatusConditionPast(ScheduleStatus s, std::string_view alias, std::string_view day) {
  const std::string d(day);
  const std::string first = Column(alias, "first_from");
  std::string past = "(" + Column(alias, "cover_from") + " > " + d + " AND " + first + " <= " + d +
                     " AND EXISTS (SELECT 1 " + PastSegment(alias, d) + " AND " +
                     SegmentStatusCondition(s, "g", d) + "))";
  if (s != ScheduleStatus::kNew) return past;
  return "(" + first + " IS NULL OR " + first + " > " + d + " OR " + past + ")";
}

std::string StatusCondition(ScheduleStatus s, std::string_view alias, std::string_view day) {
  return "(" + StatusConditionOwn(s, alias, day) + " OR " + StatusConditionPast(s, alias, day) +
         ")";
}

FilterSql WithDay(std::string sql, const std::string& day) {
  FilterSql out{std::move(sql), {}};
  const auto uses = std::count(out.condition.begin(), out.condition.end(), '?');
  for (std::ptrdiff_t i = 0; i < uses; ++i) out.binds.push_back(day);
  return out;
}

FilterSql StatusFilter(ScheduleStatus s, std::string_view alias, const std::string& day) {
  return WithDay(StatusCondition(s, alias, "?"), day);
}

std::string StatusValue(std::string_view alias, std::string_view day) {
  const std::string d(day);
  return "(CASE WHEN " + Column(alias, "cover_from") + " <= " + d + " THEN certo_status(" +
         Column(alias, "cover_expire") + ", " + Column(alias, "expiring_from") + ", " + d +
         ") WHEN " + Column(alias, "first_from") + " <= " + d +
         " THEN (SELECT certo_status(g.cover_expire, g.expiring_from, " + d + ") " +
         PastSegment(alias, d) + ") ELSE 'NEW' END)";
}

std::string CoverValue(std::string_view alias, std::string_view column, std::string_view day) {
  const std::string d(day);
  return "(CASE WHEN " + Column(alias, "cover_from") + " <= " + d + " THEN " +
         Column(alias, column) + " WHEN " + Column(alias, "first_from") + " <= " + d +
         " THEN (SELECT g." + std::string(column) + " " + PastSegment(alias, d) + ") END)";
}

}  // namespace certo::internal
