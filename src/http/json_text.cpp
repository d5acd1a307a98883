#include "http/json_text.h"

#include <cstdint>
#include <cstring>

namespace wsp {

// Whether no byte of `s` needs escaping: a byte below 0x20, '"' or '\\'
// anywhere in a word sets a high bit below (each test is exact about
// whether such a byte exists). Eight bytes at a time; the tail is the last
// eight (overlapping), or for a short string its bytes padded with plain
// ones, so no byte is looked at alone.
bool JsonText::plain(std::string_view s) {
    constexpr uint64_t kOnes = 0x0101010101010101ULL;
    constexpr uint64_t kHighs = 0x8080808080808080ULL;
    auto plain_word = [](uint64_t x) {
        const uint64_t quote = x ^ (kOnes * '"');
        const uint64_t slash = x ^ (kOnes * '\\');
        const uint64_t found =
            ((x - kOnes * 0x20) & ~x) | ((quote - kOnes) & ~quote) | ((slash - kOnes) & ~slash);
        return (found & kHighs) == 0;
    };
    uint64_t x = kOnes * 'a';
    if (s.size() < 8) {
        // Byte by byte into the padded word: a memcpy of a variable length
        // is a call into libc, more than these few bytes cost.
        unsigned char word[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};
        for (size_t i = 0; i < s.size(); ++i) word[i] = static_cast<unsigned char>(s[i]);
        std::memcpy(&x, word, 8);
        return plain_word(x);
    }
    for (size_t i = 0; i + 8 <= s.size(); i += 8) {
        std::memcpy(&x, s.data() + i, 8);
        if (!plain_word(x)) return false;
    }
    std::memcpy(&x, s.data() + s.size() - 8, 8);
    return plain_word(x);
}

// As boost::json's serializer: '"' and '\\' escaped, the short escapes for
// \b \f \n \r \t, \u00XX for the other control characters, the rest as is.
void JsonText::string(std::string_view s) {
    if (plain(s)) {  // the usual case: one copy between the quotes
        char* at = text_.room(s.size() + 2);
        *at++ = '"';
        std::memcpy(at, s.data(), s.size());
        at[s.size()] = '"';
        return;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    // Room for the worst case (every byte as \u00XX) and the quotes; what
    // is not used is given back at the end.
    const size_t reserved = s.size() * 6 + 2;
    char* const begin = text_.room(reserved);
    char* at = begin;
    *at++ = '"';
    size_t run = 0;  // start of the run not yet copied
    auto copy_run = [&](size_t end) {
        std::memcpy(at, s.data() + run, end - run);
        at += end - run;
    };
    for (size_t i = 0; i < s.size(); ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        copy_run(i);
        run = i + 1;
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
    copy_run(s.size());
    *at++ = '"';
    text_.give_back(reserved - static_cast<size_t>(at - begin));
}

}  // namespace wsp
