#include "system/process.h"

#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace wsp {
namespace {

// argv/envp arrays built before fork, so the child only calls
// async-signal-safe functions.
struct CArgs {
    explicit CArgs(const std::vector<std::string>& items) {
        for (const auto& s : items) ptrs.push_back(const_cast<char*>(s.c_str()));
        ptrs.push_back(nullptr);
    }
    std::vector<char*> ptrs;
};

std::vector<std::string> default_env(const ProcessOptions& o) {
    if (!o.env.empty()) return o.env;
    return {"PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"};
}

// In the child, after fork: never returns.
[[noreturn]] void exec_child(const CArgs& argv, const CArgs& envp, const ProcessOptions& o,
                             int stdin_fd, int out_fd, int err_fd) {
    ::setpgid(0, 0);
    // Default signal dispositions and mask, whatever the panel set.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int s : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD}) ::signal(s, SIG_DFL);
    ::dup2(stdin_fd, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    ::close_range(3, ~0U, 0);
    if (!o.cwd.empty() && ::chdir(o.cwd.c_str()) != 0) ::_exit(126);
    for (const ResourceLimit& l : o.limits) {
        struct rlimit r {
            static_cast<rlim_t>(l.value), static_cast<rlim_t>(l.value)
        };
        if (::setrlimit(l.resource, &r) != 0) ::_exit(126);
    }
    if (o.run_as) {
        const RunAs& as = *o.run_as;
        // Groups, then gid, then uid (real, effective and saved all): once
        // the uid is not 0 nothing can be changed back.
        if (::syscall(SYS_setgroups, as.groups.size(), as.groups.data()) != 0 && ::geteuid() == 0)
            ::_exit(126);
        if (::setresgid(as.gid, as.gid, as.gid) != 0 || ::setresuid(as.uid, as.uid, as.uid) != 0)
            ::_exit(126);
        if (as.uid != 0 && (::setuid(0) == 0 || ::setgid(0) == 0)) ::_exit(126);  // irreversible
    }
    // Dies with the panel even if the panel is killed outright, so a crash
    // does not leave orphaned daemons holding ports (set after the identity
    // switch, which would clear it). A program that changes its own
    // credentials after exec (ProFTPD's master) loses it again: its driver
    // stops such a leftover at the next start (system/leftover_server.h).
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() == 1) ::_exit(126);
    ::execve(argv.ptrs[0], argv.ptrs.data(), envp.ptrs.data());
    ::_exit(127);
}

void kill_group(pid_t pid) {
    ::kill(-pid, SIGKILL);
}

}  // namespace

Result<ProcessResult> run_process(const std::vector<std::string>& argv, const ProcessOptions& o) {
    if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
        return internal("run_process needs an absolute program path");
    auto env = default_env(o);
    CArgs cargv(argv), cenv(env);
    int out[2], in[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return internal("pipe failed");
    if (::pipe2(in, O_CLOEXEC) != 0) {
        ::close(out[0]);
        ::close(out[1]);
        return internal("pipe failed");
    }
    const auto started = std::chrono::steady_clock::now();
    pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {out[0], out[1], in[0], in[1]}) ::close(fd);
        return internal("fork failed");
    }
    if (pid == 0) exec_child(cargv, cenv, o, in[0], out[1], out[1]);
    ::setpgid(pid, pid);  // also from the parent: no race with kill_group
    ::close(out[1]);
    ::close(in[0]);
    if (!o.stdin_data.empty()) {
        ::signal(SIGPIPE, SIG_IGN);
        size_t off = 0;
        while (off < o.stdin_data.size()) {
            ssize_t n = ::write(in[1], o.stdin_data.data() + off, o.stdin_data.size() - off);
            if (n <= 0) break;
            off += static_cast<size_t>(n);
        }
    }
    ::close(in[1]);

    ProcessResult r;
    std::string& buf = r.output;
    char chunk[8192];
    const auto deadline = started + o.timeout;
    for (;;) {
        int wait_ms = -1;
        if (o.timeout.count() > 0) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                r.timed_out = true;
                kill_group(pid);
                break;
            }
            wait_ms = static_cast<int>(left.count());
        }
        struct pollfd p {
            out[0], POLLIN, 0
        };
        int rc = ::poll(&p, 1, wait_ms);
        if (rc < 0 && errno == EINTR) continue;
        if (rc == 0) continue;  // deadline check above
        ssize_t n = ::read(out[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        buf.append(chunk, static_cast<size_t>(n));
        // Keep the tail: a job's last lines say why it failed.
        if (buf.size() > 2 * o.max_output) {
            buf.erase(0, buf.size() - o.max_output);
            r.truncated = true;
        }
    }
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    // Children the command left behind in its group go too.
    if (r.timed_out) kill_group(pid);
    if (buf.size() > o.max_output) {
        buf.erase(0, buf.size() - o.max_output);
        r.truncated = true;
    }
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started);
    return r;
}

