#include "store/account_repos.h"

#include "store/json_columns.h"

namespace wsp {
namespace {

constexpr const char* kUserColumns =
    "username, email, password_hash, role, status, creator, package, created_at, updated_at";

// Reading: a reseller is a 'user' row with a resellers row (migration 0017).
constexpr const char* kUserSelect =
    "SELECT username, email, password_hash, "
    "CASE WHEN EXISTS (SELECT 1 FROM resellers r WHERE r.username = users.username) "
    "THEN 'reseller' ELSE role END, "
    "status, creator, package, created_at, updated_at, suspended_by ";

// The role column's words: a reseller is stored as 'user' (0001's CHECK).
std::string_view stored_role(Role r) {
    return name_of(r == Role::reseller ? Role::user : r);
}

// The schema's CHECKs allow only known words; were one ever unknown, the
// account reads as the least it could be (a suspended user).
UserRecord read_user(const Stmt& s) {
    return {
        s.text(0),
        s.text(1),
        s.text(2),
        enum_from<Role>(kRoleNames, s.text(3)).value_or(Role::user),
        enum_from<AccountStatus>(kAccountStatusNames, s.text(4)).value_or(AccountStatus::suspended),
        s.text(5),
        s.text(6),
        s.integer(7),
        s.integer(8),
        s.text(9)};
}

constexpr const char* kPackageColumns =
    "name, max_domains, max_databases, max_ftp_accounts, max_cron_jobs, disk_quota_mb, "
    "created_at, updated_at, max_backups_kept, require_2fa, sftp, owner, max_database_users";

PackageRecord read_package(const Stmt& s) {
    PackageRecord p;
    p.name = s.text(0);
    p.max_domains = s.integer(1);
    p.max_databases = s.integer(2);
    p.max_ftp_accounts = s.integer(3);
    p.max_cron_jobs = s.integer(4);
    p.disk_quota_mb = s.integer(5);
    p.created_at = s.integer(6);
    p.updated_at = s.integer(7);
    p.max_backups_kept = s.integer(8);
    p.require_2fa = s.integer(9) != 0;
    p.sftp = s.integer(10) != 0;
    p.owner = s.text(11);
    p.max_database_users = s.integer(12);
    return p;
}

constexpr const char* kKeyColumns =
    "id, username, name, secret_hash, key_prefix, permissions, ip_whitelist, rate_limit, "
    "enabled, last_used, created_at, expires_at";

ApiKeyRecord read_key(const Stmt& s) {
    ApiKeyRecord k;
    k.id = s.text(0);
    k.username = s.text(1);
    k.name = s.text(2);
    k.secret_hash = s.text(3);
    k.key_prefix = s.text(4);
    k.permissions = from_json_array(s.text(5));
    k.ip_whitelist = from_json_array(s.text(6));
    if (!s.is_null(7)) k.rate_limit = s.integer(7);
    k.enabled = s.integer(8) != 0;
    k.last_used = s.integer(9);
    k.created_at = s.integer(10);
    k.expires_at = s.integer(11);
    return k;
}

std::string select(const char* columns, const char* rest) {
    return std::string("SELECT ") + columns + " " + rest;
}

}  // namespace

// --- users

std::optional<UserRecord> UserRepo::find(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, std::string(kUserSelect) + "FROM users WHERE username = ?");
    s.bind(1, username);
    if (!s.step()) return std::nullopt;
    return read_user(s);
}

std::vector<UserRecord> UserRepo::list(const ReadTx& tx) {
    Stmt s(tx, std::string(kUserSelect) + "FROM users ORDER BY username");
    std::vector<UserRecord> out;
    while (s.step()) out.push_back(read_user(s));
    return out;
}

std::vector<UserRecord> UserRepo::page(const ReadTx& tx, const PageSpec& page) {
    Stmt s(tx, std::string(kUserSelect) + "FROM users ORDER BY username LIMIT ? OFFSET ?");
    s.bind_all(page.limit(), page.offset());
    std::vector<UserRecord> out;
    while (s.step()) out.push_back(read_user(s));
    return out;
}

std::vector<UserRecord> UserRepo::page_of_reseller(const ReadTx& tx, const std::string& reseller,
                                                   const PageSpec& page) {
    Stmt s(tx, std::string(kUserSelect) +
                   "FROM users WHERE username = ?1 OR creator = ?1 "
                   "ORDER BY username <> ?1, username LIMIT ?2 OFFSET ?3");
    s.bind(1, reseller).bind(2, page.limit()).bind(3, page.offset());
    std::vector<UserRecord> out;
    while (s.step()) out.push_back(read_user(s));
    return out;
}

