// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The certo command end to end: the built binary is spawned with its stdin, stdout and stderr
// redirected to files, and its exit status, output and error output are checked separately.
// Exit status: 0 success; 1 a request failed; 2 bad command line; 3 the file cannot be opened;
// 4 the file is busy.

#include "certo/version.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

extern char** environ;

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitRequestFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOpen = 3;
constexpr int kExitBusy = 4;

// Fixed ids, so that outputs can be compared exactly.
const std::string kProject1 = "00000000-0000-4000-8000-000000000001";
const std::string kProject2 = "00000000-0000-4000-8000-000000000002";
const std::string kProject3 = "00000000-0000-4000-8000-000000000003";
const std::string kOffice1 = "00000000-0000-4000-8000-0000000000a1";
const std::string kMissing = "00000000-0000-4000-8000-0000000000ff";

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteAll(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// A project as the engine stores it when only the id and name are given.
Json ProjectJson(const std::string& id, const std::string& name) {
  // Written by a CLI pinned with --today 2026-11-22: stamped with that day's start.
  return Json{{"project_id", id},
              {"name", name},
              {"description", nullptr},
              {"country", nullptr},
              {"status", "active"},
              {"project_type", "safety"},
              {"data", nullptr},
              {"created_at", "2026-11-22T00:00:00Z"},
              {"updated_at", "2026-11-22T00:00:00Z"}};
}

// The body of an error response that is not a validation failure.
Json ErrorBody(int status, const std::string& name, const std::string& message, Code code) {
  return Json{
      {"name", name}, {"message", message}, {"code", static_cast<int>(code)}, {"status", status}};
}

// What the CLI prints on stderr for a failed request: the body (or --headers object), indented.
std::string FailureText(int status, const Json& out) {
  return "certo: HTTP " + std::to_string(status) + ": " + out.dump(2) + "\n";
}

// One batch output line.
std::string BatchLine(int status, const Json& headers, const Json& body) {
  return Json{{"status", status}, {"headers", headers}, {"body", body}}.dump();
}

const Json kJsonHeaders = Json{{"Content-Type", "application/json"}};

struct RunResult {
  int exit_code = -1000;  // the exit status, or -signal when the process was killed
  std::string out;
  std::string err;
};

// Base fixture: a temporary directory and a way to run the CLI.
class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CERTO_CLI).empty()) GTEST_SKIP() << "the certo CLI is not built";
  }

  std::string Db() const { return dir_.File("company.certo"); }

  // Runs `certo args...` with input on stdin.
  RunResult Certo(const std::vector<std::string>& args, const std::string& input = "") {
    const std::string n = std::to_string(++runs_);
    const std::string in = dir_.File("stdin." + n), out = dir_.File("stdout." + n),
                      err = dir_.File("stderr." + n);
    WriteAll(in, input);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> storage{CERTO_CLI};
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);
    RunResult result;
    pid_t pid = 0;
    int rc = posix_spawn(&pid, CERTO_CLI, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      ADD_FAILURE() << "cannot spawn " << CERTO_CLI << ": " << std::strerror(rc);
      return result;
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    result.out = ReadAll(out);
    result.err = ReadAll(err);
    std::filesystem::remove(in);
    std::filesystem::remove(out);
    std::filesystem::remove(err);
    return result;
  }

  // certo --db Db() --today 2026-11-22 [--create] api args...
  RunResult Api(const std::vector<std::string>& args, const std::string& input = "",
                bool create = true) {
    std::vector<std::string> all{"--db", Db(), "--today", "2026-11-22"};
    if (create) all.push_back("--create");
    all.push_back("api");
    all.insert(all.end(), args.begin(), args.end());
    return Certo(all, input);
  }

  // Creates a project with a fixed id through the CLI, or fails the test.
  void MustCreateProject(const std::string& id, const std::string& name) {
    RunResult r =
        Api({"POST", "/v2/project/create", Json{{"project_id", id}, {"name", name}}.dump()});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
    ASSERT_EQ(r.out, ProjectJson(id, name).dump(2) + "\n");
  }

  TempDir dir_;
  int runs_ = 0;
};

