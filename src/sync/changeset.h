// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// SQLite session changesets as values: decoded into Changes that sync can read, filter and
// reorder, and encoded back into the changeset format sqlite3changeset_apply takes (the format
// documented at the head of SQLite's sqlite3session.c: per table a header 'T', the column count,
// the primary-key flags and the name; per change the operation, the indirect flag, and the old
// and new records, each field a type byte and its value, "undefined" where a column is not part
// of the change). Decoding goes through SQLite's own iterator, so whatever SQLite writes is read
// as SQLite reads it; encoding is ours, because SQLite 3.40 has no call that builds a changeset
// from changes, and sync needs to drop what triggers derived and to order tables parents first.

#pragma once

#include "certo/record.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

struct sqlite3_changeset_iter;
struct sqlite3_value;

namespace certo::internal {

// One field of a change: a SQLite value (type SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT,
// SQLITE_BLOB or SQLITE_NULL).
struct Value {
  int type = 5;  // SQLITE_NULL
  int64_t integer = 0;
  double real = 0;
  std::string bytes;  // text or blob

  friend bool operator==(const Value&, const Value&) = default;
};

// As JSON: integers and reals as numbers, text as a string, NULL as null, a blob as
// {"blob_hex": "..."}.
Json ValueJson(const Value& value);

enum class Op { kInsert, kUpdate, kDelete };

struct Change {
  std::string table;
  Op op = Op::kInsert;
  bool indirect = false;  // made by a trigger (or a foreign-key action), not a statement
  std::vector<bool> pk;   // per column: part of the primary key
  // Per column: the value before (DELETE, UPDATE: the primary key and the changed columns) and
  // after (INSERT, UPDATE: the changed columns); nullopt where undefined.
  std::vector<std::optional<Value>> old_values, new_values;

  // The primary key (certo's tables have one text key column) as text.
  std::string Key() const;
};

// A SQLite value as a Value (nullopt for a null pointer: undefined).
std::optional<Value> ValueOf(sqlite3_value* value);
// The change an iterator is at.
Change ChangeAt(sqlite3_changeset_iter* it);
// The changes of a changeset, in its order. Throws StatusError (kCorrupt) on a malformed one.
std::vector<Change> Decode(const std::string& changeset);
// A changeset of changes, in their order (a table header wherever the table changes).
std::string Encode(const std::vector<Change>& changes);
// The changeset that undoes changeset (sqlite3changeset_invert).
std::string Invert(const std::string& changeset);

}  // namespace certo::internal
