-- Schema 10: requirements flow from demands to people (DESIGN.md section 2.2). A demand (action
-- A, resource R) in force makes everyone who holds R need A; the schedule holds one subscription
-- per (A, person) that some demand requires, marked DERIVED, kept in step by the triggers below.
--
-- * subscription_requirement: every (demand, assignment) pair that makes a person need an action,
--   with the days it holds: the demand, its resource and the assignment (an entity-employee or
--   work-group-person row and the person-office it hangs on, or, for an office demand, the
--   person-office row itself) are all in force; pairs whose days are empty are not kept. Only
--   action types that admit people count (certo_admits, from the one vocabulary in
--   src/registry/vocabulary.cc). The person, the action and its office are not part of it: they
--   are the subscription's own chain (rule 6). Kept by the derivation below, per touched pair;
--   a row's required_by reads it by its key. Computed from the pair's person outward (their
--   person-office rows, then their assignments, then the demands of the action on what they
--   hold), so a pair costs its person's assignments, not the file's demands.
-- * origin: MANUAL (made by hand) or DERIVED (made by this rule). A manual row is never touched
--   by derivation; a derived row lives from the first day one of its requirements begins
--   (active_from, NULL when one has no start) and is retired from the day the last one ends
--   (retired_on, NULL while one is open). A gap between two requirements is not a gap in the
--   row: one row has one existence period.
-- * derive_touch: the (action, person) pairs a write touched, filled by the triggers of every
--   table a requirement depends on. Its AFTER INSERT trigger recomputes every pair the table
--   holds, set-wise, and empties it. Only a row with a NULL action fires it: each trigger that
--   touches pairs closes its work with one (derive_close, outside bulk mode and only when it
--   touched something), so a write that touches ten pairs derives them in one pass; during a
--   bulk transaction the engine adds the one closing row before the commit, so a bulk load
--   derives each pair once.
--   `cause` is the event of the write that touched the pair first; derived rows' events carry it.
-- * A derived row's id is certo_pair_id(action, person), a name-based UUID, so two files that
--   derive the same requirement give it the same id.

ALTER TABLE action_subscription ADD COLUMN origin TEXT NOT NULL DEFAULT 'MANUAL';

CREATE TABLE derive_touch (
  action_id TEXT,
  person_id TEXT,
  cause     TEXT,
  n         INTEGER,
  from_day  TEXT,
  until_day TEXT
);

CREATE INDEX work_group_person_group ON work_group_person(work_group_id, person_office_id);

CREATE TABLE subscription_requirement (
  action_id     TEXT NOT NULL,
  person_id     TEXT NOT NULL,
  demand_id     TEXT NOT NULL,
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  via           TEXT NOT NULL,  -- entity-employee, work-group-person or person-office
  assignment_id TEXT NOT NULL,
  from_day      TEXT,           -- NULL: no start
  until_day     TEXT,           -- NULL: no end (the first day it no longer holds otherwise)
  PRIMARY KEY (action_id, person_id, demand_id, assignment_id)
) WITHOUT ROWID;

-- The pairs a demand reaches: its action with every person who holds its resource, whatever the
-- days (the recomputation decides which days count).
CREATE VIEW demand_holder AS
SELECT d.demand_id, d.action_id, po.person_id
  FROM demand d
  JOIN entity_employee e ON e.entity_id = d.resource_id
  JOIN person_office po ON po.person_office_id = e.person_office_id
UNION ALL
SELECT d.demand_id, d.action_id, po.person_id
  FROM demand d
  JOIN work_group_person w ON w.work_group_id = d.resource_id
  JOIN person_office po ON po.person_office_id = w.person_office_id
UNION ALL
SELECT d.demand_id, d.action_id, po.person_id
  FROM demand d
  JOIN person_office po ON po.office_id = d.resource_id;

