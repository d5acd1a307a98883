#include "system/tls_cert.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace wsp {
namespace {

namespace fs = std::filesystem;

template <auto Free>
struct OpensslDeleter {
    template <class T>
    void operator()(T* p) const {
        Free(p);
    }
};
using X509Ptr = std::unique_ptr<X509, OpensslDeleter<X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpensslDeleter<EVP_PKEY_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OpensslDeleter<GENERAL_NAMES_free>>;

std::string read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

mode_t mode_of(const fs::path& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
}

X509Ptr load_cert(const fs::path& path) {
    const std::string pem = read_file(path);
    std::unique_ptr<BIO, OpensslDeleter<BIO_free>> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

PkeyPtr load_key(const fs::path& path) {
    const std::string pem = read_file(path);
    std::unique_ptr<BIO, OpensslDeleter<BIO_free>> bio(
        BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    return PkeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

struct SubjectAltNames {
    std::set<std::string> dns;
    std::set<std::string> ips;  // printable form, via inet_ntop
};

SubjectAltNames subject_alt_names(X509* cert) {
    SubjectAltNames out;
    GeneralNamesPtr names(static_cast<GENERAL_NAMES*>(
        X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return out;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        int type = 0;
        const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(name, &type));
        const unsigned char* data = ASN1_STRING_get0_data(value);
        const int length = ASN1_STRING_length(value);
        if (type == GEN_DNS) {
            out.dns.emplace(reinterpret_cast<const char*>(data), static_cast<size_t>(length));
        } else if (type == GEN_IPADD) {
            char text[INET6_ADDRSTRLEN] = {};
            const int family = length == 4 ? AF_INET : AF_INET6;
            if (::inet_ntop(family, data, text, sizeof text) != nullptr) out.ips.emplace(text);
        }
    }
    return out;
}

std::string common_name(X509* cert) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    return buf;
}

std::string curve_name(EVP_PKEY* key) {
    char buf[64] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, buf, sizeof buf, &len) !=
        1) {
        return "";
    }
    return std::string(buf, len);
}

// Each test gets its own directory under /tmp; the TLS directory inside it
// does not exist yet, so the code under test has to create it.
class TlsCert : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-tls-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        root_ = tmpl;
        dir_ = root_ / "tls";
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    fs::path root_;
    fs::path dir_;
};

TEST_F(TlsCert, GeneratesSelfSignedCertificateWithPrivateModes) {
    auto files = ensure_tls_certificate(dir_, {"localhost", "127.0.0.1"});
    ASSERT_TRUE(files.ok()) << files.error().message;
    EXPECT_EQ(files->cert, dir_ / "cert.pem");
    EXPECT_EQ(files->key, dir_ / "key.pem");

    EXPECT_EQ(mode_of(dir_), 0700u);
    EXPECT_EQ(mode_of(files->key), 0600u);
    EXPECT_EQ(mode_of(files->cert), 0644u);

    // Only the two files: no temp file left behind.
    std::set<std::string> entries;
    for (const auto& entry : fs::directory_iterator(dir_)) {
        entries.insert(entry.path().filename().string());
    }
    EXPECT_EQ(entries, (std::set<std::string>{"cert.pem", "key.pem"}));
}

TEST_F(TlsCert, CertificateHoldsNamesAndMatchesEcKey) {
    auto files = ensure_tls_certificate(dir_, {"localhost", "127.0.0.1"});
    ASSERT_TRUE(files.ok()) << files.error().message;
    X509Ptr cert = load_cert(files->cert);
    PkeyPtr key = load_key(files->key);
    ASSERT_TRUE(cert);
    ASSERT_TRUE(key);

    EXPECT_EQ(common_name(cert.get()), "localhost");
    const SubjectAltNames sans = subject_alt_names(cert.get());
    EXPECT_EQ(sans.dns, (std::set<std::string>{"localhost"}));
    EXPECT_EQ(sans.ips, (std::set<std::string>{"127.0.0.1"}));

    EXPECT_TRUE(EVP_PKEY_is_a(key.get(), "EC"));
    EXPECT_EQ(curve_name(key.get()), "prime256v1");
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
    EXPECT_EQ(X509_verify(cert.get(), key.get()), 1);  // self-signed by that key
}

