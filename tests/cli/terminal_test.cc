// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// What the certo command does differently on a terminal, and the safety of import-people: the
// progress of generate and import (rate and ETA), drawn on stderr only when it is a terminal;
// the default cap on historicizations; the confirmation asked on a terminal before people are
// historicized; --map for HR headers; --project by name. A terminal is given to the command by
// script(1) (util-linux), which runs it on a pseudo-terminal and copies stdin to it.

#include <sstream>

#include "cliutil.h"

namespace certo::testing {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

const char kCompany[] = "Rossi Costruzioni S.p.A.";

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

std::string Quote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string CsvCell(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

class Terminal : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string(CERTO_CLI).empty()) GTEST_SKIP() << "the certo CLI is not built";
    RunResult r = Certo({"--create", "import", SourcePath("examples/company.jsonl")});
    ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  }
  std::string Db() const { return dir_.File("example.certo"); }
  RunResult Certo(const std::vector<std::string>& args, const std::string& input = "") {
    std::vector<std::string> all{"--db", Db(), "--today", "2026-11-22"};
    all.insert(all.end(), args.begin(), args.end());
    return RunCerto(all, dir_, input);
  }
  // certo args... on a pseudo-terminal (stdin, stdout and stderr), typing input; what the
  // terminal showed comes back in out.
  RunResult OnTerminal(const std::vector<std::string>& args, const std::string& input = "") {
    std::string command = Quote(CERTO_CLI) + " --db " + Quote(Db()) + " --today 2026-11-22";
    for (const std::string& a : args) command += " " + Quote(a);
    return RunProgram({"script", "-qec", command, "/dev/null"}, input, dir_);
  }
  // The project's current people: code, first_name, last_name.
  std::vector<std::vector<std::string>> People() {
    RunResult r = Certo({"list", "person", "-o", "json"});
    EXPECT_EQ(r.exit_code, kExitOk) << r.err;
    std::vector<std::vector<std::string>> people;
    for (const Json& p : Json::parse(r.out)) {
      if (!p["code"].is_string()) continue;
      people.push_back({p["code"], p["first_name"], p["last_name"]});
    }
    return people;
  }
  std::string Roster(const std::vector<std::vector<std::string>>& people,
                     const std::string& header = "code,first_name,last_name") {
    std::string csv = header + "\n";
    for (const auto& p : people)
      csv += CsvCell(p[0]) + "," + CsvCell(p[1]) + "," + CsvCell(p[2]) + "\n";
    const std::string path = dir_.File("roster.csv");
    WriteFile(path, csv);
    return path;
  }
  TempDir dir_;
};

TEST_F(Terminal, GenerateShowsProgressOnATerminalOnly) {
  const std::string db = dir_.File("generated.certo");
  RunResult tty = RunProgram({"script", "-qec",
                              Quote(CERTO_CLI) + " --db " + Quote(db) +
                                  " --create --today 2026-11-22 generate --people 30",
                              "/dev/null"},
                             "", dir_);
  ASSERT_EQ(tty.exit_code, kExitOk) << tty.out;
  EXPECT_TRUE(Contains(tty.out, "generating: ")) << tty.out;
  EXPECT_TRUE(Contains(tty.out, " of 30 people (")) << tty.out;
  EXPECT_TRUE(Contains(tty.out, "rows/s")) << tty.out;
  EXPECT_TRUE(Contains(tty.out, "generated ")) << tty.out;
  std::filesystem::remove(db);
  RunResult piped = RunCerto({"--db", db, "--create", "generate", "--people", "30"}, dir_);
  ASSERT_EQ(piped.exit_code, kExitOk) << piped.err;
  EXPECT_EQ(piped.err, "");
}

