// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The status rule of DESIGN.md section 2, branch by branch, with exact dates.

#include "rules/rules.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace certo::internal {
namespace {

Date D(const char* text) { return *ParseDate(text); }
std::string S(std::optional<Date> d) { return d ? FormatDate(*d) : "never"; }

LinkDates Released(const char* release) {
  LinkDates link;
  link.release = D(release);
  return link;
}

TEST(EffectiveExpiry, TheLinksOwnDateComesFirst) {
  LinkDates link = Released("2024-01-15");
  link.link_expire = D("2029-01-15");
  link.cert_expire = D("2027-01-15");
  link.cert_validity = 1;
  link.cert_unit = Unit::kYear;
  link.action_validity = 2;
  link.action_unit = Unit::kYear;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2029-01-15");
}

TEST(EffectiveExpiry, ThenTheCertificatesDate) {
  LinkDates link = Released("2024-01-15");
  link.cert_expire = D("2027-01-15");
  link.cert_validity = 1;
  link.cert_unit = Unit::kYear;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2027-01-15");
}

TEST(EffectiveExpiry, ThenReleasePlusTheCertificatesValidity) {
  LinkDates link = Released("2022-01-10");
  link.cert_validity = 3;
  link.cert_unit = Unit::kYear;
  link.action_validity = 1;
  link.action_unit = Unit::kMonth;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2025-01-10");
}

TEST(EffectiveExpiry, ThenReleasePlusTheActionsValidity) {
  LinkDates link = Released("2024-01-31");
  link.action_validity = 1;
  link.action_unit = Unit::kMonth;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2024-02-29");
}

TEST(EffectiveExpiry, AValidityWithoutUnitIsIgnored) {
  LinkDates link = Released("2024-01-31");
  link.cert_validity = 2;  // no unit: falls through to the action
  link.action_validity = 10;
  link.action_unit = Unit::kDay;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2024-02-10");
}

TEST(EffectiveExpiry, NothingToGoByMeansNeverExpires) {
  EXPECT_EQ(S(EffectiveExpiry(Released("2024-01-31"))), "never");
}

TEST(EffectiveExpiry, MonthAndYearArithmeticClampsToTheMonthsEnd) {
  LinkDates link = Released("2024-02-29");
  link.cert_validity = 1;
  link.cert_unit = Unit::kYear;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2025-02-28");
  link.cert_validity = 4;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2028-02-29");
  link = Released("2023-08-31");
  link.action_validity = 6;
  link.action_unit = Unit::kMonth;
  EXPECT_EQ(S(EffectiveExpiry(link)), "2024-02-29");
}

TEST(ExpiringFrom, IsExpiryMinusTheInterval) {
  EXPECT_EQ(S(ExpiringFrom(D("2029-01-15"), 30)), "2028-12-16");
  EXPECT_EQ(S(ExpiringFrom(D("2024-03-01"), 1)), "2024-02-29");
}

TEST(ExpiringFrom, NoIntervalOrNeverExpiringMeansNeverExpiring) {
  EXPECT_EQ(S(ExpiringFrom(D("2029-01-15"), 0)), "never");
  EXPECT_EQ(S(ExpiringFrom(D("2029-01-15"), std::nullopt)), "never");
  EXPECT_EQ(S(ExpiringFrom(std::nullopt, 30)), "never");
}

TEST(StatusOn, NoCoveringLinkIsNew) {
  EXPECT_EQ(StatusOn(false, std::nullopt, std::nullopt, D("2026-11-22")), ScheduleStatus::kNew);
}

TEST(StatusOn, TheExpiryIsTheLastValidDay) {
  const auto e = D("2026-11-22");
  const auto from = ExpiringFrom(e, 30);
  EXPECT_EQ(StatusOn(true, e, from, D("2026-11-22")), ScheduleStatus::kExpiring);
  EXPECT_EQ(StatusOn(true, e, from, D("2026-11-23")), ScheduleStatus::kExpired);
  EXPECT_EQ(StatusOn(true, e, std::nullopt, D("2026-11-22")), ScheduleStatus::kValid);
  EXPECT_EQ(StatusOn(true, e, std::nullopt, D("2026-11-23")), ScheduleStatus::kExpired);
}

TEST(StatusOn, ExpiringStartsExactlyIntervalDaysBeforeExpiry) {
  const auto e = D("2029-01-15");
  const auto from = ExpiringFrom(e, 30);  // 2028-12-16
  EXPECT_EQ(StatusOn(true, e, from, D("2028-12-15")), ScheduleStatus::kValid);
  EXPECT_EQ(StatusOn(true, e, from, D("2028-12-16")), ScheduleStatus::kExpiring);
  EXPECT_EQ(StatusOn(true, e, from, D("2029-01-15")), ScheduleStatus::kExpiring);
  EXPECT_EQ(StatusOn(true, e, from, D("2029-01-16")), ScheduleStatus::kExpired);
}

TEST(StatusOn, ANeverExpiringCoverIsValidForever) {
  EXPECT_EQ(StatusOn(true, std::nullopt, std::nullopt, D("9000-01-01")), ScheduleStatus::kValid);
}

// Every stretch, existence period and cover over a few days, each bound absent or on one of
// them: the steps summed up to each day are StatusOn's status on that day, once, exactly on the
// days both the stretch and the row are in force, and nothing on the others.
TEST(StatusSteps, SummedUpToADayAreStatusOnForEveryDayInForce) {
  const Date base = D("2026-01-01");
  std::vector<std::optional<Date>> bounds = {std::nullopt};
  for (int i = 0; i < 5; ++i) bounds.push_back(AddDays(base, 2 * i));
  int stretches = 0;
  for (const auto& from : bounds) {
    for (const auto& to : bounds) {
      if (from && to && *to <= *from) continue;
      for (const auto& shown : bounds) {
        for (const auto& hidden : bounds) {
          for (int cover = 0; cover < 3; ++cover) {  // none, never expiring, expiring
            for (const auto& expire : bounds) {
              if (cover == 2 && !expire) continue;
              for (int interval : {0, 1, 3}) {
                const bool covered = cover > 0;
                const std::optional<Date> e = cover == 2 ? expire : std::nullopt;
                const std::optional<Date> expiring = ExpiringFrom(e, interval);
                std::vector<StatusStep> steps;
                AppendStatusSteps(from, to, shown, hidden, covered, e, expiring, 1, steps);
                steps = MergeStatusSteps(steps);
                ++stretches;
                for (int day = -3; day < 13; ++day) {
                  const Date d = AddDays(base, day);
                  int sums[4] = {0, 0, 0, 0};
                  for (const StatusStep& s : steps) {
                    if (!s.day || *s.day <= d) sums[static_cast<int>(s.status)] += s.n;
                  }
                  const bool in_force = (!from || *from <= d) && (!to || d < *to) &&
                                        (!shown || *shown <= d) && (!hidden || d < *hidden);
                  int want[4] = {0, 0, 0, 0};
                  if (in_force) ++want[static_cast<int>(StatusOn(covered, e, expiring, d))];
                  for (int k = 0; k < 4; ++k) {
                    ASSERT_EQ(sums[k], want[k])
                        << "status " << k << " on " << FormatDate(d) << ", stretch [" << S(from)
                        << ", " << S(to) << ") shown [" << S(shown) << ", " << S(hidden)
                        << ") cover " << cover << " expire " << S(e) << " interval " << interval;
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  EXPECT_GT(stretches, 10000);
}

TEST(StatusSteps, MergeSumsEachDayAndStatusAndDropsZeros) {
  const Date a = D("2026-03-01"), b = D("2026-04-01");
  std::vector<StatusStep> steps = {
      {b, ScheduleStatus::kValid, 1},          {a, ScheduleStatus::kNew, -1},
      {std::nullopt, ScheduleStatus::kNew, 1}, {b, ScheduleStatus::kValid, -1},
      {a, ScheduleStatus::kValid, 1},          {a, ScheduleStatus::kNew, -1}};
  EXPECT_EQ(MergeStatusSteps(steps),
            (std::vector<StatusStep>{{std::nullopt, ScheduleStatus::kNew, 1},
                                     {a, ScheduleStatus::kNew, -2},
                                     {a, ScheduleStatus::kValid, 1}}));
}

TEST(StatusNames, AreTheJsonNamesInCountOrderAndParseBackExactly) {
  std::vector<std::string> names;
  for (ScheduleStatus s : kScheduleStatuses) {
    names.push_back(StatusName(s));
    EXPECT_EQ(ParseScheduleStatus(StatusName(s)), s);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"NEW", "VALID", "EXPIRING", "EXPIRED"}));
  EXPECT_EQ(ParseScheduleStatus("valid"), std::nullopt);
  EXPECT_EQ(ParseScheduleStatus(""), std::nullopt);
  EXPECT_EQ(ParseScheduleStatus("VALID "), std::nullopt);
}

}  // namespace
}  // namespace certo::internal
