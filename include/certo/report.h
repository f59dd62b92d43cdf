// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// ComplianceReport: the answer to a safety manager's morning question (Engine::Report) — what is
// out of compliance, and what runs out next.
//
// Contract:
//  * Scope. The rows are the active action-subscription rows (the compliance schedule) that match
//    ReportQuery::filter, as of ReportQuery::as_of: a retired row, or a row under a retired
//    parent (action, office, person, ...), is left out, exactly as Engine::Index leaves it out.
//    Incidents are filtered by the filter's tenant_id and subtenant_id only, and those of a
//    retired office are left out.
//  * Status. Every row's status is the rule of DESIGN.md section 2 on as_of, the same as the
//    "status" field of Engine::Index.
//  * Determinism. The same file and query give the same report, lists in a fixed order: no clock
//    is read except the engine's today when as_of is unset.
//  * Trend. compliance_trend is 12 points of status counts under the same filter, one month apart
//    and ending at as_of (as_of - 11 months, ..., as_of - 1 month, as_of, each counted back from
//    as_of and clamped to the month's end), each the rule on its own day (certo/trend.h).
//  * Incidents. Each incident listed carries how many of its involved people were out of
//    compliance on its date (Engine::IncidentCompliance's out_of_compliance_on_incident_date).
//  * Errors. Engine::Report fails with kValidation naming the parameter ("days", "filter.name",
//    ...), like Engine::Index.

#pragma once

#include "certo/export.h"
#include "certo/record.h"
#include "certo/schedule_status.h"
#include "certo/trend.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certo {

struct ReportQuery {
  // The date the report is evaluated at. Default: the engine's today.
  std::optional<std::chrono::year_month_day> as_of;
  // The look-ahead of the expiring list: covers whose last valid day is in [as_of, as_of + days].
  // 0..3650. Default: 30.
  int days = 30;
  // How many calendar months expiries_by_month covers, starting with as_of's month. 1..120.
  int months = 12;
  // As Query::filter, over action-subscription's filters (e.g. {"subtenant_id": [...],
  // "action_type": "TRAINING", "subscriber_id": "..."}).
  Json filter = Json::object();
  // At most this many rows in each list (expired, expiring, incidents); 0 = all. The *_total
  // counts are never truncated.
  int limit = 0;
};

// How many rows have each status.
struct ReportCounts {
  int64_t new_count = 0;
  int64_t valid = 0;
  int64_t expiring = 0;
  int64_t expired = 0;

  // The count of one status.
  int64_t at(ScheduleStatus status) const { return this->*Member(status); }
  int64_t& at(ScheduleStatus status) { return this->*Member(status); }
  int64_t total() const { return new_count + valid + expiring + expired; }
  // (VALID + EXPIRING) / total, as a percentage 0..100; nullopt when there are no rows.
  std::optional<double> compliance() const {
    if (total() == 0) return std::nullopt;
    return 100.0 * static_cast<double>(valid + expiring) / static_cast<double>(total());
  }

  friend bool operator==(const ReportCounts&, const ReportCounts&) = default;

 private:
  static int64_t ReportCounts::*Member(ScheduleStatus status) {
    switch (status) {
      case ScheduleStatus::kValid:
        return &ReportCounts::valid;
      case ScheduleStatus::kExpiring:
        return &ReportCounts::expiring;
      case ScheduleStatus::kExpired:
        return &ReportCounts::expired;
      case ScheduleStatus::kNew:
        break;
    }
    return &ReportCounts::new_count;
  }
};

// The counts of one office or one action type.
struct ReportGroup {
  std::string key;   // the office_id, or the action type
  std::string name;  // the office's name, or the action type
  ReportCounts counts;
};

// One row of the expired or expiring list: who or what, which requirement, until when.
struct ReportEntry {
  std::string action_subscription_id;
  ScheduleStatus status = ScheduleStatus::kValid;  // on as_of: kExpired, kExpiring or kValid
  std::string date_expire;  // the cover's last valid day (certificate_date_expire)
  // EXPIRED: days since the last valid day (>= 1). Otherwise days left until it (0: today).
  int64_t days = 0;
  std::optional<std::string> certificate_date_release;
  std::string subscriber_type;  // PERSON, EQUIPMENT, ...
  std::string subscriber_id;
  std::optional<std::string> subscriber_code;
  std::string subscriber_name;
  std::string action_id;
  std::optional<std::string> action_code;
  std::string action_name;
  std::string action_type;
  std::string office_id;
  std::string office_name;
};

