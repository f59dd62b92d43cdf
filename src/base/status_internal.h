// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The builders of Status that only the library uses, kept out of the public header: users read
// a Status (certo/status.h), only certo makes one that carries SQLite's result code.

#pragma once

#include "certo/status.h"

#include <utility>

namespace certo::internal {

struct StatusAccess {
  static Status WithSqliteCode(Status status, int code) {
    status.sqlite_code_ = code;
    return status;
  }
};

// status with SQLite's extended result code (Status::sqlite_code()).
inline Status WithSqliteCode(Status status, int code) {
  return StatusAccess::WithSqliteCode(std::move(status), code);
}

}  // namespace certo::internal
