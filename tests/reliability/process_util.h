// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Running the certo CLI as a separate process for the crash and concurrency tests: spawned with
// stdin and stdout redirected to files, so that what it acknowledged (its stdout) survives its
// SIGKILL, and the long-run switch CERTO_LONG=1.

#pragma once

#include "certo/record.h"

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace certo::testing {

// True when CERTO_LONG=1: the crash and concurrency tests run ten times as long.
inline bool LongRun() {
  const char* v = std::getenv("CERTO_LONG");
  return v && std::string(v) == "1";
}

// Starts `certo args...` with stdin from in_path and stdout to out_path (stderr to err_path).
// Returns the pid, or -1.
inline pid_t SpawnCli(const std::vector<std::string>& args, const std::string& in_path,
                      const std::string& out_path, const std::string& err_path) {
  std::vector<std::string> argv_strings{CERTO_CLI};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                   0644);
  pid_t pid = -1;
  if (posix_spawn(&pid, CERTO_CLI, &actions, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&actions);
  return pid;
}

// Waits for pid; returns its exit status, or 128 + signal.
inline int Wait(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// The {"status","headers","body"} lines `api --batch` wrote; a torn last line is dropped.
inline std::vector<Json> ResponseLines(const std::string& path) {
  std::vector<Json> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    Json j = Json::parse(line, nullptr, false);
    if (j.is_object()) lines.push_back(std::move(j));
  }
  return lines;
}

}  // namespace certo::testing
