#pragma once
// The panel's settings. Every key has a default, so the panel runs with no
// config file; docs/config.md documents each one (a unit test keeps the two
// in step).
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace wsp {

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
    bool access_log = true;
};

struct AuthConfig {
    int64_t session_ttl_s = 86400;
    int64_t login_attempts_per_ip_per_minute = 20;
    int64_t failures_before_slowdown = 3;
};

struct RateLimitConfig {
    int64_t requests_per_minute = 60;
};

struct PathsConfig {
    std::string data_dir = "./var";
};

struct SandboxConfig {
    // OS user that owns every account's home when the panel runs as root;
    // when not root the panel's own user is used.
    std::string user = "wispanel";
};

struct LogConfig {
    std::string level = "info";
};

// Each area's settings; the issue that builds the area adds its keys here
// and in kKeys (config.cpp) and docs/config.md.
struct MariadbConfig {  // issue 4
};

struct PmaConfig {  // issue 4
};

struct FtpConfig {  // issue 5
};

struct CronConfig {  // issue 6
};

struct MailConfig {  // issue 6
};

struct FilesConfig {                // issue 7
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
    int64_t max_extract_ratio = 200;  // uncompressed / archive size
    int64_t search_seconds = 10;      // time budget of one /files/search
};

struct Config {
    ServerConfig server;
    AuthConfig auth;
    RateLimitConfig rate_limit;
    PathsConfig paths;
    SandboxConfig sandbox;
    LogConfig log;
    MariadbConfig mariadb;
    PmaConfig pma;
    FtpConfig ftp;
    CronConfig cron;
    MailConfig mail;
    FilesConfig files;
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
