#include "services/ftp_service.h"
#include "services/events.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <map>

#include "base/clock.h"
#include "base/ip_rules.h"
#include "base/names.h"
#include "drivers/proftpd_crypt.h"
#include "drivers/ssh_keys.h"
#include "services/domain_service.h"
#include "services/limits.h"
#include "store/account_repos.h"
#include "store/ftp_repo.h"
#include "system/confined.h"

namespace wsp {
namespace {

constexpr size_t kMaxNameLength = 32;
constexpr size_t kMaxHomeLength = 1024;
constexpr int64_t kMaxQuotaMb = 1024LL * 1024 * 1024;  // 1 PB: anything above is a typo
constexpr int64_t kMaxKeysPerAccount = 20;

// The anonymous directory of a domain, relative to its owner's home.
std::string anonymous_rel(const std::string& domain) {
    return "web/" + domain + "/pub";
}

Result<std::string> validate_ftp_name(const std::string& name) {
    if (name.size() < 2) return validation("Username must be at least 2 characters");
    if (name.size() > kMaxNameLength)
        return validation("Username must be at most " + std::to_string(kMaxNameLength) +
                          " characters");
    for (char c : name) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '.' || c == '-';
        if (!ok) return validation("Username may only contain letters, digits, '_', '.' and '-'");
    }
    return name;
}

Result<std::vector<std::string>> validate_ips(const std::vector<std::string>& ips) {
    if (ips.size() > 100) return validation("allowed_ips may hold at most 100 entries");
    std::vector<std::string> out;
    for (const auto& ip : ips) {
        auto rule = parse_ip_rule(ip);
        if (!rule.ok()) {
            std::string shown = ip.size() > 64 ? ip.substr(0, 64) + "..." : ip;
            for (char& c : shown)
                if (static_cast<unsigned char>(c) < 0x20) c = '?';
            return validation("allowed_ips: '" + shown + "' is not an IP address or CIDR");
        }
        out.push_back(ip);
    }
    return out;
}

Result<int64_t> validate_quota(int64_t mb) {
    if (mb < 0 || mb > kMaxQuotaMb)
        return validation("quota_mb must be between 0 (unlimited) and " +
                          std::to_string(kMaxQuotaMb));
    return mb;
}

}  // namespace

std::filesystem::path FtpService::home_of(const FtpAccount& a) const {
    auto home = ctx_.identity.home_of(a.owner);
    return a.home_rel.empty() ? home : home / a.home_rel;
}

ServerAccount FtpService::current_row(const ReadTx& tx, const FtpAccount& a) const {
    auto user = UserRepo::find(tx, a.owner);
    std::optional<PackageRecord> package;
    if (user) package = PackageRepo::find(tx, user->package.empty() ? "default" : user->package);
    return server_row(a, user && user->status == AccountStatus::active, !package || package->sftp,
                      FtpRepo::keys(tx, a.username));
}

ServerAccount FtpService::server_row(const FtpAccount& a, bool owner_active, bool package_sftp,
                                     const std::vector<FtpKey>& keys) const {
    std::vector<IpRule> rules;
    for (const auto& ip : a.allowed_ips)
        if (auto r = parse_ip_rule(ip); r.ok()) rules.push_back(*r);
    ServerAccount row;
    row.username = a.username;
    // No password login: a value no crypt(3) hash ever equals (keys only).
    row.passwd = a.password_login ? a.password_hash : "!";
    // Both switches: the account's own and its owner's package's.
    row.sftp = a.sftp && package_sftp;
    for (const auto& k : keys) {
        auto parsed = parse_ssh_public_key(k.public_key);
        if (parsed.ok()) row.keys.push_back(parsed->rfc4716());
    }
    row.uid = ctx_.identity.uid_of(a.owner);
    row.gid = ctx_.identity.gid_of(a.owner);
    row.homedir = home_of(a).string();
    row.owner = a.owner;
    row.enabled = a.enabled;
    // Checked at every write of the server's accounts: the directory may
    // have been swapped for a link since it was set (by FTP, a cron job).
    if (passes_through_symlink(ctx_.identity.home_of(a.owner), a.home_rel)) {
        spdlog::warn(
            "ftp: {}: home {} is or passes through a symbolic link; the account is "
            "left out of the FTP server until that is fixed",
            a.username, row.homedir);
        row.enabled = false;
    }
    row.owner_active = owner_active;
    row.read_only = a.read_only;
    row.quota_mb = a.quota_mb;
    row.allowed = wrap2_allow_list(rules);
    return row;
}

