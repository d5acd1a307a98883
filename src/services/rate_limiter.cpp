#include "services/rate_limiter.h"

namespace wsp {

RateDecision RateLimiter::hit(const std::string& client, int64_t limit, int64_t now) {
    std::lock_guard lock(mutex_);
    Window& w = windows_[client];
    if (w.count == 0 || now >= w.start + window_) w = Window{now, 0};
    RateDecision d;
    d.limit = limit;
    d.reset_at = w.start + window_;
    if (w.count >= limit) {
        d.allowed = false;
        d.remaining = 0;
        return d;
    }
    ++w.count;
    d.remaining = limit - w.count;
    return d;
}

RateDecision RateLimiter::hit_account(const std::string& account, int64_t limit, int64_t now) {
    if (limit <= 0) return RateDecision{};
    // "a:" cannot clash with the tokens' ids ("k:", "s:") or login IPs.
    return hit("a:" + account, limit, now);
}

void RateLimiter::sweep(int64_t now) {
    std::lock_guard lock(mutex_);
    std::erase_if(windows_, [&](const auto& kv) { return now >= kv.second.start + window_; });
}

}  // namespace wsp