void ExpectNoSqliteSidecarFiles(const std::string& path) {
  EXPECT_FALSE(std::filesystem::exists(path + "-wal")) << path;
  EXPECT_FALSE(std::filesystem::exists(path + "-journal")) << path;
}

// A raw SQLite connection, for holding locks and preparing files behind certo's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
  }
  ~RawDb() { sqlite3_close(db_); }
  void Exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error ? error : "");
    sqlite3_free(error);
  }

 private:
  sqlite3* db_ = nullptr;
};

// ---- Usage --------------------------------------------------------------------------------

class CliUsage : public CliTest {};

TEST_F(CliUsage, HelpExitsZeroAndListsEveryOption) {
  RunResult r = Certo({"--help"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.err, "");
  for (const char* word :
       {"--db", "--today", "--create", "--busy-timeout", "--version", "api", "YYYY-MM-DD"}) {
    EXPECT_TRUE(Contains(r.out, word)) << word << " missing from:\n" << r.out;
  }
}

TEST_F(CliUsage, ApiHelpExitsZeroAndListsItsArgumentsAndFlags) {
  RunResult r = Certo({"api", "--help"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.err, "");
  for (const char* word : {"METHOD", "PATH", "BODY", "--batch", "--headers", "stdin"}) {
    EXPECT_TRUE(Contains(r.out, word)) << word << " missing from:\n" << r.out;
  }
}

TEST_F(CliUsage, VersionPrintsTheProjectVersion) {
  RunResult r = Certo({"--version"});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.out, std::string(CERTO_VERSION_STRING) + "\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliUsage, MissingDbIsAUsageError) {
  RunResult r = Certo({"api", "POST", "/v2/project/index"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "--db is required")) << r.err;
}

TEST_F(CliUsage, MissingSubcommandIsAUsageError) {
  RunResult r = Certo({"--db", Db(), "--create"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "a command is required")) << r.err;
  EXPECT_FALSE(std::filesystem::exists(Db()));
}

TEST_F(CliUsage, MissingMethodOrPathIsAUsageErrorAndCreatesNothing) {
  RunResult r = Api({});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo api: METHOD and PATH are required (or --batch)\n");
  r = Api({"GET"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "certo api: METHOD and PATH are required (or --batch)\n");
  EXPECT_FALSE(std::filesystem::exists(Db()));
}

TEST_F(CliUsage, BatchWithMethodIsAUsageError) {
  RunResult r = Api({"--batch", "GET", "/v2/project/view/" + kMissing});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo api: --batch reads requests from stdin; do not pass METHOD or PATH\n");
  EXPECT_FALSE(std::filesystem::exists(Db()));
}

TEST_F(CliUsage, InvalidTodayIsAUsageErrorAndCreatesNothing) {
  for (const std::string bad : {"2026-02-30", "2026-1-05", "22/11/2026", "2026-11-22x", "today"}) {
    RunResult r =
        Certo({"--db", Db(), "--create", "--today", bad, "api", "POST", "/v2/project/index"});
    EXPECT_EQ(r.exit_code, kExitUsage) << bad;
    EXPECT_EQ(r.out, "") << bad;
    EXPECT_EQ(r.err, "certo: --today: must be a real calendar date in the form YYYY-MM-DD, got '" +
                         bad + "'\n");
  }
  EXPECT_FALSE(std::filesystem::exists(Db()));
}

TEST_F(CliUsage, NegativeOrNonNumericBusyTimeoutIsAUsageError) {
  for (const std::string bad : {"-1", "soon"}) {
    RunResult r = Certo(
        {"--db", Db(), "--create", "--busy-timeout", bad, "api", "POST", "/v2/project/index"});
    EXPECT_EQ(r.exit_code, kExitUsage) << bad;
    EXPECT_EQ(r.out, "") << bad;
    EXPECT_TRUE(Contains(r.err, "--busy-timeout")) << r.err;
  }
  EXPECT_FALSE(std::filesystem::exists(Db()));
}

TEST_F(CliUsage, UnknownOptionIsAUsageError) {
  RunResult r = Certo({"--db", Db(), "--frobnicate", "api", "POST", "/v2/project/index"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, "--frobnicate")) << r.err;
}

// ---- Opening the file ---------------------------------------------------------------------

class CliOpen : public CliTest {};

TEST_F(CliOpen, MissingFileWithoutCreateNamesThePathAndSuggestsCreate) {
  RunResult r = Api({"POST", "/v2/project/index"}, "", /*create=*/false);
  EXPECT_EQ(r.exit_code, kExitOpen);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo: '" + Db() + "' does not exist (pass --create to make a new file)\n");
  EXPECT_FALSE(std::filesystem::exists(Db()));
}

TEST_F(CliOpen, FileInAMissingDirectoryIsAClearOpenError) {
  const std::string path = dir_.File("no-such-dir/sub/company.certo");
  RunResult r = Certo({"--db", path, "api", "POST", "/v2/project/index"});
  EXPECT_EQ(r.exit_code, kExitOpen);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo: '" + path + "' does not exist (pass --create to make a new file)\n");

  // With --create the directory is still missing: the message names the path, and --create is
  // not suggested again.
  r = Certo({"--db", path, "--create", "api", "POST", "/v2/project/index"});
  EXPECT_EQ(r.exit_code, kExitOpen);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err.rfind("certo: cannot open '" + path + "'", 0), 0u) << r.err;
  EXPECT_FALSE(Contains(r.err, "pass --create")) << r.err;
  EXPECT_EQ(r.err.back(), '\n');
  EXPECT_FALSE(std::filesystem::exists(dir_.File("no-such-dir")));
}

TEST_F(CliOpen, NonSqliteFileIsRefusedAndLeftByteForByteUnchanged) {
  const std::string path = dir_.File("notes.txt");
  const std::string content =
      "These are not the records you are looking for.\n" + std::string(5000, 'x') + "\n";
  WriteAll(path, content);
  for (bool create : {false, true}) {
    std::vector<std::string> args{"--db", path};
    if (create) args.push_back("--create");
    for (const char* a : {"api", "POST", "/v2/project/create", "{\"name\":\"X\"}"}) {
      args.push_back(a);
    }
    RunResult r = Certo(args);
    EXPECT_EQ(r.exit_code, kExitOpen) << create;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "certo: '" + path + "' is not a certo file: file is not a database\n");
    EXPECT_EQ(ReadAll(path), content);
    ExpectNoSqliteSidecarFiles(path);
  }
}

TEST_F(CliOpen, ForeignSqliteFileIsRefusedAndLeftUnchanged) {
  const std::string path = dir_.File("other.db");
  { RawDb(path).Exec("CREATE TABLE t(x); INSERT INTO t VALUES (1);"); }
  const std::string before = ReadAll(path);
  RunResult r = Certo({"--db", path, "api", "POST", "/v2/project/index"});
  EXPECT_EQ(r.exit_code, kExitOpen);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo: '" + path + "' is a SQLite database but not a certo file\n");
  EXPECT_EQ(ReadAll(path), before);
}

// Under WAL (every certo file), a lock held by another connection still lets certo open and read;
// a write waits --busy-timeout and then fails as a request: HTTP 503, exit 4 (busy: retry).
TEST_F(CliOpen, WriteToALockedFileFailsWithBusyNotACrash) {
  MustCreateProject(kProject1, "ACME");
  RawDb other(Db());
  other.Exec("BEGIN EXCLUSIVE");

  RunResult r = Certo({"--db", Db(), "--busy-timeout", "50", "api", "POST", "/v2/project/create",
                       Json{{"project_id", kProject2}, {"name", "Blocked"}}.dump()});
  EXPECT_EQ(r.exit_code, kExitBusy);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            FailureText(503, ErrorBody(503, "Service Unavailable",
                                       "the file is locked by another connection (database is "
                                       "locked)",
                                       Code::kBusy)));

  // Reading is not blocked.
  r = Certo({"--db", Db(), "--busy-timeout", "50", "api", "GET", "/v2/project/view/" + kProject1});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, ProjectJson(kProject1, "ACME").dump(2) + "\n");

  other.Exec("ROLLBACK");
  MustCreateProject(kProject2, "Now free");
}

