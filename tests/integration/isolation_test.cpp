// Tenant isolation in sandbox mode (issue 14): with root, each account runs
// as its own uid, so the kernel (not only path checks) keeps one account's
// jobs, FTP sessions and files out of another's home and out of the
// panel's own data. The real binary, real cron jobs, real ProFTPD and curl.
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "ftp_client.h"
#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

constexpr uid_t kUidBase = 2000000;  // sandbox.uid_base's default
constexpr const char* kBobSecret = "bob-secret-7f3a";

struct stat stat_of(const fs::path& p) {
    struct stat st {};
    EXPECT_EQ(::lstat(p.c_str(), &st), 0) << p;
    return st;
}

void write_file(const fs::path& p, const std::string& content) {
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
}

// Runs `command` as a cron job of the key's account ("run now") and returns
// its output once it has finished.
std::string run_job(const HttpClient& http, const std::string& key, const std::string& command) {
    auto c = http.post(
        "/api/v1/cronjobs",
        json::object{{"name", "probe"}, {"command", command}, {"cron_expr", "0 3 * * *"}}, key);
    EXPECT_EQ(c.status, 201) << c.body;
    if (c.status != 201) return "";
    const std::string path = "/api/v1/cronjobs/" + std::to_string(c.json().at("id").as_int64());
    EXPECT_EQ(http.post(path + "/run", json::object{}, key).status, 202);
    std::string out;
    const auto end = std::chrono::steady_clock::now() + 30s;
    while (std::chrono::steady_clock::now() < end) {
        auto r = http.get(path + "/logs?per_page=1", key);
        if (r.status == 200) {
            const auto body = r.json();
            const auto& logs = body.at("logs").as_array();
            if (!logs.empty() && logs[0].at("status").as_string() != "running") {
                out = std::string(logs[0].at("output").as_string());
                break;
            }
        }
        std::this_thread::sleep_for(100ms);
    }
    http.del(path, key);
    return out;
}

class Isolation : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ftp_port_ = free_port();
        const int base = 42000 + static_cast<int>(::getpid() % 1000) * 10;
        panel_ =
            new PanelProcess(PanelOptions{.config = {"ftp.port=" + std::to_string(ftp_port_),
                                                     "ftp.passive_ports=" + std::to_string(base) +
                                                         "-" + std::to_string(base + 9)}});
        admin_ = panel_->admin_key();
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        // bob's private file, made the way bob's own work makes files.
        const fs::path secret = home("bob") / "secret.txt";
        write_file(secret, kBobSecret);
        const auto owner = stat_of(home("bob"));
        ::chown(secret.c_str(), owner.st_uid, owner.st_gid);
        ::chmod(secret.c_str(), 0640);
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    static fs::path home(const std::string& user) { return panel_->data_dir() / "home" / user; }
    static const HttpClient& http() { return panel_->http(); }

    static inline PanelProcess* panel_ = nullptr;
    static inline int ftp_port_ = 0;
    static inline std::string admin_, alice_, bob_;
};

TEST_F(Isolation, HomesBelongToDistinctUidsFromTheRange) {
    const auto a = stat_of(home("alice")), b = stat_of(home("bob"));
    EXPECT_NE(a.st_uid, b.st_uid);
    for (const auto& st : {a, b}) {
        EXPECT_GE(st.st_uid, kUidBase);
        EXPECT_LT(st.st_uid, kUidBase + 100000);
        EXPECT_EQ(st.st_gid, st.st_uid);  // each account's own group
        EXPECT_EQ(st.st_mode & 07777, 0750u);
    }
    EXPECT_EQ(stat_of(panel_->data_dir() / "home").st_mode & 07777, 0711u);
    EXPECT_EQ(stat_of(panel_->data_dir()).st_mode & 07777, 0711u);
    // No /etc/passwd entry is made for them.
    EXPECT_EQ(::getpwuid(a.st_uid), nullptr);
}

TEST_F(Isolation, HealthReportsUidIsolation) {
    auto h = http().get("/api/v1/health");
    ASSERT_EQ(h.status, 200);
    EXPECT_EQ(h.json().at("isolation").as_string(), "uid") << h.body;
}

