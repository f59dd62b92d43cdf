// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT

#include "base/uuid.h"

#include <chrono>
#include <cstdint>
#include <mutex>
#include <random>

#include <sodium.h>

namespace certo::internal {

namespace {

std::string Canonical(const uint8_t* b) {
  static const char* hex = "0123456789abcdef";
  std::string out;
  out.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 0x0f];
  }
  return out;
}

}  // namespace

std::string NewUuid() {
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  static uint64_t last_ms = 0, counter = 0;
  uint64_t ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                          std::chrono::system_clock::now().time_since_epoch())
                                          .count());
  uint64_t rand_a, rand_b;
  {
    std::lock_guard<std::mutex> lock(mu);
    // Within one millisecond, a 12-bit counter keeps ids increasing (RFC 9562, method 1).
    if (ms <= last_ms) {
      ms = last_ms;
      if (++counter > 0xfff) {
        ++ms;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    last_ms = ms;
    rand_a = counter;
    rand_b = rng();
  }
  uint8_t b[16];
  for (int i = 0; i < 6; ++i) b[i] = static_cast<uint8_t>(ms >> (40 - 8 * i));
  b[6] = static_cast<uint8_t>(0x70 | ((rand_a >> 8) & 0x0f));
  b[7] = static_cast<uint8_t>(rand_a & 0xff);
  for (int i = 0; i < 8; ++i) b[8 + i] = static_cast<uint8_t>(rand_b >> (56 - 8 * i));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  return Canonical(b);
}

std::string NameUuid(std::string_view name) {
  uint8_t b[16];
  crypto_generichash(b, sizeof b, reinterpret_cast<const unsigned char*>(name.data()), name.size(),
                     nullptr, 0);
  b[6] = static_cast<uint8_t>(0x80 | (b[6] & 0x0f));
  b[8] = static_cast<uint8_t>(0x80 | (b[8] & 0x3f));
  return Canonical(b);
}

std::string DerivedSubscriptionId(std::string_view action_id, std::string_view person_id) {
  std::string name = "certo derived subscription ";
  name += action_id;
  name += ' ';
  name += person_id;
  return NameUuid(name);
}

bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (c != '-') return false;
    } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

}  // namespace certo::internal
