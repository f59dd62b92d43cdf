// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo device init`, `certo sync` and `certo sync conflicts`: the README's two-machine
// walkthrough run as written (with the built certo, in a temporary folder) and compared with the
// output the README shows, and the commands' errors and exit statuses.

#include <gtest/gtest.h>

#include "cli/cliutil.h"
#include "testutil.h"

namespace certo::testing {
namespace {

std::string SourcePath(const std::string& relative) {
  return std::string(CERTO_SOURCE_DIR) + "/" + relative;
}

// The fenced block after marker in the README (its text between the fences).
std::string Block(const std::string& readme, const std::string& marker) {
  size_t at = readme.find(marker);
  if (at == std::string::npos) return "";
  at = readme.find("```", at);
  at = readme.find('\n', at) + 1;
  return readme.substr(at, readme.find("```", at) - at);
}

TEST(SyncCli, TheReadmeWalkthroughPrintsWhatTheReadmeShows) {
  const std::string readme = ReadFile(SourcePath("README.md"));
  std::string script = Block(readme, "<!-- ci:sync-walkthrough -->");
  ASSERT_NE(script.find("certo sync tablet.certo office.certo"), std::string::npos) << script;
  std::string commands;
  for (size_t start = 0; start < script.size();) {
    size_t end = script.find('\n', start);
    std::string line = script.substr(start, end - start);
    if (line.starts_with("certo ")) line = std::string(CERTO_CLI) + line.substr(5);
    commands += line + "\n";
    start = end + 1;
  }
  const std::string intro = "```\n\nprints\n\n```\n";
  const size_t at = readme.find(intro, readme.find("<!-- ci:sync-walkthrough -->"));
  ASSERT_NE(at, std::string::npos);
  const std::string expected =
      readme.substr(at + intro.size(), readme.find("```", at + intro.size()) - at - intro.size());
  TempDir dir;
  RunResult r = RunProgram(
      {"bash", "-o", "pipefail", "-ec", "cd '" + dir.path().string() + "'\n" + commands}, "", dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.out, expected);
}

TEST(SyncCli, InitAndSyncRefuseWhatTheyCannotDoWithExitOne) {
  TempDir dir;
  const std::string hub = dir.File("hub.certo"), tablet = dir.File("tablet.certo");
  ASSERT_EQ(RunProgram({CERTO_CLI, "--db", hub, "--create", "--today", "2026-11-22", "api", "POST",
                        "/v2/project/create", R"({"name": "ACME"})"},
                       "", dir)
                .exit_code,
            0);
  RunResult init =
      RunProgram({CERTO_CLI, "device", "init", "--hub", hub, "--out", tablet}, "", dir);
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_TRUE(init.out.starts_with("device: " + tablet + " (device ")) << init.out;
  RunResult again =
      RunProgram({CERTO_CLI, "device", "init", "--hub", hub, "--out", tablet}, "", dir);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(again.err, "certo device init: validation: out_path: '" + tablet +
                           "' already exists: a device is made as a new file\n");
  RunResult reversed = RunProgram({CERTO_CLI, "sync", hub, tablet}, "", dir);
  EXPECT_EQ(reversed.exit_code, 1);
  EXPECT_EQ(reversed.err,
            "certo sync: invalid_argument: this file is not a device: make one from its hub with "
            "`certo device init`\n");
  RunResult missing = RunProgram({CERTO_CLI, "sync", tablet}, "", dir);
  EXPECT_EQ(missing.exit_code, 2);
  RunResult nothing = RunProgram({CERTO_CLI, "sync", "conflicts", hub}, "", dir);
  EXPECT_EQ(nothing.exit_code, 0);
  EXPECT_EQ(nothing.out, "");
}

TEST(SyncCli, ConflictsArePrintedAndALostValueIsRestored) {
  TempDir dir;
  const std::string hub = dir.File("hub.certo"), tablet = dir.File("tablet.certo");
  const std::string person = "5a0b2a4e-0000-4000-8000-000000000003";
  auto certo = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {CERTO_CLI, "--today", "2026-11-22"});
    return RunProgram(args, "", dir);
  };
  ASSERT_EQ(certo({"--db", hub, "--create", "api", "POST", "/v2/project/create",
                   R"({"project_id": "5a0b2a4e-0000-4000-8000-000000000001", "name": "ACME"})"})
                .exit_code,
            0);
  ASSERT_EQ(certo({"--db", hub, "api", "POST", "/v2/person/create",
                   R"({"person_id": ")" + person +
                       R"(", "project_id": "5a0b2a4e-0000-4000-8000-000000000001",
                           "first_name": "Ada", "last_name": "Rossi"})"})
                .exit_code,
            0);
  ASSERT_EQ(certo({"device", "init", "--hub", hub, "--out", tablet}).exit_code, 0);
  ASSERT_EQ(
      certo({"--db", tablet, "api", "PUT", "/v2/person/update/" + person, R"({"note": "tablet"})"})
          .exit_code,
      0);
  ASSERT_EQ(
      certo({"--db", hub, "api", "PUT", "/v2/person/update/" + person, R"({"note": "office"})"})
          .exit_code,
      0);
  RunResult synced = certo({"sync", tablet, hub});
  ASSERT_EQ(synced.exit_code, 0) << synced.err;
  // Both writes have the same time (--today pins it to midnight): the writers' ids, random,
  // decide the winner, and with it whether the device's change is in the hub's history.
  EXPECT_TRUE(synced.out.starts_with("sync: pushed 1, pulled ")) << synced.out;
  EXPECT_NE(synced.out.find(", conflicts 1; position "), std::string::npos) << synced.out;
  RunResult log = certo({"sync", "conflicts", hub});
  ASSERT_EQ(log.exit_code, 0);
  const Json conflict = Json::parse(log.out);  // one line
  EXPECT_EQ(conflict["kind"], "FIELD");
  EXPECT_EQ(conflict["field"], "note");
  RunResult restored = certo({"sync", "restore", "1", hub});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(Json::parse(restored.out)["note"], conflict["lost"]);
  RunResult twice = certo({"--db", hub, "sync", "restore", "1"});
  EXPECT_EQ(twice.exit_code, 1);
  EXPECT_EQ(twice.err, "certo sync restore: conflict: conflict 1 was restored at " +
                           conflict["detected_at"].get<std::string>() + "\n");
}

}  // namespace
}  // namespace certo::testing
