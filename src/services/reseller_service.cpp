#include "services/reseller_service.h"

#include "base/clock.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

Result<void> ensure_admin_or_self(const Caller& caller, const std::string& username) {
    if (caller.is_admin() || caller.username == username) return Ok{};
    return forbidden("Access denied");
}

// Where a reseller's customers may go: another reseller or an admin.
Result<UserRecord> target_of(const ReadTx& tx, const std::string& to, const char* field) {
    auto t = UserRepo::find(tx, to);
    if (!t || (t->role != Role::reseller && t->role != Role::admin))
        return validation(std::string(field) + ": '" + to + "' is not a reseller or an admin");
    return *t;
}

}  // namespace

Result<ResellerView> ResellerService::view(const ReadTx& tx, const std::string& username) {
    auto user = UserRepo::find(tx, username);
    auto limits = ResellerRepo::find(tx, username);
    if (!user || !limits) return not_found("Reseller not found");
    ResellerView v{*user, *limits, allocated_by(tx, username), 0};
    v.users_count = v.allocated.users;
    return v;
}

Result<std::vector<ResellerView>> ResellerService::list(const Caller& caller) {
    CHECK_OK(ensure_admin(caller));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<ResellerView>> {
        std::vector<ResellerView> out;
        for (const auto& r : ResellerRepo::list(tx)) {
            TRY(auto v, view(tx, r.username));
            out.push_back(std::move(v));
        }
        return out;
    });
}

Result<UserRecord> ResellerService::create(const Caller& caller, const NewUser& input) {
    CHECK_OK(ensure_admin(caller));
    if (input.username.empty() || input.email.empty() || input.password.empty())
        return validation("Username, email, and password are required");
    NewUser as_reseller = input;
    as_reseller.role = "reseller";
    as_reseller.package = "default";
    return users_.create(caller.username, as_reseller);
}

Result<ResellerView> ResellerService::get(const Caller& caller, const std::string& username) {
    CHECK_OK(ensure_admin_or_self(caller, username));
    return ctx_.db.read([&](const ReadTx& tx) { return view(tx, username); });
}

Result<ResellerView> ResellerService::set_limits(const Caller& caller, const std::string& username,
                                                 const ResellerLimits& l) {
    CHECK_OK(ensure_admin(caller));
    return ctx_.db.write([&](WriteTx& tx) -> Result<ResellerView> {
        auto r = ResellerRepo::find(tx, username);
        if (!r) return not_found("Reseller not found");
        struct Field {
            const char* name;
            const std::optional<int64_t>& value;
            int64_t& target;
        };
        Field fields[] = {{"max_users", l.max_users, r->max_users},
                          {"max_domains", l.max_domains, r->max_domains},
                          {"max_databases", l.max_databases, r->max_databases},
                          {"max_ftp_accounts", l.max_ftp_accounts, r->max_ftp_accounts},
                          {"max_cron_jobs", l.max_cron_jobs, r->max_cron_jobs},
                          {"disk_quota_mb", l.disk_quota_mb, r->disk_quota_mb}};
        for (auto& f : fields) {
            if (!f.value) continue;
            if (*f.value < -1)
                return validation(std::string(f.name) + " must be -1 (unlimited) or more");
            f.target = *f.value;
        }
        // Never below what the customers' packages already promise.
        for (const auto& item : allocation_items(*r, allocated_by(tx, username))) {
            if (item.limit < 0) continue;
            if (item.allocated < 0 || item.allocated > item.limit)
                return conflict(item.name + " (" + std::to_string(item.limit) +
                                ") is below what the reseller's customers' packages hold (" +
                                (item.allocated < 0 ? std::string("unlimited")
                                                    : std::to_string(item.allocated)) +
                                ")");
        }
        r->updated_at = ctx_.clock.now_unix();
        ResellerRepo::update(tx, *r);
        return view(tx, username);
    });
}

Result<ResellerUsage> ResellerService::usage(const Caller& caller, const std::string& username) {
    CHECK_OK(ensure_admin_or_self(caller, username));
    TRY(auto v, ctx_.db.read([&](const ReadTx& tx) { return view(tx, username); }));
    TRY(auto customers, users(caller, username));
    ResellerUsage out{username, {}, {}};
    int64_t domains = 0, databases = 0, ftp = 0, cron = 0;
    // The customers' usage, read as the admin would (the caller may act for
    // them all: it is the admin or their reseller).
    Caller reader = caller;
    reader.role = Role::admin;
    for (const auto& c : customers) {
        TRY(auto u, account_usage(ctx_, reader, c.username));
        for (const auto& item : u.items) {
            if (item.name == "domains") domains += item.used;
            if (item.name == "databases") databases += item.used;
            if (item.name == "ftp_accounts") ftp += item.used;
            if (item.name == "cron_jobs") cron += item.used;
        }
        out.customers.push_back(std::move(u));
    }
    const Allocated& a = v.allocated;
    const ResellerRecord& r = v.limits;
    out.items = {{"users", static_cast<int64_t>(customers.size()), a.users, r.max_users},
                 {"domains", domains, a.domains, r.max_domains},
                 {"databases", databases, a.databases, r.max_databases},
                 {"ftp_accounts", ftp, a.ftp_accounts, r.max_ftp_accounts},
                 {"cron_jobs", cron, a.cron_jobs, r.max_cron_jobs},
                 {"disk_quota_mb", 0, a.disk_quota_mb, r.disk_quota_mb}};
    return out;
}

