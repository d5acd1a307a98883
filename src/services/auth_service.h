#pragma once
// Login sessions (the web interface's way in), two-factor login,
// re-authentication, login-as and "who am I".
#include <chrono>
#include <optional>
#include <string>

#include "services/audit_service.h"
#include "services/caller.h"
#include "services/login_throttle.h"
#include "services/panel.h"
#include "services/security_service.h"
#include "store/records.h"

namespace wsp {

struct LoginInput {
    std::string username;
    std::string password;
    std::optional<std::string> totp_code;  // a TOTP or recovery code
    bool force = false;                    // end the account's other sessions
    std::string user_agent;
};

struct LoginResult {
    // Set: the password was right but the account needs its second factor
    // (no token was made).
    bool requires_2fa = false;
    std::string token;
    UserRecord user;
    int64_t expires_in = 0;
    // auth.require_2fa covers the account but it has no 2FA yet: the
    // session may only enrol (and log out) until it does.
    bool must_enroll_2fa = false;
    std::string impersonated_by;
};

struct LoginOutcome {
    Result<LoginResult> result;
    // Hold the answer this long (failures slow the next tries of that name).
    std::chrono::milliseconds delay{0};
    // Seconds until the client's address may try again (its per-minute
    // attempts are used up); 0 otherwise. Sent as Retry-After.
    int64_t retry_after = 0;
};

struct Me {
    UserRecord user;
    PackageRecord package;
    std::string home_dir;
    std::string impersonated_by;
    bool two_factor_enabled = false;
};

class AuthService {
  public:
    AuthService(PanelContext& ctx, AuditService& audit, SecurityService& security)
        : ctx_(ctx),
          audit_(audit),
          security_(security),
          throttle_(ctx.config.auth.login_attempts_per_ip_per_minute,
                    ctx.config.auth.failures_before_slowdown) {}

    LoginOutcome login(const LoginInput& input, const AuditContext& where);
    Result<void> logout(const std::string& bearer_token);
    Result<Me> me(const Caller& caller);
    // Marks the caller's session fresh (auth.reauth_ttl_s) after checking
    // its password (and second factor when the account has 2FA).
    LoginOutcome reauth(const Caller& caller, const std::string& password,
                        const std::optional<std::string>& totp_code, const AuditContext& where);
    // An admin gets a session for `username`, marked as impersonated.
    Result<LoginResult> login_as(const Caller& caller, const std::string& username,
                                 const std::string& user_agent, const AuditContext& where);
    void sweep(int64_t now) { throttle_.sweep(now); }

  private:
    Result<LoginResult> open_session(const UserRecord& user, const AuditContext& where,
                                     const std::string& user_agent, bool force,
                                     const std::string& impersonated_by, int64_t now);

    PanelContext& ctx_;
    AuditService& audit_;
    SecurityService& security_;
    LoginThrottle throttle_;
};

}  // namespace wsp
