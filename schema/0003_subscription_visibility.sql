-- certo schema 3: which subscriptions are visible as of a date, as one stored date.
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

CREATE TRIGGER action_subscription_visibility_insert AFTER INSERT ON action_subscription
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
