// Copyright 2026 The certo Authors
// SPDX-License-Identifier: MIT
//
// Offline devices and their hub (DESIGN.md section 1, "Devices"; docs/sync.md). A device is a
// copy of one project of a hub file, or of one office of it (the office's rows and those of no
// office, by a rule that never changes over a row's life: docs/sync.md, "Devices of one
// office"), made by Engine::CreateDevice, that is written offline and later exchanges its
// changes with the hub (Engine::SyncWithHub).
//
// Contract:
//  * Recording. Once a file is a hub or a device, every top-level write stores what it changed
//    in the record tables (a SQLite session changeset) in the write's own transaction: a change
//    survives restarts and a crash, and is never recorded for a write that did not commit.
//    Changesets carry records only, never what triggers derive (cover dates, visibility,
//    derived schedule rows, requirements, the outbox): the receiving side recomputes it, so
//    Verify() is clean on both sides after every sync (DESIGN.md section 2.3).
//  * Sync. Pushes the device's pending changes to the hub in batches, each batch applied in one
//    hub transaction and each change at most once (its id is kept), then brings the device to the
//    hub's state: the device undoes its own pushed changes and replays the hub's history after its
//    position, which includes them as the hub resolved them, all in one device transaction. Every
//    device thus ends with the hub's rows. A sync stopped at any point (a crash, a failure) is
//    resumed by the next one without loss or duplicates.
//  * Conflicts are decided on the hub, losing no edit: different fields of one row merge; one
//    field changed on both sides takes the later write (its updated_at; the origin's id breaks a
//    tie) and logs the other value; a delete of a row changed on the hub keeps the row; an update
//    of a row deleted on the hub restores it; a unique key taken on both sides keeps both rows'
//    data (the second without its code, or, for a link pair, reported); a row whose parent the
//    hub deleted restores the parent. Every decision is a SyncConflict in the hub's log.
//  * Events. Changes applied from elsewhere emit ENTITY::CREATE|UPDATE|DELETE on the receiving
//    side's outbox with "origin": the node they came from; what the receiving side's triggers
//    derive from them emits its events as for a local write.
//  * Schema. A changeset records its writer's schema version; a hub applies changesets written
//    at a schema from its min_schema up to its own, and refuses newer ones (kIncompatible). An
//    older device's change names the columns it was written with: it is applied when every
//    table it touches exists on the hub and begins with those columns. An older device drops,
//    from what it pulls, the columns and tables its schema does not have. A device newer than
//    its hub is refused before anything moves, naming both versions.
//  * Transport. Engine::SyncWithHub(SyncHub&) is the whole sync; a SyncHub only carries its
//    three calls (hello, push a batch of changes, pull a page of history) to the hub's Engine,
//    whose HubHello, HubPush and HubPull do the hub's side. The file hub calls them in process;
//    certo serve's routes POST /v2/sync/hello|push|pull call them over HTTP (serve/sync_client.h
//    is the device's side), authenticated with the device's key.
//  * Not yet: a device of one office (only whole projects), review campaigns, API keys and the
//    outbox do not travel; only a FIELD conflict's lost value can be restored from the log
//    (Engine::RestoreSyncConflict); the others name their collection, row and data for a hand
//    edit.

#pragma once

#include "certo/export.h"
#include "certo/keys.h"
#include "certo/record.h"
#include "certo/status.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace certo {

// What Engine::CreateDevice makes.
struct DeviceSpec {
  std::string out_path;    // the device file to create; must not exist
  std::string project_id;  // the project it holds; may be empty when the hub holds one project
  std::string key_id;      // the API key it syncs with over HTTP ("" : any of its project's)
  // The one office of the project it holds, with the project-level rows ("": the whole project;
  // docs/sync.md, "Devices of one office"). With no project_id, the office's project.
  std::string office_id;
};

// A file's place in the sync (Engine::SyncStatus).
struct SyncState {
  std::string role;        // "hub", "device", or "" (not in sync)
  std::string node_id;     // this file's id: the origin of its changes
  std::string hub_id;      // a device: its hub's node_id
  std::string project_id;  // a device: its project
  std::string office_id;   // a device of one office: that office ("": the whole project)
  int64_t position = 0;    // a device: the last hub change it has; a hub: its newest change
  int64_t pending = 0;     // a device: its changes not yet synced
  int min_schema = 0;      // the oldest schema version whose changes this file applies
};

// What one Engine::SyncWithHub did.
struct SyncResult {
  int64_t pushed = 0;     // the device's changes sent (and applied, or found applied already)
  int64_t pulled = 0;     // the hub's changes applied to the device (its own included)
  int64_t conflicts = 0;  // conflicts the hub logged while applying the pushed changes
  int64_t position = 0;   // the device's position after the sync
};

