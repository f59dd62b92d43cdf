// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Verify: every subscription's cover dates and visibility recomputed from scratch with the rule
// (rules/rules.h) and compared with what the triggers stored; the references no foreign key can
// check; and SQLite's own integrity checks, by depth. Rows are read once per entity and kept as
// ids in memory, so the cross-checks are lookups instead of queries per row.

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "registry/vocabulary.h"
#include "rules/rules.h"
#include "schedule/schedule.h"
#include "store/outbox.h"

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

std::string DayOr(const std::optional<Date>& d, std::string_view none) {
  return d ? FormatDate(*d) : std::string(none);
}

// A segment as compared: from|to|release|expire|expiring_from ("null" where SQL has NULL).
std::string Describe(const CoverSegment& g) {
  std::string out = FormatDate(g.from) + "|" + DayOr(g.to, "null") + "|";
  if (!g.covered) return out + "null|null|null";
  return out + FormatDate(g.release) + "|" + DayOr(g.expire, kNever) + "|" +
         DayOr(g.expiring_from, kNever);
}

void Mismatch(VerifyReport& report, const std::string& id, const std::string& field,
              const std::optional<std::string>& stored, const std::optional<std::string>& want) {
  report.problems.push_back(Problem{"schedule", "action-subscription", id, field, Show(stored),
                                    Show(want),
                                    "action-subscription " + id + ": stored " + field + " " +
                                        Show(stored) + ", recomputed " + Show(want)});
}

// The status steps of schema 18 as Verify recomputes them: per office, status and day (nullopt:
// before every day), packed into one integer key.
class ExpectedSteps {
 public:
  void Add(const std::string& office, const std::vector<StatusStep>& steps) {
    const uint64_t o = OfficeIndex(office);
    for (const StatusStep& s : steps) {
      sums_[Key(o, s.status, s.day)] += s.n;
      months_[Month{o, s.status, s.day ? FormatDate(*s.day).substr(0, 7) : ""}] += s.n;
    }
  }

  // schema 21's monthly sums against the same recomputation, summed by month ('' before every
  // day): each stored month, then each nonzero month the file lacks.
  void CompareMonths(Db& db, VerifyReport& report) {
    SQLite::Statement st(db.raw(), "SELECT subtenant_id, status, month, n FROM status_month");
    while (st.executeStep()) {
      const std::string office = st.getColumn(0).getString(), status = st.getColumn(1).getString(),
                        month = st.getColumn(2).getString();
      const long long n = st.getColumn(3).getInt64();
      const std::optional<ScheduleStatus> s = ParseScheduleStatus(status);
      long long want = 0;
      if (s) {
        auto found = months_.find(Month{OfficeIndex(office), *s, month});
        if (found != months_.end()) {
          want = found->second;
          months_.erase(found);
        }
      }
      if (n != want) Problem(report, "status_month", office + "|" + status + "|" + month, n, want);
    }
    const std::vector<std::string> offices = OfficeNames();
    for (const auto& [key, n] : months_) {
      if (n == 0) continue;
      Problem(
          report, "status_month",
          offices[std::get<0>(key)] + "|" + StatusName(std::get<1>(key)) + "|" + std::get<2>(key),
          0, n);
    }
  }

  // Each stored step checked against the sum (a stored 0 and a missing row are the same), then
  // each nonzero sum the file lacks.
  void Compare(Db& db, VerifyReport& report) {
    SQLite::Statement st(db.raw(), "SELECT subtenant_id, status, day, n FROM status_step");
    while (st.executeStep()) {
      const std::string office = st.getColumn(0).getString(), status = st.getColumn(1).getString(),
                        day = st.getColumn(2).getString();
      const long long n = st.getColumn(3).getInt64();
      const std::optional<ScheduleStatus> s = ParseScheduleStatus(status);
      const std::optional<Date> date = day.empty() ? std::nullopt : ParseDate(day);
      long long want = 0;
      if (s && (day.empty() || date)) {
        auto found = sums_.find(Key(OfficeIndex(office), *s, date));
        if (found != sums_.end()) {
          want = found->second;
          sums_.erase(found);
        }
      }
      if (n != want) Problem(report, "status_step", office + "|" + status + "|" + day, n, want);
    }
    const std::vector<std::string> offices = OfficeNames();
    for (const auto& [key, n] : sums_) {
      if (n == 0) continue;
      const int days = static_cast<int32_t>(static_cast<uint32_t>(key));
      const std::string day =
          days == kBefore ? "" : FormatDate(Date(std::chrono::sys_days(std::chrono::days(days))));
      Problem(report, "status_step",
              offices[key >> 35] + "|" + StatusName(static_cast<ScheduleStatus>((key >> 32) & 7)) +
                  "|" + day,
              0, n);
    }
  }

