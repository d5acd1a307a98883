-- Customers' MariaDB databases (issue 4). One row per database; its user is
-- created with it and dropped with it. No password is ever stored here: the
-- server keeps the only (hashed) copy.
CREATE TABLE databases (
    name          TEXT PRIMARY KEY,              -- full name, "<owner>_<name>"; the API's id
    db_user       TEXT NOT NULL UNIQUE,          -- full user name, "<owner>_<user>"
    owner         TEXT NOT NULL REFERENCES users (username),
    domain        TEXT NOT NULL DEFAULT '',
    remote_access INTEGER NOT NULL DEFAULT 0,
    remote_host   TEXT NOT NULL DEFAULT '',      -- as the API was given it ("10.0.0.0/24")
    created_at    INTEGER NOT NULL
);

CREATE INDEX databases_owner ON databases (owner);
