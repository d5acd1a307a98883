#pragma once
// The in-memory picture of who may call the API: accounts (without their
// password hashes) and packages, live API keys (by the hash of their secret)
// and sessions. Services update
// it right after each commit that changes those tables, so authenticating a
// request costs a hash and a map lookup, never a database round trip.
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/ip_rules.h"
#include "base/result.h"
#include "services/caller.h"
#include "store/db.h"
#include "store/records.h"

namespace wsp {

struct Authenticated {
    Caller caller;
    std::string limit_client;           // the rate limiter's client id
    std::optional<int64_t> rate_limit;  // per-key override; nullopt = global
};

class AuthIndex {
  public:
    // Reads users, keys and live sessions from the store.
    Result<void> load(Db& db);

    void put_user(const UserRecord& user);
    std::optional<UserRecord> user(const std::string& username) const;
    void put_package(const PackageRecord& package);
    void remove_package(const std::string& name);
    std::optional<PackageRecord> package(const std::string& name) const;
    void remove_user(const std::string& username);  // with its keys and sessions
    void put_key(const ApiKeyRecord& key);
    void remove_key(const std::string& id);
    void put_session(const SessionRecord& session);
    std::optional<SessionRecord> session(const std::string& token_hash) const;
    // Live sessions of `username` (all accounts' when empty), with their
    // last use (kept in memory only).
    std::vector<std::pair<SessionRecord, int64_t>> sessions_of(const std::string& username) const;
    // Accounts with two-factor login turned on.
    void set_two_factor(const std::string& username, bool enabled);
    bool two_factor(const std::string& username) const;
    void remove_session(const std::string& token_hash);
    // Every session of `username` except the one whose hash is `keep`.
    void remove_sessions_of(const std::string& username, const std::string& keep);
    // Forgets sessions that expired at or before `now` (housekeeping, so
    // sessions that simply run out do not accumulate); returns how many.
    size_t remove_expired_sessions(int64_t now);

    // Checks a bearer token from `client_ip` at `now`. Errors carry the
    // contract's codes and messages (401 unknown/expired/disabled, 403
    // suspended account or address outside the key's allow-list).
    Result<Authenticated> authenticate(const std::string& token, const std::string& client_ip,
                                       int64_t now);
    // The same with the token's SHA-256 (hex) already computed.
    Result<Authenticated> authenticate(const std::string& token, const std::string& hash,
                                       const std::string& client_ip, int64_t now);

    // last_used as kept in memory (newer than the store between flushes).
    int64_t last_used(const std::string& key_id) const;
    // Keys used since the last call, with their last use, for writing back.
    std::vector<std::pair<std::string, int64_t>> take_dirty_last_used();

  private:
    struct KeyEntry {
        ApiKeyRecord record;
        std::vector<IpRule> allow;
    };

    void put_key_locked(const ApiKeyRecord& key);
    void put_user_locked(UserRecord user);
    void forget_maker_locked(const std::string& username);

    mutable std::shared_mutex mutex_;
    std::unordered_map<std::string, UserRecord> users_;  // password_hash left empty
    // Accounts by the account that made them (a reseller's customers), kept
    // with users_: a reseller's request reads its list instead of walking
    // every account (10,000 of them, issue 24).
    std::unordered_map<std::string, std::set<std::string>> made_by_;
    std::unordered_map<std::string, PackageRecord> packages_;
    std::unordered_map<std::string, std::shared_ptr<KeyEntry>> keys_by_hash_;
    std::unordered_map<std::string, std::string> key_hash_by_id_;
    std::unordered_map<std::string, SessionRecord> sessions_;
    std::unordered_set<std::string> two_factor_;
    // Guarded by last_used_mutex_, so the read path stays on a shared lock.
    mutable std::mutex last_used_mutex_;
    std::unordered_map<std::string, int64_t> last_used_;
    std::unordered_map<std::string, int64_t> dirty_;
    std::unordered_map<std::string, int64_t> session_seen_;  // by token hash
};

}  // namespace wsp
