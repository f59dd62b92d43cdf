// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The certo command the way gh, kubectl and sqlite3 users expect it (issue 11): global options
// before or after the command, $CERTO_DB, usage with no arguments and `help CMD`, the nearest
// command for a typo, a generated bash completion, `list` and `show` by id or code, `api
// --compact` and JSON errors that name their position, the busy exit status, and `outbox
// --ack-all`. Each case runs the built binary end to end on the example company.

#include <sstream>

#include <sqlite3.h>

#include "cliutil.h"

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitBusy = 4;

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The example company, imported once for the suite (read-only tests use it as is).
class Conventions : public ExampleCompanySuite<Conventions> {
 protected:
  static RunResult Certo(const std::vector<std::string>& args, const std::string& input = "") {
    return RunCerto(args, *dir_, input);
  }
  // A fresh copy of the example company, for tests that write.
  static std::string Copy(const std::string& name) {
    const std::string path = dir_->File(name);
    std::filesystem::copy_file(Db(), path, std::filesystem::copy_options::overwrite_existing);
    return path;
  }
};

const char kOfficeMilano[] = "Sede - Milano";

// ---- Global options, usage, typos, completion ------------------------------------------------

TEST_F(Conventions, GlobalOptionsWorkBeforeOrAfterTheCommand) {
  RunResult before = Certo({"--db", Db(), "--today", "2026-11-22", "report", "--format", "json"});
  ASSERT_EQ(before.exit_code, kExitOk) << before.err;
  RunResult after = Certo({"report", "--format", "json", "--db", Db(), "--today", "2026-11-22"});
  ASSERT_EQ(after.exit_code, kExitOk) << after.err;
  EXPECT_EQ(after.out, before.out);
  RunResult mixed = Certo({"--today", "2026-11-22", "report", "--db", Db(), "--format", "json"});
  EXPECT_EQ(mixed.out, before.out);
  EXPECT_EQ(Json::parse(after.out)["as_of"], "2026-11-22");
}

TEST_F(Conventions, CertoDbIsTheDefaultFileAndDbOverridesIt) {
  RunResult r = RunProgram(
      {"env", "CERTO_DB=" + Db(), CERTO_CLI, "--today", "2026-11-22", "report", "--format", "json"},
      "", *dir_);
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(Json::parse(r.out)["totals"]["EXPIRED"], 35);
  const std::string missing = dir_->File("missing.certo");
  r = RunProgram({"env", "CERTO_DB=" + Db(), CERTO_CLI, "--db", missing, "verify"}, "", *dir_);
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_TRUE(Contains(r.err, missing)) << r.err;
  r = RunProgram({"env", "-u", "CERTO_DB", CERTO_CLI, "verify"}, "", *dir_);
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "certo: --db is required (or set CERTO_DB to the file)\n");
}

