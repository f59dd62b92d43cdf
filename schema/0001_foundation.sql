-- certo schema 1: the organisation and resource records of the compliance domain.
-- Column names are the JSON API's field names (4hse v2). Ids are UUID text.
-- Dates are ISO 'YYYY-MM-DD' text; JSON fields are JSON text; booleans are 0/1 integers.
-- `retired_on` (historicizable tables): the date from which the row is history; NULL = active.
-- Read-only joined fields (office_name, project_name, ...) are computed at read time, never stored.

CREATE TABLE project (
  project_id   TEXT PRIMARY KEY NOT NULL,
  name         TEXT NOT NULL,
  description  TEXT,
  country      TEXT,
  status       TEXT NOT NULL DEFAULT 'active',
  project_type TEXT NOT NULL DEFAULT 'safety',
  data         TEXT
);

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
);
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
);
CREATE UNIQUE INDEX person_project_code ON person(project_id, code) WHERE code IS NOT NULL;
CREATE INDEX person_project_tax_code ON person(project_id, tax_code);

CREATE TABLE person_office (
  person_office_id TEXT PRIMARY KEY NOT NULL,
  project_id       TEXT NOT NULL REFERENCES project(project_id),
  office_id        TEXT NOT NULL REFERENCES office(office_id),
  person_id        TEXT NOT NULL REFERENCES person(person_id),
  retired_on       TEXT
);
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
);
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
);
CREATE INDEX equipment_office ON equipment(office_id);

CREATE TABLE work_environment (
  office_work_environment_id TEXT PRIMARY KEY NOT NULL,
  project_id                 TEXT NOT NULL REFERENCES project(project_id),
  office_id                  TEXT NOT NULL REFERENCES office(office_id),
  code                       TEXT,
  name                       TEXT NOT NULL,
  description                TEXT,
  retired_on                 TEXT
);
CREATE INDEX work_environment_office ON work_environment(office_id);

CREATE TABLE substance (
  office_substance_id TEXT PRIMARY KEY NOT NULL,
  project_id          TEXT NOT NULL REFERENCES project(project_id),
  office_id           TEXT NOT NULL REFERENCES office(office_id),
  code                TEXT,
  name                TEXT NOT NULL,
  description         TEXT,
  retired_on          TEXT
);
CREATE INDEX substance_office ON substance(office_id);

-- entity_id points at a role, equipment, work environment or substance, chosen by `type`;
-- the engine checks it (no SQL foreign key can).
CREATE TABLE entity_employee (
  entity_employee_id TEXT PRIMARY KEY NOT NULL,
  project_id         TEXT NOT NULL REFERENCES project(project_id),
  office_id          TEXT NOT NULL REFERENCES office(office_id),
  person_office_id   TEXT NOT NULL REFERENCES person_office(person_office_id),
  type               TEXT NOT NULL,
  entity_id          TEXT NOT NULL,
  retired_on         TEXT
);
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
);
CREATE INDEX work_group_office ON work_group(office_id);

CREATE TABLE work_group_person (
  work_group_person_id TEXT PRIMARY KEY NOT NULL,
  project_id           TEXT NOT NULL REFERENCES project(project_id),
  office_id            TEXT NOT NULL REFERENCES office(office_id),
  work_group_id        TEXT NOT NULL REFERENCES work_group(work_group_id),
  person_office_id     TEXT NOT NULL REFERENCES person_office(person_office_id),
  time_spent_measure   TEXT,
  retired_on           TEXT
);
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
);
CREATE INDEX action_office ON action(subtenant_id);

-- resource_id points at a person, role, equipment, work environment, substance, work group or
-- office of the same project; the engine checks it.
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
);
CREATE INDEX certificate_resource ON certificate(resource_id);

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
);
CREATE INDEX incident_office ON incident(subtenant_id);

CREATE TABLE incident_action (
  office_incident_action_id TEXT PRIMARY KEY NOT NULL,
  tenant_id                 TEXT NOT NULL REFERENCES project(project_id),
  subtenant_id              TEXT NOT NULL REFERENCES office(office_id),
  office_incident_id        TEXT NOT NULL REFERENCES incident(office_incident_id),
  entity_id                 TEXT NOT NULL REFERENCES action(action_id),
  entity_type               TEXT NOT NULL DEFAULT 'ACTION',
  description               TEXT
);
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
);
CREATE UNIQUE INDEX incident_person_pair ON incident_person(office_incident_id, person_office_id);
CREATE INDEX incident_person_person_office ON incident_person(person_office_id);
