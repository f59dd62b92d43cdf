// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Files that are not healthy certo files: each open fails with its cause in words (or, for a
// read-only file, opens read-only) and leaves the file byte-identical, with no -wal or -shm
// file created next to it.

#include <fstream>
#include <functional>
#include <iterator>
#include <random>

#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "db/schema.h"
#include "testutil.h"

namespace certo::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
}

// A certo file with a company in it, checkpointed (no -wal), as its bytes.
std::string HealthyFile(const TempDir& dir) {
  const std::string path = dir.File("healthy.certo");
  {
    auto engine = OpenEngine(path);
    MakeCompany(*engine);
  }
  return ReadAll(path);
}

Options ExistingOnly() {
  Options options;
  options.today = kToday;
  options.create_if_missing = false;
  return options;
}

// Opens path (it must fail) and checks the code, a part of the message, and that the file and
// its directory are exactly as before.
void ExpectRefusedUntouched(const std::string& path, Code code, const std::string& says,
                            const Options& options = ExistingOnly()) {
  const bool regular = fs::is_regular_file(path);
  const std::string before = regular ? ReadAll(path) : "";
  auto engine = Engine::Open(path, options);
  ASSERT_FALSE(engine.ok()) << path;
  EXPECT_EQ(engine.error().code(), code) << engine.error().ToString();
  EXPECT_NE(engine.error().message().find(says), std::string::npos) << engine.error().message();
  if (regular) {
    EXPECT_EQ(ReadAll(path), before);
  }
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));
  EXPECT_FALSE(fs::exists(path + "-journal"));
}

TEST(HostileFiles, ZeroByteFileIsNotACertoFileWithoutCreate) {
  TempDir dir;
  const std::string path = dir.File("empty.certo");
  WriteAll(path, "");
  ExpectRefusedUntouched(path, Code::kCorrupt, "is empty (0 bytes), not a certo file");
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST(HostileFiles, ZeroByteFileBecomesACertoFileWithCreate) {
  TempDir dir;
  const std::string path = dir.File("empty.certo");
  WriteAll(path, "");
  auto engine = OpenEngine(path);  // create_if_missing defaults to true
  ASSERT_NE(engine, nullptr);
  EXPECT_EQ(engine->Index("project")->total_count, 0);
}

TEST(HostileFiles, TruncatedFileIsRefusedUntouched) {
  TempDir dir;
  const std::string bytes = HealthyFile(dir);
  const std::string path = dir.File("truncated.certo");
  WriteAll(path, bytes.substr(0, 2000));  // half of the first page
  ExpectRefusedUntouched(path, Code::kCorrupt, "");
}

TEST(HostileFiles, RandomBytesInTheHeaderAreRefusedUntouched) {
  TempDir dir;
  std::string bytes = HealthyFile(dir);
  std::mt19937 random(7);
  for (int i = 0; i < 100; ++i) bytes[static_cast<size_t>(i)] = static_cast<char>(random());
  const std::string path = dir.File("header.certo");
  WriteAll(path, bytes);
  ExpectRefusedUntouched(path, Code::kCorrupt, "is not a certo file");
}

TEST(HostileFiles, RandomBytesInTheMiddleAreFoundByVerifyAndNothingIsWritten) {
  TempDir dir;
  std::string bytes = HealthyFile(dir);
  ASSERT_GT(bytes.size(), 12 * 4096u);
  std::mt19937 random(11);
  for (size_t i = 6 * 4096; i < 9 * 4096; ++i) bytes[i] = static_cast<char>(random());
  const std::string path = dir.File("middle.certo");
  WriteAll(path, bytes);
  auto engine = Engine::Open(path, ExistingOnly());
  if (engine.ok()) {
    VerifyOptions full;
    full.depth = VerifyOptions::Depth::kFull;
    auto report = (*engine)->Verify(full);
    // Either Verify cannot read the damaged pages (an error) or it reports them.
    EXPECT_TRUE(!report.ok() || !report->ok());
    engine->reset();
  } else {
    EXPECT_EQ(engine.error().code(), Code::kCorrupt) << engine.error().ToString();
  }
  EXPECT_EQ(ReadAll(path), bytes);
  EXPECT_FALSE(fs::exists(path + "-wal"));
}

TEST(HostileFiles, DirectoryIsRefused) {
  TempDir dir;
  ExpectRefusedUntouched(dir.path().string(), Code::kIOError, "is a directory, not a certo file");
}

TEST(HostileFiles, AnotherApplicationsSqliteFileIsRefusedUntouched) {
  TempDir dir;
  const std::string path = dir.File("other.db");
  RawExec(path,
          "PRAGMA application_id = 1234; CREATE TABLE notes(x); INSERT INTO notes VALUES(1);");
  ExpectRefusedUntouched(path, Code::kIncompatible, "another application (application_id 1234)");
  const std::string plain = dir.File("plain.db");
  RawExec(plain, "CREATE TABLE notes(x);");
  ExpectRefusedUntouched(plain, Code::kIncompatible, "is a SQLite database but not a certo file");
}

TEST(HostileFiles, NewerSchemaIsRefusedUntouched) {
  TempDir dir;
  HealthyFile(dir);
  const std::string path = dir.File("healthy.certo");
  RawExec(path, "PRAGMA user_version = 99;");
  ExpectRefusedUntouched(path, Code::kIncompatible, "was written by a newer certo (schema 99");
}

TEST(HostileFiles, VersionOlderThanTheTablesIsAnInconsistentVersion) {
  TempDir dir;
  HealthyFile(dir);
  const std::string path = dir.File("healthy.certo");
  RawExec(path, "PRAGMA user_version = 1;");
  ExpectRefusedUntouched(path, Code::kIncompatible,
                         "has an inconsistent version: it records schema 1 but its tables "
                         "disagree (migration 0002_schedule fails: table action_subscription "
                         "already exists)");
}

TEST(HostileFiles, MissingTableIsAnInconsistentVersion) {
  TempDir dir;
  HealthyFile(dir);
  const std::string path = dir.File("healthy.certo");
  RawExec(path, "DROP TABLE incident_person;");
  ExpectRefusedUntouched(path, Code::kIncompatible,
                         "has an inconsistent version: it records schema " +
                             std::to_string(internal::Migrations().back().version) +
                             " but its tables disagree (table incident_person is missing)");
}

// Runs check as an unprivileged user when the test runs as root (root ignores file modes), in
// a child process; returns what check returns: empty for success, else the failure.
std::string AsUnprivileged(const std::function<std::string()>& check) {
  if (geteuid() != 0) return check();
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string result = setgid(65534) == 0 && setuid(65534) == 0 ? check() : "setuid failed";
    if (write(fds[1], result.data(), result.size()) < 0) _exit(2);
    _exit(0);
  }
  close(fds[1]);
  std::string result;
  char buffer[4096];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;)
    result.append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "the child failed: " + result;
  return result;
}

