// Times as the API writes them: RFC 3339 with the server's offset, "Z" for
// UTC, the product's "never" sentinel, and the file manager's local format.
#include "base/clock.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <optional>
#include <regex>
#include <string>

namespace wsp {
namespace {

// Sets TZ for one test and puts the old value back.
class WithTimeZone {
  public:
    explicit WithTimeZone(const char* tz) {
        if (const char* old = std::getenv("TZ")) old_ = old;
        ::setenv("TZ", tz, 1);
        ::tzset();
    }
    ~WithTimeZone() {
        if (old_)
            ::setenv("TZ", old_->c_str(), 1);
        else
            ::unsetenv("TZ");
        ::tzset();
    }

  private:
    std::optional<std::string> old_;
};

constexpr int64_t kSample = 1779101076;  // 2026-05-18T10:44:36Z

TEST(Clock, Rfc3339WithPositiveOffset) {
    WithTimeZone tz("<+07>-7");  // POSIX: seven hours east of UTC
    EXPECT_EQ(rfc3339(kSample), "2026-05-18T17:44:36+07:00");
    EXPECT_EQ(rfc3339(0), "1970-01-01T07:00:00+07:00");
}

TEST(Clock, Rfc3339WithNegativeAndHalfHourOffsets) {
    {
        WithTimeZone tz("<-0530>5:30");
        EXPECT_EQ(rfc3339(kSample), "2026-05-18T05:14:36-05:30");
    }
    {
        WithTimeZone tz("<+0545>-5:45");
        EXPECT_EQ(rfc3339(kSample), "2026-05-18T16:29:36+05:45");
    }
}

TEST(Clock, Rfc3339UtcIsZ) {
    WithTimeZone tz("UTC0");
    EXPECT_EQ(rfc3339(kSample), "2026-05-18T10:44:36Z");
}

TEST(Clock, Rfc3339ShapeInTheMachinesZone) {
    static const std::regex shape(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$)");
    EXPECT_TRUE(std::regex_match(rfc3339(now_unix()), shape)) << rfc3339(now_unix());
}

// The digit-by-digit formatting against strftime, as rfc3339 was written
// before: every zone shape (east, west, half and quarter hours, DST, UTC)
// over times from 1900 to 2200.
std::string rfc3339_by_strftime(int64_t unix_seconds) {
    time_t t = static_cast<time_t>(unix_seconds);
    struct tm tm {};
    localtime_r(&t, &tm);
    char buf[64];
    size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);
    std::string s(buf, n);
    std::string offset = s.substr(s.size() - 5);
    s.resize(s.size() - 5);
    if (offset == "+0000") return s + "Z";
    return s + offset.substr(0, 3) + ":" + offset.substr(3);
}

TEST(Clock, Rfc3339MatchesStrftime) {
    for (const char* zone : {"UTC0", "<+07>-7", "<-0530>5:30", "<+0545>-5:45",
                             "CET-1CEST,M3.5.0,M10.5.0/3", "EST5EDT,M3.2.0,M11.1.0"}) {
        WithTimeZone tz(zone);
        for (int64_t t = -2208988800; t < 7258118400; t += 86400 * 97 + 3607)
            ASSERT_EQ(rfc3339(t), rfc3339_by_strftime(t)) << zone << " " << t;
        ASSERT_EQ(rfc3339(kSample), rfc3339_by_strftime(kSample)) << zone;
    }
}

TEST(Clock, NeverSentinel) {
    EXPECT_STREQ(kNever, "0001-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339_or_never(0), "0001-01-01T00:00:00Z");
    WithTimeZone tz("UTC0");
    EXPECT_EQ(rfc3339_or_never(kSample), "2026-05-18T10:44:36Z");
}

TEST(Clock, LocalDatetime) {
    WithTimeZone tz("<+07>-7");
    EXPECT_EQ(local_datetime(kSample), "2026-05-18 17:44:36");
}

TEST(Clock, NowIsTheSystemClock) {
    int64_t before = static_cast<int64_t>(::time(nullptr));
    int64_t now = now_unix();
    EXPECT_GE(now, before);
    EXPECT_LE(now, before + 2);
}

}  // namespace
}  // namespace wsp
