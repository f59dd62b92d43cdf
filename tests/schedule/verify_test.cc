// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Verify finds what is wrong in a file, each kind of problem on its own; and a connection without
// certo's functions cannot write the schedule behind its back.

#include <algorithm>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "db/sql_functions.h"
#include "testutil.h"

namespace certo::testing {
namespace {

// A file with one covered subscription (link expiring 2027-06-30, action interval 30 days).
struct Covered {
  TempDir dir;
  std::string path = dir.File("c.db");
  std::string project, office, person, action, subscription, certificate, link;

  Covered() {
    auto engine = OpenEngine(path);
    Company c = MakeCompany(*engine);
    project = c.project["project_id"];
    office = c.office_a["office_id"];
    person = c.person["person_id"];
    action = MustCreate(*engine, "action",
                        {{"subtenant_id", office},
                         {"action_type", "TRAINING"},
                         {"name", "Fire safety"},
                         {"expire_interval", 30}})["action_id"];
    subscription = MustCreate(*engine, "action-subscription",
                              {{"action_id", action},
                               {"subscriber_type", "PERSON"},
                               {"subscriber_id", person}})["action_subscription_id"];
    certificate = MustCreate(*engine, "certificate",
                             {{"tenant_id", project},
                              {"resource_id", person},
                              {"action_type", "TRAINING"},
                              {"name", "Course"},
                              {"date_release", "2024-06-30"},
                              {"date_expire", "2027-06-30"}})["certificate_id"];
    link = MustCreate(
        *engine, "certificate-action",
        {{"certificate_id", certificate}, {"action_id", action}})["certificate_action_id"];
  }

  // A plain SQLite connection, as another program would open the file.
  std::unique_ptr<SQLite::Database> Raw() const {
    return std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE);
  }
  // The same, with certo's functions registered: it can write the schedule tables, so a test can
  // damage them the way a buggy writer would.
  std::unique_ptr<SQLite::Database> RawWithFunctions() const {
    auto db = Raw();
    static internal::SqlContext ctx;
    ctx.options.today = kToday;
    internal::RegisterFunctions(db->getHandle(), &ctx);
    return db;
  }
  VerifyReport Verify(VerifyOptions::Depth depth = VerifyOptions::Depth::kFull) const {
    auto engine = OpenEngine(path);
    VerifyOptions options;
    options.depth = depth;
    auto report = engine->Verify(options);
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    return report.ok() ? *report : VerifyReport();
  }
};

TEST(Verify, AHealthyFileHasNoProblemsAtAnyDepth) {
  Covered f;
  for (auto depth : {VerifyOptions::Depth::kFull, VerifyOptions::Depth::kQuick,
                     VerifyOptions::Depth::kSchedule}) {
    VerifyReport report = f.Verify(depth);
    EXPECT_TRUE(report.ok()) << static_cast<int>(depth);
    EXPECT_EQ(report.subscriptions_checked, 1);
    EXPECT_EQ(report.links_checked, 1);
  }
}

TEST(Verify, AConnectionWithoutCertosFunctionsCannotWriteTheSchedule) {
  Covered f;
  auto raw = f.Raw();
  auto fails = [&](const std::string& sql) {
    try {
      raw->exec(sql);
      return std::string("succeeded");
    } catch (const SQLite::Exception& e) {
      return std::string(e.what());
    }
  };
  // Which of certo's functions SQLite names first depends on its trigger compilation order.
  for (const char* sql : {"UPDATE certificate_action SET date_expire = '2030-01-01'",
                          "UPDATE action_subscription SET cover_expire = '2030-01-01'",
                          "UPDATE certificate SET date_expire = '2030-01-01'",
                          "INSERT INTO action_subscription (action_subscription_id, tenant_id, "
                          "subtenant_id, action_id, subscriber_type, subscriber_id) SELECT "
                          "'x', tenant_id, subtenant_id, action_id, 'OFFICE', subtenant_id "
                          "FROM action"}) {
    EXPECT_EQ(fails(sql).rfind("no such function: certo_", 0), 0u) << sql << ": " << fails(sql);
  }
  EXPECT_TRUE(f.Verify().ok());  // nothing changed
}

TEST(Verify, AStoredCoverThatDisagreesWithTheLinksIsReportedFieldByField) {
  Covered f;
  f.RawWithFunctions()->exec(
      "UPDATE action_subscription SET cover_expire = '2030-01-01', expiring_from = '2029-12-02'");
  VerifyReport all = f.Verify();
  // The triggers counted the stored cover in the office's status steps, so those disagree too.
  VerifyReport report;
  int steps = 0;
  for (const Problem& p : all.problems) {
    if (p.collection == "status_step" || p.collection == "status_month") {
      ++steps;
    } else {
      report.problems.push_back(p);
    }
  }
  EXPECT_GT(steps, 0);
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0],
            (Problem{"schedule", "action-subscription", f.subscription, "certificate_date_expire",
                     "2030-01-01", "2027-06-30",
                     "action-subscription " + f.subscription +
                         ": stored certificate_date_expire 2030-01-01, recomputed 2027-06-30"}));
  EXPECT_EQ(report.problems[1].field, "expiring_from");
  EXPECT_EQ(report.problems[1].stored, "2029-12-02");
  EXPECT_EQ(report.problems[1].expected, "2027-05-31");
}