// home_dir from a request: an absolute path inside the owner's home, or a
// path relative to it. No "..", no symlink on the way (openat2 refuses
// them); missing directories are created, owned by the account.
Result<std::string> FtpService::resolve_home(const std::string& owner, const std::string& input) {
    const Error outside = validation("home_dir must be a directory inside the owner's home");
    if (input.size() > kMaxHomeLength) return validation("home_dir is too long");
    if (input.find('\0') != std::string::npos) return validation("home_dir must not contain NUL");
    std::filesystem::path home = ctx_.identity.home_of(owner);
    std::filesystem::path requested(input);
    std::filesystem::path rel;
    if (requested.is_absolute()) {
        auto h = home.begin();
        auto r = requested.begin();
        for (; h != home.end(); ++h, ++r)
            if (r == requested.end() || *h != *r) return outside;
        for (; r != requested.end(); ++r) rel /= *r;
    } else {
        rel = requested;
    }
    std::filesystem::path clean;
    for (const auto& part : rel) {
        const std::string p = part.string();
        if (p == "..") return validation("home_dir must not contain '..'");
        if (p.empty() || p == "." || p == "/") continue;
        clean /= part;
    }
    if (clean.empty()) return std::string();
    if (passes_through_symlink(home, clean))
        return validation("home_dir must not be or pass through a symbolic link");
    if (!ctx_.identity.make_dirs(owner, clean).ok()) return outside;
    return clean.string();
}

Result<FtpAccount> FtpService::owned(const Caller& caller, const std::string& username) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<FtpAccount> {
        auto a = FtpRepo::find(tx, username);
        if (!a) return not_found("FTP account not found");
        CHECK_OK(ensure_owner_or_admin(caller, a->owner));
        return *a;
    });
}

void FtpService::reconcile(const std::string& username) {
    auto result = ctx_.db.read([&](const ReadTx& tx) -> Result<void> {
        auto a = FtpRepo::find(tx, username);
        if (!a) return file_->remove(username);
        return file_->upsert(current_row(tx, *a));
    });
    if (!result.ok())
        spdlog::error("ftp: cannot reconcile {}: {}", username, result.error().message);
}

Result<std::vector<FtpAccount>> FtpService::list(const Caller& caller,
                                                 const std::optional<std::string>& owner) {
    TRY(auto all, list_page(caller, owner, PageSpec{}));
    return std::move(all.items);
}

Result<Paged<FtpAccount>> FtpService::list_page(const Caller& caller,
                                                const std::optional<std::string>& owner,
                                                const PageSpec& page) {
    TRY(std::optional<std::string> filter, list_owner(caller, owner));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<Paged<FtpAccount>> {
        return Paged<FtpAccount>{FtpRepo::list(tx, filter, page), FtpRepo::count(tx, filter)};
    });
}

Result<FtpAccount> FtpService::get(const Caller& caller, const std::string& username) {
    return owned(caller, username);
}

