// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE verify [--depth full|quick|schedule] [--json]
// Recomputes every subscription from scratch and checks the file; prints each problem and exits
// 1 if there is any.

#include <iostream>

#include "cli.h"

namespace certo::cli {

Runner AddVerifyCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "verify",
      "Recompute every subscription's status inputs from scratch, run SQLite's integrity and "
      "foreign-key checks, and print every disagreement (exit 1 if any)");
  auto json = std::make_shared<bool>(false);
  auto depth = std::make_shared<std::string>("full");
  cmd->add_flag("--json", *json, "Print the report as JSON");
  cmd->add_option("--depth", *depth,
                  "full: also SQLite's integrity_check and foreign_key_check (reads the whole "
                  "file); quick: quick_check instead of integrity_check; schedule: certo's "
                  "checks only")
      ->default_val("full")
      ->check(CLI::IsMember({"full", "quick", "schedule"}));
  return [json, depth, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    VerifyOptions options;
    options.depth = *depth == "full"    ? VerifyOptions::Depth::kFull
                    : *depth == "quick" ? VerifyOptions::Depth::kQuick
                                        : VerifyOptions::Depth::kSchedule;
    auto report = engine->Verify(options);
    if (!report.ok()) {
      std::cerr << "certo verify: " << report.error().ToString() << '\n';
      return kExitFailed;
    }
    if (*json) {
      Response r = engine->Request("GET", "/v2/verify?depth=" + *depth);
      std::cout << Json::parse(r.body).dump(2) << '\n';
    } else {
      for (const Problem& p : report->problems) std::cout << p.check << ": " << p.message << '\n';
      std::cout << report->subscriptions_checked << " subscriptions and " << report->links_checked
                << " certificate-action links checked, " << report->problems.size() << " problem"
                << (report->problems.size() == 1 ? "" : "s") << '\n';
      if (report->outbox_dropped > 0) {
        std::cout << "outbox: " << report->outbox_dropped
                  << " events dropped by the retention policy (through seq "
                  << report->outbox_dropped_through << ")\n";
      }
    }
    return report->ok() ? kExitOk : kExitFailed;
  };
}

}  // namespace certo::cli
