// MariaDB in system mode: the test starts its own mariadbd in a temp dir as
// "the system's server" (root by unix_socket only, as Debian ships it), runs
// scripts/system/setup-mariadb.sh against its socket, and points a panel in
// mariadb.mode = "system" at the credentials file the script wrote. Also
// phpMyAdmin in system mode, on its own origin through the panel's /pma/ proxy.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "support/panel_process.h"
#include "support/standalone_mariadb.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kPassword = "Secure_pass123";
const std::vector<std::string> kPath = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class MariadbSystemTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        root_ = make_temp_dir("wsp-mdbsys");
        server_.start(root_);  // mysql and www-data reach the socket
        socket_ = server_.socket();
        cnf_ = root_ / "etc" / "wispanel-mariadb.cnf";
    }

    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        server_.stop();  // and its directory, root_
    }

    void SetUp() override { ASSERT_TRUE(server_.started()) << "the suite's set-up failed"; }

    static ProcessResult setup(std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {
            "/bin/bash", std::string(WSP_SOURCE_DIR) + "/scripts/system/setup-mariadb.sh"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        argv.push_back(cnf_.string());
        std::vector<std::string> env = kPath;
        // The server config goes to a directory of the test's (the server
        // here already runs with --skip-name-resolve, so nothing restarts).
        env.insert(env.end(), {"WSP_MARIADB_SOCKET=" + socket_,
                               "WSP_MARIADB_CONF_DIR=" + (root_ / "mariadb.conf.d").string(),
                               "WSP_NO_SYSTEMD=1"});
        auto r = run_process(argv, ProcessOptions{.env = env, .timeout = std::chrono::seconds(60)});
        EXPECT_TRUE(r.ok());
        return r.ok() ? *r : ProcessResult{};
    }

    // As OS root over the socket (unix_socket auth), or as `user`.
    static ProcessResult sql(const std::string& query, const std::string& user = "root",
                             const std::string& password = "") {
        std::vector<std::string> env = kPath;
        if (!password.empty()) env.push_back("MYSQL_PWD=" + password);
        auto r = run_process({"/usr/bin/mariadb", "--no-defaults", "--socket=" + socket_, "-u",
                              user, "--batch", "--skip-column-names", "-r", "-e", query},
                             ProcessOptions{.env = env, .timeout = std::chrono::seconds(30)});
        return r.ok() ? *r : ProcessResult{};
    }

    static void start_panel() {
        pma_port_ = free_port();
        panel_ = new PanelProcess(
            // No mariadb.socket: the credentials file names it (as
            // scripts/install.sh configures the panel).
            PanelOptions{.config = {"mariadb.mode=system",
                                    "mariadb.admin_credentials_file=" + cnf_.string(),
                                    "pma.enabled=true", "pma.port=" + std::to_string(pma_port_)}});
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline &&
               panel_->http().get("/api/v1/health").body.find("\"mariadb\":\"up\"") ==
                   std::string::npos)
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        ASSERT_NE(panel_->http().get("/api/v1/health").body.find("\"mariadb\":\"up\""),
                  std::string::npos)
            << panel_->log();
    }

    static inline fs::path root_, cnf_;
    static inline std::string socket_;
    static inline StandaloneMariadb server_;
    static inline int pma_port_ = 0;
    static inline PanelProcess* panel_ = nullptr;
};

// The privileges SHOW GRANTS lists for the account on *.*.
std::set<std::string> global_privileges(const std::string& show_grants, bool* grant_option) {
    std::set<std::string> out;
    std::istringstream lines(show_grants);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.find(" ON *.* TO ") == std::string::npos) continue;
        *grant_option = line.find("WITH GRANT OPTION") != std::string::npos;
        std::string list = line.substr(6, line.find(" ON *.* TO ") - 6);
        std::istringstream items(list);
        std::string item;
        while (std::getline(items, item, ',')) {
            while (!item.empty() && item.front() == ' ') item.erase(item.begin());
            out.insert(item);
        }
    }
    return out;
}

