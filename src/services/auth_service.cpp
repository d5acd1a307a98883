#include "services/auth_service.h"
#include "services/events.h"

#include <algorithm>

#include "base/clock.h"
#include "base/secrets.h"
#include "services/limits.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

// A login-as session lasts at most an hour.
constexpr int64_t kImpersonationTtl = 3600;

}  // namespace

LoginOutcome AuthService::login(const LoginInput& in, const AuditContext& where) {
    const int64_t now = ctx_.clock.now_unix();
    if (RateDecision ip = throttle_.attempt_from(where.client_ip, now); !ip.allowed) {
        audit_.record_refusal(where, 429, nullptr, "/api/v1/auth/login");
        return {Error{Code::rate_limited, "Too many login attempts; try again later"},
                std::chrono::milliseconds(0), std::max<int64_t>(1, ip.reset_at - now)};
    }
    if (in.username.empty() || in.password.empty())
        return {validation("Username and password are required")};
    auto delay = throttle_.delay_for(in.username, now);

    auto user = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UserRecord>> {
        return UserRepo::find(tx, in.username);
    });
    if (!user.ok()) return {user.error(), delay};
    // Unknown names are checked against a dummy hash, so both failures cost
    // the same time and give the same answer.
    const std::string& hash = user->has_value() ? (*user)->password_hash : dummy_password_hash();
    bool valid = verify_password(in.password, hash) && user->has_value();
    if (!valid) {
        throttle_.record_failure(in.username, now);
        // An unknown name is not recorded as typed: people type passwords
        // into the username field.
        audit_.record_anonymous(user->has_value() ? in.username : "", where, "auth.login_failed",
                                user->has_value() ? "password" : "unknown user", "failed");
        // Admins' webhooks only; an unknown name is not repeated there either.
        emit_event(ctx_, "login.failed", user->has_value() ? in.username : "",
                   {{"username", user->has_value() ? in.username : ""}, {"ip", where.client_ip}});
        return {unauthorized("Invalid credentials"), delay};
    }
    const UserRecord& u = **user;
    if (ctx_.index.two_factor(u.username)) {
        if (!in.totp_code || in.totp_code->empty()) {
            LoginResult challenge;
            challenge.requires_2fa = true;
            return {std::move(challenge), delay};
        }
        auto second = security_.check_second_factor(u.username, *in.totp_code);
        if (!second.ok()) return {second.error(), delay};
        if (!*second) {
            // Wrong (or replayed) codes count like wrong passwords.
            throttle_.record_failure(in.username, now);
            audit_.record_anonymous(u.username, where, "auth.login_failed", "second factor",
                                    "failed");
            return {unauthorized("Invalid two-factor code"), delay};
        }
    }
    throttle_.record_success(in.username);
    if (u.status != AccountStatus::active) {
        audit_.record_anonymous(u.username, where, "auth.login_failed", "suspended", "failed");
        return {forbidden("Account suspended"), delay};
    }
    auto opened = open_session(u, where, in.user_agent, in.force, "", now);
    if (!opened.ok()) return {opened.error(), delay};
    audit_.record_anonymous(u.username, where, "auth.login",
                            ctx_.index.two_factor(u.username) ? "password+2fa" : "password", "ok");
    return {std::move(opened), delay};
}

Result<LoginResult> AuthService::open_session(const UserRecord& u, const AuditContext& where,
                                              const std::string& user_agent, bool force,
                                              const std::string& impersonated_by, int64_t now) {
    LoginResult out;
    out.token = random_hex(32);
    out.user = u;
    out.expires_in = impersonated_by.empty()
                         ? ctx_.config.auth.session_ttl_s
                         : std::min(ctx_.config.auth.session_ttl_s, kImpersonationTtl);
    out.impersonated_by = impersonated_by;
    out.must_enroll_2fa = impersonated_by.empty() &&
                          security_.two_factor_required(u.username, u.role) &&
                          !ctx_.index.two_factor(u.username);
    SessionRecord session{sha256_hex(out.token), u.username, where.client_ip, now,
                          now + out.expires_in, user_agent.substr(0, 256),
                          // A login is a password proof; a login-as is not
                          // the account's, so it is never fresh.
                          impersonated_by.empty() ? now : 0, impersonated_by};
    auto saved = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        SessionRepo::remove_expired(tx, now);
        if (force) SessionRepo::remove_all_of(tx, u.username);
        SessionRepo::insert(tx, session);
        return Ok{};
    });
    if (!saved.ok()) return saved.error();
    if (force) ctx_.index.remove_sessions_of(u.username, "");
    ctx_.index.put_session(session);
    return out;
}

