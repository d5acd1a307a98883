-- Backups, second part (issue 18): a package limit on customer backup
-- schedules. -1: unlimited; 0: customers of the package may not schedule
-- backups; N: a customer schedule keeps at most N snapshots per group
-- (keep_daily + keep_weekly + keep_monthly <= N). Admin schedules are not
-- limited (docs/backups.md).
ALTER TABLE packages ADD COLUMN max_backups_kept INTEGER NOT NULL DEFAULT -1;
