// The web interface served by the real binary: built assets at "/", the API
// untouched under /api/v1, and plain 404s when no interface is built.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/panel_process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;

class WebServing : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        dist_ = make_temp_dir("wsp-web-dist");
        fs::create_directories(dist_ / "assets");
        std::ofstream(dist_ / "index.html") << "<!doctype html><title>WisPanel</title>";
        std::ofstream(dist_ / "assets" / "main-abc123.js") << "export const x = 1;";
        std::ofstream(dist_ / "assets" / "main-abc123.js.gz") << "GZIPPED";
        panel_ = new PanelProcess(PanelOptions{.config = {"web.dir=" + dist_.string()}});
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        fs::remove_all(dist_);
    }
    static inline fs::path dist_;
    static inline PanelProcess* panel_ = nullptr;
};

TEST_F(WebServing, IndexAndSpaRoutes) {
    for (const char* path : {"/", "/domains", "/api-keys/new"}) {
        auto r = panel_->http().get(path);
        EXPECT_EQ(r.status, 200) << path;
        EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8") << path;
        EXPECT_EQ(r.header("cache-control"), "no-cache") << path;
        EXPECT_NE(r.body.find("<title>WisPanel</title>"), std::string::npos) << path;
    }
}

TEST_F(WebServing, AssetsCachedAndGzipNegotiated) {
    auto plain = panel_->http().get("/assets/main-abc123.js");
    EXPECT_EQ(plain.status, 200);
    EXPECT_EQ(plain.body, "export const x = 1;");
    EXPECT_EQ(plain.header("cache-control"), "public, max-age=31536000, immutable");
    EXPECT_EQ(plain.header("content-type"), "application/javascript; charset=utf-8");
    auto gz = panel_->http().request("GET", "/assets/main-abc123.js", "",
                                     {{"Accept-Encoding", "gzip, deflate"}});
    EXPECT_EQ(gz.status, 200);
    EXPECT_EQ(gz.body, "GZIPPED");
    EXPECT_EQ(gz.header("content-encoding"), "gzip");
    EXPECT_EQ(gz.header("vary"), "Accept-Encoding");
    EXPECT_EQ(panel_->http().get("/assets/missing-1.js").status, 404);
}

TEST_F(WebServing, ApiUnchanged) {
    auto unknown = panel_->http().get("/api/v1/no-such-route");
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.error(), "Route not found");
    EXPECT_EQ(panel_->http().get("/api/v1/health").status, 200);
    EXPECT_EQ(panel_->http().get("/api/v1/auth/me").status, 401);
    // Not GET/HEAD outside the API: 404 as before, never the app.
    auto post = panel_->http().request("POST", "/domains", "{}");
    EXPECT_EQ(post.status, 404);
    EXPECT_EQ(post.error(), "Route not found");
}

TEST_F(WebServing, NoEscape) {
    std::ofstream(dist_.parent_path() / "wsp-web-secret.txt") << "secret";
    for (const char* path :
         {"/../wsp-web-secret.txt", "/assets/%2e%2e/%2e%2e/wsp-web-secret.txt",
          "/%2e%2e/wsp-web-secret.txt", "/assets/..%2f..%2fwsp-web-secret.txt"}) {
        auto r = panel_->http().get(path);
        EXPECT_EQ(r.body.find("secret"), std::string::npos) << path;
        EXPECT_NE(r.status, 200) << path;
    }
    fs::remove(dist_.parent_path() / "wsp-web-secret.txt");
}

TEST(WebServingWithoutBuild, NonApiPathsAre404AsBefore) {
    PanelProcess panel(PanelOptions{.config = {"web.dir=/nonexistent/wispanel-web"}});
    auto r = panel.http().get("/");
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.error(), "Route not found");
    EXPECT_EQ(panel.http().get("/domains").status, 404);
}

}  // namespace
}  // namespace wsp::test
