// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Dates as certo reads and writes them: ISO 8601 days ("YYYY-MM-DD"), and the calendar arithmetic
// of the status rule (DESIGN.md section 2.1), where adding months or years clamps to the end of
// the month (2024-01-31 + 1 MONTH = 2024-02-29). Everything here is a pure function of its
// arguments except LocalToday(), and safe to call from any thread.

#pragma once

#include "certo/export.h"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace certo {

using Date = std::chrono::year_month_day;

// A real calendar day written exactly "YYYY-MM-DD" (years 0001-9999), else nullopt.
CERTO_EXPORT std::optional<Date> ParseDate(std::string_view text);
// "YYYY-MM-DD". REQUIRES: date.ok().
CERTO_EXPORT std::string FormatDate(const Date& date);
// Today in the machine's local time zone.
CERTO_EXPORT Date LocalToday();

// The units of a validity period.
enum class Unit { kDay, kMonth, kYear };
// "DAY", "MONTH", "YEAR", else nullopt.
CERTO_EXPORT std::optional<Unit> ParseUnit(std::string_view text);
// date + n units; months and years clamp to the month's last day.
CERTO_EXPORT Date AddPeriod(const Date& date, long long n, Unit unit);
CERTO_EXPORT Date AddDays(const Date& date, long long days);

}  // namespace certo
