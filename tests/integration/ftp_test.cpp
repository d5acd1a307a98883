// FTP accounts end to end: the real panel starts its real ProFTPD, and a
// real FTP client (curl, and Python's ftplib for RFC 7151 HOST) logs in.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "ftp_client.h"
#include "support/panel_process.h"
#include "support/tls_probe.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// curl's exit codes that matter here.
constexpr int kLoginDenied = 67;

class FtpTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ftp_port_ = free_port();
        // A small passive range of our own, away from other suites.
        const int base = 40000 + static_cast<int>(::getpid() % 2000) * 10;
        passive_ = std::to_string(base) + "-" + std::to_string(base + 9);
        panel_ = new PanelProcess(PanelOptions{
            .config = {"ftp.port=" + std::to_string(ftp_port_), "ftp.passive_ports=" + passive_}});
        admin_ = panel_->admin_key();
        bob_ = panel_->create_user_with_key("bob");
        eve_ = panel_->create_user_with_key("eve");
        files_ = make_temp_dir("wsp-ftp-files");
        wait_running(true);
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        std::error_code ec;
        fs::remove_all(files_, ec);
    }

    static const HttpClient& http() { return panel_->http(); }

    static void wait_running(bool want) { wait_ftp_running(*panel_, admin_, want); }

    static std::string url(const std::string& path = "/") { return ftp_url(ftp_port_, path); }

    static int curl(const std::string& user, const std::string& password,
                    std::vector<std::string> args, std::string* output = nullptr) {
        return ftp_curl(user, password, std::move(args), output);
    }
    static int login(const std::string& user, const std::string& password) {
        return curl(user, password, {"--list-only", url()});
    }
    static std::string list(const std::string& user, const std::string& password,
                            const std::string& path = "/") {
        std::string out;
        EXPECT_EQ(curl(user, password, {"--list-only", url(path)}, &out), 0) << out;
        return out;
    }
    static fs::path local_file(const std::string& name, size_t bytes) {
        fs::path p = files_ / name;
        std::ofstream f(p, std::ios::binary);
        std::string chunk(bytes, 'x');
        f << chunk;
        return p;
    }
    static int upload(const std::string& user, const std::string& password, const fs::path& local,
                      const std::string& remote) {
        std::string out;
        int rc = curl(user, password, {"-T", local.string(), url(remote)}, &out);
        return rc;
    }

    static std::string anonymous_session(const std::string& host) {
        return ftp_anonymous_session(ftp_port_, host);
    }

    // Creates an FTP account of bob; returns its full name.
    static std::string make_account(const std::string& name, json::object extra = {}) {
        json::object body{{"username", name}, {"password", kPassword}};
        for (auto& [k, v] : extra) body[k] = v;
        auto r = http().post("/api/v1/ftp", body, bob_);
        EXPECT_EQ(r.status, 201) << r.body;
        return "bob_" + name;
    }

    static constexpr const char* kPassword = "S3cure-pass";
    static inline PanelProcess* panel_ = nullptr;
    static inline int ftp_port_ = 0;
    static inline std::string passive_;
    static inline std::string admin_, bob_, eve_;
    static inline fs::path files_;
};

TEST_F(FtpTest, StatusReportsTheRealServer) {
    auto r = http().get("/api/v1/ftp/status", bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json().at("installed").as_bool());
    EXPECT_TRUE(r.json().at("running").as_bool());
    EXPECT_TRUE(r.json().at("total_accounts").is_int64());
    auto h = http().get("/api/v1/health");
    EXPECT_EQ(h.json().at("components").at("ftp").as_string(), "up");
}

