// Backups, restores and database export/import against the real things:
// the panel's own mariadbd, mariadb-dump and the mariadb client, restic with
// a local repository. Round trips are checked by content: files by sha256,
// tables by CHECKSUM TABLE and row counts. One panel for the suite.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/panel_process.h"
#include "support/smtp_server.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string slurp_file(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_file(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
}

ProcessResult run(const std::vector<std::string>& argv, const std::string& stdin_data = "") {
    ProcessOptions o;
    o.max_output = 64 * 1024 * 1024;
    o.stdin_data = stdin_data;
    o.timeout = std::chrono::seconds(120);
    auto r = run_process(argv, o);
    EXPECT_TRUE(r.ok()) << argv[0];
    return r ? *r : ProcessResult{};
}

// gzip -c / -dc of `data` through files (a pipe both ways could fill).
std::string gzip(const std::string& data, bool decompress) {
    const fs::path dir = make_temp_dir("wsp-gz");
    write_file(dir / "in", data);
    auto r = run({"/bin/sh", "-c",
                  std::string("/bin/gzip ") + (decompress ? "-dc" : "-c") + " < '" +
                      (dir / "in").string() + "' > '" + (dir / "out").string() + "'"});
    std::string out = slurp_file(dir / "out");
    fs::remove_all(dir);
    return out;
}

std::string sha256_of(const fs::path& p) {
    auto r = run({"/usr/bin/sha256sum", p.string()});
    return r.output.substr(0, 64);
}

class Backups : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        smtp_ = new SmtpServer();
        panel_ = new PanelProcess(PanelOptions{
            .config = {"mariadb.mode=sandbox", "pma.enabled=false",
                       "mariadb.port=" + std::to_string(free_port()),
                       "mail.smtp_url=" + smtp_->url(), "mail.from=panel@example.com"}});
        (void)panel_->wait_for_component("mariadb");
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        for (auto [key, name] :
             {std::pair{alice_, "shop"}, std::pair{alice_, "blog"}, std::pair{bob_, "shop"}}) {
            auto r = panel_->http().post("/api/v1/databases",
                                         {{"name", name}, {"password", "Secure-pass-123"}}, key);
            ASSERT_EQ(r.status, 201) << r.body;
        }
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        delete smtp_;
        smtp_ = nullptr;
    }

    // The panel's MariaDB admin through the mariadb client.
    static std::string sql(const std::string& statements) {
        auto r = run({"/usr/bin/mariadb",
                      "--defaults-file=" + (panel_->data_dir() / "mariadb-admin.cnf").string(),
                      "--socket=" + (panel_->data_dir() / "run/mariadb/mysqld.sock").string(), "-N",
                      "-B", "-e", statements});
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return r.output;
    }
    // CHECKSUM TABLE and COUNT(*) of every table of `db`.
    static std::string fingerprint(const std::string& db) {
        auto tables = sql("SELECT table_name FROM information_schema.tables WHERE table_schema='" +
                          db + "' ORDER BY table_name");
        std::istringstream in(tables);
        std::string t, out;
        while (std::getline(in, t)) {
            if (t.empty()) continue;
            // "<db>.<table>\t<sum>": compared across databases by table name.
            std::string sum = sql("CHECKSUM TABLE `" + db + "`.`" + t + "`");
            out += sum.substr(db.size() + 1);
            out += sql("SELECT COUNT(*) FROM `" + db + "`.`" + t + "`");
        }
        return out;
    }
    static void fill(const std::string& db) {
        sql("CREATE TABLE " + db +
            ".customers (id INT PRIMARY KEY, name VARCHAR(64), note TEXT, pic BLOB);"
            "INSERT INTO " +
            db +
            ".customers SELECT seq, CONCAT('customer-',seq), REPEAT('x', seq % 300), "
            "UNHEX(MD5(seq)) FROM " +
            db +
            ".seq_1_to_20000;"
            "CREATE TABLE " +
            db +
            ".orders (id INT PRIMARY KEY, customer INT, total DECIMAL(10,2));"
            "INSERT INTO " +
            db + ".orders SELECT seq, seq % 20000, seq / 7 FROM " + db + ".seq_1_to_30000;");
    }

    // Polls a task until it has finished; returns it.
    static json::object wait_task(const std::string& key, const std::string& id) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        json::object t;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = panel_->http().get("/api/v1/backups/tasks/" + id, key);
            EXPECT_EQ(r.status, 200) << r.body;
            if (r.status != 200) break;
            t = r.json().as_object();
            auto status = std::string(t.at("status").as_string());
            if (status != "queued" && status != "running") return t;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "task " << id << " never finished";
        return t;
    }
    // Waits until none of the caller's tasks is queued or running (enabling
    // a schedule after its hour queues its run and prune at once).
    static void wait_idle(const std::string& key) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = panel_->http().get("/api/v1/backups/tasks", key);
            ASSERT_EQ(r.status, 200) << r.body;
            bool busy = false;
            const json::array tasks = r.json().as_array();
            for (const auto& t : tasks) {
                const auto st = std::string(t.at("status").as_string());
                busy = busy || st == "queued" || st == "running";
            }
            if (!busy) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "tasks never finished";
    }
    static json::object started(const HttpResult& r) {
        EXPECT_EQ(r.status, 202) << r.body;
        if (r.status != 202) return {};
        return r.json().as_object();
    }
    static std::string status_of(const json::object& task) {
        return task.contains("status") ? std::string(task.at("status").as_string()) : "";
    }
    static std::string error_of(const json::object& task) {
        if (!task.contains("error")) return "";
        return json::serialize(task.at("error"));
    }
    static HttpResult import_body(const std::string& key, const std::string& db,
                                  const std::string& body) {
        return panel_->http().request(
            "POST", "/api/v1/databases/" + db + "/import", body,
            {{"Authorization", "Bearer " + key}, {"Content-Type", "application/octet-stream"}});
    }
    static fs::path home(const std::string& user) { return panel_->data_dir() / "home" / user; }
    // Alice's site (a small page, a 3 MB binary) and some trash, owned by
    // her: the panel reads and restores as alice.
    static void make_site(const std::string& owner) {
        const fs::path h = home(owner);
        fs::create_directories(h / "site" / "img");
        write_file(h / "site" / "index.php", "<?php echo 'hello';\n");
        std::string big(3 << 20, '\0');
        for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 7919) % 251);
        write_file(h / "site" / "img" / "photo.bin", big);
        fs::create_directories(h / ".wispanel-trash");
        write_file(h / ".wispanel-trash" / "junk.txt", "trash");
        run({"/bin/chown", "-R", "--reference=" + h.string(), h.string()});
    }
    static json::object backup_now(const std::string& key) {
        auto t = wait_task(
            key, std::string(started(panel_->http().post("/api/v1/backups", json::object{}, key))
                                 .at("id")
                                 .as_string()));
        return t;
    }

    static PanelProcess* panel_;
    static SmtpServer* smtp_;
    static std::string alice_;
    static std::string bob_;
};

