// Stopping a server that outlived a panel killed outright: only the process
// the pid file names, only when it is ours, its whole group, SIGKILL after
// the grace period.
#include "system/leftover_server.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "system/process.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Gone, or a zombie (as an orphan is until its new parent reaps it).
bool gone(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto close = stat.rfind(')');
    return close == std::string::npos || close + 2 >= stat.size() || stat[close + 2] == 'Z';
}

class LeftoverServer : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-leftover-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        for (pid_t pid : spawned_) {
            ::kill(-pid, SIGKILL);
            ::waitpid(pid, nullptr, 0);
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    // A "server" in its own group, its output in DIR/log, its pid in DIR/pid.
    pid_t spawn(const std::vector<std::string>& argv) {
        auto pid = spawn_process(argv, {}, dir_ / "log");
        EXPECT_TRUE(pid.ok());
        if (!pid.ok()) return -1;
        spawned_.push_back(*pid);
        std::ofstream(dir_ / "pid") << *pid << "\n";
        // Until it has exec'd its own program (the checks read its exe and
        // command line): its command line is `argv`. Up to 10 s: on a loaded
        // machine the ASan build once took more than the 2 s this waited
        // for a changed exe, and found the child not yet "ours".
        std::string expected;
        for (const auto& a : argv) expected += a + '\0';
        const std::string proc = "/proc/" + std::to_string(*pid);
        for (int i = 0; i < 1000 && proc_cmdline(proc) != expected; ++i)
            std::this_thread::sleep_for(10ms);
        return *pid;
    }
    fs::path dir_;
    std::vector<pid_t> spawned_;
};

TEST_F(LeftoverServer, OnlyOursIsStoppedAndItsGroupWithIt) {
    const pid_t server = spawn({"/bin/sh", "-c", "sleep 60 & wait", "wsp-leftover-marker"});
    ASSERT_GT(server, 0);
    const std::string proc = "/proc/" + std::to_string(server);
    // Someone else's: left alone.
    EXPECT_FALSE(stop_leftover_server(
        dir_ / "pid", [](const std::string&) { return false; }, 5s, "test"));
    EXPECT_FALSE(gone(server));
    // No pid file, or one naming no live process: nothing to do.
    EXPECT_FALSE(stop_leftover_server(
        dir_ / "none", [](const std::string&) { return true; }, 5s, "test"));

    const auto ours = [](const std::string& p) {
        return proc_cmdline(p).find("wsp-leftover-marker") != std::string::npos;
    };
    EXPECT_TRUE(ours(proc));
    EXPECT_EQ(stop_leftover_server(dir_ / "pid", ours, 5s, "test"), server);
    EXPECT_TRUE(gone(server));
    int status = 0;
    ASSERT_EQ(::waitpid(server, &status, 0), server);
    spawned_.clear();
    EXPECT_TRUE(WIFSIGNALED(status));
    // Its child (the sleep) went with the group: nothing is left in it
    // (once the sleep's new parent has reaped it).
    bool empty = false;
    for (int i = 0; i < 500 && !empty; ++i) {
        empty = ::kill(-server, 0) != 0;
        if (!empty) std::this_thread::sleep_for(10ms);
    }
    EXPECT_TRUE(empty);
    // The pid file now names a process that is gone.
    EXPECT_FALSE(stop_leftover_server(dir_ / "pid", ours, 5s, "test"));
}

TEST_F(LeftoverServer, OneThatIgnoresSigtermIsKilledAfterTheGrace) {
    const pid_t server = spawn({"/bin/sh", "-c", "trap '' TERM; sleep 60; :", "stubborn"});
    ASSERT_GT(server, 0);
    EXPECT_EQ(stop_leftover_server(
                  dir_ / "pid",
                  [](const std::string& p) {
                      return proc_cmdline(p).find("stubborn") != std::string::npos;
                  },
                  200ms, "test"),
              server);
    int status = 0;
    ASSERT_EQ(::waitpid(server, &status, 0), server);
    spawned_.clear();
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(WTERMSIG(status), SIGKILL);
}

TEST_F(LeftoverServer, ABinaryWithAFileOfItsDirectoryOpenIsOurs) {
    const pid_t server = spawn({"/usr/bin/sleep", "60"});
    ASSERT_GT(server, 0);
    const std::string proc = "/proc/" + std::to_string(server);
    // Its stdout and stderr are DIR/log.
    EXPECT_TRUE(proc_runs_with_file_under(proc, "/usr/bin/sleep", dir_));
    EXPECT_FALSE(proc_runs_with_file_under(proc, "/usr/sbin/proftpd", dir_));
    EXPECT_FALSE(proc_runs_with_file_under(proc, "/usr/bin/sleep", dir_ / "elsewhere"));
    // A sibling directory whose name starts with ours is not ours.
    EXPECT_FALSE(proc_runs_with_file_under(proc, "/usr/bin/sleep",
                                           dir_.string().substr(0, dir_.string().size() - 1)));
}

}  // namespace
}  // namespace wsp
