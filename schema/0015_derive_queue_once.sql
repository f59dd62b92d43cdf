-- Schema 15: the derivation queue is kept unique and closed by its own statement (issue 13's
-- assignment within 3x of raw). In schema 10 and 12 every touch row fired derive_touch_apply,
-- whose WHEN picked the closing (NULL, NULL) row: one trigger sub-program call per touched pair
-- for nothing, then a dedup DELETE that sorted the queue to keep each pair's first row.
--
-- * derive_touch has a unique (action_id, person_id) index and the touch triggers insert OR
--   IGNORE: a pair is queued once, with its first cause, as the dedup kept. (An outer statement's
--   own conflict clause would override the trigger's, SQLite's rule; certo's writes have none,
--   and an outer REPLACE would still leave one row per pair.)
-- * The close is an insert into the view derive_close, whose INSTEAD OF trigger is the apply
--   (the same statements as schema 12's, without the dedup); a view stores nothing, so the close
--   writes no page. DeriveTouched (the end of a bulk write) inserts into it too.
-- * Every statement reads the queue first, as it had to without an index: CROSS JOIN (and a
--   unary + where the queue joins an UPDATE's target), since the planner, which has no
--   statistics on these files, would otherwise scan action_subscription and probe the queue.
-- * The two statements that move existing derived rows' periods skip the pairs this pass
--   creates, whose rows were just inserted with their period (they probed each new row twice).

DROP TRIGGER derive_touch_apply;
-- The queue is empty between writes (Verify says so); should an older file hold pairs, each is
-- kept once and derived at the end of this upgrade.
DELETE FROM derive_touch
 WHERE action_id IS NULL
    OR rowid NOT IN (SELECT min(rowid) FROM derive_touch GROUP BY action_id, person_id);
CREATE UNIQUE INDEX derive_touch_pair ON derive_touch (action_id, person_id);
CREATE VIEW derive_close AS SELECT NULL AS closed WHERE 0;

CREATE TRIGGER derive_close_apply INSTEAD OF INSERT ON derive_close
BEGIN
  DELETE FROM subscription_requirement
   WHERE (action_id, person_id) IN (SELECT action_id, person_id FROM derive_touch);
  -- Through entity-employee rows (roles, equipment, work environments, substances).
  INSERT INTO subscription_requirement
    SELECT * FROM (
      SELECT t.action_id, t.person_id, d.demand_id, d.resource_type, d.resource_id,
             'entity-employee' AS via, e.entity_employee_id,
             certo_latest(d.active_from, od.active_from, e.active_from, oe.active_from,
                          po.active_from, opo.active_from, xr.active_from, xe.active_from,
                          xw.active_from, xs.active_from, xo.active_from) AS from_day,
             certo_earliest(d.retired_on, od.retired_on, e.retired_on, oe.retired_on,
                            po.retired_on, opo.retired_on, xr.retired_on, xe.retired_on,
                            xw.retired_on, xs.retired_on, xo.retired_on) AS until_day
        FROM derive_touch t
        CROSS JOIN action a ON a.action_id = t.action_id
        CROSS JOIN person_office po ON po.person_id = t.person_id
        CROSS JOIN entity_employee e ON e.person_office_id = po.person_office_id
        CROSS JOIN demand d ON d.action_id = t.action_id AND d.resource_id = e.entity_id
        JOIN office od ON od.office_id = d.office_id
        JOIN office oe ON oe.office_id = e.office_id
        JOIN office opo ON opo.office_id = po.office_id
        -- the resource, of its kind (a demand's resource_id is checked, not a foreign key), and
        -- its office: one probe each, at most one of the four found
        LEFT JOIN role xr ON d.resource_type = 'ROLE' AND xr.office_role_id = d.resource_id
        LEFT JOIN equipment xe
          ON d.resource_type = 'EQUIPMENT' AND xe.office_equipment_id = d.resource_id
        LEFT JOIN work_environment xw
          ON d.resource_type = 'WORK_ENVIRONMENT' AND xw.office_work_environment_id = d.resource_id
        LEFT JOIN substance xs
          ON d.resource_type = 'SUBSTANCE' AND xs.office_substance_id = d.resource_id
        LEFT JOIN office xo
          ON xo.office_id = coalesce(xr.office_id, xe.office_id, xw.office_id, xs.office_id)
       WHERE d.resource_type IN ('ROLE', 'EQUIPMENT', 'WORK_ENVIRONMENT', 'SUBSTANCE')
         AND e.type = d.resource_type AND po.project_id = d.project_id
         AND certo_admits(a.action_type, 'PERSON')
         AND coalesce(xr.office_role_id, xe.office_equipment_id, xw.office_work_environment_id,
                      xs.office_substance_id) IS NOT NULL)
     WHERE from_day IS NULL OR until_day IS NULL OR from_day < until_day;
  -- Through work-group-person rows: from the action's work-group demands, which most actions
  -- have none of, to the person's membership of each group.
  INSERT INTO subscription_requirement
    SELECT * FROM (
      SELECT t.action_id, t.person_id, d.demand_id, d.resource_type, d.resource_id,
             'work-group-person', w.work_group_person_id,
             certo_latest(d.active_from, od.active_from, g.active_from, og.active_from,
                          w.active_from, ow.active_from, po.active_from, opo.active_from) AS from_day,
             certo_earliest(d.retired_on, od.retired_on, g.retired_on, og.retired_on,
                            w.retired_on, ow.retired_on, po.retired_on, opo.retired_on)
               AS until_day
        FROM derive_touch t
        CROSS JOIN action a ON a.action_id = t.action_id
        CROSS JOIN demand d ON d.action_id = t.action_id AND d.resource_type = 'WORK_GROUP'
        CROSS JOIN person_office po ON po.person_id = t.person_id
        CROSS JOIN work_group_person w
          ON w.work_group_id = d.resource_id AND w.person_office_id = po.person_office_id
        JOIN work_group g ON g.work_group_id = w.work_group_id
        JOIN office od ON od.office_id = d.office_id
        JOIN office og ON og.office_id = g.office_id
        JOIN office ow ON ow.office_id = w.office_id
        JOIN office opo ON opo.office_id = po.office_id
       WHERE d.resource_type = 'WORK_GROUP' AND po.project_id = d.project_id
         AND certo_admits(a.action_type, 'PERSON'))
     WHERE from_day IS NULL OR until_day IS NULL OR from_day < until_day;
  -- Through person-office rows, for the action's office demands.
  INSERT INTO subscription_requirement
    SELECT * FROM (
      SELECT t.action_id, t.person_id, d.demand_id, d.resource_type, d.resource_id,
             'person-office', po.person_office_id,
             certo_latest(d.active_from, od.active_from, o.active_from, po.active_from) AS from_day,
             certo_earliest(d.retired_on, od.retired_on, o.retired_on, po.retired_on) AS until_day
        FROM derive_touch t
        CROSS JOIN action a ON a.action_id = t.action_id
        CROSS JOIN demand d ON d.action_id = t.action_id AND d.resource_type = 'OFFICE'
        CROSS JOIN person_office po ON po.person_id = t.person_id AND po.office_id = d.resource_id
        JOIN office o ON o.office_id = po.office_id
        JOIN office od ON od.office_id = d.office_id
       WHERE d.resource_type = 'OFFICE' AND po.project_id = d.project_id
         AND certo_admits(a.action_type, 'PERSON'))
     WHERE from_day IS NULL OR until_day IS NULL OR from_day < until_day;
  UPDATE derive_touch
     SET (n, from_day, until_day) =
         (SELECT count(*),
                 CASE WHEN count(r.from_day) = count(*) THEN min(r.from_day) END,
                 CASE WHEN count(r.until_day) = count(*) THEN max(r.until_day) END
            FROM subscription_requirement r
           WHERE r.action_id = derive_touch.action_id AND r.person_id = derive_touch.person_id),
         created = NOT EXISTS (SELECT 1 FROM action_subscription s
                                WHERE s.action_id = derive_touch.action_id
                                  AND s.subscriber_id = derive_touch.person_id);
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
      FROM derive_touch t CROSS JOIN action a ON a.action_id = t.action_id
     WHERE t.n > 0 AND t.created
     ORDER BY t.rowid;
  -- Born with their chain's visibility (schema 3's action_subscription_in_force for a person:
  -- the row, its action and the action's office, which is the row's own, and the person), so
  -- no per-row trigger rewrites them.
  INSERT INTO action_subscription (action_subscription_id, tenant_id, subtenant_id, action_id,
                                   subscriber_type, subscriber_id, active_from, retired_on,
                                   shown_from, hidden_from, origin, created_at, updated_at)
    SELECT certo_pair_id(t.action_id, t.person_id), a.tenant_id, a.subtenant_id, t.action_id,
           'PERSON', t.person_id, t.from_day, t.until_day,
           certo_latest(t.from_day, a.active_from, o.active_from, p.active_from),
           certo_earliest(t.until_day, a.retired_on, o.retired_on, p.retired_on),
           'DERIVED', certo_now(), certo_now()
      FROM derive_touch t
      CROSS JOIN action a ON a.action_id = t.action_id
      LEFT JOIN office o ON o.office_id = a.subtenant_id
      LEFT JOIN person p ON p.person_id = t.person_id
     WHERE t.n > 0 AND t.created
     ORDER BY t.rowid;
  -- A new row some certificate already covers gets its timeline, segments and STATUS event
  -- from the schedule's own recomputation, as a row made by hand does; one nothing covers has
  -- nothing to compute.
  INSERT INTO schedule_touch (action_id, subscriber_id)
    SELECT t.action_id, t.person_id FROM derive_touch t
     WHERE t.n > 0 AND t.created
       AND EXISTS (SELECT 1 FROM certificate_action l
                    WHERE l.action_id = t.action_id AND l.resource_id = t.person_id)
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
      CROSS JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.person_id
     WHERE s.origin = 'DERIVED' AND t.n > 0 AND NOT t.created
       AND (s.active_from IS NOT t.from_day OR s.retired_on IS NOT t.until_day)
     ORDER BY t.rowid;
  UPDATE action_subscription
     SET (active_from, retired_on, updated_at) = (t.from_day, t.until_day, certo_now())
    FROM derive_touch t
   WHERE action_subscription.action_id = +t.action_id
     AND action_subscription.subscriber_id = +t.person_id
     AND action_subscription.origin = 'DERIVED' AND t.n > 0 AND NOT t.created
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
      CROSS JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.person_id
     WHERE s.origin = 'DERIVED' AND t.n = 0
     ORDER BY t.rowid;
  DELETE FROM action_subscription
   WHERE origin = 'DERIVED'
     AND rowid IN (SELECT s.rowid FROM derive_touch t
                     CROSS JOIN action_subscription s
                       ON s.action_id = t.action_id AND s.subscriber_id = t.person_id
                    WHERE t.n = 0);
  DELETE FROM derive_touch;
END;

DROP TRIGGER action_subscription_derive_delete;
CREATE TRIGGER action_subscription_derive_delete AFTER DELETE ON action_subscription
WHEN OLD.origin = 'MANUAL' AND OLD.subscriber_type = 'PERSON'
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    VALUES (OLD.action_id, OLD.subscriber_id,
            json_object('event', 'ACTION_SUBSCRIPTION::DELETE', 'entity_id',
                        OLD.action_subscription_id));
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER demand_derive_delete;
CREATE TRIGGER demand_derive_delete AFTER DELETE ON demand
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT OLD.action_id, po.person_id,
           json_object('event', 'DEMAND::DELETE', 'entity_id', OLD.demand_id)
      FROM person_office po
     WHERE po.person_office_id IN (SELECT person_office_id FROM entity_employee
                                    WHERE entity_id = OLD.resource_id
                                   UNION ALL
                                   SELECT person_office_id FROM work_group_person
                                    WHERE work_group_id = OLD.resource_id)
        OR po.office_id = OLD.resource_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER demand_derive_insert;
CREATE TRIGGER demand_derive_insert AFTER INSERT ON demand
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'DEMAND::CREATE', 'entity_id', NEW.demand_id)
      FROM demand_holder h WHERE h.demand_id = NEW.demand_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER demand_derive_update;
CREATE TRIGGER demand_derive_update
AFTER UPDATE OF action_id, resource_id, active_from, retired_on ON demand
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT OLD.action_id, po.person_id,
           json_object('event', 'DEMAND::UPDATE', 'entity_id', NEW.demand_id)
      FROM person_office po
     WHERE po.person_office_id IN (SELECT person_office_id FROM entity_employee
                                    WHERE entity_id = OLD.resource_id
                                   UNION ALL
                                   SELECT person_office_id FROM work_group_person
                                    WHERE work_group_id = OLD.resource_id)
        OR po.office_id = OLD.resource_id;
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'DEMAND::UPDATE', 'entity_id', NEW.demand_id)
      FROM demand_holder h WHERE h.demand_id = NEW.demand_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER entity_employee_derive_delete;