Result<FtpAccount> FtpService::create(const Caller& caller, const NewFtpAccount& input) {
    TRY(std::string name, validate_ftp_name(input.username));
    TRY(std::string password, validate_password(input.password));
    TRY(std::string owner, resolve_owner(ctx_.db, caller, input.owner));
    FtpAccount a;
    a.username = owner + "_" + name;
    a.owner = owner;
    if (input.domain && !input.domain->empty()) {
        TRY(a.domain, DomainService(ctx_).ensure_owned(owner, *input.domain));
    }
    if (input.quota_mb) {
        TRY(a.quota_mb, validate_quota(*input.quota_mb));
    }
    if (input.allowed_ips) {
        TRY(a.allowed_ips, validate_ips(*input.allowed_ips));
    }
    a.read_only = input.read_only.value_or(false);
    a.sftp = input.sftp.value_or(true);
    a.password_login = input.password_login.value_or(true);
    a.enabled = true;
    // Hashing is slow on purpose: done before the store is locked.
    TRY(a.password_hash, crypt_hash(password));
    a.created_at = a.updated_at = ctx_.clock.now_unix();
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<FtpAccount> {
        if (FtpRepo::find(tx, a.username)) return conflict("FTP account already exists");
        CHECK_OK(ensure_below_limit(tx, owner, Limit::ftp_accounts, FtpRepo::count_of(tx, owner)));
        if (input.home_dir) {
            TRY(a.home_rel, resolve_home(owner, *input.home_dir));
        }
        FtpRepo::insert(tx, a);
        CHECK_OK(file_->upsert(current_row(tx, a)));
        return a;
    });
    if (!result.ok() && result.error().code != Code::conflict) reconcile(a.username);
    if (result.ok())
        emit_event(ctx_, "ftp.created", owner, {{"username", a.username}, {"owner", owner}});
    return result;
}

Result<FtpAccount> FtpService::apply(const Caller& caller, const std::string& username,
                                     const FtpChanges& changes) {
    std::optional<std::string> new_hash;
    if (changes.password) {
        TRY(std::string password, validate_password(*changes.password));
        TRY(new_hash, crypt_hash(password));
    }
    std::optional<int64_t> quota;
    if (changes.quota_mb) {
        TRY(quota, validate_quota(*changes.quota_mb));
    }
    std::optional<std::vector<std::string>> ips;
    if (changes.allowed_ips) {
        TRY(ips, validate_ips(*changes.allowed_ips));
    }
    bool cut_sessions = false;
    bool cut_sftp = false;
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<FtpAccount> {
        auto a = FtpRepo::find(tx, username);
        if (!a) return not_found("FTP account not found");
        CHECK_OK(ensure_owner_or_admin(caller, a->owner));
        if (new_hash) a->password_hash = *new_hash;
        if (changes.home_dir) {
            TRY(a->home_rel, resolve_home(a->owner, *changes.home_dir));
        }
        if (quota) a->quota_mb = *quota;
        if (changes.read_only) a->read_only = *changes.read_only;
        if (changes.enabled) {
            cut_sessions = a->enabled && !*changes.enabled;
            a->enabled = *changes.enabled;
        }
        if (ips) a->allowed_ips = *ips;
        if (changes.sftp) {
            cut_sftp = a->sftp && !*changes.sftp;
            a->sftp = *changes.sftp;
        }
        if (changes.password_login) a->password_login = *changes.password_login;
        a->updated_at = ctx_.clock.now_unix();
        FtpRepo::update(tx, *a);
        CHECK_OK(file_->upsert(current_row(tx, *a)));
        return *a;
    });
    if (!result.ok()) {
        if (result.error().code != Code::not_found && result.error().code != Code::forbidden)
            reconcile(username);
        return result;
    }
    // ProFTPD reads the account at login only: end what is already open.
    if (cut_sessions && server_) server_->end_sessions(username);
    // SFTP turned off: its open SFTP sessions end (FTP ones go on).
    if (cut_sftp && !cut_sessions && server_)
        for (const auto& s : server_->sessions())
            if (s.username == username && s.protocol == "sftp") server_->end_session(s.id);
    return result;
}

Result<FtpAccount> FtpService::update(const Caller& caller, const std::string& username,
                                      const FtpChanges& changes) {
    return apply(caller, username, changes);
}

Result<FtpAccount> FtpService::set_allowed_ips(const Caller& caller, const std::string& username,
                                               const std::vector<std::string>& ips) {
    FtpChanges c;
    c.allowed_ips = ips;
    return apply(caller, username, c);
}

