// Table-driven tests of the cron parser and next-run computation: known
// next-run times (leap years, month ends, names, the day-of-month /
// day-of-week rule, daylight-saving days in two zones) and the exact error
// message for each kind of bad field.
#include "drivers/cron_expr.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>
#include <string>

namespace wsp {
namespace {

// "2026-03-08T03:00:00-04:00" -> Unix seconds (offset required; "Z" is UTC).
int64_t at(const std::string& s) {
    struct tm tm {};
    const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
    EXPECT_NE(rest, nullptr) << s;
    int64_t t = timegm(&tm);
    std::string off = rest ? rest : "Z";
    if (off == "Z") return t;
    int sign = off[0] == '-' ? -1 : 1;
    int hours = std::stoi(off.substr(1, 2)), minutes = std::stoi(off.substr(4, 2));
    return t - sign * (hours * 3600 + minutes * 60);
}

std::string utc(int64_t t) {
    time_t tt = static_cast<time_t>(t);
    struct tm tm {};
    gmtime_r(&tt, &tm);
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Sets TZ for one test and puts the old one back.
class ZoneGuard {
  public:
    explicit ZoneGuard(const char* zone) {
        if (const char* old = std::getenv("TZ")) old_ = old, had_ = true;
        setenv("TZ", zone, 1);
        tzset();
    }
    ~ZoneGuard() {
        if (had_)
            setenv("TZ", old_.c_str(), 1);
        else
            unsetenv("TZ");
        tzset();
    }

  private:
    std::string old_;
    bool had_ = false;
};

struct NextCase {
    const char* zone;
    const char* expr;
    const char* after;
    const char* expected;  // "" for none
};

const NextCase kNext[] = {
    // basics
    {"UTC", "* * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z"},
    {"UTC", "* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z"},
    {"UTC", "*/5 * * * *", "2026-01-01T00:03:00Z", "2026-01-01T00:05:00Z"},
    {"UTC", "*/5 * * * *", "2026-01-01T00:55:00Z", "2026-01-01T01:00:00Z"},
    {"UTC", "1-30/7 * * * *", "2026-01-01T00:09:00Z", "2026-01-01T00:15:00Z"},
    {"UTC", "1-30/7 * * * *", "2026-01-01T00:29:00Z", "2026-01-01T01:01:00Z"},
    {"UTC", "5/15 * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:05:00Z"},
    {"UTC", "5/15 * * * *", "2026-01-01T00:50:00Z", "2026-01-01T01:05:00Z"},
    {"UTC", "0,30 9-17/4 * * *", "2026-01-01T09:30:00Z", "2026-01-01T13:00:00Z"},
    {"UTC", "0 3 * * *", "2026-01-01T03:00:00Z", "2026-01-02T03:00:00Z"},
    {"UTC", "0 3 * * *", "2026-01-01T02:59:59Z", "2026-01-01T03:00:00Z"},
    // month ends, year ends, leap years
    {"UTC", "0 0 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z"},
    {"UTC", "0 0 1 1 *", "2026-12-31T23:59:59Z", "2027-01-01T00:00:00Z"},
    {"UTC", "59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z"},
    {"UTC", "0 0 29 2 *", "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z"},
    {"UTC", "0 0 29 2 *", "2028-02-29T00:00:00Z", "2032-02-29T00:00:00Z"},
    {"UTC", "0 0 29 2 *", "2096-03-01T00:00:00Z", "2104-02-29T00:00:00Z"},  // 2100 is no leap year
    {"UTC", "0 0 28 2 *", "2028-02-28T00:00:00Z", "2029-02-28T00:00:00Z"},
    {"UTC", "0 0 30 2 1", "2026-02-01T00:00:00Z", "2026-02-02T00:00:00Z"},  // OR: Mondays
    // names, 0 and 7 both Sunday (2026-01-01 is a Thursday)
    {"UTC", "0 12 * * mon-fri", "2026-01-03T00:00:00Z", "2026-01-05T12:00:00Z"},
    {"UTC", "0 12 * * MON-FRI", "2026-01-02T12:00:00Z", "2026-01-05T12:00:00Z"},
    {"UTC", "0 0 * * 0", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
    {"UTC", "0 0 * * 7", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
    {"UTC", "0 0 * * sun", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
    {"UTC", "0 0 * * 5-7", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
    {"UTC", "0 0 1 jan,jul *", "2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z"},
    {"UTC", "0 0 1 Jul-Aug *", "2026-07-01T00:00:00Z", "2026-08-01T00:00:00Z"},
    {"UTC", "0 0 * feb sat", "2026-01-01T00:00:00Z", "2026-02-07T00:00:00Z"},
    // day-of-month OR day-of-week when both are restricted
    {"UTC", "0 0 13 * fri", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
    {"UTC", "0 0 13 * fri", "2026-01-10T00:00:00Z", "2026-01-13T00:00:00Z"},
    {"UTC", "30 4 1,15 * 5", "2026-01-01T05:00:00Z", "2026-01-02T04:30:00Z"},
    // ... but AND when either starts with '*' (cronie)
    {"UTC", "0 0 */2 * fri", "2026-01-01T00:00:00Z", "2026-01-09T00:00:00Z"},
    {"UTC", "0 0 13 * *", "2026-01-01T00:00:00Z", "2026-01-13T00:00:00Z"},
    // macros
    {"UTC", "@hourly", "2026-01-01T00:00:00Z", "2026-01-01T01:00:00Z"},
    {"UTC", "@daily", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
    {"UTC", "@midnight", "2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z"},
    {"UTC", "@weekly", "2026-01-01T00:00:00Z", "2026-01-04T00:00:00Z"},
    {"UTC", "@monthly", "2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z"},
    {"UTC", "@yearly", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
    {"UTC", "@annually", "2026-06-01T00:00:00Z", "2027-01-01T00:00:00Z"},
    // a non-UTC zone without DST
    {"Asia/Bangkok", "0 3 * * *", "2026-05-18T00:00:00+07:00", "2026-05-18T03:00:00+07:00"},
    // New York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z).
    // A fixed job in the skipped hour runs once, at the jump.
    {"America/New_York", "30 2 * * *", "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00"},
    {"America/New_York", "30 2 * * *", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"},
    {"America/New_York", "15 2 * * *", "2026-03-07T03:00:00-05:00", "2026-03-08T03:00:00-04:00"},
    {"America/New_York", "0 3 * * *", "2026-03-08T00:00:00-05:00", "2026-03-08T03:00:00-04:00"},
    {"America/New_York", "0 3 * * *", "2026-03-08T03:00:00-04:00", "2026-03-09T03:00:00-04:00"},
    // A wildcard job just runs at the times that exist.
    {"America/New_York", "*/30 * * * *", "2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00"},
    {"America/New_York", "* 2 * * *", "2026-03-08T00:00:00-05:00", "2026-03-09T02:00:00-04:00"},
    // Fall back 2026-11-01 02:00 EDT -> 01:00 EST: a fixed job runs in the
    // first pass only, a wildcard job in both.
    {"America/New_York", "30 1 * * *", "2026-11-01T00:00:00-04:00", "2026-11-01T01:30:00-04:00"},
    {"America/New_York", "30 1 * * *", "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"},
    {"America/New_York", "*/30 * * * *", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00"},
    {"America/New_York", "*/30 * * * *", "2026-11-01T01:00:00-05:00", "2026-11-01T01:30:00-05:00"},
    {"America/New_York", "0 * * * *", "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00"},
    {"America/New_York", "0 2 * * *", "2026-11-01T01:30:00-05:00", "2026-11-01T02:00:00-05:00"},
    // Berlin, spring forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z).
    {"Europe/Berlin", "30 2 * * *", "2026-03-29T00:00:00+01:00", "2026-03-29T03:00:00+02:00"},
    {"Europe/Berlin", "30 2 * * *", "2026-10-25T00:00:00+02:00", "2026-10-25T02:30:00+02:00"},
    {"Europe/Berlin", "30 2 * * *", "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00"},
    // Jobs due rarely, found by calendar arithmetic (issue 24): yearly,
    // Feb 29 (and Feb 29 OR Mondays), a yearly date in a DST gap (runs at
    // the jump) and in a repeated hour (first pass only).
    {"America/New_York", "@yearly", "2026-03-08T00:00:00-05:00", "2027-01-01T00:00:00-05:00"},
    {"America/New_York", "0 0 29 2 *", "2026-03-01T00:00:00-05:00", "2028-02-29T00:00:00-05:00"},
    {"America/New_York", "0 0 29 2 *", "2028-02-29T00:00:00-05:00", "2032-02-29T00:00:00-05:00"},
    {"Europe/Berlin", "0 0 29 2 1", "2027-03-01T00:00:00+01:00", "2028-02-07T00:00:00+01:00"},
    {"America/New_York", "30 2 8 3 *", "2026-01-01T00:00:00-05:00", "2026-03-08T03:00:00-04:00"},
    {"America/New_York", "30 2 8 3 *", "2026-03-08T03:00:00-04:00", "2027-03-08T02:30:00-05:00"},
    {"Europe/Berlin", "30 2 29 3 *", "2026-01-01T00:00:00+01:00", "2026-03-29T03:00:00+02:00"},
    {"America/New_York", "30 1 1 11 *", "2026-10-01T00:00:00-04:00", "2026-11-01T01:30:00-04:00"},
    {"America/New_York", "30 1 1 11 *", "2026-11-01T01:30:00-04:00", "2027-11-01T01:30:00-04:00"},
    // Lord Howe Island moves its clock by 30 minutes: spring forward
    // 2026-10-04 02:00 -> 02:30, fall back 2026-04-05 02:00 -> 01:30.
    {"Australia/Lord_Howe", "15 2 * * *", "2026-10-04T00:00:00+10:30", "2026-10-04T02:30:00+11:00"},
    {"Australia/Lord_Howe", "45 1 * * *", "2026-04-05T00:00:00+11:00", "2026-04-05T01:45:00+11:00"},
    {"Australia/Lord_Howe", "45 1 * * *", "2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"},
    {"Australia/Lord_Howe", "*/15 * * * *", "2026-04-05T01:45:00+11:00",
     "2026-04-05T01:30:00+10:30"},
};

TEST(CronExprNext, KnownTimes) {
    for (const NextCase& c : kNext) {
        ZoneGuard zone(c.zone);
        auto e = CronExpr::parse(c.expr);
        ASSERT_TRUE(e.ok()) << c.expr << ": " << e.error().message;
        auto next = e->next_after(at(c.after));
        ASSERT_TRUE(next.has_value()) << c.expr << " after " << c.after;
        EXPECT_EQ(utc(*next), utc(at(c.expected)))
            << c.zone << " '" << c.expr << "' after " << c.after;
    }
}

// Walking a whole DST day run by run: each fixed job exactly once a day.
TEST(CronExprNext, FixedJobRunsOncePerDayAcrossDstChanges) {
    ZoneGuard zone("America/New_York");
    for (const char* expr : {"30 2 * * *", "30 1 * * *", "0 0 * * *"}) {
        auto e = CronExpr::parse(expr);
        ASSERT_TRUE(e.ok());
        for (const char* day : {"2026-03-07T12:00:00-05:00", "2026-10-31T12:00:00-04:00"}) {
            int64_t t = at(day);
            int runs = 0;
            for (int64_t n = *e->next_after(t); n < t + 3 * 86400; n = *e->next_after(n)) ++runs;
            EXPECT_EQ(runs, 3) << expr << " from " << day;
        }
    }
}

TEST(CronExprNext, EveryMinuteRunsEveryRealMinute) {
    ZoneGuard zone("America/New_York");
    auto e = CronExpr::parse("* * * * *");
    ASSERT_TRUE(e.ok());
    int64_t t = at("2026-11-01T00:00:00-04:00");
    int runs = 0;
    for (int64_t n = *e->next_after(t); n <= t + 3 * 3600; n = *e->next_after(n)) ++runs;
    EXPECT_EQ(runs, 180);  // 3 real hours, the repeated one included
}

// A wildcard job runs at every real minute whose wall clock matches: a
// minute-by-minute walk with localtime_r over days with DST changes (gaps
// and repeats of 60 and 30 minutes) finds the same runs as next_after's
// calendar arithmetic and cached offsets.
TEST(CronExprNext, WildcardJobsAgreeWithAMinuteByMinuteWalk) {
    struct Window {
        const char* zone;
        const char* from;
    };
    const Window windows[] = {{"America/New_York", "2026-03-07T12:00:00-05:00"},
                              {"America/New_York", "2026-10-31T12:00:00-04:00"},
                              {"Australia/Lord_Howe", "2026-04-04T12:00:00+11:00"},
                              {"Australia/Lord_Howe", "2026-10-03T12:00:00+10:30"},
                              {"Europe/Berlin", "2026-03-28T12:00:00+01:00"}};
    for (const Window& w : windows) {
        ZoneGuard zone(w.zone);
        for (const char* text : {"*/7 * * * *", "* 2 * * *", "15,45 */2 * * *", "*/10 1-3 * * 0"}) {
            auto e = CronExpr::parse(text);
            ASSERT_TRUE(e.ok());
            const int64_t from = at(w.from);
            int64_t expected = from;
            for (int64_t t = from + 60; t < from + 2 * 86400; t += 60) {
                time_t tt = static_cast<time_t>(t);
                struct tm lt {};
                localtime_r(&tt, &lt);
                if (!e->matches(lt.tm_min, lt.tm_hour, lt.tm_mday, lt.tm_mon, lt.tm_wday)) continue;
                auto next = e->next_after(expected);
                ASSERT_TRUE(next.has_value());
                ASSERT_EQ(utc(*next), utc(t))
                    << w.zone << " '" << text << "' after " << utc(expected);
                expected = t;
            }
        }
    }
}

// A fixed job due once a year is found without walking the days between
// (issue 24: 100,000 of them are scheduled at start); from every day of a
// year its next run is the same date.
TEST(CronExprNext, YearlyJobFromEveryDayOfTheYear) {
    ZoneGuard zone("Europe/Berlin");
    auto e = CronExpr::parse("5 3 1 1 *");
    ASSERT_TRUE(e.ok());
    const int64_t first = at("2026-01-01T03:05:00+01:00");
    const int64_t second = at("2027-01-01T03:05:00+01:00");
    for (int64_t t = first; t < second; t += 86400 + 37)
        EXPECT_EQ(utc(*e->next_after(t)), utc(second)) << utc(t);
}

TEST(CronExprMatch, ZeroAndSevenAreSunday) {
    for (const char* expr : {"* * * * 0", "* * * * 7", "* * * * SUN", "* * * * 6-7"}) {
        auto e = CronExpr::parse(expr);
        ASSERT_TRUE(e.ok()) << expr;
        EXPECT_TRUE(e->matches(0, 0, 4, 0, 0)) << expr;
    }
}

TEST(CronExprMatch, WildcardFlagFollowsCronie) {
    EXPECT_TRUE(CronExpr::parse("* 3 * * *")->is_wildcard());
    EXPECT_TRUE(CronExpr::parse("0 */2 * * *")->is_wildcard());
    EXPECT_TRUE(CronExpr::parse("@hourly")->is_wildcard());
    EXPECT_FALSE(CronExpr::parse("0 3 * * *")->is_wildcard());
    EXPECT_FALSE(CronExpr::parse("@daily")->is_wildcard());
}

struct BadCase {
    const char* expr;
    const char* message;
};

const BadCase kBad[] = {
    {"61 * * * *", "minute: 61 is out of range 0-59"},
    {"* 24 * * *", "hour: 24 is out of range 0-23"},
    {"* * 0 * *", "day-of-month: 0 is out of range 1-31"},
    {"* * 32 * *", "day-of-month: 32 is out of range 1-31"},
    {"* * * 0 *", "month: 0 is out of range 1-12"},
    {"* * * 13 *", "month: 13 is out of range 1-12"},
    {"* * * * 8", "day-of-week: 8 is out of range 0-7"},
    {"0-60 * * * *", "minute: 60 is out of range 0-59"},
    {"99999999999 * * * *", "minute: 999999... is out of range 0-59"},
    {"x * * * *", "minute: 'x' is not a number"},
    {"* mon * * *", "hour: 'mon' is not a number"},
    {"* * * foo *", "month: 'foo' is not a number or a month name"},
    {"* * * january *", "month: 'january' is not a number or a month name"},
    {"* * * * funday", "day-of-week: 'funday' is not a number or a day name"},
    {"* * * * jan", "day-of-week: 'jan' is not a number or a day name"},
    {"*/0 * * * *", "minute: step 0 is out of range 1-59"},
    {"*/60 * * * *", "minute: step 60 is out of range 1-59"},
    {"*/a * * * *", "minute: step 'a' is not a number"},
    {"*/ * * * *", "minute: step '' is not a number"},
    {"5-3 * * * *", "minute: range 5-3 goes backwards"},
    {"* * * dec-jan *", "month: range dec-jan goes backwards"},
    {"1,,2 * * * *", "minute: empty item in list"},
    {"1, * * * *", "minute: empty item in list"},
    {"/5 * * * *", "minute: missing value before '/5'"},
    {"-5 * * * *", "minute: '' is not a number"},
    {"* * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 4"},
    {"* * * * * *", "expected 5 fields (minute hour day-of-month month day-of-week), got 6"},
    {"", "expected 5 fields (minute hour day-of-month month day-of-week), got 0"},
    {"@reboot", "@reboot is not supported"},
    {"@often", "unknown macro '@often'"},
    {"0 0 30 2 *", "day-of-month: day 30 never occurs in the chosen month(s)"},
    {"0 0 31 4,6,9,11 *", "day-of-month: day 31 never occurs in the chosen month(s)"},
};

TEST(CronExprParse, ErrorsNameTheFieldAndWhy) {
    for (const BadCase& c : kBad) {
        auto e = CronExpr::parse(c.expr);
        ASSERT_FALSE(e.ok()) << "'" << c.expr << "' parsed";
        EXPECT_EQ(e.error().message, c.message) << "'" << c.expr << "'";
        EXPECT_EQ(e.error().code, Code::validation);
    }
}

TEST(CronExprParse, AcceptsTheClassicForms) {
    for (const char* expr :
         {"* * * * *", "0 0 1 1 *", "*/15 0-23/2 1-31 1-12 0-7", "0 0 * JAN-MAR SUN", "0 0 29 2 *",
          "0 0 30 2 1", "  0   3  *  *  *  ", "0\t3\t*\t*\t*", "1,2,3-5,10-20/5 * * * *", "@hourly",
          "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"}) {
        auto e = CronExpr::parse(expr);
        EXPECT_TRUE(e.ok()) << "'" << expr << "': " << (e.ok() ? "" : e.error().message);
    }
}

TEST(CronExprParse, LongInputIsRefused) {
    auto e = CronExpr::parse(std::string(300, '1'));
    ASSERT_FALSE(e.ok());
    EXPECT_EQ(e.error().message, "expression is longer than 256 characters");
}

}  // namespace
}  // namespace wsp
