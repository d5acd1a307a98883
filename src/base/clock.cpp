#include "base/clock.h"

#include <ctime>

namespace wsp {

std::chrono::system_clock::time_point SystemClock::now() const {
    return std::chrono::system_clock::now();
}

std::chrono::steady_clock::time_point SystemClock::steady() const {
    return std::chrono::steady_clock::now();
}

const Clock& system_clock() {
    static const SystemClock clock;
    return clock;
}

int64_t now_unix() {
    return system_clock().now_unix();
}

std::string rfc3339(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[40];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    std::string s(buf, n);
    // strftime's %z is "+0700"; RFC 3339 wants "+07:00", and "Z" for UTC.
    if (s.size() >= 5) {
        std::string offset = s.substr(s.size() - 5);
        s.resize(s.size() - 5);
        if (offset == "+0000") return s + "Z";
        s += offset.substr(0, 3) + ":" + offset.substr(3);
    }
    return s;
}

std::string rfc3339_or_never(int64_t unix_seconds) {
    return unix_seconds == 0 ? std::string(kNever) : rfc3339(unix_seconds);
}

std::string local_datetime(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[32];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    return std::string(buf, n);
}

}  // namespace wsp
