// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE [--create] generate [--people N] [--offices N] [--seed S] [--jsonl]
// Writes a synthetic company into FILE (one bulk transaction), or with --jsonl prints it as
// JSON-API create requests for `certo api --batch` / `certo import`.

#include "generate/generate.h"

#include <iostream>

#include "cli.h"

namespace certo::cli {

Runner AddGenerateCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "generate", "Write a synthetic company of the requested size (seeded, reproducible)");
  auto options = std::make_shared<generator::GenerateOptions>();
  auto jsonl = std::make_shared<bool>(false);
  cmd->add_option("--people", options->people, "How many people")
      ->default_val(150)
      ->check(CLI::Range(1, 10000000));
  cmd->add_option("--offices", options->offices, "How many offices")
      ->default_val(3)
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--seed", options->seed, "Random seed; the same seed gives the same company")
      ->default_val(1);
  cmd->add_flag("--jsonl", *jsonl,
                "Print JSON-API create requests to stdout instead of writing FILE");
  return [options, jsonl, &global]() -> int {
    auto today = ParseToday(global.today);
    options->today = today && *today ? **today : LocalToday();
    if (*jsonl) {
      generator::Generate(*options, [](std::string_view collection, Json& record) {
        std::cout << Json{{"method", "POST"},
                          {"path", "/v2/" + std::string(collection) + "/create"},
                          {"body", record}}
                         .dump()
                  << '\n';
      });
      return kExitOk;
    }
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    generator::GenerateCounts counts;
    Status status = engine->BulkTransaction([&](Engine& e) {
      Status first;
      counts = generator::Generate(*options, [&](std::string_view collection, Json& record) {
        if (!first.ok()) return;
        auto id = e.Insert(collection, record);
        if (!id.ok()) first = id.status();
      });
      return first;
    });
    if (!status.ok()) {
      std::cerr << "certo generate: " << status.ToString() << '\n';
      return kExitFailed;
    }
    std::cout << "generated " << counts.rows << " rows: " << counts.people << " people, "
              << counts.subscriptions << " subscriptions, " << counts.certificates
              << " certificates, " << counts.links << " certificate-action links\n";
    return kExitOk;
  };
}

}  // namespace certo::cli
