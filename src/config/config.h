#pragma once
// The panel's settings. Every key has a default, so the panel runs with no
// config file; docs/config.md documents each one (a unit test keeps the two
// in step).
#include <cstdint>
#include <string>
#include <vector>

#include "base/enum_names.h"
#include "base/result.h"

namespace wsp {

// Who runs a managed server: the panel its own private one, the machine's
// system one, or nobody (its routes answer 503).
enum class ServiceMode { sandbox, system, off };
inline constexpr EnumName<ServiceMode> kServiceModeNames[] = {
    {ServiceMode::sandbox, "sandbox"}, {ServiceMode::system, "system"}, {ServiceMode::off, "off"}};

// Whose accounts: one shared OS user with per-account uids, or real Linux
// users (docs/system-mode.md).
enum class IdentityMode { sandbox, system };
inline constexpr EnumName<IdentityMode> kIdentityModeNames[] = {{IdentityMode::sandbox, "sandbox"},
                                                                {IdentityMode::system, "system"}};

// <source>/web/dist, compiled in by CMake (WSP_WEB_DIR).
std::string default_web_dir();

struct ServerConfig {
    std::string listen = "127.0.0.1:2083";
    bool tls = true;
    std::string tls_cert;  // empty: self-signed in DATA_DIR/tls
    std::string tls_key;
    std::vector<std::string> hostnames = {"localhost", "127.0.0.1"};
    int64_t threads = 2;  // event-loop threads
    int64_t workers = 4;  // threads for blocking work
    int64_t max_header_bytes = 16 * 1024;
    int64_t max_body_bytes = 1024 * 1024;
    int64_t header_timeout_s = 10;
    int64_t body_timeout_s = 60;
    int64_t idle_timeout_s = 60;
    int64_t max_connections = 1024;
    // Starvation caps (docs/security.md). Open connections per client
    // address; blocking (worker) requests in flight per account and per
    // unauthenticated address, 0 meaning workers - 1 (at least 1), so one
    // customer never holds every worker.
    int64_t max_connections_per_ip = 256;
    int64_t max_blocking_per_account = 0;
    int64_t max_unauthenticated_per_ip = 0;
    bool access_log = true;
};

struct AuthConfig {
    int64_t session_ttl_s = 86400;
    int64_t login_attempts_per_ip_per_minute = 20;
    int64_t failures_before_slowdown = 3;
    // All of one account's keys and sessions together (each token also has
    // rate_limit.requests_per_minute); 0 = no ceiling.
    int64_t account_requests_per_minute = 600;
    // API keys one account may hold (403 beyond); 0 = no cap.
    int64_t max_keys_per_account = 50;
    // A session's password proof (login or POST /auth/reauth) is fresh this
    // long for sensitive operations (docs/account-security.md).
    int64_t reauth_ttl_s = 300;
    // Who must use two-factor login: "none", "admins" or "all".
    std::string require_2fa = "none";
    // The issuer shown by authenticator apps.
    std::string totp_issuer = "WisPanel";
};

struct AuditConfig {
    // Records older than this are pruned; 0 keeps them forever.
    int64_t retention_days = 365;
};

struct RateLimitConfig {
    // Per API key (the contract's limit; a key's own rate_limit overrides).
    int64_t requests_per_minute = 60;
    // Per interactive session (login token): the web interface polls and
    // uploads, so it gets its own, higher budget. 0 = no per-session limit.
    int64_t session_requests_per_minute = 600;
};

struct PathsConfig {
    std::string data_dir = "./var";
};

struct SandboxConfig {
    // OS user that runs what belongs to no account (anonymous FTP's own
    // identity) when the panel runs as root; it owned every home in the old
    // shared-user layout (adopted at start). When not root the panel's own
    // user is used for everything.
    std::string user = "wispanel";
    // As root, each account gets its own uid (= gid) from this range, handed
    // out once and never reused (schema/0009_sandbox_uids.sql).
    int64_t uid_base = 2000000;
    int64_t uid_count = 100000;
};

struct LogConfig {
    std::string level = "info";
};

struct WebConfig {
    // The built web interface (web/dist); served at every non-API path.
    // Missing directory: those paths are 404, as without the interface.
    std::string dir = default_web_dir();
};

// Each area's settings; the issue that builds the area adds its keys here
// and in kKeys (config.cpp) and docs/config.md.
struct MariadbConfig {
    // sandbox: the panel runs its own mariadbd; system: it uses the
    // server named below; off: no MariaDB (database routes answer 503).
    ServiceMode mode = ServiceMode::sandbox;
    std::string host = "127.0.0.1";      // TCP address remote users connect to
    int64_t port = 3307;                 // sandbox: TCP port on 127.0.0.1; 0: no TCP
    std::string socket;                  // empty: sandbox DATA_DIR/run/mariadb/mysqld.sock
    std::string admin_credentials_file;  // system mode: [client] user/password file
    int64_t pool_size = 4;               // admin connections kept open
    int64_t connect_timeout_s = 5;
    int64_t query_timeout_s = 30;  // read/write timeout of admin calls
    int64_t buffer_pool_mb = 32;   // sandbox innodb_buffer_pool_size
    int64_t import_max_mb = 1024;  // largest upload POST /databases/{id}/import takes
};

struct PmaConfig {
    bool enabled = true;
    int64_t port = 8080;  // php -S on 127.0.0.1 (only the panel's proxy may use it)
    // phpMyAdmin's own origin: "host:port" of its HTTPS listener; empty: the
    // panel's listen host with the panel's port + 1 (port 0 stays 0).
    std::string listen;
    std::string public_url;  // base of the sign-on URL; empty: phpMyAdmin's listener URL
    int64_t token_ttl_s = 60;
    int64_t max_response_mb = 64;  // largest phpMyAdmin answer the /pma/ proxy passes on
};

struct FtpConfig {
    // sandbox: the panel runs its own ProFTPD; system: it writes a config
    // snippet for the system's ProFTPD and reloads it; off: no server (the
    // accounts file is still kept). ftp.enabled = false means off too.
    ServiceMode mode = ServiceMode::sandbox;
    bool enabled = true;
    std::string proftpd = "/usr/sbin/proftpd";
    std::string modules = "/usr/lib/proftpd";
    std::string address = "127.0.0.1";  // IPv4 address it listens on (system: probed)
    int64_t port = 0;                   // 0: 2121 in sandbox mode, 21 in system mode
    std::string system_config_path = "/etc/proftpd/conf.d/wispanel.conf";
    std::vector<std::string> reload_command = {"systemctl", "reload", "proftpd"};
    std::string passive_ports = "30000-30050";
    int64_t max_sessions = 50;
    bool tls = true;          // offer explicit FTPS (AUTH TLS) when mod_tls is installed
    bool require_tls = true;  // refuse account logins and transfers without TLS
    std::string tls_cert;     // empty: the panel's certificate (server.tls_cert or DATA_DIR/tls)
    std::string tls_key;
    // SFTP (mod_sftp) for the same accounts, in the same ProFTPD process, on
    // its own port; never the system's sshd (22 only when the admin sets it).
    bool sftp = true;
    std::string sftp_address;  // empty: ftp.address
    int64_t sftp_port = 2222;
};

struct CronConfig {
    // A job's timeout when it sets none, and the largest timeout_sec allowed.
    int64_t default_timeout_s = 3600;
    int64_t max_timeout_s = 86400;
    // Output kept per run (the tail), and runs kept per job (oldest dropped).
    int64_t max_output_bytes = 65536;
    int64_t history_per_job = 50;
    // Runs at the same time; more wait their turn.
    int64_t max_parallel_runs = 32;
    int64_t max_command_bytes = 4096;
    // Abuse bounds (0 = none): "run now" per job per minute (429 beyond),
    // report mails per account per hour (dropped beyond, logged).
    int64_t run_now_per_job_per_minute = 6;
    int64_t mail_per_account_per_hour = 60;
    // e.g. "Europe/Berlin"; empty: the system's zone.
    std::string timezone;
};

struct MailConfig {
    // e.g. "smtp://127.0.0.1:25"; empty: no mail is sent.
    std::string smtp_url;
    std::string from = "wispanel@localhost";
    // Per mail, connecting included.
    int64_t timeout_s = 20;
};

struct FilesConfig {
    int64_t max_edit_kb = 5120;     // largest file /files/read and /files/write handle
    int64_t max_upload_mb = 500;    // reported by /files/upload-limits
    int64_t trash_days = 30;        // recycle-bin items older than this are purged; 0 = keep
    int64_t history_versions = 10;  // previous versions kept per file; 0 = no history
    // The panel's own directories at the top of each home (hidden from /files/list
    // and refused as request paths).
    std::string trash_dir_name = ".wispanel-trash";
    std::string history_dir_name = ".wispanel-history";
    // Bounds of one /files/extract.
    int64_t max_extract_mb = 10240;
    int64_t max_extract_entries = 100000;
    // Uncompressed / archive size. Real trees never come near it (repetitive
    // text reaches ~1000 in zip/gz, a few thousand in xz); bombs are
    // stopped by the absolute limits above, this only catches the extreme.
    int64_t max_extract_ratio = 20000;
    // A home's disk figure (dashboards, usage) is walked again once older.
    int64_t disk_usage_max_age_s = 600;
    int64_t search_seconds = 10;  // time budget of one /files/search
    // Asynchronous file tasks (async:true; services/file_tasks.h).
    int64_t task_workers = 2;          // threads running tasks
    int64_t task_max_per_account = 2;  // queued + running per account (429 beyond)
    int64_t task_keep_minutes = 60;    // finished tasks are forgotten after this
    int64_t task_keep_max = 1000;      // finished tasks kept at most (oldest dropped)
    // A synchronous compress/extract/copy/move whose input is larger than
    // this runs as a task (202 + Location) instead of holding a worker; 0: never.
    int64_t auto_async_mb = 64;
    // Uploads: where tus keeps partial data (top of each home,
    // hidden like the bin), and how long an unfinished upload is kept.
    std::string uploads_dir_name = ".wispanel-uploads";
    int64_t upload_expire_hours = 24;
};

struct SharesConfig {                           // share links (docs/files.md)
    int64_t default_expires_s = 7 * 86400;      // when POST /files/share names none
    int64_t max_expires_s = 365 * 86400;        // longest expires_in accepted
    int64_t password_attempts_per_minute = 10;  // per link, then 429
    std::string base_url;  // "https://panel.example.com:2083"; "" = from the request's Host
};

struct IdentityConfig {  // docs/system-mode.md
    // sandbox: every account shares sandbox.user, homes in DATA_DIR/home;
    // system: each account is a real Linux user (useradd), homes in home_root.
    IdentityMode mode = IdentityMode::sandbox;
    std::string home_root = "/home";
    std::string shell = "/usr/sbin/nologin";
    // Cron jobs' resource limits (setrlimit in the job before exec); 0: inherited.
    int64_t job_max_processes = 0;   // RLIMIT_NPROC (per Linux user)
    int64_t job_max_open_files = 0;  // RLIMIT_NOFILE
    int64_t job_max_file_mb = 0;     // RLIMIT_FSIZE
    int64_t job_max_memory_mb = 0;   // RLIMIT_AS
    int64_t job_max_cpu_s = 0;       // RLIMIT_CPU
    // Disk quotas (system mode): package disk_quota_mb set with setquota -u
    // when the homes' file system has user quotas on.
    bool quotas = true;
};

struct BackupsConfig {  // docs/backups.md
    // restic repository: "" = DATA_DIR/backups/repo (local); else any
    // restic URL ("sftp:host:path", "s3:..." with the S3 back end).
    std::string repository;
    std::string password_file;  // "" = DATA_DIR/backups/repository-password (made 0600)
    std::string sftp_command;   // restic -o sftp.command=... (overrides the two below)
    // SFTP repository ("sftp:user@host:/path" or "sftp://user@host:port//path"):
    // the panel's ssh runs with this private key and these known hosts only
    // (StrictHostKeyChecking yes, BatchMode yes: no password, no prompt).
    std::string sftp_key_file;
    std::string sftp_known_hosts_file;
    // S3 repository ("s3:https://endpoint/bucket"): the access key id and a
    // root-only (0600/0400) file holding the secret access key, handed to
    // restic in its environment only.
    std::string s3_access_key_id;
    std::string s3_secret_file;
    std::string s3_region;  // AWS_DEFAULT_REGION ("" = restic's default)
    std::string restic = "/usr/bin/restic";
    int64_t task_workers = 1;   // backups, restores and imports running at once
    int64_t schedule_hour = 2;  // UTC hour of the nightly scheduled run
    // Retention defaults (restic forget --prune after a scheduled run).
    int64_t keep_daily = 7;
    int64_t keep_weekly = 4;
    int64_t keep_monthly = 6;
};

struct WebhooksConfig {  // docs/integrations.md
    // Deliveries to loopback, private, link-local (and other non-public)
    // addresses: refused unless the admin allows them (SSRF).
    bool allow_private = false;
    // The retry delays are 1x, 5x and 25x this (1 s, 5 s, 25 s).
    int64_t retry_base_ms = 1000;
    int64_t timeout_s = 10;  // one delivery attempt, connect included
};

struct MetricsConfig {  // docs/integrations.md
    // "127.0.0.1:9187": a second, plain-HTTP listener answering only
    // GET /metrics without auth (loopback addresses only). "": none.
    std::string listen;
};

struct SsoConfig {  // docs/integrations.md
    // The host in consume_url ("https://<host>/sso/consume/<nonce>"); "":
    // server.hostnames[0], else the address the panel listens on.
    std::string public_url;
};

struct Config {
    ServerConfig server;
    AuthConfig auth;
    AuditConfig audit;
    RateLimitConfig rate_limit;
    PathsConfig paths;
    SandboxConfig sandbox;
    LogConfig log;
    WebConfig web;
    MariadbConfig mariadb;
    PmaConfig pma;
    FtpConfig ftp;
    CronConfig cron;
    MailConfig mail;
    FilesConfig files;
    IdentityConfig identity;
    SharesConfig shares;
    BackupsConfig backups;
    WebhooksConfig webhooks;
    MetricsConfig metrics;
    SsoConfig sso;
};

// Reads a TOML file over the defaults. An unknown key or a value of the
// wrong type is an error naming the key and the file.
Result<Config> load_config(const std::string& path);

// Applies "section.key=value" (the -c option); the value is parsed as the
// key's type.
Result<void> apply_override(Config& config, const std::string& assignment);

// Every key as "section.key", in documentation order.
std::vector<std::string> config_keys();

}  // namespace wsp
