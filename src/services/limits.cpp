#include "services/limits.h"

#include "store/account_repos.h"

namespace wsp {

PackageRecord package_of(const ReadTx& tx, const std::string& owner) {
    auto user = UserRepo::find(tx, owner);
    if (user)
        if (auto p = PackageRepo::find(tx, user->package)) return *p;
    if (auto p = PackageRepo::find(tx, "default")) return *p;
    return PackageRecord{"default"};
}

Result<void> ensure_below_limit(const ReadTx& tx, const std::string& owner, Limit limit,
                                int64_t current) {
    return ensure_below_limit(package_of(tx, owner), limit, current);
}

Result<void> ensure_below_limit(const PackageRecord& p, Limit limit, int64_t current) {
    int64_t max = 0;
    const char* what = "";
    switch (limit) {
        case Limit::domains:
            max = p.max_domains, what = "Domain";
            break;
        case Limit::databases:
            max = p.max_databases, what = "Database";
            break;
        case Limit::ftp_accounts:
            max = p.max_ftp_accounts, what = "FTP account";
            break;
        case Limit::cron_jobs:
            max = p.max_cron_jobs, what = "Cron job";
            break;
        case Limit::database_users:
            max = p.max_database_users, what = "Database user";
            break;
    }
    if (max >= 0 && current >= max)
        return forbidden(std::string(what) + " limit reached (" + std::to_string(max) + ")");
    return Ok{};
}

}  // namespace wsp
