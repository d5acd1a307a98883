// Streamed uploads (multipart, tus) and downloads (ranges, zip) against the
// real binary, with curl and python3 as real clients (issue 8).
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

#include "base/strings.h"
#include "files_fixture.h"

namespace wsp::test {
namespace {

struct Shell {
    int status = -1;
    std::string out;
};

// Runs a shell command (curl, python3, unzip) and returns its stdout.
Shell sh(const std::string& cmd) {
    Shell r;
    FILE* p = ::popen(cmd.c_str(), "r");
    if (!p) return r;
    char buf[65536];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

std::string base64(const std::string& in) {
    return base64_encode(in, Base64::standard);
}

class TransferTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        PanelOptions options;
        options.config = {"files.max_upload_mb=2", "files.max_edit_kb=2048",
                          "server.body_timeout_s=3"};
        panel_ = new PanelProcess(options);
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        local_ = make_temp_dir("wsp-transfer-local");
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        std::error_code ec;
        stdfs::remove_all(local_, ec);
    }

    static stdfs::path home(const std::string& user = "alice") {
        return panel_->data_dir() / "home" / user;
    }
    static std::string base() { return "http://127.0.0.1:" + std::to_string(panel_->port()); }
    static std::string auth(const std::string& token = alice_) {
        return "-H 'Authorization: Bearer " + token + "' ";
    }
    static void mkdir(const std::string& path) {
        auto r = panel_->http().post("/api/v1/files/mkdir", json::object{{"path", path}}, alice_);
        ASSERT_EQ(r.status, 200) << r.body;
    }
    // curl -F upload; returns "<status>\n<body>".
    static std::pair<int, std::string> upload(const std::string& form,
                                              const std::string& query = "",
                                              const std::string& extra = "") {
        auto r = sh("curl -s -o " + (local_ / "resp").string() + " -w '%{http_code}' " + auth() +
                    extra + form + " '" + base() + "/api/v1/files/upload" + query + "'");
        return {std::atoi(r.out.c_str()), slurp(local_ / "resp")};
    }