TEST_F(Isolation, AJobCannotReadOrWriteAnotherHome) {
    const std::string out = run_job(http(), alice_,
                                    "id -u; cat ../bob/secret.txt; echo pwned > ../bob/evil.txt; "
                                    "ls ../bob | sed s/^/LISTED:/; ls .. | sed s/^/LISTED:/; "
                                    "echo end");
    EXPECT_NE(out.find("end"), std::string::npos) << out;
    EXPECT_EQ(out.find(kBobSecret), std::string::npos) << "alice read bob's file: " << out;
    EXPECT_FALSE(fs::exists(home("bob") / "evil.txt")) << "alice wrote into bob's home";
    EXPECT_EQ(out.find("LISTED:"), std::string::npos) << "alice listed a home: " << out;
    EXPECT_NE(out.find(std::to_string(stat_of(home("alice")).st_uid) + "\n"), std::string::npos)
        << "not run as alice's uid: " << out;
}

TEST_F(Isolation, AJobCannotReadThePanelsStore) {
    const fs::path data = panel_->data_dir();
    ASSERT_TRUE(fs::exists(data / "panel.db-wal"));
    ASSERT_TRUE(fs::exists(data / "ftp" / "keys" / "ssh_host_ed25519_key"));  // SFTP host key
    const std::string out =
        run_job(http(), alice_,
                "head -c 15 " + (data / "panel.db").string() +
                    "; echo; for f in panel.db panel.db-wal "
                    "panel.db-shm tls/key.pem initial-admin-password ftp/accounts.db "
                    "ftp/keys/ssh_host_ed25519_key ftp/keys/ssh_host_ecdsa_key; do cat " +
                    data.string() + "/$f >/dev/null 2>&1 && echo READ:$f; done; echo end");
    EXPECT_NE(out.find("end"), std::string::npos) << out;
    EXPECT_EQ(out.find("SQLite format 3"), std::string::npos) << out;
    EXPECT_EQ(out.find("READ:"), std::string::npos) << out;
    for (const char* f : {"panel.db", "panel.db-wal", "panel.db-shm"})
        EXPECT_EQ(stat_of(data / f).st_mode & 077, 0u) << f;
}

TEST_F(Isolation, FilesMadeThroughTheApiBelongToTheAccountsUid) {
    auto w = http().post("/api/v1/files/write",
                         json::object{{"path", "/mine.txt"}, {"content", "x"}}, alice_);
    ASSERT_EQ(w.status, 200) << w.body;
    const auto f = stat_of(home("alice") / "mine.txt");
    EXPECT_EQ(f.st_uid, stat_of(home("alice")).st_uid);
    EXPECT_NE(f.st_uid, stat_of(home("bob")).st_uid);
    // A streamed (multipart) upload and a directory too.
    const fs::path local = make_temp_dir("wsp-iso-up") / "sent.bin";
    write_file(local, "uploaded");
    auto up = run_process(
        {"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-H",
         "Authorization: Bearer " + alice_, "-F", "path=/", "-F", "file=@" + local.string(),
         "http://127.0.0.1:" + std::to_string(panel_->port()) + "/api/v1/files/upload"});
    ASSERT_TRUE(up.ok());
    EXPECT_TRUE(up->output.starts_with("20")) << up->output;
    ASSERT_EQ(http().post("/api/v1/files/mkdir", json::object{{"path", "/made"}}, alice_).status,
              200);
    for (const char* name : {"sent.bin", "made"})
        EXPECT_EQ(stat_of(home("alice") / name).st_uid, f.st_uid) << name;
    std::error_code ec;
    fs::remove_all(local.parent_path(), ec);
    // The path checks answer first; bob's file stays unreachable either way.
    auto r = http().get("/api/v1/files/read?path=" + std::string("/../bob/secret.txt"), alice_);
    EXPECT_NE(r.status, 200);
    EXPECT_EQ(r.body.find(kBobSecret), std::string::npos);
}

TEST_F(Isolation, FtpSessionsRunAsTheAccountsUid) {
    wait_ftp_running(*panel_, admin_, true);
    auto c = http().post("/api/v1/ftp",
                         json::object{{"username", "web"}, {"password", "S3cure-pass"}}, alice_);
    ASSERT_EQ(c.status, 201) << c.body;
    const fs::path local = make_temp_dir("wsp-iso-ftp") / "up.txt";
    write_file(local, "uploaded");
    std::string out;
    ASSERT_EQ(ftp_curl("alice_web", "S3cure-pass",
                       {"-T", local.string(), ftp_url(ftp_port_, "/up.txt")}, &out),
              0)
        << out;
    const auto f = stat_of(home("alice") / "up.txt");
    EXPECT_EQ(f.st_uid, stat_of(home("alice")).st_uid);
    EXPECT_NE(f.st_uid, stat_of(home("bob")).st_uid);
    // A link to bob's home planted in alice's is followed by the server as
    // alice's uid, which bob's home does not let in.
    fs::create_symlink(home("bob"), home("alice") / "tobob");
    EXPECT_NE(ftp_curl("alice_web", "S3cure-pass", {ftp_url(ftp_port_, "/tobob/secret.txt")}, &out),
              0);
    EXPECT_EQ(out.find(kBobSecret), std::string::npos) << out;
    fs::remove(home("alice") / "tobob");
    std::error_code ec;
    fs::remove_all(local.parent_path(), ec);
}

