#include "services/auth_service.h"

#include <algorithm>

#include "base/clock.h"
#include "base/secrets.h"
#include "services/limits.h"
#include "store/account_repos.h"

namespace wsp {

LoginOutcome AuthService::login(const std::string& username, const std::string& password,
                                const std::string& client_ip) {
    const int64_t now = ctx_.clock.now_unix();
    if (RateDecision ip = throttle_.attempt_from(client_ip, now); !ip.allowed)
        return {Error{Code::rate_limited, "Too many login attempts; try again later"},
                std::chrono::milliseconds(0), std::max<int64_t>(1, ip.reset_at - now)};
    if (username.empty() || password.empty())
        return {validation("Username and password are required")};
    auto delay = throttle_.delay_for(username, now);

    auto user = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UserRecord>> {
        return UserRepo::find(tx, username);
    });
    if (!user.ok()) return {user.error(), delay};
    // Unknown names are checked against a dummy hash, so both failures cost
    // the same time and give the same answer.
    const std::string& hash = user->has_value() ? (*user)->password_hash : dummy_password_hash();
    bool valid = verify_password(password, hash) && user->has_value();
    if (!valid) {
        throttle_.record_failure(username, now);
        return {unauthorized("Invalid credentials"), delay};
    }
    throttle_.record_success(username);
    const UserRecord& u = **user;
    if (u.status != AccountStatus::active) return {forbidden("Account suspended"), delay};

    LoginResult out;
    out.token = random_hex(32);
    out.user = u;
    out.expires_in = ctx_.config.auth.session_ttl_s;
    SessionRecord session{sha256_hex(out.token), u.username, client_ip, now, now + out.expires_in};
    auto saved = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        SessionRepo::remove_expired(tx, now);
        SessionRepo::insert(tx, session);
        return Ok{};
    });
    if (!saved.ok()) return {saved.error(), delay};
    ctx_.index.put_session(session);
    return {std::move(out), delay};
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
    return Me{*user, package.value_or(PackageRecord{"default"}),
              ctx_.identity.home_of(caller.username).string()};
}

}  // namespace wsp
