// The names the API accepts: usernames, emails, passwords, domains (IDNA to
// punycode, lowercase) and package names.
#include "base/names.h"

#include <gtest/gtest.h>

#include <string>

namespace wsp {
namespace {

TEST(Username, AcceptsLowercaseLetterThenAlnum) {
    for (const char* ok : {"ab", "john", "user42", "a1"}) {
        auto r = validate_username(ok);
        ASSERT_TRUE(r.ok()) << ok;
        EXPECT_EQ(*r, ok);
    }
    EXPECT_TRUE(validate_username(std::string(32, 'a')).ok());
}

TEST(Username, RejectsEverythingElse) {
    for (const std::string& bad :
         {std::string(""), std::string("a"), std::string(33, 'a'), std::string("John"),
          std::string("1john"), std::string("jo_hn"), std::string("jo-hn"), std::string("jo.hn"),
          std::string("jo hn"), std::string("j\xC3\xBChn"), std::string("jo\0hn", 5),
          std::string("../etc"), std::string("_john")}) {
        auto r = validate_username(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, Code::validation);
            EXPECT_NE(r.error().message.find("username"), std::string::npos);
        }
    }
}

TEST(Email, AcceptsPlausibleMailboxes) {
    for (const char* ok : {"john@example.com", "a.b+tag@mail.example.org", "x@y.co"}) {
        auto r = validate_email(ok);
        ASSERT_TRUE(r.ok()) << ok;
        EXPECT_EQ(*r, ok);
    }
}

TEST(Email, RejectsImplausibleOnes) {
    for (const std::string& bad :
         {std::string(""), std::string("john"), std::string("@example.com"), std::string("john@"),
          std::string("john@example"), std::string("john@@example.com"),
          std::string("jo@hn@example.com"), std::string("john@example.com."),
          std::string("john@.example.com"), std::string("jo hn@example.com"),
          std::string("john@exa\tmple.com"), std::string("john@exa\nmple.com"),
          std::string("jo\0hn@example.com", 17), std::string(250, 'a') + "@b.com"}) {
        auto r = validate_email(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_EQ(r.error().message, "Invalid email address");
        }
    }
}

TEST(Password, LengthAndNul) {
    EXPECT_TRUE(validate_password("12345678").ok());
    EXPECT_TRUE(validate_password(std::string(1024, 'x')).ok());
    auto short_one = validate_password("1234567");
    ASSERT_FALSE(short_one.ok());
    EXPECT_EQ(short_one.error().message, "Password must be at least 8 characters");
    EXPECT_FALSE(validate_password(std::string(1025, 'x')).ok());
    EXPECT_FALSE(validate_password(std::string("abcd\0efgh", 9)).ok());
    auto named = validate_password("short", "new_password");
    ASSERT_FALSE(named.ok());
    EXPECT_EQ(named.error().message, "New_password must be at least 8 characters");
}

TEST(Domain, LowercasesAscii) {
    auto r = validate_domain("Example.COM");
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "example.com");
    auto sub = validate_domain("www.shop-1.example.co.uk");
    ASSERT_TRUE(sub.ok());
    EXPECT_EQ(*sub, "www.shop-1.example.co.uk");
}

TEST(Domain, IdnaBecomesPunycode) {
    auto r = validate_domain(
        "B\xC3\xBC"
        "cher.Example");  // "Bücher.Example"
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, "xn--bcher-kva.example");
    auto already = validate_domain("xn--bcher-kva.example");
    ASSERT_TRUE(already.ok());
    EXPECT_EQ(*already, "xn--bcher-kva.example");
    auto cyrillic =
        validate_domain("\xD0\xBF\xD1\x80\xD0\xB8\xD0\xBC\xD0\xB5\xD1\x80.\xD1\x80\xD1\x84");
    ASSERT_TRUE(cyrillic.ok());
    EXPECT_EQ(*cyrillic, "xn--e1afmkfd.xn--p1ai");  // "пример.рф"
}

TEST(Domain, LabelRules) {
    EXPECT_TRUE(validate_domain(std::string(63, 'a') + ".com").ok());
    EXPECT_FALSE(validate_domain(std::string(64, 'a') + ".com").ok());
    // 253 characters is the most a name may have.
    std::string name;
    while (name.size() < 250) name += "abcdefghi.";
    name += "com";
    ASSERT_EQ(name.size(), 253u);
    EXPECT_TRUE(validate_domain(name).ok());
    EXPECT_FALSE(validate_domain("a" + name).ok());
}

TEST(Domain, RejectsMalformed) {
    for (const std::string& bad :
         {std::string(""), std::string("localhost"), std::string("com"),
          std::string("-bad.example"), std::string("bad-.example"), std::string("a..example"),
          std::string(".example.com"), std::string("example.com."), std::string("ex ample.com"),
          std::string("ex_ample.com"), std::string("example.com/x"), std::string("../etc.com"),
          std::string("a.example/../../etc"), std::string("1.2.3.4"), std::string("example.123"),
          std::string("exa\0mple.com", 12), std::string("*.example.com"),
          std::string("ex@mple.com")}) {
        auto r = validate_domain(bad);
        EXPECT_FALSE(r.ok()) << bad << " -> " << (r.ok() ? *r : "");
        if (!r.ok()) {
            EXPECT_EQ(r.error().message, "Invalid domain name");
        }
    }
}

TEST(PackageName, AcceptsAndRejects) {
    for (const char* ok : {"default", "gold", "gold-2", "a_b", "1x", "a"}) {
        EXPECT_TRUE(validate_package_name(ok).ok()) << ok;
    }
    EXPECT_TRUE(validate_package_name(std::string(32, 'p')).ok());
    for (const std::string& bad :
         {std::string(""), std::string("-gold"), std::string("_gold"), std::string("Gold"),
          std::string("go ld"), std::string("go/ld"), std::string(33, 'p'), std::string("..")}) {
        auto r = validate_package_name(bad);
        EXPECT_FALSE(r.ok()) << bad;
        if (!r.ok()) {
            EXPECT_NE(r.error().message.find("package name"), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace wsp
