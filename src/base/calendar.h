// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The calendar inside the library: the public functions of certo/calendar.h under the names the
// internal code uses. Howard Hinnant's date stays in calendar.cc.

#pragma once

#include "certo/calendar.h"

#include <optional>
#include <string_view>

namespace certo::internal {

using certo::AddDays;
using certo::AddPeriod;
using certo::Date;
using certo::FormatDate;
using certo::LocalToday;
using certo::ParseDate;
using certo::ParseUnit;
using certo::Unit;

// The date of "YYYY-MM-DD" or of "YYYY-MM-DD HH:MM:SS" (the form 4hse clients send; the time
// must be a real time of day and is dropped), else nullopt.
inline std::optional<Date> ParseDayOf(std::string_view text) {
  if (text.size() == 19 && (text[10] == ' ' || text[10] == 'T')) {
    auto two = [&](size_t at, int max) {
      return text[at] >= '0' && text[at] <= '9' && text[at + 1] >= '0' && text[at + 1] <= '9' &&
             (text[at] - '0') * 10 + (text[at + 1] - '0') <= max;
    };
    if (!two(11, 23) || text[13] != ':' || !two(14, 59) || text[16] != ':' || !two(17, 59)) {
      return std::nullopt;
    }
    text = text.substr(0, 10);
  }
  return ParseDate(text);
}

}  // namespace certo::internal
