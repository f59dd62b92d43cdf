// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
// The certo command: the JSON API from a shell.
//
//   certo --db FILE [--today YYYY-MM-DD] [--create] api METHOD PATH [BODY]
//   certo --db FILE [--today YYYY-MM-DD] [--create] api --batch < requests.jsonl
//
// Exit status: 0 success; 1 a request failed (status >= 400); 2 bad command line;
// 3 the file cannot be opened.

#include <unistd.h>

#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "certo/engine.h"
#include "certo/version.h"

namespace {

constexpr int kExitRequestFailed = 1;
constexpr int kExitUsage = 2;
constexpr int kExitOpen = 3;

std::optional<std::chrono::year_month_day> ParseToday(const std::string& text) {
  unsigned y = 0, m = 0, d = 0;
  char tail = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3) {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year(static_cast<int>(y)), std::chrono::month(m),
                                   std::chrono::day(d)};
  if (!date.ok()) return std::nullopt;
  return date;
}

certo::Json HeadersJson(const certo::Response& r) {
  certo::Json headers = certo::Json::object();
  for (const auto& [name, value] : r.headers) headers[name] = value;
  return headers;
}

certo::Json BodyJson(const certo::Response& r) {
  certo::Json body = certo::Json::parse(r.body, nullptr, false);
  return body.is_discarded() ? certo::Json(r.body) : body;
}

// One request per line: {"method", "path", "body"}; one response per line, in order.
int RunBatch(certo::Engine& engine) {
  int exit_code = 0;
  std::string line;
  long number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    certo::Json request = certo::Json::parse(line, nullptr, false);
    certo::Response response;
    if (request.is_discarded() || !request.is_object() || !request.contains("method") ||
        !request["method"].is_string() || !request.contains("path") ||
        !request["path"].is_string()) {
      // Shaped like every other 400 of the JSON API.
      response.status = 400;
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = certo::Json{{"name", "Bad Request"},
                                  {"message", "line " + std::to_string(number) +
                                                  ": expected a JSON object with string "
                                                  "\"method\" and \"path\" and an optional "
                                                  "\"body\""},
                                  {"code", static_cast<int>(certo::Code::kInvalidArgument)},
                                  {"status", 400}}
                          .dump();
    } else {
      std::string body;
      if (request.contains("body") && !request["body"].is_null()) {
        body = request["body"].is_string() ? request["body"].get<std::string>()
                                           : request["body"].dump();
      }
      response = engine.Request(request["method"].get<std::string>(),
                                request["path"].get<std::string>(), body);
    }
    if (response.status >= 400) exit_code = kExitRequestFailed;
    certo::Json out{{"status", response.status},
                    {"headers", HeadersJson(response)},
                    {"body", BodyJson(response)}};
    std::cout << out.dump() << '\n';
  }
  std::cout.flush();
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"certo " CERTO_VERSION_STRING
               " - embedded compliance engine for occupational health and safety"};
  app.require_subcommand(1);
  app.set_version_flag("--version", CERTO_VERSION_STRING);

  std::string db_path, today_text;
  bool create = false;
  int busy_timeout_ms = 5000;
  app.add_option("--db", db_path, "The certo file (SQLite)")->required();
  app.add_option("--today", today_text,
                 "Pin the engine's date (YYYY-MM-DD); default: the local date");
  app.add_flag("--create", create, "Create FILE when it does not exist");
  app.add_option("--busy-timeout", busy_timeout_ms,
                 "Milliseconds to wait for a lock held by another process")
      ->default_val(5000)
      ->check(CLI::Range(0, 3600000));

  CLI::App* api = app.add_subcommand(
      "api", "Send one JSON-API request and print the response body, or --batch from stdin");
  std::string method, path, body;
  bool batch = false, with_headers = false;
  api->add_option("METHOD", method, "GET, POST, PUT or DELETE");
  api->add_option("PATH", path, "e.g. /v2/person/index or /v2/person/view/{id}");
  api->add_option("BODY", body, "JSON request body; - reads it from stdin");
  api->add_flag("--batch", batch,
                "Read requests as JSON lines {\"method\",\"path\",\"body\"} from stdin and write "
                "one {\"status\",\"headers\",\"body\"} line per request");
  api->add_flag("--headers", with_headers,
                "Print {\"status\",\"headers\",\"body\"} instead of the body alone");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : kExitUsage;
  }

  certo::Options options;
  options.create_if_missing = create;
  options.busy_timeout_ms = busy_timeout_ms;
  if (!today_text.empty()) {
    options.today = ParseToday(today_text);
    if (!options.today) {
      std::cerr << "certo: --today: must be a real calendar date in the form YYYY-MM-DD, got '"
                << today_text << "'\n";
      return kExitUsage;
    }
  }
  if (api->parsed() && !batch && (method.empty() || path.empty())) {
    std::cerr << "certo api: METHOD and PATH are required (or --batch)\n";
    return kExitUsage;
  }
  if (api->parsed() && batch && !method.empty()) {
    std::cerr << "certo api: --batch reads requests from stdin; do not pass METHOD or PATH\n";
    return kExitUsage;
  }

  auto engine = certo::Engine::Open(db_path, options);
  if (!engine.ok()) {
    std::string hint;
    if (engine.error().code() == certo::Code::kIOError && !create) {
      hint = " (pass --create to make a new file)";
    }
    std::cerr << "certo: " << engine.error().message() << hint << '\n';
    return kExitOpen;
  }

  if (batch) return RunBatch(**engine);

  if (body == "-") {
    body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  certo::Response response = (*engine)->Request(method, path, body);
  certo::Json out = with_headers ? certo::Json{{"status", response.status},
                                               {"headers", HeadersJson(response)},
                                               {"body", BodyJson(response)}}
                                 : BodyJson(response);
  if (response.status >= 400) {
    std::cerr << "certo: HTTP " << response.status << ": " << out.dump(2) << '\n';
    return kExitRequestFailed;
  }
  std::cout << out.dump(2) << '\n';
  return 0;
}
