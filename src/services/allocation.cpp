#include "services/allocation.h"

#include "services/limits.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

// -1 (unlimited) makes the whole sum unlimited.
void add(int64_t& sum, int64_t value) {
    if (sum < 0) return;
    sum = value < 0 ? -1 : sum + value;
}

void add_package(Allocated& a, const PackageRecord& p) {
    add(a.users, 1);
    add(a.domains, p.max_domains);
    add(a.databases, p.max_databases);
    add(a.ftp_accounts, p.max_ftp_accounts);
    add(a.cron_jobs, p.max_cron_jobs);
    add(a.disk_quota_mb, p.disk_quota_mb);
}

PackageRecord package_named(const ReadTx& tx, const std::string& name) {
    if (auto p = PackageRepo::find(tx, name)) return *p;
    return package_of(tx, "");
}

}  // namespace

bool is_reseller(const ReadTx& tx, const std::string& owner) {
    return ResellerRepo::find(tx, owner).has_value();
}

Allocated allocated_by(const ReadTx& tx, const std::string& reseller,
                       const std::optional<Candidate>& candidate) {
    Allocated a;
    for (const auto& u : UserRepo::created_by(tx, reseller)) {
        if (candidate && u.username == candidate->username) continue;
        add_package(a, package_named(tx, u.package));
    }
    if (candidate) add_package(a, package_named(tx, candidate->package));
    return a;
}

std::vector<AllocationItem> allocation_items(const ResellerRecord& r, const Allocated& a) {
    return {{"max_users", a.users, r.max_users},
            {"max_domains", a.domains, r.max_domains},
            {"max_databases", a.databases, r.max_databases},
            {"max_ftp_accounts", a.ftp_accounts, r.max_ftp_accounts},
            {"max_cron_jobs", a.cron_jobs, r.max_cron_jobs},
            {"disk_quota_mb", a.disk_quota_mb, r.disk_quota_mb}};
}

Result<void> ensure_within_allocation(const ReadTx& tx, const std::string& reseller,
                                      const std::optional<Candidate>& candidate) {
    auto r = ResellerRepo::find(tx, reseller);
    if (!r) return Ok{};
    for (const auto& item : allocation_items(*r, allocated_by(tx, reseller, candidate))) {
        if (item.limit < 0) continue;
        // An unlimited package cannot fit a limited allocation.
        if (item.allocated < 0 || item.allocated > item.limit)
            return forbidden("Reseller limit reached: " + item.name + " (" +
                             std::to_string(item.limit) + ")");
    }
    return Ok{};
}

}  // namespace wsp