CREATE TRIGGER entity_employee_derive_delete AFTER DELETE ON entity_employee
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'ENTITY_EMPLOYEE::DELETE', 'entity_id', OLD.entity_employee_id)
      FROM demand d, person_office po
     WHERE d.resource_id = OLD.entity_id AND po.person_office_id = OLD.person_office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER entity_employee_derive_insert;
CREATE TRIGGER entity_employee_derive_insert AFTER INSERT ON entity_employee
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'ENTITY_EMPLOYEE::CREATE', 'entity_id', NEW.entity_employee_id)
      FROM demand d, person_office po
     WHERE d.resource_id = NEW.entity_id AND po.person_office_id = NEW.person_office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER entity_employee_derive_update;
CREATE TRIGGER entity_employee_derive_update
AFTER UPDATE OF entity_id, person_office_id, type, active_from, retired_on ON entity_employee
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'ENTITY_EMPLOYEE::UPDATE', 'entity_id', NEW.entity_employee_id)
      FROM demand d, person_office po
     WHERE (d.resource_id = OLD.entity_id AND po.person_office_id = OLD.person_office_id)
        OR (d.resource_id = NEW.entity_id AND po.person_office_id = NEW.person_office_id);
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER equipment_derive;
CREATE TRIGGER equipment_derive AFTER UPDATE OF active_from, retired_on ON equipment
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'EQUIPMENT::UPDATE', 'entity_id', NEW.office_equipment_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_equipment_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER office_derive;
CREATE TRIGGER office_derive AFTER UPDATE OF active_from, retired_on ON office
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'OFFICE::UPDATE', 'entity_id', NEW.office_id)
      FROM demand_holder h
     WHERE h.demand_id IN (
             SELECT demand_id FROM demand
              WHERE office_id = NEW.office_id OR resource_id = NEW.office_id
             UNION ALL
             SELECT d.demand_id FROM role x JOIN demand d ON d.resource_id = x.office_role_id
              WHERE x.office_id = NEW.office_id
             UNION ALL
             SELECT d.demand_id FROM equipment x
               JOIN demand d ON d.resource_id = x.office_equipment_id
              WHERE x.office_id = NEW.office_id
             UNION ALL
             SELECT d.demand_id FROM work_environment x
               JOIN demand d ON d.resource_id = x.office_work_environment_id
              WHERE x.office_id = NEW.office_id
             UNION ALL
             SELECT d.demand_id FROM substance x
               JOIN demand d ON d.resource_id = x.office_substance_id
              WHERE x.office_id = NEW.office_id
             UNION ALL
             SELECT d.demand_id FROM work_group x JOIN demand d ON d.resource_id = x.work_group_id
              WHERE x.office_id = NEW.office_id);
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'OFFICE::UPDATE', 'entity_id', NEW.office_id)
      FROM demand_holder h
     WHERE h.person_id IN (
             SELECT person_id FROM person_office WHERE office_id = NEW.office_id
             UNION ALL
             SELECT po.person_id FROM entity_employee e
               JOIN person_office po ON po.person_office_id = e.person_office_id
              WHERE e.office_id = NEW.office_id
             UNION ALL
             SELECT po.person_id FROM work_group_person w
               JOIN person_office po ON po.person_office_id = w.person_office_id
              WHERE w.office_id = NEW.office_id);
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER person_office_derive_delete;
CREATE TRIGGER person_office_derive_delete AFTER DELETE ON person_office
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, OLD.person_id,
           json_object('event', 'PERSON_OFFICE::DELETE', 'entity_id', OLD.person_office_id)
      FROM demand d WHERE d.resource_id = OLD.office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER person_office_derive_insert;
