#include "http/ranges.h"

#include <algorithm>
#include <charconv>

#include "base/strings.h"

namespace wsp {
namespace {

bool number(std::string_view s, uint64_t& out) {
    if (s.empty()) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

RangeRequest parse_range(std::string_view header, uint64_t size) {
    RangeRequest full;
    header = trim(header);
    constexpr std::string_view kUnit = "bytes=";
    if (!istarts_with(header, kUnit)) return full;
    header.remove_prefix(kUnit.size());
    RangeRequest out;
    out.kind = RangeRequest::Kind::partial;
    size_t specs = 0;
    while (true) {
        size_t comma = header.find(',');
        std::string_view spec = trim(header.substr(0, comma));
        if (!spec.empty()) {
            if (++specs > kMaxRanges) return full;
            size_t dash = spec.find('-');
            if (dash == std::string_view::npos) return full;
            std::string_view a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
            uint64_t first = 0, last = 0;
            if (a.empty()) {
                // Suffix: the last b bytes.
                if (!number(b, last)) return full;
                if (last > 0 && size > 0)
                    out.ranges.push_back({size - std::min(last, size), size - 1});
            } else {
                if (!number(a, first)) return full;
                if (b.empty()) {
                    last = size == 0 ? 0 : size - 1;
                } else {
                    if (!number(b, last) || last < first) return full;
                    if (size > 0) last = std::min(last, size - 1);
                }
                if (first < size) out.ranges.push_back({first, last});
            }
        }
        if (comma == std::string_view::npos) break;
        header.remove_prefix(comma + 1);
    }
    if (specs == 0) return full;
    if (out.ranges.empty()) out.kind = RangeRequest::Kind::unsatisfiable;
    return out;
}

}  // namespace wsp
