// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// kill -9 at random moments. A writer process (`certo api --batch`, one committed create per
// request) is killed again and again; every create it acknowledged (a 201 line on its stdout,
// written after the commit returned, kept by the kernel across the kill) must be in the file,
// and the file must verify clean (integrity_check and the schedule). A one-transaction import
// killed midway must leave all of its rows or none. 50 kills in CI; CERTO_LONG=1 runs 500.

#include <filesystem>
#include <random>
#include <set>
#include <thread>

#include "process_util.h"
#include "testutil.h"

namespace certo::testing {
namespace {

void WriteRequests(const std::string& path, const std::string& prefix, int count) {
  std::ofstream out(path);
  for (int i = 0; i < count; ++i) {
    out << Json{{"method", "POST"},
                {"path", "/v2/project/create"},
                {"body", {{"name", prefix + std::to_string(i)}}}}
               .dump()
        << '\n';
  }
}

// Waits until `path` holds at least one byte, the process has exited, or 60 s have passed.
void WaitForOutput(pid_t pid, const std::string& path) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code error;
    if (std::filesystem::file_size(path, error) > 0 && !error) return;
    if (kill(pid, 0) != 0) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
}

::testing::AssertionResult FullyVerified(Engine& engine) {
  VerifyOptions full;
  full.depth = VerifyOptions::Depth::kFull;
  auto report = engine.Verify(full);
  if (!report.ok()) return ::testing::AssertionFailure() << report.error().ToString();
  if (!report->ok()) return ::testing::AssertionFailure() << report->problems[0].message;
  return ::testing::AssertionSuccess();
}

TEST(CrashLoop, EveryAcknowledgedWriteSurvivesKillNine) {
  TempDir dir;
  const std::string db = dir.File("crash.certo");
  { ASSERT_NE(OpenEngine(db), nullptr); }
  const int kills = LongRun() ? 500 : 50;
  std::mt19937 random(20261122);
  std::set<std::string> acknowledged;
  for (int round = 0; round < kills; ++round) {
    const std::string requests = dir.File("requests.jsonl");
    const std::string responses = dir.File("responses.jsonl");
    WriteRequests(requests, "r" + std::to_string(round) + "-", 3000);
    pid_t pid = SpawnCli({"--db", db, "--today", "2026-11-22", "api", "--batch"}, requests,
                         responses, dir.File("stderr.txt"));
    ASSERT_GT(pid, 0);
    // The kill lands at a random moment after the writer's first acknowledgement, so a slow
    // start (a sanitizer build, a loaded machine) cannot leave every round without a write.
    WaitForOutput(pid, responses);
    std::this_thread::sleep_for(std::chrono::milliseconds(random() % 60));
    kill(pid, SIGKILL);
    const int status = Wait(pid);
    // Killed, or done: a writer that could not open the file (exit 3) is a failure.
    ASSERT_TRUE(status == 128 + SIGKILL || status == 0) << "round " << round << ": " << status;
    for (const Json& line : ResponseLines(responses)) {
      ASSERT_EQ(line["status"], 201) << line.dump();
      acknowledged.insert(line["body"]["project_id"].get<std::string>());
    }
  }
  auto engine = OpenEngine(db);
  ASSERT_NE(engine, nullptr);
  int missing = 0;
  for (const std::string& id : acknowledged) missing += !engine->View("project", id).ok();
  EXPECT_EQ(missing, 0) << "of " << acknowledged.size() << " acknowledged creates";
  EXPECT_GT(acknowledged.size(), 0u);
  std::cout << acknowledged.size() << " acknowledged creates over " << kills << " kills\n";
  EXPECT_GE(engine->Index("project")->total_count, static_cast<int64_t>(acknowledged.size()));
  EXPECT_TRUE(FullyVerified(*engine));
}

TEST(CrashLoop, KilledBulkImportLeavesAllOrNothing) {
  TempDir dir;
  const std::string db = dir.File("bulk.certo");
  { ASSERT_NE(OpenEngine(db), nullptr); }
  const int kills = LongRun() ? 100 : 10;
  constexpr int kLines = 2000;
  std::mt19937 random(7);
  int64_t expected = 0;
  int complete = 0;
  for (int round = 0; round < kills; ++round) {
    const std::string requests = dir.File("import.jsonl");
    WriteRequests(requests, "bulk" + std::to_string(round) + "-", kLines);
    pid_t pid = SpawnCli({"--db", db, "--today", "2026-11-22", "import", requests}, "/dev/null",
                         dir.File("stdout.txt"), dir.File("stderr.txt"));
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2 + random() % 150));
    kill(pid, SIGKILL);
    const int status = Wait(pid);
    ASSERT_TRUE(status == 128 + SIGKILL || status == 0) << status;
    auto engine = OpenEngine(db);
    ASSERT_NE(engine, nullptr);
    const int64_t count = engine->Index("project")->total_count;
    ASSERT_TRUE(count == expected || count == expected + kLines)
        << "round " << round << ": " << count - expected << " of " << kLines << " rows";
    complete += count != expected;
    expected = count;
  }
  auto engine = OpenEngine(db);
  EXPECT_TRUE(FullyVerified(*engine));
  std::cout << complete << " of " << kills << " killed imports had committed\n";
}

}  // namespace
}  // namespace certo::testing
