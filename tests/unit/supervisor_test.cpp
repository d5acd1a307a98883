// The supervisor of long-running children: start, restart after a crash,
// stop everything (with SIGKILL after the grace period).
#include "system/supervisor.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

namespace wsp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit = 10s) {
    const auto deadline = Clock::now() + limit;
    while (Clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return condition();
}

bool process_exists(pid_t pid) {
    return ::kill(pid, 0) == 0 || errno != ESRCH;
}

class SupervisorTest : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-supervisor-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override {
        supervisor_.stop_all();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    ChildSpec spec(const std::string& name, std::vector<std::string> argv) {
        ChildSpec s;
        s.name = name;
        s.argv = std::move(argv);
        s.log_file = dir_ / (name + ".log");
        return s;
    }
    fs::path dir_;
    Supervisor supervisor_;
};

TEST_F(SupervisorTest, StartsAChild) {
    supervisor_.start(spec("sleeper", {"/bin/sleep", "60"}));
    ASSERT_TRUE(eventually([&] { return supervisor_.running("sleeper"); }));
    EXPECT_EQ(supervisor_.starts("sleeper"), 1);
    EXPECT_TRUE(process_exists(*supervisor_.pid("sleeper")));
    EXPECT_FALSE(supervisor_.running("nobody"));
    EXPECT_EQ(supervisor_.starts("nobody"), 0);
}

TEST_F(SupervisorTest, RestartsAfterACrash) {
    supervisor_.start(spec("sleeper", {"/bin/sleep", "60"}));
    ASSERT_TRUE(eventually([&] { return supervisor_.running("sleeper"); }));
    const pid_t first = *supervisor_.pid("sleeper");
    ASSERT_TRUE(supervisor_.kill_child("sleeper", SIGKILL));
    ASSERT_TRUE(eventually([&] {
        auto p = supervisor_.pid("sleeper");
        return p && *p != first;
    }));
    EXPECT_EQ(supervisor_.starts("sleeper"), 2);
    // The old process was reaped, not left a zombie.
    EXPECT_TRUE(eventually([&] { return !process_exists(first); }));
}

// Running, not a zombie waiting for its new parent to reap it.
bool alive(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

// A crashed child's helpers (php -S's workers, ProFTPD's sessions) go with
// it: left alive, php's workers kept the port and every restart failed.
TEST_F(SupervisorTest, WhatACrashedChildLeftInItsGroupIsKilled) {
    const fs::path worker_pid = dir_ / "worker.pid";
    supervisor_.start(
        spec("master",
             {"/bin/sh", "-c", "sleep 60 & echo $! > " + worker_pid.string() + "; exec sleep 60"}));
    ASSERT_TRUE(
        eventually([&] { return fs::exists(worker_pid) && fs::file_size(worker_pid) > 0; }));
    pid_t worker = 0;
    std::ifstream(worker_pid) >> worker;
    ASSERT_GT(worker, 0);
    ASSERT_TRUE(alive(worker));
    const pid_t master = *supervisor_.pid("master");
    fs::remove(worker_pid);
    ASSERT_EQ(::kill(master, SIGKILL), 0);  // the master alone, as a crash
    EXPECT_TRUE(eventually([&] { return !alive(worker); }));
    EXPECT_TRUE(eventually([&] { return supervisor_.starts("master") == 2; }));
}

TEST_F(SupervisorTest, RestartsAChildThatExitsOnItsOwn) {
    supervisor_.start(spec("quitter", {"/bin/sh", "-c", "echo ran; exit 1"}));
    EXPECT_TRUE(eventually([&] { return supervisor_.starts("quitter") >= 2; }));
}

TEST_F(SupervisorTest, LogsOutputToItsFile) {
    supervisor_.start(spec("talker", {"/bin/sh", "-c", "echo hello from child; sleep 60"}));
    ASSERT_TRUE(eventually(
        [&] { return fs::exists(dir_ / "talker.log") && fs::file_size(dir_ / "talker.log") > 0; }));
    EXPECT_EQ(fs::file_size(dir_ / "talker.log"), std::string("hello from child\n").size());
}

TEST_F(SupervisorTest, StopAllStopsEveryChildPromptly) {
    supervisor_.start(spec("a", {"/bin/sleep", "60"}));
    supervisor_.start(spec("b", {"/bin/sh", "-c", "sleep 60 & wait"}));
    ASSERT_TRUE(eventually([&] { return supervisor_.running("a") && supervisor_.running("b"); }));
    const pid_t a = *supervisor_.pid("a"), b = *supervisor_.pid("b");
    const auto started = Clock::now();
    supervisor_.stop_all();
    EXPECT_LT(Clock::now() - started, 5s);
    EXPECT_FALSE(process_exists(a));
    EXPECT_FALSE(process_exists(b));
    EXPECT_FALSE(supervisor_.running("a"));
    // Nothing restarts them afterwards.
    std::this_thread::sleep_for(1500ms);
    EXPECT_FALSE(supervisor_.running("a"));
}

TEST_F(SupervisorTest, StopAllKillsAChildThatIgnoresSigterm) {
    ChildSpec s = spec("stubborn", {"/bin/sh", "-c", "trap '' TERM; sleep 60"});
    s.stop_grace = 1s;
    supervisor_.start(std::move(s));
    ASSERT_TRUE(eventually([&] { return supervisor_.running("stubborn"); }));
    std::this_thread::sleep_for(200ms);  // let the shell install its trap
    const pid_t pid = *supervisor_.pid("stubborn");
    const auto started = Clock::now();
    supervisor_.stop_all();
    const auto took = Clock::now() - started;
    EXPECT_GE(took, 900ms);
    EXPECT_LT(took, 6s);
    EXPECT_FALSE(process_exists(pid));
}

TEST_F(SupervisorTest, RestartStartsAgainAtOnce) {
    supervisor_.start(spec("sleeper", {"/bin/sleep", "60"}));
    ASSERT_TRUE(eventually([&] { return supervisor_.running("sleeper"); }));
    const pid_t first = *supervisor_.pid("sleeper");
    supervisor_.restart("sleeper");
    ASSERT_TRUE(eventually(
        [&] {
            auto p = supervisor_.pid("sleeper");
            return p && *p != first;
        },
        3s));
    EXPECT_EQ(supervisor_.starts("sleeper"), 2);
}

TEST_F(SupervisorTest, BeforeStartFailureIsRetried) {
    auto calls = std::make_shared<std::atomic<int>>(0);
    ChildSpec s = spec("picky", {"/bin/sleep", "60"});
    s.before_start = [calls]() -> Result<void> {
        if (++*calls < 2) return internal("not yet");
        return Ok{};
    };
    supervisor_.start(std::move(s));
    ASSERT_TRUE(eventually([&] { return supervisor_.running("picky"); }));
    EXPECT_EQ(supervisor_.starts("picky"), 1);
    EXPECT_EQ(calls->load(), 2);
}

TEST_F(SupervisorTest, KillChildOfUnknownNameFails) {
    EXPECT_FALSE(supervisor_.kill_child("nobody", SIGKILL));
}

}  // namespace
}  // namespace wsp
