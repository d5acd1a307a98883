-- Databases beyond one user (issue 21): extra MariaDB users on a database,
-- each with a privilege set. The database's first user stays in
-- `databases.db_user`; these are the others. No password is stored: the
-- server keeps the only (hashed) copy.
CREATE TABLE database_users (
    db_user     TEXT PRIMARY KEY,                -- full user name, "<owner>_<user>"
    db_name     TEXT NOT NULL REFERENCES databases (name) ON DELETE CASCADE,
    owner       TEXT NOT NULL REFERENCES users (username),
    privileges  TEXT NOT NULL,                   -- "read", "read_write", "all" or "SELECT,INSERT,..."
    remote_host TEXT NOT NULL DEFAULT '',        -- as the API was given it; '' = local only
    created_at  INTEGER NOT NULL
);

CREATE INDEX database_users_db ON database_users (db_name);
CREATE INDEX database_users_owner ON database_users (owner);

-- Extra users an account may have across all its databases (-1: unlimited;
-- first users, made with each database, are not counted).
ALTER TABLE packages ADD COLUMN max_database_users INTEGER NOT NULL DEFAULT -1;

-- Database hosts (issue 21): where databases live besides the panel's own
-- MariaDB (the host "local", never stored). The admin password is not
-- here: it is in DATA_DIR/database-hosts/<name>.cnf (0600).
CREATE TABLE database_hosts (
    name          TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('mariadb', 'galera')),
    host          TEXT NOT NULL,
    port          INTEGER NOT NULL,
    nodes         TEXT NOT NULL DEFAULT '[]',    -- galera: JSON array of "host:port"
    admin_user    TEXT NOT NULL,
    client_host   TEXT NOT NULL DEFAULT '%',     -- host part of customers' accounts there
    tls           INTEGER NOT NULL DEFAULT 0,
    max_databases INTEGER NOT NULL DEFAULT -1,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL
);

-- The host each database lives on ('local': the panel's own MariaDB).
ALTER TABLE databases ADD COLUMN host TEXT NOT NULL DEFAULT 'local';

-- Placement: the database host a package's new databases go to when
-- POST /databases names none (a package not listed here: 'local').
CREATE TABLE database_host_packages (
    package TEXT PRIMARY KEY REFERENCES packages (name) ON DELETE CASCADE,
    host    TEXT NOT NULL REFERENCES database_hosts (name) ON DELETE CASCADE
);
