#pragma once
// Rows of the panel's store, as plain structs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/roles.h"

namespace wsp {

struct UserRecord {
    std::string username;
    std::string email;
    std::string password_hash;
    Role role = Role::user;
    AccountStatus status = AccountStatus::active;
    std::string creator;
    std::string package;
    int64_t created_at = 0;
    int64_t updated_at = 0;
    // The reseller whose suspension suspended this account ("" otherwise).
    std::string suspended_by;
};

struct PackageRecord {
    std::string name;
    int64_t max_domains = -1;
    int64_t max_databases = -1;
    int64_t max_ftp_accounts = -1;
    int64_t max_cron_jobs = -1;
    int64_t disk_quota_mb = -1;
    // Customer backup schedules: -1 unlimited; 0 none allowed; N: the
    // schedule's keep_daily + keep_weekly + keep_monthly at most N.
    int64_t max_backups_kept = -1;
    int64_t created_at = 0;
    int64_t updated_at = 0;
    bool require_2fa = false;  // accounts must enrol in two-factor login
    bool sftp = true;          // its FTP accounts may use SFTP
    std::string owner;         // "" the admin's; else the reseller's own
    // Extra users on its databases, all databases together (-1 unlimited).
    int64_t max_database_users = -1;
};

// A reseller's allocation: the most its customers' packages may add up to
// (-1 unlimited), docs/resellers.md.
struct ResellerRecord {
    std::string username;
    int64_t max_users = 10;
    int64_t max_domains = 10;
    int64_t max_databases = 10;
    int64_t max_ftp_accounts = 10;
    int64_t max_cron_jobs = 10;
    int64_t disk_quota_mb = 10240;
    int64_t created_at = 0;
    int64_t updated_at = 0;
};

struct ApiKeyRecord {
    std::string id;
    std::string username;
    std::string name;
    std::string secret_hash;
    std::string key_prefix;
    std::vector<std::string> permissions;
    std::vector<std::string> ip_whitelist;
    std::optional<int64_t> rate_limit;  // nullopt: the global limit; 0: none
    bool enabled = true;
    int64_t last_used = 0;
    int64_t created_at = 0;
    int64_t expires_at = 0;  // 0: never
};

struct SessionRecord {
    std::string token_hash;
    std::string username;
    std::string client_ip;
    int64_t created_at = 0;
    int64_t expires_at = 0;
    std::string user_agent;
    int64_t reauth_at = 0;        // last password proof (login or reauth)
    std::string impersonated_by;  // login-as: the admin behind it
};

struct DomainRecord {
    std::string domain;
    std::string owner;
    int64_t created_at = 0;
};

}  // namespace wsp
