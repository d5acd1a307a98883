// A database on another host (issue 21, round two): export, import,
// backups, phpMyAdmin and moving a database between hosts, against a second
// standalone mariadbd started by the test (StandaloneMariadb) and the
// panel's own. One server and one panel for one test: both start-ups are
// the costly part, so every check is here.
#include <gtest/gtest.h>

#include <chrono>
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

class DatabaseHostsRemote : public ::testing::Test {
  protected:
    void SetUp() override {
        root_ = make_temp_dir("wsp-dbhost2");
        port_ = free_port();
        server_.start(root_, port_);
        ASSERT_TRUE(server_.started());
        panel_ = std::make_unique<PanelProcess>(
            PanelOptions{.config = {"mariadb.mode=sandbox", "pma.enabled=true",
                                    "pma.port=" + std::to_string(free_port()),
                                    "mariadb.query_timeout_s=10", "mariadb.connect_timeout_s=3"}});
        if (!panel_->wait_for_component("mariadb"))
            FAIL() << "mariadb never came up\n" << panel_->log();
    }
    void TearDown() override {
        panel_.reset();
        server_.stop();
    }

    ProcessResult run(std::vector<std::string> argv, std::vector<std::string> env = kPath) {
        // Whole pages: only the output's tail is kept, which would cut their <title>.
        auto r = run_process(argv, ProcessOptions{.env = std::move(env),
                                                  .timeout = std::chrono::seconds(60),
                                                  .max_output = 16 << 20});
        return r.ok() ? *r : ProcessResult{};
    }
    // As OS root on the remote server (unix_socket).
    std::string remote_sql(const std::string& sql) {
        auto r = run({"/usr/bin/mariadb", "--no-defaults", "--socket=" + server_.socket(),
                      "--batch", "--skip-column-names", "-r", "-e", sql});
        EXPECT_TRUE(r.ok()) << r.output << sql;
        return r.output;
    }
    // As the panel's admin on its own server.
    std::string local_sql(const std::string& sql) {
        auto r = run({"/usr/bin/mariadb",
                      "--defaults-file=" + (panel_->data_dir() / "mariadb-admin.cnf").string(),
                      "--socket=" + (panel_->data_dir() / "run/mariadb/mysqld.sock").string(),
                      "--batch", "--skip-column-names", "-r", "-e", sql});
        EXPECT_TRUE(r.ok()) << r.output << sql;
        return r.output;
    }
    // The real client as `user` over TCP to the remote server.
    bool remote_client(const std::string& user, const std::string& password,
                       const std::string& sql) {
        auto env = kPath;
        env.push_back("MYSQL_PWD=" + password);
        return run({"/usr/bin/mariadb", "--no-defaults", "--protocol=TCP", "-h", "127.0.0.1", "-P",
                    std::to_string(port_), "-u", user, "--batch", "-e", sql},
                   env)
            .ok();
    }
    bool local_client(const std::string& user, const std::string& password,
                      const std::string& sql) {
        auto env = kPath;
        env.push_back("MYSQL_PWD=" + password);
        auto r = run({"/usr/bin/mariadb", "--no-defaults",
                      "--socket=" + (panel_->data_dir() / "run/mariadb/mysqld.sock").string(), "-u",
                      user, "--batch", "-e", sql},
                     env);
        last_output_ = r.output;
        return r.ok();
    }
    std::string curl(std::vector<std::string> args) {
        args.insert(args.begin(), {"/usr/bin/curl", "-s", "--max-time", "30"});
        return run(args).output;
    }
    json::object wait_task(const std::string& key, const HttpResult& started) {
        EXPECT_EQ(started.status, 202) << started.body;
        if (started.status != 202) return {};
        const std::string id(started.json().at("id").as_string());
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = panel_->http().get("/api/v1/backups/tasks/" + id, key);
            if (r.status != 200) break;
            auto t = r.json().as_object();
            const std::string status(t.at("status").as_string());
            if (status != "queued" && status != "running") return t;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "task " << id << " never finished";
        return {};
    }
    static std::string status_of(const json::object& t) {
        return t.contains("status") ? std::string(t.at("status").as_string()) : "";
    }
    static std::string error_of(const json::object& t) {
        return t.contains("error") ? json::serialize(t.at("error")) : "";
    }
    // COUNT(*) and CHECKSUM TABLE of `table`, through `sql`.
    template <class Sql>
    static std::string fingerprint(Sql sql, const std::string& table) {
        std::string sum = sql("CHECKSUM TABLE " + table);
        return sql("SELECT COUNT(*) FROM " + table) + sum.substr(sum.find('\t'));
    }

    fs::path root_;
    std::string last_output_;  // of the last local_client()
    int port_ = 0;
    StandaloneMariadb server_;
    std::unique_ptr<PanelProcess> panel_;
};

