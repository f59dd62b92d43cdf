-- A fresh certo file: every table, index, view and trigger as SQLite holds them once
-- schema/0001_*.sql .. the newest migration have run, in SQLite's order (the order a
-- connection loads them, and so the order of triggers on one event), then the rows such a
-- file holds. The library makes new files from it. Generated: do not edit. After adding a
-- migration, regenerate it and review the diff:
--   CERTO_UPDATE_SCHEMA=1 build/dev/tests/upgrade_test --gtest_filter='CurrentSql.*'
-- PRAGMA user_version = 23; PRAGMA application_id = 1129469007;

CREATE TABLE project (
  project_id   TEXT PRIMARY KEY NOT NULL,
  name         TEXT NOT NULL,
  description  TEXT,
  country      TEXT,
  status       TEXT NOT NULL DEFAULT 'active',
  project_type TEXT NOT NULL DEFAULT 'safety',
  data         TEXT
, created_at TEXT, updated_at TEXT);

CREATE TABLE office (
  office_id        TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT NOT NULL REFERENCES project(project_id),
  name             TEXT NOT NULL,
  code             TEXT,
  description      TEXT,
  street           TEXT,
  postal_code      TEXT,
  locality         TEXT,
  region           TEXT,
  country          TEXT,
  tax_code         TEXT,
  vat              TEXT,
  office_type_icon TEXT NOT NULL DEFAULT 'office_default',
  retired_on       TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX office_project ON office(project_id);

CREATE TABLE person (
  person_id            TEXT PRIMARY KEY NOT NULL,
  project_id           TEXT NOT NULL REFERENCES project(project_id),
  code                 TEXT,
  first_name           TEXT NOT NULL,
  last_name            TEXT NOT NULL,
  street               TEXT,
  locality             TEXT,
  postal_code          TEXT,
  region               TEXT,
  sex                  TEXT,
  country              TEXT,
  birth_date           TEXT,
  birth_place          TEXT,
  tax_code             TEXT,
  note                 TEXT,
  contract_type        TEXT,
  is_employee          INTEGER NOT NULL DEFAULT 1,
  is_prevention_people INTEGER NOT NULL DEFAULT 0,
  entity_id            TEXT,
  related_user         TEXT,
  retired_on           TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE UNIQUE INDEX person_project_code ON person(project_id, code) WHERE code IS NOT NULL;

CREATE INDEX person_project_tax_code ON person(project_id, tax_code);

CREATE TABLE person_office (
  person_office_id TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT NOT NULL REFERENCES project(project_id),
  office_id        TEXT NOT NULL REFERENCES office(office_id),
  person_id        TEXT NOT NULL REFERENCES person(person_id),
  retired_on       TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE UNIQUE INDEX person_office_pair ON person_office(person_id, office_id);

CREATE INDEX person_office_office ON person_office(office_id);

CREATE TABLE role (
  office_role_id TEXT PRIMARY KEY NOT NULL,
  project_id     TEXT NOT NULL REFERENCES project(project_id),
  office_id      TEXT NOT NULL REFERENCES office(office_id),
  code           TEXT,
  name           TEXT NOT NULL,
  description    TEXT,
  retired_on     TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX role_office ON role(office_id);

CREATE TABLE equipment (
  office_equipment_id TEXT PRIMARY KEY NOT NULL,
  project_id          TEXT NOT NULL REFERENCES project(project_id),
  office_id           TEXT NOT NULL REFERENCES office(office_id),
  code                TEXT,
  name                TEXT NOT NULL,
  description         TEXT,
  serial              TEXT,
  vendor              TEXT,
  model               TEXT,
  retired_on          TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX equipment_office ON equipment(office_id);

CREATE TABLE work_environment (
  office_work_environment_id TEXT PRIMARY KEY NOT NULL,
  project_id                 TEXT NOT NULL REFERENCES project(project_id),
  office_id                  TEXT NOT NULL REFERENCES office(office_id),
  code                       TEXT,
  name                       TEXT NOT NULL,
  description                TEXT,
  retired_on                 TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX work_environment_office ON work_environment(office_id);

CREATE TABLE substance (
  office_substance_id TEXT PRIMARY KEY NOT NULL,
  project_id          TEXT NOT NULL REFERENCES project(project_id),
  office_id           TEXT NOT NULL REFERENCES office(office_id),
  code                TEXT,
  name                TEXT NOT NULL,
  description         TEXT,
  retired_on          TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX substance_office ON substance(office_id);

CREATE TABLE entity_employee (
  entity_employee_id TEXT PRIMARY KEY NOT NULL,
  project_id         TEXT NOT NULL REFERENCES project(project_id),
  office_id          TEXT NOT NULL REFERENCES office(office_id),
  person_office_id   TEXT NOT NULL REFERENCES person_office(person_office_id),
  type               TEXT NOT NULL,
  entity_id          TEXT NOT NULL,
  retired_on         TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE UNIQUE INDEX entity_employee_pair ON entity_employee(entity_id, person_office_id);

CREATE INDEX entity_employee_person_office ON entity_employee(person_office_id);

CREATE TABLE work_group (
  work_group_id   TEXT PRIMARY KEY NOT NULL,
  project_id      TEXT NOT NULL REFERENCES project(project_id),
  office_id       TEXT NOT NULL REFERENCES office(office_id),
  code            TEXT,
  name            TEXT NOT NULL,
  description     TEXT,
  work_group_type TEXT NOT NULL,
  retired_on      TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX work_group_office ON work_group(office_id);

CREATE TABLE work_group_person (
  work_group_person_id TEXT PRIMARY KEY NOT NULL,
  project_id           TEXT NOT NULL REFERENCES project(project_id),
  office_id            TEXT NOT NULL REFERENCES office(office_id),
  work_group_id        TEXT NOT NULL REFERENCES work_group(work_group_id),
  person_office_id     TEXT NOT NULL REFERENCES person_office(person_office_id),
  time_spent_measure   TEXT,
  retired_on           TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE UNIQUE INDEX work_group_person_pair ON work_group_person(work_group_id, person_office_id);

CREATE INDEX work_group_person_person_office ON work_group_person(person_office_id);

CREATE TABLE action (
  action_id       TEXT PRIMARY KEY NOT NULL,
  tenant_id       TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id    TEXT NOT NULL REFERENCES office(office_id),
  action_type     TEXT NOT NULL,
  code            TEXT,
  name            TEXT NOT NULL,
  description     TEXT,
  validity        INTEGER,
  validity_unit   TEXT,
  expire_interval INTEGER,
  manager         TEXT,
  assignee        TEXT,
  watcher         TEXT,
  data            TEXT,
  retired_on      TEXT
, created_at TEXT, updated_at TEXT, active_from TEXT);

CREATE INDEX action_office ON action(subtenant_id);

CREATE TABLE certificate (
  certificate_id TEXT PRIMARY KEY NOT NULL,
  tenant_id      TEXT NOT NULL REFERENCES project(project_id),
  resource_id    TEXT NOT NULL,
  action_type    TEXT NOT NULL,
  name           TEXT NOT NULL,
  note           TEXT,
  date_release   TEXT NOT NULL,
  date_expire    TEXT,
  validity       INTEGER,
  validity_unit  TEXT,
  warning        INTEGER NOT NULL DEFAULT 0,
  data           TEXT
, created_at TEXT, updated_at TEXT, revoked_on TEXT, revoke_reason TEXT);

CREATE TABLE incident (
  office_incident_id           TEXT PRIMARY KEY NOT NULL,
  tenant_id                    TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id                 TEXT NOT NULL REFERENCES office(office_id),
  code                         TEXT,
  name                         TEXT NOT NULL,
  date_incident                TEXT NOT NULL,
  category                     TEXT,
  description_event            TEXT,
  description_actions_involved TEXT,
  deponent                     TEXT,
  manager                      TEXT,
  assignee                     TEXT,
  watcher                      TEXT,
  status                       TEXT NOT NULL DEFAULT 'new',
  date_closed                  TEXT,
  external_reference_id        TEXT
, created_at TEXT, updated_at TEXT);

CREATE INDEX incident_office ON incident(subtenant_id);

CREATE TABLE incident_action (
  office_incident_action_id TEXT PRIMARY KEY NOT NULL,
  tenant_id                 TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id              TEXT NOT NULL REFERENCES office(office_id),
  office_incident_id        TEXT NOT NULL REFERENCES incident(office_incident_id),
  entity_id                 TEXT NOT NULL REFERENCES action(action_id),
  entity_type               TEXT NOT NULL DEFAULT 'ACTION',
  description               TEXT
, created_at TEXT, updated_at TEXT);

CREATE UNIQUE INDEX incident_action_pair ON incident_action(office_incident_id, entity_id);

CREATE INDEX incident_action_action ON incident_action(entity_id);

CREATE TABLE incident_person (
  office_incident_person_id TEXT PRIMARY KEY NOT NULL,
  tenant_id                 TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id              TEXT NOT NULL REFERENCES office(office_id),
  office_incident_id        TEXT NOT NULL REFERENCES incident(office_incident_id),
  person_office_id          TEXT NOT NULL REFERENCES person_office(person_office_id),
  code                      TEXT,
  description               TEXT,
  days                      INTEGER
, created_at TEXT, updated_at TEXT);

CREATE UNIQUE INDEX incident_person_pair ON incident_person(office_incident_id, person_office_id);

CREATE INDEX incident_person_person_office ON incident_person(person_office_id);

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
, hidden_from TEXT, created_at TEXT, updated_at TEXT, active_from TEXT, first_from TEXT, cover_from TEXT, shown_from TEXT, origin TEXT NOT NULL DEFAULT 'MANUAL');

CREATE UNIQUE INDEX action_subscription_pair ON action_subscription(action_id, subscriber_id);

CREATE INDEX action_subscription_subscriber ON action_subscription(subscriber_id);

CREATE INDEX action_subscription_expire ON action_subscription(cover_expire);

CREATE INDEX action_subscription_expiring ON action_subscription(expiring_from);

CREATE TABLE certificate_action (
  certificate_action_id TEXT PRIMARY KEY NOT NULL,
  tenant_id             TEXT NOT NULL REFERENCES project(project_id),
  certificate_id        TEXT NOT NULL REFERENCES certificate(certificate_id),
  action_id             TEXT NOT NULL REFERENCES action(action_id),
  date_expire           TEXT
, resource_id TEXT, created_at TEXT, updated_at TEXT);

CREATE UNIQUE INDEX certificate_action_pair ON certificate_action(certificate_id, action_id);

CREATE INDEX certificate_resource_id ON certificate(resource_id, certificate_id);

CREATE TABLE schedule_touch (
  action_id     TEXT NOT NULL,
  subscriber_id TEXT NOT NULL
, old_status TEXT, timeline TEXT);

CREATE TABLE outbox (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  event     TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  payload   TEXT NOT NULL,
  date      TEXT NOT NULL
);

CREATE INDEX certificate_action_cover ON certificate_action(action_id, resource_id);

CREATE TABLE api_key (
  key_id     TEXT PRIMARY KEY NOT NULL,
  project_id TEXT NOT NULL REFERENCES project (project_id) ON DELETE CASCADE,
  name       TEXT NOT NULL DEFAULT '',
  read_only  INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1)),
  salt       BLOB NOT NULL,
  hash       BLOB NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
) WITHOUT ROWID;

CREATE INDEX api_key_project ON api_key (project_id);

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
, active_from TEXT);

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
, active_from TEXT);

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
, active_from TEXT);

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
, active_from TEXT);

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

CREATE TABLE review_campaign (
  cert_id          INTEGER PRIMARY KEY,
  project_id       TEXT NOT NULL REFERENCES project (project_id),
  name             TEXT NOT NULL,
  type             TEXT NOT NULL CHECK (type IN ('USER', 'ROLE')),
  scope            TEXT NOT NULL,   -- JSON {"office_ids","role_ids","action_types"}
  reviewer         TEXT NOT NULL,   -- JSON {"person_id"} or {"offices":{office: person}}, "fallback_id"
  deadline         TEXT NOT NULL,   -- YYYY-MM-DD, the last day of the review
  no_response      TEXT NOT NULL CHECK (no_response IN ('keep', 'revoke')),
  comment_required TEXT NOT NULL,   -- JSON array of the decisions that need a comment
  state            TEXT NOT NULL,   -- CREATED, IN_REVIEW, CLOSED (src/review/codes.cc)
  created_at       TEXT NOT NULL,
  started_at       TEXT,
  closed_at        TEXT
);

CREATE INDEX review_campaign_project ON review_campaign (project_id);

CREATE TABLE review_task (
  task_id        TEXT PRIMARY KEY NOT NULL,
  cert_id        INTEGER NOT NULL REFERENCES review_campaign (cert_id),
  reviewer_id    TEXT NOT NULL,     -- a person_id
  proxy_id       TEXT,              -- a person acting for the reviewer, when one was named
  state          TEXT NOT NULL,     -- ASSIGNED, IN_PROGRESS, DECISIONS_COMPLETE, SUSPENDED, ...
  suspended_from TEXT,              -- the state a SUSPENDED task resumes to
  reassigned_to  TEXT REFERENCES review_task (task_id),
  created_at     TEXT NOT NULL,
  signed_off_at  TEXT
);

CREATE INDEX review_task_cert ON review_task (cert_id);

CREATE INDEX review_task_reviewer ON review_task (reviewer_id);

CREATE TABLE review_line_item (
  line_item_id INTEGER PRIMARY KEY,
  cert_id      INTEGER NOT NULL REFERENCES review_campaign (cert_id),
  task_id      TEXT NOT NULL REFERENCES review_task (task_id),
  entity_type  TEXT NOT NULL CHECK (entity_type IN ('PERSON', 'ROLE')),
  entity_id    TEXT NOT NULL,       -- the person_id or office_role_id under review
  office_id    TEXT,
  state        TEXT NOT NULL,       -- NEW, CLAIMED, DECIDED, COMPLETE, FINAL
  comment      TEXT,
  snapshot     TEXT NOT NULL,       -- JSON: what the reviewer saw at start
  flags        TEXT NOT NULL,       -- JSON array of decision support flags
  certified_by TEXT,
  certify_date TEXT
);

CREATE INDEX review_line_item_task ON review_line_item (task_id, line_item_id);

CREATE INDEX review_line_item_entity ON review_line_item (entity_id);

CREATE TABLE review_line_item_detail (
  line_item_detail_id INTEGER PRIMARY KEY,
  line_item_id        INTEGER NOT NULL REFERENCES review_line_item (line_item_id),
  kind                TEXT NOT NULL CHECK (kind IN ('ENTITY_EMPLOYEE', 'WORK_GROUP_PERSON',
                                                    'CERTIFICATE')),
  source_id           TEXT NOT NULL,  -- the entity_employee, work_group_person or certificate id
  person_id           TEXT NOT NULL,  -- whom the assignment or certificate is about
  snapshot            TEXT NOT NULL,  -- JSON: the row as the reviewer saw it
  flags               TEXT NOT NULL,  -- JSON array
  last_decision       TEXT,           -- the final decision of the last campaign on this row
  decision            TEXT,           -- CERTIFY, CERTIFY_CONDITIONALLY, REVOKE, ABSTAIN; NULL open
  end_date            TEXT,           -- CERTIFY_CONDITIONALLY: the last day the row stays
  decided_by          TEXT,
  decided_at          TEXT,
  outcome             TEXT,           -- after sign-off: what the decision did (src/review/codes.cc)
  effect_on           TEXT            -- the day the effect took hold
);

CREATE INDEX review_line_item_detail_item ON review_line_item_detail (line_item_id);

CREATE INDEX review_line_item_detail_source ON review_line_item_detail (source_id);

CREATE TABLE review_request (
  task_id      TEXT NOT NULL REFERENCES review_task (task_id),
  request_id   TEXT NOT NULL,
  line_item_id INTEGER NOT NULL,
  action       TEXT NOT NULL,
  PRIMARY KEY (task_id, request_id)
) WITHOUT ROWID;

CREATE TABLE review_event (
  event_id            INTEGER PRIMARY KEY,
  cert_id             INTEGER NOT NULL,
  task_id             TEXT,
  line_item_id        INTEGER,
  line_item_detail_id INTEGER,
  action              INTEGER NOT NULL,  -- the event code (docs/review.md)
  cert_state          INTEGER NOT NULL,  -- the campaign's certState when it happened
  actor_id            TEXT NOT NULL,     -- a person_id, or 'system'
  recipient_id        TEXT,
  recipient_task_id   TEXT,
  from_state          TEXT,
  to_state            TEXT,
  comment             TEXT,
  data                TEXT,              -- JSON: decision, end date, the row before an effect
  event_timestamp     TEXT NOT NULL,
  prev_hash           TEXT NOT NULL,
  hash                TEXT NOT NULL
);

CREATE INDEX review_event_task ON review_event (task_id, event_id);

CREATE INDEX review_event_cert ON review_event (cert_id, event_id);

CREATE INDEX review_event_item ON review_event (line_item_id, event_id);

CREATE TRIGGER review_event_no_update BEFORE UPDATE ON review_event
BEGIN
  SELECT RAISE(ABORT, 'review history is append-only: an event cannot be changed');
END;

CREATE TRIGGER review_event_no_delete BEFORE DELETE ON review_event
BEGIN
  SELECT RAISE(ABORT, 'review history is append-only: an event cannot be removed');
END;

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

CREATE TRIGGER action_visibility AFTER UPDATE OF retired_on, active_from ON action
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE action_id = NEW.action_id;
END;

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

CREATE TRIGGER person_visibility AFTER UPDATE OF retired_on, active_from ON person
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.person_id;
END;

CREATE TRIGGER role_visibility AFTER UPDATE OF retired_on, active_from ON role
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_role_id;
END;

CREATE TRIGGER equipment_visibility AFTER UPDATE OF retired_on, active_from ON equipment
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_equipment_id;
END;

CREATE TRIGGER work_environment_visibility AFTER UPDATE OF retired_on, active_from ON work_environment
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_work_environment_id;
END;

CREATE TRIGGER substance_visibility AFTER UPDATE OF retired_on, active_from ON substance
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.office_substance_id;
END;

CREATE TRIGGER work_group_visibility AFTER UPDATE OF retired_on, active_from ON work_group
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.work_group_id;
END;

CREATE TRIGGER material_visibility AFTER UPDATE OF retired_on, active_from ON material
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id IN (SELECT material_item_id FROM material_item
                            WHERE material_id = NEW.material_id);
END;

CREATE TRIGGER material_item_visibility AFTER UPDATE OF retired_on, active_from ON material_item
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE subscriber_id = NEW.material_item_id;
END;

CREATE TRIGGER action_subscription_visibility AFTER UPDATE OF retired_on, active_from ON action_subscription
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h
           WHERE h.rid = action_subscription.rowid)
   WHERE rowid = NEW.rowid;
END;

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

CREATE TRIGGER action_update_touch
AFTER UPDATE OF validity, validity_unit, expire_interval ON action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id)
    SELECT s.action_id, s.subscriber_id FROM action_subscription s WHERE s.action_id = NEW.action_id;
END;

CREATE TRIGGER certificate_action_insert_touch AFTER INSERT ON certificate_action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (NEW.action_id, NEW.resource_id);
END;

CREATE TRIGGER certificate_action_update_touch AFTER UPDATE ON certificate_action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (OLD.action_id, OLD.resource_id);
  INSERT INTO schedule_touch (action_id, subscriber_id)
    SELECT NEW.action_id, NEW.resource_id
     WHERE NEW.action_id IS NOT OLD.action_id OR NEW.resource_id IS NOT OLD.resource_id;
END;

CREATE TRIGGER certificate_action_delete_touch AFTER DELETE ON certificate_action
BEGIN
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (OLD.action_id, OLD.resource_id);
END;

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

CREATE TRIGGER action_subscription_cover_follow
AFTER UPDATE OF subtenant_id, shown_from, hidden_from ON action_subscription
BEGIN
  UPDATE subscription_cover
     SET subtenant_id = NEW.subtenant_id, shown_from = NEW.shown_from,
         hidden_from = NEW.hidden_from
   WHERE action_subscription_id = NEW.action_subscription_id;
END;

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

CREATE INDEX subscription_cover_office_expire
  ON subscription_cover(subtenant_id, cover_expire, expiring_from, to_day, from_day, shown_from,
                        hidden_from);

CREATE TABLE derive_touch (
  action_id TEXT,
  person_id TEXT,
  cause     TEXT,
  n         INTEGER,
  from_day  TEXT,
  until_day TEXT
, created INTEGER);

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

CREATE TABLE outbox_policy (
  id              INTEGER PRIMARY KEY CHECK (id = 1),
  max_events      INTEGER CHECK (max_events IS NULL OR max_events >= 1),
  max_days        INTEGER CHECK (max_days IS NULL OR max_days >= 1),
  dropped         INTEGER NOT NULL DEFAULT 0,
  dropped_through INTEGER NOT NULL DEFAULT 0,
  updated_at      TEXT
);

CREATE TRIGGER action_subscription_insert AFTER INSERT ON action_subscription
WHEN NEW.origin = 'MANUAL'
BEGIN
  UPDATE action_subscription
     SET (shown_from, hidden_from) =
         (SELECT h.shown_from, h.hidden_from FROM action_subscription_in_force h WHERE h.rid = NEW.rowid)
   WHERE rowid = NEW.rowid AND NOT certo_bulk();
  INSERT INTO schedule_touch (action_id, subscriber_id) VALUES (NEW.action_id, NEW.subscriber_id);
END;

CREATE TABLE sync_state (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  role       TEXT NOT NULL CHECK (role IN ('hub', 'device')),
  node_id    TEXT NOT NULL,  -- this file's id: the origin its own changes are marked with
  hub_id     TEXT,           -- a device: the node_id of its hub
  project_id TEXT,           -- a device: the project it holds
  position   INTEGER NOT NULL DEFAULT 0,  -- a device: the last hub seq it has applied
  min_schema INTEGER NOT NULL,  -- the oldest schema version whose changesets this file applies
  created_at TEXT NOT NULL
, office_id TEXT);

CREATE TABLE sync_change (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  change_id TEXT NOT NULL UNIQUE,  -- a UUID; a hub entry of a pushed change keeps the device's
  origin    TEXT NOT NULL,         -- the node_id of the file whose write this was
  at        TEXT NOT NULL,         -- when that write happened, UTC YYYY-MM-DDTHH:MM:SSZ
  schema    INTEGER NOT NULL,      -- the writer's schema version
  changeset BLOB NOT NULL
);

CREATE TABLE sync_applied (
  change_id  TEXT PRIMARY KEY NOT NULL,
  origin     TEXT NOT NULL,
  applied_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sync_stamp (
  tbl    TEXT NOT NULL,
  pk     TEXT NOT NULL,
  col    TEXT NOT NULL,
  at     TEXT NOT NULL,
  origin TEXT NOT NULL,
  PRIMARY KEY (tbl, pk, col)
) WITHOUT ROWID;

CREATE TABLE sync_tombstone (
  tbl       TEXT NOT NULL,
  pk        TEXT NOT NULL,
  changeset BLOB NOT NULL,
  PRIMARY KEY (tbl, pk)
) WITHOUT ROWID;

CREATE TABLE sync_conflict (
  conflict_id INTEGER PRIMARY KEY AUTOINCREMENT,
  detected_at TEXT NOT NULL,
  change_id   TEXT NOT NULL,   -- the pushed change that met it
  kind        TEXT NOT NULL CHECK (kind IN ('FIELD', 'DELETED', 'UNIQUE', 'PARENT')),
  collection  TEXT NOT NULL,
  row_id      TEXT NOT NULL,
  field       TEXT,
  kept        TEXT,            -- JSON: the value the file holds now
  lost        TEXT,            -- JSON: the value that lost (a whole row for DELETED, UNIQUE)
  lost_origin TEXT NOT NULL,
  lost_at     TEXT NOT NULL,
  resolution  TEXT NOT NULL,
  restored_at TEXT             -- when the lost value was put back (Engine::RestoreSyncConflict)
);

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

CREATE TRIGGER demand_derive_insert AFTER INSERT ON demand
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT h.action_id, h.person_id,
           json_object('event', 'DEMAND::CREATE', 'entity_id', NEW.demand_id)
      FROM demand_holder h WHERE h.demand_id = NEW.demand_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

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

CREATE TRIGGER person_office_derive_delete AFTER DELETE ON person_office
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, OLD.person_id,
           json_object('event', 'PERSON_OFFICE::DELETE', 'entity_id', OLD.person_office_id)
      FROM demand d WHERE d.resource_id = OLD.office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

CREATE TRIGGER person_office_derive_insert AFTER INSERT ON person_office
BEGIN
  INSERT OR IGNORE INTO derive_touch (action_id, person_id, cause)
    SELECT d.action_id, NEW.person_id,
           json_object('event', 'PERSON_OFFICE::CREATE', 'entity_id', NEW.person_office_id)
      FROM demand d WHERE d.resource_id = NEW.office_id;
  INSERT INTO derive_close
    SELECT NULL WHERE NOT certo_bulk() AND EXISTS (SELECT 1 FROM derive_touch);
END;

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

CREATE TABLE sync_device (
  device_id  TEXT PRIMARY KEY NOT NULL,  -- its sync_state.node_id
  project_id TEXT NOT NULL,              -- the project it holds
  key_id     TEXT,                       -- the API key it syncs with; NULL: any of its project's
  created_at TEXT NOT NULL
, office_id TEXT) WITHOUT ROWID;

CREATE TRIGGER certificate_keeps_office
BEFORE UPDATE OF resource_id ON certificate
WHEN NEW.resource_id IS NOT OLD.resource_id
  AND (EXISTS (SELECT 1 FROM sync_device WHERE office_id IS NOT NULL)
       OR EXISTS (SELECT 1 FROM sync_state WHERE office_id IS NOT NULL))
  AND coalesce((SELECT office_id FROM role WHERE office_role_id = OLD.resource_id),
               (SELECT office_id FROM equipment WHERE office_equipment_id = OLD.resource_id),
               (SELECT office_id FROM work_environment
                 WHERE office_work_environment_id = OLD.resource_id),
               (SELECT office_id FROM substance WHERE office_substance_id = OLD.resource_id),
               (SELECT office_id FROM work_group WHERE work_group_id = OLD.resource_id),
               (SELECT office_id FROM office WHERE office_id = OLD.resource_id),
               (SELECT subtenant_id FROM material_item WHERE material_item_id = OLD.resource_id))
   IS NOT
      coalesce((SELECT office_id FROM role WHERE office_role_id = NEW.resource_id),
               (SELECT office_id FROM equipment WHERE office_equipment_id = NEW.resource_id),
               (SELECT office_id FROM work_environment
                 WHERE office_work_environment_id = NEW.resource_id),
               (SELECT office_id FROM substance WHERE office_substance_id = NEW.resource_id),
               (SELECT office_id FROM work_group WHERE work_group_id = NEW.resource_id),
               (SELECT office_id FROM office WHERE office_id = NEW.resource_id),
               (SELECT subtenant_id FROM material_item WHERE material_item_id = NEW.resource_id))
BEGIN
  SELECT RAISE(ABORT, 'certificate resource_id: this file has devices of one office, which keep a certificate with the office of its resource for life (docs/sync.md): delete the certificate and create it at the new resource instead');
END;

CREATE TABLE status_step (
  subtenant_id TEXT NOT NULL,
  status       TEXT NOT NULL,
  day          TEXT NOT NULL,  -- '' stands for before every day
  n            INTEGER NOT NULL,
  PRIMARY KEY (subtenant_id, status, day)
) WITHOUT ROWID;

CREATE INDEX action_subscription_office_cover_from
  ON action_subscription(subtenant_id, cover_from) WHERE cover_from IS NOT NULL;

CREATE INDEX action_subscription_office_shown_from
  ON action_subscription(subtenant_id, shown_from) WHERE shown_from IS NOT NULL;

CREATE INDEX action_subscription_office_hidden_from
  ON action_subscription(subtenant_id, hidden_from) WHERE hidden_from IS NOT NULL;

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
           WHERE s.action_id = NEW.action_id AND s.subscriber_id = NEW.subscriber_id)
     AND NOT EXISTS (
           SELECT 1 FROM schedule_touch t, json_each(t.timeline) j
            WHERE t.rowid = NEW.rowid AND j.value ->> 1 IS NOT NULL
              AND j.value ->> 0 = subscription_cover.from_day
              AND j.value ->> 1 = subscription_cover.to_day
              AND j.value ->> 2 IS subscription_cover.cover_release
              AND j.value ->> 3 IS subscription_cover.cover_expire
              AND j.value ->> 4 IS subscription_cover.expiring_from);
  INSERT INTO subscription_cover
    SELECT s.action_subscription_id, j.value ->> 0, j.value ->> 1, s.subtenant_id,
           j.value ->> 2, j.value ->> 3, j.value ->> 4, s.shown_from, s.hidden_from
      FROM schedule_touch t
      JOIN action_subscription s ON s.action_id = t.action_id AND s.subscriber_id = t.subscriber_id,
           json_each(t.timeline) j
     WHERE t.rowid = NEW.rowid AND j.value ->> 1 IS NOT NULL
       AND NOT EXISTS (
             SELECT 1 FROM subscription_cover g
              WHERE g.action_subscription_id = s.action_subscription_id
                AND g.from_day = j.value ->> 0);
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

CREATE TABLE status_month (
  subtenant_id TEXT NOT NULL,
  status       TEXT NOT NULL,
  month        TEXT NOT NULL,  -- YYYY-MM; '' stands for before every day
  n            INTEGER NOT NULL,
  PRIMARY KEY (subtenant_id, status, month)
) WITHOUT ROWID;

CREATE INDEX subscription_cover_expired
  ON subscription_cover(subtenant_id, to_day, from_day, cover_expire, shown_from, hidden_from)
  WHERE cover_expire < to_day;

CREATE TABLE status_month_dirty (
  subtenant_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER status_step_row_insert AFTER INSERT ON action_subscription
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT NEW.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

CREATE TRIGGER status_step_row_delete AFTER DELETE ON action_subscription
BEGIN
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1)) j
     WHERE true
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
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
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(
             OLD.first_from, OLD.cover_from, OLD.shown_from, OLD.hidden_from, OLD.cover_expire,
             OLD.expiring_from, -1,
             NEW.first_from, NEW.cover_from, NEW.shown_from, NEW.hidden_from, NEW.cover_expire,
             NEW.expiring_from, 1) END) j
     WHERE (OLD.subtenant_id = NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(OLD.first_from, OLD.cover_from, OLD.shown_from,
                                     OLD.hidden_from, OLD.cover_expire, OLD.expiring_from, -1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_row_steps(NEW.first_from, NEW.cover_from, NEW.shown_from,
                                     NEW.hidden_from, NEW.cover_expire, NEW.expiring_from, 1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id UNION SELECT NEW.subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
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
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT NEW.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
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
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1) END) j
     WHERE (true)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
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
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(
             OLD.from_day, OLD.to_day, OLD.shown_from, OLD.hidden_from, OLD.cover_expire,
             OLD.expiring_from, -1,
             NEW.from_day, NEW.to_day, NEW.shown_from, NEW.hidden_from, NEW.cover_expire,
             NEW.expiring_from, 1) END) j
     WHERE (OLD.subtenant_id = NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT OLD.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT OLD.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(OLD.from_day, OLD.to_day, OLD.shown_from,
                                         OLD.hidden_from, OLD.cover_expire, OLD.expiring_from,
                                         -1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_step (subtenant_id, status, day, n)
    SELECT NEW.subtenant_id, j.value ->> 1, j.value ->> 0, j.value ->> 2
      FROM json_each(certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1)) j
     WHERE OLD.subtenant_id <> NEW.subtenant_id
  ON CONFLICT (subtenant_id, status, day) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month (subtenant_id, status, month, n)
    SELECT NEW.subtenant_id, j.value ->> 1, substr(j.value ->> 0, 1, 7), sum(j.value ->> 2)
      FROM json_each(CASE WHEN certo_defer_months() THEN '[]' ELSE
                     certo_segment_steps(NEW.from_day, NEW.to_day, NEW.shown_from,
                                         NEW.hidden_from, NEW.cover_expire, NEW.expiring_from,
                                         1) END) j
     WHERE (OLD.subtenant_id <> NEW.subtenant_id)
     GROUP BY 2, 3 HAVING sum(j.value ->> 2) <> 0
  ON CONFLICT (subtenant_id, status, month) DO UPDATE SET n = n + excluded.n;
  INSERT INTO status_month_dirty SELECT k.subtenant_id FROM (SELECT OLD.subtenant_id AS subtenant_id UNION SELECT NEW.subtenant_id) k
   WHERE certo_defer_months() AND NOT EXISTS
     (SELECT 1 FROM status_month_dirty d WHERE d.subtenant_id = k.subtenant_id);
END;

INSERT INTO sqlite_sequence (name, seq) VALUES ('outbox', 0);

INSERT INTO outbox_policy (id, max_events, max_days, dropped, dropped_through, updated_at) VALUES (1, NULL, NULL, 0, 0, NULL);
