#pragma once
// Login sessions (the web interface's way in) and "who am I".
#include <chrono>
#include <string>

#include "services/caller.h"
#include "services/login_throttle.h"
#include "services/panel.h"
#include "store/records.h"

namespace wsp {

struct LoginResult {
    std::string token;
    UserRecord user;
    int64_t expires_in = 0;
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
};

class AuthService {
  public:
    explicit AuthService(PanelContext& ctx)
        : ctx_(ctx),
          throttle_(ctx.config.auth.login_attempts_per_ip_per_minute,
                    ctx.config.auth.failures_before_slowdown) {}

    LoginOutcome login(const std::string& username, const std::string& password,
                       const std::string& client_ip);
    Result<void> logout(const std::string& bearer_token);
    Result<Me> me(const Caller& caller);
    void sweep(int64_t now) { throttle_.sweep(now); }

  private:
    PanelContext& ctx_;
    LoginThrottle throttle_;
};

}  // namespace wsp
