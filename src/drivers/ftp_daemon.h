#pragma once
// The FTP server the FTP service keeps in step with its accounts: the
// panel's own supervised ProFTPD (sandbox mode, proftpd_server.h) or the
// system's ProFTPD fed a config snippet (system mode, proftpd_system.h).
// Both read the same SQLite accounts file.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/proftpd_config.h"
#include "drivers/ssh_keys.h"

namespace wsp {

// An open session of the server (a ProFTPD session process).
struct FtpSessionInfo {
    int64_t id = 0;  // the session process's pid
    std::string username;
    std::string protocol;  // "ftp" or "sftp"
    std::string client_ip;
    int64_t since = 0;    // unix seconds: when the connection was accepted
    std::string command;  // what it is doing now ("IDLE", "STOR", "READ" ...)
};

// Where SFTP is served, and the host keys clients should see.
struct SftpEndpoint {
    std::string address;
    int64_t port = 0;
    std::vector<HostKey> host_keys;
};

// Where FTP clients connect, and whether it offers (or requires) explicit
// FTPS (AUTH TLS): what a customer's client needs.
struct FtpEndpoint {
    std::string address;
    int64_t port = 0;
    bool tls = false;
    bool tls_required = false;
};

class FtpDaemon {
  public:
    virtual ~FtpDaemon() = default;
    // The binary (and mod_sql_sqlite) is there.
    virtual bool installed() const = 0;
    // Serving begins: write the configuration and start (or reload) it.
    virtual Result<void> start() = 0;
    // The anonymous sites changed: apply them (the server re-reads its config).
    virtual Result<void> set_anonymous(std::vector<AnonymousSite> sites) = 0;
    // It answers on its port with a 220 greeting.
    virtual bool running() const = 0;
    // Ends the open sessions of `username`.
    virtual void end_sessions(const std::string& username) const = 0;

    // The FTP listener (address, port, FTPS).
    virtual std::optional<FtpEndpoint> endpoint() const { return std::nullopt; }
    // SFTP, when this server offers it.
    virtual std::optional<SftpEndpoint> sftp() const { return std::nullopt; }
    // The SFTP port answers with an SSH banner.
    virtual bool sftp_running() const { return false; }
    // The open sessions (logged in), of every account.
    virtual std::vector<FtpSessionInfo> sessions() const { return {}; }
    // Ends one session (one of sessions()); false when there is no such one.
    virtual bool end_session(int64_t /*id*/) const { return false; }
};

}  // namespace wsp
