// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The small string helpers every layer uses, in one copy. ASCII only, on purpose: certo's text
// filters fold ASCII case like SQLite's lower(), and messages join plain names.

#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace certo::internal {

inline std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out += sep;
    out += parts[i];
  }
  return out;
}

// ASCII lower case, like SQLite's lower().
inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : char(c); });
  return s;
}

}  // namespace certo::internal