// One decision of the hub's conflict log (Engine::SyncConflicts, GET /v2/sync/conflicts).
struct SyncConflict {
  int64_t conflict_id = 0;
  std::string detected_at;  // UTC YYYY-MM-DDTHH:MM:SSZ
  std::string change_id;    // the pushed change that met the conflict
  std::string kind;         // FIELD, DELETED, UNIQUE or PARENT
  std::string collection;   // e.g. "person"
  std::string row_id;
  std::string field;        // FIELD: the field; else empty
  Json kept;                // the value the hub holds now
  Json lost;                // the value that lost (FIELD), or the row (DELETED, UNIQUE)
  std::string lost_origin;  // the node that wrote the lost value
  std::string lost_at;      // when ("" for a value older than the hub)
  std::string resolution;   // what was done, in words
  std::string restored_at;  // when the lost value was put back ("" while it was not)
};

// ---- The hub's side of a sync, whatever carries it ------------------------------------------

// What a device says when a sync begins (Engine::HubHello).
struct SyncHello {
  std::string device_id;   // its node_id
  std::string hub_id;      // the hub it was made from
  std::string project_id;  // the project it holds
  int schema = 0;          // its schema version
  int min_schema = 0;      // the oldest schema it exchanges with
  std::string office_id;   // the one office of it it holds ("": the whole project)
};

// The hub's answer.
struct HubInfo {
  std::string hub_id;
  int schema = 0;      // the hub's schema version
  int min_schema = 0;  // the oldest schema whose changes it applies
};

// The columns of tables, in declaration order, by table: what a change written at another
// schema needs to be read by name.
using TableColumnsMap = std::map<std::string, std::vector<std::string>>;

// One change of a device, as it travels to the hub (Engine::HubPush).
struct DeviceChange {
  std::string change_id;  // a UUID: pushing it again changes nothing
  std::string at;         // the write's time, UTC YYYY-MM-DDTHH:MM:SSZ: its conflict stamp
  int schema = 0;         // the writer's schema version
  std::string changeset;  // SQLite changeset bytes
  // The writer's columns of each table the changeset touches; required when schema is not the
  // hub's, ignored when it is.
  TableColumnsMap columns;
};

// One change of the hub's history, as a device pulls it (Engine::HubPull).
struct HubChange {
  int64_t seq = 0;
  std::string origin;  // the node whose write it was
  int schema = 0;
  std::string changeset;  // only the device's project's rows
};

// A page of the hub's history after a position.
struct HubPage {
  std::vector<HubChange> changes;  // in seq order; the hub's changes of other projects left out
  int64_t position = 0;            // the last seq this page covers (the device's next position)
  bool more = false;               // true: pull again from position
  TableColumnsMap columns;  // the hub's columns of its record tables, when the device's schema
                            // is not the hub's (else empty)
};

// Who asks the hub's side of a sync.
struct HubAccess {
  // The device opened the hub file itself: a device made before the hub knew its devices
  // (schema 16) is registered on its first sync.
  bool file = false;
  // Over HTTP, on a file with keys: the key the request authenticated with. A device made over
  // HTTP syncs only with the key it was made with; one made from the file, with any read-write
  // key of its project.
  std::optional<ApiKey> key;
};

// A hub as a device reaches it: the transport of Engine::SyncWithHub. Each call is one exchange
// with the hub's Engine (HubHello, HubPush, HubPull); an error is the hub's, or the transport's
// (kIOError: the hub cannot be reached).
class SyncHub {
 public:
  virtual ~SyncHub() = default;
  virtual Result<HubInfo> Hello(const SyncHello& hello) = 0;
  // Returns how many conflicts the hub logged applying it.
  virtual Result<int64_t> Push(const std::string& device_id, const DeviceChange& change) = 0;
  // Changes in order in one exchange, applied by the hub in one transaction (Engine::HubPush):
  // how a sync pushes. The default pushes them one by one, for a transport that carries one.
  virtual Result<int64_t> PushAll(const std::string& device_id,
                                  const std::vector<DeviceChange>& changes) {
    int64_t conflicts = 0;
    for (const DeviceChange& change : changes) {
      Result<int64_t> pushed = Push(device_id, change);
      if (!pushed.ok()) return pushed;
      conflicts += *pushed;
    }
    return conflicts;
  }
  virtual Result<HubPage> Pull(const std::string& device_id, int64_t after, int schema) = 0;
};

// As JSON: {"conflict_id", "detected_at", "change_id", "kind", "collection", "row_id",
// "field" (null when empty), "kept", "lost", "lost_origin", "lost_at", "resolution",
// "restored_at" (null while not restored)}.
CERTO_EXPORT Json SyncConflictJson(const SyncConflict& conflict);

}  // namespace certo
