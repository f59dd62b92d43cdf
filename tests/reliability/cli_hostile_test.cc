// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo api --batch` and `certo import --each` go on after a line that once killed them (an
// invalid UTF-8 path, 50,000-deep JSON), and the CLI names the true cause of an open failure.

#include "process_util.h"
#include "testutil.h"

namespace certo::testing {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The hostile lines, then one good create.
void WriteHostileLines(const std::string& path) {
  std::ofstream out(path);
  out << R"({"method": "GET", "path": "/v2/person/view/%FF"})" << '\n'
      << R"({"method": "GET", "path": "/v2/%C3%28/view/x"})" << '\n'
      << R"({"method": "POST", "path": "/v2/project/index", "body": {"filter": {"name": )"
      << std::string(50000, '[') << std::string(50000, ']') << "}}}\n"
      << R"({"method": "POST", "path": "/v2/project/create", "body": {"name": "After"}})" << '\n';
}

TEST(CliHostile, BatchAnswersEveryLineAfterHostileOnes) {
  TempDir dir;
  const std::string db = dir.File("c.certo");
  WriteHostileLines(dir.File("in.jsonl"));
  pid_t pid = SpawnCli({"--db", db, "--create", "api", "--batch"}, dir.File("in.jsonl"),
                       dir.File("out.jsonl"), dir.File("err.txt"));
  ASSERT_GT(pid, 0);
  EXPECT_EQ(Wait(pid), 1);  // some line failed
  std::vector<Json> lines = ResponseLines(dir.File("out.jsonl"));
  ASSERT_EQ(lines.size(), 4u) << ReadAll(dir.File("err.txt"));
  EXPECT_EQ(lines[0]["status"], 400);
  EXPECT_EQ(lines[1]["status"], 400);
  EXPECT_EQ(lines[2]["status"], 400);
  EXPECT_EQ(lines[2]["body"]["message"],
            "line 3: the line nests deeper than 512 levels of arrays and objects");
  EXPECT_EQ(lines[3]["status"], 201);
}

TEST(CliHostile, ImportEachSkipsHostileLinesAndAppliesTheRest) {
  TempDir dir;
  const std::string db = dir.File("c.certo");
  WriteHostileLines(dir.File("in.jsonl"));
  pid_t pid = SpawnCli({"--db", db, "--create", "import", "--each", dir.File("in.jsonl")},
                       "/dev/null", dir.File("out.txt"), dir.File("err.txt"));
  ASSERT_GT(pid, 0);
  EXPECT_EQ(Wait(pid), 1);
  EXPECT_EQ(ReadAll(dir.File("out.txt")),
            "imported 1 request from " + dir.File("in.jsonl") + "; 3 failed and were skipped\n");
  auto engine = OpenEngine(db);
  EXPECT_EQ(engine->Index("project")->total_count, 1);
}

TEST(CliHostile, ZeroByteFileIsRefusedWithoutCreateByReadOnlyCommands) {
  TempDir dir;
  const std::string db = dir.File("empty.certo");
  std::ofstream(db).close();
  for (std::vector<std::string> command :
       {std::vector<std::string>{"verify"}, std::vector<std::string>{"report"}}) {
    std::vector<std::string> args{"--db", db};
    args.insert(args.end(), command.begin(), command.end());
    pid_t pid = SpawnCli(args, "/dev/null", dir.File("out.txt"), dir.File("err.txt"));
    ASSERT_GT(pid, 0);
    EXPECT_EQ(Wait(pid), 3) << command[0];
    EXPECT_EQ(ReadAll(dir.File("err.txt")),
              "certo: '" + db +
                  "' is empty (0 bytes), not a certo file; create_if_missing (--create) makes it "
                  "a new one\n");
    EXPECT_EQ(std::filesystem::file_size(db), 0u);
  }
}

}  // namespace
}  // namespace certo::testing
