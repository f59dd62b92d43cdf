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
  if (q.from.ok() && q.to.ok() && q.to < q.from) errors.push_back({"to", "must not be before from"});
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
    for (const Json& b : binds) {
      if (b.is_string()) {
        st.bind(i++, b.get<std::string>());
      } else if (b.is_number_integer()) {
        st.bind(i++, b.get<int64_t>());
      } else if (b.is_boolean()) {
        st.bind(i++, b.get<bool>() ? 1 : 0);
      } else {
        st.bind(i++);
      }
    }
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
  SQLite::Statement& st =
      db.Cached("SELECT c.kind, c.day, t.cover_expire, t.expiring_from, " + store.Columns(e) + sql +
                " ORDER BY c.day, t.action_subscription_id, c.kind LIMIT ? OFFSET ?");
  int i = bind_all(st);
  st.bind(i++, static_cast<int64_t>(q.per_page));
  st.bind(i, static_cast<int64_t>(q.page - 1) * q.per_page);
  while (st.executeStep()) {
    const std::string kind = st.getColumn(0).getString();
    const std::string expire = st.getColumn(2).getString();
    const std::string expiring = st.getColumn(3).getString();
    Json row = Store::RowJson(e, st, 4);
    std::string before = "VALID";
    if (kind == "EXPIRED" && expiring != kNever && expiring <= expire) before = "EXPIRING";
    Json change = Json::object();
    change["action_subscription_id"] = row["action_subscription_id"];
    change["date"] = st.getColumn(1).getString();
    change["from"] = before;
    change["to"] = kind;
    for (const char* key : {"action_id", "action_name", "subscriber_id", "subscriber_type",
                            "subscriber_name", "subtenant_id", "office_name"}) {
      change[key] = row[key];
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
    for (size_t i = 0; i < binds.size(); ++i) {
      const Json& b = binds[i];
      const int index = static_cast<int>(i + 1);
      if (b.is_string()) {
        st.bind(index, b.get<std::string>());
      } else if (b.is_number_integer()) {
        st.bind(index, b.get<int64_t>());
      } else if (b.is_boolean()) {
        st.bind(index, b.get<bool>() ? 1 : 0);
      } else {
        st.bind(index);
      }
    }
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

struct CertInfo {
  std::string tenant, resource;
  Date release;
  std::optional<Date> expire;
  std::optional<long long> validity;
  std::optional<Unit> unit;
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
  std::unordered_map<std::string, CertInfo> certs;
  {
    SQLite::Statement st(db.raw(),
                         "SELECT certificate_id, tenant_id, resource_id, date_release, "
                         "date_expire, validity, validity_unit FROM certificate");
    while (st.executeStep()) {
      std::optional<Date> release = DateOf(Text(st, 3));
      if (!release) continue;  // a NOT NULL date column; integrity_check reports damage
      certs[st.getColumn(0).getString()] =
          CertInfo{st.getColumn(1).getString(), st.getColumn(2).getString(), *release,
                   DateOf(Text(st, 4)),         IntOf(st, 5),                UnitOf(st, 6)};
    }
  }
  std::unordered_map<std::string, Cover> covers;  // action_id + '/' + resource_id
  {
    SQLite::Statement st(db.raw(),
                         "SELECT certificate_action_id, certificate_id, action_id, date_expire "
                         "FROM certificate_action");
    while (st.executeStep()) {
      ++report.links_checked;
      auto c = certs.find(st.getColumn(1).getString());
      auto a = actions.find(st.getColumn(2).getString());
      if (c == certs.end() || a == actions.end() || c->second.tenant != a->second.tenant) continue;
      LinkDates link{DateOf(Text(st, 3)), c->second.expire,   c->second.release, c->second.validity,
                     c->second.unit,      a->second.validity, a->second.unit};
      std::optional<Date> expiry = EffectiveExpiry(link);
      Cover cover{expiry ? FormatDate(*expiry) : std::string(kNever),
                  FormatDate(c->second.release), st.getColumn(0).getString()};
      std::string key = a->first + '/' + c->second.resource;
      auto [it, inserted] = covers.emplace(key, cover);
      if (!inserted && cover.Beats(it->second)) it->second = cover;
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
    const char* fields[] = {"certificate_date_release", "certificate_date_expire",
                            "expiring_from"};
    for (int i = 0; i < 3; ++i) {
      if (stored[i] == expected[i]) continue;
      report.problems.push_back(Problem{
          "schedule", "action-subscription", id, fields[i], Show(stored[i]), Show(expected[i]),
          "action-subscription " + id + ": stored " + fields[i] + " " + Show(stored[i]) +
              ", recomputed " + Show(expected[i])});
    }
  }
}

void CheckReferences(Db& db, VerifyReport& report) {
  for (const Entity& e : Entities()) {
    for (const Field& f : e.fields) {
      if (f.ref.targets.size() < 2) continue;  // plain references are foreign keys
      std::vector<std::string> exists;
      for (const RefTarget& t : f.ref.targets) {
        const Entity& p = *FindEntity(t.collection);
        std::string cond = "EXISTS (SELECT 1 FROM " + std::string(p.table) + " p WHERE p." +
                           std::string(p.id) + " = t." + std::string(f.name) + ")";
        if (!f.ref.type_field.empty()) {
          cond = "(t." + std::string(f.ref.type_field) + " = '" + std::string(t.type_value) +
                 "' AND " + cond + ")";
        }
        exists.push_back(cond);
      }
      std::string sql = "SELECT t." + std::string(e.id) + ", t." + std::string(f.name) + " FROM " +
                        std::string(e.table) + " t WHERE NOT (";
      for (size_t i = 0; i < exists.size(); ++i) sql += (i ? " OR " : "") + exists[i];
      SQLite::Statement st(db.raw(), sql + ")");
      while (st.executeStep()) {
        const std::string id = st.getColumn(0).getString(), target = st.getColumn(1).getString();
        report.problems.push_back(Problem{"reference", std::string(e.collection), id,
                                          std::string(f.name), target, "an existing row",
                                          std::string(e.collection) + " " + id + ": " +
                                              std::string(f.name) + " " + target +
                                              " refers to no row"});
      }
    }
  }
}

// hidden_from against its definition (the view of schema 3).
void CheckVisibility(Db& db, VerifyReport& report) {
  SQLite::Statement st(db.raw(),
                       "SELECT s.action_subscription_id, s.hidden_from, h.hidden_from FROM "
                       "action_subscription s JOIN action_subscription_hidden h ON h.rid = s.rowid "
                       "WHERE s.hidden_from IS NOT h.hidden_from");
  while (st.executeStep()) {
    const std::string id = st.getColumn(0).getString();
    const std::string stored = Show(Text(st, 1)), expected = Show(Text(st, 2));
    report.problems.push_back(Problem{"schedule", "action-subscription", id, "hidden_from", stored,
                                      expected,
                                      "action-subscription " + id + ": stored hidden_from " +
                                          stored + ", recomputed " + expected});
  }
}

}  // namespace

VerifyReport Verify(Db& db) {
  VerifyReport report;
  {
    SQLite::Statement st(db.raw(), "PRAGMA integrity_check");
    while (st.executeStep()) {
      std::string line = st.getColumn(0).getString();
      if (line != "ok") {
        report.problems.push_back(Problem{"integrity", "", "", "", "", "", line});
      }
    }
  }
  {
    SQLite::Statement st(db.raw(), "PRAGMA foreign_key_check");
    while (st.executeStep()) {
      std::string table = st.getColumn(0).getString();
      std::string rowid = st.getColumn(1).getString();
      std::string parent = st.getColumn(2).getString();
      report.problems.push_back(Problem{"foreign_key", table, rowid, "", "", parent,
                                        table + " row " + rowid + " refers to a missing " +
                                            parent});
    }
  }
  {
    SQLite::Statement st(db.raw(), "SELECT count(*) FROM schedule_touch");
    st.executeStep();
    if (long long n = st.getColumn(0).getInt64(); n > 0) {
      report.problems.push_back(Problem{"pending", "action-subscription", "", "",
                                        std::to_string(n), "0",
                                        std::to_string(n) + " subscription recalculations are "
                                                            "still queued"});
    }
  }
  CheckReferences(db, report);
  CheckSchedule(db, report);
  CheckVisibility(db, report);
  return report;
}

}  // namespace certo::internal