CREATE TRIGGER derive_touch_apply AFTER INSERT ON derive_touch
WHEN NEW.action_id IS NULL
BEGIN
  DELETE FROM derive_touch
   WHERE action_id IS NULL
      OR rowid NOT IN (SELECT min(rowid) FROM derive_touch GROUP BY action_id, person_id);
  DELETE FROM subscription_requirement
   WHERE (action_id, person_id) IN (SELECT action_id, person_id FROM derive_touch);
  -- Through entity-employee rows (roles, equipment, work environments, substances).
  INSERT INTO subscription_requirement
    SELECT * FROM (
      SELECT t.action_id, t.person_id, d.demand_id, d.resource_type, d.resource_id,
             'entity-employee' AS via, e.entity_employee_id,
             certo_latest(d.active_from, e.active_from, po.active_from,
                          CASE d.resource_type
                            WHEN 'ROLE' THEN (SELECT active_from FROM role
                                               WHERE office_role_id = d.resource_id)
                            WHEN 'EQUIPMENT' THEN (SELECT active_from FROM equipment
                                                    WHERE office_equipment_id = d.resource_id)
                            WHEN 'WORK_ENVIRONMENT' THEN
                              (SELECT active_from FROM work_environment
                                WHERE office_work_environment_id = d.resource_id)
                            WHEN 'SUBSTANCE' THEN (SELECT active_from FROM substance
                                                    WHERE office_substance_id = d.resource_id)
                          END) AS from_day,
             certo_earliest(d.retired_on, e.retired_on, po.retired_on,
                            CASE d.resource_type
                              WHEN 'ROLE' THEN (SELECT retired_on FROM role
                                                 WHERE office_role_id = d.resource_id)
                              WHEN 'EQUIPMENT' THEN (SELECT retired_on FROM equipment
                                                      WHERE office_equipment_id = d.resource_id)
                              WHEN 'WORK_ENVIRONMENT' THEN
                                (SELECT retired_on FROM work_environment
                                  WHERE office_work_environment_id = d.resource_id)
                              WHEN 'SUBSTANCE' THEN (SELECT retired_on FROM substance
                                                      WHERE office_substance_id = d.resource_id)
                            END) AS until_day
        FROM derive_touch t
        JOIN action a ON a.action_id = t.action_id
        CROSS JOIN person_office po ON po.person_id = t.person_id
        CROSS JOIN entity_employee e ON e.person_office_id = po.person_office_id
        CROSS JOIN demand d ON d.action_id = t.action_id AND d.resource_id = e.entity_id
       WHERE d.resource_type IN ('ROLE', 'EQUIPMENT', 'WORK_ENVIRONMENT', 'SUBSTANCE')
         AND e.type = d.resource_type AND po.project_id = d.project_id
         AND certo_admits(a.action_type, 'PERSON')
         -- the resource exists (a demand's resource_id is checked, not a foreign key)
         AND CASE d.resource_type
               WHEN 'ROLE' THEN EXISTS (SELECT 1 FROM role WHERE office_role_id = d.resource_id)
               WHEN 'EQUIPMENT' THEN EXISTS (SELECT 1 FROM equipment
                                              WHERE office_equipment_id = d.resource_id)
               WHEN 'WORK_ENVIRONMENT' THEN
                 EXISTS (SELECT 1 FROM work_environment
                          WHERE office_work_environment_id = d.resource_id)
               WHEN 'SUBSTANCE' THEN EXISTS (SELECT 1 FROM substance
                                              WHERE office_substance_id = d.resource_id)
             END)
     WHERE from_day IS NULL OR until_day IS NULL OR from_day < until_day;
  -- Through work-group-person rows.
  INSERT INTO subscription_requirement
    SELECT * FROM (
      SELECT t.action_id, t.person_id, d.demand_id, d.resource_type, d.resource_id,
             'work-group-person', w.work_group_person_id,
             certo_latest(d.active_from, g.active_from, w.active_from, po.active_from) AS from_day,
             certo_earliest(d.retired_on, g.retired_on, w.retired_on, po.retired_on) AS until_day
        FROM derive_touch t
        JOIN action a ON a.action_id = t.action_id
        CROSS JOIN person_office po ON po.person_id = t.person_id
        CROSS JOIN work_group_person w ON w.person_office_id = po.person_office_id
        CROSS JOIN demand d ON d.action_id = t.action_id AND d.resource_id = w.work_group_id
        JOIN work_group g ON g.work_group_id = w.work_group_id
       WHERE d.resource_type = 'WORK_GROUP' AND po.project_id = d.project_id
         AND certo_admits(a.action_type, 'PERSON'))
     WHERE from_day IS NULL OR until_day IS NULL OR from_day < until_day;
  -- Through person-office rows, for office demands.
  INSERT INTO subscription_requirement
    SELECT * FROM (
      SELECT t.action_id, t.person_id, d.demand_id, d.resource_type, d.resource_id,
             'person-office', po.person_office_id,
             certo_latest(d.active_from, o.active_from, po.active_from) AS from_day,
             certo_earliest(d.retired_on, o.retired_on, po.retired_on) AS until_day
        FROM derive_touch t
        JOIN action a ON a.action_id = t.action_id
        CROSS JOIN person_office po ON po.person_id = t.person_id
        CROSS JOIN demand d ON d.action_id = t.action_id AND d.resource_id = po.office_id
        JOIN office o ON o.office_id = po.office_id
       WHERE d.resource_type = 'OFFICE' AND po.project_id = d.project_id
         AND certo_admits(a.action_type, 'PERSON'))
     WHERE from_day IS NULL OR until_day IS NULL OR from_day < until_day;
  UPDATE derive_touch
     SET (n, from_day, until_day) =
         (SELECT count(*),
                 CASE WHEN count(r.from_day) = count(*) THEN min(r.from_day) END,
                 CASE WHEN count(r.until_day) = count(*) THEN max(r.until_day) END
            FROM subscription_requirement r
           WHERE r.action_id = derive_touch.action_id AND r.person_id = derive_touch.person_id);
  -- New rows: the event first, as a write through the API announces its row before the
  -- statement's triggers add STATUS events.
  INSERT INTO outbox (event, entity_id, payload, date)
    SELECT 'ACTION_SUBSCRIPTION::CREATE', certo_pair_id(t.action_id, t.person_id),
           json_object('action_subscription_id', certo_pair_id(t.action_id, t.person_id),
                       'tenant_id', a.tenant_id, 'subtenant_id', a.subtenant_id,
                       'action_id', t.action_id, 'subscriber_type', 'PERSON',
                       'subscriber_id', t.person_id, 'data', NULL, 'active_from', t.from_day,
                       'retired_on', t.until_day, 'origin', 'DERIVED', 'cause', json(t.cause)),
           certo_today()
      FROM derive_touch t JOIN action a ON a.action_id = t.action_id
     WHERE t.n > 0
       AND NOT EXISTS (SELECT 1 FROM action_subscription s
                        WHERE s.action_id = t.action_id AND s.subscriber_id = t.person_id)
     ORDER BY t.rowid;
  INSERT INTO action_subscription (action_subscription_id, tenant_id, subtenant_id, action_id,
                                   subscriber_type, subscriber_id, active_from, retired_on,
                                   origin, created_at, updated_at)
    SELECT certo_pair_id(t.action_id, t.person_id), a.tenant_id, a.subtenant_id, t.action_id,
           'PERSON', t.person_id, t.from_day, t.until_day, 'DERIVED', certo_now(), certo_now()
      FROM derive_touch t JOIN action a ON a.action_id = t.action_id
     WHERE t.n > 0
       AND NOT EXISTS (SELECT 1 FROM action_subscription s
                        WHERE s.action_id = t.action_id AND s.subscriber_id = t.person_id)
     ORDER BY t.rowid;
  -- Existing derived rows whose period moved: retired, restored, or begun on another day.
  INSERT INTO outbox (event, entity_id, payload, date)
    SELECT 'ACTION_SUBSCRIPTION::UPDATE', s.action_subscription_id,
           json_object('entity_id', s.action_subscription_id,
                       'updated_fields',
                       -- only the fields that change (a path that names nothing removes nothing)
                       json_remove(
                         json_object('active_from',
                                     json_object('old', s.active_from, 'new', t.from_day),
                                     'retired_on',
                                     json_object('old', s.retired_on, 'new', t.until_day)),
                         CASE WHEN s.active_from IS t.from_day THEN '$.active_from'
                              ELSE '$.unchanged' END,
                         CASE WHEN s.retired_on IS t.until_day THEN '$.retired_on'
                              ELSE '$.unchanged' END),
                       'origin', 'DERIVED', 'cause', json(t.cause)),
           certo_today()
      FROM derive_touch t
      JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.person_id
     WHERE s.origin = 'DERIVED' AND t.n > 0
       AND (s.active_from IS NOT t.from_day OR s.retired_on IS NOT t.until_day)
     ORDER BY t.rowid;
  UPDATE action_subscription
     SET (active_from, retired_on, updated_at) = (t.from_day, t.until_day, certo_now())
    FROM derive_touch t
   WHERE t.action_id = action_subscription.action_id
     AND t.person_id = action_subscription.subscriber_id
     AND action_subscription.origin = 'DERIVED' AND t.n > 0
     AND (action_subscription.active_from IS NOT t.from_day
          OR action_subscription.retired_on IS NOT t.until_day);
  -- Derived rows nothing requires any more (their last requirement was deleted, not ended).
  INSERT INTO outbox (event, entity_id, payload, date)
    SELECT 'ACTION_SUBSCRIPTION::DELETE', s.action_subscription_id,
           json_object('action_subscription_id', s.action_subscription_id,
                       'tenant_id', s.tenant_id, 'subtenant_id', s.subtenant_id,
                       'action_id', s.action_id, 'subscriber_type', s.subscriber_type,
                       'subscriber_id', s.subscriber_id, 'data', json(s.data),
                       'active_from', s.active_from, 'retired_on', s.retired_on,
                       'origin', 'DERIVED', 'cause', json(t.cause)),
           certo_today()
      FROM derive_touch t
      JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.person_id
     WHERE s.origin = 'DERIVED' AND t.n = 0
     ORDER BY t.rowid;
  DELETE FROM action_subscription
   WHERE origin = 'DERIVED'
     AND rowid IN (SELECT s.rowid FROM derive_touch t
                     JOIN action_subscription s
                       ON s.action_id = t.action_id AND s.subscriber_id = t.person_id
                    WHERE t.n = 0);
  DELETE FROM derive_touch;
END;

-- ---- What touches a pair ------------------------------------------------------------------

CREATE TRIGGER demand_derive_insert AFTER INSERT ON demand
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'DEMAND::CREATE', 'entity_id', NEW.demand_id)
      FROM demand_holder h WHERE h.demand_id = NEW.demand_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER demand_derive_update
