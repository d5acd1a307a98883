#pragma once
// phpMyAdmin single sign-on (sandbox and system mode). Debian's phpmyadmin package is
// served by `php -S 127.0.0.1:pma.port` (a supervised child, as www-data
// when the panel is root) with a private config (auth_type 'signon'),
// because the package hard-codes /etc/phpmyadmin/config.inc.php.
//
// A hand-off: the panel creates a temporary MariaDB user PMA_<unix time>_<hex>
// with ALL on the one database, writes a token file named by sha256(token)
// (0600, the PHP user's) holding that user's random password, and returns
// the URL. The sign-on script claims the file with rename() (so a token
// works once), empties it, checks the expiry, and starts the phpMyAdmin
// session. sweep() drops temporary users whose session ended (logout), whose
// token was never used in time, or that are older than the session limit.
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "config/config.h"
#include "drivers/mariadb_admin.h"
#include "services/database_service.h"
#include "system/process.h"
#include "system/supervisor.h"

namespace wsp {

class PmaSignon {
  public:
    // `base_url`: phpMyAdmin's own origin "scheme://host:port" (its
    // listener, where /pma/ is proxied to php -S; used unless
    // pma.public_url is set). `socket`: the MariaDB server's unix socket
    // phpMyAdmin signs on through. `proxy_secret`: what the proxy sends in
    // every request; the router refuses requests without it.
    PmaSignon(const Config& config, std::filesystem::path data_dir,
              std::shared_ptr<MariadbAdmin> admin, std::function<std::string()> base_url,
              std::filesystem::path socket, std::string proxy_secret);

    // Writes the private config, router and sign-on script (blocking, once).
    Result<void> prepare();
    ChildSpec child_spec() const;

    // A link for `record`'s database on the host `where` says: the panel's
    // own server over the socket, or another host over TCP (the token
    // carries its address; the sign-on session points phpMyAdmin's one
    // server entry at it).
    Result<PmaLink> issue(const DatabaseRecord& record, const DatabaseEndpoint& where);
    // Removes finished temporary users and stale token files (on other
    // hosts through `resolve`, see set_resolver).
    void sweep();
    // Drops every temporary user granted on `database` (its owner is
    // suspended or deleted, the database goes or moves): their sessions
    // end with the next request. Returns how many were dropped.
    Result<int64_t> drop_users_on(const std::string& database, const DatabaseEndpoint& where);
    // How the sweep reaches a database host by its name.
    void set_resolver(std::function<Result<DatabaseEndpoint>(const std::string&)> resolve) {
        resolve_ = std::move(resolve);
    }

  private:
    void sweep_remote(const std::function<bool(const std::string&, int64_t)>& finished);

    const Config& config_;
    std::filesystem::path dir_;  // DATA_DIR/pma
    std::filesystem::path socket_;
    std::shared_ptr<MariadbAdmin> admin_;
    std::function<std::string()> base_url_;
    std::string proxy_secret_;
    std::optional<RunAs> run_as_;
    std::function<Result<DatabaseEndpoint>(const std::string&)> resolve_;
};

}  // namespace wsp
