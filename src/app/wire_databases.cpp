// Databases area: the MariaDB admin pool, the service, the health monitor
// and (sandbox) the private mariadbd and phpMyAdmin children.
#include <malloc.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/panel.h"
#include "app/wire.h"
#include "drivers/mariadb_admin.h"
#include "drivers/mariadb_server.h"
#include "drivers/pma_signon.h"
#include "services/database_service.h"

namespace wsp {
namespace {

constexpr auto kProbeEvery = std::chrono::milliseconds(1000);
constexpr auto kProbeWhileDown = std::chrono::milliseconds(250);

// Brings MariaDB (and phpMyAdmin) up off the serve path, then watches it:
// the first start initialises a datadir (about a second), which must delay
// neither the HTTP server nor the other areas.
class DatabaseRuntime {
  public:
    DatabaseRuntime(Panel& panel, std::shared_ptr<MariadbAdmin> admin,
                    std::shared_ptr<DatabaseService> service, std::shared_ptr<PmaSignon> pma)
        : panel_(panel),
          admin_(std::move(admin)),
          service_(std::move(service)),
          pma_(std::move(pma)) {}

    void start() {
        thread_ = std::thread([this] { run(); });
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        cancel_ = true;
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    bool up() const { return up_; }

  private:
    bool sleep(std::chrono::milliseconds d) {
        std::unique_lock lock(mutex_);
        return !wake_.wait_for(lock, d, [&] { return stopping_; });
    }

    void run() {
        const Config& config = panel_.config();
        if (config.mariadb.mode == ServiceMode::sandbox) {
            MariadbServer server(config, panel_.data_dir());
            for (;;) {
                auto prepared = server.prepare(&cancel_);
                if (prepared.ok()) break;
                if (cancel_) return;
                spdlog::error("mariadb: {}", prepared.error().message);
                if (!sleep(std::chrono::seconds(5))) return;
            }
            ChildSpec spec = server.child_spec();
            // Also on each restart: keeps the admin account's password in
            // step with the credentials file.
            spec.before_start = [&config, dir = panel_.data_dir()] {
                MariadbServer again(config, dir);
                return again.prepare();
            };
            {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
                panel_.supervisor().start(std::move(spec));
            }
        }
        if (pma_ && config.pma.enabled) {
            if (auto r = pma_->prepare(); r.ok()) {
                std::lock_guard lock(mutex_);
                if (stopping_) return;
                panel_.supervisor().start(pma_->child_spec());
            } else {
                spdlog::error("phpmyadmin: {}", r.error().message);
            }
        }
        bool reconciled = false;
        do {
            bool now_up = admin_->ping();
            // A failed call may have marked the service down between probes
            // (a restart quicker than the probe): count that as an outage.
            bool was_up = up_.load() && service_->available();
            if (now_up != was_up) {
                spdlog::log(now_up ? spdlog::level::info : spdlog::level::warn, "mariadb: {}",
                            now_up ? "up" : "down");
                if (!now_up) admin_->flush();
                // After every outage: a statement cut off mid-way may have
                // left something the records do not know about.
                if (now_up) reconciled = false;
            }
            up_ = now_up;
            service_->set_available(now_up);
            // Once the panel listens: the reconcile reads every record (two
            // passes over 50,000 at scale) and both the store and the CPUs
            // are what the start hooks need until then (issue 24). Requests
            // may come before it, as they always could while it ran.
            if (now_up && !reconciled && panel_.listening()) {
                reconciled = service_->reconcile().ok();
                // Its tables (every record, the server's names) are freed
                // now; hand them back as serve() does after the start hooks
                // (at 50,000 records ~30 MB stayed in this thread's arena).
                ::malloc_trim(0);
            }
            if (now_up && pma_) pma_->sweep();
        } while (sleep(up_ ? kProbeEvery : kProbeWhileDown));
    }

    Panel& panel_;
    std::shared_ptr<MariadbAdmin> admin_;
    std::shared_ptr<DatabaseService> service_;
    std::shared_ptr<PmaSignon> pma_;
    std::atomic<bool> up_{false};
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<bool> cancel_{false};
    std::thread thread_;
};

// System mode's socket: mariadb.socket, else the socket= line of the
// credentials file (setup-mariadb.sh writes one); empty: TCP host:port.
std::string system_socket(const Config& config) {
    if (!config.mariadb.socket.empty()) return config.mariadb.socket;
    if (config.mariadb.admin_credentials_file.empty()) return "";
    auto creds = read_credentials(config.mariadb.admin_credentials_file);
    return creds ? creds->socket : "";
}

MariadbEndpoint endpoint_of(const Config& config, const std::filesystem::path& data_dir) {
    MariadbEndpoint e;
    MariadbLayout layout = mariadb_layout(config, data_dir);
    if (config.mariadb.mode == ServiceMode::sandbox) {
        e.socket = layout.socket.string();
        e.credentials_file = layout.credentials_file;
    } else {
        e.socket = system_socket(config);
        e.host = config.mariadb.host;
        e.port = static_cast<int>(config.mariadb.port);
        e.credentials_file = config.mariadb.admin_credentials_file;
    }
    e.connect_timeout_s = static_cast<int>(config.mariadb.connect_timeout_s);
    e.query_timeout_s = static_cast<int>(config.mariadb.query_timeout_s);
    return e;
}

}  // namespace

bool pma_served(const Config& config) {
    if (!config.pma.enabled) return false;
    if (config.mariadb.mode == ServiceMode::sandbox) return true;
    return config.mariadb.mode == ServiceMode::system && !system_socket(config).empty();
}

Result<void> wire_databases(Panel& panel) {
    const Config& config = panel.config();
    const ServiceMode mode = config.mariadb.mode;
    Services& services = panel.services();
    std::shared_ptr<MariadbAdmin> admin;
    if (mode != ServiceMode::off)
        admin = std::make_shared<MariadbAdmin>(endpoint_of(config, panel.data_dir()),
                                               static_cast<size_t>(config.mariadb.pool_size));
    auto service = std::make_shared<DatabaseService>(panel.context(), services.domains, admin);
    services.databases = service;
    // What customers' clients use (docs/databases.md "Connection details"):
    // the TCP address and port (remote access), and the socket their own
    // programs reach the server by (their local users are user@localhost:
    // the sandbox's run/ directory is 0711 for that).
    DatabaseConnection local;
    local.host = config.mariadb.host;
    local.port = config.mariadb.port;
    local.socket = mode == ServiceMode::sandbox
                       ? mariadb_layout(config, panel.data_dir()).socket.string()
                       : system_socket(config);
    service->set_local_connection(std::move(local));
    if (admin) admin->on_unavailable([raw = service.get()] { raw->set_available(false); });
    services.users.add_cleanup(service.get());
    if (!admin) {
        services.health["mariadb"] = [] { return false; };
        return Ok{};
    }
    std::shared_ptr<PmaSignon> pma;
    if (mode == ServiceMode::system && config.pma.enabled && system_socket(config).empty())
        spdlog::warn(
            "phpmyadmin: off (system mode needs the server's socket for its sign-on: "
            "mariadb.socket or socket= in the credentials file)");
    if (pma_served(config)) {
        const std::string socket = mode == ServiceMode::sandbox
                                       ? mariadb_layout(config, panel.data_dir()).socket.string()
                                       : system_socket(config);
        pma = std::make_shared<PmaSignon>(
            config, panel.data_dir(), admin, [&panel] { return panel.pma_base_url(); }, socket,
            panel.pma_proxy_secret());
        service->set_pma_issuer([pma](const DatabaseRecord& r, const DatabaseEndpoint& where) {
            return pma->issue(r, where);
        });
        service->set_pma_revoker([pma](const std::string& db, const DatabaseEndpoint& where) {
            return pma->drop_users_on(db, where);
        });
        pma->set_resolver(
            [raw = service.get()](const std::string& host) { return raw->endpoint_of(host); });
        // A suspended account's phpMyAdmin sessions end at once (deleting
        // an account drops its databases, and their temporary users, first).
        services.users.on_status_change(
            [raw = service.get()](const std::string& username, AccountStatus status) {
                if (status != AccountStatus::suspended) return;
                if (auto r = raw->end_pma_sessions(username); !r)
                    spdlog::error("phpmyadmin: cannot end the sessions of {}: {}", username,
                                  r.error().message);
            });
        services.health["phpmyadmin"] = [pma, &panel] {
            return panel.supervisor().running("phpmyadmin");
        };
    }
    auto runtime = std::make_shared<DatabaseRuntime>(panel, admin, service, pma);
    services.health["mariadb"] = [raw = service.get()] { return raw->available(); };
    // Every enabled database host other than the panel's own has a usable
    // node (a Galera host: a ready node of a Primary cluster).
    services.health["database_hosts"] = [raw = service.get()] { return raw->hosts().all_up(); };
    panel.on_serve(
        "databases",
        [runtime]() -> Result<void> {
            runtime->start();
            return Ok{};
        },
        [runtime] { runtime->stop(); });
    return Ok{};
}

}  // namespace wsp
