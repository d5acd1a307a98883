// Several users per database (issue 21) against the real thing: the panel's
// own mariadbd, and the real `mariadb` client logging in as each privilege
// set to check what it can and cannot do. One panel, one test (MariaDB
// start-up is the costly part).
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace json = boost::json;

constexpr const char* kPassword = "secure_password123";
const std::vector<std::string> kPath = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"};

class DatabaseUsers : public ::testing::Test {
  protected:
    void SetUp() override {
        mariadb_port_ = free_port();
        panel_ = std::make_unique<PanelProcess>(
            PanelOptions{.config = {"mariadb.mode=sandbox", "pma.enabled=false",
                                    "mariadb.port=" + std::to_string(mariadb_port_),
                                    "mariadb.query_timeout_s=5", "mariadb.connect_timeout_s=3"}});
        if (!panel_->wait_for_component("mariadb"))
            FAIL() << "mariadb never came up\n" << panel_->log();
    }

    std::string socket() const {
        return (panel_->data_dir() / "run" / "mariadb" / "mysqld.sock").string();
    }

    // The real client as `user` (over the socket, or TCP to 127.0.0.1 when
    // tcp); true when every statement succeeded. The password goes in the
    // environment, never on the command line.
    bool client(const std::string& user, const std::string& password, const std::string& sql,
                bool tcp = false, std::string* output = nullptr) const {
        std::vector<std::string> env = kPath;
        env.push_back("MYSQL_PWD=" + password);
        std::vector<std::string> argv = {"/usr/bin/mariadb", "--no-defaults",       "-u", user,
                                         "--batch",          "--skip-column-names", "-r"};
        if (tcp) {
            argv.insert(argv.end(),
                        {"--protocol=TCP", "-h", "127.0.0.1", "-P", std::to_string(mariadb_port_)});
        } else {
            argv.push_back("--socket=" + socket());
        }
        argv.insert(argv.end(), {"-e", sql});
        auto r = run_process(argv, ProcessOptions{.env = env, .timeout = std::chrono::seconds(30)});
        if (!r) return false;
        if (output) *output = r->output;
        return r->ok();
    }
    std::string admin_query(const std::string& sql) const {
        std::ifstream in(panel_->data_dir() / "mariadb-admin.cnf");
        std::string line, user, password;
        while (std::getline(in, line)) {
            if (line.rfind("user=", 0) == 0) user = line.substr(5);
            if (line.rfind("password=", 0) == 0) password = line.substr(9);
        }
        std::string out;
        EXPECT_TRUE(client(user, password, sql, false, &out)) << out;
        return out;
    }
    int user_entries(const std::string& name) const {
        auto out = admin_query("SELECT COUNT(*) FROM mysql.user WHERE User='" + name + "'");
        return std::stoi(out);
    }

    HttpResult add(const std::string& key, const std::string& db, const json::object& body) {
        return panel_->http().post("/api/v1/databases/" + db + "/users", body, key);
    }
    HttpResult change(const std::string& key, const std::string& db, const std::string& user,
                      const json::object& body) {
        return panel_->http().put("/api/v1/databases/" + db + "/users/" + user, body, key);
    }

    std::unique_ptr<PanelProcess> panel_;
    int mariadb_port_ = 0;
};

