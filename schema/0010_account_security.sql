-- Account security (issue 19): two-factor login, richer sessions, the
-- audit log. Times are Unix seconds.

-- What the sessions list shows and what re-authentication and login-as
-- need. reauth_at: the last password proof (login or POST /auth/reauth).
ALTER TABLE sessions ADD COLUMN user_agent TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN reauth_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN impersonated_by TEXT NOT NULL DEFAULT '';

-- TOTP (RFC 6238). The secret is sealed with DATA_DIR/secrets.key
-- (libsodium secretbox), so the store file alone does not give it away.
-- pending_secret: set by /auth/2fa/setup until /auth/2fa/enable confirms it.
-- last_step: the last time step accepted, so no code is used twice.
CREATE TABLE totp (
    username       TEXT PRIMARY KEY REFERENCES users (username) ON DELETE CASCADE,
    secret         TEXT NOT NULL DEFAULT '',
    pending_secret TEXT NOT NULL DEFAULT '',
    enabled        INTEGER NOT NULL DEFAULT 0,
    last_step      INTEGER NOT NULL DEFAULT 0,
    updated_at     INTEGER NOT NULL
);

-- Single-use recovery codes, as sha256 of the normalised code (80 random
-- bits each). used_at: 0 until used.
CREATE TABLE recovery_codes (
    username  TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    code_hash TEXT NOT NULL,
    used_at   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (username, code_hash)
);

-- Append-only: every mutating request and every security event. No
-- secret is ever written here (credential is a session id or key id).
-- account: whose record it is (a customer sees its own account's).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    acting_as   TEXT NOT NULL,
    account     TEXT NOT NULL,
    credential  TEXT NOT NULL,
    client_ip   TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    result      TEXT NOT NULL,
    status      INTEGER NOT NULL,
    request_id  TEXT NOT NULL
);
CREATE INDEX audit_by_at ON audit_log (at);
CREATE INDEX audit_by_account ON audit_log (account, at);

CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
