-- Cron jobs (issue 6): the jobs and a bounded history of their runs.
-- Times are Unix seconds (last_run_at 0 = never); run times in milliseconds.

CREATE TABLE cron_jobs (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    owner             TEXT NOT NULL REFERENCES users (username) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    command           TEXT NOT NULL,
    cron_expr         TEXT NOT NULL,
    domain            TEXT NOT NULL DEFAULT '',
    enabled           INTEGER NOT NULL DEFAULT 1,
    timeout_sec       INTEGER NOT NULL DEFAULT 0,   -- 0: cron.default_timeout_s
    email_on_complete TEXT NOT NULL DEFAULT '',
    email_on_error    INTEGER NOT NULL DEFAULT 0,
    last_run_at       INTEGER NOT NULL DEFAULT 0,
    last_run_ok       INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX cron_jobs_by_owner ON cron_jobs (owner);

CREATE TABLE cron_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id      INTEGER NOT NULL REFERENCES cron_jobs (id) ON DELETE CASCADE,
    trigger     TEXT NOT NULL CHECK (trigger IN ('schedule', 'manual')),
    status      TEXT NOT NULL CHECK (status IN ('running', 'finished', 'skipped')),
    started_ms  INTEGER NOT NULL,
    finished_ms INTEGER NOT NULL DEFAULT 0,
    exit_code   INTEGER,
    timed_out   INTEGER NOT NULL DEFAULT 0,
    truncated   INTEGER NOT NULL DEFAULT 0,
    ok          INTEGER NOT NULL DEFAULT 0,
    output      TEXT NOT NULL DEFAULT ''
);
CREATE INDEX cron_runs_by_job ON cron_runs (job_id, id);
