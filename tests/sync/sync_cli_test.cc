// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo device init`, `certo sync` and `certo sync conflicts`: the README's two-machine
// walkthrough run as written (with the built certo, in a temporary folder) and compared with the
// output the README shows, and the commands' errors and exit statuses.

#include <tuple>

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

TEST(SyncCli, InitWithAnOfficeMakesADeviceOfThatOfficeByIdNameOrCode) {
  TempDir dir;
  const std::string hub = dir.File("hub.certo");
  const std::string project = "5a0b2a4e-0000-4000-8000-000000000001";
  const std::string site_a = "5a0b2a4e-0000-4000-8000-000000000002";
  const std::string site_b = "5a0b2a4e-0000-4000-8000-000000000004";
  auto certo = [&](std::vector<std::string> args) {
    args.insert(args.begin(), {CERTO_CLI, "--today", "2026-11-22"});
    return RunProgram(args, "", dir);
  };
  ASSERT_EQ(certo({"--db", hub, "--create", "api", "POST", "/v2/project/create",
                   R"({"project_id": ")" + project + R"(", "name": "ACME"})"})
                .exit_code,
            0);
  for (const auto& [id, name, code] :
       {std::tuple{site_a, "Site A", "SA"}, std::tuple{site_b, "Site B", "SB"}}) {
    ASSERT_EQ(
        certo({"--db", hub, "api", "POST", "/v2/office/create",
               Json{{"office_id", id}, {"project_id", project}, {"name", name}, {"code", code}}
                   .dump()})
            .exit_code,
        0);
  }
  for (const std::string& office : {site_a, std::string("site a"), std::string("SA")}) {
    const std::string out = dir.File("tablet-" + std::to_string(office.size()) + ".certo");
    RunResult init = certo({"device", "init", "--hub", hub, "--out", out, "--office", office});
    ASSERT_EQ(init.exit_code, 0) << init.err;
    EXPECT_NE(init.out.find("), project " + project + ", office " + site_a + ", at position "),
              std::string::npos)
        << init.out;
    RunResult offices = certo({"--db", out, "list", "office", "-o", "csv"});
    ASSERT_EQ(offices.exit_code, 0) << offices.err;
    EXPECT_NE(offices.out.find("Site A"), std::string::npos);
    EXPECT_EQ(offices.out.find("Site B"), std::string::npos) << offices.out;
  }
  RunResult unknown =
      certo({"device", "init", "--hub", hub, "--out", dir.File("x.certo"), "--office", "Site C"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_EQ(unknown.err, "certo device init: --office: no office with id, name or code 'Site C'\n");
  const std::string none = "5a0b2a4e-0000-4000-8000-0000000000ff";
  RunResult missing =
      certo({"device", "init", "--hub", hub, "--out", dir.File("x.certo"), "--office", none});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err,
            "certo device init: validation: office_id: refers to no office with this "
            "id (" +
                none + ")\n");
  EXPECT_FALSE(std::filesystem::exists(dir.File("x.certo")));
}

}  // namespace
}  // namespace certo::testing
