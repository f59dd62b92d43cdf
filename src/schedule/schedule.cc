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
  store.Where(e, q.filter, q.history, where, binds, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  // Time alone moves a row into EXPIRING and into EXPIRED (status_sql.h says on which day).
  const std::string from = FormatDate(q.from), to = FormatDate(q.to);
  std::string sql = " FROM (";
  for (ScheduleStatus entered : {ScheduleStatus::kExpiring, ScheduleStatus::kExpired}) {
    const StatusEntry entry = EntersStatus(entered, "", "?1", "?2");
    if (entered != ScheduleStatus::kExpiring) sql += " UNION ALL ";
    sql += std::string("SELECT rowid AS rid, '") + StatusName(entered) + "' AS kind, " +
           entry.first_day + " AS day FROM action_subscription WHERE " + entry.condition;
  }
  sql += ") c JOIN action_subscription t ON t.rowid = c.rid" + WhereSql(where);
  auto bind_all = [&](SQLite::Statement& st) {
    st.bind(1, from);
    st.bind(2, to);
    return BindValues(st, binds, 3);
  };
  Page page;
  page.page = q.page;
  page.per_page = q.per_page;
  {
    SQLite::Statement& st = db.Cached("SELECT count(*)" + sql);
    bind_all(st);
    st.executeStep();
    page.total_count = st.getColumn(0).getInt64();
    st.reset();
  }
  page.page_count = PageCount(page.total_count, q.per_page);
  // Only the columns a change shows: a day's changes at 1M subscriptions are hundreds of rows.
  static const char* const kShown[] = {"action_id",       "action_name",     "subscriber_id",
                                       "subscriber_type", "subscriber_name", "subtenant_id",
                                       "office_name"};
  std::string columns = "t.action_subscription_id";
  for (const char* key : kShown) columns += ", " + store.Expression(e, key);
  SQLite::Statement& st =
      db.Cached("SELECT c.kind, c.day, t.cover_expire, t.expiring_from, " + columns + sql +
                " ORDER BY c.day, t.action_subscription_id, c.kind LIMIT ? OFFSET ?");
  BindPage(st, bind_all(st), q.page, q.per_page);
  while (st.executeStep()) {
    const std::string kind = st.getColumn(0).getString();
    const std::string expire = st.getColumn(2).getString();
    const std::string expiring = st.getColumn(3).getString();
    // A row that expires had been EXPIRING since expiring_from, if it ever was.
    ScheduleStatus before = ScheduleStatus::kValid;
    if (kind == StatusName(ScheduleStatus::kExpired) && expiring != kNever && expiring <= expire) {
      before = ScheduleStatus::kExpiring;
    }
    Json change = Json::object();
    change["action_subscription_id"] = st.getColumn(4).getString();
    change["date"] = st.getColumn(1).getString();
    change["from"] = StatusName(before);
    change["to"] = kind;
    int column = 5;
    for (const char* key : kShown) {
      const SQLite::Column value = st.getColumn(column++);
      change[key] = value.isNull() ? Json() : Json(value.getString());
    }
    page.rows.push_back(std::move(change));
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
  // Each status through the status filter (status_sql.h): one index range read per status.
  std::map<ScheduleStatus, int64_t> counts;
  for (ScheduleStatus status : kScheduleStatuses) {
    Json filter = q.filter.is_object() ? q.filter : Json::object();
    filter["status"] = StatusName(status);
    std::vector<std::string> where;
    std::vector<Json> binds;
    std::vector<FieldError> errors;
    store.Where(e, filter, q.history, where, binds, errors);
    if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
    SQLite::Statement& st = db.Cached("SELECT count(*) FROM action_subscription t" + WhereSql(where));
    BindValues(st, binds);
    st.executeStep();
    counts[status] = st.getColumn(0).getInt64();
    st.reset();
  }
  return counts;
}

// ---- Bulk -----------------------------------------------------------------------------------

void RecomputeTouched(Db& db) {
  // One pass over every touched subscription: its cover and its visibility (new rows have
  // neither yet), both as the views of schema 3 define them.
  db.Exec(
      "UPDATE action_subscription SET"
      " (cover_release, cover_expire, expiring_from) ="
      "   (SELECT v.cover_release, v.cover_expire, v.expiring_from"
      "      FROM action_subscription_cover v WHERE v.rid = action_subscription.rowid),"
      " hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h"
      "                 WHERE h.rid = action_subscription.rowid)"
      " WHERE rowid IN (SELECT s.rowid FROM schedule_touch t JOIN action_subscription s"
      "                  ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id)");
  db.Exec("DELETE FROM schedule_touch");
}

}  // namespace certo::internal