TEST_F(MariadbSystemTest, SetupCreatesALeastPrivilegeAdminAndIsIdempotent) {
    auto first = setup();
    ASSERT_TRUE(first.ok()) << first.output;
    struct stat st {};
    ASSERT_EQ(::stat(cnf_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const std::string cnf = slurp(cnf_);
    EXPECT_NE(cnf.find("[client]\nuser=wispanel\npassword="), std::string::npos) << cnf;
    EXPECT_NE(cnf.find("socket=" + socket_), std::string::npos);
    EXPECT_NE(
        slurp(root_ / "mariadb.conf.d" / "60-wispanel.cnf").find("[mariadbd]\nskip-name-resolve\n"),
        std::string::npos);
    EXPECT_EQ(first.output.find("restart"), std::string::npos) << first.output;

    const std::set<std::string> documented = {
        "SELECT",        "INSERT",     "UPDATE",      "DELETE",         "CREATE",
        "DROP",          "REFERENCES", "INDEX",       "ALTER",          "CREATE TEMPORARY TABLES",
        "LOCK TABLES",   "EXECUTE",    "CREATE VIEW", "SHOW VIEW",      "CREATE ROUTINE",
        "ALTER ROUTINE", "EVENT",      "TRIGGER",     "DELETE HISTORY", "CREATE USER",
        "PROCESS"};
    auto grants = sql("SHOW GRANTS FOR 'wispanel'@'localhost'");
    ASSERT_TRUE(grants.ok()) << grants.output;
    bool grant_option = false;
    EXPECT_EQ(global_privileges(grants.output, &grant_option), documented) << grants.output;
    EXPECT_TRUE(grant_option);
    // No other grant line (no database- or table-level extras, no PROXY).
    EXPECT_EQ(std::count(grants.output.begin(), grants.output.end(), '\n'), 1) << grants.output;

    // A re-run keeps the password, and takes back anything granted since.
    ASSERT_TRUE(sql("GRANT FILE, SUPER ON *.* TO 'wispanel'@'localhost'").ok());
    auto second = setup();
    ASSERT_TRUE(second.ok()) << second.output;
    EXPECT_EQ(slurp(cnf_), cnf);
    grants = sql("SHOW GRANTS FOR 'wispanel'@'localhost'");
    EXPECT_EQ(global_privileges(grants.output, &grant_option), documented) << grants.output;

    // The admin logs in with the file, and cannot do what root can.
    std::string password = cnf.substr(cnf.find("password=") + 9);
    password = password.substr(0, password.find('\n'));
    EXPECT_TRUE(sql("SELECT CURRENT_USER()", "wispanel", password).ok());
    EXPECT_FALSE(
        sql("GRANT ALL PRIVILEGES ON *.* TO 'wispanel'@'localhost'", "wispanel", password).ok());
    EXPECT_FALSE(
        sql("SELECT LOAD_FILE('/etc/passwd') INTO OUTFILE '/tmp/x'", "wispanel", password).ok());
}

TEST_F(MariadbSystemTest, PanelInSystemModeCreatesDatabasesUsersCanUse) {
    if (!fs::exists(cnf_)) {
        ASSERT_TRUE(setup().ok());
    }
    start_panel();
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "mariadb"));  // nothing of its own
    const std::string erin = panel_->create_user_with_key("erin");
    auto r =
        panel_->http().post("/api/v1/databases", {{"name", "shop"}, {"password", kPassword}}, erin);
    ASSERT_EQ(r.status, 201) << r.body << panel_->log();
    auto who = sql("SELECT CURRENT_USER(), DATABASE()", "erin_shop", kPassword);
    ASSERT_TRUE(who.ok()) << who.output;
    auto mine =
        sql("CREATE TABLE erin_shop.t (x INT); INSERT INTO erin_shop.t VALUES (7); "
            "SELECT x FROM erin_shop.t",
            "erin_shop", kPassword);
    EXPECT_TRUE(mine.ok()) << mine.output;
    EXPECT_NE(mine.output.find("7"), std::string::npos);
    EXPECT_FALSE(sql("CREATE DATABASE erinXshop", "erin_shop", kPassword).ok());

    // phpMyAdmin in system mode, at /pma/ on its own origin.
    auto link = panel_->http().post("/api/v1/databases/erin_shop/phpmyadmin", {}, erin);
    ASSERT_EQ(link.status, 200) << link.body;
    ASSERT_NE(panel_->pma_port(), 0);
    const std::string base = "http://127.0.0.1:" + std::to_string(panel_->pma_port());
    const std::string url(link.json().at("url").as_string());
    EXPECT_EQ(url.rfind(base + "/pma/?token=", 0), 0u) << url;
    auto curl = [](std::vector<std::string> args) {
        std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--max-time", "20"};
        argv.insert(argv.end(), args.begin(), args.end());
        auto c = run_process(argv, ProcessOptions{.timeout = std::chrono::seconds(30),
                                                  .max_output = 4 * 1024 * 1024});
        return c.ok() ? c->output : std::string("curl failed");
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline &&
           curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/pma/signon.php"}) != "403")
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const fs::path jar = root_ / "jar.txt";
    std::string page = curl({"-L", "-c", jar.string(), "-b", jar.string(), url});
    EXPECT_NE(page.find("erin_shop | phpMyAdmin"), std::string::npos) << page.substr(0, 2000);

    // Rotation: a new password in the file; the panel keeps working with it.
    const std::string before = slurp(cnf_);
    auto rotated = setup({"--rotate"});
    ASSERT_TRUE(rotated.ok()) << rotated.output;
    EXPECT_NE(slurp(cnf_), before);
    auto again =
        panel_->http().post("/api/v1/databases", {{"name", "blog"}, {"password", kPassword}}, erin);
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(panel_->http().del("/api/v1/databases/erin_shop", erin).status, 200);
    EXPECT_FALSE(sql("SELECT 1", "erin_shop", kPassword).ok());
}

}  // namespace
}  // namespace wsp::test
