// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE export [--project ID] > requests.jsonl
// Writes every row (of one project, or of all) as a JSON-API create request, parents before
// children, then a historicize request for each retired row: `certo import` of the output into
// an empty file rebuilds the same state.

#include <iostream>

#include "cli.h"

namespace certo::cli {

Runner AddExportCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "export",
      "Write the file's rows as JSON-API create requests (JSON lines, dependency order) that "
      "`import` replays into an empty file to the same state");
  auto project = std::make_shared<std::string>();
  cmd->add_option("--project", *project, "Only this project (its id); default: every project");
  return [project, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    long rows = 0;
    Status status = engine->Export(*project, [&](const Json& request) {
      std::cout << request.dump() << '\n';
      ++rows;
    });
    std::cout.flush();
    if (!status.ok()) {
      std::cerr << "certo export: " << (status.IsNotFound() ? "--project: " : "")
                << status.message() << '\n';
      return kExitFailed;
    }
    if (!std::cout) {
      std::cerr << "certo export: cannot write the output\n";
      return kExitFailed;
    }
    return kExitOk;
  };
}

}  // namespace certo::cli
