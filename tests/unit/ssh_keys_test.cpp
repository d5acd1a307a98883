// SSH public keys for SFTP (drivers/ssh_keys): what is accepted, the
// fingerprint ssh-keygen -l prints, and the RFC 4716 form mod_sftp_sql reads.
// The expected values come from OpenSSH 9.2's ssh-keygen.
#include "drivers/ssh_keys.h"

#include <gtest/gtest.h>

#include "base/secrets.h"

namespace wsp {
namespace {

const std::string kEd25519 =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4C u@h";
const std::string kEcdsa521 =
    "ecdsa-sha2-nistp521 "
    "AAAAE2VjZHNhLXNoYTItbmlzdHA1MjEAAAAIbmlzdHA1MjEAAACFBAFrdcGDhmuVuJAEqce2CSVQoq0YlAO11rmfz3fIa"
    "e5PwekoYcqCkfMSH6EruCL35jJgd2/oO/MMTtEIgzIbbXmuqQA4VagcZCzJCIdmyEYKs2GjbHH9F50F+sj+xnNrYcFIWo+"
    "s7Iyx9IPt7chFLp5s0Lv2mWcibE9GZOS0iOdhVzJe9g== e";
const std::string kRsa2048 =
    "ssh-rsa "
    "AAAAB3NzaC1yc2EAAAADAQABAAABAQDMoR9P5VKC+Uo+jKju7JCh01a+pGKPuLsKGb0KcOuy45Mkg9Z01ity7RPDDS9ozM"
    "8W5579mCsZc2ESc7uV11YurFmdeFQB0a73ruLoZfOsbjgWpJ1OiT4964pN2cNBIDuzJXyJXQuw7F6oKB5eVAdBXUknekq"
    "gIQqs88qt9p1C5Luxg2vc9pN0oFw+dvk0h/11vwd2aFjq6yfuha0b6QiEXFIyXibDxCDm5SPElCHsx+6gVIeoTWkHx7BJ"
    "evIMK5j5ssWx3wcxfQLvjTnhUeOctSQIOTN/3IM35IPJ3RgTl4L/ami1Dvi2Zx23n2ANVGcTILmkD5lLstICxxeGCLTj "
    "r";

class SshKeys : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { ASSERT_TRUE(init_crypto()); }
};

TEST_F(SshKeys, Ed25519FingerprintAndRfc4716AsOpenSsh) {
    auto k = parse_ssh_public_key(kEd25519 + "\n");
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(k->type, "ssh-ed25519");
    EXPECT_EQ(k->bits, 256);
    EXPECT_EQ(k->comment, "u@h");
    EXPECT_EQ(k->fingerprint, "SHA256:R4Yn0eAcVuyh6smGWlt1yfs1HmEhyHWIyUb/0r064Tk");
    EXPECT_EQ(k->openssh(),
              "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4C");
    // ssh-keygen -e's body lines (without its optional Comment header).
    EXPECT_EQ(k->rfc4716(),
              "---- BEGIN SSH2 PUBLIC KEY ----\n"
              "AAAAC3NzaC1lZDI1NTE5AAAAINxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4C\n"
              "---- END SSH2 PUBLIC KEY ----\n");
}

TEST_F(SshKeys, EcdsaP521IsAccepted) {
    auto k = parse_ssh_public_key(kEcdsa521);
    ASSERT_TRUE(k.ok()) << k.error().message;
    EXPECT_EQ(k->bits, 521);
    EXPECT_EQ(k->fingerprint, "SHA256:x4Qx8PA1Ty6mQbpsMGVkJJVv+2AHZoqvkG59xW4jPvM");
    // Long bodies wrap at 70 columns.
    for (size_t start = 0, end; (end = k->rfc4716().find('\n', start)) != std::string::npos;
         start = end + 1)
        EXPECT_LE(end - start, 70u);
}

TEST_F(SshKeys, RefusedKeysNameTheField) {
    auto rsa = parse_ssh_public_key(kRsa2048);
    ASSERT_FALSE(rsa.ok());
    EXPECT_NE(rsa.error().message.find("3072"), std::string::npos) << rsa.error().message;
    EXPECT_NE(rsa.error().message.find("2048"), std::string::npos) << rsa.error().message;
    for (const std::string& bad : {
             std::string(""),
             std::string("   "),
             std::string("ssh-ed25519"),
             std::string("ssh-ed25519 AAAA"),
             std::string("ssh-ed25519 !!!!"),
             // The blob says ed25519, the line says rsa.
             std::string(
                 "ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAINxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4C"),
             // Truncated key (31 bytes).
             std::string(
                 "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAHxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4"),
             // Something after the padding.
             std::string(
                 "ssh-ed25519 "
                 "AAAAC3NzaC1lZDI1NTE5AAAAINxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4C==AA"),
             std::string("ssh-dss AAAAB3NzaC1kc3MAAACBAP x"),
             std::string("sk-ssh-ed25519@openssh.com AAAA x"),
             std::string("-----BEGIN OPENSSH PRIVATE KEY-----"),
             kEd25519 + "\n" + kEd25519,
             std::string(20000, 'A'),
         }) {
        auto r = parse_ssh_public_key(bad);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, Code::validation) << bad;
        EXPECT_NE(r.error().message.find("public_key"), std::string::npos) << r.error().message;
    }
}

TEST_F(SshKeys, ControlCharactersInTheCommentAreReplaced) {
    auto k = parse_ssh_public_key(
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAINxrNGKhk5hWCnmEI/JZ1JR2jyZD0YQQ31BdTPrIsI4C "
        "a\tb\x1b");
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->comment, "a?b?");
}

}  // namespace
}  // namespace wsp
