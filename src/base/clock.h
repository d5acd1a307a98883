#pragma once
// Time as the API writes it: RFC 3339 with the server's offset, and the
// product's "never" sentinel.
#include <cstdint>
#include <string>

namespace wsp {

// Seconds since the Unix epoch.
int64_t now_unix();

// "2026-05-18T17:44:36+07:00" in the server's time zone.
std::string rfc3339(int64_t unix_seconds);

// What the product writes for "never used" / "never expires".
inline constexpr const char* kNever = "0001-01-01T00:00:00Z";

// rfc3339(t), or kNever when t is 0.
std::string rfc3339_or_never(int64_t unix_seconds);

// "2026-05-11 06:46:35" local time, as the file manager shows it.
std::string local_datetime(int64_t unix_seconds);

}  // namespace wsp
