#include "services/user_service.h"
#include "services/events.h"

#include "base/clock.h"
#include "base/names.h"
#include "base/secrets.h"
#include "services/allocation.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

Result<Role> validate_role(const std::string& role) {
    if (auto r = enum_from<Role>(kRoleNames, role)) return *r;
    return validation("Invalid role (" + enum_choices<Role>(kRoleNames) + ")");
}

Result<void> ensure_package_exists(const ReadTx& tx, const std::string& name) {
    if (!PackageRepo::find(tx, name)) return validation("Package '" + name + "' does not exist");
    return Ok{};
}

// A reseller gives its customers its own packages only.
Result<void> ensure_package_of(const ReadTx& tx, const std::string& reseller,
                               const std::string& name) {
    auto p = PackageRepo::find(tx, name);
    if (!p) return validation("Package '" + name + "' does not exist");
    if (p->owner != reseller)
        return forbidden("Package '" + name + "' is not one of your packages");
    return Ok{};
}

// What an admin (or a reseller for its customers) may do to another account.
Result<void> ensure_manages(const Caller& caller, const std::string& username) {
    if (caller.is_admin()) return Ok{};
    if (caller.is_reseller() && caller.username != username && caller.may_act_for(username))
        return Ok{};
    return forbidden("Admin privileges required");
}

}  // namespace

Result<std::vector<UserRecord>> UserService::list(const Caller& caller) {
    TRY(auto all, list_page(caller, PageSpec{}));
    return std::move(all.items);
}

Result<Paged<UserRecord>> UserService::list_page(const Caller& caller, const PageSpec& page) {
    if (caller.is_reseller()) {
        // A reseller: itself and its customers.
        return ctx_.db.read([&](const ReadTx& tx) -> Result<Paged<UserRecord>> {
            return Paged<UserRecord>{UserRepo::page_of_reseller(tx, caller.username, page),
                                     UserRepo::count_of_reseller(tx, caller.username)};
        });
    }
    CHECK_OK(ensure_admin(caller));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<Paged<UserRecord>> {
        return Paged<UserRecord>{UserRepo::page(tx, page), UserRepo::count(tx)};
    });
}

Result<UserRecord> UserService::get(const Caller& caller, const std::string& username) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<UserRecord> {
        auto user = UserRepo::find(tx, username);
        // A user asking about another account learns nothing about it.
        if (!caller.may_act_for(username)) return forbidden("Access denied");
        if (!user) return not_found("User not found");
        return *user;
    });
}

Result<UserRecord> UserService::create(const Caller& caller, const NewUser& input) {
    if (caller.is_reseller()) {
        // A reseller's customers: users on one of its own packages, within
        // its allocation (checked in create's transaction).
        if (input.role && *input.role != "user")
            return forbidden("A reseller may create users only");
        if (!input.package || input.package->empty())
            return validation("package is required (one of your packages)");
        return create(caller.username, input);
    }
    CHECK_OK(ensure_admin(caller));
    return create(caller.username, input);
}

Result<UserRecord> UserService::create(const std::string& creator, const NewUser& input) {
    TRY(std::string username, validate_username(input.username));
    TRY(std::string email, validate_email(input.email));
    TRY(std::string password, validate_password(input.password));
    TRY(Role role, validate_role(input.role.value_or("user")));
    // GET /resellers/dashboard is a route of its own (docs/resellers.md).
    if (role == Role::reseller && username == "dashboard")
        return validation("Username 'dashboard' is reserved for resellers");
    TRY(std::string hash, hash_password(password));
    UserRecord user{username,
                    email,
                    hash,
                    role,
                    AccountStatus::active,
                    creator,
                    input.package.value_or("default"),
                    ctx_.clock.now_unix(),
                    ctx_.clock.now_unix()};
    bool home_made = false;
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<UserRecord> {
        if (UserRepo::find(tx, username)) return conflict("User already exists");
        CHECK_OK(ensure_package_exists(tx, user.package));
        if (is_reseller(tx, creator)) {
            CHECK_OK(ensure_package_of(tx, creator, user.package));
            CHECK_OK(ensure_within_allocation(tx, creator, Candidate{username, user.package}));
        }
        UserRepo::insert(tx, user);
        // The home exists before the account is committed; if the commit
        // fails the home is removed below, so neither outlives the other.
        CHECK_OK(ctx_.identity.assign_ids(tx, username));
        CHECK_OK(ctx_.identity.create_home(username));
        home_made = true;
        return user;
    });
    if (!result.ok()) {
        if (home_made) (void)ctx_.identity.remove_home(username);
        return result.error();
    }
    ctx_.index.put_user(user);
    for (const auto& listener : account_listeners_) listener(user);
    emit_event(ctx_, "user.created", username,
               {{"username", username}, {"role", name_of(role)}, {"package", user.package}});
    return user;
}

