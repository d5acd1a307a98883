#include "drivers/proftpd_crypt.h"

#include <crypt.h>

#include <memory>

#include "base/secrets.h"

namespace wsp {

Result<std::string> crypt_hash(std::string_view password) {
    if (password.find('\0') != std::string_view::npos)
        return validation("Password must not contain NUL bytes");
    char setting[CRYPT_GENSALT_OUTPUT_SIZE];
    // count 0 = the library's default cost; null rbytes = its own randomness.
    if (!::crypt_gensalt_rn("$y$", 0, nullptr, 0, setting, sizeof setting))
        return internal("crypt_gensalt failed");
    auto data = std::make_unique<crypt_data>();
    const std::string phrase(password);
    const char* out = ::crypt_r(phrase.c_str(), setting, data.get());
    // libxcrypt signals failure with a string starting with '*'.
    if (!out || out[0] == '*') return internal("crypt failed");
    return std::string(out);
}

bool crypt_verify(std::string_view password, const std::string& hash) {
    if (hash.empty() || hash[0] == '*') return false;
    auto data = std::make_unique<crypt_data>();
    const std::string phrase(password);
    const char* out = ::crypt_r(phrase.c_str(), hash.c_str(), data.get());
    if (!out || out[0] == '*') return false;
    std::string_view computed(out);
    return computed.size() == hash.size() && secrets_equal(computed, hash);
}

}  // namespace wsp
