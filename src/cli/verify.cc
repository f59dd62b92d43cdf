// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
//   certo --db FILE verify [--json]
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
  cmd->add_flag("--json", *json, "Print the report as JSON");
  return [json, &global]() -> int {
    auto engine = Open(global);
    if (!engine) return kExitOpen;
    auto report = engine->Verify();
    if (!report.ok()) {
      std::cerr << "certo verify: " << report.error().ToString() << '\n';
      return kExitFailed;
    }
    if (*json) {
      Response r = engine->Request("GET", "/v2/verify");
      std::cout << Json::parse(r.body).dump(2) << '\n';
    } else {
      for (const Problem& p : report->problems) std::cout << p.check << ": " << p.message << '\n';
      std::cout << report->subscriptions_checked << " subscriptions and "
                << report->links_checked << " certificate-action links checked, "
                << report->problems.size() << " problem" << (report->problems.size() == 1 ? "" : "s")
                << '\n';
    }
    return report->ok() ? kExitOk : kExitFailed;
  };
}

}  // namespace certo::cli
