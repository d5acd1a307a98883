#include "drivers/proftpd_system.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "drivers/proftpd_server.h"
#include "system/file_io.h"
#include "system/process.h"

namespace wsp {
namespace {

std::optional<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

bool SystemProftpd::installed() const {
    return ::access(options_.binary.c_str(), X_OK) == 0 &&
           std::filesystem::exists(settings_.modules / "mod_sql_sqlite.so");
}

Result<bool> SystemProftpd::write_and_reload() {
    const auto& dir = settings_.dir;
    std::error_code ec;
    // Logs, quota lock and the anonymous identity stay in DATA_DIR/ftp.
    for (const auto& sub : {dir, dir / "run", dir / "log"}) {
        std::filesystem::create_directories(sub, ec);
        if (ec) return internal("cannot create the FTP directory");
        ::chmod(sub.c_str(), 0700);
    }
    // Each anonymous site runs as its domain's owner (homes are 0750 and
    // owned by real users here), chrooted to the site's directory and
    // read-only.
    ProftpdSettings settings = settings_;
    const auto [passwd, group] =
        name_anonymous_sites(settings, options_.anon_uid, options_.anon_gid, dir / "anon-home");
    if (read_file(dir / "anon.passwd") != passwd)
        CHECK_OK(write_file_atomic(dir / "anon.passwd", passwd, 0600));
    if (read_file(dir / "anon.group") != group)
        CHECK_OK(write_file_atomic(dir / "anon.group", group, 0600));

    const std::string snippet = render_proftpd_snippet(settings);
    // A reload that failed (or a panel that died before running it) is
    // retried at the next write even when the snippet is already current.
    const auto pending = dir / "run" / "reload-pending";
    if (read_file(options_.snippet) == snippet && !std::filesystem::exists(pending)) return false;
    CHECK_OK(write_file_atomic(pending, "", 0600));
    std::filesystem::create_directories(options_.snippet.parent_path(), ec);
    // Paths only, no secrets: readable like the rest of /etc/proftpd.
    CHECK_OK(write_file_atomic(options_.snippet, snippet, 0644));
    spdlog::info("ftp: wrote {}", options_.snippet.string());
    if (!options_.reload_command.empty()) {
        TRY(ProcessResult r, run_process(options_.reload_command,
                                         ProcessOptions{.timeout = std::chrono::seconds(30)}));
        if (!r.ok()) {
            spdlog::error("ftp: reload command failed (exit {}): {}", r.exit_code, r.output);
            return internal("the FTP server's reload failed");
        }
    }
    std::filesystem::remove(pending, ec);
    return true;
}

Result<void> SystemProftpd::start() {
    std::lock_guard lock(mutex_);
    started_ = true;
    if (!installed())
        spdlog::warn(
            "ftp: {} (or mod_sql_sqlite) is not installed; the system FTP server "
            "cannot serve the panel's accounts",
            options_.binary.string());
    auto r = write_and_reload();
    if (!r) spdlog::error("ftp: system mode: {}", r.error().message);
    return Ok{};
}

Result<void> SystemProftpd::set_anonymous(std::vector<AnonymousSite> sites) {
    bool reloaded = false;
    {
        std::lock_guard lock(mutex_);
        if (settings_.anonymous == sites) return Ok{};
        settings_.anonymous = std::move(sites);
        if (!started_) return Ok{};
        auto r = write_and_reload();
        if (!r) {
            // Saved, and retried at the next change or start (the marker).
            spdlog::error("ftp: system mode: {}", r.error().message);
            return Ok{};
        }
        reloaded = *r;
    }
    if (!reloaded) return Ok{};
    // The reload is asynchronous (SIGHUP): answer once the server greets
    // again, so the change is live when the API answers. A rehash that
    // lands right after our probe may still be in progress; a short pause
    // first lets the signal arrive.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
        if (running()) return Ok{};
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    spdlog::warn("ftp: the system server does not greet 10 s after a reload");
    return Ok{};
}

bool SystemProftpd::running() const {
    return ftp_greets(settings_.address, static_cast<int>(settings_.port), 1500);
}

bool SystemProftpd::is_ours(const std::string& base) const {
    std::error_code ec;
    const auto binary = std::filesystem::canonical(options_.binary, ec);
    if (ec) return false;
    // Only processes of the configured ProFTPD binary.
    auto exe = std::filesystem::read_symlink(base + "/exe", ec);
    return !ec && exe == binary;
}

void SystemProftpd::end_sessions(const std::string& username) const {
    end_proftpd_sessions(username, [&](const std::string& base) { return is_ours(base); });
}

std::vector<FtpSessionInfo> SystemProftpd::sessions() const {
    const int64_t sftp_port = settings_.sftp ? settings_.sftp->port : -1;
    return list_proftpd_sessions(sftp_port, [&](const std::string& base) { return is_ours(base); });
}

std::optional<FtpEndpoint> SystemProftpd::endpoint() const {
    return FtpEndpoint{settings_.address, settings_.port, settings_.tls.has_value(),
                       settings_.tls && settings_.tls->required};
}

std::optional<SftpEndpoint> SystemProftpd::sftp() const {
    if (!settings_.sftp) return std::nullopt;
    return SftpEndpoint{settings_.sftp->address, settings_.sftp->port, host_keys_};
}

bool SystemProftpd::sftp_running() const {
    return settings_.sftp &&
           service_greets(settings_.sftp->address, static_cast<int>(settings_.sftp->port), 1500,
                          "SSH-2.0-");
}

bool SystemProftpd::end_session(int64_t id) const {
    for (const auto& s : sessions())
        if (s.id == id) return ::kill(static_cast<pid_t>(id), SIGTERM) == 0;
    return false;
}

}  // namespace wsp
