-- Schema 21: the reads of the EXPIRED page (issue 17: a page of 100 EXPIRED rows under 1 ms).
--
-- status_month: the status steps of schema 18 summed per office, status and month ('' for the
-- steps before every day, as there). A count as of day D was the sum of every step of the office
-- and status up to D: thousands of rows once the file holds years of history (3,616 for one
-- status of the 100k benchmark's office). Now it is the sum of the months before D's month (at
-- most twelve a year) and of the days of D's month up to D (at most 31). The triggers below keep
-- it from every write of status_step: each inserted, updated or deleted step moves its month by
-- the same n. Verify() compares it with status_step's sums; certo compact drops its zero rows.
--
-- subscription_cover_expired: the earlier segments that end after their cover expired, which
-- are the only ones that can be EXPIRED on a day they are in force (cover_expire < D < to_day).
-- The EXPIRED page read the segments of its office that end after D (a fifth of them a year
-- ago) to find those few; a subscription renewed on time has none here.
CREATE TABLE status_month (
  subtenant_id TEXT NOT NULL,
  status       TEXT NOT NULL,
  month        TEXT NOT NULL,  -- YYYY-MM; '' stands for before every day
  n            INTEGER NOT NULL,
  PRIMARY KEY (subtenant_id, status, month)
) WITHOUT ROWID;

INSERT INTO status_month (subtenant_id, status, month, n)
SELECT subtenant_id, status, substr(day, 1, 7), sum(n)
  FROM status_step
 GROUP BY subtenant_id, status, substr(day, 1, 7)
HAVING sum(n) <> 0;

CREATE TRIGGER status_month_step_insert AFTER INSERT ON status_step
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (NEW.subtenant_id, NEW.status, substr(NEW.day, 1, 7), NEW.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_month_step_delete AFTER DELETE ON status_step WHEN OLD.n <> 0
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (OLD.subtenant_id, OLD.status, substr(OLD.day, 1, 7), -OLD.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

-- The steps' triggers change n alone (an upsert's DO UPDATE): one write of its month. A change
-- of the key moves the old step's n out of its month and the new one's into its own.
CREATE TRIGGER status_month_step_update AFTER UPDATE ON status_step
WHEN OLD.subtenant_id = NEW.subtenant_id AND OLD.status = NEW.status
  AND substr(OLD.day, 1, 7) = substr(NEW.day, 1, 7) AND OLD.n <> NEW.n
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (NEW.subtenant_id, NEW.status, substr(NEW.day, 1, 7), NEW.n - OLD.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER status_month_step_move AFTER UPDATE ON status_step
WHEN OLD.subtenant_id <> NEW.subtenant_id OR OLD.status <> NEW.status
  OR substr(OLD.day, 1, 7) <> substr(NEW.day, 1, 7)
BEGIN
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (OLD.subtenant_id, OLD.status, substr(OLD.day, 1, 7), -OLD.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    VALUES (NEW.subtenant_id, NEW.status, substr(NEW.day, 1, 7), NEW.n)
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
END;

CREATE INDEX subscription_cover_expired
  ON subscription_cover(subtenant_id, to_day, from_day, cover_expire, shown_from, hidden_from)
  WHERE cover_expire < to_day;