AFTER UPDATE OF action_id, resource_id, active_from, retired_on ON demand
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT OLD.action_id, po.person_id,
           json_object('event', 'DEMAND::UPDATE', 'entity_id', NEW.demand_id)
      FROM person_office po
     WHERE po.person_office_id IN (SELECT person_office_id FROM entity_employee
                                    WHERE entity_id = OLD.resource_id
                                   UNION ALL
                                   SELECT person_office_id FROM work_group_person
                                    WHERE work_group_id = OLD.resource_id)
        OR po.office_id = OLD.resource_id;
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'DEMAND::UPDATE', 'entity_id', NEW.demand_id)
      FROM demand_holder h WHERE h.demand_id = NEW.demand_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER demand_derive_delete AFTER DELETE ON demand
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT OLD.action_id, po.person_id,
           json_object('event', 'DEMAND::DELETE', 'entity_id', OLD.demand_id)
      FROM person_office po
     WHERE po.person_office_id IN (SELECT person_office_id FROM entity_employee
                                    WHERE entity_id = OLD.resource_id
                                   UNION ALL
                                   SELECT person_office_id FROM work_group_person
                                    WHERE work_group_id = OLD.resource_id)
        OR po.office_id = OLD.resource_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER entity_employee_derive_insert AFTER INSERT ON entity_employee
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'ENTITY_EMPLOYEE::CREATE', 'entity_id', NEW.entity_employee_id)
      FROM demand d, person_office po
     WHERE d.resource_id = NEW.entity_id AND po.person_office_id = NEW.person_office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER entity_employee_derive_update
