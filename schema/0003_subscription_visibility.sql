-- certo schema 3: faster schedule bookkeeping.
--
-- 1. Visibility. Which subscriptions are visible as of a date, as one stored date.
--
-- A subscription is hidden from the day its chain is historicized: itself, its action, its
-- office, or its subscriber (and the subscriber's office). hidden_from is the earliest of those
-- retirement dates (NULL: nothing retired), so "visible as of D" is hidden_from IS NULL OR
-- hidden_from > D, a test the covering indexes below answer without touching the table. The
-- value is defined once, by the view; triggers on every table of the chain keep it current.

ALTER TABLE action_subscription ADD COLUMN hidden_from TEXT;

CREATE VIEW action_subscription_hidden AS
SELECT s.rowid AS rid,
       certo_earliest(
         s.retired_on,
         (SELECT certo_earliest(a.retired_on, o.retired_on)
            FROM action a JOIN office o ON o.office_id = a.subtenant_id
           WHERE a.action_id = s.action_id),
         (SELECT o.retired_on FROM office o WHERE o.office_id = s.subtenant_id),
         CASE s.subscriber_type
           WHEN 'PERSON' THEN
             (SELECT x.retired_on FROM person x WHERE x.person_id = s.subscriber_id)
           WHEN 'OFFICE' THEN
             (SELECT x.retired_on FROM office x WHERE x.office_id = s.subscriber_id)
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
         END) AS hidden_from
  FROM action_subscription s;

-- In bulk mode new rows get hidden_from with their cover, in one pass at the end.
CREATE TRIGGER action_subscription_visibility_insert AFTER INSERT ON action_subscription
WHEN NOT certo_bulk()
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h WHERE h.rid = NEW.rowid)
   WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER action_subscription_visibility AFTER UPDATE OF retired_on ON action_subscription
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h WHERE h.rid = NEW.rowid)
   WHERE rowid = NEW.rowid;
END;

CREATE TRIGGER action_visibility AFTER UPDATE OF retired_on ON action
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE action_id = NEW.action_id;
END;

CREATE TRIGGER office_visibility AFTER UPDATE OF retired_on ON office
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
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
                           SELECT work_group_id FROM work_group WHERE office_id = NEW.office_id);
END;

CREATE TRIGGER person_visibility AFTER UPDATE OF retired_on ON person
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.person_id;
END;

CREATE TRIGGER role_visibility AFTER UPDATE OF retired_on ON role
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_role_id;
END;

CREATE TRIGGER equipment_visibility AFTER UPDATE OF retired_on ON equipment
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_equipment_id;
END;

CREATE TRIGGER work_environment_visibility AFTER UPDATE OF retired_on ON work_environment
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_work_environment_id;
END;

CREATE TRIGGER substance_visibility AFTER UPDATE OF retired_on ON substance
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_substance_id;
END;

CREATE TRIGGER work_group_visibility AFTER UPDATE OF retired_on ON work_group
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.work_group_id;
END;

-- Status counts and pages per office read these indexes only (visibility included).
DROP INDEX action_subscription_office_expire;
DROP INDEX action_subscription_office_expiring;
CREATE INDEX action_subscription_office_expire
  ON action_subscription(subtenant_id, cover_expire, expiring_from, hidden_from);
CREATE INDEX action_subscription_office_expiring
  ON action_subscription(subtenant_id, expiring_from, cover_expire, hidden_from);

-- Existing files: compute the column for the rows they already have.
UPDATE action_subscription
   SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                       WHERE h.rid = action_subscription.rowid);

-- 2. Covering links by index. Each link keeps its certificate's resource_id (copied by the
-- engine when the link is created, and by the trigger below when a certificate moves), so the
-- links covering (action, subscriber) are one probe of (action_id, resource_id).

ALTER TABLE certificate_action ADD COLUMN resource_id TEXT;
UPDATE certificate_action
   SET resource_id = (SELECT c.resource_id FROM certificate c
                       WHERE c.certificate_id = certificate_action.certificate_id);
