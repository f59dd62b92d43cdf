// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE [--create] import REQUESTS.jsonl|- [--each]
// Applies JSON-API requests, one {"method", "path", "body"} per line (as `api --batch` reads
// them and `export` writes them). By default the whole file is one bulk transaction: the first
// failing line is reported with its number and error and nothing is applied. --each commits
// line by line, reports every failing line and goes on. A progress bar is drawn on stderr when
// it is a terminal.

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>

#include <unistd.h>

#include "cli.h"

namespace certo::cli {

namespace {

// A progress bar on stderr with the rate (lines per second) and, when the size is known, the
// time left; redrawn at most every 100 ms; nothing when stderr is not a terminal.
class Progress {
 public:
  Progress(std::string label, uint64_t total_bytes)
      : label_(std::move(label)),
        total_(total_bytes),
        enabled_(isatty(STDERR_FILENO) == 1),
        start_(std::chrono::steady_clock::now()) {}
  ~Progress() { Clear(); }

  void Update(uint64_t bytes, long lines) {
    if (!enabled_) return;
    auto now = std::chrono::steady_clock::now();
    if (drawn_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    drawn_ = true;
    constexpr int kWidth = 30;
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double rate = seconds > 0 ? static_cast<double>(lines) / seconds : 0;
    if (total_ > 0) {
      const double share = std::min(1.0, static_cast<double>(bytes) / static_cast<double>(total_));
      const int filled = static_cast<int>(share * kWidth);
      std::string eta = "--:--";
      if (share > 0 && seconds > 0.5) {
        const long left = static_cast<long>(seconds * (1 - share) / share + 0.5);
        char buf[32];
        std::snprintf(buf, sizeof buf, "%02ld:%02ld", left / 60, left % 60);
        eta = buf;
      }
      std::fprintf(stderr, "\r%s [%s%s] %3d%%  %ld lines  %.0f lines/s  ETA %s\033[K",
                   label_.c_str(), std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, '.').c_str(), static_cast<int>(share * 100), lines,
                   rate, eta.c_str());
    } else {
      std::fprintf(stderr, "\r%s %ld lines  %.0f lines/s\033[K", label_.c_str(), lines, rate);
    }
    std::fflush(stderr);
  }

