-- Schema 11: a bounded outbox (issue 17). Events stay in the outbox until an application
-- acknowledges them; a file whose events nobody reads grows by one event per write for ever. The
-- retention policy, stored in the file so every program that opens it obeys the same one, keeps
-- at most max_events unacknowledged events and none older than max_days (NULL: no such limit).
-- Events the policy drops are counted (dropped, and the highest seq dropped), so a consumer that
-- finds a gap knows it was the policy, never silence: `certo outbox --status`, Verify().
-- The engine applies the policy at the end of each write (src/store/outbox.cc), before the commit.

CREATE TABLE outbox_policy (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  max_events      INTEGER CHECK (max_events IS NULL OR max_events >= 1),
  max_days        INTEGER CHECK (max_days IS NULL OR max_days >= 1),
  dropped         INTEGER NOT NULL DEFAULT 0,
  dropped_through INTEGER NOT NULL DEFAULT 0,
  updated_at      TEXT
);

INSERT INTO outbox_policy (id) VALUES (1);
