// FTP in system mode (ftp.mode = "system"), without touching the machine's
// /etc: the test plays the system's ProFTPD with a copy of Debian's own
// /etc/proftpd (paths moved into a temp dir, port and pid files of its own),
// prepared by scripts/system/setup-proftpd.sh exactly as an install would.
// The panel writes its snippet into that copy's conf.d/ and "reloads" with a
// small script that counts reloads and sends SIGHUP. A real FTP client
// (curl, Python's ftplib for RFC 7151 HOST) logs in.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "drivers/proftpd_server.h"
#include "ftp_client.h"
#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr int kLoginDenied = 67;  // curl: "access denied"
constexpr const char* kPassword = "S3cure-pass";

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

class FtpSystemTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        root_ = make_temp_dir("wsp-ftpsys");
        ::chmod(root_.c_str(), 0755);
        etc_ = root_ / "etc";
        fs::copy("/etc/proftpd", etc_, fs::copy_options::recursive);
        fs::remove(etc_ / "conf.d" / "wispanel.conf");  // in case the machine has one
        for (const char* d : {"log", "run", "panel"}) fs::create_directories(root_ / d);
        ftp_port_ = free_port();
        sftp_port_ = free_port();
        const int base = 42000 + static_cast<int>(::getpid() % 1500) * 10;
        passive_ = std::to_string(base) + "-" + std::to_string(base + 9);
        // Debian's files, moved into the temp dir; the rest left as shipped.
        for (const char* name : {"proftpd.conf", "modules.conf"}) {
            std::string text = slurp(etc_ / name);
            replace_all(text, "/etc/proftpd", etc_.string());
            replace_all(text, "/var/log/proftpd", (root_ / "log").string());
            replace_all(text, "/var/run/proftpd", (root_ / "run").string());
            if (std::string(name) == "proftpd.conf") {
                text = std::regex_replace(text, std::regex("\nPort[ \t]+21"),
                                          "\nPort " + std::to_string(ftp_port_));
                text += "\nDefaultAddress 127.0.0.1\nSocketBindTight on\nPidFile " +
                        (root_ / "run" / "proftpd.pid").string() + "\nScoreboardFile " +
                        (root_ / "run" / "proftpd.scoreboard").string() + "\nDelayTable " +
                        (root_ / "run" / "proftpd.delay").string() + "\n";
            }
            std::ofstream(etc_ / name) << text;
        }
        cert_ = root_ / "ftp.crt";
        key_ = root_ / "ftp.key";
        auto cert = run_process({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                                 "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key_.string(),
                                 "-out", cert_.string(), "-days", "2", "-subj", "/CN=localhost"},
                                ProcessOptions{.timeout = std::chrono::seconds(30)});
        ASSERT_TRUE(cert.ok() && cert->ok()) << (cert.ok() ? cert->output : "openssl");

        auto setup = run_process(
            {"/bin/bash", std::string(WSP_SOURCE_DIR) + "/scripts/system/setup-proftpd.sh",
             (root_ / "panel").string(), cert_.string(), key_.string()},
            ProcessOptions{.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                   "WSP_PROFTPD_ETC=" + etc_.string(), "WSP_NO_SYSTEMD=1"},
                           .timeout = std::chrono::seconds(60)});
        ASSERT_TRUE(setup.ok() && setup->ok()) << (setup.ok() ? setup->output : "bash");
        setup_output_ = setup->output;
        ASSERT_TRUE(fs::exists(etc_ / "conf.d" / "wispanel.conf"));  // the placeholder

        start_daemon();
        // The placeholder lets nobody in (not even with a greeting).
        ASSERT_FALSE(ftp_greets("127.0.0.1", ftp_port_, 1000));
        // The panel reloads through this script: counts, then SIGHUP.
        {
            // "fail-next" makes one reload fail.
            std::ofstream(root_ / "reload.sh")
                << "#!/bin/sh\nif [ -e " << (root_ / "fail-next").string() << " ]; then rm "
                << (root_ / "fail-next").string() << "; exit 1; fi\necho reload >> "
                << (root_ / "reloads").string() << "\nkill -HUP \"$(cat "
                << (root_ / "run" / "proftpd.pid").string() << ")\"\n";
        }
        start_panel();
        admin_ = panel_->admin_key();
        bob_ = panel_->create_user_with_key("bob");
        wait_running(true);
    }

    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        stop_daemon();
        std::error_code ec;
        fs::remove_all(root_, ec);
    }

    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the suite's set-up failed"; }

    static fs::path snippet() { return etc_ / "conf.d" / "wispanel.conf"; }

    static void start_panel() {
        panel_ = new PanelProcess(PanelOptions{
            .config = {"ftp.mode=system", "ftp.port=" + std::to_string(ftp_port_),
                       "ftp.passive_ports=" + passive_,
                       "ftp.system_config_path=" + snippet().string(),
                       "ftp.reload_command=[\"/bin/sh\", \"" + (root_ / "reload.sh").string() +
                           "\"]",
                       "ftp.tls_cert=" + cert_.string(), "ftp.tls_key=" + key_.string(),
                       "ftp.sftp_port=" + std::to_string(sftp_port_)},
            .data_dir = root_ / "panel"});
    }
    // Same data dir, same keys.
    static void restart_panel() {
        panel_->keep_data_dir();
        ASSERT_EQ(panel_->stop(), 0);
        delete panel_;
        panel_ = nullptr;
        start_panel();
    }

    static void start_daemon() {
        auto pid = spawn_process(
            {"/usr/sbin/proftpd", "--nodaemon", "-c", (etc_ / "proftpd.conf").string()},
            ProcessOptions{}, root_ / "log" / "daemon.log");
        ASSERT_TRUE(pid.ok());
        daemon_ = *pid;
        // Listening is enough: with setup's placeholder snippet it refuses
        // every connection (no greeting) until the panel writes its own.
        for (int i = 0; i < 200 && !accepts(ftp_port_); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        ASSERT_TRUE(accepts(ftp_port_)) << slurp(root_ / "log" / "daemon.log");
    }
    static bool accepts(int port) {
        int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        ::close(fd);
        return ok;
    }
    static void stop_daemon() {
        if (daemon_ <= 0) return;
        ::kill(daemon_, SIGTERM);
        for (int i = 0; i < 100; ++i) {
            if (::waitpid(daemon_, nullptr, WNOHANG) == daemon_) {
                daemon_ = -1;
                return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        ::kill(daemon_, SIGKILL);
        ::waitpid(daemon_, nullptr, 0);
        daemon_ = -1;
    }

    static int reloads() {
        std::ifstream in(root_ / "reloads");
        int n = 0;
        std::string line;
        while (std::getline(in, line)) ++n;
        return n;
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
    static fs::path local_file(const std::string& name, size_t bytes) {
        fs::path p = root_ / name;
        std::ofstream(p, std::ios::binary) << std::string(bytes, 'x');
        return p;
    }
    static std::string make_account(const std::string& name, json::object extra = {}) {
        json::object body{{"username", name}, {"password", kPassword}};
        for (auto& [k, v] : extra) body[k] = v;
        auto r = http().post("/api/v1/ftp", body, bob_);
        EXPECT_EQ(r.status, 201) << r.body;
        return "bob_" + name;
    }

    static inline fs::path root_, etc_, cert_, key_;
    static inline int ftp_port_ = 0;
    static inline int sftp_port_ = 0;
    static inline std::string passive_, setup_output_;
    static inline pid_t daemon_ = -1;
    static inline PanelProcess* panel_ = nullptr;
    static inline std::string admin_, bob_;
};

TEST_F(FtpSystemTest, SetupScriptPreparedDebiansConfig) {
    const std::string modules = slurp(etc_ / "modules.conf");
    for (const char* m :
         {"mod_sql.c", "mod_sql_sqlite.c", "mod_quotatab_sql.c", "mod_wrap2_sql.c", "mod_tls.c"})
        EXPECT_TRUE(std::regex_search(modules, std::regex(std::string("\nLoadModule ") + m))) << m;
    // Re-running changes nothing (and keeps the panel's snippet).
    const std::string before = slurp(etc_ / "proftpd.conf") + modules + slurp(snippet());
    auto again =
        run_process({"/bin/bash", std::string(WSP_SOURCE_DIR) + "/scripts/system/setup-proftpd.sh",
                     (root_ / "panel").string(), cert_.string(), key_.string()},
                    ProcessOptions{.env = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                                           "WSP_PROFTPD_ETC=" + etc_.string(), "WSP_NO_SYSTEMD=1"},
                                   .timeout = std::chrono::seconds(60)});
    ASSERT_TRUE(again.ok() && again->ok()) << (again.ok() ? again->output : "");
    EXPECT_EQ(slurp(etc_ / "proftpd.conf") + slurp(etc_ / "modules.conf") + slurp(snippet()),
              before);
}

TEST_F(FtpSystemTest, StatusReportsTheSystemServerAndTheSnippetIsWritten) {
    auto r = http().get("/api/v1/ftp/status", bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json().at("installed").as_bool());
    EXPECT_TRUE(r.json().at("running").as_bool());
    const std::string text = slurp(snippet());
    EXPECT_NE(text.find("SQLConnectInfo \"" + (root_ / "panel" / "ftp" / "accounts.db").string()),
              std::string::npos)
        << text;
    const std::string ports = std::regex_replace(passive_, std::regex("-"), " ");
    EXPECT_NE(text.find("PassivePorts " + ports), std::string::npos);
    EXPECT_NE(text.find("TLSECCertificateFile \"" + cert_.string()), std::string::npos);
    EXPECT_EQ(text.find("PidFile"), std::string::npos);  // the system config owns those
    struct stat st {};
    ASSERT_EQ(::stat(snippet().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0644u);
    // One reload: the placeholder was replaced. Nothing changed since.
    EXPECT_EQ(reloads(), 1);
    EXPECT_EQ(http().get("/api/v1/health").json().at("components").at("ftp").as_string(), "up");
}

TEST_F(FtpSystemTest, LoginUploadDownloadAsTheOwnersUser) {
    const auto user = make_account("web");
    ASSERT_EQ(login(user, kPassword), 0);
    EXPECT_EQ(login(user, "wrong-password"), kLoginDenied);
    const auto local = local_file("hello.txt", 1000);
    std::string out;
    ASSERT_EQ(curl(user, kPassword, {"-T", local.string(), url("/hello.txt")}, &out), 0) << out;
    const fs::path stored = panel_->data_dir() / "home" / "bob" / "hello.txt";
    ASSERT_TRUE(fs::exists(stored));
    // Owned by the owner's OS user (Identity: the shared sandbox user here),
    // the same uid as its home; never root.
    struct stat file {
    }, home{};
    ASSERT_EQ(::stat(stored.c_str(), &file), 0);
    ASSERT_EQ(::stat((panel_->data_dir() / "home" / "bob").c_str(), &home), 0);
    EXPECT_EQ(file.st_uid, home.st_uid);
    EXPECT_NE(file.st_uid, 0u);
    std::string body;
    ASSERT_EQ(curl(user, kPassword, {url("/hello.txt")}, &body), 0);
    EXPECT_EQ(body, std::string(1000, 'x'));
    // Chrooted to the home.
    EXPECT_NE(curl(user, kPassword, {url("/../../../etc/passwd")}, &out), 0);
}

// SFTP through the system daemon (mod_sftp loaded by setup-proftpd.sh, the
// SFTP host in the panel's snippet): files land as the owner's OS user.
TEST_F(FtpSystemTest, SftpThroughTheSystemDaemon) {
    const std::string modules = slurp(etc_ / "modules.conf");
    EXPECT_TRUE(std::regex_search(modules, std::regex("(^|\\n)LoadModule mod_sftp\\.c")));
    EXPECT_NE(slurp(snippet()).find("SFTPEngine on"), std::string::npos);
    bool running = false;
    std::string last;
    for (int i = 0; i < 100 && !running; ++i) {
        auto s = http().get("/api/v1/ftp/status", admin_);
        last = s.body;
        running = s.status == 200 && s.json().at("protocols").at("sftp").at("running").as_bool();
        if (!running) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(running) << last << slurp(root_ / "log" / "daemon.log");
    const auto user = make_account("sftp");
    const auto local = local_file("sftp-up.txt", 1500);
    const fs::path batch = root_ / "sftp-batch";
    std::ofstream(batch) << "put " << local.string() << " up.txt\ncd ..\npwd\n";
    auto r =
        run_process({"/usr/bin/sshpass", "-e", "/usr/bin/sftp", "-P", std::to_string(sftp_port_),
                     "-o", "UserKnownHostsFile=" + (root_ / "known_hosts").string(), "-o",
                     "StrictHostKeyChecking=accept-new", "-o", "BatchMode=no", "-o",
                     "PubkeyAuthentication=no", "-b", batch.string(), user + "@127.0.0.1"},
                    ProcessOptions{.env = {"PATH=/usr/bin:/bin", "HOME=" + root_.string(),
                                           std::string("SSHPASS=") + kPassword},
                                   .timeout = std::chrono::seconds(60)});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exit_code, 0) << r->output;
    EXPECT_NE(r->output.find("Remote working directory: /"), std::string::npos) << r->output;
    const fs::path stored = panel_->data_dir() / "home" / "bob" / "up.txt";
    ASSERT_TRUE(fs::exists(stored));
    struct stat file {
    }, home{};
    ASSERT_EQ(::stat(stored.c_str(), &file), 0);
    ASSERT_EQ(::stat((panel_->data_dir() / "home" / "bob").c_str(), &home), 0);
    EXPECT_EQ(file.st_uid, home.st_uid);
    EXPECT_NE(file.st_uid, 0u);
}

TEST_F(FtpSystemTest, ExplicitFtps) {
    const auto user = make_account("tls");
    std::string out;
    EXPECT_EQ(curl(user, kPassword, {"--ssl-reqd", "-k", "--list-only", url()}, &out), 0) << out;
    const auto local = local_file("tls.txt", 2000);
    EXPECT_EQ(
        curl(user, kPassword, {"--ssl-reqd", "-k", "-T", local.string(), url("/tls.txt")}, &out), 0)
        << out;
}

TEST_F(FtpSystemTest, DisabledAccountIsRefused) {
    const auto user = make_account("off");
    ASSERT_EQ(login(user, kPassword), 0);
    auto t = http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, bob_);
    ASSERT_EQ(t.status, 200) << t.body;
    EXPECT_FALSE(t.json().at("enabled").as_bool());
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
    ASSERT_EQ(http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, bob_).status, 200);
    EXPECT_EQ(login(user, kPassword), 0);
    ASSERT_EQ(http().del("/api/v1/ftp/" + user, bob_).status, 200);
    EXPECT_EQ(login(user, kPassword), kLoginDenied);
}

TEST_F(FtpSystemTest, QuotaReadOnlyAndAllowListAsInSandbox) {
    const auto small = make_account("small", {{"quota_mb", 1}});
    std::string out;
    EXPECT_EQ(
        curl(small, kPassword, {"-T", local_file("a.bin", 700 * 1024).string(), url("/a")}, &out),
        0)
        << out;
    EXPECT_NE(
        curl(small, kPassword, {"-T", local_file("b.bin", 700 * 1024).string(), url("/b")}, &out),
        0)
        << "the quota must refuse the second upload";

    const auto ro = make_account("ro", {{"read_only", true}});
    EXPECT_EQ(login(ro, kPassword), 0);
    EXPECT_NE(curl(ro, kPassword, {"-T", local_file("c.txt", 10).string(), url("/c.txt")}, &out),
              0);

    const auto far = make_account("far", {{"allowed_ips", json::array{"203.0.113.0/24"}}});
    EXPECT_EQ(login(far, kPassword), kLoginDenied);
    auto put = http().put("/api/v1/ftp/" + far + "/ip-restrictions",
                          {{"allowed_ips", json::array{"127.0.0.0/8"}}}, bob_);
    ASSERT_EQ(put.status, 200) << put.body;
    EXPECT_EQ(login(far, kPassword), 0);
}

TEST_F(FtpSystemTest, AnonymousSiteReloadsOnceAndServesTheDomain) {
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "sys-anon.example"}}, bob_).status, 201);
    const int before = reloads();
    auto on = http().put("/api/v1/ftp/sys-anon.example/anonymous", {{"enabled", true}}, bob_);
    ASSERT_EQ(on.status, 200) << on.body;
    EXPECT_EQ(reloads(), before + 1);
    const fs::path dir(std::string(on.json().at("directory").as_string()));
    { std::ofstream(dir / "public.txt") << "hi"; }
    const std::string out = ftp_anonymous_session(ftp_port_, "sys-anon.example");
    EXPECT_NE(out.find("LIST public.txt"), std::string::npos) << out;
    EXPECT_NE(out.find("STOR refused"), std::string::npos) << out;
    // Same setting again: no rewrite, no reload.
    ASSERT_EQ(
        http().put("/api/v1/ftp/sys-anon.example/anonymous", {{"enabled", true}}, bob_).status,
        200);
    EXPECT_EQ(reloads(), before + 1);
}