TEST_F(TlsCert, CertificateIsAV3ServerLeaf) {
    auto files = ensure_tls_certificate(dir_, {"panel.example.com"});
    ASSERT_TRUE(files.ok()) << files.error().message;
    X509Ptr cert = load_cert(files->cert);
    ASSERT_TRUE(cert);

    EXPECT_EQ(X509_get_version(cert.get()), X509_VERSION_3);
    EXPECT_EQ(X509_get_signature_nid(cert.get()), NID_ecdsa_with_SHA256);
    EXPECT_EQ(X509_check_ca(cert.get()), 0);
    EXPECT_TRUE(X509_get_key_usage(cert.get()) & KU_DIGITAL_SIGNATURE);
    EXPECT_TRUE(X509_get_extended_key_usage(cert.get()) & XKU_SSL_SERVER);
    EXPECT_EQ(X509_check_host(cert.get(), "panel.example.com", 0, 0, nullptr), 1);

    // Valid now, backdated an hour, for 825 days in total.
    EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert.get())), 0);
    EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(cert.get())), 0);
    int days = 0;
    int seconds = 0;
    ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert.get()),
                             X509_get0_notAfter(cert.get())),
              1);
    EXPECT_EQ(days, 825);
    EXPECT_EQ(seconds, 0);

    // A 128-bit random serial with its top bit set: 16 bytes, positive.
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
    EXPECT_EQ(ASN1_STRING_type(serial), V_ASN1_INTEGER);
    EXPECT_EQ(ASN1_STRING_length(serial), 16);
}

TEST_F(TlsCert, SecondCallKeepsExistingFiles) {
    auto first = ensure_tls_certificate(dir_, {"localhost", "127.0.0.1"});
    ASSERT_TRUE(first.ok()) << first.error().message;
    const std::string cert = read_file(first->cert);
    const std::string key = read_file(first->key);

    auto second = ensure_tls_certificate(dir_, {"localhost", "127.0.0.1"});
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_EQ(read_file(second->cert), cert);
    EXPECT_EQ(read_file(second->key), key);
}

TEST_F(TlsCert, RegeneratesMatchingPairWhenKeyIsMissing) {
    auto first = ensure_tls_certificate(dir_, {"localhost"});
    ASSERT_TRUE(first.ok()) << first.error().message;
    const std::string old_cert = read_file(first->cert);
    fs::remove(first->key);

    auto second = ensure_tls_certificate(dir_, {"localhost"});
    ASSERT_TRUE(second.ok()) << second.error().message;
    EXPECT_NE(read_file(second->cert), old_cert);
    X509Ptr cert = load_cert(second->cert);
    PkeyPtr key = load_key(second->key);
    ASSERT_TRUE(cert);
    ASSERT_TRUE(key);
    EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
}

TEST_F(TlsCert, AcceptsIpv6Literal) {
    auto files = ensure_tls_certificate(dir_, {"localhost", "::1"});
    ASSERT_TRUE(files.ok()) << files.error().message;
    X509Ptr cert = load_cert(files->cert);
    ASSERT_TRUE(cert);

    const SubjectAltNames sans = subject_alt_names(cert.get());
    EXPECT_EQ(sans.dns, (std::set<std::string>{"localhost"}));
    EXPECT_EQ(sans.ips, (std::set<std::string>{"::1"}));
    EXPECT_EQ(X509_check_ip_asc(cert.get(), "::1", 0), 1);
}

TEST_F(TlsCert, RejectsMissingOrMalformedHostnames) {
    auto none = ensure_tls_certificate(dir_, {});
    ASSERT_FALSE(none.ok());
    EXPECT_EQ(none.error().code, Code::internal);

    auto bad = ensure_tls_certificate(dir_, {"localhost", "bad name,DNS:evil.com"});
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().code, Code::internal);
    EXPECT_FALSE(fs::exists(dir_ / "cert.pem"));
}

}  // namespace
}  // namespace wsp
