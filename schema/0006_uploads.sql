-- Resumable (tus) uploads (issue 8). The partial data lives in the owner's
-- home (files.uploads_dir_name/<id>), so it counts in its disk use; the
-- offset is that file's size. A row says where the finished file goes and
-- when an unfinished one is dropped; rows go with their account.

CREATE TABLE file_uploads (
    id          TEXT PRIMARY KEY,  -- 32 hex (128 random bits)
    owner       TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    directory   TEXT NOT NULL,     -- target directory, relative to the home
    filename    TEXT NOT NULL,
    length      INTEGER NOT NULL,
    overwrite   INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);

CREATE INDEX file_uploads_owner ON file_uploads (owner);
CREATE INDEX file_uploads_expires ON file_uploads (expires_at);