Result<std::vector<UserRecord>> ResellerService::users(const Caller& caller,
                                                       const std::string& username) {
    CHECK_OK(ensure_admin_or_self(caller, username));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<UserRecord>> {
        if (!ResellerRepo::find(tx, username)) return not_found("Reseller not found");
        return UserRepo::created_by(tx, username);
    });
}

Result<UserRecord> ResellerService::transfer(const Caller& caller, const std::string& username,
                                             const std::string& to,
                                             const std::optional<std::string>& package) {
    CHECK_OK(ensure_admin(caller));
    if (username.empty()) return validation("username is required");
    if (to.empty()) return validation("to is required");
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<UserRecord> {
        auto user = UserRepo::find(tx, username);
        if (!user) return not_found("User not found");
        if (user->role != Role::user)
            return validation("username: only a user account can be transferred");
        TRY(UserRecord target, target_of(tx, to, "to"));
        const std::string pkg = package.value_or(user->package);
        auto p = PackageRepo::find(tx, pkg);
        if (!p) return validation("package: '" + pkg + "' does not exist");
        // The package must be the new owner's: a reseller's own, or (for an
        // admin) one no reseller owns.
        const std::string wanted_owner = target.role == Role::reseller ? to : "";
        if (p->owner != wanted_owner)
            return validation("package: '" + pkg + "' is not one of " + to +
                              "'s packages; name one in \"package\"");
        user->creator = to;
        user->package = pkg;
        user->suspended_by.clear();
        user->updated_at = ctx_.clock.now_unix();
        UserRepo::update(tx, *user);
        CHECK_OK(ensure_within_allocation(tx, to));
        return *user;
    });
    if (result.ok()) ctx_.index.put_user(*result);
    return result;
}

Result<ResellerRemoved> ResellerService::remove(const Caller& caller, const std::string& username,
                                                const std::optional<std::string>& reassign_to) {
    CHECK_OK(ensure_admin(caller));
    CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
    ResellerRemoved out;
    // Its customers (and the packages they are on) go first, in one
    // transaction checked against the new owner's allocation.
    auto moved = ctx_.db.write([&](WriteTx& tx) -> Result<std::vector<UserRecord>> {
        if (!ResellerRepo::find(tx, username)) return not_found("Reseller not found");
        auto customers = UserRepo::created_by(tx, username);
        if (customers.empty()) return customers;
        if (!reassign_to || reassign_to->empty())
            return conflict("Reseller has " + std::to_string(customers.size()) +
                            " customer(s): pass ?reassign_to=<reseller or admin> to move them");
        if (*reassign_to == username)
            return validation("reassign_to: must name another reseller or an admin");
        TRY(UserRecord target, target_of(tx, *reassign_to, "reassign_to"));
        const std::string new_owner = target.role == Role::reseller ? *reassign_to : "";
        for (const auto& p : PackageRepo::list(tx))
            if (p.owner == username) PackageRepo::set_owner(tx, p.name, new_owner);
        for (auto& c : customers) {
            c.creator = *reassign_to;
            c.suspended_by.clear();
            c.updated_at = ctx_.clock.now_unix();
            UserRepo::update(tx, c);
        }
        CHECK_OK(ensure_within_allocation(tx, *reassign_to));
        return customers;
    });
    if (!moved.ok()) return moved.error();
    for (const auto& c : *moved) ctx_.index.put_user(c);
    out.reassigned = static_cast<int64_t>(moved->size());
    TRY(out.removed, users_.remove(caller, username));
    return out;
}

Result<std::vector<ResellerUsage>> ResellerService::dashboard(const Caller& caller) {
    std::vector<ResellerUsage> out;
    if (caller.is_reseller()) {
        TRY(auto u, usage(caller, caller.username));
        out.push_back(std::move(u));
        return out;
    }
    CHECK_OK(ensure_admin(caller));
    TRY(auto all, list(caller));
    for (const auto& v : all) {
        TRY(auto u, usage(caller, v.user.username));
        out.push_back(std::move(u));
    }
    return out;
}

}  // namespace wsp