    static inline PanelProcess* panel_ = nullptr;
    static inline std::string alice_, bob_;
    static inline stdfs::path local_;
};

TEST_F(TransferTest, MultipartRoundTripOfSeveralFiles) {
    mkdir("/up");
    const std::string a = random_bytes(1500 * 1024, 1), b = random_bytes(300 * 1024, 2);
    spit(local_ / "a.bin", a);
    spit(local_ / "b.bin", b);
    spit(local_ / "c.txt", "hello\r\n--not a boundary\r\n");
    auto [status, body] =
        upload("-F path=/up -F file=@" + (local_ / "a.bin").string() + " -F file=@" +
               (local_ / "b.bin").string() + " -F file=@" + (local_ / "c.txt").string());
    ASSERT_EQ(status, 200) << body;
    auto v = json::parse(body).as_object();
    EXPECT_EQ(v.at("message").as_string(), "Uploaded 3 files");
    auto files = v.at("files").as_array();
    ASSERT_EQ(files.size(), 3u);
    EXPECT_EQ(files[0].at("name").as_string(), "a.bin");
    EXPECT_EQ(files[0].at("path").as_string(), "/up/a.bin");
    EXPECT_EQ(files[0].at("size").as_int64(), static_cast<int64_t>(a.size()));
    EXPECT_EQ(slurp(home() / "up/a.bin"), a);
    EXPECT_EQ(slurp(home() / "up/b.bin"), b);
    EXPECT_EQ(slurp(home() / "up/c.txt"), "hello\r\n--not a boundary\r\n");
    EXPECT_EQ(names_in(home() / "up"), (std::vector<std::string>{"a.bin", "b.bin", "c.txt"}));
    // sha256 as a tool sees it.
    EXPECT_EQ(sh("sha256sum < " + (local_ / "a.bin").string()).out,
              sh("sha256sum < " + (home() / "up/a.bin").string()).out);
    // Owned by the account's OS user, not root.
    struct stat st {};
    ::stat((home() / "up/a.bin").c_str(), &st);
    EXPECT_NE(st.st_uid, 0u);
    EXPECT_EQ(st.st_mode & 0777, 0644u);

    // Chunked transfer encoding, path in the query.
    auto [s2, b2] = upload("-F 'file=@" + (local_ / "b.bin").string() + ";filename=chunked.bin'",
                           "?path=/up", "-H 'Transfer-Encoding: chunked' ");
    ASSERT_EQ(s2, 200) << b2;
    EXPECT_EQ(slurp(home() / "up/chunked.bin"), b);
}

TEST_F(TransferTest, ExistingFileIs409UnlessOverwrite) {
    mkdir("/ow");
    spit(local_ / "x.txt", "one");
    auto [s1, b1] = upload("-F path=/ow -F file=@" + (local_ / "x.txt").string());
    ASSERT_EQ(s1, 200) << b1;
    spit(local_ / "x.txt", "two");
    auto [s2, b2] = upload("-F path=/ow -F file=@" + (local_ / "x.txt").string());
    EXPECT_EQ(s2, 409) << b2;
    EXPECT_EQ(slurp(home() / "ow/x.txt"), "one");
    auto [s3, b3] = upload("-F path=/ow -F overwrite=true -F file=@" + (local_ / "x.txt").string());
    EXPECT_EQ(s3, 200) << b3;
    EXPECT_EQ(slurp(home() / "ow/x.txt"), "two");
    auto [s4, b4] = upload("-F file=@" + (local_ / "x.txt").string(), "?path=/ow&overwrite=true");
    EXPECT_EQ(s4, 200) << b4;
    EXPECT_EQ(names_in(home() / "ow"), std::vector<std::string>{"x.txt"});
}

TEST_F(TransferTest, TooLargeIs413AndLeavesNothing) {
    mkdir("/big");
    spit(local_ / "big.bin", random_bytes(3 * 1024 * 1024 + 10, 3));
    // Announced by Content-Length: refused before the body.
    auto [s1, b1] = upload("-F path=/big -F file=@" + (local_ / "big.bin").string());
    EXPECT_EQ(s1, 413) << b1;
    // Chunked: refused while streaming, once past files.max_upload_mb.
    spit(local_ / "mid.bin", random_bytes(2 * 1024 * 1024 + 100, 4));
    auto [s2, b2] = upload("-F path=/big -F file=@" + (local_ / "mid.bin").string(), "",
                           "-H 'Transfer-Encoding: chunked' ");
    EXPECT_EQ(s2, 413) << b2;
    EXPECT_NE(b2.find("2 MB"), std::string::npos) << b2;
    EXPECT_TRUE(names_in(home() / "big").empty());
}

TEST_F(TransferTest, DroppedConnectionLeavesNothing) {
    mkdir("/drop");
    // Half a body, then the client goes away.
    std::string py =
        "import socket,sys,time\n"
        "s=socket.create_connection(('127.0.0.1'," +
        std::to_string(panel_->port()) +
        "))\n"
        "b='XyZbOuNdArY'\n"
        "head=('--'+b+'\\r\\nContent-Disposition: form-data; name=\"file\"; "
        "filename=\"part.bin\"\\r\\n\\r\\n').encode()\n"
        "s.sendall(('POST /api/v1/files/upload?path=/drop HTTP/1.1\\r\\nHost: "
        "x\\r\\nAuthorization: Bearer " +
        alice_ +
        "\\r\\n'\n"
        "  'Content-Type: multipart/form-data; boundary='+b+'\\r\\nContent-Length: "
        "2000000\\r\\n\\r\\n').encode()+head+b'a'*900000)\n"
        "time.sleep(0.5)\n"
        "s.close()\n";
    spit(local_ / "drop.py", py);
    ASSERT_EQ(sh("python3 " + (local_ / "drop.py").string()).status, 0);
    // The server notices the drop and removes the temp file.
    bool empty = false;
    for (int i = 0; i < 50 && !empty; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        empty = names_in(home() / "drop").empty();
    }
    EXPECT_TRUE(empty) << names_in(home() / "drop").front();

    // A stalled client (no bytes for body_timeout_s) is dropped the same way.
    std::string stall = py;
    stall.replace(stall.find("time.sleep(0.5)"), 15, "time.sleep(5)");
    spit(local_ / "stall.py", stall);
    ASSERT_EQ(sh("python3 " + (local_ / "stall.py").string()).status, 0);
    EXPECT_TRUE(names_in(home() / "drop").empty());
}

TEST_F(TransferTest, BadNamesAndPathsAre400) {
    mkdir("/bad");
    spit(local_ / "ok.txt", "ok");
    const std::string f = (local_ / "ok.txt").string();
    for (const char* name : {"..", "a/b", "."}) {
        auto [s, b] = upload("-F path=/bad -F 'file=@" + f + ";filename=" + name + "'");
        EXPECT_EQ(s, 400) << name << " " << b;
        EXPECT_NE(b.find("Filename"), std::string::npos) << b;
    }
    auto [s1, b1] =
        upload("-F path=/bad -F 'file=@" + f + ";filename=" + std::string(300, 'n') + "'");
    EXPECT_EQ(s1, 400) << b1;
    auto [s2, b2] = upload("-F path=/../etc -F file=@" + f);
    EXPECT_EQ(s2, 400) << b2;
    auto [s3, b3] = upload("-F path=/missing -F file=@" + f);
    EXPECT_EQ(s3, 404) << b3;
    auto [s4, b4] = upload("-F file=@" + f);
    EXPECT_EQ(s4, 400) << b4;
    EXPECT_NE(b4.find("Path"), std::string::npos);
    auto [s5, b5] = upload("-F path=/.wispanel-uploads -F file=@" + f);
    EXPECT_EQ(s5, 400) << b5;
    auto [s6, b6] = upload("-F path=/bad/ok.txt -F file=@" + f, "", "");
    EXPECT_NE(s6, 200);
    // Not multipart.
    auto r = panel_->http().post("/api/v1/files/upload", json::object{{"path", "/bad"}}, alice_);
    EXPECT_EQ(r.status, 400) << r.body;
    // A symlink out of the home as the directory.
    ::symlink("/tmp", (home() / "bad/out").c_str());
    auto [s7, b7] = upload("-F path=/bad/out -F file=@" + f);
    EXPECT_EQ(s7, 400) << b7;
    EXPECT_EQ(names_in(home() / "bad"), std::vector<std::string>{"out"});
    // Another user's home (owner is admin only).
    auto [s8, b8] = upload("-F path=/ -F file=@" + f, "?owner=bob");
    EXPECT_EQ(s8, 403) << b8;
}

TEST_F(TransferTest, WriteAcceptsUpToMaxEditKb) {
    // 1.5 MB of text: over server.max_body_bytes (1 MB), under max_edit_kb.
    std::string content(1536 * 1024, 'x');
    auto r = panel_->http().post("/api/v1/files/write",
                                 json::object{{"path", "/big.txt"}, {"content", content}}, alice_);
    ASSERT_EQ(r.status, 200) << r.body.substr(0, 200);
    EXPECT_EQ(slurp(home() / "big.txt"), content);
    std::string over(2049 * 1024, 'y');
    r = panel_->http().post("/api/v1/files/write",
                            json::object{{"path", "/big.txt"}, {"content", over}}, alice_);
    EXPECT_EQ(r.status, 413);
}

// ---- tus ----------------------------------------------------------------------

std::vector<std::pair<std::string, std::string>> tus_headers(
    const std::string& token, std::vector<std::pair<std::string, std::string>> more = {}) {
    more.emplace_back("Authorization", "Bearer " + token);
    more.emplace_back("Tus-Resumable", "1.0.0");
    return more;
}

HttpResult tus_create(const HttpClient& http, const std::string& token, size_t length,
                      const std::string& filename, const std::string& dir) {
    return http.request("POST", "/api/v1/files/uploads", "",
                        tus_headers(token, {{"Upload-Length", std::to_string(length)},
                                            {"Upload-Metadata", "filename " + base64(filename) +
                                                                    ",path " + base64(dir)}}));
}

HttpResult tus_patch(const HttpClient& http, const std::string& token, const std::string& location,
                     size_t offset, const std::string& data) {
    return http.request("PATCH", location, data,
                        tus_headers(token, {{"Content-Type", "application/offset+octet-stream"},
                                            {"Upload-Offset", std::to_string(offset)}}));
}

// HEAD with curl (the test client would wait for the body Content-Length
// announces).
HttpResult curl_head(int port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string cmd = "curl -s -I --max-time 20";
    for (const auto& [k, v] : headers) cmd += " -H '" + k + ": " + v + "'";
    cmd += " 'http://127.0.0.1:" + std::to_string(port) + target + "'";
    Shell out = sh(cmd);
    HttpResult r;
    std::string_view text = out.out;
    bool first = true;
    while (!text.empty()) {
        size_t eol = text.find("\r\n");
        std::string_view line = text.substr(0, eol);
        text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 2);
        if (line.empty()) break;
        if (first) {
            first = false;
            if (line.size() > 12) r.status = std::atoi(std::string(line.substr(9, 3)).c_str());
            continue;
        }
        size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        std::string name(line.substr(0, colon));
        for (auto& c : name) c = static_cast<char>(std::tolower(c));
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        r.headers[name] = std::string(value);
    }
    return r;
}

