-- certo schema 8: status as of any day (DESIGN.md section 2.1, rules 1, 5 and 6).
--
-- 1. Certificates can be revoked from a day (revoked_on, with revoke_reason); a certificate
--    covers from its date_release until the day before revoked_on.
-- 2. Every historicizable row has an optional active_from: before it, the row and what hangs
--    under it are not in force, as after retired_on. A subscription keeps the latest active_from
--    of its chain as shown_from beside hidden_from (the earliest retirement), so "in the
--    schedule on D" stays shown_from <= D < hidden_from over stored dates.
-- 3. The cover of a subscription is a timeline: the covering links change only on release and
--    revocation days, so between two such days E(D) is one value. certo_timeline(), a C++
--    aggregate over the subscription's links (rules.h, CoverTimeline), returns the segments
--    [from, to, release, expire, expiring_from] in order. The row keeps the last one (from
--    cover_from on, open-ended) in its old columns, and first_from, the first day any link
--    covered; the earlier segments live in subscription_cover. So the status on D is:
--      D < first_from (or no links)      NEW
--      D >= cover_from                    the row's columns, as before (status_sql.h)
--      otherwise                          the segment of subscription_cover with from <= D < to
--    For a file whose certificates were all released by today, every read of today takes the
--    second branch over the same indexes as before.

ALTER TABLE certificate ADD COLUMN revoked_on TEXT;
ALTER TABLE certificate ADD COLUMN revoke_reason TEXT;

ALTER TABLE office ADD COLUMN active_from TEXT;
ALTER TABLE person ADD COLUMN active_from TEXT;
ALTER TABLE person_office ADD COLUMN active_from TEXT;
ALTER TABLE role ADD COLUMN active_from TEXT;
ALTER TABLE equipment ADD COLUMN active_from TEXT;
ALTER TABLE work_environment ADD COLUMN active_from TEXT;
ALTER TABLE substance ADD COLUMN active_from TEXT;
ALTER TABLE entity_employee ADD COLUMN active_from TEXT;
ALTER TABLE work_group ADD COLUMN active_from TEXT;
ALTER TABLE work_group_person ADD COLUMN active_from TEXT;
ALTER TABLE material ADD COLUMN active_from TEXT;
ALTER TABLE material_item ADD COLUMN active_from TEXT;
ALTER TABLE work_group_entity ADD COLUMN active_from TEXT;
ALTER TABLE action ADD COLUMN active_from TEXT;
ALTER TABLE action_subscription ADD COLUMN active_from TEXT;
ALTER TABLE demand ADD COLUMN active_from TEXT;

ALTER TABLE action_subscription ADD COLUMN first_from TEXT;
ALTER TABLE action_subscription ADD COLUMN cover_from TEXT;
ALTER TABLE action_subscription ADD COLUMN shown_from TEXT;

-- The segments before the row's last one. to_day is the next segment's from_day (exclusive).
-- The subscription's office and its in-force dates are copied so that per-office counts of a
-- past day read this index only.
CREATE TABLE subscription_cover (
  action_subscription_id TEXT NOT NULL
    REFERENCES action_subscription(action_subscription_id) ON DELETE CASCADE,
  from_day      TEXT NOT NULL,
  to_day        TEXT NOT NULL,
  subtenant_id  TEXT NOT NULL,
  cover_release TEXT,
  cover_expire  TEXT,
  expiring_from TEXT,
  shown_from    TEXT,
  hidden_from   TEXT,
  PRIMARY KEY (action_subscription_id, from_day)
) WITHOUT ROWID;
CREATE INDEX subscription_cover_office
  ON subscription_cover(subtenant_id, to_day, from_day, cover_expire, expiring_from, shown_from,
                        hidden_from);
CREATE INDEX subscription_cover_to ON subscription_cover(to_day, from_day);

-- While a touched pair is recomputed it holds the pair's status today before the write (for the
-- STATUS event) and its new timeline (computed once, read by the statements that store it).
ALTER TABLE schedule_touch ADD COLUMN old_status TEXT;
ALTER TABLE schedule_touch ADD COLUMN timeline TEXT;

