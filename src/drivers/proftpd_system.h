#pragma once
// System mode (ftp.mode = "system"): the machine's own ProFTPD, started by
// systemd, serves the panel's accounts. The panel does not supervise it; it
// writes a config snippet that the system config includes
// (ftp.system_config_path, default /etc/proftpd/conf.d/wispanel.conf),
// atomically, and runs ftp.reload_command only when the snippet's content
// changed. The snippet makes ProFTPD read the same SQLite accounts file as
// sandbox mode, with the same quota, read-only, allow-list, chroot and TLS
// rules (render_proftpd_snippet). Accounts log in as their owner's uid/gid
// (Identity), written into the accounts file by the FTP service.
#include <sys/types.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

#include "drivers/ftp_daemon.h"
#include "drivers/proftpd_config.h"

namespace wsp {

struct SystemProftpdOptions {
    std::filesystem::path binary = "/usr/sbin/proftpd";
    std::filesystem::path snippet = "/etc/proftpd/conf.d/wispanel.conf";
    std::vector<std::string> reload_command = {"systemctl", "reload", "proftpd"};
    uid_t anon_uid = 65534;
    gid_t anon_gid = 65534;
};

class SystemProftpd final : public FtpDaemon {
  public:
    SystemProftpd(SystemProftpdOptions options, ProftpdSettings settings)
        : options_(std::move(options)), settings_(std::move(settings)) {}

    bool installed() const override;
    // Writes the snippet (and the anonymous identity files under DATA_DIR/ftp)
    // and reloads the server if the snippet changed. A failure is logged, not
    // fatal: the panel serves the rest of its API without FTP.
    Result<void> start() override;
    Result<void> set_anonymous(std::vector<AnonymousSite> sites) override;
    // Greets with 220 on ftp.address:ftp.port.
    bool running() const override;
    // SIGTERM to the session processes titled "proftpd: USER - ..." that run
    // the configured binary.
    void end_sessions(const std::string& username) const override;
    // The system server's logged-in sessions (FTP only: system mode serves
    // no SFTP yet).
    std::vector<FtpSessionInfo> sessions() const override;
    bool end_session(int64_t id) const override;
    std::optional<FtpEndpoint> endpoint() const override;
    std::optional<SftpEndpoint> sftp() const override;
    // The SFTP port answers with an SSH banner (mod_sftp loaded, reloaded).
    bool sftp_running() const override;

    // SFTP (host keys already made): set before start().
    void set_sftp(ProftpdSftp sftp, std::vector<HostKey> host_keys) {
        settings_.sftp = std::move(sftp);
        host_keys_ = std::move(host_keys);
    }
    void set_tls(std::optional<ProftpdTls> tls) { settings_.tls = std::move(tls); }

  private:
    bool is_ours(const std::string& proc_dir) const;
    // Caller holds mutex_. True when the snippet changed and was reloaded.
    Result<bool> write_and_reload();

    SystemProftpdOptions options_;
    ProftpdSettings settings_;
    std::mutex mutex_;  // guards settings_.anonymous and the snippet
    bool started_ = false;
    std::vector<HostKey> host_keys_;
};

}  // namespace wsp
