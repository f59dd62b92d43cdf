// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The status conditions of registry/status_sql.h against the C++ rule: for timelines made by
// CoverTimeline (releases, expiries, revocations) and stored as schema 8 stores them (the row's
// first day and last segment, the earlier segments in subscription_cover), on every day exactly
// one status's condition holds, it is the status StatusOn gives for the segment in force, the
// own and past halves split it without overlap, and CoverValue shows that segment's dates.

#include "registry/status_sql.h"

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "base/calendar.h"
#include "db/sql_functions.h"
#include "rules/rules.h"
#include "testutil.h"

namespace certo::internal {
namespace {

Date D(const char* text) { return *ParseDate(text); }

class StatusSql : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RegisterFunctions(db_.getHandle(), &ctx_), SQLITE_OK);
    db_.exec(
        "CREATE TABLE s (action_subscription_id TEXT, first_from TEXT, cover_from TEXT, "
        "cover_release TEXT, cover_expire TEXT, expiring_from TEXT);"
        "CREATE TABLE subscription_cover (action_subscription_id TEXT, from_day TEXT, "
        "to_day TEXT, cover_release TEXT, cover_expire TEXT, expiring_from TEXT)");
  }

  static std::optional<std::string> Text(const std::optional<Date>& d, bool never) {
    if (d) return FormatDate(*d);
    return never ? std::optional<std::string>("never") : std::nullopt;
  }

  void Store(const std::vector<CoverSegment>& timeline) {
    db_.exec("DELETE FROM s; DELETE FROM subscription_cover");
    SQLite::Statement row(db_, "INSERT INTO s VALUES ('a', ?, ?, ?, ?, ?)");
    auto bind = [](SQLite::Statement& st, int i, const std::optional<std::string>& v) {
      if (v) st.bind(i, *v);
    };
    if (!timeline.empty()) {
      const CoverSegment& last = timeline.back();
      row.bind(1, FormatDate(timeline.front().from));
      row.bind(2, FormatDate(last.from));
      if (last.covered) {
        row.bind(3, FormatDate(last.release));
        bind(row, 4, Text(last.expire, true));
        bind(row, 5, Text(last.expiring_from, true));
      }
    }
    row.exec();
    for (size_t i = 0; i + 1 < timeline.size(); ++i) {
      const CoverSegment& g = timeline[i];
      SQLite::Statement st(db_, "INSERT INTO subscription_cover VALUES ('a', ?, ?, ?, ?, ?)");
      st.bind(1, FormatDate(g.from));
      st.bind(2, FormatDate(*g.to));
      if (g.covered) {
        st.bind(3, FormatDate(g.release));
        bind(st, 4, Text(g.expire, true));
        bind(st, 5, Text(g.expiring_from, true));
      }
      st.exec();
    }
  }

  std::string Eval(const std::string& sql, const std::vector<std::string>& binds = {}) {
    SQLite::Statement st(db_, "SELECT " + sql + " FROM s t");
    for (size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
    EXPECT_TRUE(st.executeStep());
    return st.getColumn(0).isNull() ? "NULL" : st.getColumn(0).getString();
  }

  SQLite::Database db_{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
  SqlContext ctx_;
};

// The segment in force on day, if any.
const CoverSegment* InForce(const std::vector<CoverSegment>& timeline, const Date& day) {
  for (const CoverSegment& g : timeline) {
    if (g.from <= day && (!g.to || day < *g.to)) return &g;
  }
  return nullptr;
}

TEST_F(StatusSql, ExactlyTheRulesStatusHoldsOnEveryDayOfEveryTimeline) {
  using L = TimelineLink;
  const std::vector<std::vector<L>> link_sets = {
      {},
      {{"1", D("2026-01-01"), std::nullopt, std::nullopt}},  // never expires
      {{"1", D("2025-01-01"), std::nullopt, D("2026-11-22")}},
      // renewed: the second, released later, covers from its release on
      {{"1", D("2024-01-01"), std::nullopt, D("2026-01-31")},
       {"2", D("2026-01-15"), std::nullopt, D("2028-01-15")}},
      // released in the future, after an expired one
      {{"1", D("2020-01-01"), std::nullopt, D("2021-01-01")},
       {"2", D("2027-06-01"), std::nullopt, D("2029-06-01")}},
      // revoked: nothing covers from the revocation on, until another is released
      {{"1", D("2025-01-01"), D("2026-03-01"), D("2027-01-01")},
       {"2", D("2026-09-01"), std::nullopt, D("2026-12-01")}},
      // revoked on its release day: never covers
      {{"1", D("2026-01-01"), D("2026-01-01"), D("2027-01-01")}},
  };
  const std::vector<std::string> days = {
      "2019-12-31", "2020-01-01", "2025-12-31", "2026-01-01", "2026-01-14", "2026-01-15",
      "2026-01-31", "2026-02-01", "2026-02-28", "2026-03-01", "2026-08-31", "2026-09-01",
      "2026-11-02", "2026-11-22", "2026-11-23", "2027-05-31", "2027-06-01", "9999-12-31"};
  for (const std::vector<L>& links : link_sets) {
    const std::vector<CoverSegment> timeline = CoverTimeline(links, 20);
    Store(timeline);
    for (const std::string& day : days) {
      const CoverSegment* g = InForce(timeline, D(day.c_str()));
      const ScheduleStatus rule =
          g ? StatusOn(g->covered, g->expire, g->expiring_from, D(day.c_str()))
            : ScheduleStatus::kNew;
      const std::string d = "'" + day + "'";
      EXPECT_EQ(Eval(StatusValue("t", d)), StatusName(rule)) << day;
      const std::string expire = g && g->covered ? Text(g->expire, true).value() : "NULL";
      EXPECT_EQ(Eval(CoverValue("t", "cover_expire", d)), expire) << day;
      for (ScheduleStatus s : kScheduleStatuses) {
        const FilterSql filter = StatusFilter(s, "t", day);
        std::vector<std::string> binds(filter.binds.size(), day);
        const std::string holds = Eval("(" + filter.condition + ") IS 1", binds);
        EXPECT_EQ(holds, rule == s ? "1" : "0") << StatusName(s) << " on " << day;
        const std::string own = "((" + StatusConditionOwn(s, "t", d) + ") IS 1)";
        const std::string past = "((" + StatusConditionPast(s, "t", d) + ") IS 1)";
        EXPECT_EQ(Eval(own + " + " + past), holds) << StatusName(s) << " on " << day;
      }
    }
  }
}

TEST_F(StatusSql, BindsOneDayPerPlaceholder) {
  const FilterSql valid = StatusFilter(ScheduleStatus::kValid, "x", "2026-11-22");
  EXPECT_NE(valid.condition.find("(x.cover_expire >= ? AND x.expiring_from > ?)"),
            std::string::npos);
  EXPECT_EQ(valid.binds.size(),
            static_cast<size_t>(std::count(valid.condition.begin(), valid.condition.end(), '?')));
  for (const Json& b : valid.binds) EXPECT_EQ(b, "2026-11-22");
}

}  // namespace
}  // namespace certo::internal
