// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The status conditions of registry/status_sql.h against certo_status(), the C++ rule: on every
// combination of stored dates and days, exactly one status's condition holds, and it is the
// status the rule gives; the day a change takes effect matches the rule too.

#include "registry/status_sql.h"

#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "base/calendar.h"
#include "db/sql_functions.h"
#include "testutil.h"

namespace certo::internal {
namespace {

// One stored row: cover_expire, expiring_from (nullopt = NULL).
struct Stored {
  std::optional<std::string> expire, expiring;
};

class StatusSql : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(RegisterFunctions(db_.getHandle(), &ctx_), SQLITE_OK);
    db_.exec("CREATE TABLE s (cover_expire TEXT, expiring_from TEXT)");
  }

  void Store(const Stored& row) {
    db_.exec("DELETE FROM s");
    SQLite::Statement st(db_, "INSERT INTO s VALUES (?, ?)");
    if (row.expire) st.bind(1, *row.expire);
    if (row.expiring) st.bind(2, *row.expiring);
    st.exec();
  }

  // The value of an SQL expression over the stored row aliased t, with binds.
  std::string Eval(const std::string& sql, const std::vector<std::string>& binds = {}) {
    SQLite::Statement st(db_, "SELECT " + sql + " FROM s t");
    for (size_t i = 0; i < binds.size(); ++i) st.bind(static_cast<int>(i + 1), binds[i]);
    EXPECT_TRUE(st.executeStep());
    return st.getColumn(0).isNull() ? "NULL" : st.getColumn(0).getString();
  }

  SQLite::Database db_{":memory:", SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE};
  SqlContext ctx_;
};

const std::vector<Stored> kRows = {
    {std::nullopt, std::nullopt},  // no cover
    {"never", "never"},            // never expires
    {"2026-11-22", "never"},       // no warning period
    {"2026-11-22", "2026-11-02"},  // 20 days of warning
    {"2026-11-22", "2026-11-22"},  // warned on the last day only
    {"2030-01-31", "2029-12-01"},
};
const std::vector<std::string> kDays = {"2026-11-01", "2026-11-02", "2026-11-21", "2026-11-22",
                                        "2026-11-23", "2029-12-01", "2030-02-01", "9999-12-31"};

TEST_F(StatusSql, ExactlyTheRulesStatusHoldsOnEveryDay) {
  for (const Stored& row : kRows) {
    Store(row);
    for (const std::string& day : kDays) {
      const std::string rule = Eval("certo_status(t.cover_expire, t.expiring_from, ?)", {day});
      EXPECT_EQ(Eval(StatusValue("t", "?"), {day}), rule);
      for (ScheduleStatus s : kScheduleStatuses) {
        const FilterSql filter = StatusFilter(s, "t", day);
        std::vector<std::string> binds;
        for (const Json& b : filter.binds) binds.push_back(b.get<std::string>());
        const std::string holds = Eval("(" + filter.condition + ") IS 1", binds);
        EXPECT_EQ(holds, rule == StatusName(s) ? "1" : "0")
            << StatusName(s) << " on " << day << " for " << row.expire.value_or("NULL") << "/"
            << row.expiring.value_or("NULL") << ": " << filter.condition;
        EXPECT_EQ(Eval("(" + StatusCondition(s, "t", "'" + day + "'") + ") IS 1"), holds);
      }
    }
  }
}

TEST_F(StatusSql, BindsOneDayPerPlaceholder) {
  EXPECT_EQ(StatusFilter(ScheduleStatus::kNew, "t", "2026-11-22").condition,
            "t.cover_expire IS NULL");
  EXPECT_TRUE(StatusFilter(ScheduleStatus::kNew, "t", "2026-11-22").binds.empty());
  const FilterSql valid = StatusFilter(ScheduleStatus::kValid, "x", "2026-11-22");
  EXPECT_EQ(valid.condition, "(x.cover_expire >= ? AND x.expiring_from > ?)");
  EXPECT_EQ(valid.binds, (std::vector<Json>{"2026-11-22", "2026-11-22"}));
}

TEST_F(StatusSql, TimeEntersExpiringOnItsFirstDayAndExpiredTheDayAfterTheLastValidDay) {
  Store({"2026-11-22", "2026-11-02"});
  // In (from, to] exactly when the rule's status changes on that day.
  for (ScheduleStatus s : {ScheduleStatus::kExpiring, ScheduleStatus::kExpired}) {
    const StatusEntry entry = EntersStatus(s, "t", "?1", "?2");
    const std::string day = Eval(entry.first_day);
    EXPECT_EQ(day, s == ScheduleStatus::kExpiring ? "2026-11-02" : "2026-11-23");
    const std::string before = FormatDate(AddDays(*ParseDate(day), -1));
    EXPECT_EQ(Eval("certo_status(t.cover_expire, t.expiring_from, ?)", {day}), StatusName(s));
    EXPECT_NE(Eval("certo_status(t.cover_expire, t.expiring_from, ?)", {before}), StatusName(s));
    EXPECT_EQ(Eval("(" + entry.condition + ") IS 1", {before, day}), "1");
    EXPECT_EQ(Eval("(" + entry.condition + ") IS 1", {day, "2030-01-01"}), "0");
    EXPECT_EQ(Eval("(" + entry.condition + ") IS 1", {"2000-01-01", before}), "0");
  }
}

}  // namespace
}  // namespace certo::internal
