// Database hosts (issue 21): a second standalone mariadbd, started by the
// test in its own datadir on a loopback port, added as a host through the
// API (with the check that says which grants are missing), then databases
// and their users placed on it and checked with the real `mariadb` client.
// One server and one panel for one test (both start-ups are the costly part).
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
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
constexpr const char* kAdminPassword = "Host-admin-pw9";
const std::vector<std::string> kPath = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};
// The grant docs/databases.md asks for on a database host's admin account.
const std::string kDocumentedGrant =
    "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, CREATE "
    "TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE ROUTINE, ALTER "
    "ROUTINE, EVENT, TRIGGER, DELETE HISTORY, CREATE USER, PROCESS ON *.* TO "
    "'paneladm'@'127.0.0.1' WITH GRANT OPTION";

class DatabaseHosts : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = make_temp_dir("wsp-dbhost");
        port_ = free_port();
        server_.start(root_, port_);
        ASSERT_TRUE(server_.started());
        socket_ = server_.socket();

        panel_ = std::make_unique<PanelProcess>(
            PanelOptions{.config = {"mariadb.mode=sandbox", "pma.enabled=false",
                                    "mariadb.query_timeout_s=5", "mariadb.connect_timeout_s=3"}});
        if (!panel_->wait_for_component("mariadb"))
            FAIL() << "mariadb never came up\n" << panel_->log();
    }

    void TearDown() override {
        panel_.reset();
        server_.stop();  // and its directory, root_
    }

    // As OS root on the second server (unix_socket); the output.
    std::string root_sql(const std::string& sql) {
        auto r = run_process({"/usr/bin/mariadb", "--no-defaults", "--socket=" + socket_, "--batch",
                              "--skip-column-names", "-r", "-e", sql},
                             ProcessOptions{.env = kPath, .timeout = std::chrono::seconds(30)});
        EXPECT_TRUE(r.ok() && r->ok()) << (r.ok() ? r->output : "") << sql;
        return r.ok() ? r->output : "";
    }
    // The real client as `user` over TCP to the second server.
    bool remote_client(const std::string& user, const std::string& password,
                       const std::string& sql) {
        std::vector<std::string> env = kPath;
        env.push_back("MYSQL_PWD=" + password);
        auto r =
            run_process({"/usr/bin/mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1",
                         "-P", std::to_string(port_), "-u", user, "--batch", "-e", sql},
                        ProcessOptions{.env = env, .timeout = std::chrono::seconds(30)});
        return r.ok() && r->ok();
    }
    json::object host_body() {
        return {{"name", "remote1"},        {"kind", "mariadb"},
                {"host", "127.0.0.1"},      {"port", port_},
                {"admin_user", "paneladm"}, {"admin_password", kAdminPassword}};
    }

    fs::path root_;
    std::string socket_;
    int port_ = 0;
    StandaloneMariadb server_;
    std::unique_ptr<PanelProcess> panel_;
};

