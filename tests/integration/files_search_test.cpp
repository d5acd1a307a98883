// GET /files/search against the real binary: names (substring and glob,
// case rules), content, bounds, and never leaving the home.
#include "files_fixture.h"

namespace wsp::test {
namespace {

class FilesSearchTest : public FilesSuite {
  protected:
    static void SetUpTestSuite() {
        FilesSuite::SetUpTestSuite();
        for (const char* d : {"/s/a", "/s/b", "/s/c"})
            post("mkdir", {{"path", d}, {"parents", true}});
        post("write", {{"path", "/s/a/Readme.md"}, {"content", "hello Needle world"}});
        post("write", {{"path", "/s/b/readme.txt"}, {"content", "nothing here"}});
        post("write", {{"path", "/s/c/other.txt"}, {"content", "a needle"}});
        post("write", {{"path", "/s/c/other.txt"}, {"content", "a needle, again"}});
        stdfs::create_directory_symlink(canary_dir_, home("alice") / "s" / "out");
    }
    static std::vector<std::string> paths(const HttpResult& r) {
        std::vector<std::string> out;
        for (auto& v : array_of(r, "results")) out.emplace_back(v.at("path").as_string());
        std::sort(out.begin(), out.end());
        return out;
    }
    static HttpResult find(const std::string& query) {
        return http().get("/api/v1/files/search?" + query, alice_);
    }
};

TEST_F(FilesSearchTest, FindsByNameAndContent) {
    auto r = find("path=/s&q=readme");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(paths(r), (std::vector<std::string>{"/s/a/Readme.md", "/s/b/readme.txt"}));
    EXPECT_EQ(r.json().at("truncated"), false);
    auto first = array_of(r, "results")[0].as_object();
    EXPECT_TRUE(first.contains("permission") && first.contains("mod_time") &&
                first.contains("owner") && first.contains("is_dir"));

    EXPECT_EQ(paths(find("path=/s&q=Readme&case_sensitive=true")),
              (std::vector<std::string>{"/s/a/Readme.md"}));
    EXPECT_EQ(paths(find("path=/s&q=*.md")), (std::vector<std::string>{"/s/a/Readme.md"}));
    EXPECT_EQ(paths(find("path=/s&content=needle")),
              (std::vector<std::string>{"/s/a/Readme.md", "/s/c/other.txt"}));
    EXPECT_EQ(paths(find("path=/s&content=Needle&case_sensitive=true")),
              (std::vector<std::string>{"/s/a/Readme.md"}));
    EXPECT_EQ(paths(find("path=/s&q=*.txt&content=needle")),
              (std::vector<std::string>{"/s/c/other.txt"}));
    // Default path: the whole home.
    EXPECT_EQ(paths(find("q=other.txt")), (std::vector<std::string>{"/s/c/other.txt"}));
}

TEST_F(FilesSearchTest, IsBoundedAndSaysSo) {
    auto r = find("path=/s&q=*&limit=2");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(array_of(r, "results").size(), 2u);
    EXPECT_EQ(r.json().at("truncated"), true);
    EXPECT_EQ(r.json().at("stopped_by"), "limit");
    EXPECT_EQ(find("path=/s").status, 400);
    EXPECT_EQ(find("path=/s&q=x&limit=0").status, 400);
    EXPECT_EQ(find("path=/s&q=x&limit=5000").status, 400);
    EXPECT_EQ(find("path=/s&q=x&case_sensitive=maybe").status, 400);
    EXPECT_EQ(find("path=/s/a/Readme.md&q=x").status, 400);
    EXPECT_EQ(find("path=/nope&q=x").status, 404);
}

TEST_F(FilesSearchTest, NeverLeavesTheHome) {
    // The link named "out" leads to the canary's directory: never entered.
    EXPECT_TRUE(paths(find("q=canary")).empty());
    EXPECT_TRUE(paths(find("content=canary")).empty());
    EXPECT_EQ(find("path=/s/out&q=canary").status, 400);
    EXPECT_EQ(find("path=/../&q=canary").status, 400);
    EXPECT_EQ(find("path=/s&q=a%00b").status, 400);
    // The panel's own directories are not searched ("path" files of history).
    EXPECT_TRUE(paths(find("q=path")).empty());
    auto other = http().get("/api/v1/files/search?q=readme&owner=alice", bob_);
    EXPECT_EQ(other.status, 403);
    expect_canary_untouched();
}

}  // namespace
}  // namespace wsp::test
