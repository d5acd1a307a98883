#pragma once
// Cron expressions, as cronie reads them: five fields (minute hour
// day-of-month month day-of-week) with `*`, lists, ranges, steps, month and
// day names, 0 and 7 both Sunday, and the @hourly ... @yearly macros. When
// both day fields are restricted a day matching either runs (classic cron);
// when either starts with `*` both must match.
//
// Times are computed in the process's local zone (TZ), with cronie's
// daylight-saving rules: a job whose minute and hour fields are both fixed
// runs once for a skipped hour (at the moment the clock jumps) and once in a
// repeated hour (the first pass); a job with `*` in its minute or hour field
// runs at every wall-clock time that really occurs.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

class ZoneOffsets;  // the local zone's UTC offsets (cron_expr.cpp)

class CronExpr {
  public:
    // An error names the field and what is wrong with it, e.g.
    // "minute: 61 is out of range 0-59".
    static Result<CronExpr> parse(std::string_view text);

    // The first run time strictly after `after` (Unix seconds), or nullopt
    // when there is none within the next 30 years.
    std::optional<int64_t> next_after(int64_t after) const;

    // Whether a wall-clock minute matches (fields as in struct tm:
    // month 0-11, weekday 0-6 from Sunday).
    bool matches(int minute, int hour, int mday, int month0, int wday) const;

    // cronie's "wildcard" job: `*` opens the minute or the hour field.
    bool is_wildcard() const { return flags_ & (kMinuteStar | kHourStar); }

  private:
    CronExpr() = default;
    bool day_matches(int mday, int month0, int wday) const;
    bool minute_on(int m) const { return (minutes_ >> m) & 1; }
    bool hour_on(int h) const { return (hours_ >> h) & 1; }
    bool month_on(int m1) const { return (months_ >> m1) & 1; }
    std::optional<int64_t> next_by_clock(ZoneOffsets& zone, int64_t after, int64_t limit) const;
    std::optional<int64_t> next_in_skipped_time(ZoneOffsets& zone, int64_t after,
                                                int64_t until) const;

    // One bit per value: 24 bytes in all (the scheduler may hold 100,000).
    uint64_t minutes_ = 0;  // 0-59
    uint32_t hours_ = 0;    // 0-23
    uint32_t days_ = 0;     // 1-31
    uint16_t months_ = 0;   // 1-12
    uint8_t weekdays_ = 0;  // 0-6, 7 folded into 0
    uint8_t flags_ = 0;     // kMinuteStar | kHourStar | kDomStar | kDowStar
    static constexpr uint8_t kMinuteStar = 1, kHourStar = 2, kDomStar = 4, kDowStar = 8;
};

}  // namespace wsp