CREATE TRIGGER person_office_derive_insert AFTER INSERT ON person_office
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, NEW.person_id,
           json_object('event', 'PERSON_OFFICE::CREATE', 'entity_id', NEW.person_office_id)
      FROM demand d WHERE d.resource_id = NEW.office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER person_office_derive_update;
CREATE TRIGGER person_office_derive_update
AFTER UPDATE OF person_id, office_id, active_from, retired_on ON person_office
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
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
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER role_derive;
CREATE TRIGGER role_derive AFTER UPDATE OF active_from, retired_on ON role
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'ROLE::UPDATE', 'entity_id', NEW.office_role_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_role_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER substance_derive;
CREATE TRIGGER substance_derive AFTER UPDATE OF active_from, retired_on ON substance
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'SUBSTANCE::UPDATE', 'entity_id', NEW.office_substance_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_substance_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER work_environment_derive;
CREATE TRIGGER work_environment_derive AFTER UPDATE OF active_from, retired_on ON work_environment
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'WORK_ENVIRONMENT::UPDATE', 'entity_id',
                       NEW.office_work_environment_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.office_work_environment_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER work_group_derive;
CREATE TRIGGER work_group_derive AFTER UPDATE OF active_from, retired_on ON work_group
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'WORK_GROUP::UPDATE', 'entity_id', NEW.work_group_id)
      FROM demand d JOIN demand_holder h ON h.demand_id = d.demand_id
     WHERE d.resource_id = NEW.work_group_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER work_group_person_derive_delete;
