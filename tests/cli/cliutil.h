// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Running programs from tests: the certo CLI, python3, chromium. Each run gets its stdin from a
// string and its stdout and stderr captured separately, through files in a temporary directory.

#pragma once

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

extern char** environ;

namespace certo::testing {

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

struct RunResult {
  int exit_code = -1000;  // the exit status, or -signal when the process was killed
  std::string out;
  std::string err;
};

// Runs argv (argv[0]: a path, or a name looked up in PATH) with input on stdin. A process still
// running after timeout_seconds is killed (a safety net for hung browsers, not a measurement).
inline RunResult RunProgram(const std::vector<std::string>& args, const std::string& input,
                            const TempDir& dir, int timeout_seconds = 600) {
  static int runs = 0;
  const std::string n = std::to_string(++runs);
  const std::string in = dir.File("run-stdin." + n), out = dir.File("run-stdout." + n),
                    err = dir.File("run-stderr." + n);
  WriteFile(in, input);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> storage = args;
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  argv.push_back(nullptr);
  RunResult result;
  pid_t pid = 0;
  int rc = posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    ADD_FAILURE() << "cannot spawn " << args[0] << ": " << std::strerror(rc);
    return result;
  }
  int status = 0;
  for (int waited_ms = 0;; waited_ms += 20) {
    pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) break;
    if (waited_ms > timeout_seconds * 1000) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << args[0] << " did not finish within " << timeout_seconds << " s";
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
  result.out = ReadFile(out);
  result.err = ReadFile(err);
  std::filesystem::remove(in);
  std::filesystem::remove(out);
  std::filesystem::remove(err);
  return result;
}

// Runs the certo CLI.
inline RunResult RunCerto(const std::vector<std::string>& args, const TempDir& dir,
                          const std::string& input = "") {
  std::vector<std::string> all{CERTO_CLI};
  all.insert(all.end(), args.begin(), args.end());
  return RunProgram(all, input, dir);
}

inline std::string SourcePath(const std::string& relative) {
  return (std::filesystem::path(CERTO_SOURCE_DIR) / relative).string();
}

// A suite whose tests share the example company, imported once for the suite (read-only tests
// use it as is). Suite is the derived fixture, so each suite has its own directory.
template <typename Suite>
class ExampleCompanySuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    RunResult r =
        RunCerto({"--db", Db(), "--create", "import", SourcePath("examples/company.jsonl")}, *dir_);
    ASSERT_EQ(r.exit_code, 0) << r.err;  // the import succeeded
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  void SetUp() override {
    if (std::string(CERTO_CLI).empty()) GTEST_SKIP() << "the certo CLI is not built";
  }
  static std::string Db() { return dir_->File("example.certo"); }

  static inline TempDir* dir_ = nullptr;
};

}  // namespace certo::testing