TEST_F(DatabaseHosts, AddCheckPlaceAndUseARemoteMariadb) {
    const std::string admin = panel_->admin_key();
    const std::string alice = panel_->create_user_with_key("alice");
    auto http = panel_->http();

    // The panel's own server is the host "local".
    auto hosts = http.get("/api/v1/database-hosts", admin);
    ASSERT_EQ(hosts.status, 200) << hosts.body;
    ASSERT_EQ(hosts.json().as_array().size(), 1u);
    EXPECT_EQ(hosts.json().as_array()[0].at("name").as_string(), "local");
    EXPECT_TRUE(hosts.json().as_array()[0].at("up").as_bool());
    EXPECT_EQ(http.get("/api/v1/database-hosts", alice).status, 403);
    EXPECT_EQ(http.post("/api/v1/database-hosts", host_body(), alice).status, 403);

    // No such account yet: the check says it cannot connect.
    auto bad = http.post("/api/v1/database-hosts", host_body(), admin);
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.error().find("Cannot connect"), std::string::npos) << bad.error();
    // An account short of grants: the check names what is missing.
    root_sql("CREATE USER 'paneladm'@'127.0.0.1' IDENTIFIED BY '" + std::string(kAdminPassword) +
             "'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP ON *.* TO "
             "'paneladm'@'127.0.0.1'");
    bad = http.post("/api/v1/database-hosts", host_body(), admin);
    EXPECT_EQ(bad.status, 400) << bad.body;
    EXPECT_NE(bad.error().find("lacks REFERENCES, INDEX, ALTER"), std::string::npos) << bad.error();
    EXPECT_NE(bad.error().find("CREATE USER, PROCESS ON *.*"), std::string::npos) << bad.error();
    EXPECT_NE(bad.error().find("WITH GRANT OPTION"), std::string::npos) << bad.error();
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "database-hosts" / "remote1.cnf"));
    // The documented grant: accepted.
    root_sql(kDocumentedGrant);
    auto added = http.post("/api/v1/database-hosts", host_body(), admin);
    ASSERT_EQ(added.status, 201) << added.body;
    EXPECT_EQ(added.json().at("id").as_string(), "remote1");
    EXPECT_TRUE(added.json().at("up").as_bool());
    EXPECT_EQ(added.body.find(kAdminPassword), std::string::npos);
    EXPECT_FALSE(added.json().as_object().contains("admin_password"));
    struct stat st {};
    ASSERT_EQ(::stat((panel_->data_dir() / "database-hosts" / "remote1.cnf").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(http.post("/api/v1/database-hosts", host_body(), admin).status, 409);
    auto listed = http.get("/api/v1/database-hosts/remote1", admin);
    ASSERT_EQ(listed.status, 200);
    EXPECT_EQ(listed.body.find(kAdminPassword), std::string::npos);

    // Placement: POST /databases with `host`.
    auto made = http.post("/api/v1/databases",
                          {{"name", "far"}, {"password", kPassword}, {"host", "remote1"}}, alice);
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(root_sql("SHOW DATABASES LIKE 'alice\\_far'"), "alice_far\n");
    auto got = http.get("/api/v1/databases/alice_far", alice);
    ASSERT_EQ(got.status, 200);
    EXPECT_EQ(got.json().at("host").as_string(), "remote1");
    EXPECT_EQ(http.post("/api/v1/databases",
                        {{"name", "x"}, {"password", kPassword}, {"host", "nowhere"}}, alice)
                  .status,
              404);
    // Its user logs in on that server (the host's client_host, "%").
    EXPECT_TRUE(remote_client("alice_far", kPassword,
                              "CREATE TABLE alice_far.t (id INT PRIMARY KEY);"
                              "INSERT INTO alice_far.t VALUES (1)"));
    // A package names the host its databases go to by default.
    ASSERT_EQ(http.post("/api/v1/packages", {{"name", "gold"}}, admin).status, 201);
    const std::string bob = panel_->create_user_with_key("bob", "gold");
    EXPECT_EQ(http.put("/api/v1/database-hosts/remote1", {{"packages", json::array{"nope"}}}, admin)
                  .status,
              400);
    auto placed =
        http.put("/api/v1/database-hosts/remote1", {{"packages", json::array{"gold"}}}, admin);
    ASSERT_EQ(placed.status, 200) << placed.body;
    EXPECT_EQ(json::serialize(placed.json().at("packages")), R"(["gold"])");
    auto bobs = http.post("/api/v1/databases", {{"name", "auto"}, {"password", kPassword}}, bob);
    ASSERT_EQ(bobs.status, 201) << bobs.body;
    EXPECT_EQ(bobs.json().at("host").as_string(), "remote1");
    EXPECT_EQ(root_sql("SHOW DATABASES LIKE 'bob\\_auto'"), "bob_auto\n");
    // alice's package ("default") names no host: the panel's own server.
    auto local_db =
        http.post("/api/v1/databases", {{"name", "near"}, {"password", kPassword}}, alice);
    ASSERT_EQ(local_db.status, 201) << local_db.body;
    EXPECT_EQ(local_db.json().at("host").as_string(), "local");
    EXPECT_EQ(root_sql("SHOW DATABASES LIKE 'alice\\_near'"), "");
    ASSERT_EQ(http.del("/api/v1/databases/bob_auto", bob).status, 200);
    ASSERT_EQ(http.del("/api/v1/databases/alice_near", alice).status, 200);

    // Extra users, password reset and deletion work there too.
    auto reader =
        http.post("/api/v1/databases/alice_far/users",
                  {{"user", "rd"}, {"password", kPassword}, {"privileges", "read"}}, alice);
    ASSERT_EQ(reader.status, 201) << reader.body;
    EXPECT_TRUE(remote_client("alice_rd", kPassword, "SELECT * FROM alice_far.t"));
    EXPECT_FALSE(remote_client("alice_rd", kPassword, "INSERT INTO alice_far.t VALUES (2)"));
    ASSERT_EQ(http.post("/api/v1/databases/alice_far/reset-password",
                        {{"password", "Other_pass456"}}, alice)
                  .status,
              200);
    EXPECT_TRUE(remote_client("alice_far", "Other_pass456", "SELECT 1"));
    EXPECT_FALSE(remote_client("alice_far", kPassword, "SELECT 1"));
    auto list = http.get("/api/v1/databases", alice);
    ASSERT_EQ(list.status, 200);
    ASSERT_EQ(list.json().as_array().size(), 1u);
    EXPECT_GT(list.json().as_array()[0].at("size_kb").as_int64(), 0);
    // A host with databases cannot be removed; a disabled one takes no new ones.
    EXPECT_EQ(http.del("/api/v1/database-hosts/remote1", admin).status, 409);
    ASSERT_EQ(http.put("/api/v1/database-hosts/remote1", {{"enabled", false}}, admin).status, 200);
    EXPECT_EQ(http.post("/api/v1/databases",
                        {{"name", "y"}, {"password", kPassword}, {"host", "remote1"}}, alice)
                  .status,
              400);
    // Deleting the database drops it and its users on that server.
    ASSERT_EQ(http.del("/api/v1/databases/alice_far", alice).status, 200);
    EXPECT_EQ(root_sql("SHOW DATABASES LIKE 'alice\\_far'"), "");
    EXPECT_EQ(root_sql("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'alice\\_%'"), "0\n");
    ASSERT_EQ(http.del("/api/v1/database-hosts/remote1", admin).status, 200);
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "database-hosts" / "remote1.cnf"));
    EXPECT_EQ(http.get("/api/v1/database-hosts/remote1", admin).status, 404);
}

