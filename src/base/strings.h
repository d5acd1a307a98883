#pragma once
// Small string helpers shared by every layer: trimming, ASCII case, and
// base64 (libsodium's codec; never a hand-written one).
#include <optional>
#include <string>
#include <string_view>

namespace wsp {

// `s` without leading and trailing characters from `chars` (by default the
// HTTP whitespace: space and tab).
std::string_view trim(std::string_view s, std::string_view chars = " \t");

// ASCII lowercase (bytes >= 0x80 unchanged): header names, tokens, extensions.
std::string to_lower(std::string_view s);

// ASCII case-insensitive comparisons.
bool iequals(std::string_view a, std::string_view b);
bool istarts_with(std::string_view s, std::string_view prefix);

// The base64 alphabets callers need.
enum class Base64 {
    standard,      // RFC 4648 section 4 ('+', '/'), '=' padded: MIME headers
    url_unpadded,  // RFC 4648 section 5 ('-', '_'), no padding: tokens in URLs
};

std::string base64_encode(std::string_view bytes, Base64 variant);

// The bytes `text` encodes; nullopt when it is not base64 of `variant`.
// Standard input may omit its padding, and anything from the first '=' on
// is ignored (tus Upload-Metadata values are sent either way).
std::optional<std::string> base64_decode(std::string_view text, Base64 variant);

}  // namespace wsp