// A file in rollback-journal mode (e.g. converted by another tool, or a new file another process
// is still initializing) cannot even be read while another connection holds an exclusive lock.
// certo must say the file is locked, not that it is not a certo file.
TEST_F(CliOpen, OpeningAnExclusivelyLockedFileSaysItIsLocked) {
  MustCreateProject(kProject1, "ACME");
  RawDb other(Db());
  other.Exec("PRAGMA journal_mode = DELETE");
  other.Exec("BEGIN EXCLUSIVE");

  RunResult r =
      Certo({"--db", Db(), "--busy-timeout", "50", "api", "GET", "/v2/project/view/" + kProject1});
  EXPECT_EQ(r.exit_code, kExitBusy);
  EXPECT_EQ(r.out, "");
  EXPECT_TRUE(Contains(r.err, Db())) << r.err;
  EXPECT_TRUE(Contains(r.err, "locked by another connection")) << r.err;
  EXPECT_FALSE(Contains(r.err, "not a certo file")) << r.err;
  EXPECT_FALSE(Contains(r.err, "--create")) << r.err;

  other.Exec("ROLLBACK");
  r = Api({"GET", "/v2/project/view/" + kProject1});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, ProjectJson(kProject1, "ACME").dump(2) + "\n");
}

// ---- Single requests ----------------------------------------------------------------------

