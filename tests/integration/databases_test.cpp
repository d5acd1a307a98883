// Databases against the real thing: the panel's own mariadbd, logins with
// Connector/C as the users the API creates, and phpMyAdmin through php -S
// followed with curl and a cookie jar. One panel for the whole suite
// (MariaDB start-up is the costly part).
#include <gtest/gtest.h>
#include <mariadb/mysql.h>
#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

// A real client login: over the panel's unix socket, or over TCP to
// 127.0.0.1 (which the server sees as host 127.0.0.1, never "localhost").
class Login {
  public:
    Login(const std::string& socket, int tcp_port, const std::string& user,
          const std::string& password) {
        conn_ = mysql_init(nullptr);
        unsigned int timeout = 5;
        mysql_optionsv(conn_, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
        unsigned int protocol = tcp_port ? MYSQL_PROTOCOL_TCP : MYSQL_PROTOCOL_SOCKET;
        mysql_optionsv(conn_, MYSQL_OPT_PROTOCOL, &protocol);
        if (!mysql_real_connect(conn_, tcp_port ? "127.0.0.1" : "localhost", user.c_str(),
                                password.c_str(), nullptr, static_cast<unsigned>(tcp_port),
                                tcp_port ? nullptr : socket.c_str(), 0)) {
            error_ = mysql_errno(conn_);
            message_ = mysql_error(conn_);
        }
    }
    ~Login() { mysql_close(conn_); }
    bool ok() const { return error_ == 0; }
    unsigned int error() const { return error_; }
    const std::string& message() const { return message_; }

    // Runs a statement; returns its error number (0 = success).
    unsigned int exec(const std::string& sql) {
        if (mysql_query(conn_, sql.c_str()) != 0) return mysql_errno(conn_);
        if (MYSQL_RES* r = mysql_store_result(conn_)) mysql_free_result(r);
        return 0;
    }
    std::vector<std::string> column(const std::string& sql) {
        std::vector<std::string> out;
        if (mysql_query(conn_, sql.c_str()) != 0) return out;
        MYSQL_RES* r = mysql_store_result(conn_);
        if (!r) return out;
        while (MYSQL_ROW row = mysql_fetch_row(r)) out.emplace_back(row[0] ? row[0] : "NULL");
        mysql_free_result(r);
        return out;
    }

  private:
    MYSQL* conn_ = nullptr;
    unsigned int error_ = 0;
    std::string message_;
};

class Databases : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        mariadb_port_ = free_port();
        pma_port_ = free_port();
        panel_ = new PanelProcess(
            // Explicit, in case the harness turns MariaDB off by default.
            PanelOptions{.config = {"mariadb.mode=sandbox", "pma.enabled=true",
                                    "mariadb.port=" + std::to_string(mariadb_port_),
                                    "pma.port=" + std::to_string(pma_port_),
                                    "mariadb.query_timeout_s=3", "mariadb.connect_timeout_s=3"}});
        wait_for_mariadb("up");
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }

    static void wait_for_mariadb(const std::string& state) {
        if (!panel_->wait_for_component("mariadb", state))
            FAIL() << "mariadb never became " << state << "\n" << panel_->log();
    }

    static std::string socket() {
        return (panel_->data_dir() / "run" / "mariadb" / "mysqld.sock").string();
    }
    // The panel's admin account, read from its 0600 credentials file.
    static std::unique_ptr<Login> admin_login() {
        std::ifstream in(panel_->data_dir() / "mariadb-admin.cnf");
        std::string line, user, password;
        while (std::getline(in, line)) {
            if (line.rfind("user=", 0) == 0) user = line.substr(5);
            if (line.rfind("password=", 0) == 0) password = line.substr(9);
        }
        return std::make_unique<Login>(socket(), 0, user, password);
    }
    static bool server_has_database(const std::string& name) {
        auto dbs = admin_login()->column("SHOW DATABASES");
        return std::find(dbs.begin(), dbs.end(), name) != dbs.end();
    }
    static int user_entries(const std::string& name) {
        auto n = admin_login()->column("SELECT COUNT(*) FROM mysql.user WHERE User='" + name + "'");
        return n.empty() ? -1 : std::stoi(n[0]);
    }

    static HttpResult create(const std::string& key, const json::object& body) {
        return panel_->http().post("/api/v1/databases", body, key);
    }

    static PanelProcess* panel_;
    static int mariadb_port_;
    static int pma_port_;
    static std::string alice_;
    static std::string bob_;
};

PanelProcess* Databases::panel_ = nullptr;
int Databases::mariadb_port_ = 0;
int Databases::pma_port_ = 0;
std::string Databases::alice_;
std::string Databases::bob_;

constexpr const char* kPassword = "secure_password123";

TEST_F(Databases, CreateReturnsTheSeedShapeAndTheUserSeesOnlyItsDatabase) {
    auto r = create(alice_, {{"name", "shop"}, {"user", "shop_user"}, {"password", kPassword}});
    ASSERT_EQ(r.status, 201) << r.body;
    const json::value v = r.json();
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("id").as_string(), "alice_shop");
    EXPECT_EQ(o.at("name").as_string(), "alice_shop");
    EXPECT_EQ(o.at("user").as_string(), "alice_shop_user");
    EXPECT_EQ(o.at("owner").as_string(), "alice");
    EXPECT_TRUE(o.contains("created_at"));

    // Look-alikes that an unescaped GRANT `alice_shop`.* would also match.
    auto admin = admin_login();
    ASSERT_TRUE(admin->ok()) << admin->message();
    ASSERT_EQ(admin->exec("CREATE DATABASE aliceXshop"), 0u);
    ASSERT_EQ(admin->exec("CREATE TABLE aliceXshop.secret (x INT)"), 0u);
    ASSERT_EQ(create(bob_, {{"name", "shop"}, {"password", kPassword}}).status, 201);

    Login login(socket(), 0, "alice_shop_user", kPassword);
    ASSERT_TRUE(login.ok()) << login.message();
    auto seen = login.column("SHOW DATABASES");
    std::set<std::string> visible(seen.begin(), seen.end());
    EXPECT_EQ(visible, (std::set<std::string>{"information_schema", "alice_shop"}));
    EXPECT_EQ(login.exec("CREATE TABLE alice_shop.t (id INT PRIMARY KEY, v TEXT)"), 0u);
    EXPECT_NE(login.exec("SELECT * FROM aliceXshop.secret"), 0u);
    EXPECT_NE(login.exec("CREATE DATABASE aliceYshop"), 0u);
    EXPECT_NE(login.exec("USE bob_shop"), 0u);
    // utf8mb4, as promised.
    auto cs = login.column(
        "SELECT DEFAULT_CHARACTER_SET_NAME FROM information_schema.SCHEMATA WHERE "
        "SCHEMA_NAME='alice_shop'");
    ASSERT_EQ(cs.size(), 1u);
    EXPECT_EQ(cs[0], "utf8mb4");
    admin->exec("DROP DATABASE aliceXshop");
}

