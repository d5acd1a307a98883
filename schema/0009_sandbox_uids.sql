-- Tenant isolation (issue 14): in sandbox mode, when the panel runs as
-- root, each account runs as its own uid (and a gid of the same number)
-- taken from sandbox.uid_base .. uid_base + uid_count - 1. A uid is handed
-- out once and never again: when its account is deleted the row stays with
-- account = NULL, so files the account left anywhere (a job's /tmp files)
-- never become another account's, not even one later made with the same
-- name. No /etc/passwd entries are made.
CREATE TABLE sandbox_uids (
    uid        INTEGER PRIMARY KEY,
    account    TEXT UNIQUE,  -- NULL once retired
    created_at INTEGER NOT NULL,
    retired_at INTEGER
);
