-- certo schema 6: when each record was written. created_at and updated_at are set by the engine
-- on every write through it (UTC, ISO 8601 'YYYY-MM-DDTHH:MM:SSZ') and are read-only to clients;
-- rows written before this schema have NULL for both (when they were written is not known).
-- Trigger-maintained columns (covers, hidden_from) do not move updated_at: it dates a client's write.

ALTER TABLE project              ADD COLUMN created_at TEXT;
ALTER TABLE project              ADD COLUMN updated_at TEXT;
ALTER TABLE office               ADD COLUMN created_at TEXT;
ALTER TABLE office               ADD COLUMN updated_at TEXT;
ALTER TABLE person               ADD COLUMN created_at TEXT;
ALTER TABLE person               ADD COLUMN updated_at TEXT;
ALTER TABLE person_office        ADD COLUMN created_at TEXT;
ALTER TABLE person_office        ADD COLUMN updated_at TEXT;
ALTER TABLE role                 ADD COLUMN created_at TEXT;
ALTER TABLE role                 ADD COLUMN updated_at TEXT;
ALTER TABLE equipment            ADD COLUMN created_at TEXT;
ALTER TABLE equipment            ADD COLUMN updated_at TEXT;
ALTER TABLE work_environment     ADD COLUMN created_at TEXT;
ALTER TABLE work_environment     ADD COLUMN updated_at TEXT;
ALTER TABLE substance            ADD COLUMN created_at TEXT;
ALTER TABLE substance            ADD COLUMN updated_at TEXT;
ALTER TABLE entity_employee      ADD COLUMN created_at TEXT;
ALTER TABLE entity_employee      ADD COLUMN updated_at TEXT;
ALTER TABLE work_group           ADD COLUMN created_at TEXT;
ALTER TABLE work_group           ADD COLUMN updated_at TEXT;
ALTER TABLE work_group_person    ADD COLUMN created_at TEXT;
ALTER TABLE work_group_person    ADD COLUMN updated_at TEXT;
ALTER TABLE action               ADD COLUMN created_at TEXT;
ALTER TABLE action               ADD COLUMN updated_at TEXT;
ALTER TABLE certificate          ADD COLUMN created_at TEXT;
ALTER TABLE certificate          ADD COLUMN updated_at TEXT;
ALTER TABLE incident             ADD COLUMN created_at TEXT;
ALTER TABLE incident             ADD COLUMN updated_at TEXT;
ALTER TABLE incident_action      ADD COLUMN created_at TEXT;
ALTER TABLE incident_action      ADD COLUMN updated_at TEXT;
ALTER TABLE incident_person      ADD COLUMN created_at TEXT;
ALTER TABLE incident_person      ADD COLUMN updated_at TEXT;
ALTER TABLE action_subscription  ADD COLUMN created_at TEXT;
ALTER TABLE action_subscription  ADD COLUMN updated_at TEXT;
ALTER TABLE certificate_action   ADD COLUMN created_at TEXT;
ALTER TABLE certificate_action   ADD COLUMN updated_at TEXT;
