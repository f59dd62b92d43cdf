// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE [--create] generate [--people N] [--offices N] [--seed S] [--demands]
//                                       [--jsonl]
// Writes a synthetic company into FILE (one bulk transaction), or with --jsonl prints it as
// JSON-API create requests for `certo api --batch` / `certo import`. On a terminal, stderr shows
// the progress (people written of those asked for, rows, rows per second).

#include "generate/generate.h"

#include <chrono>
#include <cstdio>
#include <iostream>

#include "cli.h"

namespace certo::cli {

namespace {

// Progress on stderr, redrawn at most every 100 ms; nothing when stderr is not a terminal.
class GenerateProgress {
 public:
  explicit GenerateProgress(int64_t people)
      : people_(people), enabled_(StderrIsTerminal()), start_(std::chrono::steady_clock::now()) {}
  ~GenerateProgress() { Clear(); }
  void Clear() {
    if (drawn_) std::fprintf(stderr, "\r\033[K");
    drawn_ = false;
  }
  void Row(std::string_view collection) {
    ++rows_;
    if (collection == "person") ++done_;
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    std::fprintf(stderr, "\rgenerating: %lld of %lld people (%d%%), %lld rows, %.0f rows/s\033[K",
                 static_cast<long long>(done_), static_cast<long long>(people_),
                 static_cast<int>(people_ ? 100 * done_ / people_ : 100),
                 static_cast<long long>(rows_),
                 seconds > 0 ? static_cast<double>(rows_) / seconds : 0.0);
    std::fflush(stderr);
  }

 private:
  int64_t people_, done_ = 0, rows_ = 0;
  bool enabled_, drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

}  // namespace

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
  auto demands = std::make_shared<bool>(false);
  cmd->add_flag("--demands", *demands,
                "State people's requirements as demands of job profiles (roles each person "
                "holds) instead of writing their subscriptions; the engine derives them");
  cmd->add_flag("--jsonl", *jsonl,
                "Print JSON-API create requests to stdout instead of writing FILE");
  return [options, jsonl, demands, &global]() -> int {
    if (*demands) options->requirements = generator::GenerateOptions::Requirements::kDemands;
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
    GenerateProgress progress(options->people);
    Status status = engine->BulkTransaction([&](Engine& e) {
      Status first;
      counts = generator::Generate(*options, [&](std::string_view collection, Json& record) {
        if (!first.ok()) return;
        progress.Row(collection);
        auto id = e.Insert(collection, record);
        if (!id.ok()) first = id.status();
      });
      return first;
    });
    progress.Clear();
    if (!status.ok()) {
      std::cerr << "certo generate: " << status.ToString() << '\n';
      return ExitFor(status);
    }
    std::cout << "generated " << counts.rows << " rows: " << counts.people << " people, "
              << counts.subscriptions << " subscriptions";
    if (*demands)
      std::cout << " (" << counts.demands << " demands derive "
                << counts.subscriptions - counts.written << " of them)";
    std::cout << ", " << counts.certificates << " certificates, " << counts.links
              << " certificate-action links\n";
    return kExitOk;
  };
}

}  // namespace certo::cli