class CliApi : public CliTest {};

TEST_F(CliApi, CreateThenViewThenIndexRoundTrip) {
  RunResult r = Api({"POST", "/v2/project/create",
                     R"({"project_id": ")" + kProject1 + R"(", "name": "ACME", "country": "IT"})"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  Json acme = ProjectJson(kProject1, "ACME");
  acme["country"] = "IT";
  EXPECT_EQ(r.out, acme.dump(2) + "\n");
  ASSERT_TRUE(std::filesystem::exists(Db()));

  // Without --create from now on: the file exists.
  r = Api({"GET", "/v2/project/view/" + kProject1}, "", /*create=*/false);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, acme.dump(2) + "\n");

  // view?id= is the same route.
  r = Api({"GET", "/v2/project/view?id=" + kProject1}, "", false);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, acme.dump(2) + "\n");

  r = Api({"POST", "/v2/project/index"}, "", false);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, Json::array({acme}).dump(2) + "\n");
}

TEST_F(CliApi, TodayPinsTheEngineDate) {
  MustCreateProject(kProject1, "ACME");
  RunResult r =
      Api({"POST", "/v2/office/create",
           Json{{"office_id", kOffice1}, {"project_id", kProject1}, {"name", "Plant"}}.dump()});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  r = Certo(
      {"--db", Db(), "--today", "2024-02-29", "api", "POST", "/v2/office/historicize/" + kOffice1});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  Json office = Json::parse(r.out);
  EXPECT_EQ(office["retired_on"], "2024-02-29");
  EXPECT_EQ(office["owned_active"], false);
}

TEST_F(CliApi, NotFoundExitsOneWithTheJsonErrorOnStderr) {
  MustCreateProject(kProject1, "ACME");
  RunResult r = Api({"GET", "/v2/project/view/" + kMissing});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            FailureText(404, ErrorBody(404, "Not Found", "no project with project_id " + kMissing,
                                       Code::kNotFound)));
}

