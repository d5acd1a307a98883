// Share links against the real binary: a public /s/<token> URL that needs
// no API token, honours its password (argon2id, tried at a bounded rate),
// expiry and download count, and dies with the file it was made for.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "files_fixture.h"

namespace wsp::test {
namespace {

class FilesShareTest : public FilesSuite {
  protected:
    // Writes `content` at `path` in alice's home through the API.
    static void write(const std::string& path, const std::string& content,
                      const std::string& token = alice_) {
        auto r = post("write", json::object{{"path", path}, {"content", content}}, token);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    static HttpResult share(const json::object& body, const std::string& token = alice_) {
        return http().post("/api/v1/files/share", body, token);
    }
    // The link's path ("/s/<token>") out of a 201 answer.
    static std::string link_of(const HttpResult& r) {
        std::string url(r.json().at("url").as_string());
        auto at = url.find("/s/");
        return at == std::string::npos ? url : url.substr(at);
    }
    static std::string created_link(const json::object& body) {
        auto r = share(body);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? link_of(r) : "/s/none";
    }
    static HttpResult post_form(const std::string& link, const std::string& form) {
        return http().request("POST", link, form,
                              {{"Content-Type", "application/x-www-form-urlencoded"}});
    }
    static json::array shares(const std::string& token = alice_) {
        return array_of(http().get("/api/v1/files/shares", token), "items");
    }
    static json::object share_with_id(const std::string& id) {
        for (auto& s : shares())
            if (s.at("id").as_string() == id) return s.as_object();
        return {};
    }
};

TEST_F(FilesShareTest, PublicLinkDownloadsWithoutAToken) {
    write("/shared.txt", "hello world\n");
    auto r = share({{"path", "/shared.txt"}});
    ASSERT_EQ(r.status, 201) << r.body;
    auto created = r.json().as_object();
    const std::string url(created.at("url").as_string());
    std::string expected_start = "http://127.0.0.1:";
    expected_start += std::to_string(panel().port());
    expected_start += "/s/";
    EXPECT_TRUE(url.starts_with(expected_start)) << url;
    const std::string token = url.substr(url.rfind('/') + 1);
    EXPECT_EQ(token.size(), 48u);  // 192 random bits
    EXPECT_EQ(created.at("path").as_string(), "/shared.txt");
    EXPECT_EQ(created.at("state").as_string(), "active");
    EXPECT_FALSE(created.at("has_password").as_bool());

    auto d = http().get(link_of(r));
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.body, "hello world\n");
    EXPECT_EQ(d.headers["cache-control"], "private, no-store");

    // The list counts the download and never shows the token again.
    auto listed = share_with_id(std::string(created.at("id").as_string()));
    EXPECT_EQ(listed.at("downloads").as_int64(), 1);
    EXPECT_FALSE(listed.contains("url"));
    EXPECT_EQ(http().get("/api/v1/files/shares", alice_).body.find(token), std::string::npos);
    // Only the token's hash is stored.
    EXPECT_EQ(slurp(panel().data_dir() / "panel.db").find(token), std::string::npos);
}

TEST_F(FilesShareTest, RangesHeadAndDirectories) {
    std::string data;
    for (int i = 0; i < 5000; ++i) data += numbered("line ", i) + "\n";
    write("/big.txt", data);
    auto r = share({{"path", "/big.txt"}, {"max_downloads", 3}});
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string link = link_of(r);
    // HEAD looks without using up a download.
    auto head = http().request("HEAD", link);
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.headers["content-length"], std::to_string(data.size()));
    auto part = http().request("GET", link, "", {{"Range", "bytes=100-199"}});
    ASSERT_EQ(part.status, 206) << part.body;
    EXPECT_EQ(part.body, data.substr(100, 100));
    auto bad = http().request("GET", link, "", {{"Range", "bytes=999999-"}});
    EXPECT_EQ(bad.status, 416);
    EXPECT_EQ(share_with_id(std::string(r.json().at("id").as_string())).at("downloads").as_int64(),
              2);