 private:
  static constexpr int kBefore = std::numeric_limits<int32_t>::min();

  uint64_t OfficeIndex(const std::string& office) {
    return offices_.try_emplace(office, offices_.size()).first->second;
  }
  static uint64_t Key(uint64_t office, ScheduleStatus status, const std::optional<Date>& day) {
    const int days =
        day ? static_cast<int>(std::chrono::sys_days(*day).time_since_epoch().count()) : kBefore;
    return office << 35 | static_cast<uint64_t>(status) << 32 |
           static_cast<uint32_t>(static_cast<int32_t>(days));
  }
  // The offices' names by their index.
  std::vector<std::string> OfficeNames() const {
    std::vector<std::string> names(offices_.size());
    for (const auto& [name, index] : offices_) names[index] = name;
    return names;
  }
  // table: status_step or status_month; key: office|status|day or month.
  static void Problem(VerifyReport& report, const std::string& table, const std::string& key,
                      long long stored, long long want) {
    report.problems.push_back(
        certo::Problem{"schedule", table, key, "n", std::to_string(stored), std::to_string(want),
                       table + " " + key + ": stored " + std::to_string(stored) + ", recomputed " +
                           std::to_string(want)});
  }

  using Month = std::tuple<uint64_t, ScheduleStatus, std::string>;  // office, status, YYYY-MM

  std::unordered_map<std::string, uint64_t> offices_;
  std::unordered_map<uint64_t, long long> sums_;
  std::map<Month, long long> months_;
};