HttpResult tus_head(const HttpClient& http, const std::string& token, const std::string& location) {
    return curl_head(http.port, location, tus_headers(token));
}

TEST_F(TransferTest, TusDiscovery) {
    auto r = panel_->http().request("OPTIONS", "/api/v1/files/uploads");
    EXPECT_EQ(r.status, 204);
    EXPECT_EQ(r.header("Tus-Resumable"), "1.0.0");
    EXPECT_EQ(r.header("Tus-Version"), "1.0.0");
    EXPECT_EQ(r.header("Tus-Extension"), "creation,termination");
    EXPECT_EQ(r.header("Tus-Max-Size"), std::to_string(2 * 1024 * 1024));
}

TEST_F(TransferTest, TusResumesAfterADroppedConnection) {
    mkdir("/tus");
    const auto& http = panel_->http();
    const std::string data = random_bytes(1500 * 1024, 9);
    auto c = tus_create(http, alice_, data.size(), "movie.bin", "/tus");
    ASSERT_EQ(c.status, 201) << c.body;
    EXPECT_EQ(c.header("Tus-Resumable"), "1.0.0");
    const std::string loc = c.header("Location");
    ASSERT_EQ(loc.rfind("/api/v1/files/uploads/", 0), 0u) << loc;
    // Partial data is kept in the hidden directory, not in the target.
    EXPECT_TRUE(names_in(home() / "tus").empty());
    auto listing = panel_->http().get("/api/v1/files/list?path=/", alice_);
    EXPECT_EQ(listing.body.find(".wispanel-uploads"), std::string::npos);

    auto p1 = tus_patch(http, alice_, loc, 0, data.substr(0, 500 * 1024));
    ASSERT_EQ(p1.status, 204) << p1.body;
    EXPECT_EQ(p1.header("Upload-Offset"), std::to_string(500 * 1024));

    // The next PATCH breaks off after ~300 KB.
    std::string py =
        "import socket,time\n"
        "s=socket.create_connection(('127.0.0.1'," +
        std::to_string(panel_->port()) +
        "))\n"
        "s.sendall(('PATCH " +
        loc + " HTTP/1.1\\r\\nHost: x\\r\\nAuthorization: Bearer " + alice_ +
        "\\r\\nTus-Resumable: 1.0.0\\r\\nContent-Type: application/offset+octet-stream\\r\\n'\n"
        "  'Upload-Offset: " +
        std::to_string(500 * 1024) +
        "\\r\\nContent-Length: " + std::to_string(data.size() - 500 * 1024) +
        "\\r\\n\\r\\n').encode())\n"
        "s.sendall(open('" +
        (local_ / "tus.bin").string() + "','rb').read()[" + std::to_string(500 * 1024) + ":" +
        std::to_string(800 * 1024) +
        "])\n"
        "time.sleep(0.3)\n"
        "s.close()\n";
    spit(local_ / "tus.bin", data);
    spit(local_ / "tus_drop.py", py);
    ASSERT_EQ(sh("python3 " + (local_ / "tus_drop.py").string()).status, 0);
    // HEAD gives what arrived (once the server noticed the drop).
    size_t offset = 0;
    for (int i = 0; i < 50; ++i) {
        auto h = tus_head(http, alice_, loc);
        ASSERT_EQ(h.status, 200) << h.body;
        EXPECT_EQ(h.header("Upload-Length"), std::to_string(data.size()));
        EXPECT_EQ(h.header("Cache-Control"), "no-store");
        offset = std::stoul(h.header("Upload-Offset"));
        // A PATCH still running makes a second one 409; wait for the drop.
        auto probe = tus_patch(http, alice_, loc, offset, "");
        if (probe.status == 204) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(offset, 500u * 1024);
    EXPECT_LE(offset, 800u * 1024);

    // Wrong offset: 409, nothing written.
    auto wrong = tus_patch(http, alice_, loc, offset + 1, "zz");
    EXPECT_EQ(wrong.status, 409) << wrong.body;
    EXPECT_EQ(wrong.header("Tus-Resumable"), "1.0.0");
    // Wrong content type: 415; wrong version: 412.
    auto type = http.request("PATCH", loc, "zz",
                             tus_headers(alice_, {{"Content-Type", "application/octet-stream"},
                                                  {"Upload-Offset", std::to_string(offset)}}));
    EXPECT_EQ(type.status, 415);
    auto version = curl_head(http.port, loc,
                             {{"Authorization", "Bearer " + alice_}, {"Tus-Resumable", "0.2"}});
    EXPECT_EQ(version.status, 412);
    EXPECT_EQ(version.header("Tus-Version"), "1.0.0");
    // Another account: 403, and it cannot terminate it either.
    EXPECT_EQ(tus_head(http, bob_, loc).status, 403);
    EXPECT_EQ(tus_patch(http, bob_, loc, offset, "x").status, 403);
    EXPECT_EQ(http.request("DELETE", loc, "", tus_headers(bob_)).status, 403);

    auto rest = tus_patch(http, alice_, loc, offset, data.substr(offset));
    ASSERT_EQ(rest.status, 204) << rest.body;
    EXPECT_EQ(rest.header("Upload-Offset"), std::to_string(data.size()));
    EXPECT_EQ(slurp(home() / "tus/movie.bin"), data);
    EXPECT_EQ(sh("sha256sum < " + (local_ / "tus.bin").string()).out,
              sh("sha256sum < " + (home() / "tus/movie.bin").string()).out);
    // Done: the upload is gone, its data too.
    EXPECT_EQ(tus_head(http, alice_, loc).status, 404);
    EXPECT_TRUE(names_in(home() / ".wispanel-uploads").empty());
}

TEST_F(TransferTest, TusCreationRulesAndTermination) {
    mkdir("/tus2");
    const auto& http = panel_->http();
    auto no_version = http.request("POST", "/api/v1/files/uploads", "",
                                   {{"Authorization", "Bearer " + alice_}, {"Upload-Length", "5"}});
    EXPECT_EQ(no_version.status, 412);
    EXPECT_EQ(tus_create(http, alice_, 3 * 1024 * 1024, "x", "/tus2").status, 413);
    EXPECT_EQ(tus_create(http, alice_, 5, "../x", "/tus2").status, 400);
    EXPECT_EQ(tus_create(http, alice_, 5, "x", "/../etc").status, 400);
    EXPECT_EQ(tus_create(http, alice_, 5, "x", "/nope").status, 404);
    auto no_name = http.request("POST", "/api/v1/files/uploads", "",
                                tus_headers(alice_, {{"Upload-Length", "5"}}));
    EXPECT_EQ(no_name.status, 400);
    EXPECT_NE(no_name.error().find("Filename"), std::string::npos);
    spit(home() / "tus2/taken", "x");
    EXPECT_EQ(tus_create(http, alice_, 5, "taken", "/tus2").status, 409);
    EXPECT_EQ(curl_head(http.port, "/api/v1/files/uploads/0123456789abcdef0123456789abcdef",
                        tus_headers(alice_))
                  .status,
              404);

    auto c = tus_create(http, alice_, 10, "gone.txt", "/tus2");
    ASSERT_EQ(c.status, 201);
    const std::string loc = c.header("Location");
    ASSERT_EQ(tus_patch(http, alice_, loc, 0, "12345").status, 204);
    // Past the length: refused.
    EXPECT_EQ(tus_patch(http, alice_, loc, 5, "123456").status, 413);
    auto del = http.request("DELETE", loc, "", tus_headers(alice_));
    EXPECT_EQ(del.status, 204);
    EXPECT_EQ(tus_head(http, alice_, loc).status, 404);
    EXPECT_FALSE(stdfs::exists(home() / "tus2/gone.txt"));
    EXPECT_TRUE(names_in(home() / ".wispanel-uploads").empty());

    // A zero-length upload completes with its first (empty) PATCH.
    auto z = tus_create(http, alice_, 0, "empty.txt", "/tus2");
    ASSERT_EQ(z.status, 201);
    EXPECT_EQ(tus_patch(http, alice_, z.header("Location"), 0, "").status, 204);
    EXPECT_TRUE(stdfs::exists(home() / "tus2/empty.txt"));
}

// ---- downloads -------------------------------------------------------------

TEST_F(TransferTest, DownloadFullHeadRangesAnd304) {
    mkdir("/dl");
    const std::string data = random_bytes(700 * 1024 + 13, 11);
    spit(home() / "dl/data file é.bin", data);
    const std::string url =
        "'" + base() + "/api/v1/files/download?path=" + url_encode("/dl/data file é.bin") + "'";
    const std::string out = (local_ / "dl.out").string(), hdr = (local_ / "dl.hdr").string();
    auto curl = [&](const std::string& args) {
        return sh("curl -s -D " + hdr + " -o " + out + " -w '%{http_code}' " + auth() + args + " " +
                  url)
            .out;
    };
    ASSERT_EQ(curl(""), "200");
    EXPECT_EQ(slurp(out), data);
    std::string headers = slurp(hdr);
    EXPECT_NE(headers.find("Content-Length: " + std::to_string(data.size())), std::string::npos)
        << headers;
    EXPECT_NE(headers.find("Accept-Ranges: bytes"), std::string::npos);
    EXPECT_NE(headers.find("filename*=UTF-8''data%20file%20%C3%A9.bin"), std::string::npos)
        << headers;
    EXPECT_NE(headers.find("Last-Modified: "), std::string::npos);
    auto etag_at = headers.find("ETag: ");
    ASSERT_NE(etag_at, std::string::npos);
    std::string etag = headers.substr(etag_at + 6, headers.find("\r\n", etag_at) - etag_at - 6);

    // HEAD: headers only.
    ASSERT_EQ(curl("-I"), "200");
    EXPECT_NE(slurp(hdr).find("Content-Length: " + std::to_string(data.size())), std::string::npos);

    // One range.
    ASSERT_EQ(curl("-r 100-1099"), "206");
    EXPECT_EQ(slurp(out), data.substr(100, 1000));
    EXPECT_NE(slurp(hdr).find("Content-Range: bytes 100-1099/" + std::to_string(data.size())),
              std::string::npos);
    ASSERT_EQ(curl("-r -500"), "206");
    EXPECT_EQ(slurp(out), data.substr(data.size() - 500));

    // Several: multipart/byteranges, byte-exact.
    ASSERT_EQ(curl("-r 0-9,5000-5099,-7"), "206");
    headers = slurp(hdr);
    auto ct = headers.find("Content-Type: multipart/byteranges; boundary=");
    ASSERT_NE(ct, std::string::npos) << headers;
    std::string boundary = headers.substr(ct + 45, headers.find("\r\n", ct) - ct - 45);
    std::string body = slurp(out);
    auto part = [&](size_t first, size_t last) {
        return "\r\n--" + boundary +
               "\r\nContent-Type: application/octet-stream\r\nContent-Range: bytes " +
               std::to_string(first) + "-" + std::to_string(last) + "/" +
               std::to_string(data.size()) + "\r\n\r\n" + data.substr(first, last - first + 1);
    };
    EXPECT_EQ(body, part(0, 9) + part(5000, 5099) + part(data.size() - 7, data.size() - 1) +
                        "\r\n--" + boundary + "--\r\n");

    // Unsatisfiable.
    ASSERT_EQ(curl("-r 99999999-"), "416");
    EXPECT_NE(slurp(hdr).find("Content-Range: bytes */" + std::to_string(data.size())),
              std::string::npos);

    // Conditional.
    EXPECT_EQ(curl("-H 'If-None-Match: " + etag + "'"), "304");
    EXPECT_EQ(curl("-H 'If-None-Match: \"other\"'"), "200");
    // If-Range with a stale tag: the whole file.
    EXPECT_EQ(curl("-r 0-9 -H 'If-Range: \"stale\"'"), "200");
    EXPECT_EQ(curl("-r 0-9 -H 'If-Range: " + etag + "'"), "206");

    // Missing, a directory's hidden parts, another owner.
    EXPECT_EQ(sh("curl -s -o /dev/null -w '%{http_code}' " + auth() + "'" + base() +
                 "/api/v1/files/download?path=/nope'")
                  .out,
              "404");
    EXPECT_EQ(sh("curl -s -o /dev/null -w '%{http_code}' " + auth(bob_) + url).out, "404");
    EXPECT_EQ(sh("curl -s -o /dev/null -w '%{http_code}' " + auth() + "'" + base() +
                 "/api/v1/files/download?path=/dl/x&owner=bob'")
                  .out,
              "403");
    EXPECT_EQ(sh("curl -s -o /dev/null -w '%{http_code}' " + auth() + "'" + base() +
                 "/api/v1/files/download?path=/../etc/passwd'")
                  .out,
              "400");
}

TEST_F(TransferTest, DirectoryDownloadsAsAZipStream) {
    mkdir("/site");
    mkdir("/site/sub");
    const std::string big = random_bytes(600 * 1024, 12);
    auto w = [&](const std::string& p, const std::string& c) {
        auto r = panel_->http().post("/api/v1/files/write",
                                     json::object{{"path", p}, {"content", c}}, alice_);
        ASSERT_EQ(r.status, 200) << r.body;
    };
    w("/site/index.html", "<h1>hi</h1>");
    w("/site/sub/a.txt", "aaa");
    spit(home() / "site/sub/big.bin", big);
    ::symlink("/etc/passwd", (home() / "site/leak").c_str());
    const std::string zip = (local_ / "site.zip").string();
    auto code = sh("curl -s -o " + zip + " -w '%{http_code}' " + auth() + "'" + base() +
                   "/api/v1/files/download?path=/site'")
                    .out;
    ASSERT_EQ(code, "200");
    EXPECT_EQ(sh("unzip -tq " + zip).status, 0) << sh("unzip -t " + zip).out;
    auto listing = sh("unzip -Z1 " + zip).out;
    EXPECT_NE(listing.find("site/index.html"), std::string::npos) << listing;
    EXPECT_NE(listing.find("site/sub/a.txt"), std::string::npos);
    EXPECT_NE(listing.find("site/sub/big.bin"), std::string::npos);
    EXPECT_EQ(listing.find("leak"), std::string::npos);
    EXPECT_EQ(sh("unzip -p " + zip + " site/sub/big.bin").out, big);

    // The home as a zip leaves out the panel's own directories.
    auto whole = (local_ / "home.zip").string();
    ASSERT_EQ(sh("curl -s -o " + whole + " -w '%{http_code}' " + auth() + "'" + base() +
                 "/api/v1/files/download?path=/'")
                  .out,
              "200");
    auto all = sh("unzip -Z1 " + whole).out;
    EXPECT_NE(all.find("alice/site/index.html"), std::string::npos) << all;
    EXPECT_EQ(all.find(".wispanel-"), std::string::npos) << all;
}

// Resuming after a restart needs its own panel (stopped and started again
// on the same data dir).
TEST(TransferRestart, TusResumesAfterAPanelRestart) {
    const std::string data = random_bytes(300 * 1024, 21);
    std::filesystem::path dir;
    std::string token, loc;
    {
        PanelProcess first;
        first.keep_data_dir();
        dir = first.data_dir();
        token = first.create_user_with_key("carol");
        auto m = first.http().post("/api/v1/files/mkdir", json::object{{"path", "/in"}}, token);
        ASSERT_EQ(m.status, 200);
        auto c = tus_create(first.http(), token, data.size(), "r.bin", "/in");
        ASSERT_EQ(c.status, 201) << c.body;
        loc = c.header("Location");
        ASSERT_EQ(tus_patch(first.http(), token, loc, 0, data.substr(0, 100000)).status, 204);
        EXPECT_EQ(first.stop(), 0);
    }
    PanelOptions again;
    again.data_dir = dir;
    PanelProcess second(again);
    auto h = tus_head(second.http(), token, loc);
    ASSERT_EQ(h.status, 200) << h.body;
    EXPECT_EQ(h.header("Upload-Offset"), "100000");
    ASSERT_EQ(tus_patch(second.http(), token, loc, 100000, data.substr(100000)).status, 204);
    EXPECT_EQ(slurp(dir / "home/carol/in/r.bin"), data);
    std::error_code ec;
    stdfs::remove_all(dir, ec);
}

}  // namespace
}  // namespace wsp::test

