-- Schema 13: two indexes that pay for nothing (issue 17, "a smaller file"; measured in
-- bench/README.md). Every index of a fresh file was compared with the others of its table: these
-- two are the only ones whose columns are a leading part of another index's, so every lookup
-- they serve is served as well by the longer one, and each write paid for a second B-tree.
-- - certificate_resource (resource_id): certificate_resource_id (resource_id, certificate_id)
--   begins with the same column; 3% of a generated file (8 MB of 266 MB at 100k subscriptions).
-- - work_group_person_group (work_group_id, person_office_id): the same columns as the unique
--   work_group_person_pair.
-- IF EXISTS: schema 10 is not released yet, and a rewrite of it may drop its index itself.

DROP INDEX IF EXISTS certificate_resource;
DROP INDEX IF EXISTS work_group_person_group;
