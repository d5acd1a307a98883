-- File manager (issue 7): per-user settings and the recycle bin's index.
-- The trashed files themselves live in the home (files.trash_dir_name). A
-- row records the exact original path only where the seed's trash name
-- (`_bt_a_bt_b.txt_t_<ns>`) cannot give it back (a name containing "_bt_",
-- or a name shortened to 255 bytes); every other item's path is decoded
-- from its name.

CREATE TABLE file_settings (
    owner               TEXT PRIMARY KEY REFERENCES users (username) ON DELETE CASCADE,
    recycle_bin_enabled INTEGER NOT NULL DEFAULT 1,
    editor_font_size    INTEGER NOT NULL DEFAULT 14,
    editor_theme        TEXT NOT NULL DEFAULT 'vs-dark',
    updated_at          INTEGER NOT NULL
);

CREATE TABLE file_trash (
    owner         TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    trash_name    TEXT NOT NULL,
    original_path TEXT NOT NULL,
    deleted_at_ns INTEGER NOT NULL,
    PRIMARY KEY (owner, trash_name)
);