PanelProcess* Backups::panel_ = nullptr;
SmtpServer* Backups::smtp_ = nullptr;
std::string Backups::alice_;
std::string Backups::bob_;

TEST_F(Backups, ExportStreamsGzipAndImportRestoresEveryTable) {
    fill("alice_shop");
    const std::string before = fingerprint("alice_shop");
    ASSERT_FALSE(before.empty());

    auto e = panel_->http().get("/api/v1/databases/alice_shop/export", alice_);
    ASSERT_EQ(e.status, 200) << e.body;
    EXPECT_EQ(e.header("content-type"), "application/gzip");
    EXPECT_NE(e.header("content-disposition").find("alice_shop.sql.gz"), std::string::npos);
    ASSERT_GT(e.body.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(e.body[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(e.body[1]), 0x8b);
    auto plain = gzip(e.body, true);
    EXPECT_NE(plain.find("CREATE TABLE `customers`"), std::string::npos);
    EXPECT_EQ(plain.find("CREATE DATABASE"), std::string::npos);  // imports anywhere

    // Not bob's to read.
    EXPECT_EQ(panel_->http().get("/api/v1/databases/alice_shop/export", bob_).status, 403);

    // The .sql.gz back into an emptied database.
    sql("DROP TABLE alice_shop.customers, alice_shop.orders");
    auto t = wait_task(
        alice_,
        std::string(started(import_body(alice_, "alice_shop", e.body)).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(std::string(t.at("kind").as_string()), "import");
    EXPECT_EQ(fingerprint("alice_shop"), before);

    // The plain .sql into another database of the same account.
    t = wait_task(
        alice_,
        std::string(started(import_body(alice_, "alice_blog", plain)).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint("alice_blog"), before);
    sql("DROP TABLE alice_blog.customers, alice_blog.orders");
}

TEST_F(Backups, BadSqlNamesTheLineAndRollsBackItsRows) {
    const std::string bad =
        "CREATE TABLE t_bad (id INT PRIMARY KEY) ENGINE=InnoDB;\n"
        "INSERT INTO t_bad VALUES (1), (2);\n"
        "-- a comment\n"
        "INSERT INTO t_bad VALUES (3) oops;\n"
        "INSERT INTO t_bad VALUES (4);\n";
    auto t = wait_task(
        alice_, std::string(started(import_body(alice_, "alice_blog", bad)).at("id").as_string()));
    ASSERT_EQ(status_of(t), "failed");
    const std::string err = error_of(t);
    EXPECT_NE(err.find("line 4"), std::string::npos) << err;
    // The table (DDL) stays; its rows since the last implicit commit do not.
    EXPECT_EQ(sql("SELECT COUNT(*) FROM alice_blog.t_bad"), "0\n");
    sql("DROP TABLE alice_blog.t_bad");

    // Another account's database is out of reach, whatever the SQL says.
    t = wait_task(alice_,
                  std::string(started(import_body(alice_, "alice_blog",
                                                  "CREATE TABLE bob_shop.stolen (x INT);\n"))
                                  .at("id")
                                  .as_string()));
    ASSERT_EQ(status_of(t), "failed");
    EXPECT_NE(error_of(t).find("line 1"), std::string::npos) << error_of(t);
    EXPECT_EQ(sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema='bob_shop'"),
              "0\n");
    // The client's shell escape is off (--sandbox).
    t = wait_task(alice_, std::string(started(import_body(alice_, "alice_blog",
                                                          "\\! touch /tmp/wsp-sandbox-escape\n"))
                                          .at("id")
                                          .as_string()));
    EXPECT_EQ(status_of(t), "failed");
    EXPECT_FALSE(fs::exists("/tmp/wsp-sandbox-escape"));

    // A truncated .gz commits nothing.
    sql("CREATE TABLE alice_blog.g (id INT PRIMARY KEY) ENGINE=InnoDB");
    std::string insert;
    for (int i = 0; i < 20000; ++i) insert += "INSERT INTO g VALUES (" + std::to_string(i) + ");\n";
    std::string gz = gzip(insert, false);
    t = wait_task(
        alice_, std::string(started(import_body(alice_, "alice_blog", gz.substr(0, gz.size() / 2)))
                                .at("id")
                                .as_string()));
    EXPECT_EQ(status_of(t), "failed");
    EXPECT_EQ(sql("SELECT COUNT(*) FROM alice_blog.g"), "0\n");
    sql("DROP TABLE alice_blog.g");
}

TEST_F(Backups, BackupAndRestoreRoundTripByContent) {
    const fs::path h = home("alice");
    make_site("alice");
    const std::string sum_index = sha256_of(h / "site" / "index.php");
    const std::string sum_photo = sha256_of(h / "site" / "img" / "photo.bin");
    if (fingerprint("alice_shop").empty()) fill("alice_shop");
    const std::string db_before = fingerprint("alice_shop");

    auto t = backup_now(alice_);
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    auto list = panel_->http().get("/api/v1/backups", alice_);
    ASSERT_EQ(list.status, 200);
    auto arr = list.json().as_array();
    ASSERT_GE(arr.size(), 1u);
    const auto& b = arr[0].as_object();
    const std::string id(b.at("id").as_string());
    EXPECT_EQ(std::string(b.at("status").as_string()), "done");
    EXPECT_EQ(std::string(b.at("owner").as_string()), "alice");
    EXPECT_GT(b.at("size_bytes").as_int64(), 3 << 20);
    EXPECT_GT(b.at("added_bytes").as_int64(), 0);
    EXPECT_GE(b.at("paths_count").as_int64(), 2);
    auto dbs = json::serialize(b.at("databases"));
    EXPECT_NE(dbs.find("alice_shop"), std::string::npos);
    EXPECT_NE(dbs.find("alice_blog"), std::string::npos);
    // bob sees none of alice's.
    EXPECT_EQ(panel_->http().get("/api/v1/backups", bob_).json().as_array().size(), 0u);
    EXPECT_EQ(panel_->http().get("/api/v1/backups/" + id, bob_).status, 403);

    // Damage, then restore the paths in place.
    fs::remove_all(h / "site");
    auto r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                                 {{"what", "paths"}, {"paths", json::array{"/site"}}}, alice_);
    t = wait_task(alice_, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(sha256_of(h / "site" / "index.php"), sum_index);
    EXPECT_EQ(sha256_of(h / "site" / "img" / "photo.bin"), sum_photo);
    // The bin was not in the backup.
    fs::remove_all(h / ".wispanel-trash");
    // Over an existing item: only with overwrite.
    r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                            {{"what", "paths"}, {"paths", json::array{"/site/index.php"}}}, alice_);
    EXPECT_EQ(r.status, 409) << r.body;
    write_file(h / "site" / "index.php", "changed");
    r = panel_->http().post(
        "/api/v1/backups/" + id + "/restore",
        {{"what", "paths"}, {"paths", json::array{"/site/index.php"}}, {"overwrite", true}},
        alice_);
    t = wait_task(alice_, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(sha256_of(h / "site" / "index.php"), sum_index);
    // To a new folder.
    r = panel_->http().post(
        "/api/v1/backups/" + id + "/restore",
        {{"what", "paths"}, {"paths", json::array{"/site/img"}}, {"target", "/restored"}}, alice_);
    t = wait_task(alice_, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(sha256_of(h / "restored" / "img" / "photo.bin"), sum_photo);
    // Paths that try to leave the home are refused.
    r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                            {{"what", "paths"},
                             {"paths", json::array{"/site"}},
                             {"target", "/../bob"},
                             {"overwrite", true}},
                            alice_);
    EXPECT_EQ(r.status, 400) << r.body;

    // Download as .tar.gz, checked by the tar tool.
    auto d = panel_->http().get("/api/v1/backups/" + id + "/download?paths=/site", alice_);
    ASSERT_EQ(d.status, 200) << d.body;
    EXPECT_EQ(d.header("content-type"), "application/gzip");
    const fs::path x = make_temp_dir("wsp-backup-dl");
    write_file(x / "site.tar.gz", d.body);
    run({"/bin/tar", "-xzf", (x / "site.tar.gz").string(), "-C", x.string()});
    EXPECT_EQ(sha256_of(x / "site" / "index.php"), sum_index);
    EXPECT_EQ(sha256_of(x / "site" / "img" / "photo.bin"), sum_photo);
    fs::remove_all(x);

    // The database: over itself only with overwrite.
    sql("DELETE FROM alice_shop.orders WHERE id > 100; UPDATE alice_shop.customers SET name='x'");
    r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                            {{"what", "database"}, {"database", "alice_shop"}}, alice_);
    EXPECT_EQ(r.status, 409) << r.body;
    r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                            {{"what", "database"}, {"database", "alice_shop"}, {"overwrite", true}},
                            alice_);
    t = wait_task(alice_, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint("alice_shop"), db_before);
    // Into a new database of the same account.
    r = panel_->http().post(
        "/api/v1/backups/" + id + "/restore",
        {{"what", "database"}, {"database", "alice_shop"}, {"target", "alice_shopcopy"}}, alice_);
    t = wait_task(alice_, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint("alice_shopcopy"), db_before);
    // Not into another account's database.
    r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                            {{"what", "database"},
                             {"database", "alice_shop"},
                             {"target", "bob_shop"},
                             {"overwrite", true}},
                            alice_);
    EXPECT_EQ(r.status, 403) << r.body;
}

TEST_F(Backups, AFailingDumpLeavesNoSnapshotThatLooksGood) {
    // A view over a dropped table: mariadb-dump dies when it reaches it,
    // after the tables before it went out.
    sql("CREATE TABLE bob_shop.a (id INT); INSERT INTO bob_shop.a VALUES (1);"
        "CREATE TABLE bob_shop.z (id INT); CREATE VIEW bob_shop.v AS SELECT id FROM bob_shop.z;"
        "DROP TABLE bob_shop.z;");
    auto t = backup_now(bob_);
    ASSERT_EQ(status_of(t), "failed");
    EXPECT_NE(error_of(t).find("mariadb-dump"), std::string::npos) << error_of(t);
    auto arr = panel_->http().get("/api/v1/backups", bob_).json().as_array();
    ASSERT_EQ(arr.size(), 1u);
    EXPECT_EQ(std::string(arr[0].at("status").as_string()), "failed");
    const std::string id(arr[0].at("id").as_string());
    // Nothing of that run in the repository.
    auto snaps = run(
        {"/usr/bin/env", "RESTIC_REPOSITORY=" + (panel_->data_dir() / "backups/repo").string(),
         "RESTIC_PASSWORD_FILE=" + (panel_->data_dir() / "backups/repository-password").string(),
         "RESTIC_CACHE_DIR=" + (panel_->data_dir() / "backups/cache").string(), "/usr/bin/restic",
         "snapshots", "--json", "--no-lock", "--tag", "run:" + id});
    EXPECT_EQ(snaps.output.substr(0, 2), "[]") << snaps.output;
    // The owner is told, with the cause.
    const std::string mail = smtp_->wait_for("Backup of bob failed");
    EXPECT_NE(mail.find("X-Test-Rcpt: bob@example.com"), std::string::npos) << mail;
    EXPECT_NE(mail.find("could not be dumped"), std::string::npos) << mail;
    // Restoring it is refused.
    auto r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                                 {{"what", "paths"}, {"paths", json::array{"/"}}}, bob_);
    EXPECT_EQ(r.status, 409);
    sql("DROP VIEW bob_shop.v; DROP TABLE bob_shop.a");
    t = backup_now(bob_);
    EXPECT_EQ(status_of(t), "done") << error_of(t);
}

// A database that has not changed since the last run is not dumped again:
// the run refers to the earlier snapshot, which then lives as long as any
// kept run refers to it (docs/backups.md, "Unchanged databases").
TEST_F(Backups, AnUnchangedDatabaseIsNotDumpedAgainAndOutlivesItsFirstRun) {
    const std::string carol = panel_->create_user_with_key("carol");
    ASSERT_EQ(
        panel_->http()
            .post("/api/v1/databases", {{"name", "app"}, {"password", "Secure-pass-123"}}, carol)
            .status,
        201);
    sql("CREATE TABLE carol_app.t (id INT PRIMARY KEY, v TEXT);"
        "INSERT INTO carol_app.t SELECT seq, MD5(seq) FROM carol_app.seq_1_to_500;");
    const std::string before = fingerprint("carol_app");
    auto db_snapshots = [&] {
        auto r = run(
            {"/usr/bin/env", "RESTIC_REPOSITORY=" + (panel_->data_dir() / "backups/repo").string(),
             "RESTIC_PASSWORD_FILE=" +
                 (panel_->data_dir() / "backups/repository-password").string(),
             "RESTIC_CACHE_DIR=" + (panel_->data_dir() / "backups/cache").string(),
             "/usr/bin/restic", "snapshots", "--json", "--no-lock", "--tag", "db:carol_app"});
        EXPECT_EQ(r.exit_code, 0) << r.output;
        return json::parse(r.output).as_array().size();
    };
    // UPDATE_TIME has whole seconds: a change in the last two seconds makes
    // the marker untrusted (the run dumps), so let them pass first.
    std::this_thread::sleep_for(std::chrono::milliseconds(2200));
    auto t = backup_now(carol);
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    t = backup_now(carol);
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(db_snapshots(), 1u);
    auto runs = panel_->http().get("/api/v1/backups", carol).json().as_array();
    ASSERT_EQ(runs.size(), 2u);
    const std::string second(runs[0].at("id").as_string());
    EXPECT_GT(runs[0].at("size_bytes").as_int64(), 0);

    // Keeping only the newest run keeps the first run's database snapshot.
    ASSERT_EQ(
        panel_->http()
            .put("/api/v1/backups/schedule",
                 {{"enabled", false}, {"keep_daily", 1}, {"keep_weekly", 0}, {"keep_monthly", 0}},
                 carol)
            .status,
        200);
    t = wait_task(
        carol,
        std::string(started(panel_->http().post("/api/v1/backups/prune", json::object{}, carol))
                        .at("id")
                        .as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    runs = panel_->http().get("/api/v1/backups", carol).json().as_array();
    ASSERT_EQ(runs.size(), 1u);
    EXPECT_EQ(std::string(runs[0].at("id").as_string()), second);
    EXPECT_EQ(db_snapshots(), 1u);
    auto r = panel_->http().post(
        "/api/v1/backups/" + second + "/restore",
        {{"what", "database"}, {"database", "carol_app"}, {"target", "carol_copy"}}, carol);
    t = wait_task(carol, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint("carol_copy"), before);

    // A change is dumped at the next run, which restores with it.
    sql("UPDATE carol_app.t SET v = 'changed' WHERE id = 7");
    t = backup_now(carol);
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(db_snapshots(), 2u);
    const std::string changed = fingerprint("carol_app");
    runs = panel_->http().get("/api/v1/backups", carol).json().as_array();
    r = panel_->http().post(
        "/api/v1/backups/" + std::string(runs[0].at("id").as_string()) + "/restore",
        {{"what", "database"},
         {"database", "carol_app"},
         {"target", "carol_copy"},
         {"overwrite", true}},
        carol);
    t = wait_task(carol, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(fingerprint("carol_copy"), changed);
    EXPECT_NE(changed, before);
}

TEST_F(Backups, AKilledResticLeavesAStaleLockThatTheNextRunRemoves) {
    ASSERT_EQ(status_of(backup_now(alice_)), "done");
    // restic holding a lock, killed outright.
    std::vector<std::string> env = {
        "RESTIC_REPOSITORY=" + (panel_->data_dir() / "backups/repo").string(),
        "RESTIC_PASSWORD_FILE=" + (panel_->data_dir() / "backups/repository-password").string(),
        "RESTIC_CACHE_DIR=" + (panel_->data_dir() / "backups/cache").string()};
    pid_t pid = ::fork();
    if (pid == 0) {
        int p[2];
        if (::pipe(p) != 0) ::_exit(1);
        ::dup2(p[0], 0);  // stdin that never ends: restic waits with its lock held
        std::vector<char*> envp;
        for (auto& e : env) envp.push_back(e.data());
        envp.push_back(nullptr);
        const char* argv[] = {"/usr/bin/restic",  "backup",   "--stdin",
                              "--stdin-filename", "hang.sql", nullptr};
        ::execve(argv[0], const_cast<char* const*>(argv), envp.data());
        ::_exit(127);
    }
    // Its lock file appears.
    const fs::path locks = panel_->data_dir() / "backups/repo/locks";
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline &&
           (!fs::exists(locks) || fs::is_empty(locks)))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_FALSE(fs::is_empty(locks));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    ASSERT_FALSE(fs::is_empty(locks));  // stale
    // forget --prune needs an exclusive lock: it works because the stale
    // one is removed first. The schedule stays off: only its retention is
    // wanted here (enabled after the nightly hour, it would start its own
    // backup and prune at once and take the account's task slots).
    auto put = panel_->http().put(
        "/api/v1/backups/schedule",
        {{"enabled", false}, {"keep_daily", 1}, {"keep_weekly", 0}, {"keep_monthly", 0}}, alice_);
    ASSERT_EQ(put.status, 200) << put.body;
    wait_idle(alice_);  // nothing of the account's may still hold a task slot
    ASSERT_EQ(status_of(backup_now(alice_)), "done");
    auto t = wait_task(
        alice_,
        std::string(started(panel_->http().post("/api/v1/backups/prune", json::object{}, alice_))
                        .at("id")
                        .as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    // keep_daily 1: one backup of today is left, and the list says so.
    auto arr = panel_->http().get("/api/v1/backups", alice_).json().as_array();
    int done = 0;
    for (const auto& b : arr) done += b.at("status").as_string() == "done";
    EXPECT_EQ(done, 1);
    auto check = run({"/usr/bin/env", env[0], env[1], env[2], "/usr/bin/restic", "check"});
    EXPECT_EQ(check.exit_code, 0) << check.output;
}

TEST_F(Backups, ScheduleIsPerAccountAndValidated) {
    auto g = panel_->http().get("/api/v1/backups/schedule", bob_);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(std::string(g.json().at("owner").as_string()), "bob");
    auto bad = panel_->http().put("/api/v1/backups/schedule",
                                  {{"enabled", true}, {"keep_daily", -1}}, bob_);
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.error().find("keep_daily"), std::string::npos);
    auto other = panel_->http().put("/api/v1/backups/schedule",
                                    {{"enabled", true}, {"owner", "alice"}}, bob_);
    EXPECT_EQ(other.status, 403);
    auto all = panel_->http().put("/api/v1/backups/schedule",
                                  {{"enabled", false}, {"keep_daily", 3}}, panel_->admin_key());
    ASSERT_EQ(all.status, 200) << all.body;
    EXPECT_EQ(std::string(all.json().at("owner").as_string()), "*");
    EXPECT_EQ(all.json().at("keep_daily").as_int64(), 3);
}

TEST_F(Backups, ImportsAFileOfTheHome) {
    write_file(home("alice") / "dump.sql",
               "CREATE TABLE from_home (id INT);\nINSERT INTO from_home VALUES (7);\n");
    run({"/bin/chown", "--reference=" + home("alice").string(),
         (home("alice") / "dump.sql").string()});
    auto t = wait_task(alice_,
                       std::string(started(panel_->http().post(
                                               "/api/v1/databases/alice_blog/import?path=/dump.sql",
                                               json::object{}, alice_))
                                       .at("id")
                                       .as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(sql("SELECT id FROM alice_blog.from_home"), "7\n");
    EXPECT_EQ(
        panel_->http()
            .post("/api/v1/databases/alice_blog/import?path=/missing.sql", json::object{}, alice_)
            .status,
        404);
    sql("DROP TABLE alice_blog.from_home");
}

TEST_F(Backups, AccountRestoreBringsBackTheHomeAndEveryDatabase) {
    // Its own content and backup: under CTest each test runs alone.
    make_site("alice");
    if (fingerprint("alice_shop").empty()) fill("alice_shop");
    auto made = backup_now(alice_);
    ASSERT_EQ(status_of(made), "done") << error_of(made);
    auto arr = panel_->http().get("/api/v1/backups", alice_).json().as_array();
    std::string id;
    for (const auto& b : arr)
        if (b.at("status").as_string() == "done" && id.empty()) id = b.at("id").as_string();
    ASSERT_FALSE(id.empty());
    const fs::path h = home("alice");
    const std::string sum_index = sha256_of(h / "site" / "index.php");
    const std::string sum_photo = sha256_of(h / "site" / "img" / "photo.bin");
    const std::string db_before = fingerprint("alice_shop");
    auto r =
        panel_->http().post("/api/v1/backups/" + id + "/restore", {{"what", "account"}}, alice_);
    EXPECT_EQ(r.status, 409) << r.body;
    fs::remove_all(h / "site");
    sql("DROP TABLE alice_shop.orders; UPDATE alice_shop.customers SET name = 'gone'");
    r = panel_->http().post("/api/v1/backups/" + id + "/restore",
                            {{"what", "account"}, {"overwrite", true}}, alice_);
    auto t = wait_task(alice_, std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(sha256_of(h / "site" / "index.php"), sum_index);
    EXPECT_EQ(sha256_of(h / "site" / "img" / "photo.bin"), sum_photo);
    EXPECT_EQ(fingerprint("alice_shop"), db_before);
    // Restored files belong to the account.
    struct stat st {};
    ASSERT_EQ(::stat((h / "site" / "index.php").c_str(), &st), 0);
    struct stat home_st {};
    ASSERT_EQ(::stat(h.c_str(), &home_st), 0);
    EXPECT_EQ(st.st_uid, home_st.st_uid);
}

// A whole account restored under a new name: the account is made (from the
// saved panel records), its home and databases filled from the backup, and
// nothing of the original account is written.
TEST_F(Backups, AccountRestoreUnderANewNameMakesTheAccountAndTouchesNothingElse) {
    const std::string dave = panel_->create_user_with_key("dave");
    ASSERT_EQ(
        panel_->http()
            .post("/api/v1/databases", {{"name", "shop"}, {"password", "Secure-pass-123"}}, dave)
            .status,
        201);
    fill("dave_shop");
    const fs::path h = home("dave");
    fs::create_directories(h / "www" / "data");
    write_file(h / "www" / "index.html", "<h1>dave</h1>\n");
    std::string blob;
    for (int i = 0; i < 200000; ++i) blob += std::to_string(i * 31 % 977);
    write_file(h / "www" / "data" / "blob.bin", blob);
    run({"/bin/chown", "-R", "--reference=" + h.string(), (h / "www").string()});
    const std::string sum_index = sha256_of(h / "www" / "index.html");
    const std::string sum_blob = sha256_of(h / "www" / "data" / "blob.bin");
    const std::string db_before = fingerprint("dave_shop");
    // Panel records the restore recreates for erin (the domain stays
    // dave's: domains are unique).
    const auto& http = panel_->http();
    ASSERT_EQ(http.post("/api/v1/domains", {{"domain", "dave.example"}}, dave).status, 201);
    auto ftp = http.post("/api/v1/ftp",
                         {{"username", "up"},
                          {"password", "Secure-pass-123"},
                          {"home_dir", "www"},
                          {"domain", "dave.example"},
                          {"quota_mb", 10},
                          {"read_only", true}},
                         dave);
    ASSERT_EQ(ftp.status, 201) << ftp.body;
    auto cron = http.post(
        "/api/v1/cronjobs",
        {{"name", "nightly"}, {"command", "echo nightly"}, {"cron_expr", "0 3 * * *"}}, dave);
    ASSERT_EQ(cron.status, 201) << cron.body;
    auto t = backup_now(dave);
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    auto arr = panel_->http().get("/api/v1/backups", dave).json().as_array();
    ASSERT_EQ(arr.size(), 1u);
    const std::string id(arr[0].at("id").as_string());
    // dave changes things after the backup: the restore elsewhere must not
    // bring them back.
    write_file(h / "www" / "index.html", "changed");
    sql("UPDATE dave_shop.customers SET name = 'changed' WHERE id = 1");
    const std::string dave_now = fingerprint("dave_shop");

    const auto restore = [&](const json::object& body, const std::string& key) {
        return panel_->http().post("/api/v1/backups/" + id + "/restore", body, key);
    };
    // A customer cannot restore under another name.
    EXPECT_EQ(restore({{"what", "account"}, {"target", "erin"}, {"overwrite", true}}, dave).status,
              403);
    // An existing account only with overwrite; never an admin account.
    auto r = restore({{"what", "account"}, {"target", "bob"}}, panel_->admin_key());
    EXPECT_EQ(r.status, 409) << r.body;
    r = restore({{"what", "account"}, {"target", "admin"}, {"overwrite", true}},
                panel_->admin_key());
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.error().find("target"), std::string::npos) << r.body;
    // A bad name is refused before anything is made.
    r = restore({{"what", "account"}, {"target", "Not A Name"}}, panel_->admin_key());
    EXPECT_EQ(r.status, 400) << r.body;

    r = restore({{"what", "account"}, {"target", "erin"}}, panel_->admin_key());
    t = wait_task(panel_->admin_key(), std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    auto erin = panel_->http().get("/api/v1/users/erin", panel_->admin_key());
    ASSERT_EQ(erin.status, 200) << erin.body;
    EXPECT_EQ(std::string(erin.json().at("email").as_string()), "dave@example.com");
    EXPECT_EQ(std::string(erin.json().at("role").as_string()), "user");
    const fs::path e = home("erin");
    EXPECT_EQ(sha256_of(e / "www" / "index.html"), sum_index);
    EXPECT_EQ(sha256_of(e / "www" / "data" / "blob.bin"), sum_blob);
    // Written as erin, not as dave or root.
    struct stat st {
    }, home_st{}, dave_st{};
    ASSERT_EQ(::stat((e / "www" / "data" / "blob.bin").c_str(), &st), 0);
    ASSERT_EQ(::stat(e.c_str(), &home_st), 0);
    ASSERT_EQ(::stat(h.c_str(), &dave_st), 0);
    EXPECT_EQ(st.st_uid, home_st.st_uid);
    EXPECT_NE(st.st_uid, dave_st.st_uid);
    // dave's database became erin's, same tables and rows.
    auto dbs = panel_->http().get("/api/v1/databases?owner=erin", panel_->admin_key());
    ASSERT_EQ(dbs.status, 200) << dbs.body;
    EXPECT_NE(dbs.body.find("erin_shop"), std::string::npos) << dbs.body;
    EXPECT_EQ(fingerprint("erin_shop"), db_before);
    // The FTP account and the cron job came back as erin's; the domain is
    // still dave's, and erin's FTP account lost the link to it.
    auto up = http.get("/api/v1/ftp/erin_up", panel_->admin_key());
    ASSERT_EQ(up.status, 200) << up.body;
    EXPECT_EQ(up.json().at("quota_mb").as_int64(), 10);
    EXPECT_TRUE(up.json().at("read_only").as_bool());
    EXPECT_EQ(http.get("/api/v1/ftp/dave_up", dave).status, 200);
    auto jobs = http.get("/api/v1/cronjobs?owner=erin", panel_->admin_key());
    ASSERT_EQ(jobs.status, 200) << jobs.body;
    EXPECT_NE(jobs.body.find("echo nightly"), std::string::npos) << jobs.body;
    auto domain = http.get("/api/v1/domains/dave.example", panel_->admin_key());
    ASSERT_EQ(domain.status, 200) << domain.body;
    EXPECT_EQ(std::string(domain.json().at("owner").as_string()), "dave");
    // Nothing of dave's was written.
    EXPECT_EQ(slurp_file(h / "www" / "index.html"), "changed");
    EXPECT_EQ(fingerprint("dave_shop"), dave_now);
    // Again over erin: only with overwrite, then it works.
    r = restore({{"what", "account"}, {"target", "erin"}}, panel_->admin_key());
    EXPECT_EQ(r.status, 409) << r.body;
    fs::remove_all(e / "www");
    r = restore({{"what", "account"}, {"target", "erin"}, {"overwrite", true}},
                panel_->admin_key());
    t = wait_task(panel_->admin_key(), std::string(started(r).at("id").as_string()));
    ASSERT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(sha256_of(e / "www" / "data" / "blob.bin"), sum_blob);
}

// Package limits on customer schedules: max_backups_kept 0 forbids them,
// N caps keep_daily + keep_weekly + keep_monthly.
TEST_F(Backups, PackageLimitsCustomerSchedules) {
    const std::string admin = panel_->admin_key();
    auto p = panel_->http().post("/api/v1/packages",
                                 {{"name", "nobackups"}, {"max_backups_kept", 0}}, admin);
    ASSERT_EQ(p.status, 201) << p.body;
    EXPECT_EQ(p.json().at("max_backups_kept").as_int64(), 0);
    EXPECT_EQ(panel_->http()
                  .post("/api/v1/packages", {{"name", "badbk"}, {"max_backups_kept", -2}}, admin)
                  .status,
              400);
    const std::string frank = panel_->create_user_with_key("frank", "nobackups");
    auto me = panel_->http().get("/api/v1/auth/me", frank);
    EXPECT_EQ(me.json().at("max_backups_kept").as_int64(), 0) << me.body;
    auto r = panel_->http().put("/api/v1/backups/schedule", {{"enabled", true}}, frank);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_NE(r.error().find("max_backups_kept"), std::string::npos) << r.body;
    // Turning it off is always allowed; nothing was saved by the refusal.
    r = panel_->http().put("/api/v1/backups/schedule", {{"enabled", false}}, frank);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json().at("enabled").as_bool());

    ASSERT_EQ(
        panel_->http().put("/api/v1/packages/nobackups", {{"max_backups_kept", 5}}, admin).status,
        200);
    r = panel_->http().put(
        "/api/v1/backups/schedule",
        {{"enabled", true}, {"keep_daily", 3}, {"keep_weekly", 2}, {"keep_monthly", 1}}, frank);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.error().find("keep_daily"), std::string::npos) << r.body;
    EXPECT_NE(r.error().find("5"), std::string::npos) << r.body;
    EXPECT_FALSE(
        panel_->http().get("/api/v1/backups/schedule", frank).json().at("enabled").as_bool());
    // The admin setting frank's schedule is held to frank's package too.
    r = panel_->http().put("/api/v1/backups/schedule",
                           {{"owner", "frank"}, {"enabled", true}, {"keep_daily", 9}}, admin);
    EXPECT_EQ(r.status, 400) << r.body;
    r = panel_->http().put(
        "/api/v1/backups/schedule",
        {{"enabled", true}, {"keep_daily", 3}, {"keep_weekly", 1}, {"keep_monthly", 1}}, frank);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json().at("enabled").as_bool());
    EXPECT_EQ(r.json().at("keep_daily").as_int64(), 3);
}

// A key scoped to "backups" reaches the backups area only.
TEST_F(Backups, BackupsScopeOpensTheBackupsAreaOnly) {
    auto make_key = [](const json::array& scopes) {
        auto k = panel_->http().post("/api/v1/users/bob/api-keys",
                                     {{"name", "scoped"}, {"permissions", scopes}}, bob_);
        EXPECT_EQ(k.status, 201) << k.body;
        return k.status == 201 ? std::string(k.json().at("secret_key").as_string()) : "";
    };
    const std::string bk = make_key({"backups"});
    EXPECT_EQ(panel_->http().get("/api/v1/backups", bk).status, 200);
    EXPECT_EQ(panel_->http().get("/api/v1/backups/schedule", bk).status, 200);
    auto t = wait_task(
        bk, std::string(started(panel_->http().post("/api/v1/backups", json::object{}, bk))
                            .at("id")
                            .as_string()));
    EXPECT_EQ(status_of(t), "done") << error_of(t);
    EXPECT_EQ(panel_->http().get("/api/v1/databases", bk).status, 403);
    EXPECT_EQ(panel_->http().get("/api/v1/databases/bob_shop/export", bk).status, 403);
    EXPECT_EQ(panel_->http().get("/api/v1/cronjobs", bk).status, 403);

    const std::string db = make_key({"databases"});
    EXPECT_EQ(panel_->http().get("/api/v1/backups", db).status, 403);
    EXPECT_EQ(panel_->http().post("/api/v1/backups", json::object{}, db).status, 403);
    const std::string ro = make_key({"read"});
    EXPECT_EQ(panel_->http().get("/api/v1/backups", ro).status, 200);
    EXPECT_EQ(panel_->http().post("/api/v1/backups", json::object{}, ro).status, 403);
    // An unknown scope is still refused.
    auto bad = panel_->http().post("/api/v1/users/bob/api-keys",
                                   {{"name", "x"}, {"permissions", {"backup"}}}, bob_);
    EXPECT_EQ(bad.status, 400) << bad.body;
}

// A panel without MariaDB, restarted on the same data dir: a backup cut
// off by kill -9, then the nightly schedule with its retention.
TEST(BackupsRestart, KillNineMidBackupLeavesAValidRepositoryAndScheduledRunsPrune) {
    const fs::path dir = make_temp_dir("wsp-backup-restart");
    const std::vector<std::string> config = {"mariadb.mode=off", "backups.schedule_hour=0"};
    std::string id;
    {
        PanelProcess first(PanelOptions{.config = config, .data_dir = dir});
        first.keep_data_dir();
        auto key = first.create_user_with_key("carol");
        const fs::path h = dir / "home" / "carol";
        run({"/bin/dd", "if=/dev/urandom", "of=" + (h / "big.bin").string(), "bs=1M", "count=400",
             "status=none"});
        auto r = first.http().post("/api/v1/backups", json::object{}, key);
        ASSERT_EQ(r.status, 202) << r.body;
        const std::string task(r.json().at("id").as_string());
        // Running, with restic reading the home.
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
        std::string status;
        while (std::chrono::steady_clock::now() < deadline) {
            auto t = first.http().get("/api/v1/backups/tasks/" + task, key).json().as_object();
            status = t.at("status").as_string();
            if (status != "queued" && (status != "running" || t.at("bytes_done").as_int64() > 0))
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        ASSERT_EQ(status, "running");
        ::kill(first.pid(), SIGKILL);
        int ws = 0;
        ::waitpid(first.pid(), &ws, 0);
    }
    PanelProcess second(PanelOptions{.config = config, .data_dir = dir});
    auto key = second.login("carol", "Passw0rd-carol");
    auto list = second.http().get("/api/v1/backups", key).json().as_array();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(std::string(list[0].at("status").as_string()), "failed");
    EXPECT_NE(std::string(list[0].at("error").as_string()).find("stopped"), std::string::npos);
    // The next run works (its stale lock is removed first) and the
    // repository checks clean.
    auto r = second.http().post("/api/v1/backups", json::object{}, key);
    ASSERT_EQ(r.status, 202) << r.body;
    const std::string task(r.json().at("id").as_string());
    json::object t;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (std::chrono::steady_clock::now() < deadline) {
        t = second.http().get("/api/v1/backups/tasks/" + task, key).json().as_object();
        if (t.at("status").as_string() != "queued" && t.at("status").as_string() != "running")
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_EQ(std::string(t.at("status").as_string()), "done") << json::serialize(t);
    const std::vector<std::string> env = {
        "RESTIC_REPOSITORY=" + (dir / "backups/repo").string(),
        "RESTIC_PASSWORD_FILE=" + (dir / "backups/repository-password").string(),
        "RESTIC_CACHE_DIR=" + (dir / "backups/cache").string()};
    // `check` needs an exclusive lock, so first `unlock` (stale locks only,
    // as the panel does before forget --prune). The killed restic's lock is
    // stale once that process is gone; where nothing reaps orphans at once
    // (a container whose PID 1 is not an init) it lingers as a zombie for a
    // while, which restic counts as alive: try again until it is gone.
    ProcessResult check;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    do {
        run({"/usr/bin/env", env[0], env[1], env[2], "/usr/bin/restic", "unlock"});
        check = run({"/usr/bin/env", env[0], env[1], env[2], "/usr/bin/restic", "check"});
        if (check.exit_code == 0 || check.output.find("already locked") == std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    } while (std::chrono::steady_clock::now() < deadline);
    EXPECT_EQ(check.exit_code, 0) << check.output;

    // The every-account schedule (due at once: schedule_hour 0) runs a
    // backup of carol, then prunes to one daily snapshot.
    auto put = second.http().put(
        "/api/v1/backups/schedule",
        {{"enabled", true}, {"keep_daily", 1}, {"keep_weekly", 0}, {"keep_monthly", 0}},
        second.admin_key());
    ASSERT_EQ(put.status, 200) << put.body;
    bool pruned = false, scheduled = false;
    deadline = std::chrono::steady_clock::now() + std::chrono::seconds(300);
    while (std::chrono::steady_clock::now() < deadline && !pruned) {
        const json::array tasks = second.http().get("/api/v1/backups/tasks", key).json().as_array();
        for (const auto& task_v : tasks) {
            const auto& o = task_v.as_object();
            if (o.at("kind").as_string() == "prune" && o.at("status").as_string() == "done")
                pruned = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    ASSERT_TRUE(pruned);
    int done = 0;
    const json::array runs = second.http().get("/api/v1/backups", key).json().as_array();
    for (const auto& b : runs) {
        if (b.at("status").as_string() != "done") continue;
        ++done;
        scheduled = scheduled || b.at("trigger").as_string() == "schedule";
    }
    EXPECT_EQ(done, 1);
    EXPECT_TRUE(scheduled);
    auto sched = second.http().get("/api/v1/backups/schedule", second.admin_key()).json();
    EXPECT_FALSE(sched.at("last_run").is_null());
    second.stop();
    fs::remove_all(dir);
}

}  // namespace
}  // namespace wsp::test