// --- start-up: upgrade of an old layout, data dir modes, no root -----------

// Runs SQL on a stopped panel's store with the sqlite3 shell.
void sql(const fs::path& data_dir, const std::string& statements) {
    auto r = run_process({"/usr/bin/sqlite3", (data_dir / "panel.db").string(), statements});
    ASSERT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->output : r.error().message);
}

TEST(IsolationStart, HomesOfTheSharedUserLayoutAreHandedToTheirAccounts) {
    const passwd* shared = ::getpwnam("wispanel");
    ASSERT_NE(shared, nullptr);
    const uid_t old_uid = shared->pw_uid;
    const gid_t old_gid = shared->pw_gid;
    const fs::path outside = make_temp_dir("wsp-iso-outside");
    fs::path data;
    std::string carol_key;
    {
        PanelProcess p;
        carol_key = p.create_user_with_key("carol");
        data = p.data_dir();
        p.keep_data_dir();
    }
    // The layout before issue 14: no uid table, every home the shared user's.
    sql(data,
        "DROP TABLE IF EXISTS sandbox_uids; DELETE FROM schema_migrations WHERE version = 9;");
    const fs::path carol = data / "home" / "carol";
    fs::create_directories(carol / "site" / "deep");
    write_file(carol / "site" / "deep" / "index.html", "hi");
    // Planted by the old shared uid: a link out of the home, and a second
    // name of a file elsewhere; neither may change owners.
    write_file(outside / "target", "t");
    write_file(outside / "linked", "l");
    fs::create_symlink(outside / "target", carol / "escape");
    fs::create_hard_link(outside / "linked", carol / "hardlink");
    for (const auto& p : {outside / "target", outside / "linked"})
        ASSERT_EQ(::chown(p.c_str(), old_uid, old_gid), 0);
    ASSERT_EQ(::lchown(carol.c_str(), old_uid, old_gid), 0);
    for (const auto& e : fs::recursive_directory_iterator(carol))
        ASSERT_EQ(::lchown(e.path().c_str(), old_uid, old_gid), 0);

    uid_t carol_uid = 0;
    {
        PanelProcess p(PanelOptions{.data_dir = data});
        carol_uid = stat_of(carol).st_uid;
        EXPECT_GE(carol_uid, kUidBase) << p.log();
        EXPECT_EQ(stat_of(carol).st_mode & 07777, 0750u);
        for (const auto& f : {carol / "site", carol / "site" / "deep",
                              carol / "site" / "deep" / "index.html", carol / "escape"}) {
            EXPECT_EQ(stat_of(f).st_uid, carol_uid) << f;
            EXPECT_EQ(stat_of(f).st_gid, carol_uid) << f;
        }
        EXPECT_EQ(stat_of(outside / "target").st_uid, old_uid) << "followed a symlink";
        EXPECT_EQ(stat_of(outside / "linked").st_uid, old_uid) << "took a hard-linked file";
        EXPECT_NE(stat_of(data / "home" / "admin").st_uid, carol_uid);
        EXPECT_NE(p.log().find("home of carol now belongs to uid"), std::string::npos) << p.log();
        // carol's jobs now run as carol's uid, and may write in its home.
        const std::string out = run_job(p.http(), carol_key, "id -u; touch site/new && echo wrote");
        EXPECT_EQ(out, std::to_string(carol_uid) + "\nwrote\n");
        p.keep_data_dir();
    }
    {
        // Once: a restart keeps the uids and logs no hand-over.
        fs::remove(data / "panel.log");
        PanelProcess p(PanelOptions{.data_dir = data});
        EXPECT_EQ(stat_of(carol).st_uid, carol_uid);
        EXPECT_EQ(p.log().find("home of carol now belongs"), std::string::npos);
    }
    std::error_code ec;
    fs::remove_all(data, ec);
    fs::remove_all(outside, ec);
}

