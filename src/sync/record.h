// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Recording: what a write changed in the record tables, as one changeset stored in the write's
// own transaction (schema 14, sync_change). The engine opens a RecordScope inside every
// top-level write (Engine::Impl::Write); it does nothing in a file that is neither a hub nor a
// device, so a file outside sync pays one read of an empty table per write.
//
// What travels, and why it is filtered after the fact. A session is attached to the record
// tables only (the registry's entities: not the touch queues, covers, requirements, outbox,
// keys, reviews, nor the sync tables), but the triggers of those tables also write into them:
// derived schedule rows (action_subscription.origin = 'DERIVED') and the trigger-kept columns of
// every schedule row (its cover dates and visibility). SQLite marks a change "indirect" when
// triggers alone made it, so indirect changes are dropped whole; a direct change can still carry
// trigger-kept columns (a row inserted by hand, then given its cover dates by a trigger, is one
// INSERT with both), so those columns are cleared from every change, and the changes a derived
// row gets by hand keep only its data. The receiving side's triggers recompute the rest, as
// they do for a local write. Changes are then ordered as the triggers need them (deletes
// children first, then inserts and updates parents first: a derivation trigger reads the
// parents a row names), and encoded again (sync/changeset.h).

#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "db/db.h"
#include "sync/changeset.h"

namespace certo::internal {

// The schema version that added sync; the oldest a device's changesets may be written at.
inline constexpr int kSyncSchema = 14;

// This file's place in the sync (sync_state), if it has one.
struct SyncNode {
  std::string role;  // "hub" or "device"
  std::string node_id;
  std::string hub_id;      // a device: its hub
  std::string project_id;  // a device: its project
  std::string office_id;   // a device of one office: that office (schema 17)
  int64_t position = 0;    // a device: the last hub seq applied
  int min_schema = kSyncSchema;
};
std::optional<SyncNode> ReadSyncNode(Db& db);

// Who a recorded change is from, when it is not this file's own write: a change from a device
// being applied (origin, at and change_id are the device's), or nothing at all (suppress: a
// device replaying its hub's history).
struct RecordAs {
  bool suppress = false;
  std::string origin, at, change_id;
};

// The record tables, parents before children (the registry's order).
const std::vector<std::string>& RecordTables();
// The columns of a table, in declaration order (the changeset's column order).
std::vector<std::string> TableColumns(Db& db, const std::string& table);
// True for a column that triggers keep and a changeset never carries.
bool IsDerivedColumn(const std::string& table, const std::string& column);

// The changes of a session's changeset that travel (see the file comment), ordered.
std::vector<Change> Travelling(Db& db, std::vector<Change> raw);
// Orders changes as the receiving side's triggers need them.
std::vector<Change> Ordered(std::vector<Change> changes);

// Test-only: called at each step of a sync ("push" after each pushed change, "pull" before
// the device replays its hub, "commit" before the device commits); a test makes it throw
// StatusError to stop a sync there, as a crash or a lost connection would.
extern std::function<void(std::string_view step)> TEST_SyncStep;

// One top-level write's recording. REQUIRES: constructed inside the write's transaction.
class RecordScope {
 public:
  RecordScope(Db& db, bool top, const RecordAs& as);
  RecordScope(const RecordScope&) = delete;
  RecordScope& operator=(const RecordScope&) = delete;
  ~RecordScope();

  // Stores what the write changed (nothing when it changed no record) as one sync_change row;
  // on a hub, also the stamps of the fields it set and the last values of the rows it deleted.
  // Returns the changes stored. now: the write's time.
  std::vector<Change> Finish(const std::string& now);
  // The origin the stored change was marked with ("" when nothing is recorded).
  const std::string& origin() const { return origin_; }

 private:
  Db& db_;
  void* session_ = nullptr;  // sqlite3_session*
  std::optional<SyncNode> node_;
  RecordAs as_;
  std::string origin_;
};

}  // namespace certo::internal
