// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The Engine's API-key calls: each one under the engine's mutex, writes as one atomic unit, and
// nothing thrown crosses the API (the work is in keys/keys.cc).

#include "keys/keys.h"

#include "certo/engine.h"

#include <mutex>

#include "engine/impl.h"

namespace certo {

Result<NewApiKey> Engine::CreateKey(std::string_view project_id, std::string_view name,
                                    bool read_only) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] {
    return impl_->Write(
        [&] { return internal::CreateKey(*impl_->db, project_id, name, read_only); });
  });
}

Result<std::vector<ApiKey>> Engine::ListKeys(std::string_view project_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return internal::ListKeys(*impl_->db, project_id); });
}

Result<ApiKey> Engine::RevokeKey(std::string_view key_id) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard(
      [&] { return impl_->Write([&] { return internal::RevokeKey(*impl_->db, key_id); }); });
}

Result<ApiKey> Engine::Authenticate(std::string_view token) {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&]() -> ApiKey {
    auto key = internal::Authenticate(*impl_->db, token);
    if (!key) internal::Fail(Status::NotFound("no valid API key for this token"));
    return *key;
  });
}

Result<bool> Engine::HasKeys() {
  std::lock_guard<std::recursive_mutex> lock(impl_->mu);
  return Guard([&] { return internal::HasKeys(*impl_->db); });
}

}  // namespace certo
