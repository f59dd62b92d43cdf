-- certo schema 2: the compliance schedule (DESIGN.md sections 2 and 3) and the event outbox.
--
-- 'never' sorts after every ISO date, so the conditions below stay plain text comparisons.
-- Each action_subscription row keeps the dates its status depends on, maintained by triggers:
--   cover_release   date_release of the covering link's certificate (NULL: no covering link)
--   cover_expire    the covering expiry E (NULL: no link; 'never': never expires)
--   expiring_from   E - expire_interval days, the first EXPIRING day ('never': never)
-- so that the status on any day D is a range condition on stored dates:
--   NEW: cover_expire IS NULL; EXPIRED: cover_expire < D;
--   EXPIRING: expiring_from <= D <= cover_expire; VALID: D < expiring_from and D <= cover_expire.
-- The dates are computed by C++ functions registered on the connection (certo_expiry,
-- certo_expiring_from, certo_status); a connection without them cannot write these tables.

CREATE TABLE action_subscription (
  action_subscription_id TEXT PRIMARY KEY NOT NULL,
  tenant_id              TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id           TEXT NOT NULL REFERENCES office(office_id),
  action_id              TEXT NOT NULL REFERENCES action(action_id),
  subscriber_type        TEXT NOT NULL,
  subscriber_id          TEXT NOT NULL,
  data                   TEXT,
  retired_on             TEXT,
  cover_release          TEXT,
  cover_expire           TEXT,
  expiring_from          TEXT
);
CREATE UNIQUE INDEX action_subscription_pair ON action_subscription(action_id, subscriber_id);
CREATE INDEX action_subscription_subscriber ON action_subscription(subscriber_id);
CREATE INDEX action_subscription_office_expire
  ON action_subscription(subtenant_id, cover_expire, expiring_from);
CREATE INDEX action_subscription_office_expiring
  ON action_subscription(subtenant_id, expiring_from, cover_expire);
CREATE INDEX action_subscription_expire ON action_subscription(cover_expire);
CREATE INDEX action_subscription_expiring ON action_subscription(expiring_from);

-- A link's own date_expire; the date in force (own, else inherited) is computed when read.
CREATE TABLE certificate_action (
  certificate_action_id TEXT PRIMARY KEY NOT NULL,
  tenant_id             TEXT NOT NULL REFERENCES project(project_id),
  certificate_id        TEXT NOT NULL REFERENCES certificate(certificate_id),
  action_id             TEXT NOT NULL REFERENCES action(action_id),
  date_expire           TEXT
);
CREATE UNIQUE INDEX certificate_action_pair ON certificate_action(certificate_id, action_id);
CREATE INDEX certificate_action_action ON certificate_action(action_id);
CREATE INDEX certificate_resource_id ON certificate(resource_id, certificate_id);

-- The touch queue: every write that can change a subscription's cover inserts the pair
-- (action_id, subscriber_id) here. Outside bulk mode its trigger recomputes the pair at once
-- and removes the row, so the table is empty after every statement; in bulk mode rows wait
-- until the bulk transaction ends and each pair is recomputed once.
CREATE TABLE schedule_touch (
  action_id     TEXT NOT NULL,
  subscriber_id TEXT NOT NULL
);

CREATE TRIGGER schedule_touch_apply AFTER INSERT ON schedule_touch WHEN NOT certo_bulk()
BEGIN
  UPDATE action_subscription
     SET (cover_release, cover_expire, expiring_from) = (
       SELECT cover.release, cover.expire, certo_expiring_from(cover.expire, a.expire_interval)
         FROM action a
         LEFT JOIN (
           SELECT c.date_release AS release,
                  certo_expiry(l.date_expire, c.date_expire, c.date_release, c.validity,
                               c.validity_unit, la.validity, la.validity_unit) AS expire
             FROM certificate c
             JOIN certificate_action l ON l.certificate_id = c.certificate_id
             JOIN action la ON la.action_id = l.action_id
            WHERE c.resource_id = NEW.subscriber_id AND l.action_id = NEW.action_id
              AND c.tenant_id = la.tenant_id
            ORDER BY expire DESC, c.date_release DESC, l.certificate_action_id DESC
            LIMIT 1) AS cover ON 1
        WHERE a.action_id = NEW.action_id)
   WHERE action_id = NEW.action_id AND subscriber_id = NEW.subscriber_id;
  DELETE FROM schedule_touch WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER action_subscription_touch AFTER INSERT ON action_subscription
BEGIN
  INSERT INTO schedule_touch VALUES (NEW.action_id, NEW.subscriber_id);
END;

CREATE TRIGGER certificate_action_insert_touch AFTER INSERT ON certificate_action
BEGIN
  INSERT INTO schedule_touch
    SELECT NEW.action_id, c.resource_id FROM certificate c WHERE c.certificate_id = NEW.certificate_id;
END;

CREATE TRIGGER certificate_action_update_touch AFTER UPDATE ON certificate_action
BEGIN
  INSERT INTO schedule_touch
    SELECT OLD.action_id, c.resource_id FROM certificate c WHERE c.certificate_id = OLD.certificate_id
    UNION
    SELECT NEW.action_id, c.resource_id FROM certificate c WHERE c.certificate_id = NEW.certificate_id;
END;

CREATE TRIGGER certificate_action_delete_touch AFTER DELETE ON certificate_action
BEGIN
  INSERT INTO schedule_touch
    SELECT OLD.action_id, c.resource_id FROM certificate c WHERE c.certificate_id = OLD.certificate_id;
END;

CREATE TRIGGER certificate_update_touch
AFTER UPDATE OF resource_id, tenant_id, date_release, date_expire, validity, validity_unit ON certificate
BEGIN
  INSERT INTO schedule_touch
    SELECT l.action_id, OLD.resource_id FROM certificate_action l WHERE l.certificate_id = OLD.certificate_id
    UNION
    SELECT l.action_id, NEW.resource_id FROM certificate_action l WHERE l.certificate_id = NEW.certificate_id;
END;

CREATE TRIGGER action_update_touch
AFTER UPDATE OF validity, validity_unit, expire_interval ON action
BEGIN
  INSERT INTO schedule_touch
    SELECT s.action_id, s.subscriber_id FROM action_subscription s WHERE s.action_id = NEW.action_id;
END;

-- The durable outbox: events of committed writes, in order, until the application acknowledges
-- them. Rows are written in the same transaction as the write they describe.
CREATE TABLE outbox (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  event     TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  payload   TEXT NOT NULL,
  date      TEXT NOT NULL
);

CREATE TRIGGER action_subscription_status
AFTER UPDATE OF cover_release, cover_expire, expiring_from ON action_subscription
WHEN certo_status(OLD.cover_expire, OLD.expiring_from, certo_today())
     IS NOT certo_status(NEW.cover_expire, NEW.expiring_from, certo_today())
BEGIN
  INSERT INTO outbox (event, entity_id, payload, date) VALUES (
    'ACTION_SUBSCRIPTION::STATUS', NEW.action_subscription_id,
    json_object('entity_id', NEW.action_subscription_id, 'action_id', NEW.action_id,
                'subscriber_id', NEW.subscriber_id, 'subscriber_type', NEW.subscriber_type,
                'old', certo_status(OLD.cover_expire, OLD.expiring_from, certo_today()),
                'new', certo_status(NEW.cover_expire, NEW.expiring_from, certo_today())),
    certo_today());
END;