DROP INDEX certificate_action_action;
CREATE INDEX certificate_action_cover ON certificate_action(action_id, resource_id);

-- 3. The cover of a subscription, defined once (DESIGN.md section 2): the link with the latest
-- effective expiry wins, then the latest release, then the greatest link id. The touch queue's
-- trigger and the end of a bulk transaction both read it.
CREATE VIEW action_subscription_cover AS
SELECT s.rowid AS rid,
       c.date_release AS cover_release,
       certo_expiry(l.date_expire, c.date_expire, c.date_release, c.validity, c.validity_unit,
                    a.validity, a.validity_unit) AS cover_expire,
       certo_expiring_from(certo_expiry(l.date_expire, c.date_expire, c.date_release, c.validity,
                                        c.validity_unit, a.validity, a.validity_unit),
                           a.expire_interval) AS expiring_from
  FROM action_subscription s
  JOIN action a ON a.action_id = s.action_id
  LEFT JOIN certificate_action l ON l.certificate_action_id = (
       SELECT l2.certificate_action_id
         FROM certificate_action l2
         JOIN certificate c2 ON c2.certificate_id = l2.certificate_id
         JOIN action a2 ON a2.action_id = l2.action_id
        WHERE l2.action_id = s.action_id AND l2.resource_id = s.subscriber_id
          AND c2.tenant_id = a2.tenant_id
        ORDER BY certo_expiry(l2.date_expire, c2.date_expire, c2.date_release, c2.validity,
                              c2.validity_unit, a2.validity, a2.validity_unit) DESC,
                 c2.date_release DESC, l2.certificate_action_id DESC
        LIMIT 1)
  LEFT JOIN certificate c ON c.certificate_id = l.certificate_id;

DROP TRIGGER schedule_touch_apply;
CREATE TRIGGER schedule_touch_apply AFTER INSERT ON schedule_touch WHEN NOT certo_bulk()
BEGIN
  UPDATE action_subscription
     SET (cover_release, cover_expire, expiring_from) =
         (SELECT v.cover_release, v.cover_expire, v.expiring_from
            FROM action_subscription_cover v WHERE v.rid = action_subscription.rowid)
   WHERE action_id = NEW.action_id AND subscriber_id = NEW.subscriber_id;
  DELETE FROM schedule_touch WHERE rowid = NEW.rowid;
END;

-- Links touch the pairs they cover by their own resource_id.
DROP TRIGGER certificate_action_insert_touch;
CREATE TRIGGER certificate_action_insert_touch AFTER INSERT ON certificate_action
BEGIN
  INSERT INTO schedule_touch VALUES (NEW.action_id, NEW.resource_id);
END;

DROP TRIGGER certificate_action_update_touch;
CREATE TRIGGER certificate_action_update_touch AFTER UPDATE ON certificate_action
BEGIN
  INSERT INTO schedule_touch VALUES (OLD.action_id, OLD.resource_id);
  INSERT INTO schedule_touch
    SELECT NEW.action_id, NEW.resource_id
     WHERE NEW.action_id IS NOT OLD.action_id OR NEW.resource_id IS NOT OLD.resource_id;
END;

DROP TRIGGER certificate_action_delete_touch;
CREATE TRIGGER certificate_action_delete_touch AFTER DELETE ON certificate_action
BEGIN
  INSERT INTO schedule_touch VALUES (OLD.action_id, OLD.resource_id);
END;

-- A certificate that moves to another resource moves its links (their update trigger touches
-- the old and the new pairs); a change of its dates touches the pairs of its links.
DROP TRIGGER certificate_update_touch;
CREATE TRIGGER certificate_update_touch
AFTER UPDATE OF resource_id, tenant_id, date_release, date_expire, validity, validity_unit ON certificate
BEGIN
  UPDATE certificate_action SET resource_id = NEW.resource_id
   WHERE certificate_id = NEW.certificate_id AND resource_id IS NOT NEW.resource_id;
  INSERT INTO schedule_touch
    SELECT l.action_id, l.resource_id FROM certificate_action l
     WHERE l.certificate_id = NEW.certificate_id;
END;
