#include "system/secret_box.h"

#include <sodium.h>

#include <fstream>
#include <iterator>

#include "base/strings.h"
#include "system/file_io.h"

namespace wsp {

Result<void> SecretBox::load_key() {
    if (!key_.empty()) return Ok{};
    std::error_code ec;
    if (std::filesystem::exists(key_file_, ec)) {
        std::ifstream in(key_file_, std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (bytes.size() != crypto_secretbox_KEYBYTES)
            return internal("secret key file has the wrong size: " + key_file_.string());
        key_ = std::move(bytes);
        return Ok{};
    }
    std::string bytes(crypto_secretbox_KEYBYTES, '\0');
    crypto_secretbox_keygen(reinterpret_cast<unsigned char*>(bytes.data()));
    CHECK_OK(write_file_atomic(key_file_, bytes, 0600));
    key_ = std::move(bytes);
    return Ok{};
}

Result<std::string> SecretBox::seal(std::string_view plain) {
    std::lock_guard lock(mutex_);
    CHECK_OK(load_key());
    std::string out(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plain.size(), '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(nonce + crypto_secretbox_NONCEBYTES,
                          reinterpret_cast<const unsigned char*>(plain.data()), plain.size(), nonce,
                          reinterpret_cast<const unsigned char*>(key_.data()));
    return base64_encode(out, Base64::url_unpadded);
}

Result<std::string> SecretBox::open(std::string_view sealed) {
    std::lock_guard lock(mutex_);
    CHECK_OK(load_key());
    auto raw = base64_decode(sealed, Base64::url_unpadded);
    if (!raw || raw->size() < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES)
        return internal("sealed secret is malformed");
    const auto* nonce = reinterpret_cast<const unsigned char*>(raw->data());
    std::string plain(raw->size() - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
    if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()),
                                   nonce + crypto_secretbox_NONCEBYTES,
                                   raw->size() - crypto_secretbox_NONCEBYTES, nonce,
                                   reinterpret_cast<const unsigned char*>(key_.data())) != 0)
        return internal("sealed secret does not open with " + key_file_.string());
    return plain;
}

}  // namespace wsp