int64_t UserRepo::count_of_reseller(const ReadTx& tx, const std::string& reseller) {
    Stmt s(tx, "SELECT COUNT(*) FROM users WHERE username = ?1 OR creator = ?1");
    s.bind(1, reseller);
    s.step();
    return s.integer(0);
}

void UserRepo::insert(WriteTx& tx, const UserRecord& u) {
    Stmt s(tx, std::string("INSERT INTO users(") + kUserColumns +
                   ", suspended_by) VALUES(?,?,?,?,?,?,?,?,?,?)");
    s.bind_all(u.username, u.email, u.password_hash, stored_role(u.role), name_of(u.status),
               u.creator, u.package, u.created_at, u.updated_at, u.suspended_by)
        .run();
    // A reseller starts with the schema's default allocation.
    if (u.role == Role::reseller) {
        Stmt r(tx, "INSERT INTO resellers(username, created_at, updated_at) VALUES(?,?,?)");
        r.bind_all(u.username, u.created_at, u.updated_at).run();
    }
}

void UserRepo::update(WriteTx& tx, const UserRecord& u) {
    Stmt s(tx,
           "UPDATE users SET email=?, password_hash=?, role=?, status=?, package=?, updated_at=?, "
           "creator=?, suspended_by=? WHERE username=?");
    s.bind_all(u.email, u.password_hash, stored_role(u.role), name_of(u.status), u.package,
               u.updated_at, u.creator, u.suspended_by, u.username)
        .run();
}

std::vector<UserRecord> UserRepo::created_by(const ReadTx& tx, const std::string& creator) {
    Stmt s(tx, std::string(kUserSelect) + "FROM users WHERE creator = ? ORDER BY username");
    s.bind(1, creator);
    std::vector<UserRecord> out;
    while (s.step()) out.push_back(read_user(s));
    return out;
}

bool UserRepo::remove(WriteTx& tx, const std::string& username) {
    Stmt s(tx, "DELETE FROM users WHERE username = ?");
    s.bind(1, username);
    return s.run() > 0;
}

int64_t UserRepo::count(const ReadTx& tx) {
    Stmt s(tx, "SELECT COUNT(*) FROM users");
    s.step();
    return s.integer(0);
}

std::set<std::string> UserRepo::suspended_usernames(const ReadTx& tx) {
    Stmt s(tx, "SELECT username FROM users WHERE status = 'suspended'");
    std::set<std::string> out;
    while (s.step()) out.insert(s.text(0));
    return out;
}

// --- resellers

namespace {
constexpr const char* kResellerColumns =
    "username, max_users, max_domains, max_databases, max_ftp_accounts, max_cron_jobs, "
    "disk_quota_mb, created_at, updated_at";

ResellerRecord read_reseller(const Stmt& s) {
    return {s.text(0),    s.integer(1), s.integer(2), s.integer(3), s.integer(4),
            s.integer(5), s.integer(6), s.integer(7), s.integer(8)};
}
}  // namespace

std::optional<ResellerRecord> ResellerRepo::find(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, select(kResellerColumns, "FROM resellers WHERE username = ?"));
    s.bind(1, username);
    if (!s.step()) return std::nullopt;
    return read_reseller(s);
}

std::vector<ResellerRecord> ResellerRepo::list(const ReadTx& tx) {
    Stmt s(tx, select(kResellerColumns, "FROM resellers ORDER BY username"));
    std::vector<ResellerRecord> out;
    while (s.step()) out.push_back(read_reseller(s));
    return out;
}

void ResellerRepo::update(WriteTx& tx, const ResellerRecord& r) {
    Stmt s(tx,
           "UPDATE resellers SET max_users=?, max_domains=?, max_databases=?, "
           "max_ftp_accounts=?, max_cron_jobs=?, disk_quota_mb=?, updated_at=? WHERE username=?");
    s.bind_all(r.max_users, r.max_domains, r.max_databases, r.max_ftp_accounts, r.max_cron_jobs,
               r.disk_quota_mb, r.updated_at, r.username)
        .run();
}

// --- packages

std::optional<PackageRecord> PackageRepo::find(const ReadTx& tx, const std::string& name) {
    Stmt s(tx, select(kPackageColumns, "FROM packages WHERE name = ?"));
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return read_package(s);
}

std::vector<PackageRecord> PackageRepo::list(const ReadTx& tx) {
    Stmt s(tx, select(kPackageColumns, "FROM packages ORDER BY name"));
    std::vector<PackageRecord> out;
    while (s.step()) out.push_back(read_package(s));
    return out;
}

