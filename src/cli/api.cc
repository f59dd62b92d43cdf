// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE api METHOD PATH [BODY|-] [--headers] [--compact]
//   certo --db FILE api --batch < requests.jsonl
// METHOD and PATH (with its query string) go to the JSON API unchanged: the router decides what
// it accepts. A BODY that is not JSON is refused here, with the position where it breaks.

#include <iostream>
#include <iterator>
#include <string>

#include "cli.h"

namespace certo::cli {

namespace {

Json HeadersJson(const Response& r) {
  Json headers = Json::object();
  for (const auto& [name, value] : r.headers) headers[name] = value;
  return headers;
}

// Why a batch line is not a request.
std::string LineProblem(const std::string& line, bool too_deep) {
  if (too_deep) return "the line nests deeper than 512 levels of arrays and objects";
  if (auto e = JsonSyntaxError(line)) {
    return "not valid JSON at column " + std::to_string(e->column) + ": " + e->why;
  }
  return "expected a JSON object with string \"method\" and \"path\" and an optional \"body\"";
}

Json BodyJson(const Response& r) {
  Json body = Json::parse(r.body, nullptr, false);
  return body.is_discarded() ? Json(r.body) : body;
}

// One request per line: {"method", "path", "body"}; one response per line, in order.
int RunBatch(Engine& engine) {
  bool busy = false;
  int exit_code = kExitOk;
  std::string line;
  long number = 0;
  while (std::getline(std::cin, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    bool too_deep = false;
    Json request = ParseJsonLine(line, &too_deep);
    Response response;
    if (request.is_discarded() || !request.is_object() || !request.contains("method") ||
        !request["method"].is_string() || !request.contains("path") ||
        !request["path"].is_string()) {
      // Shaped like every other 400 of the JSON API.
      response.status = 400;
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = Json{
          {"name", "Bad Request"},
          {"message", "line " + std::to_string(number) + ": " + LineProblem(line, too_deep)},
          {"code", static_cast<int>(Code::kInvalidArgument)},
          {"status", 400}}.dump();
    } else {
      std::string body;
      if (request.contains("body") && !request["body"].is_null()) {
        body = request["body"].is_string() ? request["body"].get<std::string>()
                                           : request["body"].dump();
      }
      response = engine.Request(request["method"].get<std::string>(),
                                request["path"].get<std::string>(), body);
    }
    if (response.status >= 400) exit_code = kExitFailed;
    if (response.status == 503) busy = true;
    Json out{{"status", response.status},
             {"headers", HeadersJson(response)},
             {"body", BodyJson(response)}};
    std::cout << out.dump() << '\n';
  }
  std::cout.flush();
  return busy ? kExitBusy : exit_code;
}

}  // namespace

Runner AddApiCommand(CLI::App& app, Global& global) {
  CLI::App* api = app.add_subcommand(
      "api", "Send one JSON-API request and print the response body, or --batch from stdin");
  struct Args {
    std::string method, path, body;
    bool batch = false, headers = false, compact = false;
  };
  auto args = std::make_shared<Args>();
  api->add_option("METHOD", args->method, "GET, POST, PUT or DELETE (any case)");
  api->add_option("PATH", args->path,
                  "e.g. /v2/person/index or /v2/person/view/{id}, with any query string "
                  "(quote it in the shell)");
  api->add_option("BODY", args->body, "JSON request body; - reads it from stdin");
  api->add_flag("--batch", args->batch,
                "Read requests as JSON lines {\"method\",\"path\",\"body\"} from stdin and write "
                "one {\"status\",\"headers\",\"body\"} line per request");
  api->add_flag("--headers", args->headers,
                "Print {\"status\",\"headers\",\"body\"} instead of the body alone");
  api->add_flag("--compact", args->compact,
                "Print the JSON on one line instead of indented (like jq -c)");
  return [args, &global]() -> int {
    if (!args->batch && (args->method.empty() || args->path.empty())) {
      std::cerr << "certo api: METHOD and PATH are required (or --batch)\n";
      return kExitUsage;
    }
    if (args->batch && !args->method.empty()) {
      std::cerr << "certo api: --batch reads requests from stdin; do not pass METHOD or PATH\n";
      return kExitUsage;
    }
    auto engine = Open(global);
    if (!engine) return OpenFailed();
    if (args->batch) return RunBatch(*engine);
    std::string body = args->body;
    if (body == "-") {
      body.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    Response response;
    std::optional<JsonError> bad;
    if (body.find_first_not_of(" \t\r\n") != std::string::npos) bad = JsonSyntaxError(body);
    if (bad) {
      // Shaped like the JSON API's own 400, with the position added.
      response.status = 400;
      response.headers.emplace_back("Content-Type", "application/json");
      response.body = Json{
          {"name", "Bad Request"},
          {"message", "the body is not valid JSON: line " + std::to_string(bad->line) +
                          ", column " + std::to_string(bad->column) + ": " + bad->why},
          {"code", static_cast<int>(Code::kInvalidArgument)},
          {"status", 400}}.dump();
    } else {
      response = engine->Request(args->method, args->path, body);
    }
    Json out = args->headers ? Json{{"status", response.status},
                                    {"headers", HeadersJson(response)},
                                    {"body", BodyJson(response)}}
                             : BodyJson(response);
    const int indent = args->compact ? -1 : 2;
    if (response.status >= 400) {
      std::cerr << "certo: HTTP " << response.status << ": " << out.dump(indent) << '\n';
      return ExitForHttp(response.status);
    }
    std::cout << out.dump(indent) << '\n';
    return kExitOk;
  };
}

}  // namespace certo::cli
