#pragma once
// Fixed one-minute windows per client (API key, session, or login IP). A
// window opens at a client's first request and closes 60 s later; Reset is
// that moment. One mutex: correct under concurrent requests.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wsp {

struct RateDecision {
    bool allowed = true;
    int64_t limit = 0;
    int64_t remaining = 0;
    int64_t reset_at = 0;  // Unix seconds
};

class RateLimiter {
  public:
    explicit RateLimiter(int64_t window_seconds = 60) : window_(window_seconds) {}

    // Counts one request of `client` against `limit` per window.
    RateDecision hit(const std::string& client, int64_t limit, int64_t now);

    // Counts one request of any token of `account` against the account's
    // ceiling per window (`limit` 0: no ceiling, always allowed). Its own
    // windows, apart from the tokens'.
    RateDecision hit_account(const std::string& account, int64_t limit, int64_t now);

    // Drops windows that closed before `now`, so the map stays small.
    void sweep(int64_t now);

  private:
    struct Window {
        int64_t start = 0;
        int64_t count = 0;
    };
    int64_t window_;
    std::mutex mutex_;
    std::unordered_map<std::string, Window> windows_;
};

}  // namespace wsp