-- The chain's existence period of each subscription (section 1): the latest active_from and the
-- earliest retired_on of the row, its action, its office and its subscriber (with theirs).

CREATE VIEW action_subscription_in_force AS
SELECT s.rowid AS rid,
       certo_latest(
         s.active_from,
         (SELECT certo_latest(a.active_from, o.active_from)
            FROM action a JOIN office o ON o.office_id = a.subtenant_id
           WHERE a.action_id = s.action_id),
         (SELECT o.active_from FROM office o WHERE o.office_id = s.subtenant_id),
         CASE s.subscriber_type
           WHEN 'PERSON' THEN
             (SELECT x.active_from
                FROM person x
               WHERE x.person_id = s.subscriber_id)
           WHEN 'OFFICE' THEN
             (SELECT x.active_from
                FROM office x
               WHERE x.office_id = s.subscriber_id)
           WHEN 'ROLE' THEN
             (SELECT certo_latest(x.active_from, o.active_from)
                FROM role x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_role_id = s.subscriber_id)
           WHEN 'EQUIPMENT' THEN
             (SELECT certo_latest(x.active_from, o.active_from)
                FROM equipment x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_equipment_id = s.subscriber_id)
           WHEN 'WORK_ENVIRONMENT' THEN
             (SELECT certo_latest(x.active_from, o.active_from)
                FROM work_environment x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_work_environment_id = s.subscriber_id)
           WHEN 'SUBSTANCE' THEN
             (SELECT certo_latest(x.active_from, o.active_from)
                FROM substance x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_substance_id = s.subscriber_id)
           WHEN 'WORK_GROUP' THEN
             (SELECT certo_latest(x.active_from, o.active_from)
                FROM work_group x JOIN office o ON o.office_id = x.office_id
               WHERE x.work_group_id = s.subscriber_id)
           WHEN 'PPE' THEN
             (SELECT certo_latest(x.active_from, m.active_from, o.active_from)
                FROM material_item x
                JOIN material m ON m.material_id = x.material_id
                JOIN office o ON o.office_id = x.subtenant_id
               WHERE x.material_item_id = s.subscriber_id)
         END) AS shown_from,
       certo_earliest(
         s.retired_on,
         (SELECT certo_earliest(a.retired_on, o.retired_on)
            FROM action a JOIN office o ON o.office_id = a.subtenant_id
           WHERE a.action_id = s.action_id),
         (SELECT o.retired_on FROM office o WHERE o.office_id = s.subtenant_id),
         CASE s.subscriber_type
           WHEN 'PERSON' THEN
             (SELECT x.retired_on
                FROM person x
               WHERE x.person_id = s.subscriber_id)
           WHEN 'OFFICE' THEN
             (SELECT x.retired_on
                FROM office x
               WHERE x.office_id = s.subscriber_id)
           WHEN 'ROLE' THEN
             (SELECT certo_earliest(x.retired_on, o.retired_on)
                FROM role x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_role_id = s.subscriber_id)
           WHEN 'EQUIPMENT' THEN
             (SELECT certo_earliest(x.retired_on, o.retired_on)
                FROM equipment x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_equipment_id = s.subscriber_id)
           WHEN 'WORK_ENVIRONMENT' THEN
             (SELECT certo_earliest(x.retired_on, o.retired_on)
                FROM work_environment x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_work_environment_id = s.subscriber_id)
           WHEN 'SUBSTANCE' THEN
             (SELECT certo_earliest(x.retired_on, o.retired_on)
                FROM substance x JOIN office o ON o.office_id = x.office_id
               WHERE x.office_substance_id = s.subscriber_id)
           WHEN 'WORK_GROUP' THEN
             (SELECT certo_earliest(x.retired_on, o.retired_on)
                FROM work_group x JOIN office o ON o.office_id = x.office_id
               WHERE x.work_group_id = s.subscriber_id)
           WHEN 'PPE' THEN
             (SELECT certo_earliest(x.retired_on, m.retired_on, o.retired_on)
                FROM material_item x
                JOIN material m ON m.material_id = x.material_id
                JOIN office o ON o.office_id = x.subtenant_id
               WHERE x.material_item_id = s.subscriber_id)
         END) AS hidden_from
  FROM action_subscription s;

