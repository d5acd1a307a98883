#include "services/api_key_service.h"

#include <algorithm>

#include "base/clock.h"
#include "base/ip_rules.h"
#include "base/secrets.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

constexpr int64_t kMaxExpiryDays = 3650;

Result<std::vector<std::string>> validate_scopes(const std::vector<std::string>& scopes) {
    if (scopes.empty()) return validation("permissions must name at least one scope");
    std::vector<std::string> out;
    for (const auto& s : scopes) {
        if (std::find(std::begin(kScopeNames), std::end(kScopeNames), s) == std::end(kScopeNames))
            return validation("permissions: unknown scope '" + s + "'");
        if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    }
    std::sort(out.begin(), out.end());
    return out;
}

// A key can hand out no more than it holds: a "domains" key cannot mint an
// "all" key.
bool within(const std::vector<std::string>& wanted, const std::vector<std::string>& held) {
    if (std::find(held.begin(), held.end(), "all") != held.end()) return true;
    return std::all_of(wanted.begin(), wanted.end(), [&](const std::string& s) {
        return std::find(held.begin(), held.end(), s) != held.end();
    });
}

}  // namespace

Result<CreatedApiKey> ApiKeyService::create(const Caller& caller, const std::string& username,
                                            const NewApiKey& input) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    if (input.rate_limit && !caller.is_admin())
        return forbidden("Only an admin may set rate_limit");
    TRY(auto scopes, validate_scopes(input.permissions.value_or(std::vector<std::string>{"read"})));
    if (!within(scopes, caller.scopes))
        return forbidden("A key cannot grant permissions its creator does not hold");
    // A key with every permission outlives the session that made it: the
    // session must have proved its password lately (keys are exempt).
    if (std::find(scopes.begin(), scopes.end(), "all") != scopes.end())
        CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
    return insert(username, input);
}

Result<CreatedApiKey> ApiKeyService::create_offline(const std::string& username,
                                                    const NewApiKey& input) {
    return insert(username, input);
}

Result<CreatedApiKey> ApiKeyService::insert(const std::string& username, const NewApiKey& input) {
    if (input.name.empty()) return validation("Name is required");
    if (input.name.size() > 100) return validation("Name must be at most 100 characters");
    TRY(auto scopes, validate_scopes(input.permissions.value_or(std::vector<std::string>{"read"})));
    for (const auto& rule : input.ip_whitelist) {
        auto parsed = parse_ip_rule(rule);
        if (!parsed) return validation("ip_whitelist: " + parsed.error().message);
    }
    if (input.expires_in_days < 0 || input.expires_in_days > kMaxExpiryDays)
        return validation("expires_in must be between 0 and 3650 days");
    if (input.rate_limit && *input.rate_limit < 0)
        return validation("rate_limit must be 0 (unlimited) or more");

    CreatedApiKey out;
    out.secret = "wsp_" + random_hex(24);
    ApiKeyRecord& k = out.key;
    k.id = random_hex(8);
    k.username = username;
    k.name = input.name;
    k.secret_hash = sha256_hex(out.secret);
    k.key_prefix = out.secret.substr(0, 12);
    k.permissions = scopes;
    k.ip_whitelist = input.ip_whitelist;
    k.rate_limit = input.rate_limit;
    k.created_at = ctx_.clock.now_unix();
    k.expires_at = input.expires_in_days ? k.created_at + input.expires_in_days * 86400 : 0;
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        if (!UserRepo::find(tx, username)) return not_found("User not found");
        // Counted inside the transaction, so concurrent creates cannot pass
        // the cap together.
        const int64_t cap = ctx_.config.auth.max_keys_per_account;
        if (cap > 0 && ApiKeyRepo::count_of(tx, username) >= cap)
            return forbidden("API key limit reached (" + std::to_string(cap) +
                             " per account, auth.max_keys_per_account)");
        ApiKeyRepo::insert(tx, k);
        return Ok{};
    });
    if (!result.ok()) return result.error();
    ctx_.index.put_key(k);
    return out;
}

Result<std::vector<ApiKeyRecord>> ApiKeyService::list(const Caller& caller,
                                                      const std::string& username) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<ApiKeyRecord>> {
        if (!UserRepo::find(tx, username)) return not_found("User not found");
        auto keys = ApiKeyRepo::list_for(tx, username);
        for (auto& k : keys) k.last_used = std::max(k.last_used, ctx_.index.last_used(k.id));
        return keys;
    });
}

Result<ApiKeyRecord> ApiKeyService::find_owned(const ReadTx& tx, const Caller& caller,
                                               const std::string& username, const std::string& id) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    auto key = ApiKeyRepo::find(tx, id);
    if (!key || key->username != username) return not_found("API key not found");
    key->last_used = std::max(key->last_used, ctx_.index.last_used(id));
    return *key;
}

Result<ApiKeyRecord> ApiKeyService::set_enabled(const Caller& caller, const std::string& username,
                                                const std::string& id, bool enabled) {
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<ApiKeyRecord> {
        TRY(ApiKeyRecord key, find_owned(tx, caller, username, id));
        ApiKeyRepo::set_enabled(tx, id, enabled);
        key.enabled = enabled;
        return key;
    });
    if (result.ok()) ctx_.index.put_key(*result);
    return result;
}

Result<void> ApiKeyService::revoke(const Caller& caller, const std::string& username,
                                   const std::string& id) {
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        TRY(ApiKeyRecord key, find_owned(tx, caller, username, id));
        ApiKeyRepo::remove(tx, key.id);
        return Ok{};
    });
    if (result.ok()) ctx_.index.remove_key(id);
    return result;
}

void ApiKeyService::flush_last_used() {
    auto dirty = ctx_.index.take_dirty_last_used();
    if (dirty.empty()) return;
    (void)ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        for (const auto& [id, when] : dirty) ApiKeyRepo::set_last_used(tx, id, when);
        return Ok{};
    });
}

}  // namespace wsp