// An incident that is not closed and has no incident-action (no corrective action yet).
struct ReportIncident {
  std::string office_incident_id;
  std::optional<std::string> code;
  std::string name;
  std::string date_incident;
  std::optional<std::string> category;
  std::string status;     // new or open
  int64_t days_open = 0;  // as_of - date_incident
  std::string office_id;
  std::string office_name;
  // The incident's people (incident-person rows) and how many of them had a requirement that
  // was NEW or EXPIRED on date_incident (Engine::IncidentCompliance).
  int64_t people_involved = 0;
  int64_t people_out_of_compliance = 0;
};

// How many covers run out in one calendar month.
struct MonthCount {
  std::string month;  // YYYY-MM
  int64_t count = 0;  // covers whose last valid day is in the month (and not before as_of)

  friend bool operator==(const MonthCount&, const MonthCount&) = default;
};

struct ComplianceReport {
  std::chrono::year_month_day as_of;
  int days = 30;
  ReportCounts totals;
  // Offices with at least one row, by name then id.
  std::vector<ReportGroup> offices;
  // Action types with at least one row, in the order of ReportActionTypes() (TRAINING, HEALTH,
  // PER, CHECK, MAINTENANCE).
  std::vector<ReportGroup> action_types;
  // Status EXPIRED, most overdue first (then office, subscriber and action name, id).
  std::vector<ReportEntry> expired;
  int64_t expired_total = 0;
  // Status EXPIRING (inside the action's warning interval), soonest first (same tie-breakers):
  // expiring_total == totals.expiring.
  std::vector<ReportEntry> expiring;
  int64_t expiring_total = 0;
  // Not expired, last valid day in [as_of, as_of + days], soonest first: the EXPIRING rows and
  // the VALID rows whose warning interval has not begun ("expires within N days").
  std::vector<ReportEntry> due_soon;
  int64_t due_soon_total = 0;
  // Schedule rows matching the filter that are left out because they, or a parent (person,
  // office, action, ...), are retired: totals.total() + retired = every row with history.
  int64_t retired = 0;
  // ReportQuery::months entries, as_of's month first; the first counts from as_of on.
  std::vector<MonthCount> expiries_by_month;
  // Open (not closed) incidents dated on or before as_of without a corrective action, oldest
  // first.
  std::vector<ReportIncident> open_incidents;
  int64_t open_incidents_total = 0;
  // Compliance over the last 12 months: the status counts on as_of - 11 months, ..., as_of
  // (oldest first), under the report's filter (without "status": the points count by status).
  std::vector<TrendPoint> compliance_trend;
};

// The words a report groups and filters by, as the entity registry spells them (the action_type
// and subscriber_type enums): every action type, in the order of ComplianceReport::action_types,
// and every subscriber type (PERSON, ROLE, ...), in the order of subscriber_type's enum.
const std::vector<std::string>& ReportActionTypes();
const std::vector<std::string>& ReportSubscriberTypes();

// The report as the JSON API returns it (POST /v2/report): {"as_of", "days", "totals",
// "retired", "offices", "action_types", "expired", "expired_total", "expiring",
// "expiring_total", "due_soon", "due_soon_total", "expiries_by_month", "open_incidents",
// "open_incidents_total", "trend"}; "trend" is [{"date", "counts": {"NEW", "VALID",
// "EXPIRING", "EXPIRED"}, "total", "compliance"}], oldest first, and each open incident has
// "people_involved" and "people_out_of_compliance". Counts are objects
// {"NEW", "VALID", "EXPIRING", "EXPIRED", "total", "compliance"}, compliance rounded to one
// decimal (null without rows).
CERTO_EXPORT Json ReportJson(const ComplianceReport& report);

}  // namespace certo
