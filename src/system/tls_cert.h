#pragma once
// The panel's own HTTPS certificate. On first start there is no certificate
// from an operator or ACME yet, so the panel makes a self-signed one that
// keeps the login page off plain HTTP until a real one replaces it.
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace wsp {

struct TlsFiles {
    std::filesystem::path cert;
    std::filesystem::path key;
};

// Returns DIR/cert.pem and DIR/key.pem, generating both first when either is
// missing: a self-signed X.509 v3 certificate for a new ECDSA P-256 key, with
// CN = hostnames[0] and every hostname in subjectAltName (IP: for IPv4/IPv6
// literals, DNS: otherwise), valid from an hour ago for 825 days.
// DIR is created with mode 0700 when absent; key.pem gets 0600, cert.pem 0644.
// Files are replaced atomically (temp file, fsync, rename, fsync DIR), so a
// crash never leaves a half-written or mismatched pair. Existing files are
// returned as they are, whatever names they hold.
Result<TlsFiles> ensure_tls_certificate(const std::filesystem::path& dir,
                                        const std::vector<std::string>& hostnames);

}  // namespace wsp
