// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The small string helpers every layer uses, in one copy. ASCII only, on purpose: certo's text
// filters fold ASCII case like SQLite's lower(), and messages join plain names.

#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <optional>
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
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) {
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : char(c);
  });
  return s;
}

// A decimal integer: an optional '-', then digits only, that fits in int64_t.
inline std::optional<int64_t> ParseInt64(std::string_view text) {
  bool negative = false;
  if (!text.empty() && text[0] == '-') {
    negative = true;
    text.remove_prefix(1);
  }
  if (text.empty() || text.size() > 19) return std::nullopt;
  uint64_t magnitude = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    magnitude = magnitude * 10 + static_cast<uint64_t>(c - '0');
  }
  const uint64_t max = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (magnitude > max + (negative ? 1 : 0)) return std::nullopt;
  if (negative)
    return magnitude == max + 1 ? std::numeric_limits<int64_t>::min()
                                : -static_cast<int64_t>(magnitude);
  return static_cast<int64_t>(magnitude);
}

}  // namespace certo::internal