Result<FtpAccount> FtpService::toggle(const Caller& caller, const std::string& username) {
    TRY(FtpAccount current, owned(caller, username));
    FtpChanges c;
    c.enabled = !current.enabled;
    return apply(caller, username, c);
}

Result<void> FtpService::remove(const Caller& caller, const std::string& username) {
    std::string owner;
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto a = FtpRepo::find(tx, username);
        if (!a) return not_found("FTP account not found");
        CHECK_OK(ensure_owner_or_admin(caller, a->owner));
        owner = a->owner;
        FtpRepo::remove(tx, username);
        return file_->remove(username);
    });
    if (!result.ok()) {
        if (result.error().code != Code::not_found && result.error().code != Code::forbidden)
            reconcile(username);
        return result;
    }
    if (server_) server_->end_sessions(username);
    emit_event(ctx_, "ftp.deleted", owner, {{"username", username}, {"owner", owner}});
    return result;
}

Result<int64_t> FtpService::remove_all_of(const std::string& owner) {
    TRY(auto accounts, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<FtpAccount>> {
        return FtpRepo::list(tx, owner);
    }));
    int64_t removed = 0;
    for (const auto& a : accounts) {
        auto r = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            FtpRepo::remove(tx, a.username);
            return file_->remove(a.username);
        });
        if (!r.ok()) {
            reconcile(a.username);
            return r.error();
        }
        if (server_) server_->end_sessions(a.username);
        ++removed;
    }
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        FtpRepo::remove_anonymous_of(tx, owner);
        return Ok{};
    }));
    CHECK_OK(push_anonymous_sites());
    return removed;
}

Result<FtpStatus> FtpService::status(const Caller& caller) {
    FtpStatus s;
    s.installed = server_ && server_->installed();
    s.running = server_ && server_->running();
    std::optional<std::string> owner;
    if (!caller.is_admin()) owner = caller.username;
    TRY(s.total_accounts, file_->count(owner));
    if (server_) {
        s.ftp = server_->endpoint();
        s.sftp = server_->sftp();
        s.sftp_running = s.sftp && server_->sftp_running();
    }
    return s;
}

Result<std::vector<FtpKey>> FtpService::keys(const Caller& caller, const std::string& username) {
    TRY(FtpAccount a, owned(caller, username));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<FtpKey>> {
        return FtpRepo::keys(tx, a.username);
    });
}

Result<FtpKey> FtpService::add_key(const Caller& caller, const std::string& username,
                                   const std::string& public_key) {
    // Ownership first: another customer learns nothing from a 400.
    CHECK_OK(owned(caller, username));
    TRY(SshPublicKey parsed, parse_ssh_public_key(public_key));
    FtpKey k;
    k.username = username;
    k.type = parsed.type;
    k.bits = parsed.bits;
    k.fingerprint = parsed.fingerprint;
    k.comment = parsed.comment;
    k.public_key = parsed.openssh();
    k.created_at = ctx_.clock.now_unix();
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<FtpKey> {
        auto a = FtpRepo::find(tx, username);
        if (!a) return not_found("FTP account not found");
        CHECK_OK(ensure_owner_or_admin(caller, a->owner));
        auto existing = FtpRepo::keys(tx, username);
        if (static_cast<int64_t>(existing.size()) >= kMaxKeysPerAccount)
            return validation("public_key: an account may have at most " +
                              std::to_string(kMaxKeysPerAccount) + " keys");
        for (const auto& e : existing)
            if (e.fingerprint == k.fingerprint)
                return conflict("This key (" + k.fingerprint + ") is already on the account");
        k.id = FtpRepo::insert_key(tx, k);
        CHECK_OK(file_->upsert(current_row(tx, *a)));
        return k;
    });
    if (!result.ok() && result.error().code == Code::internal) reconcile(username);
    return result;
}