Result<UserRecord> UserService::update(const Caller& caller, const std::string& username,
                                       const UserChanges& changes) {
    if (!caller.is_admin()) {
        if (!caller.may_act_for(username)) return forbidden("Access denied");
        // A reseller changes its customers' packages, never a role.
        if (changes.role || (changes.package && caller.username == username))
            return forbidden("Only an admin may change role or package");
    }
    std::optional<std::string> new_hash;
    if (changes.password) {
        // A session must have proved its password lately (keys are exempt).
        CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
        // One's own password needs the current one: a key scoped "users"
        // (or a stolen session) must not be able to turn itself into a
        // login. An admin resetting another account's password needs none.
        if (caller.username == username) CHECK_OK(check_current_password(username, changes));
        TRY(std::string password, validate_password(*changes.password));
        TRY(new_hash, hash_password(password));
    }
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<UserRecord> {
        auto user = UserRepo::find(tx, username);
        if (!user) return not_found("User not found");
        if (changes.email) {
            TRY(user->email, validate_email(*changes.email));
        }
        if (new_hash) user->password_hash = *new_hash;
        if (changes.role) {
            TRY(Role role, validate_role(*changes.role));
            if ((role == Role::reseller) != (user->role == Role::reseller))
                return validation(
                    "role: a reseller is made and removed through /resellers (docs/resellers.md)");
            if (role != Role::admin) CHECK_OK(ensure_not_last_admin(tx, *user));
            user->role = role;
        }
        if (changes.package) {
            CHECK_OK(ensure_package_exists(tx, *changes.package));
            if (caller.is_reseller())
                CHECK_OK(ensure_package_of(tx, caller.username, *changes.package));
            // A reseller's customer stays within its reseller's allocation.
            CHECK_OK(
                ensure_within_allocation(tx, user->creator, Candidate{username, *changes.package}));
            user->package = *changes.package;
        }
        user->updated_at = ctx_.clock.now_unix();
        UserRepo::update(tx, *user);
        // A new password ends the account's other sessions (the caller's
        // own stays); API keys stay (docs/security.md).
        if (new_hash) SessionRepo::remove_all_of_except(tx, username, caller.session_hash);
        return *user;
    });
    if (!result.ok()) return result;
    ctx_.index.put_user(*result);
    if (new_hash) ctx_.index.remove_sessions_of(username, caller.session_hash);
    for (const auto& listener : account_listeners_) listener(*result);
    emit_event(ctx_, "user.updated", username, {{"username", username}});
    return result;
}

Result<void> UserService::check_current_password(const std::string& username,
                                                 const UserChanges& changes) {
    if (!changes.current_password || changes.current_password->empty())
        return validation("current_password is required to change your own password");
    TRY(std::string stored, ctx_.db.read([&](const ReadTx& tx) -> Result<std::string> {
        auto user = UserRepo::find(tx, username);
        if (!user) return not_found("User not found");
        return user->password_hash;
    }));
    if (!verify_password(*changes.current_password, stored))
        return forbidden("Current password is incorrect");
    return Ok{};
}

