#include "system/tls_cert.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string_view>
#include <system_error>
#include <utility>

#include "system/file_io.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

constexpr const char* kCertName = "cert.pem";
constexpr const char* kKeyName = "key.pem";
constexpr mode_t kDirMode = 0700;
constexpr mode_t kKeyMode = 0600;
constexpr mode_t kCertMode = 0644;

// 825 days is the longest validity Apple's TLS stack accepts for a server
// certificate, even a user-trusted self-signed one.
constexpr int kValidityDays = 825;
// Backdating keeps clients whose clocks run a little slow from seeing a
// certificate that is "not yet valid".
constexpr long kBackdateSeconds = 3600;
constexpr int kSerialBits = 128;
constexpr size_t kMaxDnsNameLength = 253;

// ---- RAII wrappers ---------------------------------------------------------

template <auto Free>
struct OpensslDeleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OpensslDeleter<BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpensslDeleter<BN_free>>;
using Asn1StringPtr = std::unique_ptr<ASN1_STRING, OpensslDeleter<ASN1_STRING_free>>;
using GeneralNamePtr = std::unique_ptr<GENERAL_NAME, OpensslDeleter<GENERAL_NAME_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpensslDeleter<GENERAL_NAMES_free>>;
using ExtensionPtr = std::unique_ptr<X509_EXTENSION, OpensslDeleter<X509_EXTENSION_free>>;

// ---- errors ----------------------------------------------------------------

Error errno_error(const std::string& what) {
    const int err = errno;
    return internal(what + ": " + std::system_category().message(err));
}

// Also empties OpenSSL's per-thread error queue: a stale entry left there
// would be misread by a later, unrelated SSL_get_error() on this thread.
Error openssl_error(const std::string& what) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    const char* reason = code != 0 ? ERR_reason_error_string(code) : nullptr;
    return internal(reason != nullptr ? what + ": " + reason : what);
}

// ---- hostnames -------------------------------------------------------------

// The 4 or 16 network-order bytes an iPAddress SAN entry holds, or an empty
// string when `host` is not an IPv4/IPv6 literal.
std::string ip_address_bytes(const std::string& host) {
    unsigned char buf[sizeof(in6_addr)];
    if (::inet_pton(AF_INET, host.c_str(), buf) == 1) {
        return std::string(reinterpret_cast<const char*>(buf), sizeof(in_addr));
    }
    if (::inet_pton(AF_INET6, host.c_str(), buf) == 1) {
        return std::string(reinterpret_cast<const char*>(buf), sizeof(in6_addr));
    }
    return {};
}

// A dNSName is an IA5String; anything outside the hostname alphabet (plus
// '*' for wildcards and '_' seen in the wild) would give a certificate no
// client matches, so a typo in the config fails here instead.
bool is_plausible_dns_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxDnsNameLength) return false;
    for (char c : name) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && c != '.' && c != '-' && c != '_' && c != '*') return false;
    }
    return true;
}

Result<void> validate_hostnames(const std::vector<std::string>& hostnames) {
    if (hostnames.empty()) return internal("no hostnames for the TLS certificate");
    for (const std::string& host : hostnames) {
        if (ip_address_bytes(host).empty() && !is_plausible_dns_name(host)) {
            return internal("invalid hostname for the TLS certificate: '" + host + "'");
        }
    }
    return Ok{};
}

// ---- certificate -----------------------------------------------------------

Result<PkeyPtr> generate_key() {
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key) return openssl_error("cannot generate TLS key");
    return key;
}

// Firefox rejects a certificate whose issuer and serial match one it has
// seen before with different contents, which a regenerated self-signed
// certificate with a fixed serial would. 128 random bits with the top bit
// set stay positive and well within RFC 5280's 20-octet limit.
Result<void> set_random_serial(X509* cert) {
    BignumPtr serial(BN_new());
    if (!serial || BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
        BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) == nullptr) {
        return openssl_error("cannot set certificate serial");
    }
    return Ok{};
}

