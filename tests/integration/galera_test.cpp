// A Galera database host (issue 21) on the real thing: a 3-node cluster of
// Debian's galera-4 on loopback ports, started once by the one test below
// in its own datadirs (recipe: shared/notes/galera.md, rsync SST). The
// panel adds it as a host, creates databases on it while the node it talks
// to is killed with -9, and every create either exists on the survivors
// or failed leaving nothing; the node then rejoins (--wsrep-recover, IST)
// and has everything. Skipped when galera-4 or rsync is missing.
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kPassword = "Secure_pass123";
constexpr const char* kAdminPassword = "Galera-admin-pw9";
const std::vector<std::string> kPath = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
constexpr int kNodes = 3;

std::string slurp(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

class Galera : public ::testing::Test {
  protected:
    void SetUp() override {
        if (!fs::exists("/usr/lib/galera/libgalera_smm.so") || !fs::exists("/usr/bin/rsync") ||
            !fs::exists("/usr/bin/wsrep_sst_rsync"))
            GTEST_SKIP() << "galera-4 and rsync are needed (scripts/deps.sh)";
        root_ = make_temp_dir("wsp-galera");
        ::chmod(root_.c_str(), 0755);
        std::set<int> taken;
        for (auto& p : ports_) {
            do p = free_port();
            while (!taken.insert(p).second);
        }
        for (int i = 0; i < kNodes; ++i) write_config(i);
        const passwd* mysql = ::getpwnam("mysql");
        ASSERT_NE(mysql, nullptr);
        auto install = run_process(
            {"/usr/bin/mariadb-install-db", "--defaults-file=" + cnf(0), "--user=mysql",
             "--skip-test-db", "--auth-root-authentication-method=socket"},
            ProcessOptions{.env = kPath, .cwd = root_, .timeout = std::chrono::seconds(120)});
        ASSERT_TRUE(install.ok() && install->ok()) << (install.ok() ? install->output : "");
        ASSERT_TRUE(run_process({"/bin/chown", "-R", "mysql:mysql", root_.string()}).ok());
        start(0, {"--wsrep-new-cluster"});
        ASSERT_TRUE(wait_synced(0));
        start(1);
        ASSERT_TRUE(wait_synced(1));
        start(2);
        ASSERT_TRUE(wait_synced(2));
    }

    void TearDown() override {
        panel_.reset();
        for (pid_t& pid : pids_) {
            if (pid <= 0) continue;
            ::kill(pid, SIGTERM);
            for (int i = 0; i < 600 && ::waitpid(pid, nullptr, WNOHANG) != pid; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            ::kill(pid, SIGKILL);
            ::waitpid(pid, nullptr, WNOHANG);
            pid = -1;
        }
        if (!root_.empty()) {
            std::error_code ec;
            fs::remove_all(root_, ec);
        }
    }

    int sql_port(int i) const { return ports_[i * 4]; }
    int gcomm_port(int i) const { return ports_[i * 4 + 1]; }
    std::string dir(int i) const {
        static const char* const kNames[] = {"n1", "n2", "n3"};
        return (root_ / kNames[i]).string();
    }
    std::string cnf(int i) const { return dir(i) + ".cnf"; }

    void write_config(int i) {
        fs::create_directories(dir(i) + "/data");
        // Each node's own tmpdir: servers sharing /tmp lose each other's
        // temporary tables (src/drivers/mariadb_server.cpp).
        fs::create_directories(dir(i) + "/tmp");
        if (const passwd* mysql = ::getpwnam("mysql"))
            (void)::chown((dir(i) + "/tmp").c_str(), mysql->pw_uid, mysql->pw_gid);
        std::string cluster = "gcomm://";
        for (int j = 0; j < kNodes; ++j)
            cluster += (j ? ",127.0.0.1:" : "127.0.0.1:") + std::to_string(gcomm_port(j));
        const std::string d = dir(i);
        std::ofstream out(cnf(i));
        out << "[client]\nsocket = " << d << "/mysqld.sock\n"
            << "[mysqld]\ndatadir = " << d << "/data\nsocket = " << d << "/mysqld.sock\n"
            << "tmpdir = " << d << "/tmp\n"
            << "pid-file = " << d << "/mysqld.pid\nlog-error = " << d << "/error.log\n"
            << "port = " << sql_port(i) << "\nbind-address = 127.0.0.1\nskip-name-resolve\n"
            << "innodb_buffer_pool_size = 32M\ninnodb_log_file_size = 16M\n"
            << "performance_schema = OFF\nkey_buffer_size = 1M\n"
            << "aria_pagecache_buffer_size = 8M\nmax_connections = 50\n"
            << "binlog_format = ROW\ndefault_storage_engine = InnoDB\n"
            << "innodb_autoinc_lock_mode = 2\ninnodb_flush_log_at_trx_commit = 2\n"
            << "wsrep_on = ON\nwsrep_provider = /usr/lib/galera/libgalera_smm.so\n"
            << "wsrep_cluster_name = wsp_test\nwsrep_cluster_address = " << cluster << "\n"
            << "wsrep_node_name = n" << i + 1 << "\n"
            << "wsrep_node_address = 127.0.0.1:" << gcomm_port(i) << "\n"
            << "wsrep_node_incoming_address = 127.0.0.1:" << sql_port(i) << "\n"
            << "wsrep_provider_options = \"gmcast.listen_addr=tcp://127.0.0.1:" << gcomm_port(i)
            << ";ist.recv_addr=127.0.0.1:" << ports_[i * 4 + 2] << ";gcache.size=32M\"\n"
            << "wsrep_sst_method = rsync\n"
            << "wsrep_sst_receive_address = 127.0.0.1:" << ports_[i * 4 + 3] << "\n"
            << "wsrep_slave_threads = 1\n"
            << "[sst]\nsst-log-archive-dir = " << d << "/sst-log-archive\n";
    }

    void start(int i, std::vector<std::string> extra = {}) {
        std::vector<std::string> argv = {"/usr/sbin/mariadbd", "--defaults-file=" + cnf(i),
                                         "--user=mysql"};
        argv.insert(argv.end(), extra.begin(), extra.end());
        auto pid = spawn_process(argv, ProcessOptions{.env = kPath}, root_ / "stderr.log");
        ASSERT_TRUE(pid.ok());
        pids_[i] = *pid;
    }

    // As OS root over the node's socket (unix_socket); the output, or
    // nullopt when the statement failed.
    std::optional<std::string> q(int i, const std::string& sql) {
        auto r = run_process({"/usr/bin/mariadb", "--defaults-file=" + cnf(i), "--batch",
                              "--skip-column-names", "-r", "-e", sql},
                             ProcessOptions{.env = kPath, .timeout = std::chrono::seconds(30)});
        if (!r.ok() || !r->ok()) return std::nullopt;
        return r->output;
    }

    bool wait_synced(int i) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(150);
        while (std::chrono::steady_clock::now() < deadline) {
            auto s = q(i, "SHOW STATUS LIKE 'wsrep_local_state_comment'");
            if (s && s->find("Synced") != std::string::npos) return true;
            if (::waitpid(pids_[i], nullptr, WNOHANG) == pids_[i]) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
        }
        ADD_FAILURE() << "n" << i + 1 << " not synced\n" << slurp(dir(i) + "/error.log");
        return false;
    }

    int schemata(int i, const std::string& db) {
        auto out = q(i,
                     "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM "
                     "information_schema.SCHEMATA WHERE SCHEMA_NAME = '" +
                         db + "'");
        return out ? std::stoi(*out) : -1;
    }
    int user_entries(int i, const std::string& user) {
        auto out = q(i,
                     "SET SESSION wsrep_sync_wait = 1; SELECT COUNT(*) FROM mysql.user WHERE "
                     "User = '" +
                         user + "'");
        return out ? std::stoi(*out) : -1;
    }

    fs::path root_;
    int ports_[kNodes * 4] = {};
    pid_t pids_[kNodes] = {-1, -1, -1};
    std::unique_ptr<PanelProcess> panel_;
};

TEST_F(Galera, KillANodeMidCreatesFailsOverAllOrNothingAndRejoins) {
    ASSERT_TRUE(q(0, "CREATE USER 'paneladm'@'127.0.0.1' IDENTIFIED BY '" +
                         std::string(kAdminPassword) +
                         "'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, "
                         "INDEX, ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE "
                         "VIEW, SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE "
                         "HISTORY, CREATE USER, PROCESS ON *.* TO 'paneladm'@'127.0.0.1' WITH "
                         "GRANT OPTION"));
    panel_ = std::make_unique<PanelProcess>(
        PanelOptions{.config = {"mariadb.mode=sandbox", "pma.enabled=false",
                                "mariadb.query_timeout_s=40", "mariadb.connect_timeout_s=3"}});
    auto http = panel_->http();
    const std::string admin = panel_->admin_key();
    const std::string alice = panel_->create_user_with_key("alice");

    json::array nodes;
    for (int i = 0; i < kNodes; ++i)
        nodes.push_back({{"host", "127.0.0.1"}, {"port", sql_port(i)}});
    auto added = http.post("/api/v1/database-hosts",
                           {{"name", "ha"},
                            {"kind", "galera"},
                            {"nodes", nodes},
                            {"admin_user", "paneladm"},
                            {"admin_password", kAdminPassword}},
                           admin);
    ASSERT_EQ(added.status, 201) << added.body;
    {
        const json::value v = added.json();
        EXPECT_TRUE(v.at("up").as_bool());
        const auto& health = v.at("health").as_array();
        ASSERT_EQ(health.size(), 3u);
        for (const auto& n : health) {
            EXPECT_EQ(n.at("state").as_string(), "Synced") << added.body;
            EXPECT_EQ(n.at("cluster_size").as_int64(), 3);
            EXPECT_EQ(n.at("cluster_status").as_string(), "Primary");
        }
    }

    // Creates in a row while the node the panel talks to (n1, the first
    // listed) is killed with -9 after the fourth.
    constexpr int kCreates = 16;
    std::vector<int> status(kCreates, 0);
    std::atomic<int> done{0};
    std::vector<std::string> names;
    for (int i = 0; i < kCreates; ++i) names.push_back(std::string("g") + std::to_string(i));
    std::thread creator([&] {
        for (int i = 0; i < kCreates; ++i) {
            status[i] =
                http.post("/api/v1/databases",
                          {{"name", names[i]}, {"password", kPassword}, {"host", "ha"}}, alice)
                    .status;
            ++done;
        }
    });
    while (done.load() < 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(::kill(pids_[0], SIGKILL), 0);
    ::waitpid(pids_[0], nullptr, 0);
    pids_[0] = -1;
    creator.join();

    int created = 0;
    for (int i = 0; i < kCreates; ++i) {
        const std::string db = "alice_g" + std::to_string(i);
        if (status[i] == 201) {
            ++created;
            for (int n = 1; n < kNodes; ++n) {
                EXPECT_EQ(schemata(n, db), 1) << db << " on n" << n + 1;
                EXPECT_GE(user_entries(n, db), 1) << db << " on n" << n + 1;
            }
            EXPECT_EQ(http.get("/api/v1/databases/" + db, alice).status, 200);
        } else {
            // An error, and nothing half made anywhere.
            EXPECT_GE(status[i], 500) << db;
            for (int n = 1; n < kNodes; ++n) {
                EXPECT_EQ(schemata(n, db), 0) << db << " on n" << n + 1;
                EXPECT_EQ(user_entries(n, db), 0) << db << " on n" << n + 1;
            }
            EXPECT_EQ(http.get("/api/v1/databases/" + db, alice).status, 404);
        }
    }
    std::string statuses;
    for (int st : status) statuses += std::to_string(st) + " ";
    std::printf("galera: %d of %d creates succeeded across the kill: %s\n", created, kCreates,
                statuses.c_str());
    // The panel failed over: the creates after the kill went through.
    EXPECT_EQ(status[kCreates - 1], 201);
    EXPECT_GE(created, kCreates - 3);

    // The host reports the dead node and a cluster of two.
    auto after = http.get("/api/v1/database-hosts/ha", admin);
    ASSERT_EQ(after.status, 200);
    {
        const json::value v = after.json();
        EXPECT_TRUE(v.at("up").as_bool());
        const auto& health = v.at("health").as_array();
        EXPECT_FALSE(health[0].at("reachable").as_bool()) << after.body;
        EXPECT_EQ(health[1].at("cluster_size").as_int64(), 2) << after.body;
        EXPECT_TRUE(health[1].at("ready").as_bool());
    }
    const json::value health = http.get("/api/v1/health").json();
    EXPECT_EQ(health.at("components").at("database_hosts").as_string(), "up");

    // n1 rejoins at its recovered position (IST) and has everything.
    const std::string recover_log = dir(0) + "/recover.log";
    auto recovered =
        run_process({"/usr/sbin/mariadbd", "--defaults-file=" + cnf(0), "--user=mysql",
                     "--wsrep-recover", "--log-error=" + recover_log},
                    ProcessOptions{.env = kPath, .timeout = std::chrono::seconds(120)});
    ASSERT_TRUE(recovered.ok());
    const std::string log = slurp(recover_log);
    const std::regex recovered_at("Recovered position: ([0-9a-f-]+:-?[0-9]+)");
    std::string position;
    for (auto it = std::sregex_iterator(log.begin(), log.end(), recovered_at);
         it != std::sregex_iterator(); ++it)
        position = (*it)[1];
    ASSERT_FALSE(position.empty()) << log;
    start(0, {"--wsrep-start-position=" + position});
    ASSERT_TRUE(wait_synced(0));
    const std::string rejoin_log = slurp(dir(0) + "/error.log");
    std::printf("galera: n1 rejoined by %s\n",
                rejoin_log.find("IST received") != std::string::npos ? "IST" : "SST");
    for (int i = 0; i < kCreates; ++i) {
        const std::string db = "alice_g" + std::to_string(i);
        EXPECT_EQ(schemata(0, db), status[i] == 201 ? 1 : 0) << db << " on n1";
        EXPECT_EQ(user_entries(0, db) > 0, status[i] == 201) << db << " on n1";
    }
    auto back = http.get("/api/v1/database-hosts/ha", admin);
    ASSERT_EQ(back.status, 200);
    const json::value back_json = back.json();
    for (const auto& n : back_json.at("health").as_array()) {
        EXPECT_EQ(n.at("state").as_string(), "Synced") << back.body;
        EXPECT_EQ(n.at("cluster_size").as_int64(), 3);
    }
    // A delete goes everywhere.
    for (int i = kCreates - 1; i >= 0; --i) {
        if (status[i] != 201) continue;
        const std::string db = "alice_g" + std::to_string(i);
        ASSERT_EQ(http.del("/api/v1/databases/" + db, alice).status, 200);
        for (int n = 0; n < kNodes; ++n) EXPECT_EQ(schemata(n, db), 0) << db << " on n" << n + 1;
        break;
    }
}

}  // namespace
}  // namespace wsp::test
