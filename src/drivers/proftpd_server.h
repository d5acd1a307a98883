#pragma once
// The panel's own ProFTPD (sandbox mode): its directory under DATA_DIR/ftp,
// its config, the supervised `proftpd --nodaemon` child, the liveness probe
// and cutting off open sessions. Runs as root so sessions can chroot; each
// session drops to the account's uid.
#include <sys/types.h>

#include <chrono>

#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/ftp_daemon.h"
#include "drivers/proftpd_config.h"
#include "system/supervisor.h"

namespace wsp {

class ProftpdServer final : public FtpDaemon {
  public:
    static constexpr const char* kChildName = "proftpd";

    ProftpdServer(std::filesystem::path binary, ProftpdSettings settings, uid_t anon_uid,
                  gid_t anon_gid, Supervisor& supervisor)
        : binary_(std::move(binary)),
          settings_(std::move(settings)),
          anon_uid_(anon_uid),
          anon_gid_(anon_gid),
          supervisor_(supervisor) {}

    bool installed() const override;
    // Starts the supervised child (config written and checked before each
    // start). Does nothing when the binary is missing.
    Result<void> start() override;
    // The anonymous sites changed: rewrite the config and restart (open
    // sessions end).
    Result<void> set_anonymous(std::vector<AnonymousSite> sites) override;
    // The process is alive and the port answers with a 220 greeting.
    bool running() const override;
    // Ends the open sessions of `username` (children of our master only).
    void end_sessions(const std::string& username) const override;

    std::optional<FtpEndpoint> endpoint() const override;
    std::optional<SftpEndpoint> sftp() const override;
    bool sftp_running() const override;
    std::vector<FtpSessionInfo> sessions() const override;
    bool end_session(int64_t id) const override;

    // FTPS: set before start().
    void set_tls(std::optional<ProftpdTls> tls) { settings_.tls = std::move(tls); }
    // SFTP (host keys already made): set before start().
    void set_sftp(ProftpdSftp sftp, std::vector<HostKey> host_keys) {
        settings_.sftp = std::move(sftp);
        host_keys_ = std::move(host_keys);
    }
    const ProftpdSettings& settings() const { return settings_; }

  private:
    Result<void> write_files();
    // /proc/PID is a child of our master.
    bool is_child(const std::string& proc_dir) const;

    std::filesystem::path binary_;
    ProftpdSettings settings_;
    uid_t anon_uid_;
    gid_t anon_gid_;
    Supervisor& supervisor_;
    mutable std::mutex mutex_;  // guards settings_.anonymous and the files
    bool started_ = false;
    std::vector<HostKey> host_keys_;
};

// The logged-in ProFTPD session processes that `is_ours(/proc/PID)`
// confirms: user and command from the title ("proftpd: USER - HOST: CMD"),
// protocol and client address from the process's TCP connection (its local
// port is `sftp_port` for SFTP), start time from /proc.
std::vector<FtpSessionInfo> list_proftpd_sessions(
    int64_t sftp_port, const std::function<bool(const std::string& proc_dir)>& is_ours);

// Connects to host:port and reads one line; true when it starts with
// `prefix` ("220" for FTP, "SSH-2.0-" for SFTP).
bool service_greets(const std::string& host, int port, int timeout_ms, const std::string& prefix);

// SIGTERM to every ProFTPD session process of `username` (its title is
// "proftpd: USER - IP: COMMAND") that `is_ours(/proc/PID)` confirms: any
// process can set any title.
void end_proftpd_sessions(const std::string& username,
                          const std::function<bool(const std::string& proc_dir)>& is_ours);

// Connects to host:port and reads one line; true when it starts with "220".
bool ftp_greets(const std::string& host, int port, int timeout_ms);

}  // namespace wsp