TEST_F(FtpTest, CreateShapeAndListShape) {
    auto r = http().post("/api/v1/ftp", {{"username", "shape"}, {"password", kPassword}}, bob_);
    ASSERT_EQ(r.status, 201) << r.body;
    auto a = r.json().as_object();
    EXPECT_EQ(a.at("username").as_string(), "bob_shape");
    EXPECT_EQ(a.at("owner").as_string(), "bob");
    EXPECT_EQ(a.at("home_dir").as_string(), (panel_->data_dir() / "home" / "bob").string());
    EXPECT_EQ(a.at("quota_mb").as_int64(), 0);
    EXPECT_FALSE(a.at("read_only").as_bool());
    EXPECT_TRUE(a.at("enabled").as_bool());
    EXPECT_TRUE(a.at("allowed_ips").as_array().empty());
    EXPECT_TRUE(a.contains("created_at"));
    EXPECT_TRUE(a.contains("updated_at"));
    EXPECT_FALSE(a.contains("password"));
    EXPECT_FALSE(a.contains("password_hash"));

    auto l = http().get("/api/v1/ftp/", bob_);
    ASSERT_EQ(l.status, 200);
    EXPECT_EQ(static_cast<size_t>(l.json().at("total").as_int64()),
              l.json().at("accounts").as_array().size());
    // eve sees none of bob's; admin sees them.
    auto le = http().get("/api/v1/ftp", eve_).json();
    for (const auto& acc : le.at("accounts").as_array())
        EXPECT_EQ(acc.at("owner").as_string(), "eve");
    auto la = http().get("/api/v1/ftp", admin_).json();
    bool seen = false;
    for (const auto& acc : la.at("accounts").as_array())
        seen = seen || acc.at("username").as_string() == "bob_shape";
    EXPECT_TRUE(seen);

    auto dup = http().post("/api/v1/ftp", {{"username", "shape"}, {"password", kPassword}}, bob_);
    EXPECT_EQ(dup.status, 409);
    auto del = http().del("/api/v1/ftp/bob_shape", bob_);
    ASSERT_EQ(del.status, 200);
    EXPECT_EQ(del.json().at("message").as_string(), "FTP account deleted successfully");
}

TEST_F(FtpTest, LoginUploadDownloadRenameDelete) {
    const auto user = make_account("web");
    EXPECT_EQ(login(user, kPassword), 0);
    EXPECT_EQ(login(user, "wrong-password"), kLoginDenied);
    EXPECT_EQ(login(user, ""), kLoginDenied);

    auto local = local_file("hello.txt", 1234);
    ASSERT_EQ(upload(user, kPassword, local, "/hello.txt"), 0);
    EXPECT_EQ(fs::file_size(panel_->data_dir() / "home" / "bob" / "hello.txt"), 1234u);
    std::string body;
    ASSERT_EQ(curl(user, kPassword, {url("/hello.txt")}, &body), 0);
    EXPECT_EQ(body, std::string(1234, 'x'));
    ASSERT_EQ(curl(user, kPassword, {"-Q", "RNFR hello.txt", "-Q", "RNTO renamed.txt", url()}), 0);
    EXPECT_TRUE(fs::exists(panel_->data_dir() / "home" / "bob" / "renamed.txt"));
    ASSERT_EQ(curl(user, kPassword, {"-Q", "DELE renamed.txt", url()}), 0);
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "home" / "bob" / "renamed.txt"));
}

TEST_F(FtpTest, ChrootedToHomeDir) {
    const auto user = make_account("jail", {{"home_dir", "sites/jail"}});
    const fs::path bob_home = panel_->data_dir() / "home" / "bob";
    ASSERT_TRUE(fs::is_directory(bob_home / "sites" / "jail"));
    { std::ofstream(bob_home / "outside.txt") << "secret"; }
    { std::ofstream(bob_home / "sites" / "jail" / "inside.txt") << "mine"; }
    auto names = list(user, kPassword);
    EXPECT_NE(names.find("inside.txt"), std::string::npos) << names;
    EXPECT_EQ(names.find("outside.txt"), std::string::npos) << names;
    std::string out;
    EXPECT_NE(curl(user, kPassword, {url("/../../outside.txt")}, &out), 0) << out;
    EXPECT_NE(curl(user, kPassword, {url("/%2Fetc/passwd")}, &out), 0) << out;
    EXPECT_EQ(out.find("root:"), std::string::npos);
    EXPECT_NE(curl(user, kPassword, {"--list-only", url("/%2Fetc/")}, &out), 0) << out;
    // The absolute form of home_dir is accepted too.
    auto r = http().put("/api/v1/ftp/" + user, {{"home_dir", (bob_home / "sites").string()}}, bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("home_dir").as_string(), (bob_home / "sites").string());
    names = list(user, kPassword);
    EXPECT_NE(names.find("jail"), std::string::npos) << names;
}

