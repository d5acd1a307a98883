#include "http/json_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace wsp {

JsonText& JsonText::field(std::string_view key, int64_t value) {
    name(key);
    char buf[24];
    auto r = std::to_chars(buf, buf + sizeof buf, value);
    out_.append(buf, r.ptr);
    return *this;
}

// As boost::json's serializer: '"' and '\\' escaped, the short escapes for
// \b \f \n \r \t, \u00XX for the other control characters, the rest as is.
void JsonText::string(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    // Eight bytes at a time while none of them needs escaping: a byte
    // below 0x20, '"' or '\\' anywhere in the word sets a high bit below
    // (each test is exact about whether such a byte exists).
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHighs = 0x8080808080808080ULL;
    auto plain_word = [](const char* p) {
        uint64_t x;
        std::memcpy(&x, p, 8);
        const uint64_t quote = x ^ (kOnes * '"');
        const uint64_t slash = x ^ (kOnes * '\\');
        const uint64_t found =
            ((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash);
        return (found & kHighs) == 0;
    };
    out_ += '"';
    size_t plain = 0;  // start of the run not yet copied
    for (size_t i = 0; i < s.size(); ++i) {
        while (s.size() - i >= 8 && plain_word(s.data() + i)) i += 8;
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        out_.append(s.data() + plain, i - plain);
        plain = i + 1;
        switch (c) {
            case '"':
                out_ += "\\\"";
                break;
            case '\\':
                out_ += "\\\\";
                break;
            case '\b':
                out_ += "\\b";
                break;
            case '\f':
                out_ += "\\f";
                break;
            case '\n':
                out_ += "\\n";
                break;
            case '\r':
                out_ += "\\r";
                break;
            case '\t':
                out_ += "\\t";
                break;
            default:
                out_ += "\\u00";
                out_ += kHex[c >> 4];
                out_ += kHex[c & 0xf];
        }
    }
    out_.append(s.data() + plain, s.size() - plain);
    out_ += '"';
}

}  // namespace wsp
