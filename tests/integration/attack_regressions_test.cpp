// Regressions for what the attack scripts found (issue 16, docs/reliability.md):
// tests/attack/corpus.sh (hostile input) and tests/attack/kill9.py (kill -9
// loops with an invariant checker).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "support/panel_process.h"

namespace wsp::test {
namespace {

namespace stdfs = std::filesystem;

// Sends `request` on a new connection and reads until the panel closes it
// (or 10 s pass); what came back.
std::string exchange(int port, const std::string& request) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return {};
    }
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    (void)::send(fd, request.data(), request.size(), MSG_NOSIGNAL);
    std::string got;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<size_t>(n));
    ::close(fd);
    return got;
}

// corpus case http-012: Beast's parser throws std::length_error for a
// chunked trailer field over 64 KB, and the exception left the event loop:
// any client, without a token, ended the whole panel.
TEST(AttackRegressions, AHugeChunkedTrailerEndsOnlyItsOwnConnection) {
    PanelProcess panel;
    const std::string request =
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nX-Trailer: " +
        std::string(100000, 'a') + "\r\n\r\n";
    for (int i = 0; i < 3; ++i) (void)exchange(panel.port(), request);
    EXPECT_EQ(::kill(panel.pid(), 0), 0) << panel.log();
    EXPECT_EQ(panel.http().get("/api/v1/health").status, 200) << panel.log();
    EXPECT_NE(panel.log().find("a connection ended with an exception"), std::string::npos);
}

int sh(const std::string& command) {
    return std::system(command.c_str());  // NOLINT(cert-env33-c): test setup
}

std::string capture(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buf[512];
        while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
        ::pclose(p);
    }
    return out;
}

// kill9.py, case "database": a panel killed between CREATE DATABASE and
// the store's insert left a database and a user no record knew (the name
// then stayed taken, 409, for good); killed between the drops and the
// store's delete, a record of a database that no longer existed. The state
// such a kill leaves is made here by hand (an intent row with the server
// side half done); the next start finishes both.
TEST(AttackRegressions, ADatabaseCreateOrDeleteCutShortIsFinishedAtTheNextStart) {
    const auto data = make_temp_dir("wsp-db-intents");
    const std::string mariadb_port = "mariadb.port=" + std::to_string(free_port());
    const PanelOptions options{.config = {"mariadb.mode=sandbox", mariadb_port}, .data_dir = data};
    const std::string cnf = (data / "mariadb-admin.cnf").string();
    const std::string sql = "mariadb --defaults-file=" + cnf + " -N -B -r -e ";
    std::string key;
    {
        PanelProcess panel(options);
        panel.keep_data_dir();
        ASSERT_TRUE(panel.wait_for_component("mariadb"));
        key = panel.create_user_with_key("kim");
        ASSERT_EQ(
            panel.http()
                .post("/api/v1/databases", {{"name", "keep"}, {"password", "Secure-pass-123"}}, key)
                .status,
            201);
        // A create cut short after GRANT; a delete cut short after DROP.
        ASSERT_EQ(
            sh(sql + "\"CREATE DATABASE kim_half; CREATE USER 'kim_half'@'localhost' IDENTIFIED "
                     "BY 'Secure-pass-123'; GRANT ALL ON \\`kim\\\\_half\\`.* TO "
                     "'kim_half'@'localhost'; DROP USER 'kim_keep'@'localhost'; DROP DATABASE "
                     "kim_keep\""),
            0);
        // A create cut short after GRANT with its marker on the database
        // (schema 0023), and one whose names were there before (its check
        // answered 409): only the marked database and its user go.
        ASSERT_EQ(sh(sql + "\"CREATE DATABASE kim_mark COMMENT 'wsp:00000000000000aa'; CREATE "
                           "USER 'kim_mark'@'localhost'; CREATE DATABASE kim_pre; CREATE USER "
                           "'kim_pre'@'localhost'\""),
                  0);
        ASSERT_EQ(sh("sqlite3 " + (data / "panel.db").string() +
                     " \"INSERT INTO database_intents(name, db_user, owner, host, op, "
                     "created_at, marker) VALUES "
                     "('kim_half','kim_half','kim','local','create',1,''),"
                     "('kim_keep','kim_keep','kim','local','delete',1,''),"
                     "('kim_mark','kim_mark','kim','local','create',1,'wsp:00000000000000aa'),"
                     "('kim_pre','kim_pre','kim','local','create',1,'wsp:00000000000000bb')\""),
                  0)
            << "no database_intents table";
        panel.stop();
    }
    // The next panel appends to the same log: without this, the first
    // start's "reconciled" line ended the wait below at once (CI saw the
    // marked database still there, its drop a moment away).
    stdfs::remove(data / "panel.log");
    {
        PanelProcess panel(options);
        ASSERT_TRUE(panel.wait_for_component("mariadb"));
        for (int i = 0; i < 300 && panel.log().find("databases: reconciled") == std::string::npos;
             ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        EXPECT_EQ(capture(sql + "\"SHOW DATABASES LIKE 'kim\\\\_%'\""), "kim_pre\n");
        EXPECT_EQ(capture(sql + "\"SELECT User FROM mysql.user WHERE User LIKE 'kim\\\\_%'\""),
                  "kim_pre\n");
        EXPECT_EQ(capture("sqlite3 " + (data / "panel.db").string() +
                          " \"SELECT COUNT(*) FROM database_intents\""),
                  "0\n");
        EXPECT_EQ(panel.http().get("/api/v1/databases/kim_keep", key).status, 404);
        // The name is free again.
        EXPECT_EQ(
            panel.http()
                .post("/api/v1/databases", {{"name", "half"}, {"password", "Secure-pass-123"}}, key)
                .status,
            201)
            << panel.log();
    }
    std::error_code ec;
    stdfs::remove_all(data, ec);
}

}  // namespace
}  // namespace wsp::test
