-- Backups (issue 18): one row per run of an account's backup. The data are
-- restic snapshots (docs/backups.md): one of the home plus the account's
-- panel records, and one per database dump, all tagged run:<id>. A run is
-- listed once it is done; a failed run keeps its row (status, error) and
-- its snapshots are forgotten. No foreign key to users: a backup outlives
-- the account (it can be restored under another name).
CREATE TABLE backups (
    id             TEXT PRIMARY KEY,
    owner          TEXT NOT NULL,
    status         TEXT NOT NULL,          -- running | done | failed
    trigger        TEXT NOT NULL,          -- manual | schedule
    home           TEXT NOT NULL,          -- absolute home path backed up
    started_at     INTEGER NOT NULL,
    finished_at    INTEGER NOT NULL DEFAULT 0,
    size_bytes     INTEGER NOT NULL DEFAULT 0,
    added_bytes    INTEGER NOT NULL DEFAULT 0,
    paths_count    INTEGER NOT NULL DEFAULT 0,
    files_snapshot TEXT NOT NULL DEFAULT '',
    error          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX backups_owner ON backups (owner, started_at);

CREATE TABLE backup_databases (
    backup_id  TEXT NOT NULL REFERENCES backups (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    snapshot   TEXT NOT NULL,
    size_bytes INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (backup_id, name)
);

-- Scheduled backups: owner '*' is the admin's "every account" schedule.
CREATE TABLE backup_schedules (
    owner        TEXT PRIMARY KEY,
    enabled      INTEGER NOT NULL,
    keep_daily   INTEGER NOT NULL,
    keep_weekly  INTEGER NOT NULL,
    keep_monthly INTEGER NOT NULL,
    last_run     INTEGER NOT NULL DEFAULT 0
);
