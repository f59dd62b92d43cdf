// certo: embedded compliance engine for occupational health and safety.
// SPDX-License-Identifier: MIT
//
// The compliance report (certo/report.h) computed with SQL over the stored schedule dates, and
// the export of a file as JSON-API create requests. Both read inside one read transaction, so
// they see one consistent snapshot of the file.

#pragma once

#include "certo/report.h"

#include <functional>
#include <string>

#include "db.h"
#include "store.h"

namespace certo::internal {

// REQUIRES: an AsOfScope with the report's date is active. Throws StatusError.
ComplianceReport BuildReport(Db& db, Store& store, const ReportQuery& query);

// Calls sink with one {"method", "path", "body"} request per row, parents before children: every
// row as a create request, then a historicize request for every retired row. project_id: "" for
// every project. Throws StatusError.
void ExportRequests(Db& db, const std::string& project_id,
                    const std::function<void(const Json& request)>& sink);

// A read transaction for the duration of a scope (nothing when one is already open).
class ReadScope {
 public:
  explicit ReadScope(Db& db);
  ReadScope(const ReadScope&) = delete;
  ReadScope& operator=(const ReadScope&) = delete;
  ~ReadScope();

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace certo::internal
