#pragma once
// An account's role and status, as the API and the store write them.
#include <string_view>

#include "base/enum_names.h"

namespace wsp {

// A reseller (docs/resellers.md) manages the accounts it created.
enum class Role { admin, user, reseller };
inline constexpr EnumName<Role> kRoleNames[] = {
    {Role::admin, "admin"}, {Role::user, "user"}, {Role::reseller, "reseller"}};

enum class AccountStatus { active, suspended };
inline constexpr EnumName<AccountStatus> kAccountStatusNames[] = {
    {AccountStatus::active, "active"}, {AccountStatus::suspended, "suspended"}};

inline std::string_view name_of(Role r) {
    return enum_name<Role>(kRoleNames, r);
}
inline std::string_view name_of(AccountStatus s) {
    return enum_name<AccountStatus>(kAccountStatusNames, s);
}

}  // namespace wsp
