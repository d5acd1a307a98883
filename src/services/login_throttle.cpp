#include "services/login_throttle.h"

#include <algorithm>

namespace wsp {
namespace {
// Failures older than this are forgotten.
constexpr int64_t kFailureMemorySeconds = 15 * 60;
}  // namespace

std::chrono::milliseconds LoginThrottle::delay_for(const std::string& username, int64_t now) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(username);
    if (it == failures_.end() || now - it->second.last > kFailureMemorySeconds)
        return std::chrono::milliseconds(0);
    int64_t over = it->second.count - free_failures_;
    if (over < 0) return std::chrono::milliseconds(0);
    int64_t ms = 500LL << std::min<int64_t>(over, 4);
    return std::chrono::milliseconds(std::min<int64_t>(ms, 8000));
}

void LoginThrottle::record_failure(const std::string& username, int64_t now) {
    std::lock_guard lock(mutex_);
    Failures& f = failures_[username];
    if (now - f.last > kFailureMemorySeconds) f.count = 0;
    ++f.count;
    f.last = now;
}

void LoginThrottle::record_success(const std::string& username) {
    std::lock_guard lock(mutex_);
    failures_.erase(username);
}

void LoginThrottle::sweep(int64_t now) {
    ip_limiter_.sweep(now);
    std::lock_guard lock(mutex_);
    std::erase_if(failures_,
                  [&](const auto& kv) { return now - kv.second.last > kFailureMemorySeconds; });
}

}  // namespace wsp
