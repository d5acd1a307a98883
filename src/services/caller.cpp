#include "services/caller.h"

#include <algorithm>

namespace wsp {

bool scopes_allow(const std::vector<std::string>& scopes, std::string_view area, bool is_read) {
    if (area.empty()) return true;
    return std::any_of(scopes.begin(), scopes.end(), [&](const std::string& s) {
        return s == "all" || s == area || (is_read && s == "read");
    });
}

bool Caller::may_act_for(std::string_view owner) const {
    if (is_admin() || owner == username) return true;
    return is_reseller() && std::binary_search(customers.begin(), customers.end(), owner);
}

Result<void> ensure_owner_or_admin(const Caller& caller, const std::string& owner) {
    if (caller.may_act_for(owner)) return Ok{};
    return forbidden("Access denied");
}

Result<std::optional<std::string>> list_owner(const Caller& caller,
                                              const std::optional<std::string>& requested) {
    if (caller.is_admin()) return requested;
    if (requested && !caller.may_act_for(*requested)) return forbidden("Access denied");
    if (requested) return requested;
    return std::optional<std::string>(caller.username);
}

Result<void> ensure_recent_auth(const Caller& caller, int64_t now, int64_t ttl_s) {
    if (caller.session_hash.empty()) return Ok{};
    if (caller.reauth_at > 0 && now - caller.reauth_at <= ttl_s) return Ok{};
    return reauth_required("Re-authentication required: POST /auth/reauth with your password");
}

Result<void> ensure_admin(const Caller& caller) {
    if (caller.is_admin()) return Ok{};
    return forbidden("Admin privileges required");
}

}  // namespace wsp
