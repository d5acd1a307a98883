#include "services/usage.h"

#include "services/limits.h"
#include "store/account_repos.h"
#include "store/security_repos.h"
#include "store/usage_repo.h"

namespace wsp {
namespace {

AccountUsage usage_of(const ReadTx& tx, const UsageCounts& c, int64_t disk_bytes) {
    const PackageRecord p = package_of(tx, c.username);
    AccountUsage u{c.username, p.name, {}, {}, {}, {}, {}};
    const int64_t disk_mb = (disk_bytes + (1 << 20) - 1) >> 20;
    u.items = {{"domains", c.domains, p.max_domains},
               {"databases", c.databases, p.max_databases},
               {"ftp_accounts", c.ftp_accounts, p.max_ftp_accounts},
               {"cron_jobs", c.cron_jobs, p.max_cron_jobs},
               {"disk_mb", disk_mb, p.disk_quota_mb}};
    for (const auto& item : u.items) {
        if (item.limit < 0) continue;
        if (item.used > item.limit) u.over_limit.push_back(item.name);
        if (item.used * 100 >= item.limit * kNearLimitPercent) u.near_limit.push_back(item.name);
    }
    return u;
}

Result<std::vector<AccountUsage>> read_usage(PanelContext& ctx,
                                             const std::optional<std::string>& username,
                                             const std::map<std::string, int64_t>& disk) {
    return ctx.db.read([&](const ReadTx& tx) -> Result<std::vector<AccountUsage>> {
        std::vector<AccountUsage> out;
        for (const auto& c : UsageRepo::counts(tx, username)) {
            auto it = disk.find(c.username);
            out.push_back(usage_of(tx, c, it == disk.end() ? 0 : it->second));
        }
        return out;
    });
}

// How many failed cron runs and login attempts one account's usage lists.
constexpr int64_t kRecentItems = 5;

}  // namespace

Result<AccountUsage> account_usage(PanelContext& ctx, DiskUsage& disk, const Caller& caller,
                                   const std::string& username) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    TRY(bool exists, ctx.db.read([&](const ReadTx& tx) -> Result<bool> {
        return UserRepo::find(tx, username).has_value();
    }));
    if (!exists) return not_found("User not found");
    TRY(int64_t bytes, disk.bytes(username));
    TRY(auto found, read_usage(ctx, username, {{username, bytes}}));
    if (found.empty()) return not_found("User not found");
    AccountUsage u = std::move(found.front());
    CHECK_OK(ctx.db.read([&](const ReadTx& tx) -> Result<void> {
        u.cron_failures = CronRepo::recent_failures(tx, username, kRecentItems);
        u.logins = AuditRepo::logins(tx, username, kRecentItems);
        return Ok{};
    }));
    return u;
}

Result<std::vector<AccountUsage>> all_usage(PanelContext& ctx, const DiskUsage& disk,
                                            const Caller& caller) {
    if (!caller.is_admin()) return read_usage(ctx, caller.username, disk.known());
    return read_usage(ctx, std::nullopt, disk.known());
}

}  // namespace wsp
