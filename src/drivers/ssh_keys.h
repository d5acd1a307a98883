#pragma once
// SSH public keys for SFTP: parsing and checking an OpenSSH one-line key
// (`ssh-ed25519 AAAA... comment`), its SHA256 fingerprint (as `ssh-keygen
// -l` prints it), the RFC 4716 form that ProFTPD's mod_sftp_sql reads, and
// the SFTP server's own host keys (made with ssh-keygen at first start).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"

namespace wsp {

struct SshPublicKey {
    std::string type;  // ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa
    int64_t bits = 0;
    std::string blob;         // the decoded key (SSH wire format)
    std::string comment;      // may be empty
    std::string fingerprint;  // "SHA256:" + unpadded base64 of sha256(blob)

    // "type base64" (no comment): the key's canonical one-line form.
    std::string openssh() const;
    // "---- BEGIN SSH2 PUBLIC KEY ----" ... (RFC 4716, 70-column body).
    std::string rfc4716() const;
};

// Parses and checks an OpenSSH public key line. Accepted: ed25519, ECDSA
// (P-256, P-384, P-521) and RSA of at least 3072 bits; errors are 400s
// naming `public_key`.
Result<SshPublicKey> parse_ssh_public_key(const std::string& line);

struct HostKey {
    std::string type;            // as the key line names it (ssh-ed25519, ecdsa-sha2-nistp256)
    std::string fingerprint;     // SHA256:...
    std::filesystem::path path;  // the private key (0600)
};

// The SFTP host keys in `dir` (ed25519 and ECDSA P-256; libssh2 clients
// such as curl pick ECDSA), made with `ssh_keygen` when missing. Private
// keys 0600 (mod_sftp refuses group- or world-readable ones).
Result<std::vector<HostKey>> ensure_host_keys(const std::filesystem::path& dir,
                                              const std::filesystem::path& ssh_keygen);

// The host keys already in `dir` (none when they were never made).
std::vector<HostKey> read_host_keys(const std::filesystem::path& dir);

}  // namespace wsp