Result<UserRecord> UserService::set_status(const Caller& caller, const std::string& username,
                                           AccountStatus status) {
    if (status == AccountStatus::suspended && username == caller.username &&
        (caller.is_admin() || caller.is_reseller()))
        return validation("You cannot suspend your own account");
    CHECK_OK(ensure_manages(caller, username));
    // The account first, then (for a reseller) its customers: suspending it
    // suspends those still active and marks them; reinstating it reinstates
    // only the marked ones (docs/resellers.md).
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<std::vector<UserRecord>> {
        auto user = UserRepo::find(tx, username);
        if (!user) return not_found("User not found");
        if (status == AccountStatus::suspended) CHECK_OK(ensure_not_last_admin(tx, *user));
        const int64_t now = ctx_.clock.now_unix();
        user->status = status;
        user->suspended_by.clear();
        user->updated_at = now;
        UserRepo::update(tx, *user);
        std::vector<UserRecord> changed{*user};
        if (user->role != Role::reseller) return changed;
        for (auto& c : UserRepo::created_by(tx, username)) {
            if (status == AccountStatus::suspended && c.status == AccountStatus::active) {
                c.status = AccountStatus::suspended;
                c.suspended_by = username;
            } else if (status == AccountStatus::active && c.status == AccountStatus::suspended &&
                       c.suspended_by == username) {
                c.status = AccountStatus::active;
                c.suspended_by.clear();
            } else {
                continue;
            }
            c.updated_at = now;
            UserRepo::update(tx, c);
            changed.push_back(c);
        }
        return changed;
    });
    if (!result.ok()) return result.error();
    for (const auto& u : *result) {
        ctx_.index.put_user(u);
        for (const auto& listener : status_listeners_) listener(u.username, u.status);
        emit_event(ctx_,
                   u.status == AccountStatus::suspended ? "user.suspended" : "user.unsuspended",
                   u.username, {{"username", u.username}});
    }
    return result->front();
}

Result<Removed> UserService::remove(const Caller& caller, const std::string& username) {
    if (username == caller.username && (caller.is_admin() || caller.is_reseller()))
        return validation("You cannot delete your own account");
    CHECK_OK(ensure_manages(caller, username));
    CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
    TRY(UserRecord user, ctx_.db.read([&](const ReadTx& tx) -> Result<UserRecord> {
        auto u = UserRepo::find(tx, username);
        if (!u) return not_found("User not found");
        CHECK_OK(ensure_not_last_admin(tx, *u));
        if (u->role == Role::reseller) {
            auto customers = UserRepo::created_by(tx, username).size();
            if (customers > 0)
                return conflict("Reseller has " + std::to_string(customers) +
                                " customer(s): delete them, or delete the reseller through "
                                "/resellers/" +
                                username + " with ?reassign_to=");
        }
        return *u;
    }));
    Removed removed;
    // Items in managed components go first: if one fails the account still
    // exists, so the admin can see what is left and retry.
    for (OwnerCleanup* cleanup : cleanups_) {
        TRY(removed[cleanup->removed_key()], cleanup->remove_all_of(username));
    }
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        // A customer made meanwhile keeps its reseller (checked again here,
        // where nothing else can write).
        if (user.role == Role::reseller && !UserRepo::created_by(tx, username).empty())
            return conflict(
                "Reseller has customers: delete them, or delete the reseller "
                "through /resellers/" +
                username + " with ?reassign_to=");
        removed["api_keys"] = ApiKeyRepo::remove_all_of(tx, username);
        removed["sessions"] = SessionRepo::remove_all_of(tx, username);
        int64_t domains = 0;
        for (const auto& d : DomainRepo::list(tx, username))
            domains += DomainRepo::remove(tx, d.domain);
        removed["domains"] = domains;
        UserRepo::remove(tx, username);
        PackageRepo::release_owned(tx, username);
        return Ok{};
    });
    if (!result.ok()) return result.error();
    ctx_.index.remove_user(username);
    CHECK_OK(ctx_.identity.remove_home(username));
    removed["home"] = 1;
    emit_event(ctx_, "user.deleted", username, {{"username", username}});
    return removed;
}

Result<void> UserService::set_password(const std::string& username, const std::string& password) {
    TRY(std::string valid, validate_password(password));
    TRY(std::string hash, hash_password(valid));
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto user = UserRepo::find(tx, username);
        if (!user) return not_found("User not found");
        user->password_hash = hash;
        user->updated_at = ctx_.clock.now_unix();
        UserRepo::update(tx, *user);
        return Ok{};
    });
}

// The panel always keeps one active admin, or nobody could manage it.
Result<void> UserService::ensure_not_last_admin(const ReadTx& tx, const UserRecord& user) {
    if (user.role != Role::admin || user.status != AccountStatus::active) return Ok{};
    int64_t active_admins = 0;
    for (const auto& u : UserRepo::list(tx))
        if (u.role == Role::admin && u.status == AccountStatus::active) ++active_admins;
    if (active_admins <= 1) return conflict("The last active admin cannot be removed or demoted");
    return Ok{};
}

}  // namespace wsp
