-- Schema 18: the status counts of every office on every day, as steps (issue 12, DESIGN.md
-- section 2.1; src/schedule/schedule.cc, StatusCounts). A subscription's status on a day is read
-- from its timeline (schema 8), which makes a count of one office on one day a sum of ten index
-- reads over every row of the office. Here each row of action_subscription (its NEW days before
-- the first cover and its own last segment) and each earlier segment in subscription_cover
-- contributes, within the days the row is in force, +1 to a status on the day it starts having
-- it and -1 on the day it stops. Their sums per office, day and status are status_step's rows,
-- so the count of a status in an office on day D is the sum of that office's steps of the status
-- up to D: one short range of this table, whose size is bounded by offices x days x statuses
-- however many subscriptions there are.
--
-- The triggers below keep it for every write of the two tables: each adds its row's steps when
-- the row comes and takes them away when it goes, and an update takes the old row's and adds
-- the new's in one call, so that only the steps that changed are written. The steps are computed
-- by certo_row_steps and certo_segment_steps (rules.cc, AppendStatusSteps: the same rule as
-- StatusOn). A sum that comes back to 0 is left as a row of 0 (certo compact removes them);
-- Verify() recomputes the table from the subscriptions' links and compares.
CREATE TABLE status_step (
  subtenant_id TEXT NOT NULL,
  status       TEXT NOT NULL,
  day          TEXT NOT NULL,  -- '' stands for before every day
  n            INTEGER NOT NULL,
  PRIMARY KEY (subtenant_id, status, day)
) WITHOUT ROWID;

INSERT INTO status_step (subtenant_id, status, day, n)
SELECT subtenant_id, status, day, sum(n)
  FROM (SELECT s.subtenant_id, j.value ->> 1 AS status, j.value ->> 0 AS day, j.value ->> 2 AS n
          FROM action_subscription s,
               json_each(certo_row_steps(s.first_from, s.cover_from, s.shown_from, s.hidden_from,
                                         s.cover_expire, s.expiring_from, 1)) j
        UNION ALL
        SELECT g.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
          FROM subscription_cover g,
               json_each(certo_segment_steps(g.from_day, g.to_day, g.shown_from, g.hidden_from,
                                             g.cover_expire, g.expiring_from, 1)) j)
 GROUP BY subtenant_id, status, day
HAVING sum(n) <> 0;

CREATE TRIGGER status_step_row_insert AFTER INSERT ON action_subscription
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_step_row_delete AFTER DELETE ON action_subscription
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
END;

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
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_step_segment_insert AFTER INSERT ON subscription_cover
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_step_segment_delete AFTER DELETE ON subscription_cover
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
END;

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
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
END;
