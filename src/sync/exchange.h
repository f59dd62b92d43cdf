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
//  * Columns travel by name. A change written at an older schema is applied when each table it
//    touches begins with the writer's columns, in their order (migrations add columns at a
//    table's end; SQLite fills the others with their defaults); anything else is refused
//    naming the table and the column, never applied by position into the wrong column, and
//    never skipped silently (which is what SQLite does with a table it finds incompatible).
//    The other way, a change written at a newer schema is cut down to this file's columns and
//    tables by name: an older file cannot hold what its schema does not have.

#pragma once

#include "certo/sync.h"

#include <string>
#include <vector>

#include "db/db.h"
#include "sync/changeset.h"

namespace certo::internal {

// The project of a change's row ("" when this file cannot tell: a row it never held).
std::string ProjectOf(Db& db, const Change& change);

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