TEST_F(CliApi, ValidationFailureExitsOneWithTheFieldErrorsOnStderr) {
  RunResult r = Api({"POST", "/v2/project/create", R"({"country": "Italy"})"});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.out, "");
  Json errors = Json::array({Json{{"field", "country"},
                                  {"message",
                                   "must be an ISO 3166-1 alpha-2 country code: two upper-case "
                                   "letters such as IT, DE or GB"}},
                             Json{{"field", "name"}, {"message", "is required"}}});
  EXPECT_EQ(r.err, FailureText(422, errors));
  // Nothing was stored.
  r = Api({"POST", "/v2/project/index"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "[]\n");
}

TEST_F(CliApi, MalformedBodyAndConflictAreErrorsWithTheirCodes) {
  RunResult r = Api({"POST", "/v2/project/create", "{not json"});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.out, "");
  // The CLI checks the body's syntax itself, to say where it breaks.
  EXPECT_EQ(r.err, FailureText(400, ErrorBody(400, "Bad Request",
                                              "the body is not valid JSON: line 1, column 3: "
                                              "syntax error while parsing object key - invalid "
                                              "literal; last read: '{no'; expected string literal",
                                              Code::kInvalidArgument)));

  MustCreateProject(kProject1, "ACME");
  r = Api(
      {"POST", "/v2/project/create", Json{{"project_id", kProject1}, {"name", "Again"}}.dump()});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            FailureText(409, ErrorBody(409, "Conflict",
                                       "a project with project_id " + kProject1 + " already exists",
                                       Code::kConflict)));
}

TEST_F(CliApi, BodyDashIsReadFromStdin) {
  const std::string body =
      "{\n  \"project_id\": \"" + kProject1 + "\",\n  \"name\": \"From stdin\"\n}\n";
  RunResult r = Api({"POST", "/v2/project/create", "-"}, body);
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, ProjectJson(kProject1, "From stdin").dump(2) + "\n");

  // An index body from stdin too.
  r = Api({"POST", "/v2/project/index", "-"}, R"({"filter": {"name": "stdin"}})");
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, Json::array({ProjectJson(kProject1, "From stdin")}).dump(2) + "\n");

  // Empty stdin is an empty body.
  r = Api({"POST", "/v2/project/index", "-"}, "");
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, Json::array({ProjectJson(kProject1, "From stdin")}).dump(2) + "\n");
}

TEST_F(CliApi, HeadersPrintsStatusHeadersAndBodyWithPagination) {
  RunResult r = Api({"POST", "/v2/project/create",
                     Json{{"project_id", kProject3}, {"name", "Gamma"}}.dump(), "--headers"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(
      r.out,
      Json({{"status", 201}, {"headers", kJsonHeaders}, {"body", ProjectJson(kProject3, "Gamma")}})
              .dump(2) +
          "\n");
  MustCreateProject(kProject1, "Alpha");
  MustCreateProject(kProject2, "Beta");

  r = Api({"--headers", "POST", "/v2/project/index", R"({"per-page": 2, "page": 2})"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.err, "");
  Json expected{{"status", 200},
                {"headers", Json{{"Content-Type", "application/json"},
                                 {"X-Pagination-Current-Page", "2"},
                                 {"X-Pagination-Page-Count", "2"},
                                 {"X-Pagination-Per-Page", "2"},
                                 {"X-Pagination-Total-Count", "3"}}},
                {"body", Json::array({ProjectJson(kProject3, "Gamma")})}};
  EXPECT_EQ(r.out, expected.dump(2) + "\n");

  // A failure with --headers prints the whole response on stderr, e.g. 405 with Allow.
  r = Api({"--headers", "GET", "/v2/project/create"});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.out, "");
  Json not_allowed{{"status", 405},
                   {"headers", Json{{"Content-Type", "application/json"}, {"Allow", "POST"}}},
                   {"body", ErrorBody(405, "Method Not Allowed", "this route accepts POST only",
                                      Code::kInvalidArgument)}};
  EXPECT_EQ(r.err, FailureText(405, not_allowed));
}

TEST_F(CliApi, UnknownRouteIsNotFound) {
  RunResult r = Api({"GET", "/v1/project"});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, FailureText(404, ErrorBody(404, "Not Found",
                                              "no route /v1/project (routes look like "
                                              "/v2/<collection>/<verb>[/<id>])",
                                              Code::kNotFound)));
  r = Api({"POST", "/v2/widget/index"});
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.err, FailureText(404, ErrorBody(404, "Not Found", "unknown collection 'widget'",
                                              Code::kNotFound)));
}

