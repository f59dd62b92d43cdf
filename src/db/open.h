// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Opening a certo file: the connection, the check that the file is certo's before anything is
// written to it, the pragmas every connection runs with (WAL, synchronous=NORMAL, foreign keys),
// certo's SQL functions, and the schema upgrades. The one place that turns a path into a Db.

#pragma once

#include "certo/options.h"

#include <memory>
#include <string>

#include "db/db.h"
#include "db/sql_functions.h"

namespace certo::internal {

// The open, checked and upgraded file at path. ctx must outlive the Db: the SQL functions read
// it. Throws StatusError.
std::unique_ptr<Db> OpenFile(const std::string& path, const Options& options, SqlContext* ctx);

}  // namespace certo::internal
