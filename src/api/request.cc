// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::Request lives in the API layer, above the engine: the router (api.h) calls the
// Engine's C++ API, so the engine itself never needs to know the router. One request holds the
// engine's mutex from start to end, so a request that makes several calls sees no other thread's
// writes between them. The router validates its input (api/input.h) so that nothing throws;
// should a bug still throw, the request gets a 500 JSON body rather than ending the process.

#include "certo/engine.h"

#include <exception>
#include <mutex>
#include <string>

#include "api/api.h"
#include "engine/impl.h"

namespace certo {

Response Engine::Request(std::string_view method, std::string_view target, std::string_view body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  try {
    return internal::HandleRequest(*this, method, target, body);
  } catch (...) {
    std::string what = "unknown exception";
    try {
      throw;
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    // Serialized with replacement: the exception's text may be the invalid UTF-8 it is about.
    Response r;
    r.status = 500;
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = Json{
        {"name", "Internal Server Error"},
        {"message", "certo bug: the request threw: " + what},
        {"code", static_cast<int>(Code::kInternal)},
        {"status",
         500}}.dump(-1, ' ', false, Json::error_handler_t::replace);
    return r;
  }
}

}  // namespace certo
