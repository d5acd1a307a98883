#pragma once
// TOTP (RFC 6238) over HOTP (RFC 4226) with HMAC-SHA1, 6 digits, 30 s
// steps: what every authenticator app and oathtool(1) compute by default.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsp {

inline constexpr int64_t kTotpStepSeconds = 30;

// RFC 4648 base32 without padding (what otpauth:// URIs carry).
std::string base32_encode(std::string_view bytes);
// Case-insensitive, ignores spaces and '='; nullopt on any other character.
std::optional<std::string> base32_decode(std::string_view text);

// The 6-digit HOTP value of `key` at `counter`, zero-padded.
std::string hotp(std::string_view key, uint64_t counter);

// The time step of a Unix time.
inline int64_t totp_step(int64_t unix_seconds) {
    return unix_seconds / kTotpStepSeconds;
}

// otpauth://totp/<issuer>:<account>?secret=...&issuer=...&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(const std::string& issuer, const std::string& account,
                        const std::string& secret_base32);

}  // namespace wsp
