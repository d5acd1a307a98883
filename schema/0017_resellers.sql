-- Resellers (issue 23): accounts that sell hosting to their own customers
-- within an allocation the admin gives them (docs/resellers.md).
-- A reseller is a `users` row (role column 'user', as the CHECK of 0001
-- allows) with a row here; the store reads such an account as role
-- 'reseller'. The row holds the allocation: the most the packages of all
-- its customers may add up to (-1 unlimited).
CREATE TABLE resellers (
    username         TEXT PRIMARY KEY REFERENCES users (username) ON DELETE CASCADE,
    max_users        INTEGER NOT NULL DEFAULT 10,
    max_domains      INTEGER NOT NULL DEFAULT 10,
    max_databases    INTEGER NOT NULL DEFAULT 10,
    max_ftp_accounts INTEGER NOT NULL DEFAULT 10,
    max_cron_jobs    INTEGER NOT NULL DEFAULT 10,
    disk_quota_mb    INTEGER NOT NULL DEFAULT 10240,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);

-- Who made an account (users.creator, from 0001) is now looked up by it.
CREATE INDEX users_by_creator ON users (creator);

-- The reseller whose suspension suspended this account ('' otherwise), so
-- unsuspending the reseller reinstates only those.
ALTER TABLE users ADD COLUMN suspended_by TEXT NOT NULL DEFAULT '';

-- A package's owner: '' for the admin's, else the reseller that made it for
-- its customers.
ALTER TABLE packages ADD COLUMN owner TEXT NOT NULL DEFAULT '';