// Every subscription's cover timeline recomputed in C++ from its links (rules.h, CoverTimeline)
// and compared with the row's columns (its first day and last segment) and with its earlier
// segments in subscription_cover, copies of the row's office and existence period included;
// and the status steps of every office (schema 18) summed from those timelines.
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
  std::unordered_map<std::string, std::vector<TimelineLink>> links;  // action_id/resource_id
  {
    // Links with their certificates, streamed (no map of every certificate).
    SQLite::Statement st(db.raw(),
                         "SELECT l.certificate_action_id, l.action_id, l.date_expire, c.tenant_id, "
                         "c.resource_id, c.date_release, c.date_expire, c.validity, "
                         "c.validity_unit, c.revoked_on FROM certificate_action l JOIN "
                         "certificate c ON c.certificate_id = l.certificate_id");
    while (st.executeStep()) {
      ++report.links_checked;
      auto a = actions.find(st.getColumn(1).getString());
      std::optional<Date> release = DateOf(Text(st, 5));
      if (a == actions.end() || !release || st.getColumn(3).getString() != a->second.tenant) {
        continue;  // a link of another project covers nothing; a NOT NULL date is never null
      }
      LinkDates dates{DateOf(Text(st, 2)), DateOf(Text(st, 6)), *release,      IntOf(st, 7),
                      UnitOf(st, 8),       a->second.validity,  a->second.unit};
      links[a->first + '/' + st.getColumn(4).getString()].push_back(TimelineLink{
          st.getColumn(0).getString(), *release, DateOf(Text(st, 9)), EffectiveExpiry(dates)});
    }
  }
  // The stored earlier segments, each with the copies it keeps.
  std::unordered_map<std::string, std::vector<std::string>> stored_segments;
  {
    SQLite::Statement st(db.raw(),
                         "SELECT action_subscription_id, from_day, to_day, cover_release, "
                         "cover_expire, expiring_from, subtenant_id, shown_from, hidden_from "
                         "FROM subscription_cover ORDER BY action_subscription_id, from_day");
    while (st.executeStep()) {
      std::string text;
      for (int i = 1; i < 9; ++i) text += (i > 1 ? "|" : "") + Show(Text(st, i));
      stored_segments[st.getColumn(0).getString()].push_back(std::move(text));
    }
  }
  SQLite::Statement st(db.raw(),
                       "SELECT action_subscription_id, action_id, subscriber_id, cover_release, "
                       "cover_expire, expiring_from, first_from, cover_from, subtenant_id, "
                       "shown_from, hidden_from FROM action_subscription");
  ExpectedSteps expected_steps;
  std::vector<StatusStep> row_steps;
  while (st.executeStep()) {
    ++report.subscriptions_checked;
    const std::string id = st.getColumn(0).getString();
    auto found = links.find(st.getColumn(1).getString() + '/' + st.getColumn(2).getString());
    auto a = actions.find(st.getColumn(1).getString());
    std::vector<CoverSegment> timeline;
    if (found != links.end()) {
      timeline =
          CoverTimeline(found->second, a == actions.end() ? std::nullopt : a->second.interval);
    }
    std::optional<std::string> first, from, release, expire, expiring;
    if (!timeline.empty()) {
      const CoverSegment& last = timeline.back();
      first = FormatDate(timeline.front().from);
      from = FormatDate(last.from);
      if (last.covered) {
        release = FormatDate(last.release);
        expire = DayOr(last.expire, kNever);
        expiring = DayOr(last.expiring_from, kNever);
      }
    }
    const std::optional<std::string> stored[] = {Text(st, 3), Text(st, 4), Text(st, 5), Text(st, 6),
                                                 Text(st, 7)};
    const std::optional<std::string> expected[] = {release, expire, expiring, first, from};
    const char* fields[] = {"certificate_date_release", "certificate_date_expire", "expiring_from",
                            "first_from", "cover_from"};
    for (int i = 0; i < 5; ++i) {
      if (stored[i] != expected[i]) Mismatch(report, id, fields[i], stored[i], expected[i]);
    }
    // The steps the row and its segments should have given, within the days the row is in
    // force as stored (CheckVisibility checks those).
    const std::optional<Date> shown = DateOf(Text(st, 9)), hidden = DateOf(Text(st, 10));
    row_steps.clear();
    AppendStatusSteps(std::nullopt,
                      timeline.empty() ? std::nullopt : std::optional<Date>(timeline.front().from),
                      shown, hidden, false, std::nullopt, std::nullopt, 1, row_steps);
    for (const CoverSegment& g : timeline) {
      AppendStatusSteps(g.from, g.to, shown, hidden, g.covered, g.expire, g.expiring_from, 1,
                        row_steps);
    }
    expected_steps.Add(st.getColumn(8).getString(), row_steps);
    const std::string copies =
        "|" + Show(Text(st, 8)) + "|" + Show(Text(st, 9)) + "|" + Show(Text(st, 10));
    std::vector<std::string> want;
    for (size_t i = 0; i + 1 < timeline.size(); ++i) want.push_back(Describe(timeline[i]) + copies);
    auto have = stored_segments.find(id);
    const std::vector<std::string> none;
    const std::vector<std::string>& got = have == stored_segments.end() ? none : have->second;
    if (got != want) {
      auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const std::string& x : v) out += (out.empty() ? "" : "; ") + x;
        return out.empty() ? std::string("none") : out;
      };
      Mismatch(report, id, "cover_timeline", join(got), join(want));
    }
  }
  expected_steps.Compare(db, report);
  expected_steps.CompareMonths(db, report);
}

// Every id of a collection, and its existence period (empty: open).
struct Period {
  std::string active_from, retired_on;

