#pragma once
// Seals small secrets the panel must be able to read back (TOTP seeds) with
// a key kept outside the store: DATA_DIR/secrets.key (0600, 32 random
// bytes, made on first use). A copy of panel.db alone then gives nothing
// away. libsodium's secretbox (XSalsa20-Poly1305), random nonce per seal.
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

class SecretBox {
  public:
    explicit SecretBox(std::filesystem::path key_file) : key_file_(std::move(key_file)) {}

    // base64url(nonce || box).
    Result<std::string> seal(std::string_view plain);
    Result<std::string> open(std::string_view sealed);

  private:
    Result<void> load_key();

    std::filesystem::path key_file_;
    std::mutex mutex_;
    std::string key_;  // empty until loaded
};

}  // namespace wsp
