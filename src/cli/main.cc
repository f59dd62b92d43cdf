// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The certo command. Each subcommand lives in its own file (api.cc, verify.cc, ...); this file
// holds the global options and dispatch.
//
// Exit status: 0 success; 1 the command's work failed (a request >= 400, problems found, an
// import refused); 2 bad command line; 3 the file cannot be opened.

#include "certo/calendar.h"
#include "certo/version.h"

#include <iostream>
#include <vector>

#include "cli.h"

namespace certo::cli {

std::optional<std::optional<std::chrono::year_month_day>> ParseToday(const std::string& text) {
  if (text.empty()) return std::optional<std::chrono::year_month_day>();
  auto date = ParseDate(text);
  if (!date) {
    std::cerr << "certo: --today: must be a real calendar date in the form YYYY-MM-DD, got '"
              << text << "'\n";
    return std::nullopt;
  }
  return date;
}

std::unique_ptr<Engine> Open(const Global& global) {
  Options options;
  options.create_if_missing = global.create;
  options.busy_timeout_ms = global.busy_timeout_ms;
  options.today = *ParseToday(global.today);  // validated in main
  auto engine = Engine::Open(global.db, options);
  if (!engine.ok()) {
    std::string hint;
    // Only a missing file is one --create would make: other I/O errors have other causes.
    if (engine.error().code() == Code::kIOError && !global.create &&
        engine.error().message().ends_with("does not exist")) {
      hint = " (pass --create to make a new file)";
    }
    std::cerr << "certo: " << engine.error().message() << hint << '\n';
    return nullptr;
  }
  return std::move(*engine);
}

}  // namespace certo::cli

int main(int argc, char** argv) {
  using namespace certo::cli;
  CLI::App app{"certo " CERTO_VERSION_STRING
               " - embedded compliance engine for occupational health and safety"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CERTO_VERSION_STRING);

  Global global;
  app.add_option("--db", global.db, "The certo file (SQLite)")->required();
  app.add_option("--today", global.today,
                 "Pin the engine's date (YYYY-MM-DD); default: the local date");
  app.add_flag("--create", global.create, "Create FILE when it does not exist");
  app.add_option("--busy-timeout", global.busy_timeout_ms,
                 "Milliseconds to wait for a lock held by another process")
      ->default_val(5000)
      ->check(CLI::Range(0, 3600000));

  const Command commands[] = {AddApiCommand,          AddVerifyCommand, AddOutboxCommand,
                              AddGenerateCommand,     AddReportCommand, AddImportCommand,
                              AddImportPeopleCommand, AddExportCommand, AddServeCommand,
                              AddKeyCommand};
  std::vector<std::pair<CLI::App*, Runner>> runners;
  for (const Command& add : commands) {
    size_t before = app.get_subcommands({}).size();
    Runner run = add(app, global);
    runners.emplace_back(app.get_subcommands({})[before], std::move(run));
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }
  if (!ParseToday(global.today)) return kExitUsage;
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return kExitUsage;
}