TEST(Verify, AStatusStepThatDisagreesWithTheTimelinesIsReported) {
  Covered f;
  auto raw = f.RawWithFunctions();
  const std::string office =
      raw->execAndGet("SELECT subtenant_id FROM action_subscription").getString();
  raw->exec("UPDATE status_step SET n = n + 2 WHERE status = 'VALID' AND day = '2024-06-30'");
  raw->exec("INSERT INTO status_step VALUES ('" + office + "', 'EXPIRED', '2031-02-03', 0)");
  raw->exec("INSERT INTO status_step VALUES ('" + office + "', 'NEW', '2031-02-04', -1)");
  VerifyReport report = f.Verify();
  // Written behind the triggers of the rows and segments, the steps alone disagree: their
  // months (schema 23) were written by those triggers and still match the recomputation.
  ASSERT_EQ(report.problems.size(), 2u);
  EXPECT_EQ(report.problems[0],
            (Problem{"schedule", "status_step", office + "|NEW|2031-02-04", "n", "-1", "0",
                     "status_step " + office + "|NEW|2031-02-04: stored -1, recomputed 0"}));
  EXPECT_EQ(report.problems[1].id, office + "|VALID|2024-06-30");
  EXPECT_EQ(report.problems[1].stored, "3");
  EXPECT_EQ(report.problems[1].expected, "1");
}

TEST(Verify, AStatusMonthThatDisagreesWithItsStepsIsReported) {
  Covered f;
  auto raw = f.RawWithFunctions();
  const std::string office =
      raw->execAndGet("SELECT subtenant_id FROM action_subscription").getString();
  // Written by hand: one month off by 2, one with no steps, one missing.
  raw->exec("UPDATE status_month SET n = n + 2 WHERE status = 'VALID' AND month = '2024-06'");
  raw->exec("INSERT INTO status_month VALUES ('" + office + "', 'NEW', '2031-02', 4)");
  const std::string gone =
      raw->execAndGet(
             "SELECT status || '|' || month FROM status_month WHERE n <> 0"
             " AND NOT (status = 'VALID' AND month = '2024-06') ORDER BY 1 LIMIT 1")
          .getString();
  const int64_t gone_n =
      raw->execAndGet("SELECT n FROM status_month WHERE status || '|' || month = '" + gone + "'")
          .getInt64();
  raw->exec("DELETE FROM status_month WHERE status || '|' || month = '" + gone + "'");
  VerifyReport report = f.Verify();
  std::vector<std::string> got;
  for (const Problem& p : report.problems) {
    EXPECT_EQ(p.collection, "status_month") << p.message;
    got.push_back(p.id + " " + p.stored + " " + p.expected);
  }
  std::sort(got.begin(), got.end());
  const int64_t valid = raw->execAndGet(
                               "SELECT n FROM status_month WHERE status = 'VALID'"
                               " AND month = '2024-06'")
                            .getInt64();
  for (const Problem& p : report.problems) {
    EXPECT_EQ(p.message,
              "status_month " + p.id + ": stored " + p.stored + ", recomputed " + p.expected);
  }
  std::vector<std::string> want = {
      office + "|NEW|2031-02 4 0",
      office + "|VALID|2024-06 " + std::to_string(valid) + " " + std::to_string(valid - 2),
      office + "|" + gone + " 0 " + std::to_string(gone_n)};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
}

