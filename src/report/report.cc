// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/calendar.h"
#include "registry/registry.h"
#include "registry/status_sql.h"
#include "registry/vocabulary.h"
#include "report/trend.h"
#include "store/store.h"

namespace certo::internal {

namespace {

int64_t DaysBetween(const Date& from, const Date& to) {
  return (std::chrono::sys_days{to} - std::chrono::sys_days{from}).count();
}

std::optional<std::string> OptString(const Json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string String(const Json& row, const char* key) { return OptString(row, key).value_or(""); }

// The 1-based position, in "SELECT <first> extra columns, Columns(e)", of a computed field.
int ComputedPosition(const Entity& e, std::string_view name, int extra) {
  const Computed* c = e.FindComputed(name);
  return extra + 2 + static_cast<int>(e.fields.size()) + static_cast<int>(c - e.computed.data());
}

int64_t Count(Db& db, const std::string& sql, const std::vector<Json>& binds) {
  SQLite::Statement& st = db.Cached(sql);
  BindValues(st, binds);
  st.executeStep();
  int64_t n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

// The rows of one list: cover_expire and the action-subscription record, ordered by urgency.
std::vector<ReportEntry> Entries(Db& db, Store& store, const std::vector<std::string>& where,
                                 const std::vector<Json>& binds, const Date& as_of, int limit) {
  const Entity& e = *FindEntity("action-subscription");
  std::string sql = "SELECT t.cover_expire, " + store.Columns(e) + " FROM action_subscription t" +
                    store.Joins(e) + WhereSql(where) + " ORDER BY 1, " +
                    std::to_string(ComputedPosition(e, "office_name", 1)) + ", " +
                    std::to_string(ComputedPosition(e, "subscriber_name", 1)) + ", " +
                    std::to_string(ComputedPosition(e, "action_name", 1)) + ", 2";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  SQLite::Statement& st = db.Cached(sql);
  BindValues(st, binds);
  std::vector<ReportEntry> entries;
  while (st.executeStep()) {
    const std::string expire = st.getColumn(0).getString();
    Json row = Store::RowJson(e, st, 1);
    ReportEntry entry;
    entry.action_subscription_id = String(row, "action_subscription_id");
    entry.status = ParseScheduleStatus(String(row, "status")).value_or(ScheduleStatus::kValid);
    entry.date_expire = expire;
    std::optional<Date> expire_date = ParseDate(expire);
    if (expire_date) {
      entry.days = entry.status == ScheduleStatus::kExpired ? DaysBetween(*expire_date, as_of)
                                                            : DaysBetween(as_of, *expire_date);
    }
    entry.certificate_date_release = OptString(row, "certificate_date_release");
    entry.subscriber_type = String(row, "subscriber_type");
    entry.subscriber_id = String(row, "subscriber_id");
    entry.subscriber_code = OptString(row, "subscriber_code");
    entry.subscriber_name = String(row, "subscriber_name");
    entry.action_id = String(row, "action_id");
    entry.action_code = OptString(row, "action_code");
    entry.action_name = String(row, "action_name");
    entry.action_type = String(row, "action_type");
    entry.office_id = String(row, "subtenant_id");
    entry.office_name = String(row, "office_name");
    entries.push_back(std::move(entry));
  }
  return entries;
}

// ---- The report's scope ----------------------------------------------------------------------

// The query, checked: which schedule rows and which incidents the report reads.
struct Scope {
  Date as_of;
  std::string day;                 // as_of as YYYY-MM-DD, for binds
  std::vector<std::string> where;  // the schedule rows, over action_subscription t
  std::vector<Json> binds;
  std::vector<std::string> incident_where;  // the incidents, over incident t
  std::vector<Json> incident_binds;

  // The rows' WHERE and binds with one more condition (and its binds) appended.
  std::vector<std::string> With(const std::string& condition) const {
    std::vector<std::string> all = where;
    all.push_back(condition);
    return all;
  }
  std::vector<Json> BindsWith(const std::vector<Json>& more) const {
    std::vector<Json> all = binds;
    all.insert(all.end(), more.begin(), more.end());
    return all;
  }
};

// Throws kValidation naming every bad parameter.
Scope CheckQuery(Store& store, const ReportQuery& q) {
  std::vector<FieldError> errors;
  if (q.days < 0 || q.days > 3650) errors.push_back({"days", "must be between 0 and 3650"});
  if (q.months < 1 || q.months > 120) errors.push_back({"months", "must be between 1 and 120"});
  if (q.limit < 0) errors.push_back({"limit", "must not be negative (0 = all rows)"});
  Scope scope;
  store.Where(*FindEntity("action-subscription"), q.filter, /*history=*/false, scope.where,
              scope.binds, errors);
  // Incidents follow the filter's project and office.
  Json incident_filter = Json::object();
  if (q.filter.is_object()) {
    for (const char* key : {"tenant_id", "subtenant_id", "office_name", "project_name"}) {
      if (q.filter.contains(key)) incident_filter[key] = q.filter[key];
    }
  }
  std::vector<FieldError> ignored;  // already reported for the subscriptions
  store.Where(*FindEntity("incident"), incident_filter, /*history=*/false, scope.incident_where,
              scope.incident_binds, ignored);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  if (!q.as_of) Fail(Status::Internal("BuildReport: as_of is not set"));
  scope.as_of = *q.as_of;
  scope.day = FormatDate(*q.as_of);
  return scope;
}

// ---- Counts: totals, per office, per action type --------------------------------------------

// How many rows of one office and action type have one status.
struct CountRow {
  std::string office, action_type;
  ScheduleStatus status;
  int64_t n;
};

// Every (office, action type, status) with rows, in one pass.
std::vector<CountRow> CountRows(Db& db, const Scope& scope) {
  SQLite::Statement& st = db.Cached(
      "SELECT t.subtenant_id, rep_a.action_type, " + StatusValue("t", "certo_as_of()") +
      ", count(*) FROM action_subscription t JOIN action rep_a ON rep_a.action_id = t.action_id" +
      WhereSql(scope.where) + " GROUP BY 1, 2, 3");
  BindValues(st, scope.binds);
  std::vector<CountRow> rows;
  while (st.executeStep()) {
    std::optional<ScheduleStatus> status = ParseScheduleStatus(st.getColumn(2).getString());
    if (!status) continue;  // certo_status() names only the four
    rows.push_back(CountRow{st.getColumn(0).getString(), st.getColumn(1).getString(), *status,
                            st.getColumn(3).getInt64()});
  }
  return rows;
}

ReportCounts Totals(const std::vector<CountRow>& rows) {
  ReportCounts totals;
  for (const CountRow& r : rows) totals.at(r.status) += r.n;
  return totals;
}

// Offices with rows, by name then id.
std::vector<ReportGroup> PerOffice(Db& db, const std::vector<CountRow>& rows) {
  std::map<std::string, ReportCounts> by_office;
  for (const CountRow& r : rows) by_office[r.office].at(r.status) += r.n;
  SQLite::Statement& name = db.Cached("SELECT name FROM office WHERE office_id = ?");
  std::vector<ReportGroup> offices;
  for (const auto& [office, counts] : by_office) {
    name.bind(1, office);
    std::string office_name = name.executeStep() ? name.getColumn(0).getString() : "";
    name.reset();
    offices.push_back(ReportGroup{office, office_name, counts});
  }
  std::stable_sort(offices.begin(), offices.end(), [](const ReportGroup& a, const ReportGroup& b) {
    return std::tie(a.name, a.key) < std::tie(b.name, b.key);
  });
  return offices;
}

// Action types with rows, in the registry's order.
std::vector<ReportGroup> PerActionType(const std::vector<CountRow>& rows) {
  std::map<std::string, ReportCounts, std::less<>> by_type;
  for (const CountRow& r : rows) by_type[r.action_type].at(r.status) += r.n;
  std::vector<ReportGroup> types;
  for (std::string_view type : ActionTypes()) {
    auto it = by_type.find(type);
    if (it != by_type.end()) types.push_back(ReportGroup{it->first, it->first, it->second});
  }
  return types;
}

// ---- The lists ------------------------------------------------------------------------------

std::vector<ReportEntry> ExpiredList(Db& db, Store& store, const Scope& scope, int limit) {
  const FilterSql expired = StatusFilter(ScheduleStatus::kExpired, "t", scope.day);
  return Entries(db, store, scope.With(expired.condition), scope.BindsWith(expired.binds),
                 scope.as_of, limit);
}

// Status EXPIRING: the list that agrees with totals.expiring.
std::vector<ReportEntry> ExpiringList(Db& db, Store& store, const Scope& scope, int limit) {
  const FilterSql expiring = StatusFilter(ScheduleStatus::kExpiring, "t", scope.day);
  return Entries(db, store, scope.With(expiring.condition), scope.BindsWith(expiring.binds),
                 scope.as_of, limit);
}

// Schedule rows matching the filter, retired ones included, that the active scope leaves out.
int64_t RetiredCount(Db& db, Store& store, const ReportQuery& q, int64_t active) {
  std::vector<std::string> where;
  std::vector<Json> binds;
  std::vector<FieldError> ignored;  // CheckQuery reported them
  store.Where(*FindEntity("action-subscription"), q.filter, /*history=*/true, where, binds,
              ignored);
  return Count(db, "SELECT count(*) FROM action_subscription t" + WhereSql(where), binds) - active;
}

// Not expired, last valid day in [as_of, as_of + days]: EXPIRING rows and VALID rows whose
// warning period has not begun yet. Returns the rows (at most limit) and how many there are.
std::pair<std::vector<ReportEntry>, int64_t> DueSoonList(Db& db, Store& store, const Scope& scope,
                                                         int days, int limit) {
  const std::string condition = "t.cover_expire >= ? AND t.cover_expire <= ?";
  const std::vector<Json> b = scope.BindsWith({scope.day, FormatDate(AddDays(scope.as_of, days))});
  const int64_t total =
      Count(db, "SELECT count(*) FROM action_subscription t" + WhereSql(scope.With(condition)), b);
  return {Entries(db, store, scope.With(condition), b, scope.as_of, limit), total};
}

// ---- Expiries per month ---------------------------------------------------------------------

// months calendar months from as_of's, each with the covers whose last valid day falls in it
// (the first month from as_of on).
std::vector<MonthCount> ExpiriesByMonth(Db& db, const Scope& scope, int months) {
  std::chrono::year_month month = scope.as_of.year() / scope.as_of.month();
  std::vector<std::string> names;
  for (int i = 0; i < months; ++i) {
    names.push_back(FormatDate(Date{month / 1}).substr(0, 7));
    month += std::chrono::months{1};
  }
  const std::string end = FormatDate(Date{month / 1});
  SQLite::Statement& st =
      db.Cached("SELECT substr(t.cover_expire, 1, 7), count(*) FROM action_subscription t" +
                WhereSql(scope.With("t.cover_expire >= ? AND t.cover_expire < ?")) + " GROUP BY 1");
  BindValues(st, scope.BindsWith({scope.day, end}));
  std::map<std::string, int64_t> counts;
  while (st.executeStep()) counts[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
  std::vector<MonthCount> out;
  for (const std::string& name : names) {
    out.push_back(MonthCount{name, counts.count(name) ? counts[name] : 0});
  }
  return out;
}

// ---- Open incidents without a corrective action ---------------------------------------------

// Returns the incidents (at most limit), oldest first, and how many there are.
std::pair<std::vector<ReportIncident>, int64_t> OpenIncidents(Db& db, Store& store, SqlContext& ctx,
                                                              const Scope& scope, int limit) {
  const Entity& incident = *FindEntity("incident");
  std::vector<std::string> where = scope.incident_where;
  where.push_back(ActiveSql(incident, "t"));
  where.push_back("t.status <> 'closed'");
  where.push_back("t.date_incident <= ?");
  where.push_back(
      "NOT EXISTS (SELECT 1 FROM incident_action ia"
      " WHERE ia.office_incident_id = t.office_incident_id)");
  where.erase(std::remove(where.begin(), where.end(), "1"), where.end());
  std::vector<Json> binds = scope.incident_binds;
  binds.push_back(scope.day);
  const std::string from_incident = " FROM incident t" + WhereSql(where);
  const int64_t total = Count(db, "SELECT count(*)" + from_incident, binds);
  std::string sql = "SELECT " + store.Columns(incident) + " FROM incident t" +
                    store.Joins(incident) + WhereSql(where) + " ORDER BY t.date_incident, " +
                    std::to_string(ComputedPosition(incident, "office_name", 0)) +
                    ", t.office_incident_id";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  SQLite::Statement& st = db.Cached(sql);
  BindValues(st, binds);
  std::vector<ReportIncident> incidents;
  while (st.executeStep()) {
    Json row = Store::RowJson(incident, st, 0);
    ReportIncident item;
    item.office_incident_id = String(row, "office_incident_id");
    item.code = OptString(row, "code");
    item.name = String(row, "name");
    item.date_incident = String(row, "date_incident");
    item.category = OptString(row, "category");
    item.status = String(row, "status");
    std::optional<Date> date = ParseDate(item.date_incident);
    if (date) item.days_open = DaysBetween(*date, scope.as_of);
    item.office_id = String(row, "subtenant_id");
    item.office_name = String(row, "office_name");
    incidents.push_back(std::move(item));
  }
  st.reset();
  // The people after the list's statement is done: their reads use statements of their own.
  for (ReportIncident& item : incidents) {
    if (std::optional<Date> date = ParseDate(item.date_incident)) {
      const IncidentPeople people =
          IncidentPeopleOnItsDate(db, store, ctx, item.office_incident_id, *date);
      item.people_involved = people.involved;
      item.people_out_of_compliance = people.out_of_compliance;
    }
  }
  return {std::move(incidents), total};
}

// Compliance over the last 12 months: the counts on each month's day up to as_of, under the
// filter without "status" (the points are what is counted by status).
std::vector<TrendPoint> ComplianceTrend(Db& db, Store& store, SqlContext& ctx, const Scope& scope,
                                        const ReportQuery& q) {
  Json filter = q.filter.is_object() ? q.filter : Json::object();
  filter.erase("status");
  return CountsOn(db, store, ctx, MonthsBack(scope.as_of, 12), filter);
}

}  // namespace

ComplianceReport BuildReport(Db& db, Store& store, SqlContext& ctx, const ReportQuery& q) {
  const Scope scope = CheckQuery(store, q);
  ReadScope read(db);
  ComplianceReport report;
  report.as_of = scope.as_of;
  report.days = q.days;
  const std::vector<CountRow> counts = CountRows(db, scope);
  report.totals = Totals(counts);
  report.offices = PerOffice(db, counts);
  report.action_types = PerActionType(counts);
  report.expired = ExpiredList(db, store, scope, q.limit);
  report.expired_total = report.totals.expired;
  report.expiring = ExpiringList(db, store, scope, q.limit);
  report.expiring_total = report.totals.expiring;
  std::tie(report.due_soon, report.due_soon_total) = DueSoonList(db, store, scope, q.days, q.limit);
  report.retired = RetiredCount(db, store, q, report.totals.total());
  report.expiries_by_month = ExpiriesByMonth(db, scope, q.months);
  std::tie(report.open_incidents, report.open_incidents_total) =
      OpenIncidents(db, store, ctx, scope, q.limit);
  report.compliance_trend = ComplianceTrend(db, store, ctx, scope, q);
  return report;
}

}  // namespace certo::internal

namespace certo {

namespace {

Json Nullable(const std::optional<std::string>& s) { return s ? Json(*s) : Json(); }

void PutCounts(Json& out, const ReportCounts& c) {
  for (ScheduleStatus s : kScheduleStatuses) out[StatusName(s)] = c.at(s);
  out["total"] = c.total();
  std::optional<double> compliance = c.compliance();
  out["compliance"] = compliance ? Json(std::round(*compliance * 10.0) / 10.0) : Json();
}

Json EntryJson(const ReportEntry& e) {
  return Json{{"action_subscription_id", e.action_subscription_id},
              {"status", StatusName(e.status)},
              {"date_expire", e.date_expire},
              {"days", e.days},
              {"certificate_date_release", Nullable(e.certificate_date_release)},
              {"subscriber_type", e.subscriber_type},
              {"subscriber_id", e.subscriber_id},
              {"subscriber_code", Nullable(e.subscriber_code)},
              {"subscriber_name", e.subscriber_name},
              {"action_id", e.action_id},
              {"action_code", Nullable(e.action_code)},
              {"action_name", e.action_name},
              {"action_type", e.action_type},
              {"office_id", e.office_id},
              {"office_name", e.office_name}};
}

}  // namespace

const std::vector<std::string>& ReportActionTypes() {
  static const std::vector<std::string> types(internal::ActionTypes().begin(),
                                              internal::ActionTypes().end());
  return types;
}

const std::vector<std::string>& ReportSubscriberTypes() {
  static const std::vector<std::string> types = [] {
    std::vector<std::string> names;
    for (const internal::SubscriberType& t : internal::SubscriberTypes()) {
      names.emplace_back(t.name);
    }
    return names;
  }();
  return types;
}

Json ReportJson(const ComplianceReport& r) {
  Json out = Json::object();
  out["as_of"] = internal::FormatDate(r.as_of);
  out["days"] = r.days;
  Json totals = Json::object();
  PutCounts(totals, r.totals);
  out["totals"] = totals;
  out["retired"] = r.retired;
  Json offices = Json::array();
  for (const ReportGroup& g : r.offices) {
    Json o{{"office_id", g.key}, {"office_name", g.name}};
    PutCounts(o, g.counts);
    offices.push_back(std::move(o));
  }
  out["offices"] = offices;
  Json types = Json::array();
  for (const ReportGroup& g : r.action_types) {
    Json t{{"action_type", g.key}};
    PutCounts(t, g.counts);
    types.push_back(std::move(t));
  }
  out["action_types"] = types;
  Json expired = Json::array();
  for (const ReportEntry& e : r.expired) expired.push_back(EntryJson(e));
  out["expired"] = expired;
  out["expired_total"] = r.expired_total;
  Json expiring = Json::array();
  for (const ReportEntry& e : r.expiring) expiring.push_back(EntryJson(e));
  out["expiring"] = expiring;
  out["expiring_total"] = r.expiring_total;
  Json due_soon = Json::array();
  for (const ReportEntry& e : r.due_soon) due_soon.push_back(EntryJson(e));
  out["due_soon"] = due_soon;
  out["due_soon_total"] = r.due_soon_total;
  Json months = Json::array();
  for (const MonthCount& m : r.expiries_by_month) {
    months.push_back(Json{{"month", m.month}, {"count", m.count}});
  }
  out["expiries_by_month"] = months;
  Json incidents = Json::array();
  for (const ReportIncident& i : r.open_incidents) {
    incidents.push_back(Json{{"office_incident_id", i.office_incident_id},
                             {"code", Nullable(i.code)},
                             {"name", i.name},
                             {"date_incident", i.date_incident},
                             {"category", Nullable(i.category)},
                             {"status", i.status},
                             {"days_open", i.days_open},
                             {"office_id", i.office_id},
                             {"office_name", i.office_name},
                             {"people_involved", i.people_involved},
                             {"people_out_of_compliance", i.people_out_of_compliance}});
  }
  out["open_incidents"] = incidents;
  out["open_incidents_total"] = r.open_incidents_total;
  Json trend = Json::array();
  for (const TrendPoint& p : r.compliance_trend) {
    ReportCounts c;
    Json counts = Json::object();
    for (ScheduleStatus s : kScheduleStatuses) {
      c.at(s) = p.counts.count(s) ? p.counts.at(s) : 0;
      counts[StatusName(s)] = c.at(s);
    }
    std::optional<double> compliance = c.compliance();
    trend.push_back(
        Json{{"date", internal::FormatDate(p.date)},
             {"counts", counts},
             {"total", c.total()},
             {"compliance", compliance ? Json(std::round(*compliance * 10.0) / 10.0) : Json()}});
  }
  out["trend"] = trend;
  return out;
}

}  // namespace certo