TEST_F(Terminal, ImportShowsRateAndEtaOnATerminalOnly) {
  const std::string db = dir_.File("copy.certo");
  RunResult tty = RunProgram({"script", "-qec",
                              Quote(CERTO_CLI) + " --db " + Quote(db) + " --create import " +
                                  Quote(SourcePath("examples/company.jsonl")),
                              "/dev/null"},
                             "", dir_);
  ASSERT_EQ(tty.exit_code, kExitOk) << tty.out;
  EXPECT_TRUE(Contains(tty.out, "lines/s  ETA ")) << tty.out;
  EXPECT_TRUE(Contains(tty.out, "imported 2071 requests")) << tty.out;
}

TEST_F(Terminal, ARosterThatRetiresMoreThanTheCapWritesNothing) {
  const auto people = People();
  ASSERT_GT(people.size(), 100u);
  const std::string roster = Roster({people[0], people[1], people[2]});
  RunResult r = Certo({"import-people", roster, "--project", kCompany});
  EXPECT_EQ(r.exit_code, kExitFailed);
  const std::string n = std::to_string(people.size());
  EXPECT_TRUE(Contains(r.err, "the plan historicizes " + std::to_string(people.size() - 3) +
                                  " of " + n +
                                  " current people, more than --max-retire 25% "
                                  "allows ("))
      << r.err;
  EXPECT_TRUE(Contains(r.err, "nothing written")) << r.err;
  EXPECT_EQ(People().size(), people.size());
  // The flag raises the cap.
  r = Certo({"import-people", roster, "--project", kCompany, "--max-retire", "100", "--dry-run"});
  EXPECT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(Contains(r.out, std::to_string(people.size() - 3) + " to historicize")) << r.out;
}

TEST_F(Terminal, MapReadsAnHrExportsOwnColumnNames) {
  const auto people = People();
  const std::string roster = Roster(people, "Matricola,First Name,\"Last Name\"");
  RunResult r =
      Certo({"import-people", roster, "--project", kCompany, "--dry-run", "--map", "Matricola=code",
             "--map", "First Name=first_name", "--map", "Last Name=last_name"});
  ASSERT_EQ(r.exit_code, kExitOk) << r.err;
  EXPECT_TRUE(Contains(r.out, "0 to create, 0 to update, 0 to restore, 0 to historicize, " +
                                  std::to_string(people.size()) + " unchanged\n"))
      << r.out;
  r = Certo({"import-people", roster, "--project", kCompany, "--map", "Cognome=last_name"});
  EXPECT_EQ(r.exit_code, kExitUsage);
  EXPECT_EQ(r.err,
            "certo import-people: --map: " + roster +
                " has no column 'Cognome'; its header is: 'Matricola' 'First Name' 'Last Name'\n");
  r = Certo({"import-people", roster, "--project", "Nobody S.r.l."});
  EXPECT_EQ(r.exit_code, kExitFailed);
  EXPECT_EQ(r.err, "certo import-people: --project: no project with id or name 'Nobody S.r.l.'\n");
}

TEST_F(Terminal, ATerminalConfirmsBeforeHistoricizing) {
  auto people = People();
  const std::string leaver = people.back()[0];
  people.pop_back();
  const std::string roster = Roster(people);
  RunResult no = OnTerminal({"import-people", roster, "--project", kCompany}, "n\n");
  EXPECT_TRUE(Contains(no.out, "Historicize 1 person absent from " + roster + "? [y/N] "))
      << no.out;
  EXPECT_TRUE(Contains(no.out, "nothing written")) << no.out;
  EXPECT_EQ(no.exit_code, kExitFailed);
  EXPECT_EQ(People().size(), people.size() + 1);

  RunResult yes = OnTerminal({"import-people", roster, "--project", kCompany}, "y\n");
  EXPECT_EQ(yes.exit_code, kExitOk) << yes.out;
  EXPECT_TRUE(Contains(yes.out, "written")) << yes.out;
  EXPECT_EQ(People().size(), people.size());
  // Not on a terminal (a cron job), or with --yes: no question.
  RunResult again = Certo({"import-people", roster, "--project", kCompany});
  EXPECT_EQ(again.exit_code, kExitOk) << again.err;
  EXPECT_FALSE(Contains(again.out + again.err, "[y/N]"));
}

}  // namespace
}  // namespace certo::testing
