-- Schema 12: a derived row is written once (issue 13's assignment within 3x of raw). Schema 10
-- inserted each new derived row bare and let two per-row triggers of schema 8 rewrite it: the
-- visibility trigger (shown_from, hidden_from) and the schedule's touch, which recomputed a
-- timeline even when no certificate covers the pair. Each was a second and third write of the
-- row and of its wide office indexes, about 100 us of a derived row's 110 on the benchmark.
--
-- * derive_touch.created marks the pairs whose row this pass creates, decided once.
-- * The derivation inserts a new row with its visibility computed from its chain, and queues it
--   on schedule_touch only when a certificate link for the pair exists (the recomputation is
--   then the schedule's own, one source for the timeline, segments and STATUS events).
-- * The two per-row triggers on action_subscription inserts are one, for MANUAL rows only.
--   Verify's visibility and cover checks recompute derived rows like every other.
-- * Every level of a requirement is in force only while its office is (DESIGN.md section 1,
--   "every parent"): the demand's office, the resource's, the assignment's and the
--   person-office's. Schema 10 read the office only for office demands, so closing a site ended
--   no requirement whose action lived in another office. office_derive touches what that reaches.

ALTER TABLE derive_touch ADD COLUMN created INTEGER;

-- One trigger for both (each trigger a row fires costs a sub-program call even when its WHEN
-- is false): the visibility first, then the schedule's touch, as schema 8's pair ran.
DROP TRIGGER action_subscription_touch;
DROP TRIGGER action_subscription_visibility_insert;
CREATE TRIGGER action_subscription_insert AFTER INSERT ON action_subscription
WHEN NEW.origin = 'MANUAL'
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h WHERE h.rid = NEW.rowid)
   WHERE rowid = NEW.rowid AND NOT certo_bulk();
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (NEW.action_id, NEW.subscriber_id);
END;

DROP TRIGGER derive_touch_apply;
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
             certo_latest(d.active_from, od.active_from, e.active_from, oe.active_from,
                          po.active_from, opo.active_from, xr.active_from, xe.active_from,
                          xw.active_from, xs.active_from, xo.active_from) AS from_day,
             certo_earliest(d.retired_on, od.retired_on, e.retired_on, oe.retired_on,
                            po.retired_on, opo.retired_on, xr.retired_on, xe.retired_on,
                            xw.retired_on, xs.retired_on, xo.retired_on) AS until_day
        FROM derive_touch t
        JOIN action a ON a.action_id = t.action_id
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
        JOIN action a ON a.action_id = t.action_id
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
        JOIN action a ON a.action_id = t.action_id
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
      FROM derive_touch t JOIN action a ON a.action_id = t.action_id
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
      JOIN action a ON a.action_id = t.action_id
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

-- An office beginning or ending moves the days of every requirement with a level in it: its
-- demands, the demands on it or on its resources, and its people's assignments and memberships.
-- (Schema 10 touched the demands on the office only.) Two statements, so that each reads through
-- its own indexes (one OR of both made SQLite scan every assignment).
DROP TRIGGER office_derive;
CREATE TRIGGER office_derive AFTER UPDATE OF active_from, retired_on ON office
BEGIN
  INSERT INTO derive_touch (action_id, person_id, cause)
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
  INSERT INTO derive_touch (action_id, person_id, cause)
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
  INSERT INTO derive_touch (action_id)
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

-- What an older file derived without its offices' days, recomputed once (only a file with an
-- office that begins or ends can have such a requirement).
INSERT INTO derive_touch (action_id, person_id, cause)
  SELECT DISTINCT action_id, person_id, json_object('event', 'SCHEMA::UPGRADE', 'version', 12)
    FROM demand_holder
   WHERE EXISTS (SELECT 1 FROM office WHERE active_from IS NOT NULL OR retired_on IS NOT NULL);
INSERT INTO derive_touch (action_id) SELECT NULL WHERE EXISTS (SELECT 1 FROM derive_touch);
