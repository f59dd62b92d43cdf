// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The certo command's shared parts: global options, opening the file, exit codes, and the
// registration of each command (one file per command).

#pragma once

#include "certo/engine.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace certo::cli {

// Exit statuses, the same for every command.
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;  // a request failed, verify found problems, an import was refused
constexpr int kExitUsage = 2;
constexpr int kExitOpen = 3;

struct Global {
  std::string db;
  std::string today;
  bool create = false;
  int busy_timeout_ms = 5000;
};

// The engine's today for --today, or nullopt (with a message on stderr) when it is not a date.
std::optional<std::optional<std::chrono::year_month_day>> ParseToday(const std::string& text);

// Opens --db with the global options. On failure prints "certo: <why>" to stderr and returns
// nullptr; the caller exits with kExitOpen.
std::unique_ptr<Engine> Open(const Global& global);

// One JSON line of requests, parsed; discarded when it is not JSON. A line nesting past the JSON
// API's body limit (512 levels, docs/errors.md) is discarded too, with *too_deep set, before any
// copy or serialization of it can recurse that deep.
Json ParseJsonLine(const std::string& text, bool* too_deep);

// A command adds its subcommand and options to app and returns what to run when it was chosen.
using Runner = std::function<int()>;
using Command = std::function<Runner(CLI::App& app, Global& global)>;

Runner AddApiCommand(CLI::App& app, Global& global);
Runner AddVerifyCommand(CLI::App& app, Global& global);
Runner AddOutboxCommand(CLI::App& app, Global& global);
Runner AddGenerateCommand(CLI::App& app, Global& global);
Runner AddReportCommand(CLI::App& app, Global& global);
Runner AddImportCommand(CLI::App& app, Global& global);
Runner AddImportPeopleCommand(CLI::App& app, Global& global);
Runner AddExportCommand(CLI::App& app, Global& global);
Runner AddServeCommand(CLI::App& app, Global& global);
Runner AddKeyCommand(CLI::App& app, Global& global);

}  // namespace certo::cli
