// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// What a change needs to cross from one file to another beyond its bytes: whose project its
// row is (a hub holds several projects, a device one, and a device's key reaches only its own),
// and the columns it was written with (a device and its hub may be at different schemas).
//
//  * A change's project is read from the change where it carries it (an insert's new row, a
//    delete's old one, an update that sets it), else from the row in this file, else from the
//    row's tombstone (deleted here: its last values). A row keeps its project for life (the
//    registry refuses to move one), so the answer does not depend on when it is asked.
//  * A device of one office holds the rows bound to no office but its own (docs/sync.md,
//    "Devices of one office"). A row's offices are its office field's (an office row: itself)
//    and, through every reference it holds but its project's, the offices of the rows it names:
//    a person-office link is its office's, a certificate-action link its action's and its
//    certificate's, a certificate its resource's (none for a person's), an entity-attachment
//    link its entity's; a project, a person, an attachment are bound to none. References are
//    immutable and so are offices, but for a certificate's resource, which a file with devices of
//    one office keeps in its office (schema 17's trigger): a row's offices do not change over its
//    life, so the rows of a device are the same at every point of its hub's history, and none
//    enters or leaves it half-way. Rows are read from the change, else from this file, else from
//    their tombstones; a row named that this file never held is bound to an unknown office, of
//    no device.
//  * Columns travel by name. A change written at an older schema is applied when each table it
//    touches begins with the writer's columns, in their order (migrations add columns at a
//    table's end; SQLite fills the others with their defaults); anything else is refused
//    naming the table and the column, never applied by position into the wrong column, and
//    never skipped silently (which is what SQLite does with a table it finds incompatible).
//    The other way, a change written at a newer schema is cut down to this file's columns and
//    tables by name: an older file cannot hold what its schema does not have.

#pragma once

#include "certo/sync.h"

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "db/db.h"
#include "sync/changeset.h"

namespace certo::internal {

// The project of a change's row ("" when this file cannot tell: a row it never held).
std::string ProjectOf(Db& db, const Change& change);

// The offices rows are bound to (above), as this file tells, those of the rows reached through a
// reference remembered for the reader's life: use one within one read of the file.
class OfficeReader {
 public:
  explicit OfficeReader(Db& db) : db_(db) {}
  // The offices of a change's row: for an update, before (after: false) or after it. An unknown
  // office is "?".
  std::set<std::string> Of(const Change& change, bool after = true);
  // Makes a change's inserted rows known before this file holds them (a pushed change whose rows
  // name rows it makes).
  void Expect(const std::vector<Change>& changes);
  // The offices of the row id of table, or nullopt when this file holds no such row (nor its
  // tombstone).
  std::optional<std::set<std::string>> OfRow(const std::string& table, const std::string& id,
                                             int depth = 0);

 private:
  using Getter = std::function<std::optional<std::string>(std::string_view column)>;
  std::set<std::string> OfValues(const std::string& table, const Getter& get, int depth);
  const std::vector<std::string>& Columns(const std::string& table);

  Db& db_;
  std::map<std::string, std::vector<std::string>> columns_;
  std::map<std::string, std::optional<std::set<std::string>>> rows_;  // by table/id
  std::map<std::string, std::vector<std::optional<std::string>>> expected_;
};

// Whether a row bound to offices travels to a device of office ("": a whole project's).
bool OfOffice(const std::set<std::string>& offices, const std::string& office);
// The offices as text, for messages ("office A", "offices A and B", "an unknown office").
std::string OfficesText(const std::set<std::string>& offices);

// The columns of the record tables of this file.
TableColumnsMap RecordColumns(Db& db);
// This file's columns of the tables changes touch, each cut to the changes' column count (a
// change recorded before an upgrade has the columns of its schema, the first ones).
TableColumnsMap ColumnsOf(Db& db, const std::vector<Change>& changes);

// Fails unless every change is of a record table whose columns here begin with the writer's:
// columns (the writer's, when its schema is not this file's) or, when null, exactly this
// file's. Errors: kInvalidArgument (not a record table), kValidation ("columns": missing or
// not matching the changes), kIncompatible (a column this file does not have, or at another
// place).
void CheckColumns(Db& db, const std::vector<Change>& changes, const TableColumnsMap* columns);

// Changes written with the columns from, as this file's tables hold them: by name, a column
// this file lacks dropped, a table it lacks skipped, an update left with no change skipped.
std::vector<Change> Adapt(Db& db, const std::vector<Change>& changes, const TableColumnsMap& from);

}  // namespace certo::internal
