// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// The people sync (Engine::SyncPeople): bring a project's people in line with the full roster
// an HR system exports, as the EHS tools' "people sync" does (4hse: POST /people-sync/create).
//
// Contract:
//  * Input. A CSV text (RFC 4180: quoted cells may hold commas, quotes as "" and line breaks; a
//    UTF-8 byte-order mark is ignored; the separator is ',' unless the header holds ';' and no
//    ','). The first line names the columns: person fields (README "Entities"; e.g. code,
//    first_name, last_name, tax_code, birth_date), never person_id or project_id. The match
//    key column and every field a person requires (first_name, last_name) must be present. An
//    empty cell is an empty (null) value; the file is always the whole roster.
//  * Plan. A row whose key matches no person creates one; a row whose key matches a person
//    updates the fields that differ (the file's values win; columns absent from the file are
//    left alone) and restores the person if retired; a person of the project whose key is in no
//    row, and who is not retired, is historicized (never deleted) as of the sync's date.
//  * Atomicity. Nothing is written unless every row is valid, the number of changes is within
//    max_changes and dry_run is false; then every change is written in one transaction.
//  * Errors. Bad rows come back in PeopleSyncResult::errors with their line numbers (a missing
//    required column, a bad date, a duplicate key, any rule a person breaks), all of them, not
//    just the first. SyncPeople itself fails only for bad options: kNotFound (no such project),
//    kValidation (match, max_changes).

#pragma once

#include "certo/export.h"
#include "certo/record.h"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace certo {

struct PeopleSyncOptions {
  std::string project_id;              // required: the project whose people the file lists
  std::string match = "code";          // the matching key: "code" or "tax_code"
  bool dry_run = false;                // plan and validate, write nothing
  std::optional<int64_t> max_changes;  // refuse (write nothing) above this many changes
  // The date absent people are historicized on. Default: the engine's today.
  std::optional<std::chrono::year_month_day> date;
};

struct PeopleSyncChange {
  enum class Kind { kCreate, kUpdate, kRestore, kHistoricize };
  Kind kind = Kind::kCreate;
  int64_t line = 0;       // the row's line in the file; 0 for kHistoricize (absent from it)
  std::string person_id;  // "" for a create that was not written
  std::string key;        // the match key's value
  std::string name;       // "first_name last_name" (the file's, else the stored one)
  // kUpdate and kRestore: {field: {"old": ..., "new": ...}} for each field that changes.
  Json fields = Json::object();
};

// One bad row (or the header, line 1).
struct PeopleSyncError {
  int64_t line = 0;
  std::string field;    // the column, or "" for the row as a whole
  std::string message;  // e.g. "must be a real calendar date in the form YYYY-MM-DD"

  friend bool operator==(const PeopleSyncError&, const PeopleSyncError&) = default;
};

struct PeopleSyncResult {
  // Creates, updates and restores in file order, then historicizations by key.
  std::vector<PeopleSyncChange> changes;
  int64_t unchanged = 0;                // rows that match a person and change nothing
  std::vector<PeopleSyncError> errors;  // by line; empty when the file is valid
  bool cap_exceeded = false;            // more changes than max_changes
  bool applied = false;                 // the changes were written

  int64_t Count(PeopleSyncChange::Kind kind) const {
    int64_t n = 0;
    for (const PeopleSyncChange& c : changes) n += c.kind == kind;
    return n;
  }
};

// "create", "update", "restore" or "historicize".
CERTO_EXPORT const char* PeopleSyncKindName(PeopleSyncChange::Kind kind);

}  // namespace certo
