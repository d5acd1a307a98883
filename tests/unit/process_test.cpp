// run_process: exit codes, output capture with a bounded tail, stdin, a
// clean environment, a deadline that kills the whole process group, and
// a switch of identity when the panel runs as root.
#include "system/process.h"

#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "drivers/job_runner.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& o = {}) {
    auto r = run_process(argv, o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ProcessResult{};
}

ProcessResult sh(const std::string& script, const ProcessOptions& o = {}) {
    return run({"/bin/sh", "-c", script}, o);
}

// True when `pid` is gone (or only a zombie waiting for init to reap it).
bool gone(pid_t pid) {
    if (::kill(pid, 0) != 0) return errno == ESRCH;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string pid_field, comm, state;
    stat >> pid_field >> comm >> state;
    return state == "Z" || state == "X";
}

TEST(RunProcess, ExitCodes) {
    EXPECT_EQ(run({"/bin/true"}).exit_code, 0);
    EXPECT_TRUE(run({"/bin/true"}).ok());
    auto r = sh("exit 3");
    EXPECT_EQ(r.exit_code, 3);
    EXPECT_FALSE(r.ok());
    EXPECT_FALSE(r.timed_out);
}

TEST(RunProcess, KilledBySignal) {
    auto r = sh("kill -KILL $$");
    EXPECT_EQ(r.exit_code, -1);
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_FALSE(r.ok());
}

TEST(RunProcess, CapturesStdoutAndStderr) {
    auto r = sh("echo out; echo err >&2");
    EXPECT_EQ(r.output, "out\nerr\n");
    EXPECT_FALSE(r.truncated);
}

TEST(RunProcess, ArgumentsAreNotInterpretedByAShell) {
    auto r = run({"/bin/echo", "$HOME; rm -rf /", "`id`"});
    EXPECT_EQ(r.output, "$HOME; rm -rf / `id`\n");
}

TEST(RunProcess, FeedsStdin) {
    ProcessOptions o;
    o.stdin_data = "hello\nworld\n";
    EXPECT_EQ(run({"/bin/cat"}, o).output, "hello\nworld\n");
    // Without stdin data the child reads end-of-file, it does not hang.
    EXPECT_EQ(run({"/bin/cat"}).output, "");
}

TEST(RunProcess, CleanEnvironment) {
    ::setenv("WSP_SECRET_OF_PARENT", "leak", 1);
    auto r = run({"/usr/bin/env"});
    ::unsetenv("WSP_SECRET_OF_PARENT");
    EXPECT_EQ(r.output, "PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin\n");
    ProcessOptions o;
    o.env = {"A=1", "B=two"};
    EXPECT_EQ(run({"/usr/bin/env"}, o).output, "A=1\nB=two\n");
}

TEST(RunProcess, WorkingDirectory) {
    ProcessOptions o;
    o.cwd = "/tmp";
    EXPECT_EQ(run({"/bin/pwd"}, o).output, "/tmp\n");
    o.cwd = "/nonexistent-dir-for-wsp-test";
    EXPECT_EQ(run({"/bin/pwd"}, o).exit_code, 126);
}

TEST(RunProcess, FileDescriptorsDoNotLeak) {
    // Only 0, 1, 2 (and the fd ls opens for the listing itself).
    auto r = run({"/bin/ls", "/proc/self/fd"});
    EXPECT_EQ(r.output, "0\n1\n2\n3\n");
}

TEST(RunProcess, RejectsRelativeOrMissingPrograms) {
    EXPECT_FALSE(run_process({"sh", "-c", "true"}).ok());
    EXPECT_FALSE(run_process({}).ok());
    EXPECT_FALSE(run_process({""}).ok());
    EXPECT_EQ(run({"/nonexistent/program"}).exit_code, 127);
}

TEST(RunProcess, OutputKeepsTheBoundedTail) {
    ProcessOptions o;
    o.max_output = 1000;
    auto r = sh("i=0; while [ $i -lt 3000 ]; do echo line$i; i=$((i+1)); done; echo END", o);
    EXPECT_EQ(r.exit_code, 0);
    EXPECT_TRUE(r.truncated);
    EXPECT_EQ(r.output.size(), 1000u);
    EXPECT_TRUE(r.output.ends_with("line2999\nEND\n")) << r.output.substr(r.output.size() - 40);
}