// GET /health is open to anyone, and it answered every request by opening a
// fresh connection (TCP, login, a status query) to each node of each
// database host: an anonymous client looping on it made the panel hammer
// the database servers with logins and held a worker per request on the
// connects. The hosts are now checked at most every
// DatabaseHosts::kHealthEvery seconds; /health reads the last result, and
// still turns "down" when a host goes.
TEST_F(DatabaseHosts, HealthDoesNotConnectToTheHostsOnEveryRequest) {
    const std::string admin = panel_->admin_key();
    auto http = panel_->http();
    root_sql("CREATE USER 'paneladm'@'127.0.0.1' IDENTIFIED BY '" + std::string(kAdminPassword) +
             "'; " + kDocumentedGrant);
    ASSERT_EQ(http.post("/api/v1/database-hosts", host_body(), admin).status, 201);
    // Connections the server has accepted so far (this query's own included).
    auto connections = [&] {
        const std::string out = root_sql("SHOW GLOBAL STATUS LIKE 'Connections'");
        return std::stoll(out.substr(out.find('\t') + 1));
    };
    const long long before = connections();
    constexpr int kChecks = 40;
    for (int i = 0; i < kChecks; ++i) {
        auto h = http.get("/api/v1/health");
        ASSERT_EQ(h.status, 200) << h.body;
        EXPECT_EQ(h.json().at("components").at("database_hosts").as_string(), "up");
    }
    // One check per kHealthEvery at most (two if one was due), plus the
    // query above: before, one connection per /health request.
    const long long made = connections() - before;
    EXPECT_LE(made, 4) << made << " connections to the host for " << kChecks << " /health";

    server_.stop();
    bool down = false;
    for (int i = 0; i < 100 && !down; ++i) {
        down =
            http.get("/api/v1/health").json().at("components").at("database_hosts").as_string() ==
            "down";
        if (!down) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_TRUE(down) << "/health never saw the stopped host";
}

}  // namespace
}  // namespace wsp::test