TEST_F(DatabaseUsers, PrivilegeSetsLimitsChangesAndCleanup) {
    auto pkg = panel_->http().post("/api/v1/packages", {{"name", "dbu"}, {"max_database_users", 4}},
                                   panel_->admin_key());
    ASSERT_EQ(pkg.status, 201) << pkg.body;
    EXPECT_EQ(pkg.json().at("max_database_users").as_int64(), 4);
    const std::string carol = panel_->create_user_with_key("carol", "dbu");
    const std::string bob = panel_->create_user_with_key("bob");
    auto made = panel_->http().post("/api/v1/databases",
                                    {{"name", "shop"}, {"password", kPassword}}, carol);
    ASSERT_EQ(made.status, 201) << made.body;
    ASSERT_TRUE(client("carol_shop", kPassword,
                       "CREATE TABLE carol_shop.items (id INT PRIMARY KEY, v VARCHAR(20));"
                       "INSERT INTO carol_shop.items VALUES (1, 'one');"
                       "CREATE VIEW carol_shop.v_items AS SELECT id FROM carol_shop.items"));
    // A look-alike no extra user may reach.
    admin_query("CREATE DATABASE carolXshop; CREATE TABLE carolXshop.t (id INT PRIMARY KEY)");

    // Four sets; the fifth user is over the package's limit.
    const std::string pw = "Reader-pass-1";
    ASSERT_EQ(
        add(carol, "carol_shop", {{"user", "reader"}, {"password", pw}, {"privileges", "read"}})
            .status,
        201);
    ASSERT_EQ(add(carol, "carol_shop",
                  {{"user", "writer"}, {"password", pw}, {"privileges", "read_write"}})
                  .status,
              201);
    auto all =
        add(carol, "carol_shop", {{"user", "boss"}, {"password", pw}, {"privileges", "all"}});
    ASSERT_EQ(all.status, 201) << all.body;
    EXPECT_EQ(all.json().at("user").as_string(), "carol_boss");
    auto listed = add(carol, "carol_shop",
                      {{"user", "lister"},
                       {"password", pw},
                       {"privileges", json::array{"select", "Insert", "SELECT"}}});
    ASSERT_EQ(listed.status, 201) << listed.body;
    EXPECT_EQ(json::serialize(listed.json().at("privileges")), R"(["SELECT","INSERT"])");
    auto over =
        add(carol, "carol_shop", {{"user", "five"}, {"password", pw}, {"privileges", "read"}});
    EXPECT_EQ(over.status, 403);
    EXPECT_EQ(over.error(), "Database user limit reached (4)");
    EXPECT_EQ(user_entries("carol_five"), 0);

    auto users = panel_->http().get("/api/v1/databases/carol_shop/users", carol);
    ASSERT_EQ(users.status, 200);
    const json::value users_json = users.json();
    const auto& arr = users_json.as_array();
    ASSERT_EQ(arr.size(), 5u) << users.body;
    EXPECT_EQ(arr[0].at("user").as_string(), "carol_shop");
    EXPECT_TRUE(arr[0].at("primary").as_bool());
    EXPECT_EQ(arr[0].at("privileges").as_string(), "all");

    // read: SELECT and views; nothing else, and nothing outside its database.
    EXPECT_TRUE(client("carol_reader", pw, "SELECT v FROM carol_shop.items"));
    EXPECT_TRUE(client("carol_reader", pw, "SELECT id FROM carol_shop.v_items"));
    EXPECT_TRUE(client("carol_reader", pw, "SHOW CREATE VIEW carol_shop.v_items"));
    EXPECT_FALSE(client("carol_reader", pw, "INSERT INTO carol_shop.items VALUES (2, 'x')"));
    EXPECT_FALSE(client("carol_reader", pw, "UPDATE carol_shop.items SET v = 'x'"));
    EXPECT_FALSE(client("carol_reader", pw, "CREATE TABLE carol_shop.t2 (id INT PRIMARY KEY)"));
    EXPECT_FALSE(client("carol_reader", pw, "SELECT * FROM carolXshop.t"));
    std::string dbs;
    ASSERT_TRUE(client("carol_reader", pw, "SHOW DATABASES", false, &dbs));
    EXPECT_EQ(dbs, "carol_shop\ninformation_schema\n");
    // read_write: rows, locks, temporary tables; no DDL.
    EXPECT_TRUE(client("carol_writer", pw,
                       "INSERT INTO carol_shop.items VALUES (2, 'two');"
                       "UPDATE carol_shop.items SET v = 'deux' WHERE id = 2;"
                       "DELETE FROM carol_shop.items WHERE id = 2;"
                       "CREATE TEMPORARY TABLE carol_shop.tmp (id INT);"
                       "LOCK TABLES carol_shop.items READ; UNLOCK TABLES"));
    EXPECT_FALSE(client("carol_writer", pw, "CREATE TABLE carol_shop.t2 (id INT PRIMARY KEY)"));
    EXPECT_FALSE(client("carol_writer", pw, "DROP TABLE carol_shop.items"));
    EXPECT_FALSE(client("carol_writer", pw, "ALTER TABLE carol_shop.items ADD COLUMN w INT"));
    EXPECT_FALSE(client("carol_writer", pw, "INSERT INTO carolXshop.t VALUES (1)"));
    // all: everything on its database, no GRANT OPTION, nothing global.
    EXPECT_TRUE(client("carol_boss", pw,
                       "CREATE TABLE carol_shop.t2 (id INT PRIMARY KEY);"
                       "ALTER TABLE carol_shop.t2 ADD COLUMN w INT; DROP TABLE carol_shop.t2"));
    EXPECT_FALSE(
        client("carol_boss", pw, "GRANT SELECT ON carol_shop.* TO 'carol_reader'@'localhost'"));
    EXPECT_FALSE(client("carol_boss", pw, "CREATE DATABASE carolYshop"));
    EXPECT_FALSE(client("carol_boss", pw, "SELECT * FROM carolXshop.t"));
    EXPECT_FALSE(client("carol_boss", pw, "SELECT * FROM mysql.user"));
    // An explicit list: SELECT and INSERT only.
    EXPECT_TRUE(client("carol_lister", pw,
                       "INSERT INTO carol_shop.items VALUES (3, 'three');"
                       "SELECT v FROM carol_shop.items WHERE id = 3"));
    EXPECT_FALSE(client("carol_lister", pw, "UPDATE carol_shop.items SET v = 'x'"));
    EXPECT_FALSE(client("carol_lister", pw, "DELETE FROM carol_shop.items"));

    // Bad input: a 400 naming the field, and nothing made.
    json::array bads;
    bads.emplace_back("superuser");
    bads.emplace_back(json::array{"FILE"});
    bads.emplace_back(json::array{"SELECT", "GRANT OPTION"});
    bads.emplace_back(json::array{});
    bads.emplace_back(7);
    for (const json::value& bad : bads) {
        auto r = add(carol, "carol_shop", {{"user", "bad"}, {"password", pw}, {"privileges", bad}});
        EXPECT_EQ(r.status, 400) << json::serialize(bad);
        EXPECT_NE(r.error().find("privileges"), std::string::npos) << r.error();
    }
    EXPECT_EQ(add(carol, "carol_shop", {{"user", "bad"}, {"password", pw}}).status, 400);
    EXPECT_EQ(
        add(carol, "carol_shop", {{"user", "bad"}, {"password", "weak"}, {"privileges", "read"}})
            .status,
        400);
    EXPECT_EQ(add(carol, "carol_shop", {{"user", "a-b"}, {"password", pw}, {"privileges", "read"}})
                  .status,
              400);
    EXPECT_EQ(
        add(carol, "carol_shop",
            {{"user", "bad"}, {"password", pw}, {"privileges", "read"}, {"remote_host", "a b"}})
            .status,
        400);
    EXPECT_EQ(user_entries("carol_bad"), 0);
    EXPECT_EQ(add(carol, "carol_shop", {{"user", "shop"}, {"password", pw}, {"privileges", "read"}})
                  .status,
              409);
    // Another account: 403; an unknown database: 404.
    EXPECT_EQ(panel_->http().get("/api/v1/databases/carol_shop/users", bob).status, 403);
    EXPECT_EQ(
        add(bob, "carol_shop", {{"user", "x"}, {"password", pw}, {"privileges", "all"}}).status,
        403);
    EXPECT_EQ(change(bob, "carol_shop", "carol_reader", {{"privileges", "all"}}).status, 403);
    EXPECT_EQ(panel_->http().get("/api/v1/databases/carol_nope/users", carol).status, 404);

    // Changing the set takes effect at once, both ways.
    auto up = change(carol, "carol_shop", "carol_reader", {{"privileges", "read_write"}});
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(up.json().at("privileges").as_string(), "read_write");
    EXPECT_TRUE(client("carol_reader", pw, "INSERT INTO carol_shop.items VALUES (4, 'four')"));
    ASSERT_EQ(change(carol, "carol_shop", "writer", {{"privileges", "read"}}).status, 200);
    EXPECT_FALSE(client("carol_writer", pw, "INSERT INTO carol_shop.items VALUES (5, 'five')"));
    EXPECT_TRUE(client("carol_writer", pw, "SELECT v FROM carol_shop.items"));
    // Its own remote host: a TCP entry with the same password and set.
    EXPECT_FALSE(client("carol_reader", pw, "SELECT 1", true));
    auto remote = change(carol, "carol_shop", "carol_reader", {{"remote_host", "127.0.0.1"}});
    ASSERT_EQ(remote.status, 200) << remote.body;
    EXPECT_EQ(remote.json().at("remote_host").as_string(), "127.0.0.1");
    EXPECT_TRUE(client("carol_reader", pw, "INSERT INTO carol_shop.items VALUES (6, 'six')", true));
    EXPECT_FALSE(client("carol_writer", pw, "SELECT 1", true));  // only its own
    // Password reset: every entry at once.
    const std::string pw2 = "Another-pass-2";
    ASSERT_EQ(change(carol, "carol_shop", "carol_reader", {{"password", pw2}}).status, 200);
    EXPECT_FALSE(client("carol_reader", pw, "SELECT 1"));
    EXPECT_TRUE(client("carol_reader", pw2, "SELECT 1"));
    EXPECT_TRUE(client("carol_reader", pw2, "SELECT 1", true));
    ASSERT_EQ(change(carol, "carol_shop", "carol_reader", {{"remote_host", nullptr}}).status, 200);
    EXPECT_FALSE(client("carol_reader", pw2, "SELECT 1", true));
    EXPECT_EQ(user_entries("carol_reader"), 1);
    // The first user belongs to /databases/{id}; unknown users are 404.
    EXPECT_EQ(change(carol, "carol_shop", "carol_shop", {{"privileges", "read"}}).status, 400);
    EXPECT_EQ(panel_->http().del("/api/v1/databases/carol_shop/users/carol_shop", carol).status,
              400);
    EXPECT_EQ(panel_->http().del("/api/v1/databases/carol_shop/users/nobody", carol).status, 404);

    // Removing a user frees its place in the limit.
    ASSERT_EQ(panel_->http().del("/api/v1/databases/carol_shop/users/carol_lister", carol).status,
              200);
    EXPECT_FALSE(client("carol_lister", pw, "SELECT 1"));
    EXPECT_EQ(user_entries("carol_lister"), 0);
    ASSERT_EQ(add(carol, "carol_shop", {{"user", "five"}, {"password", pw}, {"privileges", "read"}})
                  .status,
              201);

    // Deleting the database drops every one of its users.
    ASSERT_EQ(panel_->http().del("/api/v1/databases/carol_shop", carol).status, 200);
    for (const char* u : {"carol_shop", "carol_reader", "carol_writer", "carol_boss", "carol_five"})
        EXPECT_EQ(user_entries(u), 0) << u;
    // A new database of the same name starts with its first user only.
    ASSERT_EQ(panel_->http()
                  .post("/api/v1/databases", {{"name", "shop"}, {"password", kPassword}}, carol)
                  .status,
              201);
    EXPECT_EQ(
        panel_->http().get("/api/v1/databases/carol_shop/users", carol).json().as_array().size(),
        1u);
    EXPECT_FALSE(client("carol_boss", pw, "SELECT 1"));
    ASSERT_EQ(add(carol, "carol_shop", {{"user", "extra"}, {"password", pw}, {"privileges", "all"}})
                  .status,
              201);

    // Deleting the account drops its databases and all their users.
    auto gone = panel_->http().del("/api/v1/users/carol", panel_->admin_key());
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(user_entries("carol_extra"), 0);
    EXPECT_EQ(user_entries("carol_shop"), 0);
    admin_query("DROP DATABASE carolXshop");
}

}  // namespace
}  // namespace wsp::test
