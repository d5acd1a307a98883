-- FTP accounts (issue 5). The panel's own record of each account; the FTP
-- service mirrors it into DATA_DIR/ftp/accounts.db, which ProFTPD reads.
CREATE TABLE ftp_accounts (
    username      TEXT PRIMARY KEY,            -- <owner>_<name>
    owner         TEXT NOT NULL REFERENCES users (username),
    password_hash TEXT NOT NULL,               -- crypt(3) yescrypt
    home_rel      TEXT NOT NULL DEFAULT '',    -- beneath the owner's home; '' = the home
    domain        TEXT NOT NULL DEFAULT '',
    quota_mb      INTEGER NOT NULL DEFAULT 0,  -- 0 = unlimited
    read_only     INTEGER NOT NULL DEFAULT 0,
    enabled       INTEGER NOT NULL DEFAULT 1,
    allowed_ips   TEXT NOT NULL DEFAULT '[]',  -- JSON array of IPs / CIDRs; empty = any
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX ftp_accounts_by_owner ON ftp_accounts (owner);

-- Domains with anonymous read-only FTP turned on.
CREATE TABLE ftp_anonymous (
    domain     TEXT PRIMARY KEY,
    owner      TEXT NOT NULL REFERENCES users (username),
    updated_at INTEGER NOT NULL
);
