#include "http/json_text.h"

#include <charconv>
#include <cstdint>
#include <cstring>

namespace wsp {

JsonText& JsonText::field(std::string_view key, int64_t value) {
    name(key);
    char* at = room(20);  // "-9223372036854775808"
    const auto r = std::to_chars(at, at + 20, value);
    used_ -= static_cast<size_t>(at + 20 - r.ptr);  // give back what it did not use
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
    // Room for the worst case (every byte as \u00XX) and the quotes; what
    // is not used is given back at the end.
    const size_t reserved = s.size() * 6 + 2;
    char* const begin = room(reserved);
    char* at = begin;
    *at++ = '"';
    size_t plain = 0;  // start of the run not yet copied
    auto copy_plain = [&](size_t end) {
        std::memcpy(at, s.data() + plain, end - plain);
        at += end - plain;
    };
    for (size_t i = 0; i < s.size(); ++i) {
        while (s.size() - i >= 8 && plain_word(s.data() + i)) i += 8;
        if (i == s.size()) break;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        copy_plain(i);
        plain = i + 1;
        *at++ = '\\';
        switch (c) {
            case '"':
                *at++ = '"';
                break;
            case '\\':
                *at++ = '\\';
                break;
            case '\b':
                *at++ = 'b';
                break;
            case '\f':
                *at++ = 'f';
                break;
            case '\n':
                *at++ = 'n';
                break;
            case '\r':
                *at++ = 'r';
                break;
            case '\t':
                *at++ = 't';
                break;
            default:
                std::memcpy(at, "u00", 3);
                at[3] = kHex[c >> 4];
                at[4] = kHex[c & 0xf];
                at += 5;
        }
    }
    copy_plain(s.size());
    *at++ = '"';
    used_ -= reserved - static_cast<size_t>(at - begin);
}

}  // namespace wsp
