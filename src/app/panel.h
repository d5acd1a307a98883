#pragma once
// The panel assembled from a config: data dir, store, identity, auth index
// and services. `serve` and the offline admin commands both start here.
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

#include "config/config.h"
#include "services/auth_index.h"
#include "services/services.h"
#include "store/db.h"
#include "system/identity.h"
#include "system/supervisor.h"

namespace wsp {

class StartupTimer;

class Panel {
  public:
    // Creates the data dir layout on first use, applies migrations, loads
    // the auth index, and creates the first admin when there is no account.
    static Result<std::unique_ptr<Panel>> open(Config config);

    const Config& config() const { return config_; }
    Services& services() { return *services_; }
    AuthIndex& index() { return index_; }
    std::filesystem::path data_dir() const { return config_.paths.data_dir; }
    std::filesystem::path initial_password_file() const {
        return data_dir() / "initial-admin-password";
    }

    // Runs the HTTP(S) server until SIGTERM/SIGINT; returns the exit code.
    int serve();

    // What an area does when `serve` starts (after the store is ready, before
    // the first request) and stops (after the last request). Offline
    // commands run neither: they never start servers or schedulers.
    // `name` labels the hook's line in the start-up timing (debug log).
    void on_serve(std::string name, std::function<Result<void>()> start,
                  std::function<void()> stop);

    // The panel's own base URL ("https://host:port") once serve() listens:
    // the listen address, or server.hostnames[0] when it is a wildcard.
    // Empty before that.
    std::string base_url() const;
    // phpMyAdmin's own origin ("https://host:port" of its listener, see
    // pma.listen) once serve() listens; empty before that.
    std::string pma_base_url() const;
    // serve() has run every start hook and accepts requests.
    bool listening() const { return http_port_ != 0; }
    // Sent by the panel's proxy with every request to php -S, whose router
    // refuses requests without it (a local process calling php -S directly).
    // New at every start; never logged.
    const std::string& pma_proxy_secret() const { return pma_proxy_secret_; }

    Supervisor& supervisor() { return supervisor_; }
    Db& db() { return *db_; }
    Identity& identity() { return *identity_; }
    PanelContext& context() { return *ctx_; }

  private:
    explicit Panel(Config config) : config_(std::move(config)) {}
    // The data dir (modes checked), the store, and the identity (homes of
    // an older layout adopted); run under umask 077.
    Result<void> open_store_and_identity(StartupTimer& timer);
    Result<void> create_first_admin();

    Config config_;
    std::unique_ptr<Db> db_;
    std::unique_ptr<Identity> identity_;
    AuthIndex index_;
    std::unique_ptr<PanelContext> ctx_;
    std::unique_ptr<Services> services_;
    Supervisor supervisor_;
    std::vector<std::string> start_names_;
    std::vector<std::function<Result<void>()>> starts_;
    std::vector<std::function<void()>> stops_;
    std::atomic<uint16_t> http_port_{0};
    std::atomic<uint16_t> pma_port_{0};
    std::string pma_proxy_secret_;
};

// Whether phpMyAdmin is served (and proxied at /pma/): pma.enabled with a
// MariaDB to sign on to.
bool pma_served(const Config& config);
// phpMyAdmin's listener address: pma.listen, else the panel's listen host
// with the panel's port + 1 (0 stays 0: any free port).
std::string pma_listen(const Config& config);
// The header carrying pma_proxy_secret() from the proxy to php -S.
inline constexpr const char* kPmaProxySecretHeader = "X-WisPanel-Pma-Proxy";

}  // namespace wsp