DROP TRIGGER action_subscription_visibility_insert;
CREATE TRIGGER action_subscription_visibility_insert AFTER INSERT ON action_subscription
WHEN NOT certo_bulk()
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h WHERE h.rid = NEW.rowid)
   WHERE rowid = NEW.rowid;
END;

DROP TRIGGER action_visibility;
CREATE TRIGGER action_visibility AFTER UPDATE OF retired_on, active_from ON action
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE action_id = NEW.action_id;
END;

DROP TRIGGER office_visibility;
CREATE TRIGGER office_visibility AFTER UPDATE OF retired_on, active_from ON office
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subtenant_id = NEW.office_id
      OR subscriber_id = NEW.office_id
      OR subscriber_id IN (SELECT office_role_id FROM role WHERE office_id = NEW.office_id
                           UNION ALL
                           SELECT office_equipment_id FROM equipment WHERE office_id = NEW.office_id
                           UNION ALL
                           SELECT office_work_environment_id FROM work_environment
                            WHERE office_id = NEW.office_id
                           UNION ALL
                           SELECT office_substance_id FROM substance WHERE office_id = NEW.office_id
                           UNION ALL
                           SELECT work_group_id FROM work_group WHERE office_id = NEW.office_id
                           UNION ALL
                           SELECT material_item_id FROM material_item WHERE subtenant_id = NEW.office_id);
END;

DROP TRIGGER person_visibility;
CREATE TRIGGER person_visibility AFTER UPDATE OF retired_on, active_from ON person
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.person_id;
END;

DROP TRIGGER role_visibility;
CREATE TRIGGER role_visibility AFTER UPDATE OF retired_on, active_from ON role
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_role_id;
END;

DROP TRIGGER equipment_visibility;
CREATE TRIGGER equipment_visibility AFTER UPDATE OF retired_on, active_from ON equipment
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_equipment_id;
END;

DROP TRIGGER work_environment_visibility;
CREATE TRIGGER work_environment_visibility AFTER UPDATE OF retired_on, active_from ON work_environment
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_work_environment_id;
END;

DROP TRIGGER substance_visibility;
CREATE TRIGGER substance_visibility AFTER UPDATE OF retired_on, active_from ON substance
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_substance_id;
END;

DROP TRIGGER work_group_visibility;
CREATE TRIGGER work_group_visibility AFTER UPDATE OF retired_on, active_from ON work_group
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.work_group_id;
END;

DROP TRIGGER material_visibility;
CREATE TRIGGER material_visibility AFTER UPDATE OF retired_on, active_from ON material
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id IN (SELECT material_item_id FROM material_item
                            WHERE material_id = NEW.material_id);
END;

DROP TRIGGER material_item_visibility;
CREATE TRIGGER material_item_visibility AFTER UPDATE OF retired_on, active_from ON material_item
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.material_item_id;
END;

DROP TRIGGER action_subscription_visibility;
CREATE TRIGGER action_subscription_visibility AFTER UPDATE OF retired_on, active_from ON action_subscription
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE rowid = NEW.rowid;
END;

DROP VIEW action_subscription_hidden;

-- A subscription's cover timeline, defined once: the triggers below and the end of a bulk
-- transaction (RecomputeTouched) read it.
DROP VIEW action_subscription_cover;
CREATE VIEW action_subscription_timeline AS
SELECT s.action_id, s.subscriber_id,
       (SELECT certo_timeline(l.certificate_action_id, c.date_release, c.revoked_on,
                              certo_expiry(l.date_expire, c.date_expire, c.date_release,
                                           c.validity, c.validity_unit, a.validity,
                                           a.validity_unit),
                              a.expire_interval)
          FROM certificate_action l
          JOIN certificate c ON c.certificate_id = l.certificate_id
          JOIN action a ON a.action_id = l.action_id
         WHERE l.action_id = s.action_id AND l.resource_id = s.subscriber_id
           AND c.tenant_id = a.tenant_id) AS timeline
  FROM action_subscription s;