namespace wsp::test {
namespace {

// Over TLS the body goes through the stream's own reads and writes (no
// sendfile): upload, a ranged download and a zip, byte-exact.
TEST(TransferTls, UploadAndDownloadOverTls) {
    PanelOptions options;
    options.tls = true;
    PanelProcess panel(options);
    const std::string token = panel.create_user_with_key("dave");
    auto local = make_temp_dir("wsp-transfer-tls");
    const std::string data = random_bytes(2 * 1024 * 1024 + 7, 31);
    spit(local / "t.bin", data);
    const std::string base = "https://127.0.0.1:" + std::to_string(panel.port()) + "/api/v1/files/";
    const std::string auth = "-k -H 'Authorization: Bearer " + token + "' ";
    auto up = sh("curl -s -o /dev/null -w '%{http_code}' " + auth + "-F path=/ -F file=@" +
                 (local / "t.bin").string() + " '" + base + "upload'");
    ASSERT_EQ(up.out, "200");
    EXPECT_EQ(slurp(panel.data_dir() / "home/dave/t.bin"), data);
    auto full = sh("curl -s " + auth + "'" + base + "download?path=/t.bin'");
    EXPECT_EQ(full.out, data);
    auto part = sh("curl -s -r 1000-1999 " + auth + "'" + base + "download?path=/t.bin'");
    EXPECT_EQ(part.out, data.substr(1000, 1000));
    const std::string zip = (local / "home.zip").string();
    ASSERT_EQ(
        sh("curl -s -o " + zip + " -w '%{http_code}' " + auth + "'" + base + "download?path=/'")
            .out,
        "200");
    EXPECT_EQ(sh("unzip -p " + zip + " dave/t.bin").out, data);
    std::error_code ec;
    stdfs::remove_all(local, ec);
}

}  // namespace
}  // namespace wsp::test
