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

}  // namespace

std::string StatusCondition(ScheduleStatus s, std::string_view alias, std::string_view day) {
  const std::string expire = Column(alias, "cover_expire");
  const std::string expiring = Column(alias, "expiring_from");
  const std::string d(day);
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

FilterSql StatusFilter(ScheduleStatus s, std::string_view alias, const std::string& day) {
  FilterSql out{StatusCondition(s, alias, "?"), {}};
  const auto uses = std::count(out.condition.begin(), out.condition.end(), '?');
  for (std::ptrdiff_t i = 0; i < uses; ++i) out.binds.push_back(day);
  return out;
}

std::string StatusValue(std::string_view alias, std::string_view day) {
  return "certo_status(" + Column(alias, "cover_expire") + ", " + Column(alias, "expiring_from") +
         ", " + std::string(day) + ")";
}

StatusEntry EntersStatus(ScheduleStatus s, std::string_view alias, std::string_view from,
                         std::string_view to) {
  const std::string f(from), t(to);
  if (s == ScheduleStatus::kExpiring) {
    // EXPIRING from expiring_from on.
    const std::string expiring = Column(alias, "expiring_from");
    return {expiring, expiring + " > " + f + " AND " + expiring + " <= " + t};
  }
  // EXPIRED from the day after the last valid day: that day is in (from, to] when the last
  // valid day is in [from, to).
  const std::string expire = Column(alias, "cover_expire");
  return {"certo_add_days(" + expire + ", 1)", expire + " >= " + f + " AND " + expire + " < " + t};
}

}  // namespace certo::internal
