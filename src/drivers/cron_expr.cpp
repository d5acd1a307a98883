#include "drivers/cron_expr.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <ctime>
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

template <size_t N>
std::bitset<N> narrow(const std::bitset<64>& b) {
    std::bitset<N> out;
    for (size_t i = 0; i < N; ++i) out[i] = b[i];
    return out;
}

constexpr int kDaysInMonth[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

// --- wall-clock arithmetic -------------------------------------------------

// A wall-clock minute with its fields normalised (day 32 -> next month).
struct tm civil(int year, int mon0, int mday, int hour, int min) {
    struct tm c {};
    c.tm_year = year;
    c.tm_mon = mon0;
    c.tm_mday = mday;
    c.tm_hour = hour;
    c.tm_min = min;
    time_t flat = timegm(&c);  // UTC arithmetic only normalises the fields
    struct tm out {};
    gmtime_r(&flat, &out);
    return out;
}

long offset_at(int64_t t) {
    time_t tt = static_cast<time_t>(t);
    struct tm lt {};
    localtime_r(&tt, &lt);
    return lt.tm_gmtoff;
}

// The earliest instant whose local time is this wall-clock minute; nullopt
// when the minute does not exist (skipped by a daylight-saving jump).
// The instant is the wall-clock value minus the UTC offset in force then;
// the offsets a day before and after cover any change near that minute.
// (mktime would do, but glibc's is slow for a zone without DST when asked
// for a DST time, and this runs for every job at start.)
std::optional<int64_t> earliest_instant(const struct tm& c) {
    struct tm x = c;
    x.tm_sec = 0;
    const int64_t wall = timegm(&x);
    std::optional<int64_t> best;
    for (int64_t probe : {wall - 86400, wall, wall + 86400}) {
        int64_t t = wall - offset_at(probe);
        if (t + offset_at(t) == wall && (!best || t < *best)) best = t;
    }
    return best;
}

int64_t floor_div(int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
}

// The first instant in (from, to] whose UTC offset differs from from's;
// the caller knows there is one.
int64_t first_offset_change(int64_t from, int64_t to) {
    const long before = offset_at(from);
    int64_t lo = from, hi = to;
    while (hi - lo > 1) {
        int64_t mid = lo + (hi - lo) / 2;
        (offset_at(mid) == before ? lo : hi) = mid;
    }
    return hi;
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
    e.minutes_ = narrow<60>(minutes);
    e.hours_ = narrow<24>(hours);
    e.days_ = narrow<32>(days);
    e.months_ = narrow<13>(months);
    e.weekdays_ = narrow<8>(weekdays);
    e.minute_star_ = fields[0].starts_with('*');
    e.hour_star_ = fields[1].starts_with('*');
    e.dom_star_ = fields[2].starts_with('*');
    e.dow_star_ = fields[4].starts_with('*');

    // Day-of-month alone decides the day when day-of-week is `*`; then a day
    // that no chosen month has ("30 2", Feb 30) would never run.
    if (e.dow_star_) {
        int first_day = 1;
        while (first_day <= 31 && !e.days_[static_cast<size_t>(first_day)]) ++first_day;
        bool possible = false;
        for (int m = 1; m <= 12; ++m)
            possible =
                possible || (e.months_[static_cast<size_t>(m)] && kDaysInMonth[m - 1] >= first_day);
        if (!possible)
            return validation("day-of-month: day " + std::to_string(first_day) +
                              " never occurs in the chosen month(s)");
    }
    return e;
}

bool CronExpr::day_matches(int mday, int month0, int wday) const {
    (void)month0;
    bool dom = days_[static_cast<size_t>(mday)];
    bool dow = weekdays_[static_cast<size_t>(wday)];
    if (dom_star_ || dow_star_) return dom && dow;
    return dom || dow;
}

bool CronExpr::matches(int minute, int hour, int mday, int month0, int wday) const {
    return minutes_[static_cast<size_t>(minute)] && hours_[static_cast<size_t>(hour)] &&
           months_[static_cast<size_t>(month0 + 1)] && day_matches(mday, month0, wday);
}

// Walks real instants minute by minute, skipping whole months, days and
// hours that cannot match. Only wall-clock times that occur are found.
std::optional<int64_t> CronExpr::next_by_clock(int64_t after, int64_t limit) const {
    int64_t t = floor_div(after, 60) * 60 + 60;
    while (t <= limit) {
        time_t tt = static_cast<time_t>(t);
        struct tm lt {};
        localtime_r(&tt, &lt);
        auto jump = [&](const struct tm& target) {
            // A target inside a skipped hour: creep forward a minute at a time.
            int64_t n = earliest_instant(target).value_or(t + 60);
            // Never jump across a change of offset: the wall clock may repeat
            // an hour on the other side, so stop at the change and look again.
            if (n > t + 60 && offset_at(n) != offset_at(t)) n = first_offset_change(t, n);
            t = std::max(t + 60, floor_div(n, 60) * 60);
        };
        if (!months_[static_cast<size_t>(lt.tm_mon + 1)]) {
            jump(civil(lt.tm_year, lt.tm_mon + 1, 1, 0, 0));
            continue;
        }
        if (!day_matches(lt.tm_mday, lt.tm_mon, lt.tm_wday)) {
            jump(civil(lt.tm_year, lt.tm_mon, lt.tm_mday + 1, 0, 0));
            continue;
        }
        if (!hours_[static_cast<size_t>(lt.tm_hour)]) {
            jump(civil(lt.tm_year, lt.tm_mon, lt.tm_mday, lt.tm_hour + 1, 0));
            continue;
        }
        if (!minutes_[static_cast<size_t>(lt.tm_min)]) {
            int m = lt.tm_min + 1;
            while (m < 60 && !minutes_[static_cast<size_t>(m)]) ++m;
            jump(civil(lt.tm_year, lt.tm_mon, lt.tm_mday, lt.tm_hour, m));
            continue;
        }
        // A fixed-time job runs in the first pass of a repeated hour only.
        if (!is_wildcard()) {
            auto first = earliest_instant(lt);
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
std::optional<int64_t> CronExpr::next_in_skipped_time(int64_t after, int64_t until) const {
    int64_t prev = after;
    long prev_off = offset_at(prev);
    while (prev < until) {
        int64_t next = std::min(prev + 86400, until);
        long next_off = offset_at(next);
        if (next_off != prev_off) {
            int64_t jump_at = first_offset_change(prev, next);
            long new_off = offset_at(jump_at);
            if (new_off > prev_off) {
                // Wall-clock minutes [jump_at + prev_off, jump_at + new_off) never occurred.
                int64_t from = floor_div(jump_at + prev_off + 59, 60) * 60;
                for (int64_t c = from; c < jump_at + new_off; c += 60) {
                    time_t ct = static_cast<time_t>(c);
                    struct tm f {};
                    gmtime_r(&ct, &f);
                    if (matches(f.tm_min, f.tm_hour, f.tm_mday, f.tm_mon, f.tm_wday))
                        return jump_at;
                }
            }
            prev = jump_at;
            prev_off = new_off;
            continue;
        }
        prev = next;
    }
    return std::nullopt;
}

std::optional<int64_t> CronExpr::next_after(int64_t after) const {
    const int64_t limit = after + int64_t{30} * 366 * 86400;
    auto by_clock = next_by_clock(after, limit);
    if (is_wildcard()) return by_clock;
    auto skipped = next_in_skipped_time(after, by_clock.value_or(limit));
    if (skipped && (!by_clock || *skipped <= *by_clock)) return skipped;
    return by_clock;
}

}  // namespace wsp
