// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The people sync (certo/people_sync.h) below the engine, in five steps: parse (CSV text into
// records), check (the options, the header and each row's cells, into errors with line numbers),
// load (the project's people, retired ones too), plan (the changes) and apply (the writes, through
// the Store, so that exactly the store's own rules decide what is valid). The engine runs the
// last three inside one Impl::Write, which makes the sync atomic and delivers its events.

#pragma once

#include "certo/people_sync.h"
#include "certo/record.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/calendar.h"
#include "db/db.h"
#include "store/store.h"

namespace certo::internal {

// One row of the file that passed the cell checks.
struct PeopleRow {
  int64_t line = 0;  // where the row starts in the file
  std::string key;   // the match key's value, trimmed
  Json record;       // {field: value} for every column, as the store validates it
};

// A people file, parsed and checked.
struct PeopleFile {
  std::string project_id;               // as stored
  bool header_ok = false;               // false: nothing can be planned (see errors)
  std::vector<PeopleRow> rows;          // the good rows, in file order, keys unique
  std::vector<PeopleSyncError> errors;  // the file's, the header's and the rows' errors
};

// Parse and check. Throws StatusError for bad options (kValidation) or an unknown project
// (kNotFound); everything wrong with the file itself comes back in PeopleFile::errors.
PeopleFile ReadPeopleFile(Store& store, std::string_view csv, const PeopleSyncOptions& options);

// Load, plan and apply: the changes that bring the project's people in line with file, written
// only when no row fails, the cap holds and this is not a dry run (else every write is rolled
// back before returning). Absent people are historicized on date.
// REQUIRES: file.header_ok; inside a WriteScope. Throws StatusError when a read fails.
PeopleSyncResult SyncPeople(Db& db, Store& store, const PeopleFile& file,
                            const PeopleSyncOptions& options, Date date);

}  // namespace certo::internal
