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

namespace {

// Bounds of a stretch of days: nullopt is before every day as a start, after every day as an end.
std::optional<Date> LaterStart(std::optional<Date> a, std::optional<Date> b) {
  if (!a) return b;
  if (!b) return a;
  return std::max(*a, *b);
}
std::optional<Date> EarlierEnd(std::optional<Date> a, std::optional<Date> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

void AppendStatusSteps(std::optional<Date> from, std::optional<Date> to, std::optional<Date> shown,
                       std::optional<Date> hidden, bool covered, std::optional<Date> expire,
                       std::optional<Date> expiring_from, int sign, std::vector<StatusStep>& out) {
  const std::optional<Date> lo = LaterStart(from, shown), hi = EarlierEnd(to, hidden);
  auto piece = [&](ScheduleStatus status, std::optional<Date> start, std::optional<Date> end) {
    if (start && end && *start >= *end) return;
    out.push_back({start, status, sign});
    if (end) out.push_back({end, status, -sign});
  };
  if (!covered) {
    piece(ScheduleStatus::kNew, lo, hi);
    return;
  }
  // StatusOn over the stretch: VALID before expiring_from and up to expire, EXPIRING from
  // expiring_from up to expire, EXPIRED after expire (nullopt: never).
  const std::optional<Date> after =
      expire ? std::optional<Date>(AddDays(*expire, 1)) : std::nullopt;
  piece(ScheduleStatus::kValid, lo, EarlierEnd(hi, EarlierEnd(expiring_from, after)));
  if (expiring_from)
    piece(ScheduleStatus::kExpiring, LaterStart(lo, expiring_from), EarlierEnd(hi, after));
  if (after) piece(ScheduleStatus::kExpired, LaterStart(lo, after), hi);
}

std::vector<StatusStep> MergeStatusSteps(std::vector<StatusStep> steps) {
  auto key = [](const StatusStep& s) { return std::make_pair(s.day, static_cast<int>(s.status)); };
  std::sort(steps.begin(), steps.end(),
            [&](const StatusStep& a, const StatusStep& b) { return key(a) < key(b); });
  std::vector<StatusStep> merged;
  for (const StatusStep& s : steps) {
    if (!merged.empty() && key(merged.back()) == key(s)) {
      merged.back().n += s.n;
    } else {
      if (!merged.empty() && merged.back().n == 0) merged.pop_back();
      merged.push_back(s);
    }
  }
  if (!merged.empty() && merged.back().n == 0) merged.pop_back();
  return merged;
}

}  // namespace certo::internal
