#include "base/strings.h"

#include <sodium.h>

#include <algorithm>

namespace wsp {
namespace {

char lower_char(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// The sodium variant that encodes `variant`; decoding standard text always
// goes through the unpadded one (padding is cut first, see base64_decode).
int sodium_variant(Base64 variant, bool padded) {
    switch (variant) {
        case Base64::standard:
            return padded ? sodium_base64_VARIANT_ORIGINAL
                          : sodium_base64_VARIANT_ORIGINAL_NO_PADDING;
        case Base64::url_unpadded:
            return sodium_base64_VARIANT_URLSAFE_NO_PADDING;
    }
    return sodium_base64_VARIANT_ORIGINAL;
}

}  // namespace

std::string_view trim(std::string_view s, std::string_view chars) {
    const size_t first = s.find_first_not_of(chars);
    if (first == std::string_view::npos) return {};
    return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

std::string to_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower_char(c);
    return out;
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return lower_char(x) == lower_char(y);
           });
}

bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string base64_encode(std::string_view bytes, Base64 variant) {
    const int v = sodium_variant(variant, true);
    std::string out(sodium_base64_encoded_len(bytes.size(), v), '\0');
    sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(bytes.data()),
                      bytes.size(), v);
    out.resize(out.size() - 1);  // the encoder's NUL
    return out;
}

std::optional<std::string> base64_decode(std::string_view text, Base64 variant) {
    if (variant == Base64::standard) text = text.substr(0, text.find('='));
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t len = 0;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                          text.size(), nullptr, &len, nullptr, sodium_variant(variant, false)) != 0)
        return std::nullopt;
    out.resize(len);
    return out;
}

}  // namespace wsp
