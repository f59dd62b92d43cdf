// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "base/calendar.h"

#include <ctime>

#include <date/date.h>

namespace certo {

namespace {

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<Date> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  std::string_view y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!AllDigits(y) || !AllDigits(m) || !AllDigits(d)) return std::nullopt;
  Date date{std::chrono::year{ToInt(y)}, std::chrono::month{static_cast<unsigned>(ToInt(m))},
            std::chrono::day{static_cast<unsigned>(ToInt(d))}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string FormatDate(const Date& date) {
  // By hand: verify formats two dates per link, millions of times.
  int y = static_cast<int>(date.year());
  unsigned m = static_cast<unsigned>(date.month()), d = static_cast<unsigned>(date.day());
  if (y < 0 || y > 9999) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
    return buf;
  }
  std::string out = "0000-00-00";
  for (int i = 3; i >= 0; --i, y /= 10) out[i] = static_cast<char>('0' + y % 10);
  out[5] = static_cast<char>('0' + m / 10);
  out[6] = static_cast<char>('0' + m % 10);
  out[8] = static_cast<char>('0' + d / 10);
  out[9] = static_cast<char>('0' + d % 10);
  return out;
}

Date LocalToday() {
  std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  return Date{std::chrono::year{local.tm_year + 1900},
              std::chrono::month{static_cast<unsigned>(local.tm_mon + 1)},
              std::chrono::day{static_cast<unsigned>(local.tm_mday)}};
}

std::optional<Unit> ParseUnit(std::string_view text) {
  if (text == "DAY") return Unit::kDay;
  if (text == "MONTH") return Unit::kMonth;
  if (text == "YEAR") return Unit::kYear;
  return std::nullopt;
}

Date AddDays(const Date& date, long long days) {
  return Date{std::chrono::sys_days{date} + std::chrono::days{days}};
}

Date AddPeriod(const Date& date, long long n, Unit unit) {
  // date::year_month_day arithmetic is field-wise; an invalid day (Feb 30) is clamped to the
  // month's last day, which is the rule of DESIGN.md section 2.
  date::year_month_day ymd{date::year{static_cast<int>(date.year())},
                           date::month{static_cast<unsigned>(date.month())},
                           date::day{static_cast<unsigned>(date.day())}};
  switch (unit) {
    case Unit::kDay:
      return AddDays(date, n);
    case Unit::kMonth:
      ymd += date::months{n};
      break;
    case Unit::kYear:
      ymd += date::years{n};
      break;
  }
  if (!ymd.ok()) ymd = ymd.year() / ymd.month() / date::last;
  return Date{std::chrono::year{static_cast<int>(ymd.year())},
              std::chrono::month{static_cast<unsigned>(ymd.month())},
              std::chrono::day{static_cast<unsigned>(ymd.day())}};
}

}  // namespace certo