Result<pid_t> spawn_process(const std::vector<std::string>& argv, const ProcessOptions& o,
                            const std::filesystem::path& log_file) {
    if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
        return internal("spawn_process needs an absolute program path");
    auto env = default_env(o);
    CArgs cargv(argv), cenv(env);
    int log = ::open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (log < 0) return internal("cannot open log " + log_file.filename().string());
    int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    pid_t pid = ::fork();
    if (pid == 0) exec_child(cargv, cenv, o, null_in, log, log);
    ::close(log);
    ::close(null_in);
    if (pid < 0) return internal("fork failed");
    ::setpgid(pid, pid);
    return pid;
}

Result<Child> Child::start(const std::vector<std::string>& argv, const ProcessOptions& o,
                           int stdin_fd, int stdout_fd) {
    if (argv.empty() || argv[0].empty() || argv[0][0] != '/')
        return internal("Child::start needs an absolute program path");
    auto env = default_env(o);
    CArgs cargv(argv), cenv(env);
    UniqueFd err(::memfd_create("stderr", MFD_CLOEXEC));
    if (!err.valid()) return internal("memfd_create failed");
    UniqueFd null_in;
    if (stdin_fd < 0) {
        null_in = UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
        stdin_fd = null_in.get();
    }
    const int out_fd = stdout_fd < 0 ? err.get() : stdout_fd;
    pid_t pid = ::fork();
    if (pid < 0) return internal("fork failed");
    if (pid == 0) exec_child(cargv, cenv, o, stdin_fd, out_fd, err.get());
    ::setpgid(pid, pid);
    return Child(pid, std::move(err), o.max_output);
}

Child::Child(pid_t pid, UniqueFd err, size_t max_output)
    : pid_(pid),
      err_(std::move(err)),
      max_output_(max_output),
      started_(std::chrono::steady_clock::now()) {}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      err_(std::move(other.err_)),
      max_output_(other.max_output_),
      started_(other.started_) {}

Child& Child::operator=(Child&& other) noexcept {
    if (this != &other) {
        if (pid_ > 0) {
            kill();
            (void)wait();
        }
        pid_ = std::exchange(other.pid_, -1);
        err_ = std::move(other.err_);
        max_output_ = other.max_output_;
        started_ = other.started_;
    }
    return *this;
}

Child::~Child() {
    if (pid_ > 0) {
        kill();
        (void)wait();
    }
}

void Child::kill() {
    if (pid_ > 0) kill_group(pid_);
}

ProcessResult Child::wait() {
    ProcessResult r;
    if (pid_ <= 0) return r;
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    pid_ = -1;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.duration = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    if (err_.valid()) {
        off_t size = std::max<off_t>(0, ::lseek(err_.get(), 0, SEEK_END));
        off_t from =
            size > static_cast<off_t>(max_output_) ? size - static_cast<off_t>(max_output_) : 0;
        r.truncated = from > 0;
        r.output.resize(static_cast<size_t>(size - from));
        ssize_t n = ::pread(err_.get(), r.output.data(), r.output.size(), from);
        r.output.resize(n > 0 ? static_cast<size_t>(n) : 0);
    }
    return r;
}

}  // namespace wsp