CREATE TRIGGER work_group_person_derive_delete AFTER DELETE ON work_group_person
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'WORK_GROUP_PERSON::DELETE', 'entity_id',
                       OLD.work_group_person_id)
      FROM demand d, person_office po
     WHERE d.resource_id = OLD.work_group_id AND po.person_office_id = OLD.person_office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER work_group_person_derive_insert;
CREATE TRIGGER work_group_person_derive_insert AFTER INSERT ON work_group_person
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'WORK_GROUP_PERSON::CREATE', 'entity_id',
                       NEW.work_group_person_id)
      FROM demand d, person_office po
     WHERE d.resource_id = NEW.work_group_id AND po.person_office_id = NEW.person_office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

DROP TRIGGER work_group_person_derive_update;
CREATE TRIGGER work_group_person_derive_update
AFTER UPDATE OF work_group_id, person_office_id, active_from, retired_on ON work_group_person
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, po.person_id,
           json_object('event', 'WORK_GROUP_PERSON::UPDATE', 'entity_id',
                       NEW.work_group_person_id)
      FROM demand d, person_office po
     WHERE (d.resource_id = OLD.work_group_id AND po.person_office_id = OLD.person_office_id)
        OR (d.resource_id = NEW.work_group_id AND po.person_office_id = NEW.person_office_id);
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

INSERT INTO derive_close SELECT NULL WHERE EXISTS (SELECT 1 FROM derive_touch);