// ---- Batch --------------------------------------------------------------------------------

class CliBatch : public CliTest {};

const std::string kBatchMalformed =
    "expected a JSON object with string \"method\" and \"path\" and an optional \"body\"";

TEST_F(CliBatch, OneLinePerRequestInOrderAndKeepsGoingAfterFailures) {
  const std::string input =
      Json{{"method", "POST"},
           {"path", "/v2/project/create"},
           {"body", {{"project_id", kProject1}, {"name", "ACME"}}}}
          .dump() +
      "\n" + "{this is not json\n" +                                                     // line 2
      Json{{"method", "GET"}, {"path", "/v2/project/view/" + kMissing}}.dump() + "\n" +  // 3
      "\n" +                                                                             // 4
      "   \t\n" +                                                                        // 5
      Json{{"method", "POST"}, {"path", "/v2/project/create"}, {"body", Json::object()}}.dump() +
      "\n" +  // line 6: 422
      // line 7: the body as a JSON string is sent as is.
      Json{{"method", "POST"},
           {"path", "/v2/project/create"},
           {"body", Json{{"project_id", kProject2}, {"name", "Beta"}}.dump()}}
          .dump() +
      "\n" + Json{{"path", "/v2/project/index"}}.dump() + "\n" +  // line 8: no method
      Json{{"method", "POST"}, {"path", "/v2/project/index"}, {"body", nullptr}}
          .dump();  // 9, no \n

  RunResult r = Certo({"--db", Db(), "--today", "2026-11-22", "--create", "api", "--batch"}, input);
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 7u) << r.out;
  EXPECT_EQ(lines[0], BatchLine(201, kJsonHeaders, ProjectJson(kProject1, "ACME")));
  Json bad2 = Json::parse(lines[1]);
  EXPECT_EQ(bad2["status"], 400);
  EXPECT_EQ(bad2["body"]["name"], "Bad Request");
  EXPECT_EQ(bad2["body"]["message"],
            "line 2: not valid JSON at column 3: syntax error while parsing object key - invalid "
            "literal; last read: '{th'; expected string literal");
  EXPECT_EQ(bad2["body"]["status"], 400);
  EXPECT_EQ(lines[2],
            BatchLine(404, kJsonHeaders,
                      ErrorBody(404, "Not Found", "no project with project_id " + kMissing,
                                Code::kNotFound)));
  EXPECT_EQ(lines[3],
            BatchLine(422, kJsonHeaders,
                      Json::array({Json{{"field", "name"}, {"message", "is required"}}})));
  EXPECT_EQ(lines[4], BatchLine(201, kJsonHeaders, ProjectJson(kProject2, "Beta")));
  Json bad8 = Json::parse(lines[5]);
  EXPECT_EQ(bad8["status"], 400);
  EXPECT_EQ(bad8["body"]["message"], "line 8: " + kBatchMalformed);
  Json index = Json::parse(lines[6]);
  EXPECT_EQ(index["status"], 200);
  EXPECT_EQ(index["headers"], Json({{"Content-Type", "application/json"},
                                    {"X-Pagination-Current-Page", "1"},
                                    {"X-Pagination-Page-Count", "1"},
                                    {"X-Pagination-Per-Page", "100"},
                                    {"X-Pagination-Total-Count", "2"}}));
  EXPECT_EQ(index["body"],
            Json::array({ProjectJson(kProject1, "ACME"), ProjectJson(kProject2, "Beta")}));
}

