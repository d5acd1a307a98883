#pragma once
// Text built piece by piece through a cursor into a buffer sized ahead: one
// capacity check per piece and memcpy for the bytes. Appending with
// std::string's += costs ~40-100 instructions a piece (a call, a capacity
// check, a length update), a fifth of an /auth/me answer's own work in
// issue 24's profile; the JSON answer (http/json_text.h) and the response
// header (http/server.cpp) are written through this instead.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

namespace wsp {

class TextCursor {
  public:
    explicit TextCursor(size_t expected) { out_.resize(expected); }

    // Room for n more bytes at the cursor, which moves past them; give_back
    // returns what a writer reserved and did not use. Inlined where used:
    // a piece of known length is then copied in place, not by a call.
    [[gnu::always_inline]] char* room(size_t n) {
        if (out_.size() - used_ < n) [[unlikely]]
            grow(n);
        char* at = out_.data() + used_;
        used_ += n;
        return at;
    }
    void give_back(size_t n) { used_ -= n; }
    [[gnu::always_inline]] void put(std::string_view s) {
        std::memcpy(room(s.size()), s.data(), s.size());
    }
    [[gnu::always_inline]] void put(char c) { *room(1) = c; }
    // A decimal number without a sign, its digits written in place.
    void put_decimal(unsigned long long n) {
        size_t digits = 1;
        for (unsigned long long rest = n / 10; rest != 0; rest /= 10) ++digits;
        char* at = room(digits) + digits;
        do {
            *--at = static_cast<char>('0' + n % 10);
            n /= 10;
        } while (n != 0);
    }
    void put_signed(long long n) {
        if (n < 0) put('-');
        put_decimal(n < 0 ? ~static_cast<unsigned long long>(n) + 1
                          : static_cast<unsigned long long>(n));
    }
    size_t size() const { return used_; }

    // The text; the cursor is spent.
    std::string take() && {
        out_.resize(used_);
        return std::move(out_);
    }

  private:
    [[gnu::noinline]] void grow(size_t n) { out_.resize(std::max(out_.size() * 2, used_ + n)); }
    std::string out_;  // [0, used_) written; the rest is room
    size_t used_ = 0;
};

}  // namespace wsp