Result<void> FtpService::remove_key(const Caller& caller, const std::string& username,
                                    const std::string& key_id) {
    char* end = nullptr;
    const long long id = std::strtoll(key_id.c_str(), &end, 10);
    if (key_id.empty() || *end != '\0' || id <= 0) return not_found("Key not found");
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto a = FtpRepo::find(tx, username);
        if (!a) return not_found("FTP account not found");
        CHECK_OK(ensure_owner_or_admin(caller, a->owner));
        if (!FtpRepo::remove_key(tx, username, id)) return not_found("Key not found");
        return file_->upsert(current_row(tx, *a));
    });
    if (!result.ok() && result.error().code == Code::internal) reconcile(username);
    return result;
}

Result<std::vector<FtpSessionInfo>> FtpService::sessions(const Caller& caller) {
    if (!server_) return std::vector<FtpSessionInfo>{};
    // Killed or restarting (its supervisor brings it back): an empty list
    // would claim no one is connected, so say it is down (503, Retry-After).
    // The accounts stay manageable meanwhile: ProFTPD reads them at login.
    if (!server_->running()) return unavailable("The FTP server is not running");
    auto all = server_->sessions();
    if (caller.is_admin()) return all;
    // A customer sees the sessions of its own accounts only.
    TRY(auto mine, ctx_.db.read([&](const ReadTx& tx) -> Result<std::set<std::string>> {
        std::set<std::string> names;
        for (const auto& a : FtpRepo::list(tx, caller.username)) names.insert(a.username);
        return names;
    }));
    std::vector<FtpSessionInfo> out;
    for (auto& s : all)
        if (mine.count(s.username)) out.push_back(std::move(s));
    return out;
}

Result<void> FtpService::end_session(const Caller& caller, const std::string& id) {
    TRY(auto visible, sessions(caller));
    for (const auto& s : visible)
        if (std::to_string(s.id) == id) {
            if (!server_->end_session(s.id)) return not_found("Session not found");
            return Ok{};
        }
    return not_found("Session not found");
}

Result<FtpAnonymous> FtpService::anonymous(const Caller& caller, const std::string& domain) {
    TRY(DomainRecord d, DomainService(ctx_).get(caller, domain));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<FtpAnonymous> {
        return FtpAnonymous{d.domain, FtpRepo::anonymous_on(tx, d.domain),
                            ctx_.identity.home_of(d.owner) / anonymous_rel(d.domain)};
    });
}

Result<FtpAnonymous> FtpService::set_anonymous(const Caller& caller, const std::string& domain,
                                               bool enabled) {
    TRY(DomainRecord d, DomainService(ctx_).get(caller, domain));
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        if (enabled) CHECK_OK(ctx_.identity.make_dirs(d.owner, anonymous_rel(d.domain)));
        FtpRepo::set_anonymous(tx, d.domain, d.owner, enabled, ctx_.clock.now_unix());
        return Ok{};
    }));
    CHECK_OK(push_anonymous_sites());
    return FtpAnonymous{d.domain, enabled,
                        ctx_.identity.home_of(d.owner) / anonymous_rel(d.domain)};
}

Result<void> FtpService::push_anonymous_sites() {
    if (!server_) return Ok{};
    TRY(auto sites,
        ctx_.db.read(
            [&](const ReadTx& tx) -> Result<std::vector<std::pair<std::string, std::string>>> {
                return FtpRepo::anonymous_sites(tx);
            }));
    std::vector<AnonymousSite> out;
    for (const auto& [domain, owner] : sites) {
        if (passes_through_symlink(ctx_.identity.home_of(owner), anonymous_rel(domain))) {
            spdlog::warn(
                "ftp: anonymous site of {} is or passes through a symbolic link; "
                "left out until that is fixed",
                domain);
            continue;
        }
        out.push_back({domain, ctx_.identity.home_of(owner) / anonymous_rel(domain),
                       ctx_.identity.uid_of(owner), ctx_.identity.gid_of(owner)});
    }
    return server_->set_anonymous(std::move(out));
}