Result<void> set_validity(X509* cert) {
    // One clock reading for both ends, so the span is exactly kValidityDays.
    time_t now = ::time(nullptr);
    if (X509_time_adj_ex(X509_getm_notBefore(cert), 0, -kBackdateSeconds, &now) == nullptr ||
        X509_time_adj_ex(X509_getm_notAfter(cert), kValidityDays, -kBackdateSeconds, &now) ==
            nullptr) {
        return openssl_error("cannot set certificate validity");
    }
    return Ok{};
}

Result<void> set_subject_and_issuer(X509* cert, const std::string& common_name) {
    X509_NAME* name = X509_get_subject_name(cert);  // owned by cert
    if (X509_NAME_add_entry_by_NID(name, NID_commonName, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char*>(common_name.c_str()), -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(cert, name) != 1) {  // self-signed: issuer = subject
        return openssl_error("cannot set certificate subject");
    }
    return Ok{};
}

Result<GeneralNamePtr> make_general_name(const std::string& host) {
    // Clients match an IP address only against iPAddress entries, never
    // against a dNSName spelling the same address.
    const std::string ip = ip_address_bytes(host);
    const bool is_ip = !ip.empty();
    const std::string& bytes = is_ip ? ip : host;

    GeneralNamePtr name(GENERAL_NAME_new());
    Asn1StringPtr value(ASN1_STRING_type_new(is_ip ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING));
    if (!name || !value ||
        ASN1_STRING_set(value.get(), bytes.data(), static_cast<int>(bytes.size())) != 1) {
        return openssl_error("cannot encode subjectAltName");
    }
    GENERAL_NAME_set0_value(name.get(), is_ip ? GEN_IPADD : GEN_DNS, value.release());
    return name;
}

// Built from GENERAL_NAME objects rather than an "DNS:a,IP:b" config string,
// so no hostname can be misparsed as config syntax.
Result<void> add_subject_alt_names(X509* cert, const std::vector<std::string>& hostnames) {
    GeneralNamesPtr names(sk_GENERAL_NAME_new_null());
    if (!names) return openssl_error("cannot encode subjectAltName");
    for (const std::string& host : hostnames) {
        TRY(GeneralNamePtr name, make_general_name(host));
        if (sk_GENERAL_NAME_push(names.get(), name.get()) <= 0) {
            return openssl_error("cannot encode subjectAltName");
        }
        (void)name.release();  // the stack owns it now
    }
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        return openssl_error("cannot add subjectAltName");
    }
    return Ok{};
}

// `value` is in openssl.cnf syntax, e.g. "critical,CA:FALSE".
Result<void> add_extension(X509* cert, int nid, const char* value) {
    X509V3_CTX ctx{};
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtensionPtr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
        return openssl_error(std::string("cannot add certificate extension ") + OBJ_nid2sn(nid));
    }
    return Ok{};
}

Result<X509Ptr> build_certificate(EVP_PKEY* key, const std::vector<std::string>& hostnames) {
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
        X509_set_pubkey(cert.get(), key) != 1) {
        return openssl_error("cannot create certificate");
    }
    CHECK_OK(set_random_serial(cert.get()));
    CHECK_OK(set_validity(cert.get()));
    CHECK_OK(set_subject_and_issuer(cert.get(), hostnames.front()));
    CHECK_OK(add_subject_alt_names(cert.get(), hostnames));
    // A leaf that cannot sign other certificates: were the key ever stolen,
    // it could not mint certificates for other sites in browsers that
    // trusted this one.
    CHECK_OK(add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE"));
    CHECK_OK(add_extension(cert.get(), NID_key_usage, "critical,digitalSignature"));
    CHECK_OK(add_extension(cert.get(), NID_ext_key_usage, "serverAuth"));
    if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
        return openssl_error("cannot sign certificate");
    }
    return cert;
}

// ---- PEM -------------------------------------------------------------------

