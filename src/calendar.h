// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
// Calendar arithmetic, behind one header so that Howard Hinnant's date stays in calendar.cc.

#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace certo::internal {

using Date = std::chrono::year_month_day;

// Parses exactly "YYYY-MM-DD" naming a real calendar day (2026-02-30 is rejected).
std::optional<Date> ParseDate(std::string_view text);
// "YYYY-MM-DD".
std::string FormatDate(const Date& date);
// The local calendar date now.
Date LocalToday();

enum class Unit { kDay, kMonth, kYear };
std::optional<Unit> ParseUnit(std::string_view text);  // "DAY", "MONTH", "YEAR"
// date + n units; months and years clamp to the month's end (2024-01-31 + 1 MONTH = 2024-02-29).
Date AddPeriod(const Date& date, long long n, Unit unit);
Date AddDays(const Date& date, long long days);

}  // namespace certo::internal