AFTER UPDATE OF entity_id, person_office_id, type, active_from, retired_on ON entity_employee
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'ENTITY_EMPLOYEE::UPDATE', 'entity_id', NEW.entity_employee_id)
      FROM demand d, person_office po
     WHERE (d.resource_id = OLD.entity_id AND po.person_office_id = OLD.person_office_id)
        OR (d.resource_id = NEW.entity_id AND po.person_office_id = NEW.person_office_id);
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER entity_employee_derive_delete AFTER DELETE ON entity_employee
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'ENTITY_EMPLOYEE::DELETE', 'entity_id', OLD.entity_employee_id)
      FROM demand d, person_office po
     WHERE d.resource_id = OLD.entity_id AND po.person_office_id = OLD.person_office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER work_group_person_derive_insert AFTER INSERT ON work_group_person
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'WORK_GROUP_PERSON::CREATE', 'entity_id',
                       NEW.work_group_person_id)
      FROM demand d, person_office po
     WHERE d.resource_id = NEW.work_group_id AND po.person_office_id = NEW.person_office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER work_group_person_derive_update
AFTER UPDATE OF work_group_id, person_office_id, active_from, retired_on ON work_group_person
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'WORK_GROUP_PERSON::UPDATE', 'entity_id',
                       NEW.work_group_person_id)
      FROM demand d, person_office po
     WHERE (d.resource_id = OLD.work_group_id AND po.person_office_id = OLD.person_office_id)
        OR (d.resource_id = NEW.work_group_id AND po.person_office_id = NEW.person_office_id);
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER work_group_person_derive_delete AFTER DELETE ON work_group_person
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'WORK_GROUP_PERSON::DELETE', 'entity_id',
                       OLD.work_group_person_id)
      FROM demand d, person_office po
     WHERE d.resource_id = OLD.work_group_id AND po.person_office_id = OLD.person_office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