void PackageRepo::insert(WriteTx& tx, const PackageRecord& p) {
    Stmt s(tx, std::string("INSERT INTO packages(") + kPackageColumns +
                   ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind_all(p.name, p.max_domains, p.max_databases, p.max_ftp_accounts, p.max_cron_jobs,
               p.disk_quota_mb, p.created_at, p.updated_at, p.max_backups_kept,
               int64_t{p.require_2fa}, int64_t{p.sftp}, p.owner, p.max_database_users)
        .run();
}

void PackageRepo::update(WriteTx& tx, const PackageRecord& p) {
    Stmt s(tx,
           "UPDATE packages SET max_domains=?, max_databases=?, max_ftp_accounts=?, "
           "max_cron_jobs=?, disk_quota_mb=?, max_backups_kept=?, updated_at=?, require_2fa=?, "
           "sftp=?, max_database_users=? WHERE name=?");
    s.bind_all(p.max_domains, p.max_databases, p.max_ftp_accounts, p.max_cron_jobs, p.disk_quota_mb,
               p.max_backups_kept, p.updated_at, int64_t{p.require_2fa}, int64_t{p.sftp},
               p.max_database_users, p.name)
        .run();
}

bool PackageRepo::remove(WriteTx& tx, const std::string& name) {
    Stmt s(tx, "DELETE FROM packages WHERE name = ?");
    s.bind(1, name);
    return s.run() > 0;
}

void PackageRepo::release_owned(WriteTx& tx, const std::string& owner) {
    Stmt d(tx,
           "DELETE FROM packages WHERE owner = ? AND NOT EXISTS "
           "(SELECT 1 FROM users u WHERE u.package = packages.name)");
    d.bind(1, owner);
    d.run();
    Stmt u(tx, "UPDATE packages SET owner = '' WHERE owner = ?");
    u.bind(1, owner);
    u.run();
}

void PackageRepo::set_owner(WriteTx& tx, const std::string& name, const std::string& owner) {
    Stmt s(tx, "UPDATE packages SET owner = ? WHERE name = ?");
    s.bind_all(owner, name).run();
}

int64_t PackageRepo::users_on(const ReadTx& tx, const std::string& name) {
    Stmt s(tx, "SELECT COUNT(*) FROM users WHERE package = ?");
    s.bind(1, name);
    s.step();
    return s.integer(0);
}

// --- API keys

std::optional<ApiKeyRecord> ApiKeyRepo::find(const ReadTx& tx, const std::string& id) {
    Stmt s(tx, select(kKeyColumns, "FROM api_keys WHERE id = ?"));
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_key(s);
}

std::vector<ApiKeyRecord> ApiKeyRepo::list_for(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, select(kKeyColumns, "FROM api_keys WHERE username = ? ORDER BY created_at, id"));
    s.bind(1, username);
    std::vector<ApiKeyRecord> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
}

std::vector<ApiKeyRecord> ApiKeyRepo::list_all(const ReadTx& tx) {
    Stmt s(tx, select(kKeyColumns, "FROM api_keys"));
    std::vector<ApiKeyRecord> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
}

void ApiKeyRepo::insert(WriteTx& tx, const ApiKeyRecord& k) {
    Stmt s(tx, std::string("INSERT INTO api_keys(") + kKeyColumns +
                   ") VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind_all(k.id, k.username, k.name, k.secret_hash, k.key_prefix, to_json_array(k.permissions),
               to_json_array(k.ip_whitelist), k.rate_limit, int64_t{k.enabled}, k.last_used,
               k.created_at, k.expires_at)
        .run();
}

void ApiKeyRepo::set_enabled(WriteTx& tx, const std::string& id, bool enabled) {
    Stmt s(tx, "UPDATE api_keys SET enabled = ? WHERE id = ?");
    s.bind_all(int64_t{enabled}, id).run();
}

void ApiKeyRepo::set_last_used(WriteTx& tx, const std::string& id, int64_t when) {
    Stmt s(tx, "UPDATE api_keys SET last_used = ? WHERE id = ? AND last_used < ?");
    s.bind_all(when, id, when).run();
}

bool ApiKeyRepo::remove(WriteTx& tx, const std::string& id) {
    Stmt s(tx, "DELETE FROM api_keys WHERE id = ?");
    s.bind(1, id);
    return s.run() > 0;
}

int64_t ApiKeyRepo::remove_all_of(WriteTx& tx, const std::string& username) {
    Stmt s(tx, "DELETE FROM api_keys WHERE username = ?");
    s.bind(1, username);
    return s.run();
}

