// base/strings: trimming, ASCII case, and the base64 variants callers use
// (RFC 4648 test vectors; tus metadata with and without padding).
#include "base/strings.h"

#include <gtest/gtest.h>

namespace wsp {
namespace {

TEST(Strings, Trim) {
    EXPECT_EQ(trim("  a b\t "), "a b");
    EXPECT_EQ(trim("\t\t"), "");
    EXPECT_EQ(trim(""), "");
    EXPECT_EQ(trim("x"), "x");
    EXPECT_EQ(trim("\r\nx\r", " \t\r"), "\nx");  // only the characters asked for
    EXPECT_EQ(trim(" x ", " "), "x");
}

TEST(Strings, Case) {
    EXPECT_EQ(to_lower("Content-Type: GZIP"), "content-type: gzip");
    EXPECT_EQ(to_lower("\xc3\x89"), "\xc3\x89");  // ASCII only
    EXPECT_TRUE(iequals("Bearer", "bEARER"));
    EXPECT_FALSE(iequals("Bearer", "Bearer "));
    EXPECT_TRUE(istarts_with("BYTES=0-1", "bytes="));
    EXPECT_FALSE(istarts_with("byte", "bytes="));
}

TEST(Base64, StandardVectors) {
    const std::pair<const char*, const char*> kVectors[] = {
        {"", ""},
        {"f", "Zg=="},
        {"fo", "Zm8="},
        {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="},
        {"fooba", "Zm9vYmE="},
        {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : kVectors) {
        EXPECT_EQ(base64_encode(plain, Base64::standard), encoded);
        EXPECT_EQ(base64_decode(encoded, Base64::standard), plain) << encoded;
    }
    EXPECT_EQ(base64_encode("\xfb\xff", Base64::standard), "+/8=");
    EXPECT_EQ(base64_decode("+/8=", Base64::standard), "\xfb\xff");
}

TEST(Base64, StandardDecodeIsLenientAboutPadding) {
    EXPECT_EQ(base64_decode("Zg", Base64::standard), "f");
    EXPECT_EQ(base64_decode("Zm8", Base64::standard), "fo");
    EXPECT_EQ(base64_decode("Zg==ignored", Base64::standard), "f");
    EXPECT_EQ(base64_decode("d29ybGRfZG9taW5hdGlvbl9wbGFuLnBkZg==", Base64::standard),
              "world_domination_plan.pdf");
}

TEST(Base64, RejectsOtherText) {
    EXPECT_FALSE(base64_decode("Zm9v!", Base64::standard));
    EXPECT_FALSE(base64_decode("Zm 9v", Base64::standard));
    EXPECT_FALSE(base64_decode("-_8", Base64::standard));
    EXPECT_FALSE(base64_decode("+/8", Base64::url_unpadded));
    EXPECT_FALSE(base64_decode("Zg==", Base64::url_unpadded));
}

TEST(Base64, UrlUnpadded) {
    EXPECT_EQ(base64_encode("\xfb\xff", Base64::url_unpadded), "-_8");
    EXPECT_EQ(base64_encode("f", Base64::url_unpadded), "Zg");
    EXPECT_EQ(base64_decode("-_8", Base64::url_unpadded), "\xfb\xff");
    // 32 bytes (a sign-on token) are 43 characters, none needing escaping.
    const std::string token = base64_encode(std::string(32, '\xff'), Base64::url_unpadded);
    EXPECT_EQ(token.size(), 43u);
    EXPECT_EQ(
        token.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
}

}  // namespace
}  // namespace wsp
