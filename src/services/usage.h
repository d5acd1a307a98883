#pragma once
// What an account uses of its package's limits, for the usage routes and
// the admin's at-a-glance view of accounts near or over their limits.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "services/caller.h"
#include "services/panel.h"

namespace wsp {

struct UsageItem {
    std::string name;  // "domains", "databases", "ftp_accounts", "cron_jobs"
    int64_t used = 0;
    int64_t limit = -1;  // -1: unlimited
};

struct AccountUsage {
    std::string username;
    std::string package;
    std::vector<UsageItem> items;
    // Names of the items at 80% of their limit or beyond, and of those past
    // it (a package lowered below what the account already has).
    std::vector<std::string> near_limit;
    std::vector<std::string> over_limit;
};

// Share of a limit from which an item counts as near it.
inline constexpr int64_t kNearLimitPercent = 80;

// One account's usage: the account itself or an admin.
Result<AccountUsage> account_usage(PanelContext& ctx, const Caller& caller,
                                   const std::string& username);
// Every account's usage for an admin; a customer gets its own only.
Result<std::vector<AccountUsage>> all_usage(PanelContext& ctx, const Caller& caller);

}  // namespace wsp