-- Each subscription's status on the engine's today, by the rule above: what STATUS events
-- compare before and after a write.
CREATE VIEW action_subscription_today AS
SELECT s.action_subscription_id, s.action_id, s.subscriber_id, s.subscriber_type,
       CASE WHEN s.cover_from <= certo_today()
              THEN certo_status(s.cover_expire, s.expiring_from, certo_today())
            WHEN s.first_from <= certo_today()
              THEN (SELECT certo_status(g.cover_expire, g.expiring_from, certo_today())
                      FROM subscription_cover g
                     WHERE g.action_subscription_id = s.action_subscription_id
                       AND g.from_day <= certo_today() AND g.to_day > certo_today())
            ELSE 'NEW' END AS status
  FROM action_subscription s;

-- STATUS events now come from the recomputation itself, which knows the status before it.
DROP TRIGGER action_subscription_status;

DROP TRIGGER schedule_touch_apply;
CREATE TRIGGER schedule_touch_apply AFTER INSERT ON schedule_touch WHEN NOT certo_bulk()
BEGIN
  UPDATE schedule_touch
     SET old_status = (SELECT v.status FROM action_subscription_today v
                        WHERE v.action_id = NEW.action_id AND v.subscriber_id = NEW.subscriber_id),
         timeline = (SELECT v.timeline FROM action_subscription_timeline v
                      WHERE v.action_id = NEW.action_id AND v.subscriber_id = NEW.subscriber_id)
   WHERE rowid = NEW.rowid;
  DELETE FROM subscription_cover
   WHERE action_subscription_id =
         (SELECT s.action_subscription_id FROM action_subscription s
           WHERE s.action_id = NEW.action_id AND s.subscriber_id = NEW.subscriber_id);
  INSERT INTO subscription_cover
    SELECT s.action_subscription_id, j.value ->> 0, j.value ->> 1, s.subtenant_id,
           j.value ->> 2, j.value ->> 3, j.value ->> 4, s.shown_from, s.hidden_from
      FROM schedule_touch t
      JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id,
           json_each(t.timeline) j
     WHERE t.rowid = NEW.rowid AND j.value ->> 1 IS NOT NULL;
  UPDATE action_subscription
     SET (first_from, cover_from, cover_release, cover_expire, expiring_from) =
         (SELECT t.timeline ->> '$[0][0]', t.timeline ->> '$[#-1][0]', t.timeline ->> '$[#-1][2]',
                 t.timeline ->> '$[#-1][3]', t.timeline ->> '$[#-1][4]'
            FROM schedule_touch t WHERE t.rowid = NEW.rowid)
   WHERE action_id = NEW.action_id AND subscriber_id = NEW.subscriber_id;
  INSERT INTO outbox (event, entity_id, payload, date)
    SELECT 'ACTION_SUBSCRIPTION::STATUS', v.action_subscription_id,
           json_object('entity_id', v.action_subscription_id, 'action_id', v.action_id,
                       'subscriber_id', v.subscriber_id, 'subscriber_type', v.subscriber_type,
                       'old', t.old_status, 'new', v.status),
           certo_today()
      FROM schedule_touch t
      JOIN action_subscription_today v
        ON v.action_id = t.action_id AND v.subscriber_id = t.subscriber_id
     WHERE t.rowid = NEW.rowid AND v.status IS NOT t.old_status;
  DELETE FROM schedule_touch WHERE rowid = NEW.rowid;
END;

-- The touch queue has two more columns now: the triggers that queue a pair name theirs.
DROP TRIGGER action_update_touch;
CREATE TRIGGER action_update_touch
AFTER UPDATE OF validity, validity_unit, expire_interval ON action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id)
    SELECT s.action_id, s.subscriber_id FROM action_subscription s WHERE s.action_id = NEW.action_id;
END;

DROP TRIGGER action_subscription_touch;
CREATE TRIGGER action_subscription_touch AFTER INSERT ON action_subscription
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (NEW.action_id, NEW.subscriber_id);
END;

DROP TRIGGER certificate_action_insert_touch;
CREATE TRIGGER certificate_action_insert_touch AFTER INSERT ON certificate_action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (NEW.action_id, NEW.resource_id);
END;

