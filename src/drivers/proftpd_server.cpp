#include "drivers/proftpd_server.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "system/file_io.h"
#include "system/process.h"

namespace wsp {

bool ftp_greets(const std::string& host, int port, int timeout_ms) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool ok = ::inet_pton(AF_INET, host.c_str(), &addr.sin_addr) == 1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    auto left = [&] {
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      deadline - std::chrono::steady_clock::now())
                      .count();
        return static_cast<int>(std::max<int64_t>(ms, 0));
    };
    if (ok && ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        pollfd p{fd, POLLOUT, 0};
        int err = 0;
        socklen_t len = sizeof err;
        ok = errno == EINPROGRESS && ::poll(&p, 1, left()) == 1 &&
             ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err == 0;
    }
    std::string line;
    while (ok && line.find('\n') == std::string::npos && line.size() < 512) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, left()) != 1) {
            ok = false;
            break;
        }
        char buf[256];
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            ok = false;
            break;
        }
        line.append(buf, static_cast<size_t>(n));
    }
    if (ok) ::write(fd, "QUIT\r\n", 6);
    ::close(fd);
    return ok && line.starts_with("220");
}

bool ProftpdServer::installed() const {
    return ::access(binary_.c_str(), X_OK) == 0 &&
           std::filesystem::exists(settings_.modules / "mod_sql_sqlite.so");
}

Result<void> ProftpdServer::write_files() {
    std::lock_guard lock(mutex_);
    const auto& dir = settings_.dir;
    std::error_code ec;
    for (const auto& sub : {dir, dir / "run", dir / "log"}) {
        std::filesystem::create_directories(sub, ec);
        if (ec) return internal("cannot create the FTP directory");
        ::chmod(sub.c_str(), 0700);
    }
    // Stale run files of a killed master would make ProFTPD refuse to start.
    for (const char* stale : {"proftpd.pid", "proftpd.scoreboard", "proftpd.scoreboard.lck"})
        std::filesystem::remove(dir / "run" / stale, ec);
    // Each anonymous site runs as its domain's owner (as root, each account
    // has its own uid and a 0750 home), chrooted and read-only, as in
    // system mode.
    ProftpdSettings settings = settings_;
    const auto [passwd, group] =
        name_anonymous_sites(settings, anon_uid_, anon_gid_, dir / "anon-home");
    // Must not be world-readable, or ProFTPD refuses to start.
    CHECK_OK(write_file_atomic(dir / "anon.passwd", passwd, 0600));
    CHECK_OK(write_file_atomic(dir / "anon.group", group, 0600));
    return write_file_atomic(dir / "proftpd.conf", render_proftpd_config(settings), 0600);
}

Result<void> ProftpdServer::start() {
    if (!installed()) {
        spdlog::warn("ftp: {} (or mod_sql_sqlite) is not installed; FTP is off", binary_.string());
        return Ok{};
    }
    CHECK_OK(write_files());
    const auto conf = settings_.dir / "proftpd.conf";
    ChildSpec spec;
    spec.name = kChildName;
    spec.argv = {binary_.string(), "--nodaemon", "-c", conf.string()};
    // --nodaemon sends every log line to stderr: that is the log.
    spec.log_file = settings_.dir / "log" / "proftpd.log";
    spec.stop_grace = std::chrono::seconds(5);
    spec.before_start = [this, conf]() -> Result<void> {
        CHECK_OK(write_files());
        TRY(ProcessResult check, run_process({binary_.string(), "-t", "-c", conf.string()},
                                             ProcessOptions{.timeout = std::chrono::seconds(10)}));
        if (!check.ok()) {
            spdlog::error("ftp: proftpd.conf check failed: {}", check.output);
            return internal("proftpd.conf check failed");
        }
        return Ok{};
    };
    supervisor_.start(std::move(spec));
    started_ = true;
    return Ok{};
}

Result<void> ProftpdServer::set_anonymous(std::vector<AnonymousSite> sites) {
    {
        std::lock_guard lock(mutex_);
        if (settings_.anonymous == sites) return Ok{};
        settings_.anonymous = std::move(sites);
    }
    if (!started_) return Ok{};
    // The child's before_start writes the new config. Wait for the new
    // process to greet, so the change is live when the API answers.
    const int before = supervisor_.starts(kChildName);
    supervisor_.restart(kChildName);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (supervisor_.starts(kChildName) > before && running()) return Ok{};
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    spdlog::warn("ftp: the server did not come back within 10 s after a config change");
    return Ok{};
}

bool ProftpdServer::running() const {
    return supervisor_.running(kChildName) &&
           ftp_greets(settings_.address, static_cast<int>(settings_.port), 1500);
}

void end_proftpd_sessions(const std::string& username,
                          const std::function<bool(const std::string& proc_dir)>& is_ours) {
    const std::string title = "proftpd: " + username + " - ";
    DIR* proc = ::opendir("/proc");
    if (!proc) return;
    while (dirent* e = ::readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end != '\0') continue;
        const std::string base = std::string("/proc/") + e->d_name;
        std::ifstream cmd(base + "/cmdline");
        std::string cmdline((std::istreambuf_iterator<char>(cmd)), {});
        if (cmdline.starts_with(title) && is_ours(base)) ::kill(static_cast<pid_t>(pid), SIGTERM);
    }
    ::closedir(proc);
}

void ProftpdServer::end_sessions(const std::string& username) const {
    auto master = supervisor_.pid(kChildName);
    if (!master) return;
    // Only children of our own master.
    end_proftpd_sessions(username, [&](const std::string& base) {
        std::ifstream stat(base + "/stat");
        std::string stat_line;
        std::getline(stat, stat_line);
        // Field 4 (ppid) follows the ")" that ends the command name.
        auto close = stat_line.rfind(')');
        if (close == std::string::npos) return false;
        std::istringstream fields(stat_line.substr(close + 2));
        char state;
        long ppid = 0;
        fields >> state >> ppid;
        return ppid == *master;
    });
}

}  // namespace wsp