  void Clear() {
    if (!enabled_ || !drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  std::string label_;
  uint64_t total_;
  bool enabled_;
  bool drawn_ = false;
  std::chrono::steady_clock::time_point start_, last_;
};

// One line's request, or the 400 response that a malformed line gets.
struct Line {
  bool ok = false;
  std::string method, path, body;
  Response bad;
};

Line ParseLine(const std::string& text) {
  Line line;
  bool too_deep = false;
  Json request = ParseJsonLine(text, &too_deep);
  if (request.is_discarded() || !request.is_object() || !request.contains("method") ||
      !request["method"].is_string() || !request.contains("path") || !request["path"].is_string()) {
    std::string why =
        "expected a JSON object with string \"method\" and \"path\" and an "
        "optional \"body\"";
    if (too_deep) {
      why = "the line nests deeper than 512 levels of arrays and objects";
    } else if (auto e = JsonSyntaxError(text)) {
      why = "not valid JSON at column " + std::to_string(e->column) + ": " + e->why;
    }
    line.bad.status = 400;
    line.bad.body = Json{
        {"name", "Bad Request"},
        {"message", why},
        {"code", static_cast<int>(Code::kInvalidArgument)},
        {"status", 400}}.dump();
    return line;
  }
  line.ok = true;
  line.method = request["method"].get<std::string>();
  line.path = request["path"].get<std::string>();
  if (request.contains("body") && !request["body"].is_null()) {
    line.body =
        request["body"].is_string() ? request["body"].get<std::string>() : request["body"].dump();
  }
  return line;
}

std::string Describe(const std::string& method, const std::string& path, const Response& r) {
  std::string what = method.empty() ? "" : " (" + method + " " + path + ")";
  return what + ": HTTP " + std::to_string(r.status) + ": " + r.body;
}

struct ImportArgs {
  std::string file;
  bool each = false;
};

}  // namespace

Json ParseJsonLine(const std::string& text, bool* too_deep) {
  // One level more than a body may have: the line wraps the body in {"body": ...}.
  constexpr int kMaxLineDepth = 513;
  *too_deep = false;
  Json parsed = Json::parse(
      text,
      [too_deep](int depth, Json::parse_event_t event, Json&) {
        if ((event == Json::parse_event_t::object_start ||
             event == Json::parse_event_t::array_start) &&
            depth >= kMaxLineDepth) {
          *too_deep = true;
          return false;  // the subtree is skipped, not built
        }
        return true;
      },
      /*allow_exceptions=*/false);
  return *too_deep ? Json(Json::value_t::discarded) : parsed;
}

Runner AddImportCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "import",
      "Apply JSON-API requests from a file, one {\"method\",\"path\",\"body\"} per line (as "
      "written by export and generate --jsonl): all in one transaction, or --each line by line");
  auto args = std::make_shared<ImportArgs>();
  cmd->add_option("FILE", args->file, "The requests (JSON lines); - reads stdin")->required();
  cmd->add_flag("--each", args->each,
                "Commit each line on its own; report every failing line and go on (default: one "
                "transaction; the first failing line aborts it and nothing is applied)");
  return [args, &global]() -> int {
    std::ifstream file;
    uint64_t size = 0;
    if (args->file != "-") {
      std::error_code kind;
      if (std::filesystem::is_directory(args->file, kind)) {
        std::cerr << "certo import: cannot read '" << args->file << "': it is a directory\n";
        return kExitFailed;
      }
      errno = 0;
      file.open(args->file, std::ios::binary);
      if (!file) {
        const int why = errno;
        std::cerr << "certo import: cannot read '" << args->file
                  << "': " << (why ? std::strerror(why) : "cannot open it") << '\n';
        return kExitFailed;
      }
      std::error_code ec;
      size = std::filesystem::file_size(args->file, ec);
      if (ec) size = 0;
    }
    std::istream& in = args->file == "-" ? std::cin : file;
    const std::string name = args->file == "-" ? "stdin" : args->file;
    auto engine = Open(global);
    if (!engine) return OpenFailed();

    Progress progress("importing " + name, size);
    std::string text;
    long number = 0, applied = 0, failures = 0;
    bool busy = false;
    uint64_t bytes = 0;
    if (args->each) {
      while (std::getline(in, text)) {
        ++number;
        bytes += text.size() + 1;
        progress.Update(bytes, number);
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
        Line line = ParseLine(text);
        Response r = line.ok ? engine->Request(line.method, line.path, line.body) : line.bad;
        if (r.status >= 400) {
          if (r.status == 503) busy = true;
          progress.Clear();
          std::cerr << "certo import: " << name << " line " << number
                    << Describe(line.method, line.path, r) << '\n';
          ++failures;
        } else {
          ++applied;
        }
      }
      progress.Clear();
      std::cout << "imported " << applied << " request" << (applied == 1 ? "" : "s") << " from "
                << name;
      if (failures) std::cout << "; " << failures << " failed and were skipped";
      std::cout << '\n';
      return failures ? (busy ? kExitBusy : kExitFailed) : kExitOk;
    }

    long failed_line = 0;
    Line failed;
    Response failure;
    Status status = engine->BulkTransaction([&](Engine& e) {
      while (std::getline(in, text)) {
        ++number;
        bytes += text.size() + 1;
        progress.Update(bytes, number);
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
        Line line = ParseLine(text);
        Response r = line.ok ? e.Request(line.method, line.path, line.body) : line.bad;
        if (r.status >= 400) {
          failed_line = number;
          failed = std::move(line);
          failure = std::move(r);
          return Status::InvalidArgument("line " + std::to_string(number) + " failed");
        }
        ++applied;
      }
      return Status::OK();
    });
    progress.Clear();
    if (failed_line) {
      std::cerr << "certo import: " << name << " line " << failed_line
                << Describe(failed.method, failed.path, failure) << '\n'
                << "certo import: nothing was imported\n";
      return ExitForHttp(failure.status);
    }
    if (!status.ok()) {
      std::cerr << "certo import: " << status.ToString()
                << "\ncerto import: nothing was imported\n";
      return ExitFor(status);
    }
    std::cout << "imported " << applied << " request" << (applied == 1 ? "" : "s") << " from "
              << name << '\n';
    return kExitOk;
  };
}

}  // namespace certo::cli
