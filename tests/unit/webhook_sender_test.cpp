// Webhooks' pure parts: the SSRF address rule, URL parsing, event patterns
// and the signature (src/drivers/webhook_sender.*, services/webhook_service).
#include "drivers/webhook_sender.h"

#include <gtest/gtest.h>

#include "services/webhook_service.h"

namespace wsp {
namespace {

TEST(WebhookSender, PrivateLoopbackAndLinkLocalAddressesAreNotPublic) {
    for (const char* ip : {"127.0.0.1",       "10.1.2.3",        "172.16.0.1", "172.31.255.255",
                           "192.168.1.1",     "169.254.169.254", "100.64.0.1", "0.0.0.0",
                           "224.0.0.1",       "255.255.255.255", "::1",        "::",
                           "fe80::1",         "fc00::1",         "fd12::1",    "::ffff:127.0.0.1",
                           "::ffff:10.0.0.1", "64:ff9b::a00:1",  "ff02::1",    "2001:db8::1",
                           "not an ip"})
        EXPECT_FALSE(is_public_address(ip)) << ip;
    for (const char* ip : {"1.1.1.1", "93.184.216.34", "172.32.0.1", "192.169.0.1",
                           "2606:4700:4700::1111", "::ffff:8.8.8.8"})
        EXPECT_TRUE(is_public_address(ip)) << ip;
}

TEST(WebhookSender, UrlsAreHttpOrHttpsWithAHost) {
    auto t = parse_webhook_url("https://Hooks.Example.com/x?y=1");
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->host, "hooks.example.com");
    EXPECT_EQ(t->port, 443);
    auto v6 = parse_webhook_url("http://[::1]:8080/");
    ASSERT_TRUE(v6.ok());
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 8080);
    EXPECT_EQ(parse_webhook_url("ftp://example.com/").error().message,
              "scheme must be http or https");
    EXPECT_FALSE(parse_webhook_url("http://user:pw@example.com/").ok());
    EXPECT_FALSE(parse_webhook_url("not a url").ok());
    // Without allow_private a loopback literal is refused before any DNS.
    EXPECT_FALSE(resolve_webhook_host(*parse_webhook_url("http://127.0.0.1/"), false).ok());
    EXPECT_EQ(*resolve_webhook_host(*parse_webhook_url("http://127.0.0.1/"), true), "127.0.0.1");
}

TEST(WebhookSender, PatternsAndSignature) {
    EXPECT_TRUE(WebhookService::pattern_matches("*", "user.created"));
    EXPECT_TRUE(WebhookService::pattern_matches("domain.*", "domain.deleted"));
    EXPECT_FALSE(WebhookService::pattern_matches("domain.*", "database.created"));
    EXPECT_TRUE(WebhookService::pattern_matches("ftp.created", "ftp.created"));
    EXPECT_FALSE(WebhookService::pattern_matches("ftp.created", "ftp.deleted"));
    // RFC 4231 test case 2.
    EXPECT_EQ(hmac_sha256_hex("Jefe", "what do ya want for nothing?"),
              "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace wsp
