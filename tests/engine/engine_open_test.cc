// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Opening files: new, existing, foreign, damaged, newer, locked; persistence across reopen.

#include <fstream>
#include <iterator>

#include <sqlite3.h>

#include "db/schema.h"
#include "testutil.h"

namespace certo::testing {
namespace {

// The newest schema this build carries: the last of schema/NNNN_*.sql compiled in.
int LatestSchema() { return internal::Migrations().back().version; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

TEST(EngineOpen, MemoryFileStartsEmptyAtTheLatestSchema) {
  auto engine = OpenEngine();
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->SchemaVersion(), LatestSchema());
  auto page = engine->Index("project");
  ASSERT_OK(page);
  EXPECT_EQ(page->total_count, 0);
}

TEST(EngineOpen, ReopenAfterCloseKeepsEveryRecord) {
  TempDir dir;
  const std::string path = dir.File("company.certo");
  Json person;
  {
    auto engine = OpenEngine(path);
    Company c = MakeCompany(*engine);
    person = c.person;
  }
  auto engine = OpenEngine(path);
  auto again = engine->View("person", person["person_id"].get<std::string>());
  ASSERT_OK(again);
  EXPECT_EQ(*again, person);
  EXPECT_EQ(engine->Index("office")->total_count, 2);
}

TEST(EngineOpen, FileUsesWalAndRecordsItsIdentity) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  { ASSERT_NE(OpenEngine(path), nullptr); }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  auto pragma = [&](const char* sql) {
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &st, nullptr);
    sqlite3_step(st);
    std::string value = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return value;
  };
  EXPECT_EQ(pragma("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(pragma("PRAGMA application_id"), std::to_string(0x4352544f));
  EXPECT_EQ(pragma("PRAGMA user_version"), std::to_string(LatestSchema()));
  sqlite3_close(db);
}

TEST(EngineOpen, MissingFileIsAnIoErrorWhenCreationIsOff) {
  TempDir dir;
  Options options;
  options.create_if_missing = false;
  auto engine = Engine::Open(dir.File("absent.db"), options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code(), Code::kIOError);
  EXPECT_NE(engine.error().message().find("does not exist"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.File("absent.db")));
}

TEST(EngineOpen, UnreachableDirectoryIsAnIoError) {
  auto engine = Engine::Open("/nonexistent-dir/certo/x.db");
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code(), Code::kIOError);
  EXPECT_NE(engine.error().message().find("cannot open '/nonexistent-dir/certo/x.db'"),
            std::string::npos)
      << engine.error().message();
}

TEST(EngineOpen, NonSqliteFileIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  std::ofstream(path) << "These are not the records you are looking for.\n"
                      << std::string(5000, 'x');
  const std::string before = ReadAll(path);
  auto engine = Engine::Open(path);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code(), Code::kCorrupt);
  EXPECT_NE(engine.error().message().find("is not a certo file"), std::string::npos);
  EXPECT_EQ(ReadAll(path), before);
  EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
}

TEST(EngineOpen, ForeignSqliteFileIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  RawExec(path, "CREATE TABLE t(x); INSERT INTO t VALUES (1);");
  const std::string before = ReadAll(path);
  auto engine = Engine::Open(path);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code(), Code::kIncompatible);
  EXPECT_EQ(engine.error().message(), "'" + path + "' is a SQLite database but not a certo file");
  EXPECT_EQ(ReadAll(path), before);
}

TEST(EngineOpen, OtherApplicationsFileIsRefused) {
  TempDir dir;
  const std::string path = dir.File("app.db");
  RawExec(path, "PRAGMA application_id = 42; CREATE TABLE t(x);");
  auto engine = Engine::Open(path);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code(), Code::kIncompatible);
  EXPECT_NE(engine.error().message().find("application_id 42"), std::string::npos);
}

TEST(EngineOpen, FileFromANewerCertoIsRefusedAndLeftUntouched) {
  TempDir dir;
  const std::string path = dir.File("future.db");
  { ASSERT_NE(OpenEngine(path), nullptr); }
  RawExec(path, "PRAGMA user_version = 999;");
  const std::string before = ReadAll(path);
  auto engine = Engine::Open(path);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(engine.error().code(), Code::kIncompatible);
  EXPECT_EQ(engine.error().message(), "'" + path +
                                          "' was written by a newer certo (schema 999; this "
                                          "build reads up to schema " +
                                          std::to_string(LatestSchema()) + ")");
  EXPECT_EQ(ReadAll(path), before);
}

TEST(EngineOpen, LockedFileFailsWithBusyAfterTheTimeout) {
  TempDir dir;
  const std::string path = dir.File("locked.db");
  auto engine = OpenEngine(path);
  Company c = MakeCompany(*engine);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  Options options;
  options.today = kToday;
  options.busy_timeout_ms = 50;
  auto second = Engine::Open(path, options);
  ASSERT_OK(second);  // reading is fine under WAL
  auto write = (*second)->Create("project", {{"name", "Blocked"}});
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().code(), Code::kBusy);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  ASSERT_OK((*second)->Create("project", {{"name", "Now free"}}));
}

TEST(EngineOpen, NegativeBusyTimeoutIsAValidationError) {
  Options options;
  options.busy_timeout_ms = -1;
  auto engine = Engine::Open(":memory:", options);
  ASSERT_FALSE(engine.ok());
  EXPECT_EQ(OnlyFieldError(engine.error()), "busy_timeout_ms: must not be negative");
}

TEST(EngineOpen, TodayIsThePinnedDate) {
  auto engine = OpenEngine(":memory:", Ymd(2024, 2, 29));
  EXPECT_EQ(engine->Today(), Ymd(2024, 2, 29));
}

}  // namespace
}  // namespace certo::testing
