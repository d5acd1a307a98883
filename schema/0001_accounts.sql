-- Accounts, packages, API keys, sessions and domains: the foundation.
-- Times are Unix seconds; 0 means "never" where the API says so.

CREATE TABLE packages (
    name             TEXT PRIMARY KEY,
    max_domains      INTEGER NOT NULL DEFAULT -1,
    max_databases    INTEGER NOT NULL DEFAULT -1,
    max_ftp_accounts INTEGER NOT NULL DEFAULT -1,
    max_cron_jobs    INTEGER NOT NULL DEFAULT -1,
    disk_quota_mb    INTEGER NOT NULL DEFAULT -1,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

INSERT INTO packages (name, created_at, updated_at)
VALUES ('default', CAST(strftime('%s', 'now') AS INTEGER), CAST(strftime('%s', 'now') AS INTEGER));

CREATE TABLE users (
    username      TEXT PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'user')),
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    creator       TEXT NOT NULL DEFAULT '',
    package       TEXT NOT NULL DEFAULT 'default' REFERENCES packages (name),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY,
    username     TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    key_prefix   TEXT NOT NULL,
    permissions  TEXT NOT NULL,          -- JSON array of scopes
    ip_whitelist TEXT NOT NULL,          -- JSON array of IPs / CIDRs
    rate_limit   INTEGER,                -- NULL: the global limit; 0: unlimited
    enabled      INTEGER NOT NULL DEFAULT 1,
    last_used    INTEGER NOT NULL DEFAULT 0,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_by_user ON api_keys (username);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    username   TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    client_ip  TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (username);

CREATE TABLE domains (
    domain     TEXT PRIMARY KEY,
    owner      TEXT NOT NULL REFERENCES users (username),
    created_at INTEGER NOT NULL
);
CREATE INDEX domains_by_owner ON domains (owner);
