#include "base/secrets.h"

#include <sodium.h>

namespace wsp {
namespace {
constexpr unsigned long long kOpsLimit = 2;
constexpr size_t kMemLimit = 19u * 1024u * 1024u;
}  // namespace

bool init_crypto() {
    return sodium_init() >= 0;
}

std::string random_hex(size_t bytes) {
    std::string raw(bytes, '\0');
    randombytes_buf(raw.data(), raw.size());
    std::string hex(bytes * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), reinterpret_cast<const unsigned char*>(raw.data()),
                   raw.size());
    hex.pop_back();
    sodium_memzero(raw.data(), raw.size());
    return hex;
}

// libsodium's SHA-256: OpenSSL 3's EVP_Digest would look the algorithm up
// (with locks) on every call, and this runs on every authenticated request.
std::string sha256_hex(std::string_view data) {
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(data.data()), data.size());
    std::string hex(sizeof digest * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), digest, sizeof digest);
    hex.pop_back();
    return hex;
}

bool secrets_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

Result<std::string> hash_password(std::string_view password) {
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOpsLimit, kMemLimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return internal("password hashing ran out of memory");
    }
    return std::string(out);
}

bool verify_password(std::string_view password, const std::string& stored_hash) {
    return crypto_pwhash_str_verify(stored_hash.c_str(), password.data(), password.size()) == 0;
}

const std::string& dummy_password_hash() {
    static const std::string hash = [] {
        auto h = hash_password(random_hex(16));
        return h.ok() ? h.value() : std::string();
    }();
    return hash;
}

}  // namespace wsp
