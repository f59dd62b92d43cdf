// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
//   certo --db FILE serve [--listen HOST:PORT] [--threads N] [--max-body BYTES]
//                         [--read-timeout S] [--request-timeout S] [--log FILE] [--cors ORIGIN]
// Serves the JSON API over HTTP (src/serve/server.h) until SIGINT or SIGTERM. The signal handler
// only sets a flag: everything else happens on the server's own threads.

#include <atomic>
#include <fstream>
#include <iostream>

#include <signal.h>

#include "cli.h"
#include "serve/server.h"

namespace certo::cli {

namespace {

std::atomic<bool> stop_requested{false};

extern "C" void OnSignal(int) { stop_requested = true; }

}  // namespace

Runner AddServeCommand(CLI::App& app, Global& global) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve the JSON API over HTTP/1.1 until SIGINT or SIGTERM (README: certo serve)");
  auto listen = std::make_shared<std::string>("127.0.0.1:8080");
  auto options = std::make_shared<serve::ServeOptions>();
  auto log_file = std::make_shared<std::string>();
  cmd->add_option("--listen", *listen,
                  "HOST:PORT to listen on; port 0 picks a free one (the URL is printed first)")
      ->default_val("127.0.0.1:8080");
  cmd->add_option("--threads", options->threads, "Workers, each with its own Engine on the file")
      ->default_val(4)
      ->check(CLI::Range(1, 256));
  cmd->add_option("--max-body", options->max_body_bytes,
                  "Largest request body in bytes (413 above)")
      ->default_val(16u << 20)
      ->check(CLI::Range(1024ul, 1ul << 31));
  cmd->add_option("--read-timeout", options->read_timeout_s,
                  "Seconds a client may stay silent while sending a request")
      ->default_val(5)
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--request-timeout", options->request_timeout_s,
                  "Seconds a client has to send a whole request (headers and body)")
      ->default_val(10)
      ->check(CLI::Range(1, 3600));
  cmd->add_option("--log", *log_file, "Append the access log to FILE instead of stderr");
  cmd->add_option("--cors", options->cors_origin,
                  "Allow a browser app served from ORIGIN (e.g. http://localhost:5173)");
  return [listen, options, log_file, &global]() -> int {
    const size_t colon = listen->rfind(':');
    int port = -1;
    if (colon != std::string::npos) {
      try {
        size_t used = 0;
        port = std::stoi(listen->substr(colon + 1), &used);
        if (used != listen->size() - colon - 1) port = -1;
      } catch (...) {
        port = -1;
      }
    }
    if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535) {
      std::cerr << "certo serve: --listen: must be HOST:PORT with a port from 0 to 65535, got '"
                << *listen << "'\n";
      return kExitUsage;
    }
    options->host = listen->substr(0, colon);
    options->port = port;
    options->db = global.db;
    options->engine.create_if_missing = global.create;
    options->engine.busy_timeout_ms = global.busy_timeout_ms;
    options->engine.today = *ParseToday(global.today);
    std::ofstream file;
    if (!log_file->empty()) {
      file.open(*log_file, std::ios::app);
      if (!file) {
        std::cerr << "certo serve: --log: cannot open '" << *log_file << "' for appending\n";
        return kExitUsage;
      }
    }
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    signal(SIGPIPE, SIG_IGN);  // a client that hangs up must not end the server
    const int rc =
        serve::Serve(*options, stop_requested, std::cout, log_file->empty() ? std::cerr : file);
    return rc;
  };
}

}  // namespace certo::cli