// A malformed line is a malformed request: its response should look like every other error
// response of the API (Content-Type header; body {"name","message","code","status"} with
// code 8 = invalid_argument), so that a client can treat all batch lines alike.
TEST_F(CliBatch, MalformedLineIsAnInvalidArgumentResponseLikeAnyOther) {
  const std::string input = "[1, 2]\n" + Json{{"method", 1}, {"path", "/x"}}.dump() + "\n";
  RunResult r = Certo({"--db", Db(), "--today", "2026-11-22", "--create", "api", "--batch"}, input);
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(lines[i],
              BatchLine(400, kJsonHeaders,
                        ErrorBody(400, "Bad Request",
                                  "line " + std::to_string(i + 1) + ": " + kBatchMalformed,
                                  Code::kInvalidArgument)));
  }
}

TEST_F(CliBatch, AllSuccessesExitZeroAndBlankLinesAreSkipped) {
  const std::string input =
      "\n" +
      Json{{"method", "POST"},
           {"path", "/v2/project/create"},
           {"body", {{"project_id", kProject1}, {"name", "ACME"}}}}
          .dump() +
      "\r\n" +  // a CRLF line ending is fine
      "  \n\n" + Json{{"method", "GET"}, {"path", "/v2/project/view/" + kProject1}}.dump() + "\n" +
      Json{{"method", "PUT"},
           {"path", "/v2/project/update/" + kProject1},
           {"body", {{"name", "ACME Ltd"}}}}
          .dump() +
      "\n\n";
  RunResult r = Certo({"--db", Db(), "--today", "2026-11-22", "--create", "api", "--batch"}, input);
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.err, "");
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[0], BatchLine(201, kJsonHeaders, ProjectJson(kProject1, "ACME")));
  EXPECT_EQ(lines[1], BatchLine(200, kJsonHeaders, ProjectJson(kProject1, "ACME")));
  EXPECT_EQ(lines[2], BatchLine(200, kJsonHeaders, ProjectJson(kProject1, "ACME Ltd")));
  EXPECT_EQ(r.out.back(), '\n');
}

TEST_F(CliBatch, EmptyInputPrintsNothingAndSucceeds) {
  RunResult r = Certo({"--db", Db(), "--today", "2026-11-22", "--create", "api", "--batch"}, "");
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
  r = Certo({"--db", Db(), "api", "--batch"}, "\n  \n\t\n");
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "");
}

TEST_F(CliBatch, OnlyFailuresExitOne) {
  const std::string input =
      Json{{"method", "GET"}, {"path", "/v2/project/view/" + kMissing}}.dump() + "\n";
  RunResult r = Certo({"--db", Db(), "--today", "2026-11-22", "--create", "api", "--batch"}, input);
  EXPECT_EQ(r.exit_code, kExitRequestFailed);
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, BatchLine(404, kJsonHeaders,
                             ErrorBody(404, "Not Found", "no project with project_id " + kMissing,
                                       Code::kNotFound)) +
                       "\n");
}

TEST_F(CliBatch, OpenFailureIsExitThreeBeforeReadingAnyRequest) {
  const std::string input = Json{{"method", "POST"}, {"path", "/v2/project/index"}}.dump() + "\n";
  RunResult r = Certo({"--db", Db(), "api", "--batch"}, input);
  EXPECT_EQ(r.exit_code, kExitOpen);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "certo: '" + Db() + "' does not exist (pass --create to make a new file)\n");
}

}  // namespace
}  // namespace certo::testing
