-- Schema 22: a bulk write sums its status months once, at its end (issue 17: bulk load within
-- 2x raw). Schema 21's triggers moved a month for every write of a status step, and a bulk load
-- writes each subscription's steps several times over (its insert, its cover computed at the
-- end, each segment): 30% more time for the 100k benchmark's load. While certo_defer_months()
-- is set (the outermost bulk write, through its recomputation; src/engine/impl.h) the triggers
-- instead note the step's office in status_month_dirty, a lookup that writes nothing once the
-- office is noted (NOT EXISTS rather than OR IGNORE, which the firing statement's own conflict
-- clause would override); at the end the months of the noted offices are summed again from their steps
-- and the notes are cleared, before the commit. Writes outside bulk mode move their months as
-- in schema 21.
CREATE TABLE status_month_dirty (
  subtenant_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

DROP TRIGGER status_month_step_insert;
DROP TRIGGER status_month_step_delete;
DROP TRIGGER status_month_step_update;
DROP TRIGGER status_month_step_move;

CREATE TRIGGER status_month_step_insert AFTER INSERT ON status_step
WHEN NOT certo_defer_months()
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (NEW.subtenant_id, NEW.status, substr(NEW.day, 1, 7), NEW.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_month_step_delete AFTER DELETE ON status_step
WHEN OLD.n <> 0 AND NOT certo_defer_months()
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (OLD.subtenant_id, OLD.status, substr(OLD.day, 1, 7), -OLD.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_month_step_update AFTER UPDATE ON status_step
WHEN OLD.subtenant_id = NEW.subtenant_id AND OLD.status = NEW.status
  AND substr(OLD.day, 1, 7) = substr(NEW.day, 1, 7) AND OLD.n <> NEW.n
  AND NOT certo_defer_months()
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (NEW.subtenant_id, NEW.status, substr(NEW.day, 1, 7), NEW.n - OLD.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_month_step_move AFTER UPDATE ON status_step
WHEN (OLD.subtenant_id <> NEW.subtenant_id OR OLD.status <> NEW.status
      OR substr(OLD.day, 1, 7) <> substr(NEW.day, 1, 7))
  AND NOT certo_defer_months()
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (OLD.subtenant_id, OLD.status, substr(OLD.day, 1, 7), -OLD.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (NEW.subtenant_id, NEW.status, substr(NEW.day, 1, 7), NEW.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_month_step_insert_deferred AFTER INSERT ON status_step
WHEN certo_defer_months()
BEGIN
  INSERT INTO status_month_dirty SELECT NEW.subtenant_id WHERE NOT EXISTS
    (SELECT 1 FROM status_month_dirty WHERE subtenant_id = NEW.subtenant_id);
END;

CREATE TRIGGER status_month_step_delete_deferred AFTER DELETE ON status_step
WHEN certo_defer_months()
BEGIN
  INSERT INTO status_month_dirty SELECT OLD.subtenant_id WHERE NOT EXISTS
    (SELECT 1 FROM status_month_dirty WHERE subtenant_id = OLD.subtenant_id);
END;

-- An upsert's DO UPDATE keeps the key: its office is the one its insert would have noted.
CREATE TRIGGER status_month_step_update_deferred AFTER UPDATE ON status_step
WHEN certo_defer_months()
BEGIN
  INSERT INTO status_month_dirty SELECT OLD.subtenant_id WHERE NOT EXISTS
    (SELECT 1 FROM status_month_dirty WHERE subtenant_id = OLD.subtenant_id);
  INSERT INTO status_month_dirty SELECT NEW.subtenant_id WHERE NOT EXISTS
    (SELECT 1 FROM status_month_dirty WHERE subtenant_id = NEW.subtenant_id);
END;
