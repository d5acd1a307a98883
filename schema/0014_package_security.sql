-- Package-level account security (issues 19 and 20) and coalesced refusals
-- in the audit log.
-- require_2fa: accounts of the package must enrol in two-factor login
-- before anything else (as auth.require_2fa does panel-wide).
-- sftp: the package's FTP accounts may log in over SFTP (each account's own
-- `sftp` switch applies as well; both must be on).
ALTER TABLE packages ADD COLUMN require_2fa INTEGER NOT NULL DEFAULT 0;
ALTER TABLE packages ADD COLUMN sftp INTEGER NOT NULL DEFAULT 1;

-- 401 and 429 refusals are recorded once per client address and minute;
-- the later ones of that minute are counted in a second record whose
-- `repeats` says how many (0 for every other record).
ALTER TABLE audit_log ADD COLUMN repeats INTEGER NOT NULL DEFAULT 0;
