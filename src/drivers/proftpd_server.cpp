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

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "system/file_io.h"
#include "system/leftover_server.h"
#include "system/process.h"

namespace wsp {

bool ftp_greets(const std::string& host, int port, int timeout_ms) {
    return service_greets(host, port, timeout_ms, "220");
}

bool service_greets(const std::string& host, int port, int timeout_ms, const std::string& prefix) {
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
    if (ok && prefix == "220") ::write(fd, "QUIT\r\n", 6);
    ::close(fd);
    return ok && line.starts_with(prefix);
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
    // Stale run files of a killed master would make ProFTPD refuse to start
    // (a live leftover master was stopped first, in start()).
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
    // The master of a panel killed outright survives it (it changes its
    // credentials, which clears PR_SET_PDEATHSIG) and keeps the port: stop
    // it before its run files go. Ours when it runs our binary with a file
    // of our directory open (its log on stderr; its title hides "-c").
    stop_leftover_server(
        settings_.dir / "run" / "proftpd.pid",
        [this](const std::string& proc) {
            return proc_runs_with_file_under(proc, binary_, settings_.dir);
        },
        std::chrono::seconds(5), "ftp");
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

bool ProftpdServer::is_child(const std::string& base) const {
    auto master = supervisor_.pid(kChildName);
    if (!master) return false;
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
}

void ProftpdServer::end_sessions(const std::string& username) const {
    // Only children of our own master.
    end_proftpd_sessions(username, [&](const std::string& base) { return is_child(base); });
}

std::optional<FtpEndpoint> ProftpdServer::endpoint() const {
    return FtpEndpoint{settings_.address, settings_.port, settings_.tls.has_value(),
                       settings_.tls && settings_.tls->required};
}

std::optional<SftpEndpoint> ProftpdServer::sftp() const {
    if (!settings_.sftp) return std::nullopt;
    return SftpEndpoint{settings_.sftp->address, settings_.sftp->port, host_keys_};
}

bool ProftpdServer::sftp_running() const {
    return settings_.sftp && supervisor_.running(kChildName) &&
           service_greets(settings_.sftp->address, static_cast<int>(settings_.sftp->port), 1500,
                          "SSH-2.0-");
}

std::vector<FtpSessionInfo> ProftpdServer::sessions() const {
    const int64_t sftp_port = settings_.sftp ? settings_.sftp->port : -1;
    return list_proftpd_sessions(sftp_port,
                                 [&](const std::string& base) { return is_child(base); });
}

bool ProftpdServer::end_session(int64_t id) const {
    for (const auto& s : sessions()) {
        if (s.id != id) continue;
        return ::kill(static_cast<pid_t>(id), SIGTERM) == 0;
    }
    return false;
}

namespace {

std::string read_all(const std::string& path) {
    std::ifstream f(path);
    return std::string((std::istreambuf_iterator<char>(f)), {});
}

// "0100007F:08AE" (little-endian IPv4, port) -> ("127.0.0.1", 2222).
std::optional<std::pair<std::string, int64_t>> tcp4_endpoint(const std::string& field) {
    auto colon = field.find(':');
    if (colon != 8) return std::nullopt;
    char* end = nullptr;
    const unsigned long addr = std::strtoul(field.substr(0, 8).c_str(), &end, 16);
    if (*end) return std::nullopt;
    const long port = std::strtol(field.substr(9).c_str(), &end, 16);
    if (*end) return std::nullopt;
    std::ostringstream ip;
    ip << (addr & 255) << '.' << ((addr >> 8) & 255) << '.' << ((addr >> 16) & 255) << '.'
       << ((addr >> 24) & 255);
    return std::pair{ip.str(), static_cast<int64_t>(port)};
}

// Seconds since the epoch at which /proc/PID started.
int64_t process_start(const std::string& base) {
    static const int64_t boot = [] {
        std::istringstream in(read_all("/proc/stat"));
        std::string key;
        int64_t value = 0;
        while (in >> key) {
            if (key == "btime") {
                in >> value;
                return value;
            }
        }
        return int64_t{0};
    }();
    const std::string stat = read_all(base + "/stat");
    auto close = stat.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(stat.substr(close + 2));
    std::string field;
    // starttime is field 22; fields from 3 on follow the ")".
    for (int i = 3; i <= 22 && fields >> field; ++i) {
        if (i == 22)
            return boot + std::strtoll(field.c_str(), nullptr, 10) / ::sysconf(_SC_CLK_TCK);
    }
    return 0;
}

}  // namespace

std::vector<FtpSessionInfo> list_proftpd_sessions(
    int64_t sftp_port, const std::function<bool(const std::string& proc_dir)>& is_ours) {
    std::vector<FtpSessionInfo> out;
    DIR* proc = ::opendir("/proc");
    if (!proc) return out;
    while (dirent* e = ::readdir(proc)) {
        char* end = nullptr;
        long pid = std::strtol(e->d_name, &end, 10);
        if (pid <= 0 || *end != '\0') continue;
        const std::string base = std::string("/proc/") + e->d_name;
        std::string title = read_all(base + "/cmdline");
        if (auto nul = title.find('\0'); nul != std::string::npos) title.resize(nul);
        // "proftpd: USER - HOST: COMMAND"; the master and sessions before
        // login have other titles.
        constexpr std::string_view kPrefix = "proftpd: ";
        if (!title.starts_with(kPrefix)) continue;
        const auto dash = title.find(" - ", kPrefix.size());
        if (dash == std::string::npos) continue;
        const auto colon = title.find(": ", dash + 3);
        if (!is_ours(base)) continue;
        FtpSessionInfo info;
        info.id = pid;
        info.username = title.substr(kPrefix.size(), dash - kPrefix.size());
        info.command = colon == std::string::npos ? "" : title.substr(colon + 2);
        while (!info.command.empty() && info.command.back() == ' ') info.command.pop_back();
        info.since = process_start(base);
        info.protocol = "ftp";
        // The session's sockets, then its control connection in its TCP table.
        std::set<std::string> inodes;
        if (DIR* fds = ::opendir((base + "/fd").c_str())) {
            while (dirent* f = ::readdir(fds)) {
                char link[128];
                const std::string path = base + "/fd/" + f->d_name;
                ssize_t n = ::readlink(path.c_str(), link, sizeof link - 1);
                if (n <= 0) continue;
                std::string target(link, static_cast<size_t>(n));
                if (target.starts_with("socket:[") && target.back() == ']')
                    inodes.insert(target.substr(8, target.size() - 9));
            }
            ::closedir(fds);
        }
        std::istringstream tcp(read_all(base + "/net/tcp"));
        std::string line;
        std::getline(tcp, line);  // header
        while (std::getline(tcp, line)) {
            std::istringstream f(line);
            std::string sl, local, remote, st, queues, timer, retr, uid, timeout, inode;
            f >> sl >> local >> remote >> st >> queues >> timer >> retr >> uid >> timeout >> inode;
            if (!inodes.count(inode) || st != "01") continue;
            auto l = tcp4_endpoint(local);
            auto r = tcp4_endpoint(remote);
            if (!l || !r) continue;
            if (l->second == sftp_port) {
                info.protocol = "sftp";
                info.client_ip = r->first;
                break;
            }
            if (info.client_ip.empty()) info.client_ip = r->first;
        }
        out.push_back(std::move(info));
    }
    ::closedir(proc);
    std::sort(out.begin(), out.end(),
              [](const FtpSessionInfo& a, const FtpSessionInfo& b) { return a.id < b.id; });
    return out;
}

}  // namespace wsp
