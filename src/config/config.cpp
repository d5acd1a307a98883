#include "config/config.h"

#include <toml++/toml.h>
#include <charconv>
#include <functional>
#include <span>
#include <variant>

namespace wsp {
namespace {

using StringRef = std::string& (*)(Config&);
using IntRef = int64_t& (*)(Config&);
using BoolRef = bool& (*)(Config&);
using ListRef = std::vector<std::string>& (*)(Config&);
using ServiceModeRef = ServiceMode& (*)(Config&);
using IdentityModeRef = IdentityMode& (*)(Config&);

struct Key {
    const char* name;
    std::variant<StringRef, IntRef, BoolRef, ListRef, ServiceModeRef, IdentityModeRef> field;
};

// The word table of each enum-valued key's type.
std::span<const EnumName<ServiceMode>> names_of(ServiceMode*) {
    return kServiceModeNames;
}
std::span<const EnumName<IdentityMode>> names_of(IdentityMode*) {
    return kIdentityModeNames;
}

// Sets an enum-valued key from its word; anything else names the choices.
template <class E>
Result<void> set_enum(E& field, const std::string& key, std::string_view word,
                      const std::string& where) {
    auto names = names_of(static_cast<E*>(nullptr));
    auto value = enum_from<E>(names, word);
    if (!value)
        return validation("config key '" + key + "' in " + where + " must be " +
                          enum_choices<E>(names));
    field = *value;
    return Ok{};
}

#define WSP_KEY(name, expr)                                       \
    Key {                                                         \
        name, +[](Config& c) -> decltype(auto) { return (expr); } \
    }

const Key kKeys[] = {
    WSP_KEY("server.listen", c.server.listen),
    WSP_KEY("server.tls", c.server.tls),
    WSP_KEY("server.tls_cert", c.server.tls_cert),
    WSP_KEY("server.tls_key", c.server.tls_key),
    WSP_KEY("server.hostnames", c.server.hostnames),
    WSP_KEY("server.threads", c.server.threads),
    WSP_KEY("server.workers", c.server.workers),
    WSP_KEY("server.max_header_bytes", c.server.max_header_bytes),
    WSP_KEY("server.max_body_bytes", c.server.max_body_bytes),
    WSP_KEY("server.header_timeout_s", c.server.header_timeout_s),
    WSP_KEY("server.body_timeout_s", c.server.body_timeout_s),
    WSP_KEY("server.idle_timeout_s", c.server.idle_timeout_s),
    WSP_KEY("server.max_connections", c.server.max_connections),
    WSP_KEY("server.max_connections_per_ip", c.server.max_connections_per_ip),
    WSP_KEY("server.max_blocking_per_account", c.server.max_blocking_per_account),
    WSP_KEY("server.max_unauthenticated_per_ip", c.server.max_unauthenticated_per_ip),
    WSP_KEY("server.access_log", c.server.access_log),
    WSP_KEY("auth.session_ttl_s", c.auth.session_ttl_s),
    WSP_KEY("auth.login_attempts_per_ip_per_minute", c.auth.login_attempts_per_ip_per_minute),
    WSP_KEY("auth.failures_before_slowdown", c.auth.failures_before_slowdown),
    WSP_KEY("auth.account_requests_per_minute", c.auth.account_requests_per_minute),
    WSP_KEY("auth.max_keys_per_account", c.auth.max_keys_per_account),
    WSP_KEY("auth.reauth_ttl_s", c.auth.reauth_ttl_s),
    WSP_KEY("auth.require_2fa", c.auth.require_2fa),
    WSP_KEY("auth.totp_issuer", c.auth.totp_issuer),
    WSP_KEY("audit.retention_days", c.audit.retention_days),
    WSP_KEY("rate_limit.requests_per_minute", c.rate_limit.requests_per_minute),
    WSP_KEY("rate_limit.session_requests_per_minute", c.rate_limit.session_requests_per_minute),
    WSP_KEY("paths.data_dir", c.paths.data_dir),
    WSP_KEY("sandbox.user", c.sandbox.user),
    WSP_KEY("sandbox.uid_base", c.sandbox.uid_base),
    WSP_KEY("sandbox.uid_count", c.sandbox.uid_count),
    WSP_KEY("log.level", c.log.level),

    // mariadb.* and pma.*
    WSP_KEY("mariadb.mode", c.mariadb.mode),
    WSP_KEY("mariadb.host", c.mariadb.host),
    WSP_KEY("mariadb.port", c.mariadb.port),
    WSP_KEY("mariadb.socket", c.mariadb.socket),
    WSP_KEY("mariadb.admin_credentials_file", c.mariadb.admin_credentials_file),
    WSP_KEY("mariadb.pool_size", c.mariadb.pool_size),
    WSP_KEY("mariadb.connect_timeout_s", c.mariadb.connect_timeout_s),
    WSP_KEY("mariadb.query_timeout_s", c.mariadb.query_timeout_s),
    WSP_KEY("mariadb.buffer_pool_mb", c.mariadb.buffer_pool_mb),
    WSP_KEY("mariadb.import_max_mb", c.mariadb.import_max_mb),
    WSP_KEY("pma.enabled", c.pma.enabled),
    WSP_KEY("pma.port", c.pma.port),
    WSP_KEY("pma.listen", c.pma.listen),
    WSP_KEY("pma.public_url", c.pma.public_url),
    WSP_KEY("pma.token_ttl_s", c.pma.token_ttl_s),
    WSP_KEY("pma.max_response_mb", c.pma.max_response_mb),

    // ftp.*
    WSP_KEY("ftp.mode", c.ftp.mode),
    WSP_KEY("ftp.enabled", c.ftp.enabled),
    WSP_KEY("ftp.proftpd", c.ftp.proftpd),
    WSP_KEY("ftp.modules", c.ftp.modules),
    WSP_KEY("ftp.address", c.ftp.address),
    WSP_KEY("ftp.port", c.ftp.port),
    WSP_KEY("ftp.passive_ports", c.ftp.passive_ports),
    WSP_KEY("ftp.max_sessions", c.ftp.max_sessions),
    WSP_KEY("ftp.tls", c.ftp.tls),
    WSP_KEY("ftp.require_tls", c.ftp.require_tls),
    WSP_KEY("ftp.tls_cert", c.ftp.tls_cert),
    WSP_KEY("ftp.tls_key", c.ftp.tls_key),
    WSP_KEY("ftp.sftp", c.ftp.sftp),
    WSP_KEY("ftp.sftp_address", c.ftp.sftp_address),
    WSP_KEY("ftp.sftp_port", c.ftp.sftp_port),
    WSP_KEY("ftp.system_config_path", c.ftp.system_config_path),
    WSP_KEY("ftp.reload_command", c.ftp.reload_command),

    // cron.* and mail.*
    WSP_KEY("cron.default_timeout_s", c.cron.default_timeout_s),
    WSP_KEY("cron.max_timeout_s", c.cron.max_timeout_s),
    WSP_KEY("cron.max_output_bytes", c.cron.max_output_bytes),
    WSP_KEY("cron.history_per_job", c.cron.history_per_job),
    WSP_KEY("cron.max_parallel_runs", c.cron.max_parallel_runs),
    WSP_KEY("cron.max_command_bytes", c.cron.max_command_bytes),
    WSP_KEY("cron.timezone", c.cron.timezone),
    WSP_KEY("cron.run_now_per_job_per_minute", c.cron.run_now_per_job_per_minute),
    WSP_KEY("cron.mail_per_account_per_hour", c.cron.mail_per_account_per_hour),
    WSP_KEY("mail.smtp_url", c.mail.smtp_url),
    WSP_KEY("mail.from", c.mail.from),
    WSP_KEY("mail.timeout_s", c.mail.timeout_s),

    // files.*
    WSP_KEY("files.max_edit_kb", c.files.max_edit_kb),
    WSP_KEY("files.max_upload_mb", c.files.max_upload_mb),
    WSP_KEY("files.trash_days", c.files.trash_days),
    WSP_KEY("files.history_versions", c.files.history_versions),
    WSP_KEY("files.trash_dir_name", c.files.trash_dir_name),
    WSP_KEY("files.history_dir_name", c.files.history_dir_name),
    WSP_KEY("files.max_extract_mb", c.files.max_extract_mb),
    WSP_KEY("files.max_extract_entries", c.files.max_extract_entries),
    WSP_KEY("files.max_extract_ratio", c.files.max_extract_ratio),
    WSP_KEY("files.disk_usage_max_age_s", c.files.disk_usage_max_age_s),
    WSP_KEY("files.search_seconds", c.files.search_seconds),
    WSP_KEY("files.task_workers", c.files.task_workers),
    WSP_KEY("files.auto_async_mb", c.files.auto_async_mb),
    WSP_KEY("files.task_max_per_account", c.files.task_max_per_account),
    WSP_KEY("files.task_keep_minutes", c.files.task_keep_minutes),
    WSP_KEY("files.task_keep_max", c.files.task_keep_max),
    WSP_KEY("files.uploads_dir_name", c.files.uploads_dir_name),
    WSP_KEY("files.upload_expire_hours", c.files.upload_expire_hours),
    WSP_KEY("shares.default_expires_s", c.shares.default_expires_s),
    WSP_KEY("shares.max_expires_s", c.shares.max_expires_s),
    WSP_KEY("shares.password_attempts_per_minute", c.shares.password_attempts_per_minute),
    WSP_KEY("shares.base_url", c.shares.base_url),
    WSP_KEY("backups.repository", c.backups.repository),
    WSP_KEY("backups.password_file", c.backups.password_file),
    WSP_KEY("backups.sftp_command", c.backups.sftp_command),
    WSP_KEY("backups.sftp_key_file", c.backups.sftp_key_file),
    WSP_KEY("backups.sftp_known_hosts_file", c.backups.sftp_known_hosts_file),
    WSP_KEY("backups.s3_access_key_id", c.backups.s3_access_key_id),
    WSP_KEY("backups.s3_secret_file", c.backups.s3_secret_file),
    WSP_KEY("backups.s3_region", c.backups.s3_region),
    WSP_KEY("backups.restic", c.backups.restic),
    WSP_KEY("backups.task_workers", c.backups.task_workers),
    WSP_KEY("backups.schedule_hour", c.backups.schedule_hour),
    WSP_KEY("backups.keep_daily", c.backups.keep_daily),
    WSP_KEY("backups.keep_weekly", c.backups.keep_weekly),
    WSP_KEY("backups.keep_monthly", c.backups.keep_monthly),
    WSP_KEY("webhooks.allow_private", c.webhooks.allow_private),
    WSP_KEY("webhooks.retry_base_ms", c.webhooks.retry_base_ms),
    WSP_KEY("webhooks.timeout_s", c.webhooks.timeout_s),
    WSP_KEY("metrics.listen", c.metrics.listen),
    WSP_KEY("sso.public_url", c.sso.public_url),

    // web.*
    WSP_KEY("web.dir", c.web.dir),
    // identity.* (system mode)
    WSP_KEY("identity.mode", c.identity.mode),
    WSP_KEY("identity.home_root", c.identity.home_root),
    WSP_KEY("identity.shell", c.identity.shell),
    WSP_KEY("identity.job_max_processes", c.identity.job_max_processes),
    WSP_KEY("identity.job_max_open_files", c.identity.job_max_open_files),
    WSP_KEY("identity.job_max_file_mb", c.identity.job_max_file_mb),
    WSP_KEY("identity.job_max_memory_mb", c.identity.job_max_memory_mb),
    WSP_KEY("identity.job_max_cpu_s", c.identity.job_max_cpu_s),
    WSP_KEY("identity.quotas", c.identity.quotas),
};
#undef WSP_KEY

const Key* find_key(std::string_view name) {
    for (const Key& k : kKeys)
        if (name == k.name) return &k;
    return nullptr;
}

Error bad_type(const std::string& key, const std::string& where, const char* want) {
    return validation("config key '" + key + "' in " + where + " must be " + want);
}

// Sets one key from a TOML node.
Result<void> set_from_node(Config& c, const Key& key, const toml::node& node,
                           const std::string& where) {
    const std::string name = key.name;
    return std::visit(
        [&](auto ref) -> Result<void> {
            using R = decltype(ref);
            if constexpr (std::is_same_v<R, StringRef>) {
                auto v = node.value<std::string>();
                if (!v || !node.is_string()) return bad_type(name, where, "a string");
                ref(c) = *v;
            } else if constexpr (std::is_same_v<R, IntRef>) {
                if (!node.is_integer()) return bad_type(name, where, "an integer");
                ref(c) = *node.value<int64_t>();
            } else if constexpr (std::is_same_v<R, BoolRef>) {
                if (!node.is_boolean()) return bad_type(name, where, "true or false");
                ref(c) = *node.value<bool>();
            } else if constexpr (std::is_same_v<R, ServiceModeRef> ||
                                 std::is_same_v<R, IdentityModeRef>) {
                if (!node.is_string()) return bad_type(name, where, "a string");
                return set_enum(ref(c), name, *node.value<std::string>(), where);
            } else {
                const toml::array* arr = node.as_array();
                if (!arr) return bad_type(name, where, "an array of strings");
                std::vector<std::string> out;
                for (const toml::node& e : *arr) {
                    if (!e.is_string()) return bad_type(name, where, "an array of strings");
                    out.push_back(*e.value<std::string>());
                }
                ref(c) = std::move(out);
            }
            return Ok{};
        },
        key.field);
}

}  // namespace

std::string default_web_dir() {
#ifdef WSP_WEB_DIR
    return WSP_WEB_DIR;
#else
    return "web/dist";
#endif
}

Result<Config> load_config(const std::string& path) {
    Config config;
    toml::table root;
    try {
        root = toml::parse_file(path);
    } catch (const toml::parse_error& e) {
        return validation("cannot read config " + path + ": " + std::string(e.description()));
    }
    for (auto&& [section_name, section] : root) {
        const toml::table* table = section.as_table();
        std::string section_str(section_name.str());
        if (!table)
            return validation("config key '" + section_str + "' in " + path + " is unknown");
        for (auto&& [key_name, node] : *table) {
            std::string full = section_str + "." + std::string(key_name.str());
            const Key* key = find_key(full);
            if (!key) return validation("config key '" + full + "' in " + path + " is unknown");
            CHECK_OK(set_from_node(config, *key, node, path));
        }
    }
    return config;
}

Result<void> apply_override(Config& config, const std::string& assignment) {
    auto eq = assignment.find('=');
    if (eq == std::string::npos)
        return validation("-c expects section.key=value, got '" + assignment + "'");
    std::string name = assignment.substr(0, eq);
    std::string value = assignment.substr(eq + 1);
    const Key* key = find_key(name);
    if (!key) return validation("config key '" + name + "' (from -c) is unknown");
    // Strings are taken as written; other types are parsed as TOML values.
    if (std::holds_alternative<StringRef>(key->field)) {
        std::get<StringRef>(key->field)(config) = value;
        return Ok{};
    }
    if (auto* mode = std::get_if<ServiceModeRef>(&key->field))
        return set_enum((*mode)(config), name, value, "-c");
    if (auto* mode = std::get_if<IdentityModeRef>(&key->field))
        return set_enum((*mode)(config), name, value, "-c");
    toml::table parsed;
    try {
        parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
        return validation("config key '" + name + "' (from -c) has an unreadable value");
    }
    return set_from_node(config, *key, *parsed.get("v"), "-c");
}

std::vector<std::string> config_keys() {
    std::vector<std::string> out;
    for (const Key& k : kKeys) out.emplace_back(k.name);
    return out;
}

}  // namespace wsp
