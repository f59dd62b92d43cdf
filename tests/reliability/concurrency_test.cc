// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Several processes on one file: writers (`certo api --batch`, one create per request) and
// readers (the project count, again and again), with busy timeouts 0 and 5000. A write refused
// for the lock (503, kBusy) leaves no trace, every acknowledged write is there at the end, no
// reader ever sees the count go down, and the file verifies clean.

#include <set>

#include "process_util.h"
#include "testutil.h"

namespace certo::testing {
namespace {

void RunWritersAndReaders(int busy_timeout_ms) {
  TempDir dir;
  const std::string db = dir.File("shared.certo");
  { ASSERT_NE(OpenEngine(db), nullptr); }
  const int writers = 3, readers = 2, writes = LongRun() ? 3000 : 300,
            reads = LongRun() ? 3000 : 300;
  std::vector<pid_t> pids;
  for (int w = 0; w < writers; ++w) {
    std::ofstream out(dir.File("w" + std::to_string(w) + ".jsonl"));
    for (int i = 0; i < writes; ++i) {
      out << Json{{"method", "POST"},
                  {"path", "/v2/project/create"},
                  {"body", {{"name", "<w" + std::to_string(w) + "-" + std::to_string(i) + ">"}}}}
                 .dump()
          << '\n';
    }
  }
  for (int r = 0; r < readers; ++r) {
    std::ofstream out(dir.File("r" + std::to_string(r) + ".jsonl"));
    for (int i = 0; i < reads; ++i) {
      out << R"({"method": "POST", "path": "/v2/project/index", "body": {"per-page": 1}})" << '\n';
    }
  }
  const std::string timeout = std::to_string(busy_timeout_ms);
  for (int w = 0; w < writers; ++w) {
    const std::string name = dir.File("w" + std::to_string(w));
    pids.push_back(SpawnCli({"--db", db, "--busy-timeout", timeout, "api", "--batch"},
                            name + ".jsonl", name + ".out", name + ".err"));
  }
  for (int r = 0; r < readers; ++r) {
    const std::string name = dir.File("r" + std::to_string(r));
    pids.push_back(SpawnCli({"--db", db, "--busy-timeout", timeout, "api", "--batch"},
                            name + ".jsonl", name + ".out", name + ".err"));
  }
  for (pid_t pid : pids) {
    ASSERT_GT(pid, 0);
    const int status = Wait(pid);
    // 1: some request was refused; 4: some request found the file busy (README, exit status).
    EXPECT_TRUE(status == 0 || status == 1 || status == 4) << status;
  }
  auto engine = OpenEngine(db);
  ASSERT_NE(engine, nullptr);
  int64_t acknowledged = 0, refused = 0;
  for (int w = 0; w < writers; ++w) {
    std::vector<Json> lines = ResponseLines(dir.File("w" + std::to_string(w) + ".out"));
    ASSERT_EQ(lines.size(), static_cast<size_t>(writes));
    for (int i = 0; i < writes; ++i) {
      const Json& line = lines[static_cast<size_t>(i)];
      const std::string name = "<w" + std::to_string(w) + "-" + std::to_string(i) + ">";
      Query q;
      q.filter = {{"name", name}};
      const int64_t found = engine->Index("project", q)->total_count;
      if (line["status"] == 201) {
        ++acknowledged;
        EXPECT_EQ(found, 1) << name;
      } else {
        ++refused;
        EXPECT_EQ(line["status"], 503) << line.dump();
        EXPECT_EQ(line["body"]["code"], static_cast<int>(Code::kBusy));
        EXPECT_EQ(found, 0) << name << " was refused but is there";
      }
    }
  }
  EXPECT_EQ(engine->Index("project")->total_count, acknowledged);
  if (busy_timeout_ms > 0) {
    EXPECT_EQ(refused, 0);
  }
  for (int r = 0; r < readers; ++r) {
    int64_t last = 0;
    for (const Json& line : ResponseLines(dir.File("r" + std::to_string(r) + ".out"))) {
      ASSERT_EQ(line["status"], 200) << line.dump();
      const int64_t total =
          std::stoll(line["headers"]["X-Pagination-Total-Count"].get<std::string>());
      EXPECT_GE(total, last) << "reader " << r << " saw the count go down";
      last = total;
    }
  }
  VerifyOptions full;
  full.depth = VerifyOptions::Depth::kFull;
  auto report = engine->Verify(full);
  ASSERT_OK(report);
  EXPECT_TRUE(report->ok());
  std::cout << "busy timeout " << busy_timeout_ms << " ms: " << acknowledged << " acknowledged, "
            << refused << " refused\n";
}

TEST(Concurrency, WritersAndReadersWithoutABusyTimeout) { RunWritersAndReaders(0); }

TEST(Concurrency, WritersAndReadersWithTheDefaultBusyTimeout) { RunWritersAndReaders(5000); }

}  // namespace
}  // namespace certo::testing
