// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// I/O faults, the way SQLite tests itself: every public write path, and open, run once to count
// its reads, writes, syncs and locks, then once per N with the Nth call of a kind failing (and
// every later one, until the fault clears), and with a full disk from the Nth write. Each run
// must return a clear error rather than crash or throw, change all or nothing, leave an engine
// that works once the fault clears, and leave a file that verifies clean.
//
// The open that creates a file makes one call per step of every migration, and each N opens
// afresh, so it grows with the square of the schema: CERTO_IO_FAULT_STRIDE=S (the test presets
// set it: 6 in release, 16 under asan) fails only the first call, every Sth and the last there.
// Unset, and with CERTO_LONG=1 whatever it says, every call fails once.

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include <sqlite3.h>

#include "fault_vfs.h"
#include "process_util.h"
#include "testutil.h"

namespace certo::testing {
namespace {

namespace fs = std::filesystem;

constexpr Fault kFaults[] = {Fault::kRead, Fault::kWrite, Fault::kSync, Fault::kLock, Fault::kFull};

// The step between the calls OpenThatCreatesAFile fails (see the top of the file).
int CreateStride() {
  const char* v = std::getenv("CERTO_IO_FAULT_STRIDE");
  const int stride = v && !LongRun() ? std::atoi(v) : 1;
  return stride > 1 ? stride : 1;
}

// The call after n to fail: n + stride, except that the last of count is always one.
int NextCall(int n, int count, int stride) {
  return n < count && n + stride > count ? count : n + stride;
}

const char* NameOf(Fault f) {
  switch (f) {
    case Fault::kRead:
      return "read";
    case Fault::kWrite:
      return "write";
    case Fault::kSync:
      return "sync";
    case Fault::kLock:
      return "lock";
    case Fault::kFull:
      return "full disk";
    default:
      return "none";
  }
}

Options FaultOptions() {
  Options options;
  options.today = kToday;
  options.vfs = FaultVfs::Get().kName;
  options.busy_timeout_ms = 0;  // an injected lock failure must not be waited on
  return options;
}

// Every table's row count and the fields the operations change: equal states are equal here.
std::string Snapshot(const std::string& path) {
  sqlite3* db = nullptr;
  std::ostringstream out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return "cannot open";
  }
  auto each = [&](const std::string& sql, auto&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      out << "error: " << sqlite3_errmsg(db);
      return;
    }
    while (sqlite3_step(st) == SQLITE_ROW) row(st);
    sqlite3_finalize(st);
  };
  std::vector<std::string> tables;
  each("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", [&](sqlite3_stmt* st) {
    tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  });
  for (const std::string& t : tables) {
    each("SELECT count(*) FROM \"" + t + "\"",
         [&](sqlite3_stmt* st) { out << t << '=' << sqlite3_column_int64(st, 0) << ' '; });
  }
  each("SELECT * FROM person ORDER BY person_id", [&](sqlite3_stmt* st) {
    for (int c = 0; c < sqlite3_column_count(st); ++c) {
      const unsigned char* v = sqlite3_column_text(st, c);
      out << (v ? reinterpret_cast<const char*>(v) : "NULL") << '|';
    }
    out << ' ';
  });
  sqlite3_close(db);
  return out.str();
}

void Copy(const std::string& from, const std::string& to) {
  fs::copy_file(from, to, fs::copy_options::overwrite_existing);
}

::testing::AssertionResult VerifiesClean(const std::string& path) {
  Options options;
  options.today = kToday;
  options.create_if_missing = false;
  auto engine = Engine::Open(path, options);
  if (!engine.ok()) return ::testing::AssertionFailure() << engine.error().ToString();
  VerifyOptions full;
  full.depth = VerifyOptions::Depth::kFull;
  auto report = (*engine)->Verify(full);
  if (!report.ok()) return ::testing::AssertionFailure() << report.error().ToString();
  if (!report->ok()) return ::testing::AssertionFailure() << report->problems[0].message;
  return ::testing::AssertionSuccess();
}

// A public write operation, run on an engine; returns its status.
using Operation = std::function<Status(Engine&)>;

class IoFaults : public ::testing::Test {
 protected:
  // Thousands of opens with real fsyncs: on tmpfs, where a sync costs nothing, when there is one.
  static void SetUpTestSuite() {
    if (fs::is_directory("/dev/shm") && access("/dev/shm", W_OK) == 0)
      setenv("TMPDIR", "/dev/shm", 1);
  }

  void SetUp() override {
    base_ = dir_.File("base.certo");
    auto engine = OpenEngine(base_);
    company_ = MakeCompany(*engine);
  }

  std::string PersonId() const { return company_.person["person_id"]; }