TEST(RunProcess, OutputExactlyAtTheBoundIsNotTruncated) {
    ProcessOptions o;
    o.max_output = 6;
    auto r = sh("printf 123456", o);
    EXPECT_EQ(r.output, "123456");
    EXPECT_FALSE(r.truncated);
}

TEST(RunProcess, TimeoutKillsTheWholeGroup) {
    char tmpl[] = "/tmp/wsp-proc-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    const fs::path dir = tmpl;
    const fs::path pid_file = dir / "child.pid";
    ProcessOptions o;
    o.timeout = 500ms;
    // A background grandchild that also holds the output pipe open.
    auto r = sh("sleep 60 & echo $! > " + pid_file.string() + "; sleep 60", o);
    EXPECT_TRUE(r.timed_out);
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(r.signal, SIGKILL);
    EXPECT_GE(r.duration, 450ms);
    EXPECT_LT(r.duration, 10s);
    pid_t child = 0;
    std::ifstream(pid_file) >> child;
    ASSERT_GT(child, 0);
    bool child_gone = false;
    for (int i = 0; i < 100 && !child_gone; ++i) {
        child_gone = gone(child);
        if (!child_gone) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(child_gone) << "grandchild " << child << " survived the timeout";
    fs::remove_all(dir);
}

TEST(RunProcess, TimeoutWithQuietChild) {
    ProcessOptions o;
    o.timeout = 300ms;
    auto r = run({"/bin/sleep", "30"}, o);
    EXPECT_TRUE(r.timed_out);
    EXPECT_LT(r.duration, 10s);
}

TEST(RunProcess, FastChildIsNotTimedOut) {
    ProcessOptions o;
    o.timeout = 10s;
    auto r = sh("echo quick", o);
    EXPECT_FALSE(r.timed_out);
    EXPECT_EQ(r.output, "quick\n");
    EXPECT_LT(r.duration, 5s);
}

TEST(RunProcess, RunAsSwitchesIdentityWhenRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    struct passwd* pw = ::getpwnam("wispanel");
    if (!pw) pw = ::getpwnam("nobody");
    ASSERT_NE(pw, nullptr);
    ProcessOptions o;
    o.run_as = RunAs{pw->pw_uid, pw->pw_gid};
    auto r = sh("id -u; id -g; id -G", o);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    const std::string uid = std::to_string(pw->pw_uid), gid = std::to_string(pw->pw_gid);
    EXPECT_EQ(r.output, uid + "\n" + gid + "\n" + gid + "\n");
    // The switch is irreversible: the child cannot become root again.
    auto back =
        run({"/usr/bin/perl", "-e", "$< = 0; $> = 0; print $> == 0 ? qq(root\\n) : qq(no\\n)"}, o);
    EXPECT_EQ(back.output, "no\n");
}

}  // namespace
}  // namespace wsp

namespace wsp {
namespace {

// System mode: a job gets the account's supplementary groups and its
// resource limits, set before the identity switch so it cannot raise them.
TEST(RunProcess, RunAsSetsSupplementaryGroupsAndLimits) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root";
    struct passwd* pw = ::getpwnam("wispanel");
    if (!pw) pw = ::getpwnam("nobody");
    ASSERT_NE(pw, nullptr);
    ProcessOptions o;
    const gid_t extra = 4;  // adm on Debian; any non-root group will do
    o.run_as = RunAs{pw->pw_uid, pw->pw_gid, {pw->pw_gid, extra}};
    o.limits = {{RLIMIT_NOFILE, 64}, {RLIMIT_FSIZE, 1024 * 1024}};
    auto r = sh("id -G; ulimit -n; ulimit -Hn; ulimit -n 65 2>/dev/null && echo raised", o);
    EXPECT_NE(r.exit_code, 0) << r.output;  // the raise fails
    EXPECT_EQ(r.output, std::to_string(pw->pw_gid) + " " + std::to_string(extra) + "\n64\n64\n");
}

TEST(JobLimits, OnlySetLimitsAndInTheirUnits) {
    IdentityConfig c;
    EXPECT_TRUE(job_limits(c).empty());
    c.job_max_open_files = 100;
    c.job_max_memory_mb = 2;
    auto l = job_limits(c);
    ASSERT_EQ(l.size(), 2u);
    EXPECT_EQ(l[0].resource, RLIMIT_NOFILE);
    EXPECT_EQ(l[0].value, 100u);
    EXPECT_EQ(l[1].resource, RLIMIT_AS);
    EXPECT_EQ(l[1].value, 2u * 1024 * 1024);
}

}  // namespace
}  // namespace wsp
