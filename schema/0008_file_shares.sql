-- Share links (issue 8): a public URL `/s/<token>` that downloads one file
-- or directory of an account without an API token. Only the token's sha256
-- is stored (the token is shown once, like an API key's secret). `dev` and
-- `ino` pin the exact file shared: if the path later names another file
-- (deleted, moved, replaced), the link stops working instead of serving it.
CREATE TABLE file_shares (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    owner         TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    token_hash    TEXT NOT NULL UNIQUE,
    path          TEXT NOT NULL,
    is_dir        INTEGER NOT NULL,
    dev           INTEGER NOT NULL,
    ino           INTEGER NOT NULL,
    password_hash TEXT,
    expires_at    INTEGER,
    max_downloads INTEGER,
    downloads     INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL
);
CREATE INDEX file_shares_owner ON file_shares (owner);
