#pragma once
// The panel's settings. Every key has a default, so the panel runs with no
// config file; docs/config.md documents each one (a unit test keeps the two
// in step).
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace wsp {

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

struct WebConfig {  // issue 9
    // The built web interface (web/dist); served at every non-API path.
    // Missing directory: those paths are 404, as without the interface.
    std::string dir = default_web_dir();
};

// Each area's settings; the issue that builds the area adds its keys here
// and in kKeys (config.cpp) and docs/config.md.
struct MariadbConfig {  // issue 4
};

struct PmaConfig {  // issue 4
};

struct FtpConfig {  // issue 5
    bool enabled = true;                    // run the panel's own ProFTPD when serving
    std::string proftpd = "/usr/sbin/proftpd";
    std::string modules = "/usr/lib/proftpd";
    std::string address = "127.0.0.1";     // IPv4 address it listens on
    int64_t port = 2121;
    std::string passive_ports = "30000-30050";
    int64_t max_sessions = 50;
    bool tls = true;           // offer explicit FTPS (AUTH TLS) when mod_tls is installed
    bool require_tls = false;  // refuse logins and transfers without TLS
    std::string tls_cert;      // empty: the panel's certificate (server.tls_cert or DATA_DIR/tls)
    std::string tls_key;
};

struct CronConfig {  // issue 6
};

struct MailConfig {  // issue 6
};

struct FilesConfig {  // issue 7
};

struct Config {
    ServerConfig server;
    AuthConfig auth;
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