TEST(IsolationStart, DataDirModesAreNarrowedAtStart) {
    fs::path data;
    {
        PanelProcess p;
        data = p.data_dir();
        p.keep_data_dir();
    }
    ::chmod(data.c_str(), 0755);
    ::chmod((data / "panel.db").c_str(), 0644);
    ::chmod((data / "tls").c_str(), 0755);
    ::chmod((data / "home").c_str(), 0755);
    write_file(data / "notes.txt", "left by an admin");
    ::chmod((data / "notes.txt").c_str(), 0644);
    {
        PanelProcess p(PanelOptions{.data_dir = data});
        EXPECT_EQ(stat_of(data).st_mode & 07777, 0711u);
        EXPECT_EQ(stat_of(data / "panel.db").st_mode & 07777, 0600u);
        EXPECT_EQ(stat_of(data / "panel.db-wal").st_mode & 07777, 0600u);
        EXPECT_EQ(stat_of(data / "tls").st_mode & 07777, 0700u);
        EXPECT_EQ(stat_of(data / "home").st_mode & 07777, 0711u);
        EXPECT_EQ(stat_of(data / "notes.txt").st_mode & 07777, 0600u);
        EXPECT_NE(p.log().find("DATA_DIR/panel.db had mode 0644, now 0600"), std::string::npos)
            << p.log();
        p.keep_data_dir();
    }
    // Something in the data dir that an account's uid owns stops the start.
    ASSERT_EQ(::chown((data / "notes.txt").c_str(), kUidBase + 77, kUidBase + 77), 0);
    try {
        PanelProcess p(PanelOptions{.data_dir = data});
        p.keep_data_dir();
        ADD_FAILURE() << "started with an account-owned file in the data dir";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("DATA_DIR/notes.txt belongs to an account's uid"),
                  std::string::npos)
            << e.what();
    }
    std::error_code ec;
    fs::remove_all(data, ec);

    // A data dir whose parent the accounts cannot pass (mktemp -d makes
    // 0700): every file operation of theirs would be "Permission denied: /",
    // so the panel refuses to start and says why.
    const fs::path closed = make_temp_dir("wsp-iso-closed");
    fs::create_directory(closed / "data");
    try {
        PanelProcess p(PanelOptions{.data_dir = closed / "data"});
        ADD_FAILURE() << "started with homes the accounts cannot reach";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(closed.string() + " is not searchable by other users"),
                  std::string::npos)
            << e.what();
    }
    fs::remove_all(closed, ec);
}

// A data dir the unprivileged user may write.
fs::path data_dir_of(const passwd* user) {
    fs::path d = make_temp_dir("wsp-iso-noroot");
    ::chown(d.c_str(), user->pw_uid, user->pw_gid);
    return d;
}

TEST(IsolationStart, WithoutRootHealthSaysNoneAndOnlyLoopbackIsServed) {
    const passwd* user = ::getpwnam("wispanel");
    ASSERT_NE(user, nullptr);
    const fs::path data = data_dir_of(user);
    {
        PanelProcess p(
            PanelOptions{.config = {"ftp.mode=off"}, .data_dir = data, .run_as_user = "wispanel"});
        auto h = p.http().get("/api/v1/health");
        ASSERT_EQ(h.status, 200);
        EXPECT_EQ(h.json().at("isolation").as_string(), "none") << h.body;
        EXPECT_NE(p.log().find("accounts are NOT isolated"), std::string::npos) << p.log();
    }
    // Asked to listen on every address, it refuses to start.
    auto r =
        run_process({"/usr/sbin/runuser", "-u", "wispanel", "--", WSP_BINARY, "serve", "--data-dir",
                     data.string(), "--listen", "0.0.0.0:0", "-c", "server.tls=false", "-c",
                     "ftp.mode=off", "-c", "mariadb.mode=off", "-c", "pma.enabled=false"},
                    ProcessOptions{.timeout = std::chrono::seconds(60)});
    ASSERT_TRUE(r.ok());
    EXPECT_NE(r->exit_code, 0) << r->output;
    EXPECT_NE(r->output.find("server.listen = \"0.0.0.0:0\" is not a loopback address"),
              std::string::npos)
        << r->output;
    std::error_code ec;
    fs::remove_all(data, ec);
}

}  // namespace
}  // namespace wsp::test
