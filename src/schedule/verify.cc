// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Verify: every subscription's cover dates and visibility recomputed from scratch with the rule
// (rules/rules.h) and compared with what the triggers stored; the references no foreign key can
// check; and SQLite's own integrity checks, by depth. Rows are read once per entity and kept as
// ids in memory, so the cross-checks are lookups instead of queries per row.

#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "registry/vocabulary.h"
#include "rules/rules.h"
#include "schedule/schedule.h"

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
  std::vector<const Entity*> office_level = {FindEntity("action")};
  for (const SubscriberType& k : SubscriberTypes()) {
    const Entity* e = FindEntity(k.collection);
    if (!e->office_field.empty()) office_level.push_back(e);
  }
  for (const Entity* e : office_level) {
    SQLite::Statement st(db.raw(), "SELECT " + std::string(e->id) + ", " +
                                       std::string(e->office_field) + " FROM " +
                                       std::string(e->table));
    while (st.executeStep()) {
      office_of.emplace(st.getColumn(0).getString(), st.getColumn(1).getString());
    }
  }
  const Rows& offices = RowsOf(db, rows, *FindEntity("office"));
  const Rows& actions = RowsOf(db, rows, *FindEntity("action"));
  // The parent row of a subscriber other than its office and project (a PPE item's type), whose
  // retirement hides the subscriber too.
  std::unordered_map<std::string, std::pair<const Rows*, std::string>> parent_of;
  for (const SubscriberType& k : SubscriberTypes()) {
    const Entity& e = *FindEntity(k.collection);
    for (const Field& f : e.fields) {
      if (!f.IsRef() || !f.ref.parent || f.ref.targets.size() != 1 || f.name == e.office_field ||
          f.name == e.project_field) {
        continue;
      }
      const Rows* parents = &RowsOf(db, rows, *FindEntity(f.ref.targets.front().collection));
      SQLite::Statement st(db.raw(), "SELECT " + std::string(e.id) + ", " + std::string(f.name) +
                                         " FROM " + std::string(e.table));
      while (st.executeStep()) {
        parent_of.emplace(st.getColumn(0).getString(),
                          std::make_pair(parents, st.getColumn(1).getString()));
      }
    }
  }
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
      if (auto p = parent_of.find(subscriber); p != parent_of.end()) {
        earliest(expected, retired(*p->second.first, p->second.second));
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