TEST_F(FtpTest, HomeDirOutsideTheHomeIsRefused) {
    const fs::path bob_home = panel_->data_dir() / "home" / "bob";
    fs::create_directory_symlink("/tmp", bob_home / "escape");
    for (const std::string& bad : std::vector<std::string>{
             "../eve", "sites/../../eve", "/etc", "escape", "escape/sub",
             (panel_->data_dir() / "home" / "eve").string(), std::string(2000, 'a')}) {
        auto r = http().post("/api/v1/ftp",
                             {{"username", "badhome"}, {"password", kPassword}, {"home_dir", bad}},
                             bob_);
        EXPECT_EQ(r.status, 400) << bad << " " << r.body;
        EXPECT_NE(r.error().find("home_dir"), std::string::npos) << r.body;
    }
    auto nul = http().send_raw(
        "POST", "/api/v1/ftp",
        R"({"username":"badhome","password":"S3cure-pass","home_dir":"a\u0000b"})", bob_);
    EXPECT_EQ(nul.status, 400) << nul.body;
    EXPECT_EQ(http().get("/api/v1/ftp/bob_badhome", bob_).status, 404);
}

// Issue 14: a home that is, or passes through, a symbolic link is refused
// when set (naming home_dir), and an account whose home became one later
// (a cron job can make links) is left out of the server at the next write:
// ProFTPD chroots by path and would follow it into another home.
TEST_F(FtpTest, HomesThroughSymlinksAreRefusedAndLeftOut) {
    const fs::path bob_home = panel_->data_dir() / "home" / "bob";
    const fs::path eve_home = panel_->data_dir() / "home" / "eve";
    { std::ofstream(eve_home / "eve-secret.txt") << "eve's"; }
    fs::create_directories(bob_home / "real");
    fs::create_directory_symlink("real", bob_home / "inner-link");  // stays inside, still refused
    for (const char* bad : {"inner-link", "inner-link/sub"}) {
        auto r =
            http().post("/api/v1/ftp",
                        {{"username", "linked"}, {"password", kPassword}, {"home_dir", bad}}, bob_);
        EXPECT_EQ(r.status, 400) << bad << " " << r.body;
        EXPECT_EQ(r.error(), "home_dir must not be or pass through a symbolic link") << bad;
    }
    const auto user = make_account("swapped", {{"home_dir", "swapped"}});
    auto put = http().put("/api/v1/ftp/" + user, {{"home_dir", "inner-link"}}, bob_);
    EXPECT_EQ(put.status, 400) << put.body;
    EXPECT_EQ(put.error(), "home_dir must not be or pass through a symbolic link");
    ASSERT_EQ(login(user, kPassword), 0);

    // The home becomes a link to eve's home; the next write leaves it out.
    fs::remove(bob_home / "swapped");
    fs::create_directory_symlink(eve_home, bob_home / "swapped");
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"quota_mb", 0}}, bob_).status, 200);
    std::string out;
    EXPECT_NE(curl(user, kPassword, {"--list-only", url()}, &out), 0) << out;
    EXPECT_EQ(out.find("eve-secret.txt"), std::string::npos) << out;
    EXPECT_NE(panel_->log().find("passes through a symbolic link"), std::string::npos);
    // Put back as a directory, the next write lets it in again.
    fs::remove(bob_home / "swapped");
    fs::create_directories(bob_home / "swapped");
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"quota_mb", 0}}, bob_).status, 200);
    EXPECT_EQ(login(user, kPassword), 0);
    ASSERT_EQ(http().del("/api/v1/ftp/" + user, bob_).status, 200);
}

// The same for a domain's anonymous directory.
TEST_F(FtpTest, AnonymousDirectoryThroughASymlinkIsLeftOut) {
    const fs::path eve_home = panel_->data_dir() / "home" / "eve";
    { std::ofstream(eve_home / "eve-secret.txt") << "eve's"; }
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "bob-swap.example"}}, bob_).status, 201);
    auto on = http().put("/api/v1/ftp/bob-swap.example/anonymous", {{"enabled", true}}, bob_);
    ASSERT_EQ(on.status, 200) << on.body;
    const fs::path dir(std::string(on.json().at("directory").as_string()));
    fs::remove_all(dir);
    fs::create_directory_symlink(eve_home, dir);
    // Enabling it again is refused outright (the directory is a link now)...
    on = http().put("/api/v1/ftp/bob-swap.example/anonymous", {{"enabled", true}}, bob_);
    EXPECT_EQ(on.status, 400) << on.body;
    // ...and the next write of the sites (another domain's) leaves it out.
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "bob-other.example"}}, bob_).status, 201);
    ASSERT_EQ(
        http().put("/api/v1/ftp/bob-other.example/anonymous", {{"enabled", true}}, bob_).status,
        200);
    wait_running(true);
    auto session = anonymous_session("bob-swap.example");
    EXPECT_EQ(session.find("eve-secret.txt"), std::string::npos) << session;
    fs::remove(dir);
    fs::create_directories(dir);
    ASSERT_EQ(
        http().put("/api/v1/ftp/bob-swap.example/anonymous", {{"enabled", false}}, bob_).status,
        200);
    ASSERT_EQ(
        http().put("/api/v1/ftp/bob-other.example/anonymous", {{"enabled", false}}, bob_).status,
        200);
}

