#pragma once
// What an account uses of its package's limits, for the usage routes and
// the admin's at-a-glance view of accounts near or over their limits.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "services/caller.h"
#include "services/disk_usage.h"
#include "services/panel.h"
#include "store/cron_repo.h"
#include "store/security_repos.h"

namespace wsp {

struct UsageItem {
    // "domains", "databases", "ftp_accounts", "cron_jobs", "disk_mb"
    std::string name;
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
    // One account's dashboard only (account_usage): its newest failed cron
    // runs and login attempts.
    std::vector<CronFailure> cron_failures;
    std::vector<AuditRecord> logins;
};

// Share of a limit from which an item counts as near it.
inline constexpr int64_t kNearLimitPercent = 80;

// One account's usage: the account itself or an admin. Its disk figure is
// walked when too old (services/disk_usage.h).
Result<AccountUsage> account_usage(PanelContext& ctx, DiskUsage& disk, const Caller& caller,
                                   const std::string& username);
// Every account's usage for an admin; a customer gets its own only. Disk:
// the figures known, no walk (0 for a home not measured yet).
Result<std::vector<AccountUsage>> all_usage(PanelContext& ctx, const DiskUsage& disk,
                                            const Caller& caller);

}  // namespace wsp
