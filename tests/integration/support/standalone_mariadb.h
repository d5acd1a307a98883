#pragma once
// A private mariadbd the test starts in its own data directory (a second
// server beside the panel's own, or the "system" server of system-mode
// tests): install-db, start, wait for a ping; stop() or the destructor
// ends it. Root logs in over the socket (unix_socket authentication).
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "system/process.h"

namespace wsp::test {

class StandaloneMariadb {
  public:
    // Starts the server under `root` (made readable for the mysql user):
    // `root`/data, `root`/run/mysqld.sock, `root`/mariadb.log. With a
    // `port`, it also listens on 127.0.0.1:port; else no networking.
    // Failures are gtest failures; check started() after.
    void start(const std::filesystem::path& root, int port = 0) {
        root_ = root;
        ::chmod(root_.c_str(), 0755);  // mysql (and clients) reach the socket
        // Its own tmpdir: servers sharing /tmp lose each other's temporary
        // tables (src/drivers/mariadb_server.cpp).
        const auto data = root_ / "data", run = root_ / "run", tmp = root_ / "tmp";
        for (const auto& d : {data, run, tmp}) std::filesystem::create_directories(d);
        const passwd* mysql = ::getpwnam("mysql");
        ASSERT_NE(mysql, nullptr);
        for (const auto& d : {data, run, tmp})
            ASSERT_EQ(::chown(d.c_str(), mysql->pw_uid, mysql->pw_gid), 0);
        ::chmod(run.c_str(), 0755);
        socket_ = (run / "mysqld.sock").string();
        auto init = run_process(
            {"/usr/bin/mariadb-install-db", "--no-defaults", "--user=mysql",
             "--datadir=" + data.string(), "--auth-root-authentication-method=socket",
             "--skip-test-db", "--innodb-log-file-size=8M", "--tmpdir=" + tmp.string()},
            ProcessOptions{.env = path(), .cwd = data, .timeout = std::chrono::seconds(120)});
        ASSERT_TRUE(init.ok() && init->ok()) << (init.ok() ? init->output : "install-db");
        // install-db leaves a few files owned by root.
        ASSERT_TRUE(run_process({"/bin/chown", "-R", "mysql:mysql", data.string()}).ok());
        std::vector<std::string> argv{"/usr/sbin/mariadbd",  "--no-defaults",
                                      "--user=mysql",        "--datadir=" + data.string(),
                                      "--socket=" + socket_, "--tmpdir=" + tmp.string()};
        if (port > 0)
            argv.insert(argv.end(), {"--bind-address=127.0.0.1", "--port=" + std::to_string(port)});
        else
            argv.emplace_back("--skip-networking");
        argv.insert(argv.end(), {"--pid-file=" + (run / "mysqld.pid").string(), "--skip-log-bin",
                                 "--skip-name-resolve", "--innodb-log-file-size=8M",
                                 "--innodb-buffer-pool-size=32M", "--performance-schema=OFF"});
        auto pid = spawn_process(argv, ProcessOptions{.env = path()}, root_ / "mariadb.log");
        ASSERT_TRUE(pid.ok());
        pid_ = *pid;
        bool up = false;
        for (int i = 0; i < 300 && !up; ++i) {
            auto ping = run_process(
                {"/usr/bin/mariadb-admin", "--no-defaults", "--socket=" + socket_, "ping"},
                ProcessOptions{.env = path(), .timeout = std::chrono::seconds(5)});
            up = ping.ok() && ping->ok();
            if (!up) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ASSERT_TRUE(up) << log();
    }

    // SIGTERM, then SIGKILL after 15 s; removes the directory.
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            for (int i = 0; i < 300 && ::waitpid(pid_, nullptr, WNOHANG) != pid_; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, WNOHANG);
            pid_ = -1;
        }
        if (!root_.empty()) {
            std::error_code ec;
            std::filesystem::remove_all(root_, ec);
            root_.clear();
        }
    }
    ~StandaloneMariadb() { stop(); }

    bool started() const { return pid_ > 0; }
    const std::string& socket() const { return socket_; }
    std::string log() const {
        std::ifstream in(root_ / "mariadb.log");
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    static std::vector<std::string> path() { return {"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}; }

  private:
    std::filesystem::path root_;
    std::string socket_;
    pid_t pid_ = -1;
};

}  // namespace wsp::test
