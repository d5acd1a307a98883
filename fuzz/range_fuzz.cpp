// libFuzzer target for Range header parsing: the first 8 bytes are the
// file size, the rest the header. Every honoured range lies inside the
// file, there are at most kMaxRanges, and "unsatisfiable" has none.
#include <cstdint>
#include <cstring>
#include <string_view>

#include "http/ranges.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 8) return 0;
    uint64_t file_size = 0;
    std::memcpy(&file_size, data, 8);
    file_size %= (uint64_t{1} << 50);
    std::string_view header(reinterpret_cast<const char*>(data + 8), size - 8);
    for (uint64_t s : {file_size, uint64_t{0}, uint64_t{1}, uint64_t{1000}}) {
        auto r = wsp::parse_range(header, s);
        if (r.ranges.size() > wsp::kMaxRanges) __builtin_trap();
        if (r.kind == wsp::RangeRequest::Kind::unsatisfiable && !r.ranges.empty()) __builtin_trap();
        if (r.kind == wsp::RangeRequest::Kind::partial && r.ranges.empty()) __builtin_trap();
        for (const auto& range : r.ranges)
            if (range.first > range.last || range.last >= s) __builtin_trap();
    }
    return 0;
}