  // Runs op once per fault kind and per N up to the number of calls the op makes.
  void RunEveryFault(const Operation& op) {
    const std::string path = dir_.File("run.certo");
    FaultVfs& vfs = FaultVfs::Get();
    const std::string before = Snapshot(base_);
    // The counting run, which also gives the state after success.
    Copy(base_, path);
    int counts[5] = {};
    std::string after;
    {
      auto engine = Engine::Open(path, FaultOptions());
      ASSERT_OK(engine);
      vfs.Reset();
      Status status = op(**engine);
      ASSERT_TRUE(status.ok()) << status.ToString();
      for (int k = 0; k < 5; ++k) counts[k] = vfs.Count(kFaults[k]);
    }
    after = Snapshot(path);
    ASSERT_NE(before, after) << "the operation changes nothing visible";
    int faults_fired = 0;
    for (int k = 0; k < 5; ++k) {
      for (int n = 1; n <= counts[k]; ++n) {
        SCOPED_TRACE(std::string(NameOf(kFaults[k])) + " fault at call " + std::to_string(n) +
                     " of " + std::to_string(counts[k]));
        fs::remove(path + "-wal");
        fs::remove(path + "-shm");
        Copy(base_, path);
        auto engine = Engine::Open(path, FaultOptions());
        ASSERT_OK(engine);
        vfs.Arm(kFaults[k], n);
        Status status = op(**engine);
        const bool fired = vfs.fired();
        vfs.Clear();
        faults_fired += fired;
        if (!status.ok()) {
          EXPECT_TRUE(status.code() == Code::kIOError || status.code() == Code::kBusy ||
                      status.code() == Code::kCorrupt)
              << status.ToString();
          EXPECT_FALSE(status.message().empty());
        }
        const std::string state = Snapshot(path);  // what the operation left committed
        if (status.ok()) {
          EXPECT_EQ(state, after);
        } else {
          EXPECT_EQ(state, before) << status.ToString();
        }
        // The fault cleared, the same engine still reads and writes.
        auto probe = (*engine)->Create("project", {{"name", "After the fault"}});
        EXPECT_TRUE(probe.ok()) << probe.status().ToString();
        if (probe.ok()) {
          auto removed =
              (*engine)->Delete("project", (*probe)["project_id"].get<std::string>(), true);
          EXPECT_TRUE(removed.ok()) << removed.status().ToString();
        }
        engine->reset();
        EXPECT_TRUE(VerifiesClean(path));
      }
    }
    EXPECT_GT(faults_fired, 0);
  }

  TempDir dir_;
  std::string base_;
  Company company_;
};

TEST_F(IoFaults, Create) {
  RunEveryFault([](Engine& e) { return e.Create("project", {{"name", "Faulted"}}).status(); });
}

TEST_F(IoFaults, Update) {
  const std::string id = PersonId();
  RunEveryFault([id](Engine& e) {
    return e.Update("person", id, {{"first_name", "Grace"}}).status();
  });
}

TEST_F(IoFaults, ForcedDelete) {
  const std::string id = PersonId();
  RunEveryFault([id](Engine& e) { return e.Delete("person", id, /*force=*/true).status(); });
}

TEST_F(IoFaults, Historicize) {
  const std::string id = PersonId();
  RunEveryFault([id](Engine& e) { return e.Historicize("person", id, Ymd(2026, 11, 1)).status(); });
}

TEST_F(IoFaults, BulkTransaction) {
  RunEveryFault([](Engine& e) {
    return e.BulkTransaction([](Engine& inner) {
      for (int i = 0; i < 50; ++i) {
        auto r = inner.Create("project", {{"name", "Bulk " + std::to_string(i)}});
        if (!r.ok()) return r.status();
      }
      return Status::OK();
    });
  });
}

TEST_F(IoFaults, OpenOfAnExistingFile) {
  const std::string path = dir_.File("open.certo");
  FaultVfs& vfs = FaultVfs::Get();
  const std::string before = Snapshot(base_);
  Copy(base_, path);
  vfs.Reset();
  { ASSERT_OK(Engine::Open(path, FaultOptions())); }
  int counts[5];
  for (int k = 0; k < 5; ++k) counts[k] = vfs.Count(kFaults[k]);
  for (int k = 0; k < 5; ++k) {
    for (int n = 1; n <= counts[k]; ++n) {
      SCOPED_TRACE(std::string(NameOf(kFaults[k])) + " fault at call " + std::to_string(n));
      Copy(base_, path);
      vfs.Arm(kFaults[k], n);
      auto engine = Engine::Open(path, FaultOptions());
      vfs.Clear();
      if (!engine.ok()) {
        EXPECT_NE(engine.error().code(), Code::kInternal) << engine.error().ToString();
        EXPECT_FALSE(fs::exists(path + "-wal")) << engine.error().ToString();
        EXPECT_FALSE(fs::exists(path + "-shm")) << engine.error().ToString();
      } else {
        EXPECT_TRUE(Verified(**engine));
      }
      engine = Result<std::unique_ptr<Engine>>(Status::OK());
      EXPECT_EQ(Snapshot(path), before);
      EXPECT_TRUE(VerifiesClean(path));
    }
  }
}

TEST_F(IoFaults, OpenThatCreatesAFile) {
  const std::string path = dir_.File("new.certo");
  FaultVfs& vfs = FaultVfs::Get();
  vfs.Reset();
  { ASSERT_OK(Engine::Open(path, FaultOptions())); }
  int counts[5];
  for (int k = 0; k < 5; ++k) counts[k] = vfs.Count(kFaults[k]);
  const int stride = CreateStride();
  for (int k = 0; k < 5; ++k) {
    for (int n = 1; n <= counts[k]; n = NextCall(n, counts[k], stride)) {
      SCOPED_TRACE(std::string(NameOf(kFaults[k])) + " fault at call " + std::to_string(n));
      fs::remove(path);
      vfs.Arm(kFaults[k], n);
      auto engine = Engine::Open(path, FaultOptions());
      vfs.Clear();
      if (!engine.ok()) {
        EXPECT_NE(engine.error().code(), Code::kInternal) << engine.error().ToString();
        if (kFaults[k] == Fault::kFull) {
          EXPECT_NE(engine.error().message().find("disk is full"), std::string::npos)
              << engine.error().message();
        }
        // Nothing is left behind: no half-made file, no -wal, no -shm.
        EXPECT_FALSE(fs::exists(path + "-wal"));
        EXPECT_FALSE(fs::exists(path + "-shm"));
        if (fs::exists(path)) {
          EXPECT_TRUE(VerifiesClean(path));
        }
      } else {
        EXPECT_TRUE(Verified(**engine));
      }
    }
  }
}

}  // namespace
}  // namespace certo::testing
