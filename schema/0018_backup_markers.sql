-- Backups skip the dump of a database that has not changed since the last
-- run (issue 18): each database of a run keeps the change marker it was
-- dumped at (drivers/mariadb_change_marker.h); '' when none could be
-- trusted, which never matches.
ALTER TABLE backup_databases ADD COLUMN marker TEXT NOT NULL DEFAULT '';
