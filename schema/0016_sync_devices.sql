-- Schema 16: a hub knows its devices (issue 16, docs/sync.md, "Sync through certo serve"). A hub
-- reached over HTTP (`certo serve`) answers only devices it made, each for one project and, when
-- it was made over HTTP, for the API key that asked for it: a device syncs with that key, so
-- revoking the key cuts off that one device. A device made from the hub file itself has no key:
-- any read-write key of its project may sync it. A device made before this schema is registered
-- the first time it syncs with the hub file (the file's reader is trusted); over HTTP it is
-- unknown until then.
CREATE TABLE sync_device (
  device_id  TEXT PRIMARY KEY NOT NULL,  -- its sync_state.node_id
  project_id TEXT NOT NULL,              -- the project it holds
  key_id     TEXT,                       -- the API key it syncs with; NULL: any of its project's
  created_at TEXT NOT NULL
) WITHOUT ROWID;
