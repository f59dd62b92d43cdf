// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Threads (engine.h, "Thread-safety"): one Engine shared by several threads, each doing a
// different kind of call at once, and two Engines on one WAL file written from two threads.
// Every outcome is counted exactly at the end and Verify() must find nothing; the ThreadSanitizer
// preset (ctest --preset tsan) runs this file to catch the races a count cannot see.

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "testutil.h"

namespace certo::testing {
namespace {

constexpr int kRounds = 20;

std::string Code(const char* prefix, int i) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%03d", prefix, i);
  return buf;
}

int64_t TotalOf(Engine& engine, std::string_view collection, Json filter = Json::object()) {
  Result<Page> page = engine.Index(collection, Query{.filter = std::move(filter), .per_page = 1});
  EXPECT_TRUE(page.ok()) << page.status().ToString();
  return page.ok() ? page->total_count : -1;
}

// event name -> how many, over the whole outbox.
std::map<std::string, int> OutboxCounts(Engine& engine) {
  std::map<std::string, int> counts;
  Result<std::vector<Event>> events = engine.ReadOutbox(0, 10000);
  EXPECT_TRUE(events.ok()) << events.status().ToString();
  if (events.ok()) {
    for (const Event& e : *events) ++counts[e.name];
  }
  return counts;
}

TEST(EngineThreads, OneEngineSharedByFiveThreadsKeepsEveryWriteAndNothingElse) {
  TempDir dir;
  std::unique_ptr<Engine> engine = OpenEngine(dir.File("shared.certo"));
  ASSERT_NE(engine, nullptr);
  Company company = MakeCompany(*engine);
  const std::string project = company.project["project_id"];
  const std::string office = company.office_a["office_id"];
  const std::string ada = company.person["person_id"];
  Json action = MustCreate(*engine, "action",
                           {{"subtenant_id", office},
                            {"action_type", "TRAINING"},
                            {"name", "Forklift training"},
                            {"validity", 1},
                            {"validity_unit", "YEAR"},
                            {"expire_interval", 30}});
  const std::string action_id = action["action_id"];
  Status acked = engine->AckOutbox(1000000);  // the setup's events are not what is counted
  ASSERT_TRUE(acked.ok()) << acked.ToString();

  std::atomic<int> delivered{0};
  engine->Subscribe([&](const Event&) { ++delivered; });

  std::vector<std::thread> threads;
  // Creates people through the C++ API.
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) {
      Result<Json> r = engine->Create("person", {{"project_id", project},
                                                 {"code", Code("C", i)},
                                                 {"first_name", "Carla"},
                                                 {"last_name", Code("C", i)}});
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  });
  // Updates one person over and over.
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) {
      Result<Json> r = engine->Update("person", ada, {{"note", Code("n", i)}});
      EXPECT_TRUE(r.ok()) << r.status().ToString();
    }
  });
  // Reads: the number of people only grows, and each page and count is whole.
  threads.emplace_back([&] {
    int64_t last = 0;
    for (int i = 0; i < kRounds; ++i) {
      Result<Page> page = engine->Index("person", Query{.per_page = 1000, .sort = "code"});
      ASSERT_TRUE(page.ok()) << page.status().ToString();
      EXPECT_GE(page->total_count, last);
      EXPECT_EQ(static_cast<int64_t>(page->rows.size()), page->total_count);
      last = page->total_count;
      Result<std::map<ScheduleStatus, int64_t>> counts =
          engine->StatusCounts(Query{.filter = {{"action_id", action_id}}});
      ASSERT_TRUE(counts.ok()) << counts.status().ToString();
      EXPECT_EQ((*counts)[ScheduleStatus::kNew] + (*counts)[ScheduleStatus::kExpiring] +
                    (*counts)[ScheduleStatus::kExpired],
                0);
    }
  });
  // Creates people and views one through the JSON API.
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) {
      Reply created = Call(*engine, "POST", "/v2/person/create",
                           {{"project_id", project},
                            {"code", Code("R", i)},
                            {"first_name", "Rita"},
                            {"last_name", Code("R", i)}});
      EXPECT_EQ(created.status, 201) << created.raw.body;
      Reply viewed = Call(*engine, "GET", "/v2/person/view/" + ada);
      EXPECT_EQ(viewed.status, 200) << viewed.raw.body;
      EXPECT_EQ(viewed.body["first_name"], "Ada");
    }
  });
  // Transactions: a person with a certificate, its subscription and the link that covers it;
  // every fourth one fails after writing everything and must leave nothing behind.
  threads.emplace_back([&] {
    for (int i = 0; i < kRounds; ++i) {
      Status s = engine->Transaction([&](Engine& e) -> Status {
        Result<std::string> person = e.Insert("person", {{"project_id", project},
                                                         {"code", Code("T", i)},
                                                         {"first_name", "Tina"},
                                                         {"last_name", Code("T", i)}});
        if (!person.ok()) return person.status();
        Result<std::string> certificate = e.Insert("certificate", {{"tenant_id", project},
                                                                   {"resource_id", *person},
                                                                   {"action_type", "TRAINING"},
                                                                   {"name", "Forklift course"},
                                                                   {"date_release", "2026-01-10"}});
        if (!certificate.ok()) return certificate.status();
        Result<std::string> subscription = e.Insert(
            "action-subscription",
            {{"action_id", action_id}, {"subscriber_type", "PERSON"}, {"subscriber_id", *person}});
        if (!subscription.ok()) return subscription.status();
        Result<std::string> link = e.Insert(
            "certificate-action", {{"certificate_id", *certificate}, {"action_id", action_id}});
        if (!link.ok()) return link.status();
        if (i % 4 == 3) return Status::Conflict("rolled back on purpose");
        return Status::OK();
      });
      if (i % 4 == 3) {
        EXPECT_EQ(s.code(), Code::kConflict) << s.ToString();
      } else {
        EXPECT_TRUE(s.ok()) << s.ToString();
      }
    }
  });
  for (std::thread& t : threads) t.join();

  constexpr int kCommitted = kRounds - kRounds / 4;
  EXPECT_EQ(TotalOf(*engine, "person"), 1 + kRounds + kRounds + kCommitted);
  EXPECT_EQ(TotalOf(*engine, "person", {{"code", "T003"}}), 0);
  EXPECT_EQ(TotalOf(*engine, "certificate"), kCommitted);
  EXPECT_EQ(TotalOf(*engine, "certificate-action"), kCommitted);
  Result<Json> last = engine->View("person", ada);
  ASSERT_OK(last);
  EXPECT_EQ((*last)["note"], Code("n", kRounds - 1));
  Result<std::map<ScheduleStatus, int64_t>> counts =
      engine->StatusCounts(Query{.filter = {{"action_id", action_id}}});
  ASSERT_OK(counts);
  EXPECT_EQ(*counts, (std::map<ScheduleStatus, int64_t>{{ScheduleStatus::kNew, 0},
                                                        {ScheduleStatus::kValid, kCommitted},
                                                        {ScheduleStatus::kExpiring, 0},
                                                        {ScheduleStatus::kExpired, 0}}));
  // The outbox holds the committed writes' events only, and the handler saw each once.
  const std::map<std::string, int> events = OutboxCounts(*engine);
  EXPECT_EQ(events, (std::map<std::string, int>{
                        {"ACTION_SUBSCRIPTION::CREATE", kCommitted},
                        {"ACTION_SUBSCRIPTION::STATUS", kCommitted},
                        {"CERTIFICATE::CREATE", kCommitted},
                        {"CERTIFICATE_ACTION::CREATE", kCommitted},
                        {"PERSON::CREATE", kRounds + kRounds + kCommitted},
                        {"PERSON::UPDATE", kRounds},
                    }));
  int outbox_total = 0;
  for (const auto& [name, n] : events) outbox_total += n;
  EXPECT_EQ(delivered.load(), outbox_total);
  EXPECT_TRUE(Verified(*engine));
}

