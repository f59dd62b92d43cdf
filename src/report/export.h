// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The export of a file as JSON-API requests that rebuild it: rows in dependency order, each as
// a create request with its stored fields, then a historicize request per retired row. It reads
// inside one read transaction, so a concurrent writer cannot tear the export.

#pragma once

#include "certo/record.h"

#include <functional>
#include <string>

#include "db/db.h"

namespace certo::internal {

// Calls sink with one {"method", "path", "body"} request per row, parents before children: every
// row as a create request, then a historicize request for every retired row. project_id: "" for
// every project. Throws StatusError.
void ExportRequests(Db& db, const std::string& project_id,
                    const std::function<void(const Json& request)>& sink);

}  // namespace certo::internal
