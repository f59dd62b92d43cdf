// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The status rule of DESIGN.md section 2, as plain functions of dates. The SQL triggers reach
// them through functions registered on every connection (sql_functions.cc), and verify() calls
// them directly, so one implementation decides every status.

#pragma once

#include "certo/schedule_status.h"

#include <optional>
#include <string>
#include <string_view>

#include "base/calendar.h"

namespace certo::internal {

// Stored in place of an expiry for a link (or a cover) that never expires, and of the first
// EXPIRING day of a cover that never becomes EXPIRING. It sorts after every ISO date ('n' > '9'),
// so "expires after D" stays a plain comparison of text, even for D = 9999-12-31.
inline constexpr std::string_view kNever = "never";

// The inputs of one certificate-action link's effective expiry.
struct LinkDates {
  std::optional<Date> link_expire;  // the link's own date_expire
  std::optional<Date> cert_expire;  // the certificate's date_expire
  Date release;                     // the certificate's date_release
  std::optional<long long> cert_validity;
  std::optional<Unit> cert_unit;
  std::optional<long long> action_validity;
  std::optional<Unit> action_unit;
};

// Rule 2: own date; else certificate's date; else release + certificate validity; else release +
// action validity; else never (nullopt).
std::optional<Date> EffectiveExpiry(const LinkDates& link);

// The first day of EXPIRING for a cover expiring on `expire` (nullopt: never) with an action's
// expire_interval N: expire - N days when N > 0, else nullopt (never EXPIRING).
std::optional<Date> ExpiringFrom(std::optional<Date> expire, std::optional<long long> interval);

// Rule 4. covered: at least one covering link; expire: the cover's expiry (nullopt: never);
// expiring_from as computed by ExpiringFrom.
ScheduleStatus StatusOn(bool covered, std::optional<Date> expire, std::optional<Date> expiring_from,
                        const Date& day);

}  // namespace certo::internal
