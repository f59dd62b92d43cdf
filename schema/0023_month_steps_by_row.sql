-- Schema 23: status months moved where the steps are written (issue 17: bulk load). Schemas 21
-- and 22 kept status_month with triggers on status_step, which run once per step written: a
-- trigger's program, and its WHEN inside it, started for each of the several steps of every
-- subscription and segment written, and a bulk load of 100k subscriptions took 20-30% longer
-- (82% more instructions in its recomputation; bench/README.md). Now schema 18's triggers, which
-- write a row's or a segment's steps in one statement, write their months in one more: the same
-- steps summed by month, upserted into status_month outside bulk mode. In bulk mode
-- (certo_defer_months(), schema 22) that statement computes no steps and writes nothing, and
-- one other notes the row's office in status_month_dirty, once per row or segment written
-- rather than per step;
-- the bulk write's end sums the noted offices' months again (SumDeferredMonths). The triggers
-- on status_step go.
DROP TRIGGER status_month_step_insert;
DROP TRIGGER status_month_step_delete;
DROP TRIGGER status_month_step_update;
DROP TRIGGER status_month_step_move;
DROP TRIGGER status_month_step_insert_deferred;
DROP TRIGGER status_month_step_delete_deferred;
DROP TRIGGER status_month_step_update_deferred;

DROP TRIGGER status_step_row_insert;
CREATE TRIGGER status_step_row_insert AFTER INSERT ON action_subscription
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT NEW.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

DROP TRIGGER status_step_row_delete;
CREATE TRIGGER status_step_row_delete AFTER DELETE ON action_subscription
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

DROP TRIGGER status_step_row_update;
CREATE TRIGGER status_step_row_update
AFTER UPDATE OF subtenant_id, first_from, cover_from, cover_expire, expiring_from, shown_from,
                hidden_from ON action_subscription
WHEN OLD.subtenant_id IS NOT NEW.subtenant_id OR OLD.first_from IS NOT NEW.first_from
  OR OLD.cover_from IS NOT NEW.cover_from OR OLD.cover_expire IS NOT NEW.cover_expire
  OR OLD.expiring_from IS NOT NEW.expiring_from OR OLD.shown_from IS NOT NEW.shown_from
  OR OLD.hidden_from IS NOT NEW.hidden_from
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(
             OLD.first_from, OLD.cover_from, OLD.shown_from, OLD.hidden_from, OLD.cover_expire,
             OLD.expiring_from, -1,
             NEW.first_from, NEW.cover_from, NEW.shown_from, NEW.hidden_from, NEW.cover_expire,
             NEW.expiring_from, 1)) j
     WHERE OLD.subtenant_id = NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(
             OLD.first_from, OLD.cover_from, OLD.shown_from, OLD.hidden_from, OLD.cover_expire,
             OLD.expiring_from, -1,
             NEW.first_from, NEW.cover_from, NEW.shown_from, NEW.hidden_from, NEW.cover_expire,
             NEW.expiring_from, 1) END) j
     WHERE (OLD.subtenant_id = NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id UNION SELECT NEW.subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

DROP TRIGGER status_step_segment_insert;
CREATE TRIGGER status_step_segment_insert AFTER INSERT ON subscription_cover
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT NEW.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

DROP TRIGGER status_step_segment_delete;
CREATE TRIGGER status_step_segment_delete AFTER DELETE ON subscription_cover
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

DROP TRIGGER status_step_segment_update;
CREATE TRIGGER status_step_segment_update
AFTER UPDATE OF from_day, to_day, subtenant_id, cover_expire, expiring_from, shown_from,
                hidden_from ON subscription_cover
WHEN OLD.subtenant_id IS NOT NEW.subtenant_id OR OLD.from_day IS NOT NEW.from_day
  OR OLD.to_day IS NOT NEW.to_day OR OLD.cover_expire IS NOT NEW.cover_expire
  OR OLD.expiring_from IS NOT NEW.expiring_from OR OLD.shown_from IS NOT NEW.shown_from
  OR OLD.hidden_from IS NOT NEW.hidden_from
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(
             OLD.from_day, OLD.to_day, OLD.shown_from, OLD.hidden_from, OLD.cover_expire,
             OLD.expiring_from, -1,
             NEW.from_day, NEW.to_day, NEW.shown_from, NEW.hidden_from, NEW.cover_expire,
             NEW.expiring_from, 1)) j
     WHERE OLD.subtenant_id = NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(
             OLD.from_day, OLD.to_day, OLD.shown_from, OLD.hidden_from, OLD.cover_expire,
             OLD.expiring_from, -1,
             NEW.from_day, NEW.to_day, NEW.shown_from, NEW.hidden_from, NEW.cover_expire,
             NEW.expiring_from, 1) END) j
     WHERE (OLD.subtenant_id = NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id UNION SELECT NEW.subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;
