// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Engine::Compact (`certo compact`): gives a file's unused space back. It checkpoints the
// write-ahead log into the file and truncates it, drops the status steps and monthly sums that
// count nothing (schemas 18 and 21), and with vacuum rewrites the file without its free pages
// (which needs as much free disk as the file and a moment with no other writer).
// Sizes are the main file plus its -wal file, in bytes (0 for an in-memory database).

#pragma once

#include <cstdint>

namespace certo {

struct CompactResult {
  int64_t bytes_before = 0;
  int64_t bytes_after = 0;
  bool vacuumed = false;
};

}  // namespace certo
