// Faults of the panel's own servers: MariaDB, ProFTPD and phpMyAdmin's PHP
// killed with SIGKILL as a crash would. Their area answers 503 with
// Retry-After, the other areas keep answering, the supervisor starts the
// server again and nothing made before (or during) the outage is lost.
// One TEST: each start of MariaDB costs seconds.
#include <dirent.h>
#include <gtest/gtest.h>
#include <mariadb/mysql.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>

#include "ftp_client.h"
#include "support/panel_process.h"

namespace wsp::test {
namespace {

namespace json = boost::json;
using std::chrono::seconds;

constexpr const char* kPassword = "secure_password123";

// The pid of the panel's direct child whose command is `comm` (0: none).
pid_t child_named(pid_t parent, const std::string& comm) {
    DIR* proc = ::opendir("/proc");
    if (!proc) return 0;
    pid_t found = 0;
    while (dirent* e = ::readdir(proc)) {
        const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
        if (pid <= 0) continue;
        std::ifstream in("/proc/" + std::string(e->d_name) + "/stat");
        std::string stat((std::istreambuf_iterator<char>(in)), {});
        const auto open = stat.find('('), close = stat.rfind(')');
        if (open == std::string::npos || close == std::string::npos) continue;
        int ppid = 0;
        char state = 0;
        if (std::sscanf(stat.c_str() + close + 1, " %c %d", &state, &ppid) != 2) continue;
        if (ppid == parent && stat.substr(open + 1, close - open - 1) == comm) {
            found = pid;
            break;
        }
    }
    ::closedir(proc);
    return found;
}

// Polls `probe` until it returns true; false after `limit`.
bool eventually(const std::function<bool()>& probe, seconds limit = seconds(90)) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < deadline) {
        if (probe()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

// A login as the database's user, over the sandbox's socket, into it.
bool database_login(const PanelProcess& panel, const std::string& user, const std::string& db) {
    MYSQL* conn = mysql_init(nullptr);
    unsigned int timeout = 5;
    mysql_optionsv(conn, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
    const std::string socket = (panel.data_dir() / "run" / "mariadb" / "mysqld.sock").string();
    const bool ok = mysql_real_connect(conn, "localhost", user.c_str(), kPassword, db.c_str(), 0,
                                       socket.c_str(), 0) != nullptr;
    mysql_close(conn);
    return ok;
}

class Faults : public ::testing::Test {
  protected:
    void SetUp() override {
        ftp_port_ = free_port();
        const int base = 42000 + static_cast<int>(::getpid() % 2000) * 10;
        panel_ = std::make_unique<PanelProcess>(PanelOptions{
            .config = {
                "mariadb.mode=sandbox", "pma.enabled=true",
                "mariadb.port=" + std::to_string(free_port()),
                "pma.port=" + std::to_string(free_port()), "mariadb.query_timeout_s=3",
                "mariadb.connect_timeout_s=3", "ftp.port=" + std::to_string(ftp_port_),
                "ftp.passive_ports=" + std::to_string(base) + "-" + std::to_string(base + 9)}});
        ASSERT_TRUE(panel_->wait_for_component("mariadb")) << panel_->log();
        admin_ = panel_->admin_key();
        alice_ = panel_->create_user_with_key("alice");
        wait_ftp_running(*panel_, admin_, true);
    }

    const HttpClient& http() const { return panel_->http(); }

    // Kills the child `comm` with SIGKILL; waits until `area` (a GET, as
    // `key`) answers 503 with Retry-After, checking meanwhile that the
    // files and cron areas answer 200; then until `area` answers 200.
    void kill_and_recover(const std::string& comm, const std::string& area,
                          const std::string& key) {
        const pid_t victim = child_named(panel_->pid(), comm);
        ASSERT_GT(victim, 0) << "no child " << comm;
        ASSERT_EQ(::kill(victim, SIGKILL), 0);
        HttpResult down;
        ASSERT_TRUE(eventually([&] {
            down = http().get(area, key);
            return down.status == 503;
        })) << comm
            << ": " << area << " never answered 503: " << down.status << " " << down.body;
        EXPECT_EQ(down.header("retry-after"), "5") << comm;
        EXPECT_EQ(down.json().at("code").as_string(), "SERVICE_UNAVAILABLE");
        EXPECT_EQ(http().get("/api/v1/files/list?path=/", alice_).status, 200) << comm;
        EXPECT_EQ(http().get("/api/v1/cronjobs", alice_).status, 200) << comm;
        ASSERT_TRUE(eventually([&] { return http().get(area, key).status == 200; }))
            << comm << ": " << area << " never came back\n"
            << panel_->log();
        const pid_t again = child_named(panel_->pid(), comm);
        EXPECT_GT(again, 0);
        EXPECT_NE(again, victim);
    }

    std::unique_ptr<PanelProcess> panel_;
    int ftp_port_ = 0;
    std::string admin_, alice_;
};

TEST_F(Faults, KilledServersAnswer503WithRetryAfterAndComeBackWithNothingLost) {
    // What exists before the crashes.
    ASSERT_EQ(http()
                  .post("/api/v1/databases", {{"name", "keep"}, {"password", kPassword}}, alice_)
                  .status,
              201);
    ASSERT_EQ(
        http().post("/api/v1/ftp", {{"username", "early"}, {"password", kPassword}}, alice_).status,
        201);
    const std::string ftp_url = "ftp://127.0.0.1:" + std::to_string(ftp_port_) + "/";
    ASSERT_EQ(ftp_curl("alice_early", kPassword, {"--list-only", ftp_url}), 0);

    // MariaDB: the databases area is 503 until it is back, then the store
    // and the server agree (the database, its user and grant) and a new
    // database can be made.
    kill_and_recover("mariadbd", "/api/v1/databases", alice_);
    auto list = http().get("/api/v1/databases", alice_);
    EXPECT_NE(list.body.find("alice_keep"), std::string::npos) << list.body;
    EXPECT_TRUE(database_login(*panel_, "alice_keep", "alice_keep"));
    EXPECT_EQ(http()
                  .post("/api/v1/databases", {{"name", "after"}, {"password", kPassword}}, alice_)
                  .status,
              201);
    EXPECT_TRUE(database_login(*panel_, "alice_after", "alice_after"));

    // ProFTPD: the sessions route is 503 while it is down; the accounts
    // stay manageable (an account made during the outage), and once it is
    // back both accounts log in.
    const pid_t proftpd = child_named(panel_->pid(), "proftpd");
    ASSERT_GT(proftpd, 0);
    ASSERT_EQ(::kill(proftpd, SIGKILL), 0);
    HttpResult down;
    ASSERT_TRUE(eventually([&] {
        down = http().get("/api/v1/ftp/sessions", admin_);
        return down.status == 503;
    })) << down.status;
    EXPECT_EQ(down.header("retry-after"), "5");
    EXPECT_EQ(
        http().post("/api/v1/ftp", {{"username", "late"}, {"password", kPassword}}, alice_).status,
        201);
    EXPECT_EQ(http().get("/api/v1/files/list?path=/", alice_).status, 200);
    ASSERT_TRUE(eventually([&] {
        return http().get("/api/v1/ftp/sessions", admin_).status == 200;
    })) << panel_->log();
    EXPECT_EQ(ftp_curl("alice_early", kPassword, {"--list-only", ftp_url}), 0);
    EXPECT_EQ(ftp_curl("alice_late", kPassword, {"--list-only", ftp_url}), 0);

    // phpMyAdmin's PHP: its own listener's proxy answers 503 with
    // Retry-After until PHP is back (then its sign-on page's 403).
    ASSERT_NE(panel_->pma_port(), 0);
    const HttpClient pma{.port = panel_->pma_port()};
    ASSERT_TRUE(eventually([&] { return pma.get("/pma/signon.php").status == 403; }));
    const pid_t php = child_named(panel_->pid(), "php");
    ASSERT_GT(php, 0);
    ASSERT_EQ(::kill(php, SIGKILL), 0);
    ASSERT_TRUE(eventually([&] {
        down = pma.get("/pma/signon.php");
        return down.status == 503;
    })) << down.status;
    EXPECT_EQ(down.header("retry-after"), "5");
    EXPECT_EQ(http().get("/api/v1/databases", alice_).status, 200);
    EXPECT_TRUE(eventually([&] { return pma.get("/pma/signon.php").status == 403; }));
    EXPECT_EQ(http().post("/api/v1/databases/alice_keep/phpmyadmin", {}, alice_).status, 200);
}

// Alive, and not a zombie waiting for its new parent to reap it.
bool alive(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

// ProFTPD's master changes its credentials (User), which clears the
// PR_SET_PDEATHSIG it was started with: a panel killed outright left it
// running, holding the FTP port, and the next panel's ProFTPD could not
// bind (40 such masters after the kill -9 loops). The next start stops it.
TEST(FaultsPanelKilled, ItsLeftoverProftpdIsStoppedAtTheNextStartAndFtpServesAgain) {
    const auto dir = make_temp_dir("wsp-it-leftover");
    const int base = 42000 + static_cast<int>(::getpid() % 2000) * 10;
    // The same ports for both panels: the old master holds them.
    const int ftp_port = free_port();
    const PanelOptions options{
        .config = {"ftp.port=" + std::to_string(ftp_port),
                   "ftp.sftp_port=" + std::to_string(free_port()),
                   "ftp.passive_ports=" + std::to_string(base) + "-" + std::to_string(base + 9)},
        .data_dir = dir};
    const std::string url = ftp_url(ftp_port);
    pid_t old_master = 0;
    // Whatever happens below, no ProFTPD of this test outlives it.
    struct Cleanup {
        const std::filesystem::path& dir;
        pid_t& master;
        ~Cleanup() {
            if (master > 0 && alive(master)) ::kill(-master, SIGKILL);
            std::error_code ec;
            std::filesystem::remove_all(dir, ec);
        }
    } cleanup{dir, old_master};

    std::string admin;
    {
        PanelProcess first(options);
        admin = first.admin_key();
        const std::string alice = first.create_user_with_key("alice");
        wait_ftp_running(first, admin, true);
        ASSERT_EQ(first.http()
                      .post("/api/v1/ftp", {{"username", "early"}, {"password", kPassword}}, alice)
                      .status,
                  201);
        ASSERT_EQ(ftp_curl("alice_early", kPassword, {"--list-only", url}), 0);
        old_master = child_named(first.pid(), "proftpd");
        ASSERT_GT(old_master, 0);
        ASSERT_EQ(::kill(first.pid(), SIGKILL), 0);
        first.stop();  // reaps it
    }
    // The precondition: the master outlived its panel.
    ASSERT_TRUE(alive(old_master)) << "ProFTPD died with the panel: nothing left to test";

    PanelProcess second(options);
    wait_ftp_running(second, admin, true);
    EXPECT_TRUE(eventually([&] { return !alive(old_master); }, seconds(10)))
        << "the old master (pid " << old_master << ") still runs\n"
        << second.log();
    const pid_t master = child_named(second.pid(), "proftpd");
    EXPECT_GT(master, 0);
    EXPECT_NE(master, old_master);
    // The account made before the kill logs in, on the new panel's server.
    std::string out;
    EXPECT_EQ(ftp_curl("alice_early", kPassword, {"--list-only", url}, &out), 0) << out;
    std::ifstream pid_file(dir / "ftp" / "run" / "proftpd.pid");
    pid_t named = 0;
    EXPECT_TRUE(pid_file >> named);
    EXPECT_EQ(named, master);
}

size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// Out of descriptors, accept(2) fails at once with EMFILE for as long as a
// connection waits in the backlog: accepting again at once was a loop that
// burned a core and wrote a log line each turn. It pauses now, says so
// once, and serves again when descriptors are freed.
TEST(FaultsDescriptors, OutOfDescriptorsPausesAcceptingAndServesAgain) {
    PanelProcess panel(
        PanelOptions{.config = {"mariadb.mode=off", "ftp.mode=off", "server.max_connections=4096",
                                "server.max_connections_per_ip=4096"}});
    ASSERT_EQ(panel.http().get("/api/v1/health").status, 200);
    size_t open_fds = 0;
    for ([[maybe_unused]] auto& e :
         std::filesystem::directory_iterator("/proc/" + std::to_string(panel.pid()) + "/fd"))
        ++open_fds;
    const rlimit low{open_fds + 16, open_fds + 16};
    ASSERT_EQ(::prlimit(panel.pid(), RLIMIT_NOFILE, &low, nullptr), 0);
    std::vector<int> idle;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(static_cast<uint16_t>(panel.port()));
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    for (int i = 0; i < 40; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to), 0);
        idle.push_back(fd);
    }
    ASSERT_TRUE(eventually([&] { return panel.log().find("accept failed") != std::string::npos; },
                           seconds(20)))
        << panel.log();
    // Held out of descriptors a while: the old loop logged a line each turn
    // (about 70 000 a second); now one each time it runs out (a descriptor
    // the panel frees for a moment ends one).
    std::this_thread::sleep_for(std::chrono::seconds(1));
    EXPECT_LE(count_of(panel.log(), "accept failed"), 3u);
    for (int fd : idle) ::close(fd);
    EXPECT_TRUE(eventually([&] { return panel.http().get("/api/v1/health").status == 200; }));
    EXPECT_TRUE(eventually([&] { return panel.log().find("accepting again") != std::string::npos; },
                           seconds(10)));
}

}  // namespace
}  // namespace wsp::test
