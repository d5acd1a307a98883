#pragma once
// A JSON object written straight into a string, for the few answers on the
// hottest path (/auth/me): no boost::json::object built and then
// serialized (17 fields were 17 allocations, a duplicate-key search per
// insert and a serializer pass). Strings are escaped as boost::json
// serializes them; the unit test JsonText* compares the two.
//
// The text is written through a cursor into a buffer sized ahead (one
// capacity check per piece, memcpy for the rest): appending piece by piece
// with std::string's += cost ~100 instructions a piece, five times what
// the bytes need (issue 24's profile).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace wsp {

class JsonText {
  public:
    JsonText() {
        out_.resize(kFirst);
        out_[0] = '{';
        used_ = 1;
    }
    JsonText& field(std::string_view key, std::string_view value) {
        name(key);
        string(value);
        return *this;
    }
    JsonText& field(std::string_view key, const char* value) {
        return field(key, std::string_view(value));
    }
    JsonText& field(std::string_view key, const std::string& value) {
        return field(key, std::string_view(value));
    }
    JsonText& field(std::string_view key, int64_t value);
    JsonText& field(std::string_view key, bool value) {
        name(key);
        put(value ? std::string_view("true") : std::string_view("false"));
        return *this;
    }
    JsonText& null_field(std::string_view key) {
        name(key);
        put("null");
        return *this;
    }
    // The object, closed.
    std::string take() && {
        put("}");
        out_.resize(used_);
        return std::move(out_);
    }

  private:
    static constexpr size_t kFirst = 512;
    // Room for n more bytes at the cursor; the cursor moves past them.
    char* room(size_t n) {
        if (out_.size() - used_ < n) out_.resize(std::max(out_.size() * 2, used_ + n));
        char* at = out_.data() + used_;
        used_ += n;
        return at;
    }
    void put(std::string_view s) { std::memcpy(room(s.size()), s.data(), s.size()); }
    // Keys are the encoder's own literals: written as they are, unescaped.
    void name(std::string_view key) {
        const bool first = used_ == 1;
        char* at = room(key.size() + (first ? 3 : 4));
        if (!first) *at++ = ',';
        *at++ = '"';
        std::memcpy(at, key.data(), key.size());
        at += key.size();
        *at++ = '"';
        *at = ':';
    }
    static bool plain(std::string_view s);  // nothing in it to escape
    void string(std::string_view s);
    std::string out_;  // [0, used_) written; the rest is room
    size_t used_ = 0;
};

}  // namespace wsp
