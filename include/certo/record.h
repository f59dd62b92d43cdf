// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Record: the value type of every entity row certo reads and writes.
//
// Why a third-party type is public here: certo's records *are* JSON documents. Every entity is
// shaped like the 4hse v2 API (field names, nesting of free-form `data`, `manager`, ...), the JSON
// API passes them through unchanged, and the Python bindings turn them into dicts. Wrapping them
// in a home-made variant tree would add a copy and a second vocabulary for the same thing.
// nlohmann/json is header-only, from Debian's nlohmann-json3-dev, and certo's CMake package
// finds it for consumers (find_dependency), so nothing extra is asked of a user.
//
// It is the only dependency that appears in certo's public headers: SQLite, SQLiteCpp, date and
// CLI11 stay inside the library.

#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace certo {

// A JSON object with an entity's fields, e.g. {"person_id": "...", "first_name": "Ada", ...}.
// ordered_json keeps fields in the order of the 4hse documents: the id first, then the fields.
using Json = nlohmann::ordered_json;

// A row named by its collection and id, as listed by a delete preview.
struct RowRef {
  std::string collection;
  std::string id;

  friend bool operator==(const RowRef&, const RowRef&) = default;
};

// What Delete did or would do: the row itself first, then every dependant row that goes with it.
struct DeleteResult {
  bool forced = false;       // true: the rows are gone; false: nothing changed (a preview)
  std::vector<RowRef> rows;  // the row, then its dependants (children before grandchildren)
};

}  // namespace certo
