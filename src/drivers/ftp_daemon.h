#pragma once
// The FTP server the FTP service keeps in step with its accounts: the
// panel's own supervised ProFTPD (sandbox mode, proftpd_server.h) or the
// system's ProFTPD fed a config snippet (system mode, proftpd_system.h).
// Both read the same SQLite accounts file.
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/proftpd_config.h"

namespace wsp {

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
};

}  // namespace wsp
