// The /pma/ reverse proxy's pure parts: which targets may go upstream, and
// how cookies and redirects are rewritten.
#include <gtest/gtest.h>

#include "http/loopback_proxy.h"

namespace wsp {
namespace {

TEST(LoopbackProxy, OwnsOnlyItsPrefix) {
    LoopbackProxy p(LoopbackProxyOptions{.prefix = "/pma", .port = 1});
    EXPECT_TRUE(p.owns("/pma"));
    EXPECT_TRUE(p.owns("/pma/"));
    EXPECT_TRUE(p.owns("/pma/index.php"));
    EXPECT_FALSE(p.owns("/pmax"));
    EXPECT_FALSE(p.owns("/api/v1/pma/"));
    EXPECT_FALSE(p.owns("/"));
}

TEST(LoopbackProxy, OnlyPlainPathsBelowThePrefixGoUpstream) {
    for (const char* ok :
         {"/pma/", "/pma/index.php?route=/database/structure&db=a_b",
          "/pma/js/vendor/jquery/jquery.min.js", "/pma/?token=abc_-", "/pma/a%20b.php", "/pma"})
        EXPECT_FALSE(proxy_target_problem(ok, "/pma")) << ok;
    for (const char* bad : {"/pma/../api/v1/health", "/pma/%2e%2e/api", "/pma/./x", "/pma/a%2Fb",
                            "/pma/a%5Cb", "/pma/a%00b", "/pma/?x=%00", "http://127.0.0.1:22/pma/",
                            "//evil.example/pma/", "/pmaa/", "/other", "*", "/pma/%2E%2E%2F"})
        EXPECT_TRUE(proxy_target_problem(bad, "/pma")) << bad;
}

TEST(LoopbackProxy, CookiesAreConfinedToThePrefix) {
    EXPECT_EQ(confine_cookie("PanelSignon=abc; path=/; HttpOnly", "/pma/", false),
              "PanelSignon=abc; HttpOnly; Path=/pma/");
    EXPECT_EQ(confine_cookie("pma_lang=en; expires=Wed, 23 Dec 2026 10:00:00 GMT; Max-Age=2592000; "
                             "path=/pma/; domain=example.com; HttpOnly; SameSite=Strict",
                             "/pma/", true),
              "pma_lang=en; expires=Wed, 23 Dec 2026 10:00:00 GMT; Max-Age=2592000; HttpOnly; "
              "SameSite=Strict; Path=/pma/; Secure");
    EXPECT_EQ(confine_cookie("a=b; Secure", "/pma/", true), "a=b; Secure; Path=/pma/");
    EXPECT_EQ(confine_cookie("a=b", "/pma/", false), "a=b; Path=/pma/");
}

TEST(LoopbackProxy, LocationsPointAtThePanel) {
    EXPECT_EQ(rewrite_location("/pma/index.php?route=/", 8080, "/pma"), "/pma/index.php?route=/");
    EXPECT_EQ(rewrite_location("/index.php?x=1", 8080, "/pma"), "/pma/index.php?x=1");
    EXPECT_EQ(rewrite_location("http://127.0.0.1:8080/pma/index.php", 8080, "/pma"),
              "/pma/index.php");
    EXPECT_EQ(rewrite_location("http://localhost:8080/index.php", 8080, "/pma"), "/pma/index.php");
    EXPECT_EQ(rewrite_location("index.php?route=/", 8080, "/pma"), "index.php?route=/");
    EXPECT_EQ(rewrite_location("https://www.phpmyadmin.net/", 8080, "/pma"),
              "https://www.phpmyadmin.net/");
}

}  // namespace
}  // namespace wsp
