#pragma once
// Random tokens and their one-way hashes. Secrets (API keys, session tokens)
// are stored only as sha256 hex; passwords as libsodium argon2id strings.
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

// Must run once before any other function here (libsodium's sodium_init).
bool init_crypto();

// `bytes` random bytes as lowercase hex (2*bytes characters).
std::string random_hex(size_t bytes);

// sha256 of `data` as lowercase hex.
std::string sha256_hex(std::string_view data);

// Constant-time equality for secrets of equal length.
bool secrets_equal(std::string_view a, std::string_view b);

// argon2id, parameters sized for a server answering many logins
// (t=2, m=19 MiB, OWASP's minimum), so memory stays small.
Result<std::string> hash_password(std::string_view password);
bool verify_password(std::string_view password, const std::string& stored_hash);

// A hash that never verifies but costs the same as a real one, so a login
// for an unknown user takes the same time as a wrong password.
const std::string& dummy_password_hash();

}  // namespace wsp
