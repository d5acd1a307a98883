// The web interface's file serving: types, caching, gzip negotiation, the
// SPA fallback, and that no request path leaves the asset directory.
#include "http/static_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "response_headers.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

class StaticFilesTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-static-XXXXXX";
        root_ = ::mkdtemp(tmpl);
        dist_ = root_ / "dist";
        fs::create_directories(dist_ / "assets");
        write(dist_ / "index.html", "<!doctype html>index");
        write(dist_ / "index.html.gz", "GZ-index");
        write(dist_ / "assets" / "app-1a2b3c.js", "console.log(1)");
        write(dist_ / "assets" / "app-1a2b3c.js.gz", "GZ-js");
        write(dist_ / "assets" / "app-1a2b3c.css", "body{}");
        write(dist_ / "favicon.svg", "<svg/>");
        write(dist_ / ".env", "SECRET=1");
        write(root_ / "outside.txt", "outside");
        fs::create_symlink(root_ / "outside.txt", dist_ / "link.txt");
        fs::create_symlink(root_ / "outside.txt", dist_ / "assets" / "link.js");
    }
    void TearDown() override { fs::remove_all(root_); }

    static void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }

    std::optional<Response> get(std::string_view path, std::string_view enc = "") {
        return StaticFiles(dist_).serve(Verb::get, path, enc);
    }

    fs::path root_, dist_;
};

TEST_F(StaticFilesTest, IndexAtRootRevalidatedWithSecurityHeaders) {
    auto r = get("/");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "<!doctype html>index");
    EXPECT_EQ(r->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(header_of(*r, "Cache-Control"), "no-cache");
    EXPECT_EQ(header_of(*r, "X-Content-Type-Options"), "nosniff");
    EXPECT_NE(header_of(*r, "Content-Security-Policy").find("default-src 'self'"),
              std::string::npos);
    EXPECT_EQ(header_of(*r, "Content-Encoding"), "");
}

TEST_F(StaticFilesTest, HashedAssetsAreImmutableWithTheirType) {
    auto js = get("/assets/app-1a2b3c.js");
    ASSERT_TRUE(js);
    EXPECT_EQ(js->body, "console.log(1)");
    EXPECT_EQ(js->content_type, "application/javascript; charset=utf-8");
    EXPECT_EQ(header_of(*js, "Cache-Control"), "public, max-age=31536000, immutable");
    auto css = get("/assets/app-1a2b3c.css");
    ASSERT_TRUE(css);
    EXPECT_EQ(css->content_type, "text/css; charset=utf-8");
    auto svg = get("/favicon.svg");
    ASSERT_TRUE(svg);
    EXPECT_EQ(svg->content_type, "image/svg+xml");
    EXPECT_EQ(header_of(*svg, "Cache-Control"), "no-cache");
}

TEST_F(StaticFilesTest, GzipVariantOnlyWhenAccepted) {
    auto gz = get("/assets/app-1a2b3c.js", "br, gzip;q=0.8");
    ASSERT_TRUE(gz);
    EXPECT_EQ(gz->body, "GZ-js");
    EXPECT_EQ(header_of(*gz, "Content-Encoding"), "gzip");
    EXPECT_EQ(header_of(*gz, "Vary"), "Accept-Encoding");
    auto plain = get("/assets/app-1a2b3c.js", "gzip;q=0");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->body, "console.log(1)");
    EXPECT_EQ(header_of(*plain, "Content-Encoding"), "");
    EXPECT_EQ(header_of(*plain, "Vary"), "Accept-Encoding");
    // No .gz beside it: the plain file, whatever the client accepts.
    auto css = get("/assets/app-1a2b3c.css", "gzip");
    ASSERT_TRUE(css);
    EXPECT_EQ(css->body, "body{}");
    EXPECT_EQ(header_of(*css, "Content-Encoding"), "");
}

TEST_F(StaticFilesTest, AcceptEncodingParsing) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("deflate, GZIP"));
    EXPECT_TRUE(accepts_gzip("gzip;q=0.5"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_TRUE(accepts_gzip("x-gzip"));
    EXPECT_FALSE(accepts_gzip(""));
    EXPECT_FALSE(accepts_gzip("br, deflate"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
    EXPECT_FALSE(accepts_gzip("gzipped"));
}

TEST_F(StaticFilesTest, UnknownPathsGetTheAppButMissingAssetsAre404) {
    auto route = get("/domains/example.com");
    ASSERT_TRUE(route);
    EXPECT_EQ(route->status, 200u);
    EXPECT_EQ(route->body, "<!doctype html>index");
    EXPECT_EQ(header_of(*route, "Cache-Control"), "no-cache");
    auto dir = get("/assets");  // a directory: the app, never a listing
    ASSERT_TRUE(dir);
    EXPECT_EQ(dir->body, "<!doctype html>index");
    auto missing = get("/assets/gone-123.js");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404u);
    EXPECT_EQ(missing->content_type, "application/json");
}

TEST_F(StaticFilesTest, NoPathLeavesTheDirectory) {
    for (std::string_view p : {"/../outside.txt", "/assets/../../outside.txt", "/./index.html",
                               "/.env", "/assets//app-1a2b3c.js", "//etc/passwd"}) {
        auto r = get(p);
        ASSERT_TRUE(r) << p;
        EXPECT_EQ(r->status, 404u) << p;
        EXPECT_EQ(r->body.find("outside"), std::string::npos) << p;
    }
    auto nul = get(std::string_view("/index.html\0x", 13));
    ASSERT_TRUE(nul);
    EXPECT_EQ(nul->status, 404u);
    // Symlinks are not followed: a link is as good as missing.
    auto link = get("/link.txt");
    ASSERT_TRUE(link);
    EXPECT_NE(link->body, "outside");
    auto asset_link = get("/assets/link.js");
    ASSERT_TRUE(asset_link);
    EXPECT_EQ(asset_link->status, 404u);
}

TEST_F(StaticFilesTest, NotOursApiPathsOtherMethodsNoDirectory) {
    EXPECT_FALSE(get("/api/v1/nope"));
    EXPECT_FALSE(get("/api"));
    EXPECT_FALSE(StaticFiles(dist_).serve(Verb::post, "/", ""));
    EXPECT_FALSE(StaticFiles(dist_).serve(Verb::delete_, "/index.html", ""));
    EXPECT_FALSE(StaticFiles(root_ / "missing").serve(Verb::get, "/", ""));
    // A directory without index.html has no app to fall back to.
    fs::create_directories(root_ / "empty");
    EXPECT_FALSE(StaticFiles(root_ / "empty").serve(Verb::get, "/domains", ""));
}

TEST_F(StaticFilesTest, HeadGetsTheGetAnswer) {
    // The server drops the body of a HEAD answer and keeps its length.
    auto r = StaticFiles(dist_).serve(Verb::head, "/assets/app-1a2b3c.js", "");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200u);
    EXPECT_EQ(r->body, "console.log(1)");
    EXPECT_EQ(header_of(*r, "Cache-Control"), "public, max-age=31536000, immutable");
}

}  // namespace
}  // namespace wsp