  // Narrowed to the days p shares with it: the latest start, the earliest end (empty: open).
  void And(const Period& p) {
    if (!p.retired_on.empty() && (retired_on.empty() || p.retired_on < retired_on)) {
      retired_on = p.retired_on;
    }
    if (!p.active_from.empty() && (active_from.empty() || p.active_from > active_from)) {
      active_from = p.active_from;
    }
  }
};
using Rows = std::unordered_map<std::string, Period>;
const Rows& RowsOf(Db& db, std::map<std::string_view, Rows>& cache, const Entity& e) {
  auto [it, inserted] = cache.try_emplace(e.collection);
  if (inserted) {
    SQLite::Statement st(
        db.raw(), "SELECT " + std::string(e.id) + ", " +
                      (e.historicizable ? "active_from, retired_on" : "NULL, NULL") + " FROM " +
                      std::string(e.table));
    while (st.executeStep()) {
      it->second.emplace(st.getColumn(0).getString(),
                         Period{st.getColumn(1).getString(), st.getColumn(2).getString()});
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

// shown_from and hidden_from recomputed in C++: the latest active_from and the earliest
// retirement of the subscription, its action and the action's office, its office, its subscriber
// and the subscriber's office (schema 8's view says the same in SQL).
void CheckVisibility(Db& db, std::map<std::string_view, Rows>& rows, VerifyReport& report) {
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
  auto period = [](const Rows& in, const std::string& id) {
    auto it = in.find(id);
    return it == in.end() ? Period() : it->second;
  };
  SQLite::Statement st(db.raw(),
                       "SELECT action_subscription_id, retired_on, action_id, subtenant_id, "
                       "subscriber_type, subscriber_id, hidden_from, active_from, shown_from "
                       "FROM action_subscription");
  while (st.executeStep()) {
    Period expected;  // shown_from .. hidden_from
    expected.And(Period{st.getColumn(7).getString(), st.getColumn(1).getString()});
    const std::string action = st.getColumn(2).getString();
    const std::string type = st.getColumn(4).getString(), subscriber = st.getColumn(5).getString();
    expected.And(period(actions, action));
    expected.And(period(offices, office_of[action]));
    expected.And(period(offices, st.getColumn(3).getString()));
    if (auto it = subjects.find(type); it != subjects.end()) {
      expected.And(period(*it->second, subscriber));
      if (auto o = office_of.find(subscriber); o != office_of.end()) {
        expected.And(period(offices, o->second));
      }
      if (auto p = parent_of.find(subscriber); p != parent_of.end()) {
        expected.And(period(*p->second.first, p->second.second));
      }
    }
    auto optional = [](const std::string& s) {
      return s.empty() ? std::nullopt : std::optional<std::string>(s);
    };
    const std::string id = st.getColumn(0).getString();
    if (Text(st, 6) != optional(expected.retired_on)) {
      Mismatch(report, id, "hidden_from", Text(st, 6), optional(expected.retired_on));
    }
    if (Text(st, 8) != optional(expected.active_from)) {
      Mismatch(report, id, "shown_from", Text(st, 8), optional(expected.active_from));
    }
  }
}

// Rule 2.2 recomputed in C++ from the demands and the assignments, independently of the
// triggers: every (action, person) pair some requirement needs, with the days the derived row must
// have (the earliest start, open when one is open; the latest end, open when one is open), against
// the stored rows. Each level (demand, resource, assignment, person-office) holds only while its
// office does. A required pair needs a row (a manual one serves); a derived row needs a
// requirement and exactly those days.
void CheckDerived(Db& db, std::map<std::string_view, Rows>& rows, VerifyReport& report) {
  struct Requirement {
    bool any = false, open_start = false, open_end = false;
    std::string from, until;
  };
  std::unordered_map<std::string, bool> action_admits;
  {
    SQLite::Statement st(db.raw(), "SELECT action_id, action_type FROM action");
    while (st.executeStep()) {
      action_admits[st.getColumn(0).getString()] = Admits(st.getColumn(1).getString(), "PERSON");
    }
  }
  const Rows& offices = RowsOf(db, rows, *FindEntity("office"));
  // A row's own days within its office's.
  auto in_office = [&](Period days, const std::string& office) {
    if (auto o = offices.find(office); o != offices.end()) days.And(o->second);
    return days;
  };
  struct Assignment {
    std::string id, type, person_office;
    Period period;
  };
  auto read_assignments = [&](const std::string& sql) {
    std::unordered_map<std::string, std::vector<Assignment>> by_resource;
    SQLite::Statement st(db.raw(), sql);
    while (st.executeStep()) {
      by_resource[st.getColumn(1).getString()].push_back(Assignment{
          st.getColumn(0).getString(), st.getColumn(2).getString(), st.getColumn(3).getString(),
          in_office(Period{st.getColumn(4).getString(), st.getColumn(5).getString()},
                    st.getColumn(6).getString())});
    }
    return by_resource;
  };
  const auto held = read_assignments(
      "SELECT entity_employee_id, entity_id, type, person_office_id, active_from, retired_on, "
      "office_id FROM entity_employee");
  const auto members = read_assignments(
      "SELECT work_group_person_id, work_group_id, 'WORK_GROUP', person_office_id, active_from, "
      "retired_on, office_id FROM work_group_person");
  struct PersonOffice {
    std::string person, project;
    Period period;
  };
  std::unordered_map<std::string, PersonOffice> person_offices;
  std::unordered_map<std::string, std::vector<std::string>> staff;  // office -> person-offices
  {
    SQLite::Statement st(db.raw(),
                         "SELECT person_office_id, person_id, project_id, office_id, active_from, "
                         "retired_on FROM person_office");
    while (st.executeStep()) {
      const std::string id = st.getColumn(0).getString();
      person_offices[id] =
          PersonOffice{st.getColumn(1).getString(), st.getColumn(2).getString(),
                       in_office(Period{st.getColumn(4).getString(), st.getColumn(5).getString()},
                                 st.getColumn(3).getString())};
      staff[st.getColumn(3).getString()].push_back(id);
    }
  }
  // Each demandable resource's days within its office's (an office's are its own).
  std::map<std::string, Rows> resources;
  for (const SubscriberType& k : SubscriberTypes()) {
    if (!k.demanded) continue;
    const Entity& e = *FindEntity(k.collection);
    Rows& of_kind = resources[std::string(k.name)];
    if (e.office_field.empty()) {
      of_kind = RowsOf(db, rows, e);
      continue;
    }
    SQLite::Statement st(db.raw(), "SELECT " + std::string(e.id) + ", active_from, retired_on, " +
                                       std::string(e.office_field) + " FROM " +
                                       std::string(e.table));
    while (st.executeStep()) {
      of_kind.emplace(st.getColumn(0).getString(),
                      in_office(Period{st.getColumn(1).getString(), st.getColumn(2).getString()},
                                st.getColumn(3).getString()));
    }
  }
  std::map<std::pair<std::string, std::string>, Requirement> required;
  // Each requirement as schema 10 keeps it: action|person|demand|assignment|via|from|until.
  std::set<std::string> requirements;
  auto need = [&](const std::string& action, const std::string& person_id, const Period& days,
                  const std::string& demand_id, const std::string& via,
                  const std::string& assignment) {
    if (!days.active_from.empty() && !days.retired_on.empty() &&
        days.active_from >= days.retired_on)
      return;
    requirements.insert(action + "|" + person_id + "|" + demand_id + "|" + assignment + "|" + via +
                        "|" + days.active_from + "|" + days.retired_on);
    Requirement& r = required[{action, person_id}];
    if (days.active_from.empty()) r.open_start = true;
    if (days.retired_on.empty()) r.open_end = true;
    if (!r.any || days.active_from < r.from) r.from = days.active_from;
    if (!r.any || days.retired_on > r.until) r.until = days.retired_on;
    r.any = true;
  };
  SQLite::Statement demands(db.raw(),
                            "SELECT action_id, project_id, resource_type, resource_id, "
                            "active_from, retired_on, demand_id, office_id FROM demand");
  while (demands.executeStep()) {
    const std::string action = demands.getColumn(0).getString();
    const std::string project = demands.getColumn(1).getString();
    const std::string type = demands.getColumn(2).getString();
    const std::string resource = demands.getColumn(3).getString();
    const std::string demand_id = demands.getColumn(6).getString();
    if (!action_admits[action]) continue;
    auto kind = resources.find(type);
    if (kind == resources.end()) continue;
    auto r = kind->second.find(resource);
    if (r == kind->second.end()) continue;
    Period base =
        in_office(Period{demands.getColumn(4).getString(), demands.getColumn(5).getString()},
                  demands.getColumn(7).getString());
    base.And(r->second);
    auto through = [&](const std::string& person_office_id, Period days, const std::string& via,
                       const std::string& assignment) {
      auto po = person_offices.find(person_office_id);
      if (po == person_offices.end() || po->second.project != project) return;
      days.And(po->second.period);
      need(action, po->second.person, days, demand_id, via, assignment);
    };
    if (type == "OFFICE") {
      if (auto it = staff.find(resource); it != staff.end()) {
        for (const std::string& po : it->second) through(po, base, "person-office", po);
      }
      continue;
    }
    const auto& assignments = type == "WORK_GROUP" ? members : held;
    auto it = assignments.find(resource);
    if (it == assignments.end()) continue;
    for (const Assignment& a : it->second) {
      if (a.type != type) continue;
      Period days = base;
      days.And(a.period);
      through(a.person_office, days, type == "WORK_GROUP" ? "work-group-person" : "entity-employee",
              a.id);
    }
  }
  SQLite::Statement st(db.raw(),
                       "SELECT action_subscription_id, action_id, subscriber_id, origin, "
                       "active_from, retired_on FROM action_subscription");
  auto problem = [&](const std::string& id, const std::string& stored, const std::string& want,
                     const std::string& message) {
    report.problems.push_back(
        Problem{"derived", "action-subscription", id, "origin", stored, want, message});
  };
  while (st.executeStep()) {
    const std::string id = st.getColumn(0).getString();
    auto it = required.find({st.getColumn(1).getString(), st.getColumn(2).getString()});
    const bool derived = st.getColumn(3).getString() == kOriginDerived;
    if (it == required.end()) {
      if (derived) {
        problem(id, "DERIVED", "no row",
                "action-subscription " + id + " is derived but no demand requires it");
      }
      continue;
    }
    if (derived) {
      const Requirement& r = it->second;
      std::optional<std::string> from, until;
      if (!r.open_start) from = r.from;
      if (!r.open_end) until = r.until;
      if (Text(st, 4) != from) Mismatch(report, id, "active_from", Text(st, 4), from);
      if (Text(st, 5) != until) Mismatch(report, id, "retired_on", Text(st, 5), until);
    }
    required.erase(it);
  }
  {
    SQLite::Statement kept(db.raw(),
                           "SELECT action_id, person_id, demand_id, assignment_id, via, "
                           "coalesce(from_day, ''), coalesce(until_day, '') "
                           "FROM subscription_requirement");
    while (kept.executeStep()) {
      std::string key;
      for (int i = 0; i < 7; ++i) key += (i ? "|" : "") + kept.getColumn(i).getString();
      if (requirements.erase(key) == 0) {
        report.problems.push_back(Problem{
            "derived", "subscription_requirement", key, "", key, "no such requirement",
            "the stored requirement " + key + " is not what the demands and assignments give"});
      }
    }
    for (const std::string& key : requirements) {
      report.problems.push_back(Problem{"derived", "subscription_requirement", key, "",
                                        "no such requirement", key,
                                        "the requirement " + key + " is not stored"});
    }
  }
  for (const auto& [pair, r] : required) {
    problem("", "no row", "DERIVED",
            "action " + pair.first + " is required of person " + pair.second +
                " by a demand but the schedule has no row for them");
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
  // Recalculations a committed write left queued (a bulk write stopped before its end).
  for (const auto& [table, what] : {std::pair{"schedule_touch", " subscription recalculations"},
                                    std::pair{"derive_touch", " derivations"}}) {
    SQLite::Statement st(db.raw(), std::string("SELECT count(*) FROM ") + table);
    st.executeStep();
    if (long long n = st.getColumn(0).getInt64(); n > 0) {
      report.problems.push_back(Problem{"pending", "action-subscription", "", "", std::to_string(n),
                                        "0", std::to_string(n) + what + " are still queued"});
    }
  }
  {
    const OutboxState outbox = ReadOutboxState(db);
    report.outbox_dropped = outbox.dropped;
    report.outbox_dropped_through = outbox.dropped_through;
    if (outbox.policy.max_events && outbox.pending > *outbox.policy.max_events) {
      report.problems.push_back(Problem{
          "outbox", "outbox", "", "pending", std::to_string(outbox.pending),
          std::to_string(*outbox.policy.max_events),
          std::to_string(outbox.pending) + " events wait in the outbox, more than its policy's " +
              std::to_string(*outbox.policy.max_events) + " (written without the engine?)"});
    }
  }
  std::map<std::string_view, Rows> rows;
  CheckReferences(db, rows, report);
  CheckSchedule(db, report);
  CheckVisibility(db, rows, report);
  CheckDerived(db, rows, report);
  return report;
}

}  // namespace certo::internal
