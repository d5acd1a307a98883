#include "services/auth_index.h"

#include <algorithm>

#include "base/secrets.h"
#include "store/account_repos.h"
#include "store/security_repos.h"

namespace wsp {

// Replaces what was held, so it also picks up an offline command's changes
// (app/store_watch.h).
Result<void> AuthIndex::load(Db& db) {
    // A write transaction, though it only reads: it holds the store until the
    // swap, so a commit made meanwhile by a service is either in what is read
    // here or put into the index after the swap, never lost by it.
    return db.write([&](const WriteTx& tx) -> Result<void> {
        auto users = UserRepo::list(tx);
        auto keys = ApiKeyRepo::list_all(tx);
        auto sessions = SessionRepo::list_live(tx, 0);
        auto packages = PackageRepo::list(tx);
        auto two_factor = TotpRepo::enabled_usernames(tx);
        std::unique_lock lock(mutex_);
        two_factor_ = {two_factor.begin(), two_factor.end()};
        // A reload replaces the whole picture (rows deleted elsewhere go).
        users_.clear();
        made_by_.clear();
        packages_.clear();
        keys_by_hash_.clear();
        key_hash_by_id_.clear();
        sessions_.clear();
        for (auto& u : users) put_user_locked(std::move(u));
        for (const auto& p : packages) packages_[p.name] = p;
        for (const auto& k : keys) put_key_locked(k);
        for (const auto& s : sessions) sessions_[s.token_hash] = s;
        return Ok{};
    });
}

void AuthIndex::put_user(const UserRecord& user) {
    std::unique_lock lock(mutex_);
    put_user_locked(user);
}

void AuthIndex::put_user_locked(UserRecord user) {
    user.password_hash.clear();
    forget_maker_locked(user.username);
    made_by_[user.creator].insert(user.username);
    std::string name = user.username;
    users_[name] = std::move(user);
}

void AuthIndex::forget_maker_locked(const std::string& username) {
    auto it = users_.find(username);
    if (it == users_.end()) return;
    auto made = made_by_.find(it->second.creator);
    if (made == made_by_.end()) return;
    made->second.erase(username);
    if (made->second.empty()) made_by_.erase(made);
}

std::optional<UserRecord> AuthIndex::user(const std::string& username) const {
    std::shared_lock lock(mutex_);
    auto it = users_.find(username);
    if (it == users_.end()) return std::nullopt;
    return it->second;
}

void AuthIndex::put_package(const PackageRecord& package) {
    std::unique_lock lock(mutex_);
    packages_[package.name] = package;
}

void AuthIndex::remove_package(const std::string& name) {
    std::unique_lock lock(mutex_);
    packages_.erase(name);
}

std::optional<PackageRecord> AuthIndex::package(const std::string& name) const {
    std::shared_lock lock(mutex_);
    auto it = packages_.find(name);
    if (it == packages_.end()) return std::nullopt;
    return it->second;
}

void AuthIndex::remove_user(const std::string& username) {
    std::unique_lock lock(mutex_);
    forget_maker_locked(username);
    users_.erase(username);
    two_factor_.erase(username);
    std::erase_if(keys_by_hash_, [&](const auto& kv) {
        if (kv.second->record.username != username) return false;
        key_hash_by_id_.erase(kv.second->record.id);
        return true;
    });
    std::erase_if(sessions_, [&](const auto& kv) { return kv.second.username == username; });
}

void AuthIndex::put_key_locked(const ApiKeyRecord& key) {
    auto entry = std::make_shared<KeyEntry>();
    entry->record = key;
    for (const auto& rule : key.ip_whitelist)
        if (auto r = parse_ip_rule(rule)) entry->allow.push_back(*r);
    if (auto old = key_hash_by_id_.find(key.id); old != key_hash_by_id_.end())
        keys_by_hash_.erase(old->second);
    key_hash_by_id_[key.id] = key.secret_hash;
    keys_by_hash_[key.secret_hash] = std::move(entry);
    std::lock_guard lu(last_used_mutex_);
    auto& known = last_used_[key.id];
    known = std::max(known, key.last_used);
}

void AuthIndex::put_key(const ApiKeyRecord& key) {
    std::unique_lock lock(mutex_);
    put_key_locked(key);
}

void AuthIndex::remove_key(const std::string& id) {
    std::unique_lock lock(mutex_);
    if (auto it = key_hash_by_id_.find(id); it != key_hash_by_id_.end()) {
        keys_by_hash_.erase(it->second);
        key_hash_by_id_.erase(it);
    }
    std::lock_guard lu(last_used_mutex_);
    last_used_.erase(id);
    dirty_.erase(id);
}

void AuthIndex::put_session(const SessionRecord& session) {
    std::unique_lock lock(mutex_);
    sessions_[session.token_hash] = session;
}

std::optional<SessionRecord> AuthIndex::session(const std::string& token_hash) const {
    std::shared_lock lock(mutex_);
    auto it = sessions_.find(token_hash);
    if (it == sessions_.end()) return std::nullopt;
    return it->second;
}

std::vector<std::pair<SessionRecord, int64_t>> AuthIndex::sessions_of(
    const std::string& username) const {
    std::vector<std::pair<SessionRecord, int64_t>> out;
    std::shared_lock lock(mutex_);
    std::lock_guard lu(last_used_mutex_);
    for (const auto& [hash, s] : sessions_) {
        if (!username.empty() && s.username != username) continue;
        auto seen = session_seen_.find(hash);
        out.emplace_back(s, seen == session_seen_.end() ? s.created_at : seen->second);
    }
    return out;
}

void AuthIndex::set_two_factor(const std::string& username, bool enabled) {
    std::unique_lock lock(mutex_);
    if (enabled)
        two_factor_.insert(username);
    else
        two_factor_.erase(username);
}

bool AuthIndex::two_factor(const std::string& username) const {
    std::shared_lock lock(mutex_);
    return two_factor_.contains(username);
}

void AuthIndex::remove_session(const std::string& token_hash) {
    std::unique_lock lock(mutex_);
    sessions_.erase(token_hash);
    std::lock_guard lu(last_used_mutex_);
    session_seen_.erase(token_hash);
}

void AuthIndex::remove_sessions_of(const std::string& username, const std::string& keep) {
    std::unique_lock lock(mutex_);
    std::erase_if(sessions_, [&](const auto& kv) {
        return kv.second.username == username && kv.first != keep;
    });
}

size_t AuthIndex::remove_expired_sessions(int64_t now) {
    std::unique_lock lock(mutex_);
    size_t n =
        std::erase_if(sessions_, [&](const auto& kv) { return kv.second.expires_at <= now; });
    std::lock_guard lu(last_used_mutex_);
    std::erase_if(session_seen_, [&](const auto& kv) { return !sessions_.contains(kv.first); });
    return n;
}

Result<Authenticated> AuthIndex::authenticate(const std::string& token,
                                              const std::string& client_ip, int64_t now) {
    return authenticate(token, sha256_hex(token), client_ip, now);
}

Result<Authenticated> AuthIndex::authenticate(const std::string& token, const std::string& hash,
                                              const std::string& client_ip, int64_t now) {
    std::shared_lock lock(mutex_);
    Authenticated out;
    if (token.starts_with("wsp_")) {
        auto it = keys_by_hash_.find(hash);
        if (it == keys_by_hash_.end()) return unauthorized("Invalid or expired API key");
        const ApiKeyRecord& key = it->second->record;
        if (key.expires_at != 0 && key.expires_at <= now)
            return unauthorized("Invalid or expired API key");
        if (!key.enabled) return unauthorized("API key is disabled");
        if (!ip_allowed(it->second->allow, client_ip))
            return forbidden("API key is not allowed from this IP address");
        out.caller.username = key.username;
        out.caller.scopes = key.permissions;
        out.caller.key_id = key.id;
        out.limit_client = "k:" + key.id;
        out.rate_limit = key.rate_limit;
    } else {
        auto it = sessions_.find(hash);
        if (it == sessions_.end() || it->second.expires_at <= now)
            return unauthorized("Invalid or expired session");
        out.caller.username = it->second.username;
        out.caller.scopes = {"all"};
        out.caller.session_hash = hash;
        out.caller.impersonated_by = it->second.impersonated_by;
        out.caller.reauth_at = it->second.reauth_at;
        out.limit_client = "s:" + hash.substr(0, 32);
        std::lock_guard lu(last_used_mutex_);
        session_seen_[hash] = now;
    }
    auto user = users_.find(out.caller.username);
    if (user == users_.end()) return unauthorized("Invalid or expired API key");
    if (user->second.status != AccountStatus::active) return forbidden("Account suspended");
    out.caller.role = user->second.role;
    if (out.caller.is_reseller()) {
        // Sorted, as the set keeps them.
        if (auto made = made_by_.find(out.caller.username); made != made_by_.end())
            out.caller.customers.assign(made->second.begin(), made->second.end());
    }
    if (!out.caller.key_id.empty()) {
        std::lock_guard lu(last_used_mutex_);
        last_used_[out.caller.key_id] = now;
        dirty_[out.caller.key_id] = now;
    }
    return out;
}

int64_t AuthIndex::last_used(const std::string& key_id) const {
    std::lock_guard lu(last_used_mutex_);
    auto it = last_used_.find(key_id);
    return it == last_used_.end() ? 0 : it->second;
}

std::vector<std::pair<std::string, int64_t>> AuthIndex::take_dirty_last_used() {
    std::lock_guard lu(last_used_mutex_);
    std::vector<std::pair<std::string, int64_t>> out(dirty_.begin(), dirty_.end());
    dirty_.clear();
    return out;
}

}  // namespace wsp
