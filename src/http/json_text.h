#pragma once
// A JSON object written straight into a string, for the few answers on the
// hottest path (/auth/me): no boost::json::object built and then
// serialized (17 fields were 17 allocations, a duplicate-key search per
// insert and a serializer pass). Strings are escaped as boost::json
// serializes them; the unit test JsonText* compares the two.
#include <cstdint>
#include <string>
#include <string_view>

namespace wsp {

class JsonText {
  public:
    JsonText() {
        out_.reserve(512);
        out_ += '{';
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
        out_ += value ? "true" : "false";
        return *this;
    }
    JsonText& null_field(std::string_view key) {
        name(key);
        out_ += "null";
        return *this;
    }
    // The object, closed.
    std::string take() && {
        out_ += '}';
        return std::move(out_);
    }

  private:
    // Keys are the encoder's own literals: written as they are, unescaped.
    void name(std::string_view key) {
        if (out_.size() > 1) out_ += ',';
        out_ += '"';
        out_ += key;
        out_ += "\":";
    }
    void string(std::string_view s);
    std::string out_;
};

}  // namespace wsp
