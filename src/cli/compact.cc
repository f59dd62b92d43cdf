// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE compact [--vacuum]
// Gives the file's unused space back (certo/compact.h): checkpoints and truncates the
// write-ahead log; --vacuum also rewrites the file without its free pages (after acknowledging
// or dropping many events, say). Prints the bytes before and after.

#include <iostream>

#include "cli.h"

namespace certo::cli {

Runner AddCompactCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "compact",
      "Checkpoint and truncate the write-ahead log (--vacuum: also rewrite the file without its "
      "free pages); print the bytes before and after");
  auto vacuum = std::make_shared<bool>(false);
  cmd->add_flag("--vacuum", *vacuum,
                "Rewrite the file without its free pages (needs as much free disk as the file)");
  return [vacuum, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    Result<CompactResult> result = engine->Compact(*vacuum);
    if (!result.ok()) {
      std::cerr << "certo compact: " << result.error().ToString() << '\n';
      return ExitFor(result.error());
    }
    std::cout << "compact: " << result->bytes_before << " bytes before, " << result->bytes_after
              << " after" << (result->vacuumed ? " (vacuumed)" : "") << '\n';
    return kExitOk;
  };
}

}  // namespace certo::cli