// The sandbox server's temporary tables go to its own 0700 directory, not
// the shared /tmp, where servers beside it deleted each other's ("Error on
// delete of '/tmp/#sql-temptable-...'") and a backup failed with 503.
TEST_F(Databases, TheSandboxServerHasItsOwnTmpdir) {
    auto admin = admin_login();
    ASSERT_TRUE(admin->ok()) << admin->message();
    auto dir = admin->column("SELECT @@tmpdir");
    ASSERT_EQ(dir.size(), 1u);
    const auto own = panel_->data_dir() / "mariadb-tmp";
    std::string got = dir[0];
    while (got.size() > 1 && got.back() == '/') got.pop_back();
    EXPECT_EQ(got, own.string());
    struct stat st {};
    ASSERT_EQ(::stat(own.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(Databases, ListAndGetShowEveryFieldAndTheRealSize) {
    ASSERT_EQ(create(alice_, {{"name", "sized"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(create(bob_, {{"name", "listed"}, {"password", kPassword}}).status, 201);
    Login login(socket(), 0, "alice_sized", kPassword);
    ASSERT_TRUE(login.ok()) << login.message();
    ASSERT_EQ(login.exec("USE alice_sized"), 0u);
    ASSERT_EQ(login.exec("CREATE TABLE alice_sized.blobs (id INT PRIMARY KEY, b BLOB)"), 0u);
    ASSERT_EQ(login.exec("INSERT INTO alice_sized.blobs SELECT seq, RANDOM_BYTES(1000) FROM "
                         "seq_1_to_3000"),
              0u);
    auto g = panel_->http().get("/api/v1/databases/alice_sized", alice_);
    ASSERT_EQ(g.status, 200) << g.body;
    const json::value v = g.json();
    const auto& o = v.as_object();
    for (const char* k : {"id", "name", "user", "owner", "domain", "remote_access", "remote_host",
                          "size_kb", "created_at"})
        EXPECT_TRUE(o.contains(k)) << k;
    EXPECT_GT(o.at("size_kb").as_int64(), 2000);  // ~3 MB written, seen at once
    EXPECT_EQ(o.at("remote_access").as_bool(), false);
    // What a client needs (issue 17): TCP host and port, and the socket
    // the account's programs use (its local user is user@localhost, which
    // only the socket reaches); no other path of the panel's.
    const auto& c = o.at("connection").as_object();
    EXPECT_EQ(c.at("host").as_string(), "127.0.0.1");
    EXPECT_EQ(c.at("port").as_int64(), mariadb_port_);
    EXPECT_EQ(c.at("socket").as_string(), socket());
    EXPECT_EQ(c.at("database_host").as_string(), "local");
    std::string rest = g.body;
    rest.erase(rest.find(socket()), socket().size());
    EXPECT_EQ(rest.find(panel_->data_dir().string()), std::string::npos) << g.body;
    Login by_socket(std::string(c.at("socket").as_string()), 0, "alice_sized", kPassword);
    EXPECT_TRUE(by_socket.ok()) << by_socket.message();

    auto list = panel_->http().get("/api/v1/databases", alice_);
    ASSERT_EQ(list.status, 200);
    const json::value listed = list.json();
    for (const auto& d : listed.as_array()) EXPECT_EQ(d.at("owner").as_string(), "alice");
    auto all = panel_->http().get("/api/v1/databases", panel_->admin_key());
    std::set<std::string> owners;
    const json::value everything = all.json();
    for (const auto& d : everything.as_array())
        owners.insert(std::string(d.at("owner").as_string()));
    EXPECT_TRUE(owners.count("alice") && owners.count("bob"));
}

TEST_F(Databases, OwnershipMissingAndConflicts) {
    ASSERT_EQ(create(bob_, {{"name", "private"}, {"password", kPassword}}).status, 201);
    EXPECT_EQ(panel_->http().get("/api/v1/databases/bob_private", alice_).status, 403);
    EXPECT_EQ(panel_->http().del("/api/v1/databases/bob_private", alice_).status, 403);
    EXPECT_EQ(panel_->http()
                  .put("/api/v1/databases/bob_private", {{"remote_access", false}}, alice_)
                  .status,
              403);
    EXPECT_EQ(panel_->http()
                  .post("/api/v1/databases/bob_private/reset-password",
                        {{"password", "Another-pass1"}}, alice_)
                  .status,
              403);
    EXPECT_EQ(panel_->http().post("/api/v1/databases/bob_private/phpmyadmin", {}, alice_).status,
              403);
    EXPECT_EQ(panel_->http().get("/api/v1/databases/bob_private", panel_->admin_key()).status, 200);
    auto missing = panel_->http().get("/api/v1/databases/alice_nothing", alice_);
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(missing.error(), "Database not found");
    for (const char* t : {"/api/v1/databases/..%2F..%2Fetc", "/api/v1/databases/a%00b",
                          "/api/v1/databases/%2Fetc%2Fpasswd"})
        EXPECT_EQ(panel_->http().get(t, alice_).status, 404) << t;

    auto dup = create(bob_, {{"name", "private"}, {"password", kPassword}});
    EXPECT_EQ(dup.status, 409);
    EXPECT_EQ(dup.error(), "Database already exists");
    // Another database whose user is already taken.
    auto user_taken =
        create(bob_, {{"name", "other"}, {"user", "private"}, {"password", kPassword}});
    EXPECT_EQ(user_taken.status, 409);
    EXPECT_FALSE(server_has_database("bob_other"));
}

TEST_F(Databases, BadInputIsA400NamingTheFieldAndCreatesNothing) {
    const std::string long_name(65, 'a');
    for (std::string bad : {"my-db", "a'b", "a`b", "a%b", "my db", "caf\xc3\xa9", "a.b", "..", "",
                            "a\\b", "a;DROP"}) {
        auto r = create(alice_, {{"name", bad}, {"password", kPassword}});
        EXPECT_EQ(r.status, 400) << bad << " " << r.body;
        if (!bad.empty()) {
            EXPECT_EQ(r.error(), "Invalid database name (only [a-zA-Z0-9_] allowed)") << bad;
        }
        auto u = create(alice_, {{"name", "okname"}, {"user", bad}, {"password", kPassword}});
        EXPECT_EQ(u.status, 400) << bad;
        EXPECT_EQ(u.error(), "Invalid database user (only [a-zA-Z0-9_] allowed)") << bad;
    }
    auto too_long = create(alice_, {{"name", long_name}, {"password", kPassword}});
    EXPECT_EQ(too_long.status, 400);
    EXPECT_NE(too_long.error().find("at most 64"), std::string::npos) << too_long.body;
    auto user_long =
        create(alice_, {{"name", "u80"}, {"user", std::string(80, 'u')}, {"password", kPassword}});
    EXPECT_EQ(user_long.status, 400);
    EXPECT_EQ(create(alice_, {{"name", "weak"}, {"password", "short"}}).status, 400);
    EXPECT_EQ(create(alice_, {{"name", "weak"}, {"password", "aaaaaaaaaaaa"}}).status, 400);
    EXPECT_EQ(create(alice_, {{"name", "nopass"}}).status, 400);
    EXPECT_EQ(create(alice_, {{"name", 5}, {"password", kPassword}}).status, 400);
    EXPECT_EQ(create(alice_, {{"name", "x"}, {"password", true}}).status, 400);
    auto domain = create(
        alice_, {{"name", "withdom"}, {"password", kPassword}, {"domain", "not-hers.example"}});
    EXPECT_EQ(domain.status, 400);
    auto raw = panel_->http().send_raw("POST", "/api/v1/databases", "{\"name\":", alice_);
    EXPECT_EQ(raw.status, 400);
    EXPECT_EQ(panel_->http()
                  .put("/api/v1/databases/alice_shop", {{"remote_access", "yes"}}, alice_)
                  .status,
              400);
    for (const char* host :
         {"not a host", "10.0.0.0/33", "1.2.3.4/x", "localhost", "a'b", "fe80::/64"}) {
        auto r = panel_->http().put("/api/v1/databases/alice_shop",
                                    {{"remote_access", true}, {"remote_host", host}}, alice_);
        EXPECT_EQ(r.status, 400) << host << " " << r.body;
    }
    // Nothing of the refused requests reached the server.
    EXPECT_FALSE(server_has_database("alice_okname"));
    EXPECT_FALSE(server_has_database("alice_weak"));
    EXPECT_EQ(user_entries("alice_okname"), 0);
}

TEST_F(Databases, DomainMustBeTheOwners) {
    auto d = panel_->http().post("/api/v1/domains", {{"domain", "alice-site.example"}}, alice_);
    ASSERT_EQ(d.status, 201) << d.body;
    auto r = create(alice_,
                    {{"name", "site"}, {"password", kPassword}, {"domain", "alice-site.example"}});
    ASSERT_EQ(r.status, 201) << r.body;
    auto g = panel_->http().get("/api/v1/databases/alice_site", alice_);
    EXPECT_EQ(g.json().at("domain").as_string(), "alice-site.example");
    EXPECT_EQ(
        create(bob_, {{"name", "site"}, {"password", kPassword}, {"domain", "alice-site.example"}})
            .status,
        400);
}

TEST_F(Databases, RemoteAccessAddsAndRemovesAHostEntry) {
    ASSERT_EQ(create(alice_, {{"name", "remote"}, {"password", kPassword}}).status, 201);
    {
        Login tcp(socket(), mariadb_port_, "alice_remote", kPassword);
        EXPECT_FALSE(tcp.ok()) << "TCP login must fail without a host entry";
    }
    auto on = panel_->http().put("/api/v1/databases/alice_remote",
                                 {{"remote_access", true}, {"remote_host", "127.0.0.1"}}, alice_);
    ASSERT_EQ(on.status, 200) << on.body;
    EXPECT_EQ(on.json().at("remote_access").as_bool(), true);
    EXPECT_EQ(on.json().at("remote_host").as_string(), "127.0.0.1");
    {
        Login tcp(socket(), mariadb_port_, "alice_remote", kPassword);
        ASSERT_TRUE(tcp.ok()) << tcp.message();
        EXPECT_EQ(tcp.column("SELECT CURRENT_USER()").at(0), "alice_remote@127.0.0.1");
        EXPECT_EQ(tcp.exec("CREATE TABLE alice_remote.t (x INT)"), 0u);
        EXPECT_NE(tcp.exec("USE bob_shop"), 0u);
    }
    // A CIDR becomes address/netmask; the 127.0.0.1 entry is replaced.
    auto cidr =
        panel_->http().put("/api/v1/databases/alice_remote",
                           {{"remote_access", true}, {"remote_host", "127.0.0.0/8"}}, alice_);
    ASSERT_EQ(cidr.status, 200) << cidr.body;
    auto hosts = admin_login()->column("SELECT Host FROM mysql.user WHERE User='alice_remote'");
    EXPECT_EQ(std::set<std::string>(hosts.begin(), hosts.end()),
              (std::set<std::string>{"localhost", "127.0.0.0/255.0.0.0"}));
    {
        Login tcp(socket(), mariadb_port_, "alice_remote", kPassword);
        EXPECT_TRUE(tcp.ok()) << tcp.message();
    }
    auto off =
        panel_->http().put("/api/v1/databases/alice_remote", {{"remote_access", false}}, alice_);
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_EQ(off.json().at("remote_host").as_string(), "");
    {
        Login tcp(socket(), mariadb_port_, "alice_remote", kPassword);
        EXPECT_FALSE(tcp.ok());
    }
    EXPECT_EQ(user_entries("alice_remote"), 1);
}

TEST_F(Databases, ResetPasswordChangesEveryHostEntry) {
    ASSERT_EQ(create(alice_, {{"name", "reset"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(panel_->http()
                  .put("/api/v1/databases/alice_reset",
                       {{"remote_access", true}, {"remote_host", "127.0.0.1"}}, alice_)
                  .status,
              200);
    auto r = panel_->http().post("/api/v1/databases/alice_reset/reset-password",
                                 {{"password", "new_secure_password"}}, alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(Login(socket(), 0, "alice_reset", kPassword).ok());
    EXPECT_FALSE(Login(socket(), mariadb_port_, "alice_reset", kPassword).ok());
    EXPECT_TRUE(Login(socket(), 0, "alice_reset", "new_secure_password").ok());
    EXPECT_TRUE(Login(socket(), mariadb_port_, "alice_reset", "new_secure_password").ok());
    EXPECT_EQ(panel_->http()
                  .post("/api/v1/databases/alice_reset/reset-password", {{"password", "x"}}, alice_)
                  .status,
              400);
    EXPECT_EQ(
        panel_->http().post("/api/v1/databases/alice_reset/reset-password", {}, alice_).status,
        400);
}

TEST_F(Databases, DeleteDropsTheDatabaseAndEveryUserEntry) {
    ASSERT_EQ(create(alice_, {{"name", "gone"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(panel_->http()
                  .put("/api/v1/databases/alice_gone",
                       {{"remote_access", true}, {"remote_host", "%"}}, alice_)
                  .status,
              200);
    EXPECT_EQ(user_entries("alice_gone"), 2);
    auto d = panel_->http().del("/api/v1/databases/alice_gone", alice_);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_FALSE(server_has_database("alice_gone"));
    EXPECT_EQ(user_entries("alice_gone"), 0);
    EXPECT_FALSE(Login(socket(), 0, "alice_gone", kPassword).ok());
    EXPECT_EQ(panel_->http().get("/api/v1/databases/alice_gone", alice_).status, 404);
    EXPECT_EQ(panel_->http().del("/api/v1/databases/alice_gone", alice_).status, 404);
}

TEST_F(Databases, PartialFailureLeavesNothingBehind) {
    // The user exists on the server already (made outside the panel): the
    // database made in the first step is dropped again.
    auto admin = admin_login();
    ASSERT_EQ(admin->exec("CREATE USER 'alice_clash'@'localhost' IDENTIFIED BY 'x'"), 0u);
    auto r = create(alice_, {{"name", "fresh"}, {"user", "clash"}, {"password", kPassword}});
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_FALSE(server_has_database("alice_fresh"));
    EXPECT_EQ(panel_->http().get("/api/v1/databases/alice_fresh", alice_).status, 404);
    EXPECT_EQ(user_entries("alice_clash"), 1);  // not ours: left alone
    admin->exec("DROP USER 'alice_clash'@'localhost'");

    // The database exists on the server: no user is created.
    ASSERT_EQ(admin->exec("CREATE DATABASE alice_taken"), 0u);
    auto t = create(alice_, {{"name", "taken"}, {"password", kPassword}});
    EXPECT_EQ(t.status, 409);
    EXPECT_EQ(user_entries("alice_taken"), 0);
    EXPECT_EQ(panel_->http().get("/api/v1/databases/alice_taken", alice_).status, 404);
    EXPECT_TRUE(server_has_database("alice_taken"));  // not ours: left alone
    admin->exec("DROP DATABASE alice_taken");
}

TEST_F(Databases, PackageLimitApplies) {
    auto p = panel_->http().post("/api/v1/packages", {{"name", "onedb"}, {"max_databases", 1}},
                                 panel_->admin_key());
    ASSERT_EQ(p.status, 201) << p.body;
    std::string carol = panel_->create_user_with_key("carol", "onedb");
    ASSERT_EQ(create(carol, {{"name", "first"}, {"password", kPassword}}).status, 201);
    auto second = create(carol, {{"name", "second"}, {"password", kPassword}});
    EXPECT_EQ(second.status, 403);
    EXPECT_EQ(second.error(), "Database limit reached (1)");
    EXPECT_FALSE(server_has_database("carol_second"));
}

TEST_F(Databases, SuspendedAccountsAreRefused) {
    std::string frank = panel_->create_user_with_key("frank");
    ASSERT_EQ(create(frank, {{"name", "before"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(panel_->http().post("/api/v1/users/frank/suspend", {}, panel_->admin_key()).status,
              200);
    auto r = create(frank, {{"name", "during"}, {"password", kPassword}});
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error(), "Account suspended");
    EXPECT_EQ(panel_->http().get("/api/v1/databases", frank).status, 403);
    EXPECT_FALSE(server_has_database("frank_during"));
    // Nothing is deleted by a suspension.
    EXPECT_TRUE(server_has_database("frank_before"));
}

TEST_F(Databases, DeletingTheAccountDropsItsDatabases) {
    std::string dave = panel_->create_user_with_key("dave");
    ASSERT_EQ(create(dave, {{"name", "a"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(create(dave, {{"name", "b"}, {"password", kPassword}}).status, 201);
    auto d = panel_->http().del("/api/v1/users/dave", panel_->admin_key());
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_NE(d.body.find("\"databases\":2"), std::string::npos) << d.body;
    EXPECT_FALSE(server_has_database("dave_a"));
    EXPECT_FALSE(server_has_database("dave_b"));
    EXPECT_EQ(user_entries("dave_a"), 0);
}

TEST_F(Databases, AdminCreatesForAnOwner) {
    auto r = panel_->http().post("/api/v1/databases",
                                 {{"name", "byadmin"}, {"password", kPassword}, {"owner", "bob"}},
                                 panel_->admin_key());
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json().at("id").as_string(), "bob_byadmin");
    EXPECT_EQ(create(alice_, {{"name", "x1"}, {"password", kPassword}, {"owner", "bob"}}).status,
              403);
}

// Follows the sign-on URL as a browser would (curl with a cookie jar).
std::string curl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"/usr/bin/curl", "-s", "--max-time", "20"};
    argv.insert(argv.end(), args.begin(), args.end());
    auto r = run_process(
        argv, ProcessOptions{.timeout = std::chrono::seconds(30), .max_output = 4 * 1024 * 1024});
    return r.ok() ? r->output : "curl failed";
}

// phpMyAdmin's own origin: its listener, not the panel's.
std::string pma_origin(const PanelProcess& panel, const std::string& scheme = "http") {
    return scheme + "://127.0.0.1:" + std::to_string(panel.pma_port());
}

// scheme://host:port of a URL.
std::string origin_of(const std::string& url) {
    const auto host = url.find("://");
    return url.substr(0, url.find('/', host == std::string::npos ? 0 : host + 3));
}

// php -S may still be starting: through the /pma/ proxy its sign-on page
// answers 403 once it is up (503 before).
void wait_for_pma(const std::string& base, const std::vector<std::string>& extra = {}) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    std::vector<std::string> args = extra;
    args.insert(args.end(), {"-o", "/dev/null", "-w", "%{http_code}", base + "/pma/signon.php"});
    while (std::chrono::steady_clock::now() < deadline && curl(args) != "403")
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
}

TEST_F(Databases, PhpMyAdminSignOnIsSingleUse) {
    ASSERT_EQ(create(alice_, {{"name", "pma"}, {"password", kPassword}}).status, 201);
    auto r = panel_->http().post("/api/v1/databases/alice_pma/phpmyadmin", {}, alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    std::string url(r.json().at("url").as_string());
    std::string token(r.json().at("token").as_string());
    EXPECT_GE(token.size(), 43u);  // 256 bits
    EXPECT_NE(url.find(token), std::string::npos);
    // The link goes to phpMyAdmin's own origin (its own listener), never
    // php -S's port, and never the panel's origin: a phpMyAdmin page cannot
    // read the panel's storage (its API token).
    const std::string panel_base = "http://127.0.0.1:" + std::to_string(panel_->port());
    const std::string base = pma_origin(*panel_);
    ASSERT_NE(panel_->pma_port(), 0);
    EXPECT_EQ(url, base + "/pma/?token=" + token);
    EXPECT_NE(origin_of(url), origin_of(panel_base));
    EXPECT_NE(panel_->pma_port(), pma_port_);
    wait_for_pma(base);
    // The panel's origin no longer serves phpMyAdmin: it points to the new one.
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code} %{redirect_url}",
                    panel_base + "/pma/index.php?route=/server/databases"}),
              "308 " + base + "/pma/index.php?route=/server/databases");
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/api/v1/health"}), "404");

    fs::path jar = panel_->data_dir() / "cookies.txt";
    std::string page = curl({"-L", "-c", jar.string(), "-b", jar.string(), url});
    EXPECT_NE(page.find("alice_pma | phpMyAdmin"), std::string::npos) << page.substr(0, 2000);
    std::string databases = curl({"-L", "-c", jar.string(), "-b", jar.string(),
                                  base + "/pma/index.php?route=/server/databases"});
    EXPECT_NE(databases.find("alice_pma"), std::string::npos);
    EXPECT_EQ(databases.find("alice_shop"), std::string::npos);
    EXPECT_EQ(databases.find("bob_shop"), std::string::npos);
    // Every cookie phpMyAdmin set is confined to /pma/ (plain HTTP here: no Secure).
    {
        std::ifstream in(jar);
        std::string line;
        int cookies = 0;
        while (std::getline(in, line)) {
            if (line.empty() || (line[0] == '#' && line.rfind("#HttpOnly_", 0) != 0)) continue;
            ++cookies;
            EXPECT_NE(line.find("\t/pma/\t"), std::string::npos) << line;
        }
        EXPECT_GE(cookies, 2);
    }
    // A POST with a form body and the session cookie (phpMyAdmin's AJAX SQL).
    const std::string kTokenField = "name=\"token\" value=\"";
    auto at = databases.find(kTokenField);
    ASSERT_NE(at, std::string::npos) << databases.substr(0, 2000);
    at += kTokenField.size();
    const std::string csrf = databases.substr(at, databases.find('"', at) - at);
    std::string sql = curl(
        {"-c", jar.string(), "-b", jar.string(), "-X", "POST", "--data-urlencode", "token=" + csrf,
         "--data-urlencode", "sql_query=SELECT 40+2 AS answer", "--data-urlencode", "db=alice_pma",
         "--data-urlencode", "ajax_request=true", base + "/pma/index.php?route=/import"});
    EXPECT_NE(sql.find("answer"), std::string::npos) << sql.substr(0, 2000);

    // Static assets, some linked into /usr/share/javascript by Debian.
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}",
                    base + "/pma/js/vendor/jquery/jquery.min.js"}),
              "200");
    // Nothing but php -S's phpMyAdmin is reachable through the prefix.
    for (std::string path : {"/pma/../../../etc/passwd", "/pma/%2e%2e/api/v1/health",
                             "/pma/js/%2F..%2F..%2Fetc/passwd", "/pma/..%5C..%5Cetc"})
        EXPECT_EQ(curl({"--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", base + path}),
                  "400")
            << path;
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", "--request-target",
                    "http://127.0.0.1:22/pma/", base + "/"}),
              "400");
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/pma/config.inc.php"}), "404");
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/pma/../router.php"}),
              "404");  // curl itself squashes the ".." (no --path-as-is): /router.php
    // Only phpMyAdmin's public entry points run or are served (Debian's
    // apache.conf denies libraries/ and templates/).
    for (std::string path :
         {"/pma/libraries/constants.php", "/pma/libraries/classes/Config.php",
          "/pma/templates/login/form.twig", "/pma/setup/index.php", "/pma/sql/create_tables.sql",
          "/pma/config.sample.inc.php", "/pma/autoload.php", "/pma/show_config_errors.php",
          "/pma/vendor/autoload.php", "/pma/locale/"})
        EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", base + path}), "404") << path;
    for (std::string path : {"/pma/favicon.ico", "/pma/themes/pmahomme/img/logo_left.png",
                             "/pma/js/messages.php?l=en", "/pma/url.php?url=https://example.com/"})
        EXPECT_NE(curl({"-o", "/dev/null", "-w", "%{http_code}", base + path}), "404") << path;
    // php -S's own port answers only the panel's proxy (its per-start
    // secret): a local process gets 403, whatever the path or header.
    const std::string direct = "http://127.0.0.1:" + std::to_string(pma_port_);
    for (std::string path :
         std::vector<std::string>{"/pma/index.php", "/pma/signon.php", "/pma/js/messages.php",
                                  "/pma/?token=" + std::string(43, 'A'), "/../../../etc/passwd"})
        EXPECT_EQ(curl({"--path-as-is", "-o", "/dev/null", "-w", "%{http_code}", direct + path}),
                  "403")
            << path;
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", "-H",
                    "X-WisPanel-Pma-Proxy: " + std::string(64, '0'), direct + "/pma/index.php"}),
              "403");

    std::string again = curl({"-w", "\n%{http_code}", url});
    EXPECT_NE(again.find("already used"), std::string::npos) << again;
    EXPECT_NE(again.find("403"), std::string::npos);
    // Logging out ends the session; the temporary user is dropped soon after.
    auto temp_users = [] {
        return admin_login()->column("SELECT User FROM mysql.user WHERE User LIKE 'PMA\\_%'");
    };
    EXPECT_FALSE(temp_users().empty());
    std::string bye = curl({"-c", jar.string(), "-b", jar.string(), base + "/pma/?logout=1"});
    EXPECT_NE(bye.find("Signed out"), std::string::npos) << bye;
    auto gone_by = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!temp_users().empty() && std::chrono::steady_clock::now() < gone_by)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE(temp_users().empty());
    std::string after_logout = curl({"-w", "\n%{http_code}", "-c", jar.string(), "-b", jar.string(),
                                     base + "/pma/index.php?route=/server/databases"});
    EXPECT_EQ(after_logout.find("alice_pma | phpMyAdmin"), std::string::npos);

    std::string forged =
        curl({"-w", "\n%{http_code}", base + "/pma/?token=" + std::string(43, 'A')});
    EXPECT_NE(forged.find("403"), std::string::npos);
}

// Every temporary phpMyAdmin user on the server now.
std::set<std::string> temp_users_now(Login& admin) {
    auto v = admin.column("SELECT User FROM mysql.user WHERE User LIKE 'PMA\\_%'");
    return {v.begin(), v.end()};
}

// The temporary users a sign-on link made (issued for `db` by `key`).
std::set<std::string> issue_link(const HttpClient& http, const std::string& db,
                                 const std::string& key, Login& admin, std::string* url = nullptr) {
    auto before = temp_users_now(admin);
    auto r = http.post("/api/v1/databases/" + db + "/phpmyadmin", {}, key);
    EXPECT_EQ(r.status, 200) << r.body;
    if (url && r.status == 200) *url = std::string(r.json().at("url").as_string());
    std::set<std::string> made;
    for (const auto& u : temp_users_now(admin))
        if (!before.count(u)) made.insert(u);
    return made;
}

// Suspending or deleting an account drops its temporary phpMyAdmin users
// (a signed-on session would otherwise keep working), and only its own.
TEST_F(Databases, PhpMyAdminUsersGoWithTheirOwner) {
    std::string gina = panel_->create_user_with_key("gina");
    std::string hank = panel_->create_user_with_key("hank");
    ASSERT_EQ(create(gina, {{"name", "pm"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(create(hank, {{"name", "pm"}, {"password", kPassword}}).status, 201);
    auto admin = admin_login();
    std::string url;
    auto signed_on = issue_link(panel_->http(), "gina_pm", gina, *admin, &url);
    auto unused = issue_link(panel_->http(), "gina_pm", gina, *admin);
    auto hanks = issue_link(panel_->http(), "hank_pm", hank, *admin);
    ASSERT_EQ(signed_on.size(), 1u);
    ASSERT_EQ(unused.size(), 1u);
    ASSERT_EQ(hanks.size(), 1u);
    const std::string base = pma_origin(*panel_);
    wait_for_pma(base);
    fs::path jar = panel_->data_dir() / "gina-cookies.txt";
    const std::string page_url = base + "/pma/index.php?route=/database/structure&db=gina_pm";
    EXPECT_NE(
        curl({"-L", "-c", jar.string(), "-b", jar.string(), url}).find("gina_pm | phpMyAdmin"),
        std::string::npos);

    ASSERT_EQ(panel_->http().post("/api/v1/users/gina/suspend", {}, panel_->admin_key()).status,
              200);
    auto now = temp_users_now(*admin);
    EXPECT_FALSE(now.count(*signed_on.begin()));
    EXPECT_FALSE(now.count(*unused.begin()));
    EXPECT_TRUE(now.count(*hanks.begin()));  // another owner's stays
    // The open session is over: phpMyAdmin can no longer log in as its user.
    EXPECT_EQ(
        curl({"-L", "-c", jar.string(), "-b", jar.string(), page_url}).find("gina_pm | phpMyAdmin"),
        std::string::npos);

    ASSERT_EQ(panel_->http().post("/api/v1/users/gina/unsuspend", {}, panel_->admin_key()).status,
              200);
    auto again = issue_link(panel_->http(), "gina_pm", gina, *admin);
    ASSERT_EQ(again.size(), 1u);
    ASSERT_EQ(panel_->http().del("/api/v1/users/gina", panel_->admin_key()).status, 200);
    now = temp_users_now(*admin);
    EXPECT_FALSE(now.count(*again.begin()));
    EXPECT_TRUE(now.count(*hanks.begin()));
    // Deleting one database drops the temporary users on it too.
    EXPECT_EQ(panel_->http().del("/api/v1/databases/hank_pm", hank).status, 200);
    EXPECT_FALSE(temp_users_now(*admin).count(*hanks.begin()));
}

// A customer's cron job (a local process as the customer's OS user) calls
// php -S directly over plain HTTP: refused, since it lacks the proxy's
// secret; the same page through phpMyAdmin's origin works.
TEST_F(Databases, PhpMyAdminRefusesLocalProcessesOutsideThePanel) {
    const std::string base = pma_origin(*panel_);
    wait_for_pma(base);
    const std::string direct = "http://127.0.0.1:" + std::to_string(pma_port_);
    auto job = panel_->http().post(
        "/api/v1/cronjobs",
        {{"name", "peek"},
         {"cron_expr", "0 3 * * *"},
         {"command", "curl -s -o /dev/null -w 'messages=%{http_code} ' " + direct +
                         "/pma/js/messages.php; curl -s -o /dev/null -w 'index=%{http_code}' " +
                         direct + "/pma/index.php"}},
        alice_);
    ASSERT_EQ(job.status, 201) << job.body;
    const std::string id = std::to_string(job.json().at("id").as_int64());
    ASSERT_EQ(panel_->http().post("/api/v1/cronjobs/" + id + "/run", {}, alice_).status, 202);
    std::string output;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        auto logs = panel_->http().get("/api/v1/cronjobs/" + id + "/logs?per_page=1", alice_);
        const auto body = logs.json();
        const auto& list = body.at("logs").as_array();
        if (!list.empty() && list[0].at("status").as_string() != "running") {
            output = std::string(list[0].at("output").as_string());
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    EXPECT_EQ(output, "messages=403 index=403");
    // Through the panel's proxy, the sign-on page answers for itself (its
    // own 403 text: no link) and index.php sends the visitor to it.
    EXPECT_NE(curl({base + "/pma/signon.php"}).find("Open phpMyAdmin from the panel"),
              std::string::npos);
    EXPECT_EQ(curl({"-o", "/dev/null", "-w", "%{http_code}", base + "/pma/index.php"}), "302");
    EXPECT_EQ(panel_->http().del("/api/v1/cronjobs/" + id, alice_).status, 200);
}

// System mode: a second panel uses the first one's server as "the system's"
// (its socket and an admin credentials file) and starts nothing itself.
TEST_F(Databases, SystemModeUsesAnExistingServer) {
    PanelProcess system_panel(
        PanelOptions{.config = {"mariadb.mode=system", "mariadb.socket=" + socket(),
                                "mariadb.admin_credentials_file=" +
                                    (panel_->data_dir() / "mariadb-admin.cnf").string(),
                                "pma.enabled=false"}});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    std::string state;
    while (std::chrono::steady_clock::now() < deadline) {
        auto h = system_panel.http().get("/api/v1/health");
        state = std::string(h.json().at("components").at("mariadb").as_string());
        if (state == "up") break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_EQ(state, "up") << system_panel.log();
    EXPECT_FALSE(fs::exists(system_panel.data_dir() / "mariadb"));
    std::string erin = system_panel.create_user_with_key("erin");
    auto r = system_panel.http().post("/api/v1/databases",
                                      {{"name", "sys"}, {"password", kPassword}}, erin);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_TRUE(Login(socket(), 0, "erin_sys", kPassword).ok());
    // System mode shows the server's own socket, meant for local programs.
    auto listed = system_panel.http().get("/api/v1/databases/erin_sys", erin);
    ASSERT_EQ(listed.status, 200) << listed.body;
    EXPECT_EQ(listed.json().at("connection").at("socket").as_string(), socket());
    EXPECT_EQ(system_panel.http().del("/api/v1/databases/erin_sys", erin).status, 200);
    EXPECT_FALSE(server_has_database("erin_sys"));
}

// An unused link expires after pma.token_ttl_s with a clear refusal, and
// its temporary user is dropped.
TEST(DatabasesPmaExpiry, ExpiredLinkIsRefusedAndItsUserDropped) {
    const int pma_port = free_port();
    PanelProcess panel(
        PanelOptions{.tls = true,
                     .config = {"mariadb.mode=sandbox", "pma.enabled=true",
                                "mariadb.port=" + std::to_string(free_port()),
                                "pma.port=" + std::to_string(pma_port), "pma.token_ttl_s=1"}});
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(90);
    while (std::chrono::steady_clock::now() < deadline &&
           panel.http().get("/api/v1/health").body.find("\"mariadb\":\"up\"") == std::string::npos)
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto c = panel.http().post("/api/v1/databases", {{"name", "exp"}, {"password", kPassword}},
                               panel.admin_key());
    ASSERT_EQ(c.status, 201) << c.body << panel.log();
    // phpMyAdmin's own listener is HTTPS too (the panel's certificate).
    const std::string base = pma_origin(panel, "https");
    wait_for_pma(base, {"-k"});
    // Behind that HTTPS listener, phpMyAdmin's cookies are Secure.
    auto fresh = panel.http().post("/api/v1/databases/admin_exp/phpmyadmin", {}, panel.admin_key());
    ASSERT_EQ(fresh.status, 200) << fresh.body;
    EXPECT_EQ(std::string(fresh.json().at("url").as_string()).rfind(base + "/pma/?token=", 0), 0u);
    const std::string jar = (panel.data_dir() / "tls-jar.txt").string();
    std::string headers = curl({"-k", "-D", "-", "-o", "/dev/null", "-c", jar, "-b", jar,
                                std::string(fresh.json().at("url").as_string())});
    EXPECT_NE(headers.find("302"), std::string::npos) << headers;
    EXPECT_NE(headers.find("Path=/pma/; Secure"), std::string::npos) << headers;
    EXPECT_EQ(headers.find("Path=/;"), std::string::npos) << headers;
    EXPECT_NE(headers.find("Location: /pma/index.php?route=/database/structure&db=admin_exp"),
              std::string::npos)
        << headers;
    // Signed out again, so that session's temporary user goes too (below).
    EXPECT_NE(curl({"-k", "-c", jar, "-b", jar, base + "/pma/?logout=1"}).find("Signed out"),
              std::string::npos);

    auto r = panel.http().post("/api/v1/databases/admin_exp/phpmyadmin", {}, panel.admin_key());
    ASSERT_EQ(r.status, 200) << r.body;
    std::this_thread::sleep_for(std::chrono::milliseconds(2500));
    std::string late =
        curl({"-k", "-w", "\n%{http_code}", std::string(r.json().at("url").as_string())});
    EXPECT_NE(late.find("expired"), std::string::npos) << late;
    EXPECT_NE(late.find("403"), std::string::npos);
    auto cnf = panel.data_dir() / "mariadb-admin.cnf";
    std::ifstream in(cnf);
    std::string line, user, password;
    while (std::getline(in, line)) {
        if (line.rfind("user=", 0) == 0) user = line.substr(5);
        if (line.rfind("password=", 0) == 0) password = line.substr(9);
    }
    const std::string sock = (panel.data_dir() / "run" / "mariadb" / "mysqld.sock").string();
    auto temp_users = [&] {
        Login admin(sock, 0, user, password);
        return admin.column("SELECT User FROM mysql.user WHERE User LIKE 'PMA\\_%'");
    };
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!temp_users().empty() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(250));
    EXPECT_TRUE(temp_users().empty());
}

// Off: database routes answer 503, the rest of the panel works.
TEST(DatabasesOff, RoutesAnswer503AndHealthSaysDown) {
    PanelProcess off(PanelOptions{.config = {"mariadb.mode=off"}});
    auto h = off.http().get("/api/v1/health");
    EXPECT_EQ(h.json().at("components").at("mariadb").as_string(), "down");
    auto r = off.http().get("/api/v1/databases", off.admin_key());
    EXPECT_EQ(r.status, 503);
    EXPECT_EQ(r.json().at("code").as_string(), "SERVICE_UNAVAILABLE");
    EXPECT_EQ(
        off.http()
            .post("/api/v1/databases", {{"name", "x"}, {"password", kPassword}}, off.admin_key())
            .status,
        503);
    EXPECT_EQ(off.http().get("/api/v1/auth/me", off.admin_key()).status, 200);
    EXPECT_FALSE(fs::exists(off.data_dir() / "mariadb"));
}

static pid_t mariadbd_pid(const fs::path& data_dir) {
    std::ifstream pid_file(data_dir / "run" / "mariadb" / "mysqld.pid");
    pid_t pid = 0;
    pid_file >> pid;
    return pid;
}

// Database changes lock one database, not all (docs/security.md
// "Starvation"): while a customer's open transaction holds a lock in
// alice_held, and the panel's DROP of it waits on that lock, changes to two
// other databases (another customer's) go through. Before, one global
// mutex kept them waiting until the DROP gave up (mariadb.query_timeout_s).
TEST_F(Databases, Y_ChangesToOtherDatabasesProceedWhileOneIsHeld) {
    ASSERT_EQ(create(alice_, {{"name", "held"}, {"password", kPassword}}).status, 201);
    ASSERT_EQ(create(bob_, {{"name", "other"}, {"password", kPassword}}).status, 201);
    Login holder(socket(), 0, "alice_held", kPassword);
    ASSERT_TRUE(holder.ok()) << holder.message();
    ASSERT_EQ(holder.exec("CREATE TABLE alice_held.t (x INT)"), 0u);
    ASSERT_EQ(holder.exec("START TRANSACTION"), 0u);
    ASSERT_EQ(holder.exec("SELECT * FROM alice_held.t"), 0u);  // a metadata lock until COMMIT

    std::atomic<bool> held_done{false};
    int held_status = 0;
    std::thread dropper([&] {
        held_status = panel_->http().del("/api/v1/databases/alice_held", alice_).status;
        held_done = true;
    });
    // Until the DROP is waiting on the lock (the panel holds its lock then).
    auto admin = admin_login();
    auto waiting = [&] {
        auto n = admin->column(
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE "
            "'DROP DATABASE%alice_held%'");
        return !n.empty() && n[0] != "0";
    };
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (!waiting() && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    const bool drop_was_waiting = waiting();

    const auto t0 = std::chrono::steady_clock::now();
    auto made = create(bob_, {{"name", "side"}, {"password", kPassword}});
    auto dropped = panel_->http().del("/api/v1/databases/bob_other", bob_);
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const bool held_still_pending = !held_done;
    ASSERT_EQ(holder.exec("COMMIT"), 0u);
    dropper.join();
    std::printf(
        "while alice_held is locked: create bob_side %d and delete bob_other %d in %.0f ms; "
        "the held delete answered %d afterwards\n",
        made.status, dropped.status, ms, held_status);
    EXPECT_TRUE(drop_was_waiting) << "the DROP never waited on the lock";
    EXPECT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(dropped.status, 200) << dropped.body;
    EXPECT_TRUE(held_still_pending) << "the other databases' changes waited for the held one";
    // 200, or 503 when the DROP outlived mariadb.query_timeout_s: then a
    // retry (every step is idempotent) finishes it.
    EXPECT_TRUE(held_status == 200 || held_status == 503) << held_status;
    if (held_status == 503) {
        EXPECT_EQ(panel_->http().del("/api/v1/databases/alice_held", alice_).status, 200);
    }
    EXPECT_EQ(panel_->http().del("/api/v1/databases/bob_side", bob_).status, 200);
}

// A hung server (SIGSTOP) delays database changes only: MariaDB calls never
// hold the store, so other routes, writes included, answer at once.
TEST_F(Databases, ZY_HungMariadbDoesNotBlockOtherRoutes) {
    pid_t pid = mariadbd_pid(panel_->data_dir());
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid, SIGSTOP), 0);
    int hung_status = 0;
    std::atomic<bool> hung_done{false};
    std::thread hung([&] {
        hung_status = create(alice_, {{"name", "hung"}, {"password", kPassword}}).status;
        hung_done = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    auto t0 = std::chrono::steady_clock::now();
    auto d = panel_->http().post("/api/v1/domains", {{"domain", "while-hung.example"}}, alice_);
    auto me = panel_->http().get("/api/v1/auth/me", alice_);
    auto took = std::chrono::steady_clock::now() - t0;
    const bool create_was_waiting = !hung_done;
    ::kill(pid, SIGCONT);
    hung.join();
    EXPECT_EQ(d.status, 201) << d.body;
    EXPECT_EQ(me.status, 200);
    EXPECT_LT(took, std::chrono::seconds(2));
    EXPECT_TRUE(create_was_waiting) << "the create should still be waiting on MariaDB";
    // Resumed within mariadb.query_timeout_s, the create completes; past it
    // the create is a 503 (the server may still run the statement after
    // SIGCONT: the panel has no record, and reconcile reports the leftover).
    EXPECT_TRUE(hung_status == 201 || hung_status == 503) << hung_status;
    auto admin = admin_login();
    admin->exec("DROP DATABASE IF EXISTS alice_hung");
    admin->exec("DROP USER IF EXISTS 'alice_hung'@'localhost'");
}

// Last: it takes MariaDB away from under the panel.
TEST_F(Databases, ZZ_MariadbKilledGives503ThenRecovers) {
    ASSERT_EQ(create(alice_, {{"name", "survivor"}, {"password", kPassword}}).status, 201);
    // Something the records do not know about, for the reconcile after.
    ASSERT_EQ(admin_login()->exec("CREATE DATABASE alice_orphan"), 0u);
    pid_t pid = mariadbd_pid(panel_->data_dir());
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid, SIGKILL), 0);
    bool saw_503 = false;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
        auto r = panel_->http().get("/api/v1/databases", alice_);
        if (r.status == 503) {
            EXPECT_EQ(r.json().at("code").as_string(), "SERVICE_UNAVAILABLE");
            saw_503 = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_TRUE(saw_503);
    // Other routes keep working meanwhile.
    EXPECT_EQ(panel_->http().get("/api/v1/auth/me", alice_).status, 200);
    // The supervisor restarts mariadbd; the panel notices by itself.
    HttpResult after;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        after = panel_->http().get("/api/v1/databases", alice_);
        if (after.status == 200) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_EQ(after.status, 200) << after.body;
    wait_for_mariadb("up");
    EXPECT_EQ(create(alice_, {{"name", "afterwards"}, {"password", kPassword}}).status, 201);
    EXPECT_TRUE(Login(socket(), 0, "alice_survivor", kPassword).ok());
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (panel_->log().find("database alice_orphan has no record") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_NE(panel_->log().find("database alice_orphan has no record"), std::string::npos);
}

}  // namespace
}  // namespace wsp::test
