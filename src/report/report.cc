// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "report/report.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "base/calendar.h"
#include "registry/registry.h"
#include "store/store.h"

namespace certo::internal {

namespace {

// Binds binds from index 1 on; returns the next free index.
int BindAll(SQLite::Statement& st, const std::vector<Json>& binds) {
  int i = 1;
  for (const Json& b : binds) Store::Bind(st, i++, b);
  return i;
}

std::string Where(const std::vector<std::string>& where) {
  std::string sql;
  for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
  return sql;
}

int64_t DaysBetween(const Date& from, const Date& to) {
  return (std::chrono::sys_days{to} - std::chrono::sys_days{from}).count();
}

std::optional<std::string> OptString(const Json& row, const char* key) {
  auto it = row.find(key);
  if (it == row.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::string String(const Json& row, const char* key) { return OptString(row, key).value_or(""); }

void Add(ReportCounts& counts, const std::string& status, int64_t n) {
  if (status == "NEW") counts.new_count += n;
  if (status == "VALID") counts.valid += n;
  if (status == "EXPIRING") counts.expiring += n;
  if (status == "EXPIRED") counts.expired += n;
}

// The 1-based position, in "SELECT <first> extra columns, Columns(e)", of a computed field.
int ComputedPosition(const Entity& e, std::string_view name, int extra) {
  const Computed* c = e.FindComputed(name);
  return extra + 2 + static_cast<int>(e.fields.size()) + static_cast<int>(c - e.computed.data());
}

int64_t Count(Db& db, const std::string& sql, const std::vector<Json>& binds) {
  SQLite::Statement& st = db.Cached(sql);
  BindAll(st, binds);
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
                    Where(where) + " ORDER BY 1, " +
                    std::to_string(ComputedPosition(e, "office_name", 1)) + ", " +
                    std::to_string(ComputedPosition(e, "subscriber_name", 1)) + ", " +
                    std::to_string(ComputedPosition(e, "action_name", 1)) + ", 2";
  if (limit > 0) sql += " LIMIT " + std::to_string(limit);
  SQLite::Statement& st = db.Cached(sql);
  BindAll(st, binds);
  std::vector<ReportEntry> entries;
  while (st.executeStep()) {
    const std::string expire = st.getColumn(0).getString();
    Json row = Store::RowJson(e, st, 1);
    ReportEntry entry;
    entry.action_subscription_id = String(row, "action_subscription_id");
    entry.status = String(row, "status");
    entry.date_expire = expire;
    std::optional<Date> expire_date = ParseDate(expire);
    if (expire_date) {
      entry.days = entry.status == "EXPIRED" ? DaysBetween(*expire_date, as_of)
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

const char* const kActionTypes[] = {"TRAINING", "HEALTH", "PER", "CHECK", "MAINTENANCE"};

}  // namespace

ComplianceReport BuildReport(Db& db, Store& store, const ReportQuery& q) {
  const Entity& subscription = *FindEntity("action-subscription");
  const Entity& incident = *FindEntity("incident");
  std::vector<FieldError> errors;
  if (q.days < 0 || q.days > 3650) errors.push_back({"days", "must be between 0 and 3650"});
  if (q.months < 1 || q.months > 120) errors.push_back({"months", "must be between 1 and 120"});
  if (q.limit < 0) errors.push_back({"limit", "must not be negative (0 = all rows)"});
  std::vector<std::string> where;
  std::vector<Json> binds;
  store.Where(subscription, q.filter, /*history=*/false, where, binds, errors);
  // Incidents follow the filter's project and office.
  Json incident_filter = Json::object();
  if (q.filter.is_object()) {
    for (const char* key : {"tenant_id", "subtenant_id", "office_name", "project_name"}) {
      if (q.filter.contains(key)) incident_filter[key] = q.filter[key];
    }
  }
  std::vector<std::string> incident_where;
  std::vector<Json> incident_binds;
  std::vector<FieldError> ignored;  // already reported for the subscriptions
  store.Where(incident, incident_filter, /*history=*/false, incident_where, incident_binds,
              ignored);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  if (!q.as_of) Fail(Status::Internal("BuildReport: as_of is not set"));

  ReadScope read(db);
  ComplianceReport report;
  report.as_of = *q.as_of;
  report.days = q.days;
  const std::string as_of = FormatDate(*q.as_of);
  auto with = [&](const std::string& condition) {
    std::vector<std::string> all = where;
    all.push_back(condition);
    return all;
  };

  // ---- Counts: per office x action type x status, in one pass ----
  {
    std::string sql =
        "SELECT t.subtenant_id, rep_a.action_type,"
        " certo_status(t.cover_expire, t.expiring_from, certo_as_of()), count(*)"
        " FROM action_subscription t JOIN action rep_a ON rep_a.action_id = t.action_id" +
        Where(where) + " GROUP BY 1, 2, 3";
    SQLite::Statement& st = db.Cached(sql);
    BindAll(st, binds);
    std::map<std::string, ReportCounts> by_office, by_type;
    while (st.executeStep()) {
      const std::string office = st.getColumn(0).getString();
      const std::string type = st.getColumn(1).getString();
      const std::string status = st.getColumn(2).getString();
      const int64_t n = st.getColumn(3).getInt64();
      Add(report.totals, status, n);
      Add(by_office[office], status, n);
      Add(by_type[type], status, n);
    }
    SQLite::Statement& name = db.Cached("SELECT name FROM office WHERE office_id = ?");
    for (const auto& [office, counts] : by_office) {
      name.bind(1, office);
      std::string office_name = name.executeStep() ? name.getColumn(0).getString() : "";
      name.reset();
      report.offices.push_back(ReportGroup{office, office_name, counts});
    }
    std::stable_sort(report.offices.begin(), report.offices.end(),
                     [](const ReportGroup& a, const ReportGroup& b) {
                       return std::tie(a.name, a.key) < std::tie(b.name, b.key);
                     });
    for (const char* type : kActionTypes) {
      auto it = by_type.find(type);
      if (it != by_type.end()) report.action_types.push_back(ReportGroup{type, type, it->second});
    }
  }

  // ---- The lists ----
  report.expired_total = report.totals.expired;
  {
    std::vector<Json> b = binds;
    b.push_back(as_of);
    report.expired = Entries(db, store, with("t.cover_expire < ?"), b, *q.as_of, q.limit);
  }
  {
    std::vector<Json> b = binds;
    b.push_back(as_of);
    b.push_back(FormatDate(AddDays(*q.as_of, q.days)));
    const std::string condition = "t.cover_expire >= ? AND t.cover_expire <= ?";
    report.expiring_total =
        Count(db, "SELECT count(*) FROM action_subscription t" + Where(with(condition)), b);
    report.expiring = Entries(db, store, with(condition), b, *q.as_of, q.limit);
  }

  // ---- Expiries per month ----
  {
    std::chrono::year_month month = q.as_of->year() / q.as_of->month();
    std::vector<std::string> names;
    for (int i = 0; i < q.months; ++i) {
      names.push_back(FormatDate(Date{month / 1}).substr(0, 7));
      month += std::chrono::months{1};
    }
    const std::string end = FormatDate(Date{month / 1});
    std::vector<Json> b = binds;
    b.push_back(as_of);
    b.push_back(end);
    SQLite::Statement& st =
        db.Cached("SELECT substr(t.cover_expire, 1, 7), count(*) FROM action_subscription t" +
                  Where(with("t.cover_expire >= ? AND t.cover_expire < ?")) + " GROUP BY 1");
    BindAll(st, b);
    std::map<std::string, int64_t> counts;
    while (st.executeStep()) counts[st.getColumn(0).getString()] = st.getColumn(1).getInt64();
    for (const std::string& name : names) {
      report.expiries_by_month.push_back(MonthCount{name, counts.count(name) ? counts[name] : 0});
    }
  }

  // ---- Open incidents without a corrective action ----
  {
    incident_where.push_back(ActiveSql(incident, "t"));
    incident_where.push_back("t.status <> 'closed'");
    incident_where.push_back("t.date_incident <= ?");
    incident_where.push_back(
        "NOT EXISTS (SELECT 1 FROM incident_action ia"
        " WHERE ia.office_incident_id = t.office_incident_id)");
    incident_where.erase(std::remove(incident_where.begin(), incident_where.end(), "1"),
                         incident_where.end());
    incident_binds.push_back(as_of);
    const std::string from_incident = " FROM incident t" + Where(incident_where);
    report.open_incidents_total = Count(db, "SELECT count(*)" + from_incident, incident_binds);
    std::string sql =
        "SELECT " + store.Columns(incident) + from_incident + " ORDER BY t.date_incident, " +
        std::to_string(ComputedPosition(incident, "office_name", 0)) + ", t.office_incident_id";
    if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit);
    SQLite::Statement& st = db.Cached(sql);
    BindAll(st, incident_binds);
    while (st.executeStep()) {
      Json row = Store::RowJson(incident, st, 0);
      ReportIncident item;
      item.office_incident_id = String(row, "office_incident_id");
      item.code = OptString(row, "code");
      item.name = String(row, "name");
      item.date_incident = String(row, "date_incident");
      item.category = OptString(row, "category");
      item.status = String(row, "status");
      if (std::optional<Date> date = ParseDate(item.date_incident)) {
        item.days_open = DaysBetween(*date, *q.as_of);
      }
      item.office_id = String(row, "subtenant_id");
      item.office_name = String(row, "office_name");
      report.open_incidents.push_back(std::move(item));
    }
  }
  return report;
}

}  // namespace certo::internal

namespace certo {

namespace {

Json Nullable(const std::optional<std::string>& s) { return s ? Json(*s) : Json(); }

void PutCounts(Json& out, const ReportCounts& c) {
  out["NEW"] = c.new_count;
  out["VALID"] = c.valid;
  out["EXPIRING"] = c.expiring;
  out["EXPIRED"] = c.expired;
  out["total"] = c.total();
  std::optional<double> compliance = c.compliance();
  out["compliance"] = compliance ? Json(std::round(*compliance * 10.0) / 10.0) : Json();
}

Json EntryJson(const ReportEntry& e) {
  return Json{{"action_subscription_id", e.action_subscription_id},
              {"status", e.status},
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

Json ReportJson(const ComplianceReport& r) {
  Json out = Json::object();
  out["as_of"] = internal::FormatDate(r.as_of);
  out["days"] = r.days;
  Json totals = Json::object();
  PutCounts(totals, r.totals);
  out["totals"] = totals;
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
                             {"office_name", i.office_name}});
  }
  out["open_incidents"] = incidents;
  out["open_incidents_total"] = r.open_incidents_total;
  return out;
}

}  // namespace certo
