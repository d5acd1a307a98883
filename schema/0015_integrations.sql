-- Integrations (issue 22, docs/integrations.md): Idempotency-Key replays,
-- webhooks and their queued deliveries, single sign-on nonces.

-- The first answer to a mutating request sent with an Idempotency-Key,
-- per account and key, kept 24 hours. state 'pending' while the first
-- request runs (a retry then gets 409); pending rows are dropped at start
-- (no request survives a restart).
CREATE TABLE idempotency_keys (
    account      TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,          -- sha256 hex of method, path and body
    state        TEXT NOT NULL,          -- pending | done
    status       INTEGER NOT NULL DEFAULT 0,
    content_type TEXT NOT NULL DEFAULT '',
    body         TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (account, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

-- A webhook: where to POST which events of its owner (an admin's hooks
-- also hear every account's events and login.failed). The secret signs
-- the deliveries (HMAC-SHA256), so it is kept as is, like a password
-- the panel itself must present.
CREATE TABLE webhooks (
    id            TEXT PRIMARY KEY,      -- 32 hex
    owner         TEXT NOT NULL,
    url           TEXT NOT NULL,
    events        TEXT NOT NULL,         -- JSON array of patterns
    secret        TEXT NOT NULL,         -- 64 hex
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    INTEGER NOT NULL,
    last_fired_at INTEGER NOT NULL DEFAULT 0,
    failure_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_owner ON webhooks (owner);

-- One event for one webhook: queued until delivered or given up, so
-- deliveries survive a restart.
CREATE TABLE webhook_deliveries (
    id            TEXT PRIMARY KEY,      -- X-WisPanel-Delivery
    webhook_id    TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event         TEXT NOT NULL,
    payload       TEXT NOT NULL,         -- the exact body POSTed
    status        TEXT NOT NULL,         -- pending | delivered | failed
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_at_ms    INTEGER NOT NULL,      -- when the next attempt is due
    response_code INTEGER NOT NULL DEFAULT 0,
    duration_ms   INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_at_ms);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at);

-- Single sign-on: a nonce minted by a billing system's key (stored as its
-- sha256), consumed once by a browser; the consumption leaves a one-time
-- exchange code (also hashed) that the web interface trades for a session.
CREATE TABLE sso_nonces (
    nonce_hash    TEXT PRIMARY KEY,
    username      TEXT NOT NULL,
    target_path   TEXT NOT NULL,
    reason        TEXT NOT NULL DEFAULT '',
    minted_by     TEXT NOT NULL,
    expires_at    INTEGER NOT NULL,
    consumed_at   INTEGER NOT NULL DEFAULT 0,
    exchange_hash TEXT NOT NULL DEFAULT '',
    exchanged_at  INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX sso_nonces_exchange ON sso_nonces (exchange_hash);
