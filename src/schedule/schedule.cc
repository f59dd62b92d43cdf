// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "schedule/schedule.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include "registry/status_sql.h"
#include "rules/rules.h"

namespace certo::internal {

namespace {

// True when filter names nothing but offices: the segments carry copies of their row's office,
// so such a read can take them alone, through their office index.
bool NamesOnlyOffices(const Json& filter) {
  return filter.is_object() &&
         (filter.empty() || (filter.size() == 1 && filter.contains("subtenant_id")));
}

// The rows of the offices where names (conditions on t.subtenant_id alone) that have status on
// day: their status steps summed up to it (schema 18), the months before day's month from their
// monthly sums (schema 21) and the days of its month up to day from the steps themselves.
int64_t StepsCount(Db& db, const std::vector<std::string>& where, const std::vector<Json>& binds,
                   ScheduleStatus status, const std::string& day) {
  std::vector<std::string> months = where, days = where;
  months.push_back("t.status = ? AND t.month < substr(?, 1, 7)");
  days.push_back("t.status = ? AND t.day >= substr(?, 1, 7) || '-01' AND t.day <= ?");
  SQLite::Statement& st =
      db.Cached("SELECT (SELECT coalesce(sum(t.n), 0) FROM status_month t" + WhereSql(months) +
                ") + (SELECT coalesce(sum(t.n), 0) FROM status_step t" + WhereSql(days) + ")");
  std::vector<Json> all = binds;
  all.push_back(StatusName(status));
  all.push_back(day);
  all.insert(all.end(), binds.begin(), binds.end());
  all.push_back(StatusName(status));
  all.push_back(day);
  all.push_back(day);
  BindValues(st, all);
  st.executeStep();
  const int64_t n = st.getColumn(0).getInt64();
  st.reset();
  return n;
}

}  // namespace

// ---- Index ----------------------------------------------------------------------------------

Page Index(Db& db, Store& store, const Query& q) {
  const Entity& e = *FindEntity("action-subscription");
  // The schedule's most asked list: one status of some offices as of a day, often by expiry (the
  // EXPIRED page). Read as Store::Index would, its count and its order are each an OR of the
  // row's own segment and the earlier ones (status_sql.h), which no index serves; here the count
  // is the offices' status steps and the page the merge of two index-ordered reads. Anything
  // else, or bad input, is Store::Index's.
  std::optional<ScheduleStatus> status;
  if (!q.history && q.filter.is_object() && q.filter.contains("status") &&
      q.filter["status"].is_string()) {
    status = ParseScheduleStatus(q.filter["status"].get<std::string>());
  }
  Json offices = q.filter;
  if (status) offices.erase("status");
  std::vector<FieldError> errors;
  CheckPaging(q.page, q.per_page, errors);
  if (!status || !NamesOnlyOffices(offices) || !errors.empty()) return store.Index(e, q);
  std::vector<std::string> where;
  std::vector<Json> binds;
  store.Where(e, offices, /*history=*/true, where, binds, errors);
  if (!errors.empty()) return store.Index(e, q);
  const std::string day = FormatDate(store.AsOf());
  const int64_t total = StepsCount(db, where, binds, *status, day);
  const bool by_expiry =
      q.sort == "certificate_date_expire" || q.sort == "-certificate_date_expire";
  if (!by_expiry || *status == ScheduleStatus::kNew) {
    return store.Index(e, q, total);
  }
  // Each arm in the page's order (the expiry in force, then the id) through an office index of
  // its own: the rows whose own segment is in force on the day, and the earlier segments in force
  // on it, both within the days the row is in force (the segments carry copies of those).
  const std::string dir = q.sort[0] == '-' ? " DESC" : "";
  const int64_t want = static_cast<int64_t>(q.page) * q.per_page;
  std::vector<Json> all;
  auto arm = [&](const std::string& table, const std::string& condition) {
    std::vector<std::string> conditions = where;
    conditions.push_back(InForceOnSql(e, "t", "?"));
    conditions.push_back(condition);
    all.insert(all.end(), binds.begin(), binds.end());
    const FilterSql extra = WithDay(InForceOnSql(e, "t", "?") + " AND " + condition, day);
    all.insert(all.end(), extra.binds.begin(), extra.binds.end());
    all.push_back(want);
    return "SELECT * FROM (SELECT t.action_subscription_id AS id, t.cover_expire AS k FROM " +
           table + WhereSql(conditions) + " ORDER BY t.cover_expire" + dir +
           ", t.action_subscription_id LIMIT ?)";
  };
  const std::string own = arm("action_subscription t", StatusConditionOwn(*status, "t", "?"));
  // The earlier segments through the days they end, not in the page's order: those that end
  // after the day are few when the day is recent (a year ago: a fifth of the office's segments;
  // today: a handful), while by expiry the read passes every segment that expired before the
  // day (nearly all of them) to find the few still in force on it. The planner, without the
  // values, would take the order.
  // An EXPIRED one ends after its cover expired (cover_expire < day < to_day): schema 21 keeps
  // those apart, the few segments of subscriptions renewed late.
  const bool expired = *status == ScheduleStatus::kExpired;
  const std::string past =
      arm(expired ? "subscription_cover t INDEXED BY subscription_cover_expired"
                  : "subscription_cover t INDEXED BY subscription_cover_office",
          "t.to_day > ? AND t.from_day <= ? AND " + SegmentStatusCondition(*status, "t", "?") +
              (expired ? " AND t.cover_expire < t.to_day" : ""));
  SQLite::Statement& st = db.Cached("SELECT id FROM (" + own + " UNION ALL " + past +
                                    ") ORDER BY k" + dir + ", id LIMIT ? OFFSET ?");
  BindPage(st, BindValues(st, all), q.page, q.per_page);
  Json ids = Json::array();
  while (st.executeStep()) ids.push_back(st.getColumn(0).getString());
  st.reset();
  // The page's rows with every field, in the page's order.
  Page page;
  page.rows = store.Rows(e, ids);
  page.page = q.page;
  page.per_page = q.per_page;
  page.total_count = total;
  page.page_count = PageCount(total, q.per_page);
  return page;
}

// ---- Changes --------------------------------------------------------------------------------

Page Changes(Db& db, Store& store, const ChangesQuery& q) {
  const Entity& e = *FindEntity("action-subscription");
  std::vector<FieldError> errors;
  if (!q.from.ok()) errors.push_back({"from", "must be a real calendar date"});
  if (!q.to.ok()) errors.push_back({"to", "must be a real calendar date"});
  if (q.from.ok() && q.to.ok() && q.to < q.from)
    errors.push_back({"to", "must not be before from"});
  CheckPaging(q.page, q.per_page, errors);
  std::vector<std::string> where;
  std::vector<Json> binds;
  // The schedule on each change's own days decides what is shown (below), not the schedule of
  // the read's day.
  store.Where(e, q.filter, /*history=*/true, where, binds, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  // A status can change only on a day some stored date names: the start of a segment (a release
  // or a revocation taking effect), the first EXPIRING day or the day after the last valid day
  // within a segment, and the days the row enters or leaves the schedule. Each branch below finds
  // one kind of those days in (from, to] through an index, under the filter; the outer query
  // keeps the days whose status differs from the day before's (null: not in the schedule).
  const std::string from = FormatDate(q.from), to = FormatDate(q.to);
  std::vector<Json> all_binds;
  std::vector<std::string> branches;
  auto branch = [&](const std::string& select, const std::string& from_sql,
                    const std::string& condition, std::vector<Json> own) {
    std::vector<std::string> conditions = where;
    conditions.push_back(condition);
    branches.push_back("SELECT " + select + from_sql + WhereSql(conditions));
    all_binds.insert(all_binds.end(), binds.begin(), binds.end());
    all_binds.insert(all_binds.end(), own.begin(), own.end());
  };
  const std::string row = " FROM action_subscription t";
  // The segments carry copies of their row's office, so a filter on nothing but offices reads
  // them alone, through their office index, under the alias the filter's conditions name (as
  // StatusCounts does); any other filter needs the row beside each segment.
  const bool offices_only = NamesOnlyOffices(q.filter);
  const std::string g = offices_only ? "t" : "g";
  const std::string segment = offices_only
                                  ? " FROM subscription_cover t"
                                  : " FROM subscription_cover g JOIN action_subscription t"
                                    " ON t.action_subscription_id = g.action_subscription_id";
  // Each branch names its day and the day before (c.prev): computed once per candidate here, not
  // at each of the outer query's uses; for a day after a last valid day, it is that day itself.
  const std::string minus = ", certo_add_days(";
  // Each candidate names its row by rowid, so that the outer query finds it in one b-tree
  // descent rather than two (the id's index, then the table).
  const std::string segment_row = offices_only ? "(SELECT s.rowid FROM action_subscription s"
                                                 " WHERE s.action_subscription_id ="
                                                 " t.action_subscription_id)"
                                               : "t.rowid";
  branch("t.rowid AS id, t.cover_from AS day" + minus + "t.cover_from, -1) AS prev", row,
         "t.cover_from > ? AND t.cover_from <= ?", {from, to});
  branch("t.rowid, t.expiring_from" + minus + "t.expiring_from, -1)", row,
         "t.expiring_from > ? AND t.expiring_from <= ? AND t.expiring_from > t.cover_from",
         {from, to});
  branch("t.rowid, certo_add_days(t.cover_expire, 1), t.cover_expire", row,
         "t.cover_expire >= ? AND t.cover_expire < ? AND t.cover_expire >= t.cover_from",
         {from, to});
  branch("t.rowid, t.shown_from" + minus + "t.shown_from, -1)", row,
         "t.shown_from > ? AND t.shown_from <= ?", {from, to});
  branch("t.rowid, t.hidden_from" + minus + "t.hidden_from, -1)", row,
         "t.hidden_from > ? AND t.hidden_from <= ?", {from, to});
  branch(segment_row + ", " + g + ".from_day" + minus + g + ".from_day, -1)", segment,
         g + ".to_day > ? AND " + g + ".from_day > ? AND " + g + ".from_day <= ?",
         {from, from, to});
  branch(segment_row + ", " + g + ".expiring_from" + minus + g + ".expiring_from, -1)", segment,
         g + ".to_day > ? AND " + g + ".expiring_from > ? AND " + g + ".expiring_from <= ? AND " +
             g + ".expiring_from > " + g + ".from_day AND " + g + ".expiring_from < " + g +
             ".to_day",
         {from, from, to});
  branch(segment_row + ", certo_add_days(" + g + ".cover_expire, 1), " + g + ".cover_expire",
         segment,
         g + ".to_day > ? AND " + g + ".cover_expire >= ? AND " + g + ".cover_expire < ? AND " + g +
             ".cover_expire >= " + g + ".from_day AND certo_add_days(" + g +
             ".cover_expire, 1) < " + g + ".to_day",
         {from, from, to});
  std::string candidates;
  for (const std::string& b : branches) candidates += (candidates.empty() ? "" : " UNION ") + b;

  auto status_on = [&](const std::string& d) {
    const std::string status = StatusValue("t", d);
    return q.history ? status : "CASE WHEN " + InForceOnSql(e, "t", d) + " THEN " + status + " END";
  };
  // One pass over the window's changes, in the page's order: it counts them all and keeps the
  // page's (a count and a page of their own would each evaluate every candidate's two days).
  const std::string inner = "SELECT t.action_subscription_id AS id, c.day AS day, " +
                            status_on("c.prev") + " AS old, " + status_on("c.day") +
                            " AS new FROM (" + candidates +
                            ") c JOIN action_subscription t ON t.rowid = c.id";
  Page page;
  page.page = q.page;
  page.per_page = q.per_page;
  const int64_t first = static_cast<int64_t>(q.page - 1) * q.per_page;
  Json ids = Json::array();
  {
    SQLite::Statement& st = db.Cached("SELECT x.id, x.day, x.old, x.new FROM (" + inner +
                                      ") x WHERE x.old IS NOT x.new ORDER BY x.day, x.id");
    BindValues(st, all_binds);
    while (st.executeStep()) {
      const int64_t at = page.total_count++;
      if (at < first || at >= first + q.per_page) continue;
      Json change = Json::object();
      change["action_subscription_id"] = st.getColumn(0).getString();
      change["date"] = st.getColumn(1).getString();
      for (int i : {2, 3}) {
        const SQLite::Column value = st.getColumn(i);
        change[i == 2 ? "from" : "to"] = value.isNull() ? Json() : Json(value.getString());
      }
      ids.push_back(change["action_subscription_id"]);
      page.rows.push_back(std::move(change));
    }
    st.reset();
  }
  page.page_count = PageCount(page.total_count, q.per_page);
  if (ids.empty()) return page;
  // The shown columns of the page's rows only: a day's changes at 1M subscriptions are hundreds.
  static const char* const kShown[] = {"action_id",       "action_name",     "subscriber_id",
                                       "subscriber_type", "subscriber_name", "subtenant_id",
                                       "office_name"};
  std::string columns = "t.action_subscription_id";
  for (const char* key : kShown) columns += ", " + store.Expression(e, key);
  SQLite::Statement& st = db.Cached("SELECT " + columns +
                                    " FROM action_subscription t WHERE t.action_subscription_id IN"
                                    " (SELECT value FROM json_each(?))");
  st.bind(1, ids.dump());
  std::unordered_map<std::string, Json> shown;
  while (st.executeStep()) {
    Json fields = Json::object();
    int column = 1;
    for (const char* key : kShown) {
      const SQLite::Column value = st.getColumn(column++);
      fields[key] = value.isNull() ? Json() : Json(value.getString());
    }
    shown[st.getColumn(0).getString()] = std::move(fields);
  }
  st.reset();
  for (Json& change : page.rows) {
    auto it = shown.find(change["action_subscription_id"].get<std::string>());
    if (it != shown.end()) change.update(it->second);
  }
  return page;
}

// ---- Counts ---------------------------------------------------------------------------------

std::map<ScheduleStatus, int64_t> StatusCounts(Db& db, Store& store, const Query& q) {
  const Entity& e = *FindEntity("action-subscription");
  if (q.filter.is_object() && q.filter.contains("status")) {
    Fail(Status::Validation("filter.status",
                            "is what the counts are grouped by; leave it out of the filter"));
  }
  std::vector<std::string> where;
  std::vector<Json> binds;
  std::vector<FieldError> errors;
  // The counts of offices as of any day are their status steps up to it (schema 18), which
  // hold only the rows in force on each day: the visibility condition is theirs, not the read's.
  const bool steps = !q.history && NamesOnlyOffices(q.filter);
  store.Where(e, q.filter, q.history || steps, where, binds, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
  const std::string day = FormatDate(store.AsOf());
  std::map<ScheduleStatus, int64_t> counts;
  if (steps) {
    for (ScheduleStatus status : kScheduleStatuses) {
      counts[status] = StepsCount(db, where, binds, status, day);
    }
    return counts;
  }
  // Each status as a sum of index range reads (status_sql.h): the rows whose own columns are in
  // force on the day; the earlier segments in force on it; and, for NEW, the rows that no link
  // covered yet. The segments are read alone when the filter names nothing but offices (their
  // office and existence period are copied there), else beside their rows.
  const bool offices_only = NamesOnlyOffices(q.filter);
  auto count = [&](const std::string& from, const std::string& condition) {
    std::vector<std::string> conditions = where;
    conditions.push_back(condition);
    const FilterSql extra = WithDay(condition, day);
    std::vector<Json> all = binds;
    all.insert(all.end(), extra.binds.begin(), extra.binds.end());
    SQLite::Statement& st = db.Cached("SELECT count(*) FROM " + from + WhereSql(conditions));
    BindValues(st, all);
    st.executeStep();
    const int64_t n = st.getColumn(0).getInt64();
    st.reset();
    return n;
  };
  for (ScheduleStatus status : kScheduleStatuses) {
    int64_t n = count("action_subscription t", StatusConditionOwn(status, "t", "?"));
    if (offices_only) {
      n += count("subscription_cover t", "t.to_day > ? AND t.from_day <= ? AND " +
                                             SegmentStatusCondition(status, "t", "?"));
    } else {
      n += count(
          "subscription_cover g JOIN action_subscription t"
          " ON t.action_subscription_id = g.action_subscription_id",
          "g.to_day > ? AND g.from_day <= ? AND " + SegmentStatusCondition(status, "g", "?"));
    }
    if (status == ScheduleStatus::kNew) {
      // Never covered: no cover in the last segment either, a short range of the office index.
      n += count("action_subscription t", "t.cover_expire IS NULL AND t.first_from IS NULL");
      n += count("action_subscription t", "t.first_from > ?");
    }
    counts[status] = n;
  }
  return counts;
}

// ---- Bulk -----------------------------------------------------------------------------------

void DeriveTouched(Db& db) { db.Exec("INSERT INTO derive_close VALUES (NULL)"); }

void RecomputeTouched(Db& db) {
  // Each touched subscription once, as schema 8's trigger does for one pair: its status today
  // before, its existence period (new rows have none yet), its timeline from the view, the
  // segments and the row's columns from that timeline, and a STATUS event where today's status
  // changed. Pairs without a subscription (a link to a resource that needs no such action) go.
  db.Exec(
      "DELETE FROM schedule_touch WHERE rowid NOT IN ("
      " SELECT min(t.rowid) FROM schedule_touch t JOIN action_subscription s"
      "   ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id"
      "  GROUP BY t.action_id, t.subscriber_id)");
  db.Exec(
      "UPDATE schedule_touch SET"
      " old_status = (SELECT v.status FROM action_subscription_today v"
      "                WHERE v.action_id = schedule_touch.action_id"
      "                  AND v.subscriber_id = schedule_touch.subscriber_id),"
      " timeline = (SELECT v.timeline FROM action_subscription_timeline v"
      "              WHERE v.action_id = schedule_touch.action_id"
      "                AND v.subscriber_id = schedule_touch.subscriber_id)");
  db.Exec(
      "UPDATE action_subscription SET"
      " (shown_from, hidden_from) = (SELECT h.shown_from, h.hidden_from"
      "   FROM action_subscription_in_force h WHERE h.rid = action_subscription.rowid),"
      " (first_from, cover_from, cover_release, cover_expire, expiring_from) ="
      "  (t.timeline ->> '$[0][0]', t.timeline ->> '$[#-1][0]', t.timeline ->> '$[#-1][2]',"
      "   t.timeline ->> '$[#-1][3]', t.timeline ->> '$[#-1][4]')"
      " FROM schedule_touch t"
      " WHERE t.action_id = action_subscription.action_id"
      "   AND t.subscriber_id = action_subscription.subscriber_id");
  db.Exec(
      "DELETE FROM subscription_cover WHERE action_subscription_id IN ("
      " SELECT s.action_subscription_id FROM schedule_touch t JOIN action_subscription s"
      "   ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id)");
  db.Exec(
      "INSERT INTO subscription_cover"
      " SELECT s.action_subscription_id, j.value ->> 0, j.value ->> 1, s.subtenant_id,"
      "        j.value ->> 2, j.value ->> 3, j.value ->> 4, s.shown_from, s.hidden_from"
      "   FROM schedule_touch t"
      "   JOIN action_subscription s"
      "     ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id,"
      "        json_each(t.timeline) j"
      "  WHERE t.timeline IS NOT NULL AND j.value ->> 1 IS NOT NULL");
  db.Exec(
      "INSERT INTO outbox (event, entity_id, payload, date)"
      " SELECT 'ACTION_SUBSCRIPTION::STATUS', v.action_subscription_id,"
      "        json_object('entity_id', v.action_subscription_id, 'action_id', v.action_id,"
      "                    'subscriber_id', v.subscriber_id, 'subscriber_type', v.subscriber_type,"
      "                    'old', t.old_status, 'new', v.status),"
      "        certo_today()"
      "   FROM schedule_touch t"
      "   JOIN action_subscription_today v"
      "     ON v.action_id = t.action_id AND v.subscriber_id = t.subscriber_id"
      "  WHERE v.status IS NOT t.old_status"
      "  ORDER BY t.rowid");
  db.Exec("DELETE FROM schedule_touch");
}

void SumDeferredMonths(Db& db) {
  db.Exec(
      "DELETE FROM status_month WHERE subtenant_id IN (SELECT subtenant_id FROM"
      " status_month_dirty)");
  db.Exec(
      "INSERT INTO status_month (subtenant_id, status, month, n)"
      " SELECT t.subtenant_id, t.status, substr(t.day, 1, 7), sum(t.n) FROM status_step t"
      "  WHERE t.subtenant_id IN (SELECT subtenant_id FROM status_month_dirty)"
      "  GROUP BY t.subtenant_id, t.status, substr(t.day, 1, 7) HAVING sum(t.n) <> 0");
  db.Exec("DELETE FROM status_month_dirty");
}

}  // namespace certo::internal
