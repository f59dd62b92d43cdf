// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "certo/response.h"

#include <strings.h>

namespace certo {

std::string Response::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() == name.size() && strncasecmp(key.data(), name.data(), name.size()) == 0) {
      return value;
    }
  }
  return "";
}

}  // namespace certo
