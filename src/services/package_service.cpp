#include "services/package_service.h"

#include "base/clock.h"
#include "base/names.h"
#include "services/allocation.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

// Applies the given limits; each must be -1 (unlimited) or more.
Result<void> apply(PackageRecord& p, const PackageLimits& l) {
    struct Field {
        const char* name;
        const std::optional<int64_t>& value;
        int64_t& target;
    };
    Field fields[] = {{"max_domains", l.max_domains, p.max_domains},
                      {"max_databases", l.max_databases, p.max_databases},
                      {"max_ftp_accounts", l.max_ftp_accounts, p.max_ftp_accounts},
                      {"max_cron_jobs", l.max_cron_jobs, p.max_cron_jobs},
                      {"disk_quota_mb", l.disk_quota_mb, p.disk_quota_mb},
                      {"max_backups_kept", l.max_backups_kept, p.max_backups_kept},
                      {"max_database_users", l.max_database_users, p.max_database_users}};
    for (auto& f : fields) {
        if (!f.value) continue;
        if (*f.value < -1)
            return validation(std::string(f.name) + " must be -1 (unlimited) or more");
        f.target = *f.value;
    }
    if (l.require_2fa) p.require_2fa = *l.require_2fa;
    if (l.sftp) p.sftp = *l.sftp;
    return Ok{};
}

// An admin manages every package, a reseller the ones it made.
Result<void> ensure_manages(const Caller& caller, const PackageRecord& p) {
    if (caller.is_admin()) return Ok{};
    if (caller.is_reseller() && p.owner == caller.username) return Ok{};
    return forbidden("Access denied");
}

}  // namespace

Result<std::vector<PackageRecord>> PackageService::list(const Caller& caller) {
    if (!caller.is_reseller()) CHECK_OK(ensure_admin(caller));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<PackageRecord>> {
        auto all = PackageRepo::list(tx);
        if (caller.is_admin()) return all;
        std::vector<PackageRecord> mine;
        for (auto& p : all)
            if (p.owner == caller.username) mine.push_back(std::move(p));
        return mine;
    });
}

Result<PackageRecord> PackageService::get(const Caller& caller, const std::string& name) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<PackageRecord> {
        auto p = PackageRepo::find(tx, name);
        if (!caller.is_admin() && !(caller.is_reseller() && p && p->owner == caller.username)) {
            auto me = UserRepo::find(tx, caller.username);
            if (!me || me->package != name) return forbidden("Access denied");
        }
        if (!p) return not_found("Package not found");
        return *p;
    });
}

Result<PackageRecord> PackageService::create(const Caller& caller, const std::string& name,
                                             const PackageLimits& limits) {
    if (!caller.is_reseller()) CHECK_OK(ensure_admin(caller));
    TRY(std::string valid, validate_package_name(name));
    PackageRecord p{valid};
    if (caller.is_reseller()) p.owner = caller.username;
    p.created_at = p.updated_at = ctx_.clock.now_unix();
    CHECK_OK(apply(p, limits));
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<PackageRecord> {
        if (PackageRepo::find(tx, valid)) return conflict("Package already exists");
        PackageRepo::insert(tx, p);
        return p;
    });
    if (result.ok()) ctx_.index.put_package(*result);
    return result;
}

Result<PackageRecord> PackageService::update(const Caller& caller, const std::string& name,
                                             const PackageLimits& limits) {
    if (!caller.is_reseller()) CHECK_OK(ensure_admin(caller));
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<PackageRecord> {
        auto p = PackageRepo::find(tx, name);
        if (!p) return not_found("Package not found");
        CHECK_OK(ensure_manages(caller, *p));
        CHECK_OK(apply(*p, limits));
        p->updated_at = ctx_.clock.now_unix();
        PackageRepo::update(tx, *p);
        // A reseller's package raised past its allocation is refused (the
        // update rolls back with the error).
        if (!p->owner.empty()) CHECK_OK(ensure_within_allocation(tx, p->owner));
        return *p;
    });
    if (result.ok()) {
        ctx_.index.put_package(*result);
        for (const auto& listener : listeners_) listener(*result);
    }
    return result;
}

Result<void> PackageService::remove(const Caller& caller, const std::string& name) {
    if (!caller.is_reseller()) CHECK_OK(ensure_admin(caller));
    if (name == "default") return validation("The default package cannot be deleted");
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto p = PackageRepo::find(tx, name);
        if (!p) return not_found("Package not found");
        CHECK_OK(ensure_manages(caller, *p));
        int64_t users = PackageRepo::users_on(tx, name);
        if (users > 0)
            return conflict("Package is assigned to " + std::to_string(users) + " user(s)");
        PackageRepo::remove(tx, name);
        return Ok{};
    });
    if (result.ok()) ctx_.index.remove_package(name);
    return result;
}

}  // namespace wsp