Result<void> FtpService::sync_suspended() {
    TRY(auto now, ctx_.db.read([&](const ReadTx& tx) -> Result<std::set<std::string>> {
        return UserRepo::suspended_usernames(tx);
    }));
    if (now == suspended_) return Ok{};
    CHECK_OK(file_->set_suspended_owners(now));
    // Newly suspended owners: end their open sessions too.
    for (const auto& owner : now) {
        if (suspended_.count(owner) || !server_) continue;
        auto accounts = ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<FtpAccount>> {
            return FtpRepo::list(tx, owner);
        });
        if (accounts.ok())
            for (const auto& a : *accounts) server_->end_sessions(a.username);
    }
    suspended_ = std::move(now);
    // A suspended owner's domains lose anonymous access too (and get it
    // back); the server restarts only when the set of sites changes.
    return push_anonymous_sites();
}

Result<void> FtpService::start() {
    // The store is the truth: rebuild the server's file from it. Owners,
    // packages and keys are read once each, not once per account (50,000
    // accounts made that 150,000 queries; issue 24).
    TRY(auto rows, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<ServerAccount>> {
        auto suspended = UserRepo::suspended_usernames(tx);
        std::map<std::string, bool> package_sftp;
        for (const auto& p : PackageRepo::list(tx)) package_sftp[p.name] = p.sftp;
        std::map<std::string, bool> owner_sftp;  // each owner's package's switch
        for (const auto& u : UserRepo::list(tx)) {
            auto it = package_sftp.find(u.package.empty() ? "default" : u.package);
            owner_sftp[u.username] = it == package_sftp.end() || it->second;
        }
        std::map<std::string, std::vector<FtpKey>> keys;
        for (auto& k : FtpRepo::all_keys(tx)) keys[k.username].push_back(std::move(k));
        const std::vector<FtpKey> no_keys;
        std::vector<ServerAccount> out;
        for (const auto& a : FtpRepo::list(tx, std::nullopt)) {
            auto sftp = owner_sftp.find(a.owner);
            auto k = keys.find(a.username);
            out.push_back(server_row(a, !suspended.count(a.owner),
                                     sftp == owner_sftp.end() || sftp->second,
                                     k == keys.end() ? no_keys : k->second));
        }
        std::lock_guard lock(suspended_mutex_);
        suspended_ = suspended;
        return out;
    }));
    CHECK_OK(file_->replace_all(rows));
    if (server_) {
        CHECK_OK(push_anonymous_sites());
        CHECK_OK(server_->start());
    }
    return Ok{};
}

void FtpService::owner_status_changed() {
    std::lock_guard lock(suspended_mutex_);
    auto r = sync_suspended();
    if (!r.ok()) spdlog::error("ftp: cannot sync suspended owners: {}", r.error().message);
}

void FtpService::package_changed(const std::string& package) {
    resync_sftp(std::nullopt, [&](const ReadTx& tx, const FtpAccount& a) {
        auto user = UserRepo::find(tx, a.owner);
        return user && (user->package.empty() ? "default" : user->package) == package;
    });
}

void FtpService::owner_changed(const std::string& owner) {
    resync_sftp(owner, [](const ReadTx&, const FtpAccount&) { return true; });
}

void FtpService::resync_sftp(const std::optional<std::string>& owner,
                             const std::function<bool(const ReadTx&, const FtpAccount&)>& pick) {
    std::set<std::string> no_sftp;
    // In a store write, so no other change of these accounts interleaves.
    auto r = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        for (const auto& a : FtpRepo::list(tx, owner)) {
            if (!pick(tx, a)) continue;
            ServerAccount row = current_row(tx, a);
            if (!row.sftp) no_sftp.insert(a.username);
            CHECK_OK(file_->upsert(row));
        }
        return Ok{};
    });
    if (!r.ok()) {
        spdlog::error("ftp: cannot apply the SFTP switches: {}", r.error().message);
        return;
    }
    // ProFTPD reads the account at login only: end the open SFTP sessions
    // of the accounts that may no longer use it (FTP ones go on).
    if (server_ && !no_sftp.empty())
        for (const auto& s : server_->sessions())
            if (s.protocol == "sftp" && no_sftp.count(s.username)) server_->end_session(s.id);
}

bool FtpService::healthy() const {
    return server_ && server_->running();
}

}  // namespace wsp
