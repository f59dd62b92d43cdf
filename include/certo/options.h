// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Options: how an Engine opens its file and what date it considers "today".

#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace certo {

struct Options {
  // Parameters that affect behavior.

  // The engine's "today": the date against which compliance status, historicization
  // (owned_active / parent_active) and default dates are computed.
  // Default: unset, meaning the local calendar date at the time of each call.
  // Tests and reproducible reports pin it.
  std::optional<std::chrono::year_month_day> today;

  // The engine's clock for the read-only created_at / updated_at of every row (UTC).
  // Default: unset, meaning midnight UTC of `today` when today is pinned (so a pinned engine
  // writes the same file on every run), else the system clock at each write.
  std::optional<std::chrono::sys_seconds> now;

  // Create the file (and the schema) when it does not exist, or when it exists with zero bytes
  // (SQLite's reading of an empty file is an empty database).
  // Default: true, so Engine::Open("new.certo") just works. When false, opening a missing file
  // fails with Code::kIOError and a zero-byte file with Code::kCorrupt ("not a certo file"), so a
  // file emptied by a failed copy is not mistaken for a healthy empty company: tools that only
  // read an existing file (the CLI without --create) pass false.
  bool create_if_missing = true;

  // Parameters that affect performance and concurrency.

  // How long a write waits for another connection's lock before failing with Code::kBusy.
  // Default: 5000 ms. 0 fails at once.
  int busy_timeout_ms = 5000;

  // SQLite page cache for this connection, in KiB.
  // Default: 65536 (64 MiB); cache size matters more than any schema trick for bulk work.
  int cache_size_kib = 65536;

  // Parameters for tests and special platforms.

  // The name of a registered SQLite VFS (sqlite3_vfs_register) to open the file with.
  // Default: empty, SQLite's default VFS. The reliability tests register one that injects I/O
  // faults; a platform without a usable default VFS may register its own.
  std::string vfs;
};

}  // namespace certo