int64_t ApiKeyRepo::count_of(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, "SELECT COUNT(*) FROM api_keys WHERE username = ?");
    s.bind(1, username);
    s.step();
    return s.integer(0);
}

// --- sessions

std::vector<SessionRecord> SessionRepo::list_live(const ReadTx& tx, int64_t now) {
    Stmt s(tx,
           "SELECT token_hash, username, client_ip, created_at, expires_at, user_agent, "
           "reauth_at, impersonated_by FROM sessions WHERE expires_at > ?");
    s.bind(1, now);
    std::vector<SessionRecord> out;
    while (s.step())
        out.push_back({s.text(0), s.text(1), s.text(2), s.integer(3), s.integer(4), s.text(5),
                       s.integer(6), s.text(7)});
    return out;
}

void SessionRepo::insert(WriteTx& tx, const SessionRecord& r) {
    Stmt s(tx,
           "INSERT INTO sessions(token_hash, username, client_ip, created_at, expires_at, "
           "user_agent, reauth_at, impersonated_by) VALUES(?,?,?,?,?,?,?,?)");
    s.bind_all(r.token_hash, r.username, r.client_ip, r.created_at, r.expires_at, r.user_agent,
               r.reauth_at, r.impersonated_by)
        .run();
}

void SessionRepo::set_reauth_at(WriteTx& tx, const std::string& token_hash, int64_t when) {
    Stmt s(tx, "UPDATE sessions SET reauth_at = ? WHERE token_hash = ?");
    s.bind(1, when);
    s.bind(2, token_hash);
    s.run();
}

bool SessionRepo::remove(WriteTx& tx, const std::string& token_hash) {
    Stmt s(tx, "DELETE FROM sessions WHERE token_hash = ?");
    s.bind(1, token_hash);
    return s.run() > 0;
}

int64_t SessionRepo::remove_all_of(WriteTx& tx, const std::string& username) {
    Stmt s(tx, "DELETE FROM sessions WHERE username = ?");
    s.bind(1, username);
    return s.run();
}

int64_t SessionRepo::remove_all_of_except(WriteTx& tx, const std::string& username,
                                          const std::string& keep) {
    Stmt s(tx, "DELETE FROM sessions WHERE username = ? AND token_hash != ?");
    s.bind(1, username);
    s.bind(2, keep);
    return s.run();
}

int64_t SessionRepo::remove_expired(WriteTx& tx, int64_t now) {
    Stmt s(tx, "DELETE FROM sessions WHERE expires_at <= ?");
    s.bind(1, now);
    return s.run();
}

// --- domains

std::optional<DomainRecord> DomainRepo::find(const ReadTx& tx, const std::string& domain) {
    Stmt s(tx, "SELECT domain, owner, created_at FROM domains WHERE domain = ?");
    s.bind(1, domain);
    if (!s.step()) return std::nullopt;
    return DomainRecord{s.text(0), s.text(1), s.integer(2)};
}

std::vector<DomainRecord> DomainRepo::list(const ReadTx& tx,
                                           const std::optional<std::string>& owner,
                                           const PageSpec& page) {
    Stmt s(tx, owner ? "SELECT domain, owner, created_at FROM domains WHERE owner = ?1 "
                       "ORDER BY domain LIMIT ?2 OFFSET ?3"
                     : "SELECT domain, owner, created_at FROM domains ORDER BY domain "
                       "LIMIT ?2 OFFSET ?3");
    if (owner) s.bind(1, *owner);
    s.bind(2, page.limit()).bind(3, page.offset());
    std::vector<DomainRecord> out;
    while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2)});
    return out;
}

void DomainRepo::insert(WriteTx& tx, const DomainRecord& d) {
    Stmt s(tx, "INSERT INTO domains(domain, owner, created_at) VALUES(?,?,?)");
    s.bind_all(d.domain, d.owner, d.created_at).run();
}

bool DomainRepo::remove(WriteTx& tx, const std::string& domain) {
    Stmt s(tx, "DELETE FROM domains WHERE domain = ?");
    s.bind(1, domain);
    return s.run() > 0;
}

int64_t DomainRepo::count(const ReadTx& tx, const std::optional<std::string>& owner) {
    if (owner) return count_of(tx, *owner);
    Stmt s(tx, "SELECT COUNT(*) FROM domains");
    s.step();
    return s.integer(0);
}

int64_t DomainRepo::count_of(const ReadTx& tx, const std::string& owner) {
    Stmt s(tx, "SELECT COUNT(*) FROM domains WHERE owner = ?");
    s.bind(1, owner);
    s.step();
    return s.integer(0);
}

}  // namespace wsp