    // A directory downloads as a zip.
    ASSERT_EQ(post("mkdir", json::object{{"path", "/album"}}).status, 200);
    write("/album/a.txt", "a\n");
    auto dir = share({{"path", "/album"}});
    ASSERT_EQ(dir.status, 201) << dir.body;
    EXPECT_TRUE(dir.json().at("is_dir").as_bool());
    auto zip = http().get(link_of(dir));
    ASSERT_EQ(zip.status, 200);
    EXPECT_EQ(zip.body.substr(0, 2), "PK");
    EXPECT_EQ(zip.headers["content-type"], "application/zip");
}

// A browser (Accept: text/html) gets a small page naming the file and its
// size, which uses up no download, and a page in words for a bad link;
// API clients keep the bytes and the JSON error.
TEST_F(FilesShareTest, BrowsersGetALandingPageAndAnErrorPage) {
    write("/report <1>.txt", std::string(2048, 'x'));
    auto r = share({{"path", "/report <1>.txt"}, {"max_downloads", 1}});
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string link = link_of(r);
    const std::string id(r.json().at("id").as_string());
    const std::vector<std::pair<std::string, std::string>> browser{
        {"Accept", "text/html,*/*;q=0.8"}};
    auto page = http().request("GET", link, "", browser);
    ASSERT_EQ(page.status, 200) << page.body;
    EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_NE(page.body.find("<h1>report &lt;1&gt;.txt</h1>"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("2.0 KB"), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("href=\"?download=1\""), std::string::npos) << page.body;
    EXPECT_NE(page.body.find("<style>"), std::string::npos);
    EXPECT_EQ(share_with_id(id).at("downloads").as_int64(), 0);
    // The button's link downloads (and uses up the one download).
    auto bytes = http().request("GET", link + "?download=1", "", browser);
    ASSERT_EQ(bytes.status, 200);
    EXPECT_EQ(bytes.body, std::string(2048, 'x'));
    // Used up: a browser reads why, a script gets the JSON envelope.
    auto gone = http().request("GET", link, "", browser);
    EXPECT_EQ(gone.status, 410);
    EXPECT_EQ(gone.headers["content-type"], "text/html; charset=utf-8");
    EXPECT_NE(gone.body.find("download limit"), std::string::npos) << gone.body;
    EXPECT_EQ(gone.body.find("\"success\""), std::string::npos) << gone.body;
    auto api = http().get(link);
    EXPECT_EQ(api.status, 410);
    EXPECT_NE(api.body.find("\"success\":false"), std::string::npos) << api.body;
    auto unknown = http().request("GET", "/s/nope", "", browser);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_NE(unknown.body.find("This link does not work"), std::string::npos) << unknown.body;
    EXPECT_EQ(http().get("/s/nope").headers["content-type"].rfind("application/json", 0), 0U);
}

TEST_F(FilesShareTest, UnknownOrMalformedTokensAre404) {
    EXPECT_EQ(http().get("/s/nope").status, 404);
    EXPECT_EQ(http().get(std::string(48, 'a').insert(0, "/s/")).status, 404);
    EXPECT_EQ(http().get(std::string(48, 'A').insert(0, "/s/")).status, 404);
    EXPECT_EQ(http().get(std::string(5000, 'a').insert(0, "/s/")).status, 404);
    EXPECT_EQ(http().get("/s/%00").status, 404);
}

TEST_F(FilesShareTest, PasswordIsRequiredAndTriedAtABoundedRate) {
    write("/secret.txt", "s3cret\n");
    const std::string link = created_link({{"path", "/secret.txt"}, {"password", "open sesame&="}});
    auto none = http().get(link);
    EXPECT_EQ(none.status, 401);
    EXPECT_NE(none.body.find("Password required"), std::string::npos) << none.body;
    EXPECT_EQ(post_form(link, "password=wrong").status, 401);
    // A browser gets a form that posts the password back.
    auto page = http().request("GET", link, "", {{"Accept", "text/html,*/*"}});
    EXPECT_EQ(page.status, 401);
    EXPECT_NE(page.body.find("<form method=\"post\">"), std::string::npos) << page.body;
    EXPECT_EQ(page.headers["content-type"], "text/html; charset=utf-8");
    auto ok = post_form(link, "password=open+sesame%26%3D");
    ASSERT_EQ(ok.status, 200) << ok.body;
    EXPECT_EQ(ok.body, "s3cret\n");
    auto as_json = http().post(link, json::object{{"password", "open sesame&="}});
    EXPECT_EQ(as_json.status, 200) << as_json.body;
    auto as_header = http().request("GET", link, "", {{"X-Share-Password", "open sesame&="}});
    EXPECT_EQ(as_header.status, 200) << as_header.body;
    EXPECT_EQ(slurp(panel().data_dir() / "panel.db").find("open sesame"), std::string::npos);

    // 10 tries a minute per link (four used above), then 429 even for the
    // right password.
    int limited = 0;
    for (int i = 0; i < 8; ++i)
        if (post_form(link, "password=guess").status == 429) ++limited;
    EXPECT_GE(limited, 1);
    auto after = post_form(link, "password=open+sesame%26%3D");
    EXPECT_EQ(after.status, 429);
    EXPECT_FALSE(after.headers["retry-after"].empty());
}

TEST_F(FilesShareTest, ExpiredLinkIsGone) {
    write("/brief.txt", "brief\n");
    const std::string link = created_link({{"path", "/brief.txt"}, {"expires_in", 1}});
    EXPECT_EQ(http().get(link).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto r = http().get(link);
    EXPECT_EQ(r.status, 410) << r.body;
    EXPECT_NE(r.body.find("expired"), std::string::npos) << r.body;
}

TEST_F(FilesShareTest, DownloadLimitIsExact) {
    write("/twice.txt", "twice\n");
    auto r = share({{"path", "/twice.txt"}, {"max_downloads", 2}});
    ASSERT_EQ(r.status, 201);
    const std::string link = link_of(r);
    EXPECT_EQ(http().get(link).status, 200);
    EXPECT_EQ(http().get(link).status, 200);
    EXPECT_EQ(http().get(link).status, 410);
    auto listed = share_with_id(std::string(r.json().at("id").as_string()));
    EXPECT_EQ(listed.at("downloads").as_int64(), 2);
    EXPECT_EQ(listed.at("state").as_string(), "exhausted");
}

TEST_F(FilesShareTest, LinkDiesWithItsFile) {
    write("/doomed.txt", "one\n");
    const std::string deleted = created_link({{"path", "/doomed.txt"}});
    ASSERT_EQ(post("delete", json::object{{"path", "/doomed.txt"}}).status, 200);
    EXPECT_EQ(http().get(deleted).status, 404);
    // Another file at the same path is not the file shared.
    write("/doomed.txt", "one\n");
    EXPECT_EQ(http().get(deleted).status, 404);

    write("/moving.txt", "two\n");
    const std::string moved = created_link({{"path", "/moving.txt"}});
    ASSERT_EQ(
        post("rename", json::object{{"path", "/moving.txt"}, {"new_path", "/moved.txt"}}).status,
        200);
    EXPECT_EQ(http().get(moved).status, 404);
    // Moved back, it is the same file again.
    ASSERT_EQ(
        post("rename", json::object{{"path", "/moved.txt"}, {"new_path", "/moving.txt"}}).status,
        200);
    EXPECT_EQ(http().get(moved).status, 200);

    // An in-place edit keeps the file (atomic write = new inode): the link
    // then no longer serves, which is the safe side.
    write("/moving.txt", "three\n");
    EXPECT_EQ(http().get(moved).status, 404);
}

TEST_F(FilesShareTest, RevokeIsOwnersOnly) {
    write("/revoke.txt", "r\n");
    auto r = share({{"path", "/revoke.txt"}});
    ASSERT_EQ(r.status, 201);
    const std::string id(r.json().at("id").as_string());
    EXPECT_EQ(http().del("/api/v1/files/shares/" + id, bob_).status, 403);
    EXPECT_EQ(http().get(link_of(r)).status, 200);
    EXPECT_EQ(http().del("/api/v1/files/shares/999999", alice_).status, 404);
    EXPECT_EQ(http().del("/api/v1/files/shares/abc", alice_).status, 404);
    auto gone = http().del("/api/v1/files/shares/" + id, alice_);
    EXPECT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(http().get(link_of(r)).status, 404);
    EXPECT_TRUE(share_with_id(id).empty());
}

TEST_F(FilesShareTest, OwnershipAndListsAreSeparate) {
    write("/alice-only.txt", "a\n");
    // bob's "/alice-only.txt" is in bob's home, where there is none.
    EXPECT_EQ(share({{"path", "/alice-only.txt"}}, bob_).status, 404);
    EXPECT_EQ(share({{"path", "/alice-only.txt"}, {"owner", "alice"}}, bob_).status, 403);
    auto by_admin = share({{"path", "/alice-only.txt"}, {"owner", "alice"}}, panel().admin_key());
    ASSERT_EQ(by_admin.status, 201) << by_admin.body;
    EXPECT_EQ(by_admin.json().at("owner").as_string(), "alice");
    const std::string id(by_admin.json().at("id").as_string());
    for (auto& s : shares(bob_)) EXPECT_NE(s.at("owner").as_string(), "alice");
    EXPECT_EQ(http().get("/api/v1/files/shares?user=alice", bob_).status, 403);
    EXPECT_FALSE(share_with_id(id).empty());
}

TEST_F(FilesShareTest, BadInputCreatesNothing) {
    write("/ok.txt", "ok\n");
    const size_t before = shares().size();
    struct Case {
        json::object body;
        const char* needle;
    };
    const Case cases[] = {
        {{}, "Path"},
        {{{"path", ""}}, "Path"},
        {{{"path", 5}}, "path"},
        {{{"path", "/ok.txt"}, {"expires_in", 0}}, "expires_in"},
        {{{"path", "/ok.txt"}, {"expires_in", 400LL * 86400}}, "expires_in"},
        {{{"path", "/ok.txt"}, {"expires_in", "soon"}}, "expires_in"},
        {{{"path", "/ok.txt"}, {"max_downloads", 0}}, "max_downloads"},
        {{{"path", "/ok.txt"}, {"password", ""}}, "password"},
        {{{"path", "/ok.txt"}, {"password", std::string(2000, 'p')}}, "password"},
        {{{"path", "/../etc/passwd"}}, "Path"},
        {{{"path", std::string("/a\0b", 4)}}, "Path"},
        {{{"path", std::string(300, 'n').insert(0, 1, '/')}}, "Path"},
    };
    for (const auto& c : cases) {
        auto r = share(c.body);
        EXPECT_EQ(r.status, 400) << json::serialize(c.body) << " -> " << r.body;
        EXPECT_NE(r.body.find(c.needle), std::string::npos) << r.body;
    }
    EXPECT_EQ(share({{"path", "/missing.txt"}}).status, 404);
    EXPECT_EQ(share({{"path", "/etc/passwd"}}).status, 404);  // the home's /etc, not the host's

    // A symlink out of the home and a FIFO are never shared.
    ::symlink(canary_dir_.c_str(), (home("alice") / "out").c_str());
    auto out = share({{"path", "/out/canary.txt"}});
    EXPECT_TRUE(out.status == 400 || out.status == 404) << out.body;
    ::mkfifo((home("alice") / "pipe").c_str(), 0644);
    EXPECT_EQ(share({{"path", "/pipe"}}).status, 400);
    auto malformed = http().send_raw("POST", "/api/v1/files/share", "{\"path\":", alice_);
    EXPECT_EQ(malformed.status, 400);
    EXPECT_EQ(shares().size(), before);
    expect_canary_untouched();
}

TEST_F(FilesShareTest, SuspendedOwnersLinksStop) {
    std::string carol = panel().create_user_with_key("carol");
    write("/c.txt", "c\n", carol);
    const std::string link = [&] {
        auto r = share({{"path", "/c.txt"}}, carol);
        EXPECT_EQ(r.status, 201) << r.body;
        return link_of(r);
    }();
    EXPECT_EQ(http().get(link).status, 200);
    auto admin = panel().admin_key();
    ASSERT_EQ(http().post("/api/v1/users/carol/suspend", json::object{}, admin).status, 200);
    EXPECT_EQ(http().get(link).status, 404);
    ASSERT_EQ(http().post("/api/v1/users/carol/unsuspend", json::object{}, admin).status, 200);
    EXPECT_EQ(http().get(link).status, 200);

    auto removed = http().del("/api/v1/users/carol", admin);
    ASSERT_EQ(removed.status, 200) << removed.body;
    EXPECT_NE(removed.body.find("\"share_links\":1"), std::string::npos) << removed.body;
    EXPECT_EQ(http().get(link).status, 404);
}

}  // namespace
}  // namespace wsp::test