TEST_F(FtpTest, DisabledAndToggle) {
    const auto user = make_account("toggler");
    EXPECT_EQ(login(user, kPassword), 0);
    auto t = http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, bob_);
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_FALSE(t.json().at("enabled").as_bool());
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
    t = http().send_raw("POST", "/api/v1/ftp/" + user + "/toggle", "", bob_);
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_TRUE(t.json().at("enabled").as_bool());
    EXPECT_EQ(login(user, kPassword), 0);
    auto p = http().put("/api/v1/ftp/" + user, {{"enabled", false}}, bob_);
    ASSERT_EQ(p.status, 200);
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
}

TEST_F(FtpTest, ReadOnlyRefusesEveryWrite) {
    const auto user = make_account("reader", {{"read_only", true}});
    { std::ofstream(panel_->data_dir() / "home" / "bob" / "readme.txt") << "read me"; }
    std::string body;
    ASSERT_EQ(curl(user, kPassword, {url("/readme.txt")}, &body), 0);
    EXPECT_EQ(body, "read me");
    EXPECT_NE(upload(user, kPassword, local_file("ro.txt", 10), "/ro.txt"), 0);
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "home" / "bob" / "ro.txt"));
    EXPECT_NE(curl(user, kPassword, {"-Q", "DELE readme.txt", url()}), 0);
    EXPECT_NE(curl(user, kPassword, {"-Q", "MKD newdir", url()}), 0);
    EXPECT_NE(curl(user, kPassword, {"-Q", "RNFR readme.txt", "-Q", "RNTO x.txt", url()}), 0);
    EXPECT_TRUE(fs::exists(panel_->data_dir() / "home" / "bob" / "readme.txt"));
    // Writable again after the change.
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"read_only", false}}, bob_).status, 200);
    EXPECT_EQ(upload(user, kPassword, local_file("rw.txt", 10), "/rw.txt"), 0);
}

TEST_F(FtpTest, QuotaRefusesTheUploadThatWouldExceedIt) {
    const auto user = make_account("quota", {{"home_dir", "quota"}, {"quota_mb", 1}});
    EXPECT_EQ(upload(user, kPassword, local_file("q1.bin", 700 * 1024), "/q1.bin"), 0);
    EXPECT_NE(upload(user, kPassword, local_file("q2.bin", 700 * 1024), "/q2.bin"), 0);
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "home" / "bob" / "quota" / "q2.bin"));
    // Raised: accepted at the next login.
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"quota_mb", 3}}, bob_).status, 200);
    EXPECT_EQ(upload(user, kPassword, local_file("q2.bin", 700 * 1024), "/q2.bin"), 0);
}

TEST_F(FtpTest, AllowedIps) {
    const auto user = make_account("ips");
    auto r = http().put("/api/v1/ftp/" + user + "/ip-restrictions",
                        {{"allowed_ips", {"203.0.113.0/24"}}}, bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("allowed_ips").as_array().size(), 1u);
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
    r = http().put("/api/v1/ftp/" + user + "/ip-restrictions",
                   {{"allowed_ips", {"203.0.113.7", "127.0.0.0/8"}}}, bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(login(user, kPassword), 0);
    r = http().put("/api/v1/ftp/" + user + "/ip-restrictions", {{"allowed_ips", {"127.0.0.1"}}},
                   bob_);
    EXPECT_EQ(login(user, kPassword), 0);
    r = http().put("/api/v1/ftp/" + user + "/ip-restrictions", {{"allowed_ips", json::array{}}},
                   bob_);
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(login(user, kPassword), 0);
    for (const char* bad : {"not-an-ip", "10.0.0.1/33", "300.1.1.1"}) {
        r = http().put("/api/v1/ftp/" + user + "/ip-restrictions", {{"allowed_ips", {bad}}}, bob_);
        EXPECT_EQ(r.status, 400) << bad;
        EXPECT_NE(r.error().find(bad), std::string::npos) << r.body;
    }
    r = http().put("/api/v1/ftp/" + user + "/ip-restrictions", {{"allowed_ips", "1.2.3.4"}}, bob_);
    EXPECT_EQ(r.status, 400);
}

TEST_F(FtpTest, PasswordChangeTakesEffect) {
    const auto user = make_account("pwchange");
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"password", "N3w-password"}}, bob_).status, 200);
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
    EXPECT_EQ(login(user, "N3w-password"), 0);
    auto weak = http().put("/api/v1/ftp/" + user, {{"password", "short"}}, bob_);
    EXPECT_EQ(weak.status, 400);
}