// The panel finds the system daemon's session processes by title and binary.
TEST_F(FtpSystemTest, DisablingEndsOpenSessions) {
    const auto user = make_account("longlived");
    const std::string out = ftp_session_after(ftp_port_, user, kPassword, root_, [&] {
        EXPECT_EQ(http().put("/api/v1/ftp/" + user, {{"enabled", false}}, bob_).status, 200);
    });
    EXPECT_NE(out.find("CLOSED"), std::string::npos) << out;
}

// A failed reload does not fail the change; the next start reloads again
// even though the snippet on disk is already current.
TEST_F(FtpSystemTest, FailedReloadIsRetriedAtTheNextStart) {
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "retry.example"}}, bob_).status, 201);
    const int before = reloads();
    { std::ofstream(root_ / "fail-next") << "x"; }
    auto on = http().put("/api/v1/ftp/retry.example/anonymous", {{"enabled", true}}, bob_);
    ASSERT_EQ(on.status, 200) << on.body;
    EXPECT_FALSE(fs::exists(root_ / "fail-next"));  // the reload ran, and failed
    EXPECT_EQ(reloads(), before);
    EXPECT_NE(slurp(snippet()).find("retry.example"), std::string::npos);
    EXPECT_TRUE(fs::exists(panel_->data_dir() / "ftp" / "run" / "reload-pending"));
    restart_panel();
    wait_running(true);
    EXPECT_EQ(reloads(), before + 1);
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "ftp" / "run" / "reload-pending"));
}

// Runs last in the suite: stops and restarts the "system" daemon.
TEST_F(FtpSystemTest, StatusFollowsTheSystemDaemonAndRestartKeepsTheSnippet) {
    stop_daemon();
    wait_running(false);
    EXPECT_EQ(http().get("/api/v1/health").json().at("components").at("ftp").as_string(), "down");
    start_daemon();
    wait_running(true);
    // A panel restart with nothing changed rewrites nothing and reloads nothing.
    const int before = reloads();
    restart_panel();
    wait_running(true);
    EXPECT_EQ(reloads(), before);
    const auto user = make_account("again");
    EXPECT_EQ(login(user, kPassword), 0);
}

}  // namespace
}  // namespace wsp::test
