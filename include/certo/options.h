// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Options: how an Engine opens its file and what date it considers "today".

#pragma once

#include <chrono>
#include <optional>

namespace certo {

struct Options {
  // Parameters that affect behavior.

  // The engine's "today": the date against which compliance status, historicization
  // (owned_active / parent_active) and default dates are computed.
  // Default: unset, meaning the local calendar date at the time of each call.
  // Tests and reproducible reports pin it.
  std::optional<std::chrono::year_month_day> today;

  // Create the file (and the schema) when it does not exist.
  // Default: true. When false, opening a missing file fails with Code::kIOError.
  bool create_if_missing = true;

  // Parameters that affect performance and concurrency.

  // How long a write waits for another connection's lock before failing with Code::kBusy.
  // Default: 5000 ms. 0 fails at once.
  int busy_timeout_ms = 5000;

  // SQLite page cache for this connection, in KiB.
  // Default: 65536 (64 MiB); cache size matters more than any schema trick for bulk work.
  int cache_size_kib = 65536;
};

}  // namespace certo
