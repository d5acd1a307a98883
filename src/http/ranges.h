#pragma once
// HTTP byte ranges (RFC 9110 section 14): the Range header of a download.
#include <cstdint>
#include <string_view>
#include <vector>

namespace wsp {

struct ByteRange {
    uint64_t first = 0;
    uint64_t last = 0;  // inclusive
    uint64_t length() const { return last - first + 1; }
};

struct RangeRequest {
    enum class Kind {
        full,           // no Range, or one the server may ignore (bad syntax, not bytes)
        partial,        // `ranges` (in request order, clamped to the file)
        unsatisfiable,  // well-formed but nothing inside the file: 416
    };
    Kind kind = Kind::full;
    std::vector<ByteRange> ranges;
};

// At most this many ranges are honoured; more is answered as a full body
// (a many-ranges request is a known amplification trick).
inline constexpr size_t kMaxRanges = 32;

// `header` is the Range value ("bytes=0-99,200-,-50"); `size` the file's.
RangeRequest parse_range(std::string_view header, uint64_t size);

}  // namespace wsp
