// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT

#include "schedule.h"

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>

#include "rules.h"

namespace certo::internal {

namespace {

std::optional<std::string> Text(SQLite::Statement& st, int i) {
  if (st.getColumn(i).isNull()) return std::nullopt;
  return st.getColumn(i).getString();
}

std::optional<Date> DateOf(const std::optional<std::string>& s) {
  return s ? ParseDate(*s) : std::nullopt;
}

std::optional<long long> IntOf(SQLite::Statement& st, int i) {
  if (st.getColumn(i).isNull()) return std::nullopt;
  return st.getColumn(i).getInt64();
}

std::optional<Unit> UnitOf(SQLite::Statement& st, int i) {
  auto s = Text(st, i);
  return s ? ParseUnit(*s) : std::nullopt;
}

std::string Show(const std::optional<std::string>& s) { return s ? *s : "null"; }

}  // namespace

// ---- Changes --------------------------------------------------------------------------------

Page Changes(Db& db, Store& store, const ChangesQuery& q) {
  const Entity& e = *FindEntity("action-subscription");
  std::vector<FieldError> errors;
  if (!q.from.ok()) errors.push_back({"from", "must be a real calendar date"});
  if (!q.to.ok()) errors.push_back({"to", "must be a real calendar date"});
  if (q.from.ok() && q.to.ok() && q.to < q.from)
    errors.push_back({"to", "must not be before from"});
  if (q.per_page < 1 || q.per_page > 1000) {
    errors.push_back({"per-page", "must be between 1 and 1000"});
  }
  if (q.page < 1) errors.push_back({"page", "must be at least 1"});
  std::vector<std::string> where;
  std::vector<Json> binds;
  store.Where(e, q.filter, q.history, where, binds, errors);
  if (!errors.empty()) Fail(Status::Validation(std::move(errors)));

  // Time moves a row to EXPIRING on expiring_from and to EXPIRED the day after cover_expire.
  const std::string from = FormatDate(q.from), to = FormatDate(q.to);
  std::string sql =
      " FROM (SELECT rowid AS rid, 'EXPIRING' AS kind, expiring_from AS day"
      " FROM action_subscription WHERE expiring_from > ?1 AND expiring_from <= ?2"
      " UNION ALL SELECT rowid, 'EXPIRED', certo_add_days(cover_expire, 1)"
      " FROM action_subscription WHERE cover_expire >= ?1 AND cover_expire < ?2) c"
      " JOIN action_subscription t ON t.rowid = c.rid";
  for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
  auto bind_all = [&](SQLite::Statement& st) {
    st.bind(1, from);
    st.bind(2, to);
    int i = 3;
    for (const Json& b : binds) Store::Bind(st, i++, b);
    return i;
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
  page.page_count = static_cast<int>((page.total_count + q.per_page - 1) / q.per_page);
  // Only the columns a change shows: a day's changes at 1M subscriptions are hundreds of rows.
  static const char* const kShown[] = {"action_id",       "action_name",     "subscriber_id",
                                       "subscriber_type", "subscriber_name", "subtenant_id",
                                       "office_name"};
  std::string columns = "t.action_subscription_id";
  for (const char* key : kShown) columns += ", " + store.Expression(e, key);
  SQLite::Statement& st =
      db.Cached("SELECT c.kind, c.day, t.cover_expire, t.expiring_from, " + columns + sql +
                " ORDER BY c.day, t.action_subscription_id, c.kind LIMIT ? OFFSET ?");
  int i = bind_all(st);
  st.bind(i++, static_cast<int64_t>(q.per_page));
  st.bind(i, static_cast<int64_t>(q.page - 1) * q.per_page);
  while (st.executeStep()) {
    const std::string kind = st.getColumn(0).getString();
    const std::string expire = st.getColumn(2).getString();
    const std::string expiring = st.getColumn(3).getString();
    std::string before = "VALID";
    if (kind == "EXPIRED" && expiring != kNever && expiring <= expire) before = "EXPIRING";
    Json change = Json::object();
    change["action_subscription_id"] = st.getColumn(4).getString();
    change["date"] = st.getColumn(1).getString();
    change["from"] = before;
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

std::map<std::string, int64_t> StatusCounts(Db& db, Store& store, const Query& q) {
  const Entity& e = *FindEntity("action-subscription");
  if (q.filter.is_object() && q.filter.contains("status")) {
    Fail(Status::Validation("filter.status",
                            "is what the counts are grouped by; leave it out of the filter"));
  }
  std::map<std::string, int64_t> counts;
  for (const char* status : {"NEW", "VALID", "EXPIRING", "EXPIRED"}) {
    Json filter = q.filter.is_object() ? q.filter : Json::object();
    filter["status"] = status;
    std::vector<std::string> where;
    std::vector<Json> binds;
    std::vector<FieldError> errors;
    store.Where(e, filter, q.history, where, binds, errors);
    if (!errors.empty()) Fail(Status::Validation(std::move(errors)));
    std::string sql = "SELECT count(*) FROM action_subscription t";
    for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
    SQLite::Statement& st = db.Cached(sql);
    for (size_t i = 0; i < binds.size(); ++i) Store::Bind(st, static_cast<int>(i + 1), binds[i]);
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

// ---- Verify ---------------------------------------------------------------------------------

namespace {

struct ActionInfo {
  std::string tenant;
  std::optional<long long> validity;
  std::optional<Unit> unit;
  std::optional<long long> interval;
};

// The best link so far for one (action, resource): the latest expiry, then the latest release,
// then the greatest link id (the trigger's ORDER BY).
struct Cover {
  std::string expire;  // a date or kNever
  std::string release;
  std::string link_id;

  bool Beats(const Cover& o) const {
    return std::tie(expire, release, link_id) > std::tie(o.expire, o.release, o.link_id);
  }
};

void CheckSchedule(Db& db, VerifyReport& report) {
  std::unordered_map<std::string, ActionInfo> actions;
  {
    SQLite::Statement st(db.raw(),
                         "SELECT action_id, tenant_id, validity, validity_unit, expire_interval "
                         "FROM action");
    while (st.executeStep()) {
      actions[st.getColumn(0).getString()] =
          ActionInfo{st.getColumn(1).getString(), IntOf(st, 2), UnitOf(st, 3), IntOf(st, 4)};
    }
  }
  std::unordered_map<std::string, Cover> covers;  // action_id + '/' + resource_id
  {
    // Links with their certificates, streamed (no map of every certificate).
    SQLite::Statement st(db.raw(),
                         "SELECT l.certificate_action_id, l.action_id, l.date_expire, c.tenant_id, "
                         "c.resource_id, c.date_release, c.date_expire, c.validity, "
                         "c.validity_unit FROM certificate_action l JOIN certificate c "
                         "ON c.certificate_id = l.certificate_id");
    while (st.executeStep()) {
      ++report.links_checked;
      auto a = actions.find(st.getColumn(1).getString());
      std::optional<Date> release = DateOf(Text(st, 5));
      if (a == actions.end() || !release || st.getColumn(3).getString() != a->second.tenant) {
        continue;  // a link of another project covers nothing; a NOT NULL date is never null
      }
      LinkDates link{DateOf(Text(st, 2)), DateOf(Text(st, 6)), *release,      IntOf(st, 7),
                     UnitOf(st, 8),       a->second.validity,  a->second.unit};
      std::optional<Date> expiry = EffectiveExpiry(link);
      Cover cover{expiry ? FormatDate(*expiry) : std::string(kNever), FormatDate(*release),
                  st.getColumn(0).getString()};
      std::string key = a->first + '/' + st.getColumn(4).getString();
      auto [it, inserted] = covers.emplace(std::move(key), cover);
      if (!inserted && cover.Beats(it->second)) it->second = std::move(cover);
    }
  }
  SQLite::Statement st(db.raw(),
                       "SELECT action_subscription_id, action_id, subscriber_id, cover_release, "
                       "cover_expire, expiring_from FROM action_subscription");
  while (st.executeStep()) {
    ++report.subscriptions_checked;
    const std::string id = st.getColumn(0).getString();
    auto cover = covers.find(st.getColumn(1).getString() + '/' + st.getColumn(2).getString());
    std::optional<std::string> release, expire, expiring;
    if (cover != covers.end()) {
      release = cover->second.release;
      expire = cover->second.expire;
      auto a = actions.find(st.getColumn(1).getString());
      std::optional<Date> e = ParseDate(*expire);  // nullopt for kNever
      std::optional<Date> from =
          ExpiringFrom(e, a == actions.end() ? std::nullopt : a->second.interval);
      expiring = from ? FormatDate(*from) : std::string(kNever);
    }
    const std::optional<std::string> stored[] = {Text(st, 3), Text(st, 4), Text(st, 5)};
    const std::optional<std::string> expected[] = {release, expire, expiring};
    const char* fields[] = {"certificate_date_release", "certificate_date_expire", "expiring_from"};
    for (int i = 0; i < 3; ++i) {
      if (stored[i] == expected[i]) continue;
      report.problems.push_back(Problem{
          "schedule", "action-subscription", id, fields[i], Show(stored[i]), Show(expected[i]),
          "action-subscription " + id + ": stored " + fields[i] + " " + Show(stored[i]) +
              ", recomputed " + Show(expected[i])});
    }
  }
}

// Every id of a collection, and its retirement date (empty: active).
using Rows = std::unordered_map<std::string, std::string>;
const Rows& RowsOf(Db& db, std::map<std::string_view, Rows>& cache, const Entity& e) {
  auto [it, inserted] = cache.try_emplace(e.collection);
  if (inserted) {
    SQLite::Statement st(db.raw(), "SELECT " + std::string(e.id) + ", " +
                                       (e.historicizable ? "retired_on" : "NULL") + " FROM " +
                                       std::string(e.table));
    while (st.executeStep()) {
      it->second.emplace(st.getColumn(0).getString(), st.getColumn(1).getString());
    }
  }
  return it->second;
}

// References that no foreign key holds (several target collections), against the ids in memory.
void CheckReferences(Db& db, std::map<std::string_view, Rows>& rows, VerifyReport& report) {
  for (const Entity& e : Entities()) {
    for (const Field& f : e.fields) {
      if (f.ref.targets.size() < 2) continue;  // plain references are foreign keys
      const std::string type = f.ref.type_field.empty() ? "NULL" : std::string(f.ref.type_field);
      SQLite::Statement st(db.raw(), "SELECT " + std::string(e.id) + ", " + std::string(f.name) +
                                         ", " + type + " FROM " + std::string(e.table));
      while (st.executeStep()) {
        const std::string id = st.getColumn(0).getString(), target = st.getColumn(1).getString();
        const std::string kind = st.getColumn(2).getString();
        bool found = false;
        for (const RefTarget& t : f.ref.targets) {
          if (!f.ref.type_field.empty() && t.type_value != kind) continue;
          found = found || RowsOf(db, rows, *FindEntity(t.collection)).count(target) > 0;
        }
        if (found) continue;
        report.problems.push_back(Problem{"reference", std::string(e.collection), id,
                                          std::string(f.name), target, "an existing row",
                                          std::string(e.collection) + " " + id + ": " +
                                              std::string(f.name) + " " + target +
                                              " refers to no row"});
      }
    }
  }
}

// hidden_from recomputed in C++: the earliest retirement of the subscription, its action and
// the action's office, its office, its subscriber and the subscriber's office (schema 3's view
// says the same in SQL).
void CheckVisibility(Db& db, std::map<std::string_view, Rows>& rows, VerifyReport& report) {
  auto earliest = [](std::string& acc, const std::string& date) {
    if (!date.empty() && (acc.empty() || date < acc)) acc = date;
  };
  // The office of every office-level subscriber kind and of every action.
  std::unordered_map<std::string, std::string> office_of;
  const std::pair<const char*, const char*> office_level[] = {
      {"role", "office_id"},      {"equipment", "office_id"},  {"work-environment", "office_id"},
      {"substance", "office_id"}, {"work-group", "office_id"}, {"action", "subtenant_id"}};
  for (const auto& [collection, column] : office_level) {
    const Entity& e = *FindEntity(collection);
    SQLite::Statement st(
        db.raw(), "SELECT " + std::string(e.id) + ", " + column + " FROM " + std::string(e.table));
    while (st.executeStep()) {
      office_of.emplace(st.getColumn(0).getString(), st.getColumn(1).getString());
    }
  }
  const Rows& offices = RowsOf(db, rows, *FindEntity("office"));
  const Rows& actions = RowsOf(db, rows, *FindEntity("action"));
  std::map<std::string, const Rows*> subjects;
  const Entity& subscription = *FindEntity("action-subscription");
  for (const RefTarget& t : subscription.FindField("subscriber_id")->ref.targets) {
    subjects[std::string(t.type_value)] = &RowsOf(db, rows, *FindEntity(t.collection));
  }
  auto retired = [](const Rows& in, const std::string& id) {
    auto it = in.find(id);
    return it == in.end() ? std::string() : it->second;
  };
  SQLite::Statement st(db.raw(),
                       "SELECT action_subscription_id, retired_on, action_id, subtenant_id, "
                       "subscriber_type, subscriber_id, hidden_from FROM action_subscription");
  while (st.executeStep()) {
    std::string expected = st.getColumn(1).getString();
    const std::string action = st.getColumn(2).getString();
    const std::string type = st.getColumn(4).getString(), subscriber = st.getColumn(5).getString();
    earliest(expected, retired(actions, action));
    earliest(expected, retired(offices, office_of[action]));
    earliest(expected, retired(offices, st.getColumn(3).getString()));
    if (auto it = subjects.find(type); it != subjects.end()) {
      earliest(expected, retired(*it->second, subscriber));
      if (auto o = office_of.find(subscriber); o != office_of.end()) {
        earliest(expected, retired(offices, o->second));
      }
    }
    const std::optional<std::string> stored = Text(st, 6);
    const std::optional<std::string> want =
        expected.empty() ? std::nullopt : std::optional<std::string>(expected);
    if (stored == want) continue;
    const std::string id = st.getColumn(0).getString();
    report.problems.push_back(Problem{"schedule", "action-subscription", id, "hidden_from",
                                      Show(stored), Show(want),
                                      "action-subscription " + id + ": stored hidden_from " +
                                          Show(stored) + ", recomputed " + Show(want)});
  }
}

}  // namespace

VerifyReport Verify(Db& db, const VerifyOptions& options) {
  VerifyReport report;
  // Verify reads the whole file: memory-mapped pages spare a copy of each. Only for this call.
  db.Exec("PRAGMA mmap_size = 17179869184");
  struct Unmap {
    Db& db;
    ~Unmap() { db.raw().tryExec("PRAGMA mmap_size = 0"); }
  } unmap{db};
  if (options.depth != VerifyOptions::Depth::kSchedule) {
    SQLite::Statement st(db.raw(), options.depth == VerifyOptions::Depth::kFull
                                       ? "PRAGMA integrity_check"
                                       : "PRAGMA quick_check");
    while (st.executeStep()) {
      std::string line = st.getColumn(0).getString();
      if (line != "ok") {
        report.problems.push_back(Problem{"integrity", "", "", "", "", "", line});
      }
    }
  }
  if (options.depth != VerifyOptions::Depth::kSchedule) {
    SQLite::Statement st(db.raw(), "PRAGMA foreign_key_check");
    while (st.executeStep()) {
      std::string table = st.getColumn(0).getString();
      std::string rowid = st.getColumn(1).getString();
      std::string parent = st.getColumn(2).getString();
      report.problems.push_back(
          Problem{"foreign_key", table, rowid, "", "", parent,
                  table + " row " + rowid + " refers to a missing " + parent});
    }
  }
  {
    SQLite::Statement st(db.raw(), "SELECT count(*) FROM schedule_touch");
    st.executeStep();
    if (long long n = st.getColumn(0).getInt64(); n > 0) {
      report.problems.push_back(Problem{"pending", "action-subscription", "", "", std::to_string(n),
                                        "0",
                                        std::to_string(n) + " subscription recalculations are "
                                                            "still queued"});
    }
  }
  std::map<std::string_view, Rows> rows;
  CheckReferences(db, rows, report);
  CheckSchedule(db, report);
  CheckVisibility(db, rows, report);
  return report;
}

}  // namespace certo::internal