std::string memory_bio_contents(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<size_t>(size));
}

Result<std::string> certificate_pem(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        return openssl_error("cannot encode certificate");
    }
    return memory_bio_contents(bio.get());
}

// Unencrypted PKCS#8: the panel must load the key unattended at boot; the
// 0600 mode and the 0700 directory are what protect it.
Result<std::string> private_key_pem(EVP_PKEY* key) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio ||
        PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        return openssl_error("cannot encode TLS key");
    }
    return memory_bio_contents(bio.get());
}

// ---- files -----------------------------------------------------------------

// The directory holds the private key; 0700 also keeps other users from
// seeing the temp files while they are written.
Result<void> ensure_private_dir(const fs::path& dir) {
    // "a/tls/" names the same directory as "a/tls"; strip the slash so the
    // parent computed below is really the parent.
    const fs::path path = dir.has_filename() ? dir : dir.parent_path();
    std::error_code ec;
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path(), ec);
        if (ec) return internal("cannot create parent of TLS directory: " + ec.message());
    }
    if (::mkdir(path.c_str(), kDirMode) == 0) {
        // mkdir's mode is filtered through the umask; set it exactly.
        if (::chmod(path.c_str(), kDirMode) != 0) return errno_error("cannot chmod TLS directory");
        return Ok{};
    }
    if (errno != EEXIST) return errno_error("cannot create TLS directory");
    if (!fs::is_directory(path, ec)) return internal("TLS directory path is not a directory");
    return Ok{};
}

// Holds an exclusive lock on the directory until the returned fd closes.
// Two panel processes starting at once would otherwise interleave their
// renames and could leave one's key next to the other's certificate.
Result<UniqueFd> lock_dir(const fs::path& dir) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return errno_error("cannot open TLS directory");
    int rc;
    do {
        rc = ::flock(fd.get(), LOCK_EX);
    } while (rc != 0 && errno == EINTR);
    if (rc != 0) return errno_error("cannot lock TLS directory");
    return fd;
}

Result<bool> file_exists(const fs::path& path) {
    std::error_code ec;
    const bool exists = fs::exists(path, ec);
    if (ec) return internal("cannot check " + path.filename().string() + ": " + ec.message());
    return exists;
}

Result<void> remove_file(const fs::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return errno_error("cannot remove " + path.filename().string());
    }
    return sync_dir(path.parent_path());
}

Result<void> write_new_pair(const TlsFiles& files, const std::vector<std::string>& hostnames) {
    TRY(PkeyPtr key, generate_key());
    TRY(X509Ptr cert, build_certificate(key.get(), hostnames));
    TRY(std::string key_pem, private_key_pem(key.get()));
    TRY(std::string cert_pem, certificate_pem(cert.get()));
    // The certificate is written last, so its presence marks a complete
    // pair. A stale one is removed first: a crash between the two renames
    // would otherwise pair it with the new key, and the next start would
    // find "both files present" and serve a mismatched pair.
    CHECK_OK(remove_file(files.cert));
    CHECK_OK(write_file_atomic(files.key, key_pem, kKeyMode));
    CHECK_OK(write_file_atomic(files.cert, cert_pem, kCertMode));
    return Ok{};
}

}  // namespace

Result<TlsFiles> ensure_tls_certificate(const std::filesystem::path& dir,
                                        const std::vector<std::string>& hostnames) {
    const TlsFiles files{dir / kCertName, dir / kKeyName};
    CHECK_OK(validate_hostnames(hostnames));
    CHECK_OK(ensure_private_dir(dir));
    TRY(UniqueFd dir_lock, lock_dir(dir));
    // Checked under the lock: another process may have just finished.
    TRY(bool have_cert, file_exists(files.cert));
    TRY(bool have_key, file_exists(files.key));
    if (!have_cert || !have_key) CHECK_OK(write_new_pair(files, hostnames));
    return files;
}

}  // namespace wsp
