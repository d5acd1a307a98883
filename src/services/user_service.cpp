#include "services/user_service.h"
#include "services/events.h"

#include "base/clock.h"
#include "base/names.h"
#include "base/secrets.h"
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

}  // namespace

Result<std::vector<UserRecord>> UserService::list(const Caller& caller) {
    CHECK_OK(ensure_admin(caller));
    return ctx_.db.read(
        [&](const ReadTx& tx) -> Result<std::vector<UserRecord>> { return UserRepo::list(tx); });
}

Result<UserRecord> UserService::get(const Caller& caller, const std::string& username) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<UserRecord> {
        auto user = UserRepo::find(tx, username);
        // A user asking about another account learns nothing about it.
        if (!caller.is_admin() && caller.username != username) return forbidden("Access denied");
        if (!user) return not_found("User not found");
        return *user;
    });
}

Result<UserRecord> UserService::create(const Caller& caller, const NewUser& input) {
    CHECK_OK(ensure_admin(caller));
    return create(caller.username, input);
}

Result<UserRecord> UserService::create(const std::string& creator, const NewUser& input) {
    TRY(std::string username, validate_username(input.username));
    TRY(std::string email, validate_email(input.email));
    TRY(std::string password, validate_password(input.password));
    TRY(Role role, validate_role(input.role.value_or("user")));
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
        if (caller.username != username) return forbidden("Access denied");
        if (changes.role || changes.package)
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
            if (role != Role::admin) CHECK_OK(ensure_not_last_admin(tx, *user));
            user->role = role;
        }
        if (changes.package) {
            CHECK_OK(ensure_package_exists(tx, *changes.package));
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
    CHECK_OK(ensure_admin(caller));
    if (status == AccountStatus::suspended && username == caller.username)
        return validation("You cannot suspend your own account");
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<UserRecord> {
        auto user = UserRepo::find(tx, username);
        if (!user) return not_found("User not found");
        if (status == AccountStatus::suspended) CHECK_OK(ensure_not_last_admin(tx, *user));
        user->status = status;
        user->updated_at = ctx_.clock.now_unix();
        UserRepo::update(tx, *user);
        return *user;
    });
    if (!result.ok()) return result;
    ctx_.index.put_user(*result);
    for (const auto& listener : status_listeners_) listener(username, status);
    emit_event(ctx_, status == AccountStatus::suspended ? "user.suspended" : "user.unsuspended",
               username, {{"username", username}});
    return result;
}

Result<Removed> UserService::remove(const Caller& caller, const std::string& username) {
    CHECK_OK(ensure_admin(caller));
    if (username == caller.username) return validation("You cannot delete your own account");
    CHECK_OK(ensure_recent_auth(caller, ctx_.clock.now_unix(), ctx_.config.auth.reauth_ttl_s));
    TRY(UserRecord user, ctx_.db.read([&](const ReadTx& tx) -> Result<UserRecord> {
        auto u = UserRepo::find(tx, username);
        if (!u) return not_found("User not found");
        CHECK_OK(ensure_not_last_admin(tx, *u));
        return *u;
    }));
    Removed removed;
    // Items in managed components go first: if one fails the account still
    // exists, so the admin can see what is left and retry.
    for (OwnerCleanup* cleanup : cleanups_) {
        TRY(removed[cleanup->removed_key()], cleanup->remove_all_of(username));
    }
    auto result = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        removed["api_keys"] = ApiKeyRepo::remove_all_of(tx, username);
        removed["sessions"] = SessionRepo::remove_all_of(tx, username);
        int64_t domains = 0;
        for (const auto& d : DomainRepo::list(tx, username))
            domains += DomainRepo::remove(tx, d.domain);
        removed["domains"] = domains;
        UserRepo::remove(tx, username);
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
