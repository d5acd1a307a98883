-- Database creates in one round trip (issue 24): the names check moved
-- into the statement that makes the database, after the intent is written,
-- so an intent may name a database that was already there. A create's
-- intent now carries a marker the database gets as its COMMENT, and only a
-- database with it is dropped when an interrupted create is undone ('' for
-- deletes and for intents written before this version, whose names were
-- checked first).
--
-- WITHOUT ROWID: the rows are looked up by name only, so one b-tree
-- instead of the table plus its primary-key index: each intent written or
-- removed changes one page of the store, not two (four transactions per
-- database create+drop touch this table).
CREATE TABLE database_intents_new (
    name       TEXT PRIMARY KEY,    -- full database name
    db_user    TEXT NOT NULL,       -- full user name
    owner      TEXT NOT NULL,
    host       TEXT NOT NULL,       -- as databases.host
    op         TEXT NOT NULL CHECK (op IN ('create', 'delete')),
    created_at INTEGER NOT NULL,
    marker     TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO database_intents_new (name, db_user, owner, host, op, created_at)
    SELECT name, db_user, owner, host, op, created_at FROM database_intents;
DROP TABLE database_intents;
ALTER TABLE database_intents_new RENAME TO database_intents;
