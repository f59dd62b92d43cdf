// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "rules/rules.h"

#include <algorithm>
#include <set>

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

std::vector<CoverSegment> CoverTimeline(std::vector<TimelineLink> links,
                                        std::optional<long long> expire_interval) {
  std::erase_if(links,
                [](const TimelineLink& l) { return l.revoked_on && *l.revoked_on <= l.release; });
  std::set<Date> days;
  for (const TimelineLink& l : links) {
    days.insert(l.release);
    if (l.revoked_on) days.insert(*l.revoked_on);
  }
  // a never-expiring link outranks every dated one
  auto later = [](const std::optional<Date>& a, const std::optional<Date>& b) {
    if (!a || !b) return !a && b;
    return *a > *b;
  };
  std::vector<CoverSegment> out;
  for (const Date& day : days) {
    const TimelineLink* best = nullptr;
    for (const TimelineLink& l : links) {
      if (l.release > day || (l.revoked_on && *l.revoked_on <= day)) continue;
      if (!best || later(l.expire, best->expire) ||
          (l.expire == best->expire &&
           (l.release > best->release || (l.release == best->release && l.id > best->id)))) {
        best = &l;
      }
    }
    CoverSegment segment{.from = day};
    if (best) {
      segment.covered = true;
      segment.release = best->release;
      segment.expire = best->expire;
      segment.expiring_from = ExpiringFrom(best->expire, expire_interval);
    }
    if (!out.empty()) {
      const CoverSegment& last = out.back();
      if (last.covered == segment.covered &&
          (!segment.covered ||
           (last.release == segment.release && last.expire == segment.expire))) {
        continue;  // the same cover goes on
      }
      out.back().to = day;
    }
    out.push_back(segment);
  }
  return out;
}

}  // namespace certo::internal
