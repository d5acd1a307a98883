#include "services/usage.h"

#include "services/limits.h"
#include "store/account_repos.h"
#include "store/usage_repo.h"

namespace wsp {
namespace {

AccountUsage usage_of(const ReadTx& tx, const UsageCounts& c) {
    const PackageRecord p = package_of(tx, c.username);
    AccountUsage u{c.username, p.name, {}, {}, {}};
    u.items = {{"domains", c.domains, p.max_domains},
               {"databases", c.databases, p.max_databases},
               {"ftp_accounts", c.ftp_accounts, p.max_ftp_accounts},
               {"cron_jobs", c.cron_jobs, p.max_cron_jobs}};
    for (const auto& item : u.items) {
        if (item.limit < 0) continue;
        if (item.used > item.limit) u.over_limit.push_back(item.name);
        if (item.used * 100 >= item.limit * kNearLimitPercent) u.near_limit.push_back(item.name);
    }
    return u;
}

Result<std::vector<AccountUsage>> read_usage(PanelContext& ctx,
                                             const std::optional<std::string>& username) {
    return ctx.db.read([&](const ReadTx& tx) -> Result<std::vector<AccountUsage>> {
        std::vector<AccountUsage> out;
        for (const auto& c : UsageRepo::counts(tx, username)) out.push_back(usage_of(tx, c));
        return out;
    });
}

}  // namespace

Result<AccountUsage> account_usage(PanelContext& ctx, const Caller& caller,
                                   const std::string& username) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    TRY(auto found, read_usage(ctx, username));
    if (found.empty()) return not_found("User not found");
    return found.front();
}

Result<std::vector<AccountUsage>> all_usage(PanelContext& ctx, const Caller& caller) {
    if (!caller.is_admin()) return read_usage(ctx, caller.username);
    return read_usage(ctx, std::nullopt);
}

}  // namespace wsp
