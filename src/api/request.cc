// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::Request lives in the API layer, above the engine: the router (api.h) calls the
// Engine's C++ API, so the engine itself never needs to know the router. One request holds the
// engine's mutex from start to end, so a request that makes several calls sees no other thread's
// writes between them.

#include "certo/engine.h"

#include <mutex>

#include "api/api.h"
#include "engine/impl.h"

namespace certo {

Response Engine::Request(std::string_view method, std::string_view target, std::string_view body) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return internal::HandleRequest(*this, method, target, body);
}

}  // namespace certo