TEST_F(DatabaseHostsRemote, ExportImportBackupPhpMyAdminAndMove) {
    const std::string admin = panel_->admin_key();
    const std::string alice = panel_->create_user_with_key("alice");
    auto http = panel_->http();
    auto remote = [&](const std::string& s) { return remote_sql(s); };
    auto local = [&](const std::string& s) { return local_sql(s); };

    remote_sql("CREATE USER 'paneladm'@'127.0.0.1' IDENTIFIED BY '" + std::string(kAdminPassword) +
               "'; GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, ALTER, "
               "CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, SHOW VIEW, CREATE "
               "ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY, CREATE USER, PROCESS ON "
               "*.* TO 'paneladm'@'127.0.0.1' WITH GRANT OPTION");
    auto added = http.post("/api/v1/database-hosts",
                           {{"name", "remote1"},
                            {"kind", "mariadb"},
                            {"host", "127.0.0.1"},
                            {"port", port_},
                            {"admin_user", "paneladm"},
                            {"admin_password", kAdminPassword}},
                           admin);
    ASSERT_EQ(added.status, 201) << added.body;

    // ---- a database on the remote host, with rows ----
    ASSERT_EQ(http.post("/api/v1/databases",
                        {{"name", "far"}, {"password", kPassword}, {"host", "remote1"}}, alice)
                  .status,
              201);
    ASSERT_TRUE(remote_client("alice_far", kPassword,
                              "CREATE TABLE alice_far.t (id INT PRIMARY KEY, v VARCHAR(40));"
                              "INSERT INTO alice_far.t SELECT seq, CONCAT('row-', seq) FROM "
                              "alice_far.seq_1_to_3000"));
    const std::string before = fingerprint(remote, "alice_far.t");
    ASSERT_EQ(before.substr(0, 5), "3000\n");

    // Export: the dump comes from the remote server.
    auto exported = http.get("/api/v1/databases/alice_far/export", alice);
    ASSERT_EQ(exported.status, 200) << exported.body;
    ASSERT_GT(exported.body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(exported.body[0]), 0x1f);
    // Import it back into the emptied database: the same content.
    remote_sql("DROP TABLE alice_far.t");
    auto t =
        wait_task(alice, http.request("POST", "/api/v1/databases/alice_far/import", exported.body,
                                      {{"Authorization", "Bearer " + alice},
                                       {"Content-Type", "application/octet-stream"}}));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint(remote, "alice_far.t"), before);
    // No temporary login is left on either server.
    EXPECT_EQ(remote_sql("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'WSPIO\\_%'"), "0\n");

    // ---- backup and restore of the account's remote database ----
    t = wait_task(alice, http.post("/api/v1/backups", json::object{}, alice));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    auto backups = http.get("/api/v1/backups", alice);
    ASSERT_EQ(backups.status, 200);
    const json::value listed = backups.json();
    const auto& run = listed.as_array().at(0).as_object();
    EXPECT_NE(json::serialize(run.at("databases")).find("alice_far"), std::string::npos);
    const std::string backup_id(run.at("id").as_string());
    remote_sql("DELETE FROM alice_far.t WHERE id > 1000; UPDATE alice_far.t SET v = 'x'");
    t = wait_task(
        alice,
        http.post("/api/v1/backups/" + backup_id + "/restore",
                  {{"what", "database"}, {"database", "alice_far"}, {"overwrite", true}}, alice));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint(remote, "alice_far.t"), before);

    // ---- phpMyAdmin signs on to the remote server ----
    auto link = http.post("/api/v1/databases/alice_far/phpmyadmin", json::object{}, alice);
    ASSERT_EQ(link.status, 200) << link.body;
    // Its temporary user lives on the remote server, for the panel's address.
    EXPECT_EQ(remote_sql("SELECT Host FROM mysql.user WHERE User LIKE 'PMA\\_%'"), "127.0.0.1\n");
    EXPECT_EQ(local_sql("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'PMA\\_%'"), "0\n");
    const std::string base = "http://127.0.0.1:" + std::to_string(panel_->pma_port());
    for (int i = 0; i < 100 && curl({"-o", "/dev/null", "-w", "%{http_code}",
                                     base + "/pma/signon.php"}) != "403";
         ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const fs::path jar = root_ / "cookies.txt";
    std::string page = curl({"-L", "-c", jar.string(), "-b", jar.string(),
                             std::string(link.json().at("url").as_string())});
    const auto title = page.find("<title>");
    EXPECT_NE(page.find("alice_far | phpMyAdmin"), std::string::npos)
        << (title == std::string::npos ? page.substr(0, 3000) : page.substr(title, 200));
    std::string databases = curl({"-L", "-c", jar.string(), "-b", jar.string(),
                                  base + "/pma/index.php?route=/server/databases"});
    const std::string field = "name=\"token\" value=\"";
    auto at = databases.find(field);
    ASSERT_NE(at, std::string::npos) << databases.substr(0, 1500);
    at += field.size();
    const std::string csrf = databases.substr(at, databases.find('"', at) - at);
    // The SQL runs on the remote server: its port, its rows.
    std::string answer =
        curl({"-c", jar.string(), "-b", jar.string(), "-X", "POST", "--data-urlencode",
              "token=" + csrf, "--data-urlencode",
              "sql_query=SELECT @@port AS where_am_i, COUNT(*) AS n FROM alice_far.t",
              "--data-urlencode", "db=alice_far", "--data-urlencode", "ajax_request=true",
              base + "/pma/index.php?route=/import"});
    EXPECT_NE(answer.find(std::to_string(port_)), std::string::npos) << answer.substr(0, 2000);
    // Logging out drops the temporary user there (the monitor's sweep).
    curl({"-c", jar.string(), "-b", jar.string(), base + "/pma/?logout=1"});
    std::string left = "1\n";
    for (int i = 0; i < 100 && left != "0\n"; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        left = remote_sql("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'PMA\\_%'");
    }
    EXPECT_EQ(left, "0\n");

    // ---- moving a database from the panel's server to the remote one ----
    ASSERT_EQ(
        http.post("/api/v1/databases", {{"name", "near"}, {"password", kPassword}}, alice).status,
        201);
    local_sql(
        "CREATE TABLE alice_near.items (id INT PRIMARY KEY, name VARCHAR(40)) ENGINE=InnoDB;"
        "INSERT INTO alice_near.items SELECT seq, CONCAT('item-', seq) FROM "
        "alice_near.seq_1_to_5000;"
        "CREATE TABLE alice_near.notes (id INT AUTO_INCREMENT PRIMARY KEY, body TEXT);"
        "INSERT INTO alice_near.notes (body) VALUES ('first'), ('second')");
    const std::string items = fingerprint(local, "alice_near.items");
    const std::string notes = fingerprint(local, "alice_near.notes");
    ASSERT_EQ(http.post("/api/v1/databases/alice_near/users",
                        {{"user", "rd"},
                         {"password", "Reader_pass1"},
                         {"privileges", "read"},
                         {"remote_host", "10.1.2.0/24"}},
                        alice)
                  .status,
              201);
    ASSERT_EQ(
        http.post("/api/v1/databases/alice_near/users",
                  {{"user", "rw"}, {"password", "Writer_pass1"}, {"privileges", "read_write"}},
                  alice)
            .status,
        201);
    ASSERT_EQ(http.put("/api/v1/databases/alice_near",
                       {{"remote_access", true}, {"remote_host", "192.168.7.%"}}, alice)
                  .status,
              200);
    // Admins only; the host must exist and differ.
    EXPECT_EQ(http.post("/api/v1/databases/alice_near/move", {{"host", "remote1"}}, alice).status,
              403);
    EXPECT_EQ(http.post("/api/v1/databases/alice_near/move", {{"host", "nowhere"}}, admin).status,
              404);
    EXPECT_EQ(http.post("/api/v1/databases/alice_near/move", {{"host", "local"}}, admin).status,
              409);
    EXPECT_EQ(http.post("/api/v1/databases/alice_near/move", json::object{}, admin).status, 400);

    t = wait_task(admin,
                  http.post("/api/v1/databases/alice_near/move", {{"host", "remote1"}}, admin));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(std::string(t.at("kind").as_string()), "move");
    auto moved = http.get("/api/v1/databases/alice_near", alice);
    ASSERT_EQ(moved.status, 200);
    EXPECT_EQ(moved.json().at("host").as_string(), "remote1");
    EXPECT_EQ(moved.json().at("remote_host").as_string(), "192.168.7.%");
    // Every row is there.
    EXPECT_EQ(fingerprint(remote, "alice_near.items"), items);
    EXPECT_EQ(fingerprint(remote, "alice_near.notes"), notes);
    // Each user logs in there with the same password and the same rights,
    // and keeps its remote entry.
    EXPECT_TRUE(remote_client("alice_near", kPassword,
                              "INSERT INTO alice_near.notes (body) VALUES ('third');"
                              "CREATE TABLE alice_near.more (id INT PRIMARY KEY)"));
    EXPECT_TRUE(remote_client("alice_rd", "Reader_pass1", "SELECT COUNT(*) FROM alice_near.items"));
    EXPECT_FALSE(remote_client("alice_rd", "Reader_pass1",
                               "INSERT INTO alice_near.notes (body) VALUES ('no')"));
    EXPECT_TRUE(remote_client("alice_rw", "Writer_pass1",
                              "UPDATE alice_near.items SET name = 'renamed' WHERE id = 1"));
    EXPECT_FALSE(remote_client("alice_rw", "Writer_pass1", "CREATE TABLE alice_near.x (id INT)"));
    EXPECT_EQ(remote_sql("SELECT Host FROM mysql.user WHERE User = 'alice_rd' ORDER BY Host"),
              "%\n10.1.2.0/255.255.255.0\n");
    EXPECT_EQ(remote_sql("SELECT Host FROM mysql.user WHERE User = 'alice_near' ORDER BY Host"),
              "%\n192.168.7.%\n");
    // The old copy is gone: database and every user.
    EXPECT_EQ(local_sql("SHOW DATABASES LIKE 'alice\\_near'"), "");
    EXPECT_EQ(local_sql("SELECT COUNT(*) FROM mysql.user WHERE User IN ('alice_near', "
                        "'alice_rd', 'alice_rw') OR User LIKE 'WSPIO\\_%'"),
              "0\n");
    EXPECT_EQ(remote_sql("SELECT COUNT(*) FROM mysql.user WHERE User LIKE 'WSPIO\\_%'"), "0\n");
    // Routes keep working on the new host: a password reset, users.
    ASSERT_EQ(http.post("/api/v1/databases/alice_near/reset-password",
                        {{"password", "Other_pass456"}}, alice)
                  .status,
              200);
    EXPECT_TRUE(remote_client("alice_near", "Other_pass456", "SELECT 1"));

    // ---- and back to the panel's server ----
    const std::string items_now = fingerprint(remote, "alice_near.items");
    t = wait_task(admin,
                  http.post("/api/v1/databases/alice_near/move", {{"host", "local"}}, admin));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint(local, "alice_near.items"), items_now);
    EXPECT_TRUE(
        local_client("alice_near", "Other_pass456", "SELECT COUNT(*) FROM alice_near.more"));
    EXPECT_TRUE(local_client("alice_rd", "Reader_pass1", "SELECT COUNT(*) FROM alice_near.items"));
    EXPECT_EQ(remote_sql("SHOW DATABASES LIKE 'alice\\_near'"), "");
    EXPECT_EQ(remote_sql("SELECT COUNT(*) FROM mysql.user WHERE User IN ('alice_near', "
                         "'alice_rd', 'alice_rw')"),
              "0\n");

    // ---- a move that fails leaves the database where it was, working ----
    remote_sql("CREATE DATABASE alice_near");  // in the way on the target
    t = wait_task(admin,
                  http.post("/api/v1/databases/alice_near/move", {{"host", "remote1"}}, admin));
    EXPECT_EQ(status_of(t), "failed");
    EXPECT_NE(error_of(t).find("already exists on host remote1"), std::string::npos) << error_of(t);
    EXPECT_EQ(http.get("/api/v1/databases/alice_near", alice).json().at("host").as_string(),
              "local");
    EXPECT_TRUE(local_client("alice_rw", "Writer_pass1",
                             "INSERT INTO alice_near.notes (body) VALUES ('after')"));
    remote_sql("DROP DATABASE alice_near");
    // A session open on the database could still write during the copy:
    // the move waits for it, then gives up and restores the rights.
    auto env = kPath;
    env.push_back("MYSQL_PWD=Writer_pass1");
    auto holder =
        Child::start({"/usr/bin/mariadb", "--no-defaults",
                      "--socket=" + (panel_->data_dir() / "run/mariadb/mysqld.sock").string(), "-u",
                      "alice_rw", "alice_near", "-e", "SELECT SLEEP(30)"},
                     ProcessOptions{.env = env}, -1, -1);
    ASSERT_TRUE(holder.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    t = wait_task(admin,
                  http.post("/api/v1/databases/alice_near/move", {{"host", "remote1"}}, admin));
    EXPECT_EQ(status_of(t), "failed");
    EXPECT_NE(error_of(t).find("open connections (alice_rw@localhost"), std::string::npos)
        << error_of(t);
    holder->kill();
    (void)holder->wait();
    EXPECT_EQ(remote_sql("SHOW DATABASES LIKE 'alice\\_near'"), "");
    EXPECT_TRUE(local_client("alice_rw", "Writer_pass1",
                             "INSERT INTO alice_near.notes (body) VALUES ('still writable')"))
        << last_output_ << local_sql("SHOW GRANTS FOR 'alice_rw'@'localhost'") << panel_->log();
    EXPECT_TRUE(local_client("alice_near", "Other_pass456", "CREATE TABLE alice_near.y (id INT)"));
}

}  // namespace
}  // namespace wsp::test
