#include "drivers/cron_expr.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <utility>
#include <vector>

namespace wsp {
namespace {

constexpr std::array<const char*, 12> kMonthNames = {"jan", "feb", "mar", "apr", "may", "jun",
                                                     "jul", "aug", "sep", "oct", "nov", "dec"};
constexpr std::array<const char*, 7> kDayNames = {"sun", "mon", "tue", "wed", "thu", "fri", "sat"};

struct FieldSpec {
    const char* name;
    int lo;
    int hi;
    const char* const* names;  // null: numbers only
    int name_count;
    int name_base;  // the number of names[0]
    const char* name_kind;
};

const FieldSpec kFields[5] = {
    {"minute", 0, 59, nullptr, 0, 0, ""},
    {"hour", 0, 23, nullptr, 0, 0, ""},
    {"day-of-month", 1, 31, nullptr, 0, 0, ""},
    {"month", 1, 12, kMonthNames.data(), 12, 1, "a month name"},
    {"day-of-week", 0, 7, kDayNames.data(), 7, 0, "a day name"},
};

// Bounded quoting of user text inside error messages.
std::string quoted(std::string_view s) {
    std::string out(1, '\'');
    out.append(s.substr(0, 20));
    if (s.size() > 20) out.append("...");
    out.push_back('\'');
    return out;
}

Error field_error(const FieldSpec& f, const std::string& why) {
    return validation(std::string(f.name) + ": " + why);
}

std::string range_text(int lo, int hi) {
    return std::to_string(lo) + "-" + std::to_string(hi);
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

Result<int> parse_value(const FieldSpec& f, std::string_view s) {
    if (all_digits(s)) {
        int v = 0;
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        if (ec != std::errc() || v < f.lo || v > f.hi)
            return field_error(f, std::string(s.size() > 6 ? s.substr(0, 6) : s) +
                                      (s.size() > 6 ? "..." : "") + " is out of range " +
                                      range_text(f.lo, f.hi));
        return v;
    }
    if (f.names && s.size() == 3) {
        for (int i = 0; i < f.name_count; ++i) {
            bool same = true;
            for (int k = 0; k < 3; ++k)
                same = same && std::tolower(static_cast<unsigned char>(s[k])) == f.names[i][k];
            if (same) return f.name_base + i;
        }
    }
    if (f.names) return field_error(f, quoted(s) + " is not a number or " + f.name_kind);
    return field_error(f, quoted(s) + " is not a number");
}

// One comma-separated item: "*", "N", "N-M", each optionally "/STEP".
Result<void> parse_item(const FieldSpec& f, std::string_view item, std::bitset<64>& out) {
    if (item.empty()) return field_error(f, "empty item in list");
    std::string_view base = item;
    int step = 1;
    bool stepped = false;
    if (auto slash = item.find('/'); slash != std::string_view::npos) {
        base = item.substr(0, slash);
        std::string_view s = item.substr(slash + 1);
        if (!all_digits(s)) return field_error(f, "step " + quoted(s) + " is not a number");
        auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), step);
        if (ec != std::errc() || step < 1 || step > f.hi)
            return field_error(f, "step " + std::string(s.substr(0, 6)) + " is out of range " +
                                      range_text(1, f.hi));
        stepped = true;
    }
    int lo = f.lo, hi = f.hi;
    if (base == "*") {
        // the whole range
    } else if (auto dash = base.find('-'); dash != std::string_view::npos) {
        TRY(lo, parse_value(f, base.substr(0, dash)));
        TRY(hi, parse_value(f, base.substr(dash + 1)));
        if (lo > hi) return field_error(f, "range " + std::string(base) + " goes backwards");
    } else {
        if (base.empty()) return field_error(f, "missing value before " + quoted(item));
        TRY(lo, parse_value(f, base));
        // "5/15" means 5-max/15, as cronie reads it.
        hi = stepped ? f.hi : lo;
    }
    for (int v = lo; v <= hi; v += step) out.set(static_cast<size_t>(v));
    return Ok{};
}

Result<std::bitset<64>> parse_field(const FieldSpec& f, std::string_view text) {
    std::bitset<64> out;
    size_t start = 0;
    for (;;) {
        size_t comma = text.find(',', start);
        std::string_view item = text.substr(
            start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
        CHECK_OK(parse_item(f, item, out));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    return out;
}

std::string_view macro_expansion(std::string_view m) {
    if (m == "@hourly") return "0 * * * *";
    if (m == "@daily" || m == "@midnight") return "0 0 * * *";
    if (m == "@weekly") return "0 0 * * 0";
    if (m == "@monthly") return "0 0 1 * *";
    if (m == "@yearly" || m == "@annually") return "0 0 1 1 *";
    return {};
}

std::vector<std::string_view> split_fields(std::string_view text) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < text.size()) {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
        size_t j = i;
        while (j < text.size() && text[j] != ' ' && text[j] != '\t') ++j;
        if (j > i) out.push_back(text.substr(i, j - i));
        i = j;
    }
    return out;
}

constexpr int kDaysInMonth[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// --- wall-clock arithmetic -------------------------------------------------
//
// Pure arithmetic on "wall seconds" (a local time written as if it were
// UTC), and the zone's UTC offsets from a cached table of its changes: at
// start 100,000 jobs are scheduled, and glibc's localtime_r/gmtime_r/timegm
// each take the time-zone lock and walk the zone's rules (they were 18 % of
// a 10,000-account start).

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
int64_t days_from_civil(int64_t y, int m, int d) {
    y -= m <= 2;
    const int64_t era = floor_div(y, 400);
    const int64_t yoe = y - era * 400;
    const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

// The fields of a wall-clock minute (as struct tm: year since 1900, month
// 0-11, weekday 0-6 from Sunday).
struct Civil {
    int64_t year;
    int mon0;
    int mday;
    int hour;
    int min;
    int wday;
};

Civil civil_of(int64_t wall) {
    const int64_t days = floor_div(wall, 86400);
    const int64_t secs = wall - days * 86400;
    const int64_t z = days + 719468;
    const int64_t era = floor_div(z, 146097);
    const int64_t doe = z - era * 146097;
    const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const int64_t mp = (5 * doy + 2) / 153;
    const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
    const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
    const int64_t y = yoe + era * 400 + (m <= 2);
    Civil c;
    c.year = y - 1900;
    c.mon0 = m - 1;
    c.mday = d;
    c.hour = static_cast<int>(secs / 3600);
    c.min = static_cast<int>(secs / 60 % 60);
    c.wday = static_cast<int>(floor_div(days + 4, 7) * -7 + days + 4);  // 1970-01-01: Thursday
    return c;
}

// Wall seconds of a minute given by possibly out-of-range fields (day 32
// is the next month's first, month 12 the next year's January).
int64_t wall_of(int64_t year, int mon0, int mday, int hour, int min) {
    const int64_t y = year + 1900 + floor_div(mon0, 12);
    const int m = static_cast<int>(mon0 - floor_div(mon0, 12) * 12) + 1;
    return (days_from_civil(y, m, 1) + mday - 1) * 86400 + int64_t{hour} * 3600 + int64_t{min} * 60;
}

int days_in_month(int64_t year, int mon0) {
    static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (mon0 != 1) return kDays[mon0];
    const int64_t y = year + 1900;
    return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28;
}

}  // namespace

// The process's zone (TZ, else /etc/localtime) as a table of its UTC
// offset changes, filled per span of 2^25 s (388 days) on first use by
// probing localtime_r every 6 hours and bisecting each change to the
// second. (Zones change their offset at most once in 6 hours; the old
// day-by-day walk assumed once a day.) A change of TZ (tests, the fuzz
// target) starts a new table.
class ZoneOffsets {
  public:
    static std::shared_ptr<ZoneOffsets> current() {
        static std::mutex mutex;
        static std::shared_ptr<ZoneOffsets> table;
        const char* tz = std::getenv("TZ");
        std::string key = tz ? std::string("=") + tz : std::string();
        std::lock_guard lock(mutex);
        if (!table || table->key_ != key) table = std::make_shared<ZoneOffsets>(std::move(key));
        return table;
    }

    explicit ZoneOffsets(std::string key) : key_(std::move(key)) {}

    long offset_at(int64_t t) {
        std::lock_guard lock(mutex_);
        const Span& s = span_locked(span_of(t));
        long off = s.start_offset;
        for (const auto& [at, o] : s.changes) {
            if (at > t) break;
            off = o;
        }
        return off;
    }

    // The first instant in (from, to] whose offset differs from the one
    // just before it; nullopt when the offset does not change there.
    std::optional<int64_t> next_change(int64_t from, int64_t to) {
        std::lock_guard lock(mutex_);
        for (int64_t k = span_of(from + 1); k <= span_of(to); ++k) {
            for (const auto& [at, o] : span_locked(k).changes) {
                (void)o;
                if (at > to) return std::nullopt;
                if (at > from) return at;
            }
        }
        return std::nullopt;
    }

  private:
    static constexpr int kSpanBits = 25;
    static constexpr int64_t kProbe = 6 * 3600;
    struct Span {
        long start_offset = 0;
        std::vector<std::pair<int64_t, long>> changes;  // (first instant, new offset)
    };

    static int64_t span_of(int64_t t) { return t >> kSpanBits; }

    static long probe(int64_t t) {
        time_t tt = static_cast<time_t>(t);
        struct tm lt {};
        if (!localtime_r(&tt, &lt)) return 0;
        return lt.tm_gmtoff;
    }

    const Span& span_locked(int64_t k) {
        auto it = spans_.find(k);
        if (it != spans_.end()) return it->second;
        Span s;
        const int64_t begin = k << kSpanBits;
        const int64_t end = begin + (int64_t{1} << kSpanBits) - 1;
        // From the instant before the span: a change at its first second
        // is one of its changes.
        int64_t prev = begin - 1;
        s.start_offset = probe(prev);
        long prev_off = s.start_offset;
        while (prev < end) {
            const int64_t next = std::min(prev + kProbe, end);
            const long next_off = probe(next);
            if (next_off != prev_off) {
                int64_t lo = prev, hi = next;
                while (hi - lo > 1) {
                    const int64_t mid = lo + (hi - lo) / 2;
                    (probe(mid) == prev_off ? lo : hi) = mid;
                }
                s.changes.emplace_back(hi, next_off);
                prev_off = next_off;
            }
            prev = next;
        }
        // Spans are few (one per 388 days asked about); keep the table small
        // anyway for callers that ask about random years.
        if (spans_.size() > 256) spans_.clear();
        return spans_.emplace(k, std::move(s)).first->second;
    }

    const std::string key_;
    std::mutex mutex_;
    std::unordered_map<int64_t, Span> spans_;
};

namespace {

// The earliest instant whose local time is this wall-clock minute; nullopt
// when the minute does not exist (skipped by a daylight-saving jump).
// The instant is the wall-clock value minus the UTC offset in force then;
// the offsets a day before and after cover any change near that minute.
std::optional<int64_t> earliest_instant(ZoneOffsets& zone, int64_t wall) {
    std::optional<int64_t> best;
    for (int64_t probe : {wall - 86400, wall, wall + 86400}) {
        int64_t t = wall - zone.offset_at(probe);
        if (t + zone.offset_at(t) == wall && (!best || t < *best)) best = t;
    }
    return best;
}

}  // namespace

Result<CronExpr> CronExpr::parse(std::string_view text) {
    if (text.size() > 256) return validation("expression is longer than 256 characters");
    auto fields = split_fields(text);
    if (fields.size() == 1 && fields[0].starts_with('@')) {
        if (fields[0] == "@reboot") return validation("@reboot is not supported");
        std::string_view expansion = macro_expansion(fields[0]);
        if (expansion.empty()) return validation("unknown macro " + quoted(fields[0]));
        return parse(expansion);
    }
    if (fields.size() != 5)
        return validation("expected 5 fields (minute hour day-of-month month day-of-week), got " +
                          std::to_string(fields.size()));
    CronExpr e;
    TRY(auto minutes, parse_field(kFields[0], fields[0]));
    TRY(auto hours, parse_field(kFields[1], fields[1]));
    TRY(auto days, parse_field(kFields[2], fields[2]));
    TRY(auto months, parse_field(kFields[3], fields[3]));
    TRY(auto weekdays, parse_field(kFields[4], fields[4]));
    if (weekdays[7]) weekdays.set(0);
    weekdays.reset(7);
    e.minutes_ = minutes.to_ullong() & ((uint64_t{1} << 60) - 1);
    e.hours_ = static_cast<uint32_t>(hours.to_ullong() & 0xffffffu);
    e.days_ = static_cast<uint32_t>(days.to_ullong() & 0xfffffffeu);
    e.months_ = static_cast<uint16_t>(months.to_ullong() & 0x1ffeu);
    e.weekdays_ = static_cast<uint8_t>(weekdays.to_ullong() & 0x7fu);
    e.flags_ = static_cast<uint8_t>((fields[0].starts_with('*') ? kMinuteStar : 0) |
                                    (fields[1].starts_with('*') ? kHourStar : 0) |
                                    (fields[2].starts_with('*') ? kDomStar : 0) |
                                    (fields[4].starts_with('*') ? kDowStar : 0));

    // Day-of-month alone decides the day when day-of-week is `*`; then a day
    // that no chosen month has ("30 2", Feb 30) would never run.
    if (e.flags_ & kDowStar) {
        int first_day = 1;
        while (first_day <= 31 && !((e.days_ >> first_day) & 1)) ++first_day;
        bool possible = false;
        for (int m = 1; m <= 12; ++m)
            possible = possible || (e.month_on(m) && kDaysInMonth[m - 1] >= first_day);
        if (!possible)
            return validation("day-of-month: day " + std::to_string(first_day) +
                              " never occurs in the chosen month(s)");
    }
    return e;
}

bool CronExpr::day_matches(int mday, int month0, int wday) const {
    (void)month0;
    const bool dom = (days_ >> mday) & 1;
    const bool dow = (weekdays_ >> wday) & 1;
    if (flags_ & (kDomStar | kDowStar)) return dom && dow;
    return dom || dow;
}

bool CronExpr::matches(int minute, int hour, int mday, int month0, int wday) const {
    return minute_on(minute) && hour_on(hour) && month_on(month0 + 1) &&
           day_matches(mday, month0, wday);
}

// Walks real instants, skipping (by calendar arithmetic) whole months,
// days, hours and minutes that cannot match. Only wall-clock times that
// occur are found.
std::optional<int64_t> CronExpr::next_by_clock(ZoneOffsets& zone, int64_t after,
                                               int64_t limit) const {
    int64_t t = floor_div(after, 60) * 60 + 60;
    while (t <= limit) {
        const long off = zone.offset_at(t);
        const int64_t wall = floor_div(t + off, 60) * 60;
        const Civil lt = civil_of(wall);
        auto jump = [&](int64_t target_wall) {
            // A target inside a skipped hour: creep forward a minute at a time.
            int64_t n = earliest_instant(zone, target_wall).value_or(t + 60);
            // Never jump across a change of offset: the wall clock may repeat
            // an hour on the other side, so stop at the change and look again.
            if (n > t + 60 && zone.offset_at(n) != off) n = zone.next_change(t, n).value_or(n);
            t = std::max(t + 60, floor_div(n, 60) * 60);
        };
        if (!month_on(lt.mon0 + 1)) {
            int m = lt.mon0 + 1;
            while (m < 12 && !month_on(m + 1)) ++m;
            jump(wall_of(lt.year, m, 1, 0, 0));  // month 12: next January
            continue;
        }
        if (!day_matches(lt.mday, lt.mon0, lt.wday)) {
            const int last = days_in_month(lt.year, lt.mon0);
            int d = lt.mday + 1;
            int wd = (lt.wday + 1) % 7;
            while (d <= last && !day_matches(d, lt.mon0, wd)) {
                ++d;
                wd = (wd + 1) % 7;
            }
            jump(wall_of(lt.year, lt.mon0, d, 0, 0));  // past the end: next month
            continue;
        }
        if (!hour_on(lt.hour)) {
            int h = lt.hour + 1;
            while (h < 24 && !hour_on(h)) ++h;
            jump(wall_of(lt.year, lt.mon0, lt.mday, h, 0));  // 24: next day
            continue;
        }
        if (!minute_on(lt.min)) {
            int m = lt.min + 1;
            while (m < 60 && !minute_on(m)) ++m;
            jump(wall_of(lt.year, lt.mon0, lt.mday, lt.hour, m));  // 60: next hour
            continue;
        }
        // A fixed-time job runs in the first pass of a repeated hour only.
        if (!is_wildcard()) {
            auto first = earliest_instant(zone, wall);
            if (first && *first < t) {
                t += 60;
                continue;
            }
        }
        return t;
    }
    return std::nullopt;
}

// For fixed-time jobs: the first forward clock jump in (after, until] whose
// skipped wall-clock minutes include a match; the job then runs at the jump.
std::optional<int64_t> CronExpr::next_in_skipped_time(ZoneOffsets& zone, int64_t after,
                                                      int64_t until) const {
    int64_t prev = after;
    long prev_off = zone.offset_at(prev);
    while (auto jump_at = zone.next_change(prev, until)) {
        const long new_off = zone.offset_at(*jump_at);
        if (new_off > prev_off) {
            // Wall-clock minutes [jump_at + prev_off, jump_at + new_off) never occurred.
            const int64_t from = floor_div(*jump_at + prev_off + 59, 60) * 60;
            Civil f = civil_of(from);
            for (int64_t c = from; c < *jump_at + new_off; c += 60) {
                if (c != from && ++f.min == 60) f = civil_of(c);
                if (matches(f.min, f.hour, f.mday, f.mon0, f.wday)) return *jump_at;
            }
        }
        prev = *jump_at;
        prev_off = new_off;
    }
    return std::nullopt;
}

std::optional<int64_t> CronExpr::next_after(int64_t after) const {
    const std::shared_ptr<ZoneOffsets> zone = ZoneOffsets::current();
    const int64_t limit = after + int64_t{30} * 366 * 86400;
    auto by_clock = next_by_clock(*zone, after, limit);
    if (is_wildcard()) return by_clock;
    auto skipped = next_in_skipped_time(*zone, after, by_clock.value_or(limit));
    if (skipped && (!by_clock || *skipped <= *by_clock)) return skipped;
    return by_clock;
}

}  // namespace wsp
