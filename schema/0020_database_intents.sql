-- A database create or delete in progress (issue 16, kill -9 loops). The
-- row is written before the first MariaDB statement and removed in the same
-- transaction that inserts or removes the record, so a panel killed in
-- between leaves it behind; the start-up reconcile then finishes the job:
-- a create with no record is undone (its database and user dropped), a
-- delete is completed. Nothing else ever reads it.
CREATE TABLE database_intents (
    name       TEXT PRIMARY KEY,    -- full database name
    db_user    TEXT NOT NULL,       -- full user name
    owner      TEXT NOT NULL,
    host       TEXT NOT NULL,       -- as databases.host
    op         TEXT NOT NULL CHECK (op IN ('create', 'delete')),
    created_at INTEGER NOT NULL
);
