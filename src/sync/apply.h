// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Applying changesets (sqlite3changeset_apply_v2), the two ways sync needs:
//
//  * Exact, on a device: its hub's history is the truth, and the device replays it from the
//    state it last shared with the hub (after undoing its own pushed changes), so every change
//    applies as it is and the device ends up with the hub's rows. A conflict there means the
//    file is not where the history says it is: the sync fails and changes nothing.
//  * Merge, on a hub: a device's change meets whatever reached the hub since the device's copy,
//    and the conflict handler decides, losing no edit (docs/sync.md, "Conflicts"):
//      - fields changed on one side only merge (the change's old value is still there);
//      - a field changed on both sides takes the value with the later stamp (the write's time,
//        then the origin's id on a tie); the other goes to the conflict log (kind FIELD);
//      - a delete of a row changed here since the device's copy, or named by rows made here,
//        keeps the row (DELETED);
//      - an update of a row deleted here restores the row, then updates it (DELETED);
//      - a unique key taken on both sides keeps both rows: the incoming row is stored without
//        the key's nullable columns (a person's code), or, when the key has none (a link pair),
//        is reported with all its data and not stored (UNIQUE);
//      - a row whose parent was deleted here restores the parent (PARENT).
//    The decisions the handler cannot carry out by answering SQLite (a partial update, a
//    restore) are done right after the apply, in the same transaction.
//
// Both run triggers as any write does; the caller runs them inside one write (Engine::Impl::
// Write), whose end recomputes what the triggers deferred when it is a bulk one.

#pragma once

#include <string>
#include <vector>

#include "db/db.h"
#include "sync/changeset.h"

namespace certo::internal {

void ApplyExact(Db& db, const std::string& changeset);

// The same, for a whole replay of many changes (a device's pull): each change made by statements
// prepared once for the replay rather than by sqlite3changeset_apply, which prepares its own
// statements, the triggers of each table they write included, at every call, and expires every
// statement of the connection twice (its PRAGMA defer_foreign_keys). The same rules: a change
// applies as it is, a delete or an update of a row that is not here, an insert of a row that is,
// a constraint or a foreign key left broken at the end of a change fail the sync (kConflict).
// REQUIRES: inside a write, which the replay's failure rolls back whole.
class ExactReplay {
 public:
  explicit ExactReplay(Db& db);
  void Apply(const std::vector<Change>& changes);

 private:
  Db& db_;
};

struct MergeStamp {
  std::string change_id, origin, at;  // the pushed change and its stamp
};
// Returns how many conflicts were logged in sync_conflict. now: the hub's time.
int ApplyMerge(Db& db, const std::string& changeset, const MergeStamp& stamp,
               const std::string& hub_id, const std::string& now);

// Appends to the outbox the events of changes applied from origin, as a write through the API
// announces its rows (ENTITY::CREATE with the row, ::UPDATE with {"entity_id",
// "updated_fields": {field: {"old", "new"}}}, ::DELETE with the row), each marked with
// "origin": the device (or hub) the change came from. today: the event's date.
void EmitRemoteEvents(Db& db, const std::vector<Change>& changes, const std::string& origin,
                      const std::string& today);

}  // namespace certo::internal