TEST_F(FtpTest, DeletedAccountCannotLogIn) {
    const auto user = make_account("gone");
    EXPECT_EQ(login(user, kPassword), 0);
    ASSERT_EQ(http().del("/api/v1/ftp/" + user, bob_).status, 200);
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
    EXPECT_EQ(http().get("/api/v1/ftp/" + user, bob_).status, 404);
    EXPECT_EQ(http().del("/api/v1/ftp/" + user, bob_).status, 404);
}

TEST_F(FtpTest, ValidationErrors) {
    auto post = [](json::object body) { return http().post("/api/v1/ftp", body, bob_); };
    auto r = post({{"username", "a"}, {"password", kPassword}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error(), "Username must be at least 2 characters");
    r = post({{"password", kPassword}});
    EXPECT_EQ(r.status, 400);
    r = post({{"username", "nopass"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("Password"), std::string::npos);
    for (const std::string& bad :
         std::vector<std::string>{"with space", "quo'te", "dq\"x", "per%cent", "ünïcode",
                                  "semi;colon", "sl/ash", std::string(40, 'a')}) {
        r = post({{"username", bad}, {"password", kPassword}});
        EXPECT_EQ(r.status, 400) << bad << " " << r.body;
    }
    r = post({{"username", "typed"}, {"password", kPassword}, {"quota_mb", "lots"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("quota_mb"), std::string::npos) << r.body;
    r = post({{"username", "typed"}, {"password", kPassword}, {"quota_mb", -1}});
    EXPECT_EQ(r.status, 400);
    r = post({{"username", "typed"}, {"password", kPassword}, {"read_only", "yes"}});
    EXPECT_EQ(r.status, 400);
    r = post({{"username", 12}, {"password", kPassword}});
    EXPECT_EQ(r.status, 400);
    r = post({{"username", "typed"}, {"password", kPassword}, {"domain", "not-mine.example"}});
    EXPECT_EQ(r.status, 400);
    auto raw = http().send_raw("POST", "/api/v1/ftp", "{\"username\": ", bob_);
    EXPECT_EQ(raw.status, 400);
    auto nul = http().send_raw("POST", "/api/v1/ftp",
                               R"({"username":"nu\u0000l","password":"S3cure-pass"})", bob_);
    EXPECT_EQ(nul.status, 400);
    auto arr = http().send_raw("POST", "/api/v1/ftp", "[1,2]", bob_);
    EXPECT_EQ(arr.status, 400);

    // Changes: wrong types and malformed JSON are 400 naming the field.
    const auto user = make_account("typed2");
    auto put = [&](json::object body) { return http().put("/api/v1/ftp/" + user, body, bob_); };
    r = put({{"enabled", "yes"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("enabled"), std::string::npos) << r.body;
    r = put({{"quota_mb", 1.5}});
    EXPECT_EQ(r.status, 400);
    r = put({{"allowed_ips", {1, 2}}});
    EXPECT_EQ(r.status, 400);
    r = put({{"home_dir", "../../etc"}});
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(http().send_raw("PUT", "/api/v1/ftp/" + user, "{nope", bob_).status, 400);
    EXPECT_EQ(http().send_raw("PUT", "/api/v1/ftp/" + user + "/ip-restrictions", "{}", bob_).status,
              400);
    // Nothing changed by the refused requests.
    auto g = http().get("/api/v1/ftp/" + user, bob_);
    EXPECT_TRUE(g.json().at("enabled").as_bool());
    EXPECT_EQ(g.json().at("quota_mb").as_int64(), 0);
    EXPECT_EQ(login(user, kPassword), 0);
    // Path tricks in the id are just unknown accounts.
    for (const char* id : {"..%2F..%2Fetc", "bob_typed2%00", "bob%20typed2", "%27%20OR%201%3D1"})
        EXPECT_EQ(http().get(std::string("/api/v1/ftp/") + id, bob_).status, 404) << id;
    EXPECT_EQ(http().get("/api/v1/ftp/bob_typed", bob_).status, 404);
    // Nothing half done: the server has no such account either.
    EXPECT_EQ(login("bob_typed", kPassword), kLoginDenied);
}

TEST_F(FtpTest, OtherOwnersAccountsAre403) {
    const auto user = make_account("private");
    EXPECT_EQ(http().get("/api/v1/ftp/" + user, eve_).status, 403);
    EXPECT_EQ(http().put("/api/v1/ftp/" + user, {{"enabled", false}}, eve_).status, 403);
    EXPECT_EQ(
        http()
            .put("/api/v1/ftp/" + user + "/ip-restrictions", {{"allowed_ips", json::array{}}}, eve_)
            .status,
        403);
    EXPECT_EQ(http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, eve_).status, 403);
    EXPECT_EQ(http().del("/api/v1/ftp/" + user, eve_).status, 403);
    EXPECT_EQ(http().get("/api/v1/ftp/bob_missing", eve_).status, 404);
    EXPECT_EQ(login(user, kPassword), 0);
    // eve cannot create for bob; admin can.
    auto r = http().post("/api/v1/ftp",
                         {{"username", "forbob"}, {"password", kPassword}, {"owner", "bob"}}, eve_);
    EXPECT_EQ(r.status, 403);
    r = http().post("/api/v1/ftp",
                    {{"username", "foradm"}, {"password", kPassword}, {"owner", "bob"}}, admin_);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json().at("username").as_string(), "bob_foradm");
    EXPECT_EQ(http().get("/api/v1/ftp/" + user, admin_).status, 200);
}

TEST_F(FtpTest, PackageLimitApplies) {
    auto p = http().post("/api/v1/packages", {{"name", "ftpone"}, {"max_ftp_accounts", 1}}, admin_);
    ASSERT_EQ(p.status, 201) << p.body;
    auto key = panel_->create_user_with_key("limited", "ftpone");
    auto r = http().post("/api/v1/ftp", {{"username", "one"}, {"password", kPassword}}, key);
    ASSERT_EQ(r.status, 201) << r.body;
    r = http().post("/api/v1/ftp", {{"username", "two"}, {"password", kPassword}}, key);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error(), "FTP account limit reached (1)");
    EXPECT_EQ(login("limited_two", kPassword), kLoginDenied);
}

TEST_F(FtpTest, SuspendedOwnerCannotLogIn) {
    auto key = panel_->create_user_with_key("susp");
    ASSERT_EQ(
        http().post("/api/v1/ftp", {{"username", "site"}, {"password", kPassword}}, key).status,
        201);
    EXPECT_EQ(login("susp_site", kPassword), 0);
    ASSERT_EQ(http().post("/api/v1/users/susp/suspend", json::object{}, admin_).status, 200);
    int rc = 0;
    // A login racing the suspension may also be cut off mid-way (curl 56),
    // as open sessions are ended: wait for the plain refusal.
    for (int i = 0; i < 40 && (rc = login("susp_site", kPassword)) != kLoginDenied; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rc, kLoginDenied);
    ASSERT_EQ(http().post("/api/v1/users/susp/unsuspend", json::object{}, admin_).status, 200);
    for (int i = 0; i < 40 && (rc = login("susp_site", kPassword)) != 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rc, 0);
}

TEST_F(FtpTest, DeletingTheOwnerRemovesItsAccounts) {
    auto key = panel_->create_user_with_key("leaver");
    ASSERT_EQ(
        http().post("/api/v1/ftp", {{"username", "site"}, {"password", kPassword}}, key).status,
        201);
    EXPECT_EQ(login("leaver_site", kPassword), 0);
    auto d = http().del("/api/v1/users/leaver", admin_);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_NE(d.body.find("ftp_accounts"), std::string::npos) << d.body;
    EXPECT_EQ(login("leaver_site", kPassword), kLoginDenied);
    EXPECT_EQ(http().get("/api/v1/ftp/leaver_site", admin_).status, 404);
}

TEST_F(FtpTest, ExplicitFtpsLogin) {
    const auto user = make_account("secure");
    std::string out;
    EXPECT_EQ(curl(user, kPassword, {"--ssl-reqd", "-k", "--list-only", url()}, &out), 0) << out;
    auto local = local_file("tls.txt", 100);
    EXPECT_EQ(
        curl(user, kPassword, {"--ssl-reqd", "-k", "-T", local.string(), url("/tls.txt")}, &out), 0)
        << out;
}

// FTPS offers the panel's cipher policy (system/tls_policy.h): testssl.sh
// flagged ProFTPD's default list (CBC suites, LUCKY13).
TEST_F(FtpTest, FtpsOffersOnlyAeadSuites) {
    auto negotiated = [](const std::string& cipher) {
        return negotiated_cipher({"-starttls", "ftp", "-connect",
                                  "127.0.0.1:" + std::to_string(ftp_port_), "-tls1_2", "-cipher",
                                  cipher});
    };
    EXPECT_EQ(negotiated("ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:AES128-SHA"), "(NONE)");
    EXPECT_NE(negotiated("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES128-GCM-SHA256"), "(NONE)");
}

TEST_F(FtpTest, AnonymousPerDomainWithHost) {
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "bob-anon.example"}}, bob_).status, 201);
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "eve-anon.example"}}, eve_).status, 201);
    auto g = http().get("/api/v1/ftp/bob-anon.example/anonymous", bob_);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_FALSE(g.json().at("enabled").as_bool());
    EXPECT_EQ(http().get("/api/v1/ftp/bob-anon.example/anonymous", eve_).status, 403);
    EXPECT_EQ(
        http().put("/api/v1/ftp/bob-anon.example/anonymous", {{"enabled", true}}, eve_).status,
        403);
    EXPECT_EQ(http().get("/api/v1/ftp/missing.example/anonymous", bob_).status, 404);
    EXPECT_EQ(
        http().put("/api/v1/ftp/bob-anon.example/anonymous", {{"enabled", "yes"}}, bob_).status,
        400);

    auto on = http().put("/api/v1/ftp/bob-anon.example/anonymous", {{"enabled", true}}, bob_);
    ASSERT_EQ(on.status, 200) << on.body;
    EXPECT_TRUE(on.json().at("enabled").as_bool());
    const fs::path bob_dir(std::string(on.json().at("directory").as_string()));
    { std::ofstream(bob_dir / "bob-public.txt") << "hi"; }
    auto on2 = http().put("/api/v1/ftp/eve-anon.example/anonymous", {{"enabled", true}}, eve_);
    ASSERT_EQ(on2.status, 200) << on2.body;
    const fs::path eve_dir(std::string(on2.json().at("directory").as_string()));
    { std::ofstream(eve_dir / "eve-public.txt") << "hi"; }
    wait_running(true);

    auto bob = anonymous_session("bob-anon.example");
    EXPECT_NE(bob.find("LIST bob-public.txt"), std::string::npos) << bob;
    EXPECT_NE(bob.find("STOR refused"), std::string::npos) << bob;
    EXPECT_FALSE(fs::exists(bob_dir / "upload.txt"));
    auto eve = anonymous_session("eve-anon.example");
    EXPECT_NE(eve.find("LIST eve-public.txt"), std::string::npos) << eve;
    // Without a known HOST there is no anonymous login.
    EXPECT_NE(anonymous_session("unknown.example").find("ERR"), std::string::npos);

    // eve suspended: her domain's anonymous access goes too, and comes back.
    ASSERT_EQ(http().post("/api/v1/users/eve/suspend", json::object{}, admin_).status, 200);
    std::string out;
    for (int i = 0; i < 50; ++i) {
        out = anonymous_session("eve-anon.example");
        if (out.find("ERR") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(out.find("ERR"), std::string::npos) << out;
    ASSERT_EQ(http().post("/api/v1/users/eve/unsuspend", json::object{}, admin_).status, 200);
    for (int i = 0; i < 50; ++i) {
        out = anonymous_session("eve-anon.example");
        if (out.find("LIST eve-public.txt") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(out.find("LIST eve-public.txt"), std::string::npos) << out;

    auto off = http().put("/api/v1/ftp/bob-anon.example/anonymous", {{"enabled", false}}, bob_);
    ASSERT_EQ(off.status, 200);
    EXPECT_FALSE(off.json().at("enabled").as_bool());
    wait_running(true);
    EXPECT_NE(anonymous_session("bob-anon.example").find("ERR"), std::string::npos);
    EXPECT_NE(anonymous_session("eve-anon.example").find("LIST eve-public.txt"), std::string::npos);
}

TEST_F(FtpTest, StatusFollowsTheServerProcess) {
    wait_running(true);
    std::ifstream pid_file(panel_->data_dir() / "ftp" / "run" / "proftpd.pid");
    pid_t pid = 0;
    pid_file >> pid;
    ASSERT_GT(pid, 1);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    auto s = http().get("/api/v1/ftp/status", admin_);
    ASSERT_EQ(s.status, 200);
    EXPECT_FALSE(s.json().at("running").as_bool());
    auto h = http().get("/api/v1/health");
    EXPECT_EQ(h.json().at("components").at("ftp").as_string(), "down");
    // The supervisor starts it again.
    wait_running(true);
    const auto user = make_account("afterkill");
    EXPECT_EQ(login(user, kPassword), 0);
}

// ProFTPD reads an account only at login; the panel ends open sessions.
TEST_F(FtpTest, DisablingEndsOpenSessions) {
    const auto user = make_account("longlived");
    const std::string out = ftp_session_after(ftp_port_, user, kPassword, files_, [&] {
        EXPECT_EQ(http().put("/api/v1/ftp/" + user, {{"enabled", false}}, bob_).status, 200);
    });
    EXPECT_NE(out.find("CLOSED"), std::string::npos) << out;
}

// All or nothing: when the server's accounts file cannot be written (held
// locked here longer than the panel waits), the panel keeps no record.
TEST_F(FtpTest, FailedServerWriteLeavesNoAccount) {
    static const char* kScript = R"py(
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").write("LOCKED")
time.sleep(7)
db.execute("ROLLBACK")
)py";
    const fs::path flag = files_ / "locked";
    std::error_code ec;
    fs::remove(flag, ec);
    std::thread locker([&] {
        (void)run_process({"/usr/bin/python3", "-c", kScript,
                           (panel_->data_dir() / "ftp" / "accounts.db").string(), flag.string()},
                          ProcessOptions{.timeout = std::chrono::seconds(30)});
    });
    for (int i = 0; i < 100 && !fs::exists(flag); ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto r = http().post("/api/v1/ftp", {{"username", "locked"}, {"password", kPassword}}, bob_);
    locker.join();
    EXPECT_EQ(r.status, 500) << r.body;
    EXPECT_EQ(r.body.find("sqlite"), std::string::npos) << r.body;
    EXPECT_EQ(http().get("/api/v1/ftp/bob_locked", bob_).status, 404);
    EXPECT_EQ(login("bob_locked", kPassword), kLoginDenied);
    // And the name is free to use once the server is writable again.
    EXPECT_EQ(
        http().post("/api/v1/ftp", {{"username", "locked"}, {"password", kPassword}}, bob_).status,
        201);
    EXPECT_EQ(login("bob_locked", kPassword), 0);
}

// Account logins need TLS by default (ftp.require_tls = true): a plain
// login is refused, explicit FTPS works. `ftp.require_tls=false` allows
// plain logins again.
void expect_tls_policy(bool require_tls_by_default) {
    const int port = free_port();
    const int base = 42000 + static_cast<int>(::getpid() % 1000) * 10;
    std::vector<std::string> config = {
        "ftp.port=" + std::to_string(port),
        "ftp.passive_ports=" + std::to_string(base) + "-" + std::to_string(base + 9)};
    if (!require_tls_by_default) config.push_back("ftp.require_tls=false");
    PanelProcess panel(PanelOptions{.config = config});
    const auto key = panel.admin_key();
    auto r = panel.http().post("/api/v1/ftp",
                               {{"username", "tlsonly"}, {"password", "S3cure-pass"}}, key);
    ASSERT_EQ(r.status, 201) << r.body;
    const std::string url = "ftp://127.0.0.1:" + std::to_string(port) + "/";
    auto curl = [&](std::vector<std::string> extra) {
        std::vector<std::string> argv = {
            "/usr/bin/curl", "-sS", "--max-time", "20", "--user", "admin_tlsonly:S3cure-pass",
            "--list-only"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(url);
        return run_process(argv, ProcessOptions{.timeout = std::chrono::seconds(30)})->exit_code;
    };
    int rc = -1;
    for (int i = 0; i < 50 && (rc = curl({"--ssl-reqd", "-k"})) == 7; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(rc, 0);
    if (require_tls_by_default)
        EXPECT_NE(curl({}), 0) << "a plain-text FTP login was accepted";
    else
        EXPECT_EQ(curl({}), 0) << "ftp.require_tls=false still refuses plain FTP";
}

TEST(FtpRequireTls, PlainLoginsAreRefusedByDefault) {
    expect_tls_policy(true);
}

TEST(FtpRequireTls, PlainLoginsCanBeAllowed) {
    expect_tls_policy(false);
}

}  // namespace
}  // namespace wsp::test
