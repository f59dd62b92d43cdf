// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
// VerifyReport: what Engine::Verify found when it recomputed the file from scratch.

#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace certo {

// One thing in the file that disagrees with what it should be.
struct Problem {
  std::string check;     // "schedule", "integrity", "foreign_key", "reference", "pending"
  std::string collection;
  std::string id;
  std::string field;     // e.g. "certificate_date_expire"
  std::string stored;    // what the file holds
  std::string expected;  // what a recomputation gives
  std::string message;   // one readable line

  friend bool operator==(const Problem&, const Problem&) = default;
};

struct VerifyReport {
  int64_t subscriptions_checked = 0;
  int64_t links_checked = 0;
  std::vector<Problem> problems;  // empty in a healthy file

  bool ok() const { return problems.empty(); }
};

}  // namespace certo
