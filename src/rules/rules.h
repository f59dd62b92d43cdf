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
#include <vector>

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

// ---- The cover as a timeline (rules 1, 3 and 5) --------------------------------------------

// One certificate-action link as the timeline sees it.
struct TimelineLink {
  std::string id;                  // certificate_action_id: the last tie-break of rule 5
  Date release;                    // the certificate's date_release: covers from this day
  std::optional<Date> revoked_on;  // covers nothing from this day on
  std::optional<Date> expire;      // the effective expiry (rule 2); nullopt: never
};

// A stretch of days over which the same link gives E(D): [from, to), to nullopt = open-ended.
// covered false: no link covers (after a revocation); release, expire, expiring_from are then
// meaningless.
struct CoverSegment {
  Date from;
  std::optional<Date> to;
  bool covered = false;
  Date release;
  std::optional<Date> expire;         // nullopt: never expires
  std::optional<Date> expiring_from;  // nullopt: never EXPIRING
  friend bool operator==(const CoverSegment&, const CoverSegment&) = default;
};

// The cover of one subscription over all days: its segments in order, each starting on a
// release or revocation day, the last open-ended; adjacent segments with the same cover are one.
// Before the first segment (and always, when the result is empty) no link covers: NEW. A link
// revoked on or before its release never covers. The winner on a day is rule 5's: latest
// expiry, then latest release, then greatest link id.
std::vector<CoverSegment> CoverTimeline(std::vector<TimelineLink> links,
                                        std::optional<long long> expire_interval);

// ---- Status counts as steps (schema/0018_status_steps.sql) ----------------------------------

// One change of a count: from day on (nullopt: from before every day), n more rows of a status.
struct StatusStep {
  std::optional<Date> day;
  ScheduleStatus status;
  int n = 0;
  friend bool operator==(const StatusStep&, const StatusStep&) = default;
};

// The steps of one stretch of days [from, to) under one cover (from nullopt: from before every
// day; to nullopt: open-ended) of a row in force over [shown, hidden) (nullopt: always shown,
// never hidden), each n times sign, appended to out. Summing every step up to a day D gives,
// per status, how many such stretches are in force on D with that status (StatusOn's), so the
// counts of an office on any day are one range read of its steps.
void AppendStatusSteps(std::optional<Date> from, std::optional<Date> to, std::optional<Date> shown,
                       std::optional<Date> hidden, bool covered, std::optional<Date> expire,
                       std::optional<Date> expiring_from, int sign, std::vector<StatusStep>& out);

// The steps summed per day and status, in (day, status) order, zeros dropped.
std::vector<StatusStep> MergeStatusSteps(std::vector<StatusStep> steps);

}  // namespace certo::internal
