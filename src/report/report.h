// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The compliance report (certo/report.h) computed with SQL over the stored schedule dates, inside
// one read transaction, so it sees one consistent snapshot of the file.

#pragma once

#include "certo/report.h"

#include <string>

#include "db/db.h"
#include "db/sql_functions.h"
#include "store/store.h"

namespace certo::internal {

// REQUIRES: an AsOfScope with the report's date is active (ctx's: the trend and the incidents'
// dates are read through it, and it is given back). Throws StatusError.
ComplianceReport BuildReport(Db& db, Store& store, SqlContext& ctx, const ReportQuery& query);

}  // namespace certo::internal
