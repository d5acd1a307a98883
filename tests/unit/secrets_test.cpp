// Random tokens, sha256, and argon2id password hashes.
#include "base/secrets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace wsp {
namespace {

class Secrets : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { ASSERT_TRUE(init_crypto()); }
};

bool is_lower_hex(const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST_F(Secrets, RandomHexLengthAndAlphabet) {
    for (size_t bytes : {0u, 1u, 8u, 24u, 32u}) {
        std::string h = random_hex(bytes);
        EXPECT_EQ(h.size(), bytes * 2);
        EXPECT_TRUE(is_lower_hex(h)) << h;
    }
}

TEST_F(Secrets, RandomHexDoesNotRepeat) {
    std::set<std::string> seen;
    for (int i = 0; i < 1000; ++i) EXPECT_TRUE(seen.insert(random_hex(24)).second);
}

TEST_F(Secrets, Sha256KnownVectors) {
    EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256_hex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(Secrets, SecretsEqual) {
    EXPECT_TRUE(secrets_equal("abc", "abc"));
    EXPECT_FALSE(secrets_equal("abc", "abd"));
    EXPECT_FALSE(secrets_equal("abc", "abcd"));
    EXPECT_TRUE(secrets_equal("", ""));
}

TEST_F(Secrets, PasswordHashVerifies) {
    auto h = hash_password("correct horse");
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(h->starts_with("$argon2id$")) << *h;
    EXPECT_TRUE(verify_password("correct horse", *h));
    EXPECT_FALSE(verify_password("correct horsE", *h));
    EXPECT_FALSE(verify_password("", *h));
    // Salted: the same password hashes differently each time.
    auto again = hash_password("correct horse");
    ASSERT_TRUE(again.ok());
    EXPECT_NE(*h, *again);
    EXPECT_TRUE(verify_password("correct horse", *again));
}

TEST_F(Secrets, PasswordsWithNulBytesAreWholeValues) {
    std::string with_nul("ab\0cd", 5);
    auto h = hash_password(with_nul);
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(verify_password(with_nul, *h));
    EXPECT_FALSE(verify_password("ab", *h));
}

TEST_F(Secrets, GarbageHashNeverVerifies) {
    EXPECT_FALSE(verify_password("x", ""));
    EXPECT_FALSE(verify_password("x", "not a hash"));
}

TEST_F(Secrets, DummyHashIsRealButMatchesNothing) {
    const std::string& dummy = dummy_password_hash();
    EXPECT_TRUE(dummy.starts_with("$argon2id$"));
    EXPECT_EQ(&dummy, &dummy_password_hash());
    EXPECT_FALSE(verify_password("", dummy));
    EXPECT_FALSE(verify_password("password", dummy));
}

}  // namespace
}  // namespace wsp
