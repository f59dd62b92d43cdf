-- Schema 17: devices of one office (issue 16, docs/sync.md, "Devices of one office"). A device
-- may hold one office of its project instead of the whole project: the office is kept in the
-- device's sync_state and in the hub's sync_device row, so that the hub's hello, push and pull
-- apply the device's scope. NULL in both: the whole project, as before.
--
-- What a device of an office holds is decided by a rule that must not change over a row's life
-- (the device replays its hub's history exactly, so a row cannot enter its scope half-way). Every
-- office a row is bound to is fixed at its creation (offices and references are immutable),
-- except a certificate's, which follows its resource, and a certificate's resource may change.
-- A file with devices of one office (a hub that made one, or such a device) therefore refuses
-- moving a certificate to a resource of another office (or between a person and an office's
-- resource): the certificate is deleted and made again at its new resource instead.
ALTER TABLE sync_state ADD COLUMN office_id TEXT;   -- a device of one office: that office
ALTER TABLE sync_device ADD COLUMN office_id TEXT;  -- the office the device holds, if only one

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
