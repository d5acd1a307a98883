#pragma once
// Validation of the names the API accepts. Each returns the normalised name
// or a VALIDATION_ERROR whose message names the field.
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

// ^[a-z][a-z0-9]{1,31}$: usernames prefix database, user and FTP names,
// so they carry no '_'.
Result<std::string> validate_username(std::string_view s);

// A plausible mailbox: one '@', a dotted domain, no spaces, <= 254 chars.
Result<std::string> validate_email(std::string_view s);

// 8..1024 bytes, no NUL.
Result<std::string> validate_password(std::string_view s, std::string_view field = "password");

// IDNA to ASCII, lowercased, RFC 1123 labels, at least two labels, no
// trailing dot: "Bücher.Example" -> "xn--bcher-kva.example".
Result<std::string> validate_domain(std::string_view s);

// Package names: ^[a-z0-9][a-z0-9_-]{0,31}$.
Result<std::string> validate_package_name(std::string_view s);

}  // namespace wsp