// A subscription that goes takes its steps and months back to 0, which the triggers leave as
// rows; certo compact drops them and the file still counts and verifies the same.
TEST(Verify, CompactDropsTheStepsAndMonthsThatCountNothing) {
  Covered f;
  auto engine = OpenEngine(f.path);
  ASSERT_OK(engine->Delete("action-subscription", f.subscription, true));
  auto zeros = [&](const char* table) {
    return f.Raw()
        ->execAndGet("SELECT count(*) FROM " + std::string(table) + " WHERE n = 0")
        .getInt();
  };
  EXPECT_GT(zeros("status_step"), 0);
  EXPECT_GT(zeros("status_month"), 0);
  ASSERT_OK(engine->Compact(false));
  EXPECT_EQ(zeros("status_step"), 0);
  EXPECT_EQ(zeros("status_month"), 0);
  engine.reset();
  EXPECT_TRUE(f.Verify().ok());
}

TEST(Verify, AStoredVisibilityThatDisagreesIsReported) {
  Covered f;
  f.RawWithFunctions()->exec("UPDATE action_subscription SET hidden_from = '2026-01-01'");
  VerifyReport report = f.Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].field, "hidden_from");
  EXPECT_EQ(report.problems[0].stored, "2026-01-01");
  EXPECT_EQ(report.problems[0].expected, "null");
}

TEST(Verify, QueuedRecalculationsAreReported) {
  Covered f;
  f.RawWithFunctions()->exec(
      "DROP TRIGGER schedule_touch_apply;"
      "INSERT INTO schedule_touch (action_id, subscriber_id) VALUES ('a', 'b');");
  VerifyReport report = f.Verify();
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].check, "pending");
  EXPECT_EQ(report.problems[0].message, "1 subscription recalculations are still queued");
}

TEST(Verify, ScheduleDepthSkipsSqlitesChecksButNotCertos) {
  Covered f;
  f.Raw()->exec("PRAGMA foreign_keys = OFF; DELETE FROM person WHERE person_id = '" + f.person +
                "'");
  VerifyReport report = f.Verify(VerifyOptions::Depth::kSchedule);
  ASSERT_EQ(report.problems.size(), 2u);
  for (const Problem& p : report.problems) EXPECT_EQ(p.check, "reference");
}

TEST(Verify, DanglingReferencesAndBrokenForeignKeysAreReported) {
  Covered f;
  // Another program deletes a person without foreign keys on and without certo's cascade.
  f.Raw()->exec("PRAGMA foreign_keys = OFF; DELETE FROM person WHERE person_id = '" + f.person +
                "'");
  VerifyReport report = f.Verify();
  std::map<std::string, int> by_check;
  for (const Problem& p : report.problems) by_check[p.check]++;
  EXPECT_EQ(by_check["foreign_key"], 1);  // the person-office row
  EXPECT_EQ(by_check["reference"], 2);    // the certificate's resource, the subscriber
  bool subscriber = false;
  for (const Problem& p : report.problems) {
    if (p.check == "reference" && p.collection == "action-subscription") {
      subscriber = p.id == f.subscription && p.field == "subscriber_id" && p.stored == f.person;
    }
  }
  EXPECT_TRUE(subscriber);
}

TEST(Verify, TheJsonRouteReportsTheSameAtEveryDepth) {
  Covered f;
  f.RawWithFunctions()->exec("UPDATE action_subscription SET cover_release = '2001-01-01'");
  auto engine = OpenEngine(f.path);
  for (const char* target : {"/v2/verify", "/v2/verify?depth=full", "/v2/verify?depth=quick",
                             "/v2/verify?depth=schedule"}) {
    Reply r = Call(*engine, "GET", target);
    ASSERT_EQ(r.status, 200) << target;
    EXPECT_EQ(r.body["ok"], false);
    ASSERT_EQ(r.body["problems"].size(), 1u);
    EXPECT_EQ(r.body["problems"][0]["field"], "certificate_date_release");
    EXPECT_EQ(r.body["problems"][0]["stored"], "2001-01-01");
    EXPECT_EQ(r.body["problems"][0]["expected"], "2024-06-30");
  }
  EXPECT_EQ(Call(*engine, "GET", "/v2/verify?depth=deep").status, 400);
}

}  // namespace
}  // namespace certo::testing
