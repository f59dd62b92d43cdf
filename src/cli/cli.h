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
#include <vector>

#include <CLI/CLI.hpp>

namespace certo::cli {

// Exit statuses, the same for every command (README, "The command line"). Busy has its own so
// that a script can tell "retry later" from "fix the input".
constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;  // a request failed, verify found problems, an import was refused
constexpr int kExitUsage = 2;
constexpr int kExitOpen = 3;
constexpr int kExitBusy = 4;  // the file is locked by another connection past --busy-timeout
constexpr int kExitNonCompliant = 5;  // report --fail-on found rows in that status

struct Global {
  std::string db;
  std::string today;
  bool create = false;
  int busy_timeout_ms = 5000;
};

// The exit status for a failed call: kExitBusy for Code::kBusy, else kExitFailed.
int ExitFor(const Status& status);
// The exit status for a JSON-API response of status >= 400: kExitBusy for 503.
int ExitForHttp(int http_status);

// Whether stdin / stderr is a terminal (progress bars, prompts).
bool StdinIsTerminal();
bool StderrIsTerminal();
// The terminal's width: $COLUMNS, else the width of stdout's terminal, else 80.
int TerminalWidth();

// Asks "question [y/N] " on stderr and reads the answer from stdin: true for y or yes.
bool Confirm(const std::string& question);

// Resolves --project: a project id, or a project's name (case-insensitive). On failure prints
// "certo CMD: --project: ..." to stderr and returns nullopt.
std::optional<std::string> ResolveProject(Engine& engine, const std::string& value,
                                          const std::string& command);

// Whether text has the shape of a uuid (8-4-4-4-12 hex digits).
bool LooksLikeUuid(const std::string& text);

// Every row of a collection matching filter (all pages).
std::vector<Json> AllRows(Engine& engine, const std::string& collection, const Json& filter,
                          bool history);

// Where a text stops being JSON, and why ("syntax error while parsing object key - ...").
struct JsonError {
  size_t line = 1, column = 1;  // 1-based; the column counts bytes
  std::string why;
};
// nullopt when text is one JSON value.
std::optional<JsonError> JsonSyntaxError(const std::string& text);

// The engine's today for --today, or nullopt (with a message on stderr) when it is not a date.
std::optional<std::optional<std::chrono::year_month_day>> ParseToday(const std::string& text);

// Opens --db with the global options. On failure prints "certo: <why>" to stderr and returns
// nullptr; the caller exits with OpenFailed(): kExitUsage without --db, kExitBusy for a locked
// file, kExitOpen otherwise.
std::unique_ptr<Engine> Open(const Global& global);
int OpenFailed();

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
Runner AddCompactCommand(CLI::App& app, Global& global);
Runner AddGenerateCommand(CLI::App& app, Global& global);
Runner AddReportCommand(CLI::App& app, Global& global);
Runner AddImportCommand(CLI::App& app, Global& global);
Runner AddImportPeopleCommand(CLI::App& app, Global& global);
Runner AddExportCommand(CLI::App& app, Global& global);
Runner AddServeCommand(CLI::App& app, Global& global);
Runner AddKeyCommand(CLI::App& app, Global& global);
Runner AddListCommand(CLI::App& app, Global& global);
Runner AddShowCommand(CLI::App& app, Global& global);
Runner AddReviewCommand(CLI::App& app, Global& global);
Runner AddDeviceCommand(CLI::App& app, Global& global);
Runner AddSyncCommand(CLI::App& app, Global& global);

// Text made safe inside HTML elements and quoted attributes (the report and the review report).
inline std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

}  // namespace certo::cli
