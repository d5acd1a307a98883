#pragma once
// A JSON object written straight into a string, for the few answers on the
// hottest path (/auth/me): no boost::json::object built and then
// serialized (17 fields were 17 allocations, a duplicate-key search per
// insert and a serializer pass). Strings are escaped as boost::json
// serializes them; the unit test JsonText* compares the two.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "base/text_cursor.h"

namespace wsp {

class JsonText {
  public:
    JsonText() { text_.put('{'); }
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
    JsonText& field(std::string_view key, int64_t value) {
        name(key);
        text_.put_signed(value);
        return *this;
    }
    JsonText& field(std::string_view key, bool value) {
        name(key);
        text_.put(value ? std::string_view("true") : std::string_view("false"));
        return *this;
    }
    JsonText& null_field(std::string_view key) {
        name(key);
        text_.put("null");
        return *this;
    }
    // The object, closed.
    std::string take() && {
        text_.put('}');
        return std::move(text_).take();
    }

  private:
    // Keys are the encoder's own literals: written as they are, unescaped.
    void name(std::string_view key) {
        const bool first = text_.size() == 1;
        char* at = text_.room(key.size() + (first ? 3 : 4));
        if (!first) *at++ = ',';
        *at++ = '"';
        std::memcpy(at, key.data(), key.size());
        at += key.size();
        *at++ = '"';
        *at = ':';
    }
    static bool plain(std::string_view s);  // nothing in it to escape
    void string(std::string_view s);
    TextCursor text_{512};
};

}  // namespace wsp
