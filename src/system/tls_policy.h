#pragma once
// The TLS 1.2 suites every listener of the panel offers (its HTTPS, and
// ProFTPD's FTPS): forward secret AEAD only, in the server's order. CBC
// suites are what testssl.sh flags (LUCKY13, an "average" list); TLS 1.3
// suites are all AEAD and keep OpenSSL's default list. docs/reliability.md.
namespace wsp {

inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

}  // namespace wsp
