#pragma once
// Password guessing defences: a per-IP cap on attempts per minute, and a
// growing delay per account name after repeated failures. The account side
// is keyed by the name as typed, existing or not, so it leaks nothing.
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "services/rate_limiter.h"

namespace wsp {

class LoginThrottle {
  public:
    LoginThrottle(int64_t attempts_per_ip_per_minute, int64_t failures_before_slowdown)
        : per_ip_(attempts_per_ip_per_minute), free_failures_(failures_before_slowdown) {}

    RateDecision attempt_from(const std::string& ip, int64_t now) {
        return ip_limiter_.hit(ip, per_ip_, now);
    }

    // How long to hold the answer for this account name: 0 until
    // failures_before_slowdown failures, then 0.5 s doubling up to 8 s.
    std::chrono::milliseconds delay_for(const std::string& username, int64_t now);
    void record_failure(const std::string& username, int64_t now);
    void record_success(const std::string& username);
    void sweep(int64_t now);

  private:
    struct Failures {
        int64_t count = 0;
        int64_t last = 0;
    };
    int64_t per_ip_;
    int64_t free_failures_;
    RateLimiter ip_limiter_;
    std::mutex mutex_;
    std::unordered_map<std::string, Failures> failures_;
};

}  // namespace wsp
