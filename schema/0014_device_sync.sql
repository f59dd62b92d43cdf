-- Schema 14: devices that work offline and sync with a hub (issue 16, DESIGN.md sections 1 and
-- 2.3, docs/sync.md). A file takes part in sync once `certo device init` has made a device from
-- it (it is then a hub) or made it (a device); until then these tables stay empty and writes
-- record nothing.
--
-- Every top-level write of a hub or a device stores what it changed in the record tables as one
-- SQLite session changeset (src/sync/), in the write's own transaction: a crash cannot lose a
-- recorded change nor keep one the write did not commit. On a device, sync_change holds the
-- changes not yet synced; on a hub, its whole history, numbered by seq, which devices pull from
-- the position they last reached. Changesets never carry what triggers derive (cover dates,
-- visibility, derived schedule rows): the receiving side's triggers recompute it.

-- This file's place in the sync: one row, present only once the file is a hub or a device.
CREATE TABLE sync_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  role       TEXT NOT NULL CHECK (role IN ('hub', 'device')),
  node_id    TEXT NOT NULL,  -- this file's id: the origin its own changes are marked with
  hub_id     TEXT,           -- a device: the node_id of its hub
  project_id TEXT,           -- a device: the project it holds
  position   INTEGER NOT NULL DEFAULT 0,  -- a device: the last hub seq it has applied
  min_schema INTEGER NOT NULL,  -- the oldest schema version whose changesets this file applies
  created_at TEXT NOT NULL
);

-- Recorded changes: a device's pending ones, a hub's history. at and origin are the stamp a
-- conflict is decided by (the later at wins, the greater origin on a tie).
CREATE TABLE sync_change (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id TEXT NOT NULL UNIQUE,  -- a UUID; a hub entry of a pushed change keeps the device's
  origin    TEXT NOT NULL,         -- the node_id of the file whose write this was
  at        TEXT NOT NULL,         -- when that write happened, UTC YYYY-MM-DDTHH:MM:SSZ
  schema    INTEGER NOT NULL,      -- the writer's schema version
  changeset BLOB NOT NULL
);

-- A hub: the device changes it has applied, so that pushing one twice changes nothing.
CREATE TABLE sync_applied (
  change_id  TEXT PRIMARY KEY NOT NULL,
  origin     TEXT NOT NULL,
  applied_at TEXT NOT NULL
) WITHOUT ROWID;

-- A hub: the stamp of the last change of each field changed since it became a hub (a field
-- without one is older than every change a device can send).
CREATE TABLE sync_stamp (
  tbl    TEXT NOT NULL,
  pk     TEXT NOT NULL,
  col    TEXT NOT NULL,
  at     TEXT NOT NULL,
  origin TEXT NOT NULL,
  PRIMARY KEY (tbl, pk, col)
) WITHOUT ROWID;

-- A hub: the last values of each row deleted since it became a hub (as a one-change changeset),
-- so that an update or a child from a device that did not see the delete can restore it.
CREATE TABLE sync_tombstone (
  tbl       TEXT NOT NULL,
  pk        TEXT NOT NULL,
  changeset BLOB NOT NULL,
  PRIMARY KEY (tbl, pk)
) WITHOUT ROWID;

-- A hub: every conflict a sync decided, with the value that lost, so that no edit is lost.
CREATE TABLE sync_conflict (
  conflict_id INTEGER PRIMARY KEY AUTOINCREMENT,
  detected_at TEXT NOT NULL,
  change_id   TEXT NOT NULL,   -- the pushed change that met it
  kind        TEXT NOT NULL CHECK (kind IN ('FIELD', 'DELETED', 'UNIQUE', 'PARENT')),
  collection  TEXT NOT NULL,
  row_id      TEXT NOT NULL,
  field       TEXT,
  kept        TEXT,            -- JSON: the value the file holds now
  lost        TEXT,            -- JSON: the value that lost (a whole row for DELETED, UNIQUE)
  lost_origin TEXT NOT NULL,
  lost_at     TEXT NOT NULL,
  resolution  TEXT NOT NULL,
  restored_at TEXT             -- when the lost value was put back (Engine::RestoreSyncConflict)
);