DROP TRIGGER certificate_action_update_touch;
CREATE TRIGGER certificate_action_update_touch AFTER UPDATE ON certificate_action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (OLD.action_id, OLD.resource_id);
  INSERT INTO schedule_touch (action_id, subscriber_id)
    SELECT NEW.action_id, NEW.resource_id
     WHERE NEW.action_id IS NOT OLD.action_id OR NEW.resource_id IS NOT OLD.resource_id;
END;

DROP TRIGGER certificate_action_delete_touch;
CREATE TRIGGER certificate_action_delete_touch AFTER DELETE ON certificate_action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (OLD.action_id, OLD.resource_id);
END;

-- A revocation changes what a certificate covers, like its dates.
DROP TRIGGER certificate_update_touch;
CREATE TRIGGER certificate_update_touch
AFTER UPDATE OF resource_id, tenant_id, date_release, date_expire, validity, validity_unit,
                revoked_on ON certificate
BEGIN
  UPDATE certificate_action SET resource_id = NEW.resource_id
   WHERE certificate_id = NEW.certificate_id AND resource_id IS NOT NEW.resource_id;
  INSERT INTO schedule_touch (action_id, subscriber_id)
    SELECT l.action_id, l.resource_id FROM certificate_action l
     WHERE l.certificate_id = NEW.certificate_id;
END;

-- The segments follow their subscription's office and existence period.
CREATE TRIGGER action_subscription_cover_follow
AFTER UPDATE OF subtenant_id, shown_from, hidden_from ON action_subscription
BEGIN
  UPDATE subscription_cover
     SET subtenant_id = NEW.subtenant_id, shown_from = NEW.shown_from,
         hidden_from = NEW.hidden_from
   WHERE action_subscription_id = NEW.action_subscription_id;
END;

-- The stored cover can be written only where certo's functions are registered (DESIGN.md
-- section 3): the WHEN clauses name one, so such a write fails to compile on a plain connection
-- instead of leaving a cover that disagrees with its links. They never hold.
CREATE TRIGGER action_subscription_cover_guard
BEFORE UPDATE OF first_from, cover_from, cover_release, cover_expire, expiring_from
ON action_subscription WHEN certo_bulk() < 0
BEGIN
  SELECT 1;
END;
CREATE TRIGGER subscription_cover_insert_guard BEFORE INSERT ON subscription_cover
WHEN certo_bulk() < 0
BEGIN
  SELECT 1;
END;
CREATE TRIGGER subscription_cover_update_guard BEFORE UPDATE ON subscription_cover
WHEN certo_bulk() < 0
BEGIN
  SELECT 1;
END;

-- Per-office status counts and pages read these indexes only, both branches of the rule and
-- the existence period included; the partial ones find the days a row enters or leaves the
-- schedule, or changes segment, for Changes.
DROP INDEX action_subscription_office_expire;
DROP INDEX action_subscription_office_expiring;
CREATE INDEX action_subscription_office_expire
  ON action_subscription(subtenant_id, cover_expire, expiring_from, cover_from, first_from,
                         shown_from, hidden_from);
CREATE INDEX action_subscription_office_expiring
  ON action_subscription(subtenant_id, expiring_from, cover_expire, cover_from, first_from,
                         shown_from, hidden_from);
CREATE INDEX action_subscription_cover_from
  ON action_subscription(cover_from) WHERE cover_from IS NOT NULL;
CREATE INDEX action_subscription_shown_from
  ON action_subscription(shown_from) WHERE shown_from IS NOT NULL;
CREATE INDEX action_subscription_hidden_from
  ON action_subscription(hidden_from) WHERE hidden_from IS NOT NULL;

-- Existing files: every subscription's existence period and timeline under the new rule (a
-- certificate released after today stops covering today, which its STATUS event records).
UPDATE action_subscription
   SET (shown_from, hidden_from) =
       (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
         WHERE h.rid = action_subscription.rowid);
-- Until then each row's one stored cover reads as in force on every day (the old rule), so that
-- the status today before the recomputation is the old one and only real changes are events.
UPDATE action_subscription SET first_from = '0000-01-01', cover_from = '0000-01-01'
 WHERE cover_release IS NOT NULL;
INSERT INTO schedule_touch (action_id, subscriber_id)
  SELECT action_id, subscriber_id FROM action_subscription;
