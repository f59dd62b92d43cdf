-- certo schema 5: the collections a 4hse v2 client also reaches (issue 9, "Missing
-- collections"): demands, the resources of work groups, PPE types and items, and attachments.
--
-- * demand: "whoever holds resource R must fulfil action A" (DESIGN.md section 1). Records only;
--   resource_id points at a role, work group, equipment, work environment, substance or office
--   chosen by resource_type (the engine checks it, as for entity_employee).
-- * work_group_entity: the equipment, work environments and substances of a work group.
-- * material (a PPE type) and material_item (one item or batch of it). A material item is the
--   subscriber type PPE of PER, CHECK and MAINTENANCE actions, so the visibility bookkeeping of
--   schema 3 learns it: the view that defines hidden_from, its own trigger, and the office's
--   and the material's (retiring a PPE type hides its items' subscriptions).
-- * attachment: a path-based file store inside the file (a device carries its evidence offline).
--   content is written and read with SQLite's incremental blob I/O; size and sha256 are kept
--   with it; a row without content (is_directory = 1) is a directory.
-- * entity_attachment: an attachment linked to any row of the same project by its uuid.
--
-- created_at and updated_at: when each row was written, filled by the engine (the timestamps
-- migration adds the same columns to the older tables).

CREATE TABLE demand (
  demand_id     TEXT PRIMARY KEY NOT NULL,
  project_id    TEXT NOT NULL REFERENCES project(project_id),
  office_id     TEXT NOT NULL REFERENCES office(office_id),
  action_id     TEXT NOT NULL REFERENCES action(action_id),
  resource_type TEXT NOT NULL,
  resource_id   TEXT NOT NULL,
  data          TEXT,
  retired_on    TEXT,
  created_at    TEXT,
  updated_at    TEXT
);
CREATE UNIQUE INDEX demand_pair ON demand(action_id, resource_id);
CREATE INDEX demand_resource ON demand(resource_id);
CREATE INDEX demand_office ON demand(office_id);

CREATE TABLE work_group_entity (
  work_group_entity_id TEXT PRIMARY KEY NOT NULL,
  project_id           TEXT NOT NULL REFERENCES project(project_id),
  office_id            TEXT NOT NULL REFERENCES office(office_id),
  work_group_id        TEXT NOT NULL REFERENCES work_group(work_group_id),
  entity_type          TEXT NOT NULL,
  entity_id            TEXT NOT NULL,
  description          TEXT,
  time_spent_measure   TEXT,
  retired_on           TEXT,
  created_at           TEXT,
  updated_at           TEXT
);
CREATE UNIQUE INDEX work_group_entity_pair ON work_group_entity(entity_id, work_group_id);
CREATE INDEX work_group_entity_work_group ON work_group_entity(work_group_id);

CREATE TABLE material (
  material_id   TEXT PRIMARY KEY NOT NULL,
  tenant_id     TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id  TEXT NOT NULL REFERENCES office(office_id),
  material_type TEXT NOT NULL DEFAULT 'PPE',
  code          TEXT,
  name          TEXT NOT NULL,
  description   TEXT,
  category      TEXT,
  data          TEXT,
  retired_on    TEXT,
  created_at    TEXT,
  updated_at    TEXT
);
CREATE INDEX material_office ON material(subtenant_id);

CREATE TABLE material_item (
  material_item_id TEXT PRIMARY KEY NOT NULL,
  tenant_id        TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id     TEXT NOT NULL REFERENCES office(office_id),
  material_id      TEXT NOT NULL REFERENCES material(material_id),
  code             TEXT,
  name             TEXT NOT NULL,
  description      TEXT,
  serial           TEXT,
  vendor           TEXT,
  model            TEXT,
  data             TEXT,
  initial_quantity INTEGER NOT NULL DEFAULT 1,
  retired_on       TEXT,
  created_at       TEXT,
  updated_at       TEXT
);
CREATE INDEX material_item_material ON material_item(material_id);
CREATE INDEX material_item_office ON material_item(subtenant_id);

CREATE TABLE attachment (
  attachment_id   TEXT PRIMARY KEY NOT NULL,
  project_id      TEXT NOT NULL REFERENCES project(project_id),
  attachment_path TEXT NOT NULL,
  description     TEXT,
  mime_type       TEXT,
  is_directory    INTEGER NOT NULL DEFAULT 1,
  size            INTEGER NOT NULL DEFAULT 0,
  sha256          TEXT,
  content         BLOB,
  created_at      TEXT,
  updated_at      TEXT
);
CREATE UNIQUE INDEX attachment_project_path ON attachment(project_id, attachment_path);

CREATE TABLE entity_attachment (
  entity_attachment_id TEXT PRIMARY KEY NOT NULL,
  project_id           TEXT NOT NULL REFERENCES project(project_id),
  entity_id            TEXT NOT NULL,
  attachment_id        TEXT NOT NULL REFERENCES attachment(attachment_id),
  created_at           TEXT,
  updated_at           TEXT
);
CREATE UNIQUE INDEX entity_attachment_pair ON entity_attachment(entity_id, attachment_id);
CREATE INDEX entity_attachment_attachment ON entity_attachment(attachment_id);

-- ---- PPE in the visibility bookkeeping of schema 3 ------------------------------------------

DROP VIEW action_subscription_hidden;
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
           WHEN 'PPE' THEN
             (SELECT certo_earliest(x.retired_on, m.retired_on, o.retired_on)
                FROM material_item x
                JOIN material m ON m.material_id = x.material_id
                JOIN office o ON o.office_id = x.subtenant_id
               WHERE x.material_item_id = s.subscriber_id)
         END) AS hidden_from
  FROM action_subscription s;

DROP TRIGGER office_visibility;
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
                           SELECT work_group_id FROM work_group WHERE office_id = NEW.office_id
                           UNION ALL
                           SELECT material_item_id FROM material_item WHERE subtenant_id = NEW.office_id);
END;

CREATE TRIGGER material_item_visibility AFTER UPDATE OF retired_on ON material_item
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.material_item_id;
END;

CREATE TRIGGER material_visibility AFTER UPDATE OF retired_on ON material
BEGIN
  UPDATE action_subscription
     SET hidden_from = (SELECT h.hidden_from FROM action_subscription_hidden h
                         WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id IN (SELECT material_item_id FROM material_item
                            WHERE material_id = NEW.material_id);
END;
