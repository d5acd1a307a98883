-- SFTP for the FTP accounts (issue 20): per-account SFTP and password-login
-- switches, and the accounts' SSH public keys. The FTP service mirrors both
-- into DATA_DIR/ftp/accounts.db (ftp_users.sftp, ftp_keys in RFC 4716 form).
ALTER TABLE ftp_accounts ADD COLUMN sftp INTEGER NOT NULL DEFAULT 1;
ALTER TABLE ftp_accounts ADD COLUMN password_login INTEGER NOT NULL DEFAULT 1;

CREATE TABLE ftp_keys (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    username    TEXT NOT NULL REFERENCES ftp_accounts (username) ON DELETE CASCADE,
    type        TEXT NOT NULL,               -- ssh-ed25519, ecdsa-sha2-nistp256, ssh-rsa ...
    bits        INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,               -- SHA256:... as ssh-keygen -l prints it
    comment     TEXT NOT NULL DEFAULT '',
    public_key  TEXT NOT NULL,               -- OpenSSH one-line form, without the comment
    created_at  INTEGER NOT NULL,
    UNIQUE (username, fingerprint)
);
CREATE INDEX ftp_keys_by_user ON ftp_keys (username);
