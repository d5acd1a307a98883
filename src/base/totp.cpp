#include "base/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

namespace wsp {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string uri_escape(const std::string& s) {
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    return out;
}

}  // namespace

std::string base32_encode(std::string_view bytes) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        buffer = (buffer << 8) | c;
        bits += 8;
        while (bits >= 5) {
            out += kAlphabet[(buffer >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0) out += kAlphabet[(buffer << (5 - bits)) & 31];
    return out;
}

std::optional<std::string> base32_decode(std::string_view text) {
    std::string out;
    uint32_t buffer = 0;
    int bits = 0;
    for (char ch : text) {
        if (ch == ' ' || ch == '=' || ch == '-') continue;
        int v = -1;
        if (ch >= 'A' && ch <= 'Z') v = ch - 'A';
        if (ch >= 'a' && ch <= 'z') v = ch - 'a';
        if (ch >= '2' && ch <= '7') v = ch - '2' + 26;
        if (v < 0) return std::nullopt;
        buffer = (buffer << 5) | static_cast<uint32_t>(v);
        bits += 5;
        if (bits >= 8) {
            out += static_cast<char>((buffer >> (bits - 8)) & 0xff);
            bits -= 8;
        }
    }
    return out;
}

std::string hotp(std::string_view key, uint64_t counter) {
    std::array<unsigned char, 8> msg{};
    for (int i = 7; i >= 0; --i) {
        msg[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
        counter >>= 8;
    }
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int mac_len = 0;
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), mac.data(),
         &mac_len);
    const size_t offset = mac[mac_len - 1] & 0x0f;
    const uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                            (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                            (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                            static_cast<uint32_t>(mac[offset + 3]);
    std::string code = std::to_string(binary % 1000000);
    return std::string(6 - code.size(), '0') + code;
}

std::string otpauth_uri(const std::string& issuer, const std::string& account,
                        const std::string& secret_base32) {
    std::string uri = "otpauth://totp/";
    uri += uri_escape(issuer);
    uri += ':';
    uri += uri_escape(account);
    uri += "?secret=";
    uri += secret_base32;
    uri += "&issuer=";
    uri += uri_escape(issuer);
    uri += "&algorithm=SHA1&digits=6&period=30";
    return uri;
}

}  // namespace wsp