TEST(EngineThreads, TwoEnginesOnOneWalFileFromTwoThreadsKeepBothWriters) {
  TempDir dir;
  const std::string path = dir.File("wal.certo");
  std::string project;
  {
    std::unique_ptr<Engine> setup = OpenEngine(path);
    ASSERT_NE(setup, nullptr);
    project = MustCreate(*setup, "project", {{"name", "Two writers"}})["project_id"];
  }
  auto writer = [&](const char* prefix) {
    Options options;
    options.today = kToday;
    options.busy_timeout_ms = 60000;  // the other writer holds the lock for each of its writes
    auto opened = Engine::Open(path, options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Engine& engine = **opened;
    for (int i = 0; i < kRounds; ++i) {
      const Json person = {{"project_id", project},
                           {"code", Code(prefix, i)},
                           {"first_name", prefix},
                           {"last_name", Code(prefix, i)}};
      if (i % 2 == 0) {
        Result<Json> r = engine.Create("person", person);
        EXPECT_TRUE(r.ok()) << r.status().ToString();
      } else {
        Reply r = Call(engine, "POST", "/v2/person/create", person);
        EXPECT_EQ(r.status, 201) << r.raw.body;
      }
      // Its own rows are visible to it at once, whatever the other writer did meanwhile.
      EXPECT_EQ(TotalOf(engine, "person", {{"first_name", prefix}}), i + 1);
    }
    EXPECT_TRUE(Verified(engine));
  };
  std::thread a(writer, "A");
  std::thread b(writer, "B");
  a.join();
  b.join();

  std::unique_ptr<Engine> engine = OpenEngine(path);
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(TotalOf(*engine, "person"), 2 * kRounds);
  EXPECT_EQ(TotalOf(*engine, "person", {{"code", Code("A", kRounds - 1)}}), 1);
  EXPECT_EQ(TotalOf(*engine, "person", {{"code", Code("B", kRounds - 1)}}), 1);
  EXPECT_EQ(OutboxCounts(*engine),
            (std::map<std::string, int>{{"PERSON::CREATE", 2 * kRounds}, {"PROJECT::CREATE", 1}}));
  EXPECT_TRUE(Verified(*engine));
}

}  // namespace
}  // namespace certo::testing
