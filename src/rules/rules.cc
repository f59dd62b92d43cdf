// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "rules/rules.h"

namespace certo::internal {

std::optional<Date> EffectiveExpiry(const LinkDates& link) {
  if (link.link_expire) return link.link_expire;
  if (link.cert_expire) return link.cert_expire;
  if (link.cert_validity && link.cert_unit) {
    return AddPeriod(link.release, *link.cert_validity, *link.cert_unit);
  }
  if (link.action_validity && link.action_unit) {
    return AddPeriod(link.release, *link.action_validity, *link.action_unit);
  }
  return std::nullopt;
}

std::optional<Date> ExpiringFrom(std::optional<Date> expire, std::optional<long long> interval) {
  if (!expire || !interval || *interval <= 0) return std::nullopt;
  return AddDays(*expire, -*interval);
}

ScheduleStatus StatusOn(bool covered, std::optional<Date> expire, std::optional<Date> expiring_from,
                        const Date& day) {
  if (!covered) return ScheduleStatus::kNew;
  if (expire && day > *expire) return ScheduleStatus::kExpired;
  if (expiring_from && day >= *expiring_from) return ScheduleStatus::kExpiring;
  return ScheduleStatus::kValid;
}

}  // namespace certo::internal
