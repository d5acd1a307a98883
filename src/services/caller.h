#pragma once
// Who is making a request, as every service sees it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "base/roles.h"

namespace wsp {

struct Caller {
    std::string username;
    Role role = Role::user;
    std::vector<std::string> scopes;  // a session has {"all"}
    std::string key_id;               // empty for a session
    std::string session_hash;         // the session token's hash; empty for a key
    // A login-as session: the admin acting as `username` (empty otherwise).
    std::string impersonated_by;
    // When the session last proved its password (login or /auth/reauth).
    int64_t reauth_at = 0;

    // A session's public id (never the token nor its whole hash).
    std::string session_id() const { return session_hash.substr(0, 16); }

    // A reseller's customers (the accounts it created), filled when the
    // request is authenticated; sorted. Empty for every other role.
    std::vector<std::string> customers;

    bool is_admin() const { return role == Role::admin; }
    bool is_reseller() const { return role == Role::reseller; }
    // The one ownership rule (docs/security.md "Identity and ownership"):
    // an admin acts for everyone, an account for itself, a reseller also
    // for the accounts it created, and nobody for anyone else.
    bool may_act_for(std::string_view owner) const;
};

// The areas a key may be scoped to (API.md "Scopes").
inline constexpr std::string_view kScopeNames[] = {
    "all", "read", "databases", "ftp", "cron", "files", "domains", "users", "backups"};

// True when `scopes` let a request of this kind into `area`: "all" opens
// everything, "read" every GET, an area name every method of that area.
// Area "" (the caller's own session: /auth/me, /auth/logout) is always open.
bool scopes_allow(const std::vector<std::string>& scopes, std::string_view area, bool is_read);

// A user touches only its own items (a reseller also its customers'); an
// admin touches everything.
Result<void> ensure_owner_or_admin(const Caller& caller, const std::string& owner);

// Only an admin.
Result<void> ensure_admin(const Caller& caller);

// Sensitive operations (password change, 2FA off, an "all" key, deleting an
// account, login-as): a session must have proved its password within
// `ttl_s` (login or POST /auth/reauth), else 403 REAUTH_REQUIRED. API keys
// are machine credentials and exempt.
Result<void> ensure_recent_auth(const Caller& caller, int64_t now, int64_t ttl_s);

// Whose items a list shows: a user always its own (asking for another
// owner's is 403); a reseller its own or one of its customers' that it
// names; an admin every owner's (nullopt) or the one it names.
Result<std::optional<std::string>> list_owner(const Caller& caller,
                                              const std::optional<std::string>& requested);

}  // namespace wsp
