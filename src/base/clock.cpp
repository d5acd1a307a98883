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

namespace {
std::string rfc3339_uncached(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    localtime_r(&t, &tm);
    const int year = tm.tm_year + 1900;
    if (year < 0 || year > 9999) {
        // Out of the four-digit range: strftime's own %Y, as before.
        char buf[64];
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
    // Written digit by digit (strftime parses its format on every call; the
    // answers of the hottest routes carry these): the same text as
    // "%Y-%m-%dT%H:%M:%S%z" with the offset as "+hh:mm", "Z" for UTC.
    char buf[25];
    auto two = [](char* p, int v) {
        p[0] = static_cast<char>('0' + v / 10);
        p[1] = static_cast<char>('0' + v % 10);
    };
    two(buf, year / 100);
    two(buf + 2, year % 100);
    buf[4] = '-';
    two(buf + 5, tm.tm_mon + 1);
    buf[7] = '-';
    two(buf + 8, tm.tm_mday);
    buf[10] = 'T';
    two(buf + 11, tm.tm_hour);
    buf[13] = ':';
    two(buf + 14, tm.tm_min);
    buf[16] = ':';
    two(buf + 17, tm.tm_sec);
    // %z: the sign of tm_gmtoff, then whole hours and minutes (seconds of
    // an offset dropped, as strftime does).
    const long off = tm.tm_gmtoff;
    const long minutes = (off < 0 ? -off : off) / 60;
    if (off >= 0 && minutes == 0) {  // "+0000"
        buf[19] = 'Z';
        return std::string(buf, 20);
    }
    buf[19] = off < 0 ? '-' : '+';
    two(buf + 20, static_cast<int>(minutes / 60 % 100));
    buf[22] = ':';
    two(buf + 23, static_cast<int>(minutes % 60));
    return std::string(buf, 25);
}
}  // namespace

// The thread's last answer is kept: answers repeat their time stamps (an
// account's created_at on every /auth/me), and localtime_r takes glibc's
// time-zone lock (~600 instructions). The zone is part of the key (what
// tzset last set: the offset, DST and the zone's names), so a process that
// changes TZ and calls tzset (the tests do) never gets a stale text.
std::string rfc3339(int64_t unix_seconds) {
    struct Zone {
        long offset;
        int dst;
        const char* names[2];
        bool operator==(const Zone&) const = default;
    };
    const auto zone_now = [] { return Zone{::timezone, ::daylight, {::tzname[0], ::tzname[1]}}; };
    struct Last {
        int64_t seconds = 0;
        Zone zone{};
        std::string text;
    };
    thread_local Last last;
    if (last.text.empty() || last.seconds != unix_seconds || !(last.zone == zone_now())) {
        last.text = rfc3339_uncached(unix_seconds);  // localtime_r sets the zone first
        last.seconds = unix_seconds;
        last.zone = zone_now();
    }
    return last.text;
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
