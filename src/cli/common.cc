// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The helpers every command shares: opening the file and the exit status of a failure, the
// terminal (is it one, how wide), the confirmation prompt, --project by id or name, and JSON
// input whose syntax errors name their position.

#include "certo/calendar.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>

#include <sys/ioctl.h>
#include <unistd.h>

#include "cli.h"

namespace certo::cli {

namespace {

int open_failure = kExitOpen;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

}  // namespace

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
  if (global.db.empty()) {
    std::cerr << "certo: --db is required (or set CERTO_DB to the file)\n";
    open_failure = kExitUsage;
    return nullptr;
  }
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
    open_failure = engine.error().IsBusy() ? kExitBusy : kExitOpen;
    return nullptr;
  }
  return std::move(*engine);
}

int OpenFailed() { return open_failure; }

int ExitFor(const Status& status) { return status.IsBusy() ? kExitBusy : kExitFailed; }

int ExitForHttp(int http_status) { return http_status == 503 ? kExitBusy : kExitFailed; }

bool StdinIsTerminal() { return isatty(STDIN_FILENO) == 1; }
bool StderrIsTerminal() { return isatty(STDERR_FILENO) == 1; }

int TerminalWidth() {
  if (const char* columns = std::getenv("COLUMNS")) {
    char* end = nullptr;
    long n = std::strtol(columns, &end, 10);
    if (end != columns && *end == '\0' && n >= 20 && n <= 10000) return static_cast<int>(n);
  }
  winsize size{};
  if (isatty(STDOUT_FILENO) == 1 && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 &&
      size.ws_col >= 20) {
    return size.ws_col;
  }
  return 80;
}

bool Confirm(const std::string& question) {
  std::cerr << question << " [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  answer = Lower(answer);
  answer.erase(0, answer.find_first_not_of(" \t"));
  answer.erase(answer.find_last_not_of(" \t\r") + 1);
  return answer == "y" || answer == "yes";
}

bool LooksLikeUuid(const std::string& s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

std::vector<Json> AllRows(Engine& engine, const std::string& collection, const Json& filter,
                          bool history) {
  std::vector<Json> rows;
  for (int page = 1;; ++page) {
    Query q;
    q.filter = filter;
    q.history = history;
    q.per_page = 1000;
    q.page = page;
    auto result = engine.Index(collection, q);
    if (!result.ok()) break;
    for (Json& row : result->rows) rows.push_back(std::move(row));
    if (page >= result->page_count) break;
  }
  return rows;
}

std::optional<std::string> ResolveProject(Engine& engine, const std::string& value,
                                          const std::string& command) {
  if (LooksLikeUuid(value)) {
    if (engine.View("project", Lower(value)).ok()) return Lower(value);
    std::cerr << "certo " << command << ": --project: no project with project_id " << value << '\n';
    return std::nullopt;
  }
  std::vector<std::string> ids;
  for (const Json& p : AllRows(engine, "project", Json::object(), true)) {
    if (p["name"].is_string() && Lower(p["name"].get<std::string>()) == Lower(value)) {
      ids.push_back(p["project_id"].get<std::string>());
    }
  }
  if (ids.size() == 1) return ids[0];
  if (ids.empty()) {
    std::cerr << "certo " << command << ": --project: no project with id or name '" << value
              << "'\n";
  } else {
    std::cerr << "certo " << command << ": --project: " << ids.size() << " projects are named '"
              << value << "'; pass the id of one:";
    for (const std::string& id : ids) std::cerr << ' ' << id;
    std::cerr << '\n';
  }
  return std::nullopt;
}

namespace {

// Checks syntax only and builds nothing, so no input is too deep or too large to check.
struct SyntaxCheck : nlohmann::json_sax<Json> {
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& e) override {
    byte = position;
    what = e.what();
    return false;
  }
  size_t byte = 0;
  std::string what;
};

}  // namespace

std::optional<JsonError> JsonSyntaxError(const std::string& text) {
  SyntaxCheck check;
  if (Json::sax_parse(text, &check)) return std::nullopt;
  // check.byte is the 1-based offset of the byte where parsing stopped.
  size_t offset = std::min(check.byte == 0 ? 0 : check.byte - 1, text.size());
  size_t line = 1, column = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  // nlohmann's message is "[json.exception.parse_error.101] parse error at line L, column C:
  // syntax error while parsing value - invalid literal; last read: 'x'": keep the reason.
  std::string why = check.what;
  size_t reason = why.find("syntax error");
  if (reason != std::string::npos) why = why.substr(reason);
  return JsonError{line, column, why};
}

}  // namespace certo::cli
