// Copyright 2026 The certo Authors
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
  std::string check;  // "schedule", "integrity", "foreign_key", "reference", "pending",
                      // "review_history" (the first event whose hash chain breaks),
                      // "outbox" (more events wait than the retention policy keeps),
                      // "derived" (a row a demand requires is missing, or a derived row is
                      // no longer required; its days are "schedule" mismatches)
  std::string collection;
  std::string id;
  std::string field;     // e.g. "certificate_date_expire"
  std::string stored;    // what the file holds
  std::string expected;  // what a recomputation gives
  std::string message;   // one readable line

  friend bool operator==(const Problem&, const Problem&) = default;
};

struct VerifyOptions {
  // How much of SQLite's own checking of the file to run besides certo's (the recomputation of
  // every subscription and the references no foreign key holds, which always run):
  //   kFull      PRAGMA integrity_check and foreign_key_check: every page, every index entry
  //              against its table, every foreign key. Reads the whole file: on a 1M-subscription
  //              file (4.5 GB) this alone takes about a minute on the reference machine.
  //   kQuick     PRAGMA quick_check (pages, not index contents) and foreign_key_check.
  //   kSchedule  none of SQLite's checks: only certo's, which is what changes when certo has a bug.
  // Default: kFull.
  enum class Depth { kFull, kQuick, kSchedule };
  Depth depth = Depth::kFull;
};

struct VerifyReport {
  int64_t subscriptions_checked = 0;
  int64_t links_checked = 0;
  // Events the outbox's retention policy dropped (certo/outbox.h): expected, so not a problem,
  // but reported so that nothing is dropped silently.
  int64_t outbox_dropped = 0;
  int64_t outbox_dropped_through = 0;
  std::vector<Problem> problems;  // empty in a healthy file

  bool ok() const { return problems.empty(); }
};

}  // namespace certo
