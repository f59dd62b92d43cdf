// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// `certo serve`: the JSON API of one certo file over HTTP/1.1 (cpp-httplib, keep-alive). Each
// response is exactly what Engine::Request answers for the same method, target and body; the
// server adds only what HTTP needs: authentication by API key (certo/keys.h) and the key's
// project scope, limits (body size, timeouts, a bounded pool of workers, each with its own Engine
// on the file), an access log without secrets, optional CORS, and a clean shutdown on SIGINT or
// SIGTERM that lets in-flight requests finish and closes every Engine.
//
// Public headers only: the server is a front end of the library, like the CLI.

#pragma once

#include "certo/options.h"

#include <atomic>
#include <functional>
#include <iosfwd>
#include <string>

namespace certo::serve {

struct ServeOptions {
  std::string db;                     // the certo file
  std::string host = "127.0.0.1";     // --listen HOST:PORT
  int port = 8080;                    // 0: any free port
  int threads = 4;                    // workers (and Engines) at most
  size_t max_body_bytes = 16u << 20;  // larger bodies get 413
  int read_timeout_s = 5;             // a client silent this long is dropped
  int request_timeout_s = 10;         // a request (headers and body) must arrive whole within this
  int write_timeout_s = 5;
  int keep_alive_timeout_s = 5;  // an idle keep-alive connection is closed after this
  std::string cors_origin;       // "" = no CORS headers
  Options engine;                // for every worker's Engine (busy timeout, today, ...)
  // Called with the bound port before the first request is accepted (for a caller that serves
  // in its own process, e.g. a benchmark, and cannot read `out` from another thread).
  std::function<void(int port)> on_listening;
};

// Serves until stop becomes true (the CLI sets it from SIGINT/SIGTERM). Prints "listening on
// http://HOST:PORT" as the first line of out once the socket is bound, and one access-log line
// per request to log. Returns 0 after a clean shutdown; on a startup failure prints
// "certo serve: <why>" to log and returns non-zero (2: bad options, 3: the file cannot be opened,
// 1: the address cannot be bound).
int Serve(const ServeOptions& options, std::atomic<bool>& stop, std::ostream& out,
          std::ostream& log);

// True when the calling worker's request has outlived request_timeout_s (see server.cc).
bool RequestDeadlinePassed();

// True for addresses of the loopback range (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& host);

}  // namespace certo::serve