TEST_F(Conventions, NoArgumentsPrintsTheUsageAndHelpCmdACommandsUsage) {
  RunResult r = Certo({});
  EXPECT_EQ(r.exit_code, kExitOk);
  EXPECT_EQ(r.err, "");
  EXPECT_TRUE(Contains(r.out, "Usage: certo [OPTIONS] [SUBCOMMAND]")) << r.out;
  for (const char* word : {"report", "import-people", "list", "show", "completion", "--db"}) {
    EXPECT_TRUE(Contains(r.out, word)) << word;
  }
  RunResult help = Certo({"help"});
  EXPECT_EQ(help.exit_code, kExitOk);
  EXPECT_EQ(help.out, r.out);

  r = Certo({"help", "report"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(r.out, Certo({"report", "--help"}).out);
  EXPECT_TRUE(Contains(r.out, "--format")) << r.out;
  r = Certo({"help", "key", "create"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(Contains(r.out, "--read-only")) << r.out;
  r = Certo({"help", "exprot"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "certo help: unknown command 'exprot'; did you mean 'export'?\n");
}

TEST_F(Conventions, AnUnknownCommandNamesTheNearestOne) {
  RunResult r = Certo({"--db", Db(), "reprot"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err,
            "certo: unknown command 'reprot'; did you mean 'report'?\nRun 'certo help' for the "
            "list of commands.\n");
  r = Certo({"import-peple", "x.csv"});
  EXPECT_TRUE(Contains(r.err, "did you mean 'import-people'?")) << r.err;
  r = Certo({"xyzzy"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err, "certo: unknown command 'xyzzy'\nRun 'certo help' for the list of commands.\n");
}

// The generated script, sourced in bash, completes commands, a command's options and the
// subcommands of key.
TEST_F(Conventions, BashCompletionIsGeneratedFromTheCommands) {
  RunResult script = Certo({"completion", "bash"});
  ASSERT_EQ(script.exit_code, kExitOk) << script.err;
  const std::string path = dir_->File("certo.bash");
  WriteFile(path, script.out);
  auto complete = [&](const std::string& words, int cword) {
    RunResult r = RunProgram(
        {"bash", "-c",
         "source " + path + "; COMP_WORDS=(" + words + "); COMP_CWORD=" + std::to_string(cword) +
             "; _certo; printf '%s\\n' \"${COMPREPLY[@]}\""},
        "", *dir_);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return Lines(r.out);
  };
  EXPECT_EQ(complete("certo rep", 1), std::vector<std::string>{"report"});
  EXPECT_EQ(complete("certo import", 1), (std::vector<std::string>{"import", "import-people"}));
  EXPECT_EQ(complete("certo --db f.certo report --form", 4), std::vector<std::string>{"--format"});
  EXPECT_EQ(complete("certo key c", 2), std::vector<std::string>{"create"});
  EXPECT_EQ(complete("certo key create --read", 3), std::vector<std::string>{"--read-only"});
  EXPECT_EQ(complete("certo outbox --ack", 2), (std::vector<std::string>{"--ack", "--ack-all"}));
  EXPECT_EQ(Certo({"completion", "fish"}).exit_code, kExitUsage);
}

// ---- list and show -------------------------------------------------------------------------

TEST_F(Conventions, ListPrintsEveryRowAsATableJsonOrCsv) {
  RunResult json = Certo({"--db", Db(), "list", "office", "-o", "json"});
  ASSERT_EQ(json.exit_code, kExitOk) << json.err;
  Json offices = Json::parse(json.out);
  ASSERT_EQ(offices.size(), 3u);
  RunResult api = Certo({"--db", Db(), "api", "POST", "/v2/office/index", "--compact"});
  EXPECT_EQ(offices, Json::parse(api.out));

  RunResult table = Certo({"--db", Db(), "list", "office"});
  ASSERT_EQ(table.exit_code, kExitOk) << table.err;
  std::vector<std::string> lines = Lines(table.out);
  ASSERT_EQ(lines.size(), 4u) << table.out;
  EXPECT_EQ(lines[0].rfind("OFFICE_ID", 0), 0u) << lines[0];
  EXPECT_TRUE(Contains(table.out, kOfficeMilano));

  RunResult csv = Certo({"--db", Db(), "list", "office", "-o", "csv"});
  ASSERT_EQ(csv.exit_code, kExitOk);
  EXPECT_FALSE(Contains(csv.out, "\r"));
  EXPECT_EQ(Lines(csv.out).size(), 4u);

  // All pages: the example company has more than 100 people (the JSON API's page).
  RunResult people = Certo({"--db", Db(), "list", "person", "-o", "json"});
  RunResult count = Certo({"--db", Db(), "api", "POST", "/v2/person/index", "--headers"});
  EXPECT_EQ(
      Json::parse(people.out).size(),
      std::stoul(Json::parse(count.out)["headers"]["X-Pagination-Total-Count"].get<std::string>()));
  EXPECT_GT(Json::parse(people.out).size(), 100u);
}

TEST_F(Conventions, ListFiltersSortsAndLimits) {
  RunResult r = Certo({"--db", Db(), "list", "office", "--filter", "name=milano", "-o", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  Json rows = Json::parse(r.out);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["name"], kOfficeMilano);
  r = Certo({"--db", Db(), "list", "person", "--sort", "-last_name", "--limit", "3", "-o", "json"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  rows = Json::parse(r.out);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_GE(rows[0]["last_name"].get<std::string>(), rows[2]["last_name"].get<std::string>());
  r = Certo({"--db", Db(), "list", "person", "--filter", "shoe_size=42"});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_TRUE(Contains(r.err, "shoe_size")) << r.err;
  r = Certo({"--db", Db(), "list", "persons"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_TRUE(Contains(r.err, "unknown collection 'persons'; one of: ")) << r.err;
}

TEST_F(Conventions, ShowFindsARowByIdOrByCode) {
  Json offices = Json::parse(Certo({"--db", Db(), "list", "office", "-o", "json"}).out);
  Json office = offices[0];
  const std::string id = office["office_id"];
  RunResult by_id = Certo({"--db", Db(), "show", "office", id, "-o", "json"});
  ASSERT_EQ(by_id.exit_code, kExitOk) << by_id.err;
  EXPECT_EQ(Json::parse(by_id.out), office);
  ASSERT_TRUE(office["code"].is_string());
  std::string code = office["code"];
  for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  RunResult by_code = Certo({"--db", Db(), "show", "office", code, "-o", "json"});
  ASSERT_EQ(by_code.exit_code, kExitOk) << by_code.err;
  EXPECT_EQ(by_code.out, by_id.out);
  RunResult text = Certo({"--db", Db(), "show", "office", id});
  ASSERT_FALSE(Lines(text.out).empty());
  EXPECT_TRUE(Lines(text.out)[0].starts_with("office_id: ")) << text.out;
  EXPECT_TRUE(Lines(text.out)[0].ends_with(" " + id)) << text.out;
  // A project has no code: its name finds it.
  RunResult project = Certo({"--db", Db(), "show", "project", "rossi costruzioni s.p.a."});
  EXPECT_EQ(project.exit_code, kExitOk) << project.err;
  RunResult missing = Certo({"--db", Db(), "show", "office", "NOPE"});
  EXPECT_EQ(missing.exit_code, kExitFailed);
  EXPECT_EQ(missing.err, "certo show: no office with id or code 'NOPE'\n");
}

// ---- api -----------------------------------------------------------------------------------

TEST_F(Conventions, ApiCompactPrintsOneLine) {
  RunResult r = Certo({"--db", Db(), "api", "POST", "/v2/office/index", "--compact"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 1u);
  EXPECT_EQ(r.out, Json::parse(r.out).dump() + "\n");
}

// The method and the query string go to the JSON API as typed: the CLI refuses no spelling of
// the method (what the router accepts is the router's business, issue 9), so `post` and a GET
// index with filters in the query string get the router's answer, never a usage error.
TEST_F(Conventions, ApiPassesTheMethodAndQueryStringThrough) {
  // Methods in any case; the GET form of index reads filter[...], per-page and page.
  RunResult all = Certo({"--db", Db(), "api", "post", "/v2/office/index", "--compact"});
  ASSERT_EQ(all.exit_code, kExitOk) << all.err;
  EXPECT_GT(Json::parse(all.out).size(), 1u) << all.out;

  RunResult one = Certo({"--db", Db(), "api", "Get",
                         "/v2/office/index?filter[code]=MI&per-page=1&page=1", "--compact"});
  ASSERT_EQ(one.exit_code, kExitOk) << one.err;
  Json rows = Json::parse(one.out);
  ASSERT_EQ(rows.size(), 1u) << one.out;
  EXPECT_EQ(rows[0]["name"], "Sede - Milano");
}

TEST_F(Conventions, MalformedJsonBodyNamesTheLineAndColumn) {
  RunResult r = Certo({"--db", Db(), "api", "POST", "/v2/project/create", "-", "--compact"},
                      "{\n  \"name\": \"ACME\",\n  \"country\": IT\n}\n");
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.out, "");
  Json body = Json::parse(r.err.substr(r.err.find('{')));
  EXPECT_EQ(body["status"], 400);
  const std::string message = body["message"];
  EXPECT_EQ(message.rfind("the body is not valid JSON: line 3, column 14: syntax error", 0), 0u)
      << message;

  // A batch line and an import line say the column too.
  r = Certo({"--db", Db(), "api", "--batch"}, "{\"method\": \"GET\", \"path\" \"/x\"}\n");
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_TRUE(Contains(r.out, "line 1: not valid JSON at column 29: syntax error")) << r.out;
  const std::string file = dir_->File("bad.jsonl");
  WriteFile(file, "\n{\"method\": \"POST\", \"path\": \"/v2/project/create\", \"body\": {,}}\n");
  r = Certo({"--db", Copy("bad.certo"), "import", file});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_TRUE(Contains(r.err, "line 2: HTTP 400: ")) << r.err;
  EXPECT_TRUE(Contains(r.err, "not valid JSON at column 59: syntax error")) << r.err;
}

// ---- Exit statuses -------------------------------------------------------------------------

TEST_F(Conventions, ALockedFileIsExitFourSoAScriptCanRetry) {
  const std::string db = Copy("locked.certo");
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  RunResult r = Certo({"--db", db, "--busy-timeout", "50", "api", "POST", "/v2/project/create",
                       R"({"name": "Blocked"})"});
  EXPECT_EQ(r.exit_code, kExitBusy) << r.err;
  EXPECT_TRUE(Contains(r.err, "HTTP 503")) << r.err;
  const std::string file = dir_->File("one.jsonl");
  WriteFile(file, R"({"method": "POST", "path": "/v2/project/create", "body": {"name": "B"}})"
                  "\n");
  r = Certo({"--db", db, "--busy-timeout", "50", "import", file});
  EXPECT_EQ(r.exit_code, kExitBusy) << r.err;
  r = Certo({"--db", db, "--busy-timeout", "50", "outbox", "--ack-all"});
  EXPECT_EQ(r.exit_code, kExitBusy) << r.err;
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  r = Certo({"--db", db, "api", "POST", "/v2/project/create", R"({"name": "Free"})"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
}

TEST_F(Conventions, ImportSaysWhyItCannotReadAFile) {
  RunResult r = Certo({"--db", Db(), "import", dir_->File("nope.jsonl")});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err, "certo import: cannot read '" + dir_->File("nope.jsonl") +
                       "': No such file or directory\n");
  r = Certo({"--db", Db(), "import", dir_->path().string()});
  EXPECT_EQ(r.err,
            "certo import: cannot read '" + dir_->path().string() + "': it is a directory\n");
  if (geteuid() != 0) {  // root reads a mode-000 file all the same
    const std::string locked = dir_->File("secret.jsonl");
    WriteFile(locked, "");
    std::filesystem::permissions(locked, std::filesystem::perms::none);
    r = Certo({"--db", Db(), "import", locked});
    EXPECT_EQ(r.err, "certo import: cannot read '" + locked + "': Permission denied\n");
  }
}

// ---- outbox --------------------------------------------------------------------------------

TEST_F(Conventions, OutboxAckAllAcknowledgesEveryPendingEvent) {
  const std::string db = Copy("outbox.certo");
  RunResult pending = Certo({"--db", db, "api", "GET", "/v2/outbox/index?limit=10000"});
  ASSERT_EQ(pending.exit_code, kExitOk) << pending.err;
  RunResult r = Certo({"--db", db, "outbox", "--ack-all"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(r.out.starts_with("acknowledged ")) << r.out;
  EXPECT_NE(r.out, "acknowledged 0 events\n");
  EXPECT_EQ(Certo({"--db", db, "outbox"}).out, "");
  EXPECT_EQ(Certo({"--db", db, "outbox", "--ack-all"}).out, "acknowledged 0 events\n");
  EXPECT_EQ(Certo({"--db", db, "outbox", "--ack-all", "--ack"}).exit_code, kExitUsage);
}

TEST_F(Conventions, OutboxStatusSetsAndShowsTheRetentionPolicyAndCompactShrinksTheFile) {
  const std::string db = Copy("outbox.certo");
  RunResult r = Certo({"--db", db, "outbox", "--status"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  Json before = Json::parse(r.out);
  EXPECT_EQ(before["max_events"], nullptr);
  EXPECT_EQ(before["dropped"], 0);
  const int64_t pending = before["pending"].get<int64_t>();
  ASSERT_GT(pending, 2);
  r = Certo({"--db", db, "outbox", "--status", "--keep-events", "2"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  Json after = Json::parse(r.out);
  EXPECT_EQ(after["max_events"], 2);
  EXPECT_EQ(after["pending"], 2);
  EXPECT_EQ(after["dropped"], pending - 2);
  r = Certo({"--db", db, "verify", "--depth", "schedule"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.out;
  EXPECT_NE(r.out.find("outbox: " + std::to_string(pending - 2) +
                       " events dropped by the retention policy"),
            std::string::npos)
      << r.out;
  // 0 lifts the limit; an option left out keeps its value.
  r = Certo({"--db", db, "outbox", "--status", "--keep-days", "30"});
  EXPECT_EQ(Json::parse(r.out)["max_events"], 2);
  r = Certo({"--db", db, "outbox", "--status", "--keep-events", "0"});
  EXPECT_EQ(Json::parse(r.out)["max_events"], nullptr);
  EXPECT_EQ(Json::parse(r.out)["max_days"], 30);
  EXPECT_EQ(Certo({"--db", db, "outbox", "--keep-events", "3"}).exit_code, kExitUsage);
  EXPECT_EQ(Certo({"--db", db, "outbox", "--status", "--keep-events", "-1"}).exit_code,
            kExitUsage);

  r = Certo({"--db", db, "compact", "--vacuum"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(r.out.starts_with("compact: ")) << r.out;
  EXPECT_NE(r.out.find(" (vacuumed)"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace certo::testing