// Reads work and a write is refused with kIOError, on a file this process cannot write.
std::string ReadsWorkWritesAreRefused(const std::string& path) {
  auto engine = Engine::Open(path, ExistingOnly());
  if (!engine.ok()) return "open failed: " + engine.error().ToString();
  auto page = (*engine)->Index("person");
  if (!page.ok() || page->total_count != 1) return "the read failed";
  auto write = (*engine)->Create("project", {{"name", "Refused"}});
  if (write.ok()) return "the write was accepted";
  if (write.error().code() != Code::kIOError ||
      write.error().message().find("readonly") == std::string::npos) {
    return "unexpected error: " + write.error().ToString();
  }
  return "";
}

TEST(HostileFiles, ReadOnlyFileOpensReadOnly) {
  TempDir dir;
  const std::string bytes = HealthyFile(dir);
  const std::string path = dir.File("healthy.certo");
  fs::permissions(dir.path(), fs::perms::all);
  fs::permissions(path, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  EXPECT_EQ(AsUnprivileged([&] { return ReadsWorkWritesAreRefused(path); }), "");
  EXPECT_EQ(ReadAll(path), bytes);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(path + "-shm"));
}

TEST(HostileFiles, FileInAReadOnlyDirectoryOpensReadOnly) {
  TempDir dir;
  const std::string bytes = HealthyFile(dir);
  const std::string path = dir.File("healthy.certo");
  fs::permissions(path, fs::perms::all);
  fs::permissions(dir.path(), fs::perms::owner_read | fs::perms::owner_exec |
                                  fs::perms::group_read | fs::perms::group_exec |
                                  fs::perms::others_read | fs::perms::others_exec);
  EXPECT_EQ(AsUnprivileged([&] { return ReadsWorkWritesAreRefused(path); }), "");
  EXPECT_EQ(AsUnprivileged([&]() -> std::string {
              auto created = Engine::Open(dir.File("new.certo"));
              if (created.ok()) return "a file was created in a read-only directory";
              if (created.error().message().find("is read-only") == std::string::npos) {
                return created.error().ToString();
              }
              return "";
            }),
            "");
  fs::permissions(dir.path(), fs::perms::owner_all);
  EXPECT_EQ(ReadAll(path), bytes);
  EXPECT_FALSE(fs::exists(path + "-wal"));
  EXPECT_FALSE(fs::exists(dir.File("new.certo")));
}

}  // namespace
}  // namespace certo::testing