Result<void> AuthService::logout(const std::string& bearer_token) {
    const std::string hash = sha256_hex(bearer_token);
    auto removed =
        ctx_.db.write([&](WriteTx& tx) -> Result<bool> { return SessionRepo::remove(tx, hash); });
    if (!removed.ok()) return removed.error();
    ctx_.index.remove_session(hash);
    // An API key has no session to end; logging out with one is a no-op.
    return Ok{};
}

// From the in-memory index: the hottest authenticated route costs no
// database round trip.
Result<Me> AuthService::me(const Caller& caller) {
    auto user = ctx_.index.user(caller.username);
    if (!user) return unauthorized("Invalid or expired API key");
    auto package = ctx_.index.package(user->package);
    if (!package) package = ctx_.index.package("default");
    // Moved, not copied (this is /auth/me, the hottest route).
    return Me{std::move(*user), package ? std::move(*package) : PackageRecord{"default"},
              ctx_.identity.home_text(caller.username), caller.impersonated_by,
              ctx_.index.two_factor(caller.username)};
}

LoginOutcome AuthService::reauth(const Caller& caller, const std::string& password,
                                 const std::optional<std::string>& totp_code,
                                 const AuditContext& where) {
    const int64_t now = ctx_.clock.now_unix();
    if (caller.session_hash.empty())
        return {validation("Re-authentication applies to sessions; API keys need none")};
    if (!caller.impersonated_by.empty())
        return {forbidden("A login-as session cannot re-authenticate as the account")};
    if (password.empty()) return {validation("password is required")};
    if (RateDecision ip = throttle_.attempt_from(where.client_ip, now); !ip.allowed) {
        audit_.record_refusal(where, 429, &caller, "/api/v1/auth/reauth");
        return {Error{Code::rate_limited, "Too many attempts; try again later"},
                std::chrono::milliseconds(0), std::max<int64_t>(1, ip.reset_at - now)};
    }
    auto delay = throttle_.delay_for(caller.username, now);
    auto hash = ctx_.db.read([&](const ReadTx& tx) -> Result<std::string> {
        auto u = UserRepo::find(tx, caller.username);
        if (!u) return unauthorized("Invalid credentials");
        return u->password_hash;
    });
    if (!hash.ok()) return {hash.error(), delay};
    if (!verify_password(password, *hash)) {
        throttle_.record_failure(caller.username, now);
        audit_.record(caller, where, "auth.reauth_failed", "password", 401);
        return {unauthorized("Invalid credentials"), delay};
    }
    if (ctx_.index.two_factor(caller.username)) {
        if (!totp_code || totp_code->empty())
            return {validation("totp_code is required: two-factor authentication is enabled"),
                    delay};
        auto second = security_.check_second_factor(caller.username, *totp_code);
        if (!second.ok()) return {second.error(), delay};
        if (!*second) {
            throttle_.record_failure(caller.username, now);
            audit_.record(caller, where, "auth.reauth_failed", "second factor", 401);
            return {unauthorized("Invalid two-factor code"), delay};
        }
    }
    throttle_.record_success(caller.username);
    auto session = ctx_.index.session(caller.session_hash);
    if (!session) return {unauthorized("Invalid or expired session"), delay};
    auto saved = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        SessionRepo::set_reauth_at(tx, caller.session_hash, now);
        return Ok{};
    });
    if (!saved.ok()) return {saved.error(), delay};
    session->reauth_at = now;
    ctx_.index.put_session(*session);
    audit_.record(caller, where, "auth.reauth", "session:" + caller.session_id(), 200);
    LoginResult out;
    out.expires_in = ctx_.config.auth.reauth_ttl_s;
    return {std::move(out), delay};
}

Result<LoginResult> AuthService::login_as(const Caller& caller, const std::string& username,
                                          const std::string& user_agent,
                                          const AuditContext& where) {
    // An admin, or a reseller for its own customers (docs/resellers.md).
    if (!caller.is_reseller()) CHECK_OK(ensure_admin(caller));
    if (!caller.may_act_for(username)) return forbidden("Access denied");
    if (!caller.impersonated_by.empty())
        return forbidden("A login-as session cannot log in as another account");
    const int64_t now = ctx_.clock.now_unix();
    CHECK_OK(ensure_recent_auth(caller, now, ctx_.config.auth.reauth_ttl_s));
    if (username == caller.username) return validation("You are already logged in as yourself");
    TRY(auto user, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UserRecord>> {
        return UserRepo::find(tx, username);
    }));
    if (!user) return not_found("User not found");
    if (user->status != AccountStatus::active) return forbidden("Account suspended");
    TRY(LoginResult out, open_session(*user, where, user_agent, false, caller.username, now));
    audit_.record(caller, where, "auth.impersonate", "user:" + username, 200);
    return out;
}

}  // namespace wsp