-- A person-office row is an office demand's assignment, and the row every entity-employee and
-- work-group-person row of it hangs on.
CREATE TRIGGER person_office_derive_insert AFTER INSERT ON person_office
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, NEW.person_id,
           json_object('event', 'PERSON_OFFICE::CREATE', 'entity_id', NEW.person_office_id)
      FROM demand d WHERE d.resource_id = NEW.office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER person_office_derive_update
AFTER UPDATE OF person_id, office_id, active_from, retired_on ON person_office
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, p.person_id,
           json_object('event', 'PERSON_OFFICE::UPDATE', 'entity_id', NEW.person_office_id)
      FROM (SELECT OLD.person_id AS person_id UNION SELECT NEW.person_id) p,
           demand d
     WHERE d.resource_id IN (OLD.office_id, NEW.office_id)
        OR d.resource_id IN (SELECT entity_id FROM entity_employee
                              WHERE person_office_id = NEW.person_office_id
                             UNION ALL
                             SELECT work_group_id FROM work_group_person
                              WHERE person_office_id = NEW.person_office_id);
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER person_office_derive_delete AFTER DELETE ON person_office
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, OLD.person_id,
           json_object('event', 'PERSON_OFFICE::DELETE', 'entity_id', OLD.person_office_id)
      FROM demand d WHERE d.resource_id = OLD.office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

-- A demand's resource beginning or ending moves the days its holders need the action.
CREATE TRIGGER role_derive AFTER UPDATE OF active_from, retired_on ON role
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'ROLE::UPDATE', 'entity_id', NEW.office_role_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_role_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER equipment_derive AFTER UPDATE OF active_from, retired_on ON equipment
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'EQUIPMENT::UPDATE', 'entity_id', NEW.office_equipment_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_equipment_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER work_environment_derive AFTER UPDATE OF active_from, retired_on ON work_environment
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'WORK_ENVIRONMENT::UPDATE', 'entity_id',
                       NEW.office_work_environment_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_work_environment_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER substance_derive AFTER UPDATE OF active_from, retired_on ON substance
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'SUBSTANCE::UPDATE', 'entity_id', NEW.office_substance_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_substance_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER work_group_derive AFTER UPDATE OF active_from, retired_on ON work_group
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'WORK_GROUP::UPDATE', 'entity_id', NEW.work_group_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.work_group_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER office_derive AFTER UPDATE OF active_from, retired_on ON office
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'OFFICE::UPDATE', 'entity_id', NEW.office_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_id;
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

-- A hand-made row deleted while a demand still requires the pair: the rule makes it again, as
-- a derived row.
CREATE TRIGGER action_subscription_derive_delete AFTER DELETE ON action_subscription
WHEN OLD.origin = 'MANUAL' AND OLD.subscriber_type = 'PERSON'
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
    VALUES (OLD.action_id, OLD.subscriber_id,
            json_object('event', 'ACTION_SUBSCRIPTION::DELETE', 'entity_id',
                        OLD.action_subscription_id));
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

-- What a file written before this schema already requires.
INSERT INTO derive_touch (action_id, person_id, cause)
  SELECT DISTINCT action_id, person_id, json_object('event', 'SCHEMA::UPGRADE', 'version', 10)
    FROM demand_holder;
INSERT INTO derive_touch (action_id) VALUES (NULL);
