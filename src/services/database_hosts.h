#pragma once
// Database hosts (issue 21): where customers' databases live. "local" is the
// panel's own MariaDB (sandbox or system mode, docs/databases.md); the admin
// adds others: a standalone MariaDB ("mariadb") or a Galera cluster
// ("galera", a list of nodes of which any live, synced one is used). Each
// host's admin password is kept in a 0600 [client] file of its own under
// DATA_DIR/database-hosts/, never in the store, never returned.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/mariadb_admin.h"
#include "services/caller.h"
#include "services/panel.h"
#include "store/database_host_repo.h"

namespace wsp {

inline constexpr const char* kLocalDatabaseHost = "local";

struct DatabaseHostNode {
    std::string host;
    int64_t port = 3306;
};

struct NewDatabaseHost {
    std::string name;
    std::string kind;  // "mariadb" | "galera"
    std::string host;
    std::optional<int64_t> port;
    std::vector<DatabaseHostNode> nodes;  // galera
    std::string admin_user;
    std::string admin_password;
    std::optional<std::string> client_host;  // default "%"
    bool tls = false;
    int64_t max_databases = -1;
    bool enabled = true;
    // Packages whose new databases go here when POST /databases names no host.
    std::vector<std::string> packages;
};

struct DatabaseHostChange {
    std::optional<std::string> host;
    std::optional<int64_t> port;
    std::optional<std::vector<DatabaseHostNode>> nodes;
    std::optional<std::string> admin_user;
    std::optional<std::string> admin_password;
    std::optional<std::string> client_host;
    std::optional<bool> tls;
    std::optional<int64_t> max_databases;
    std::optional<bool> enabled;
    std::optional<std::vector<std::string>> packages;
};

// One node's state as the panel sees it now.
struct DatabaseNodeHealth {
    std::string address;  // host:port
    bool reachable = false;
    std::string state;   // galera: wsrep_local_state_comment ("Synced"...); else "up"/"down"
    bool ready = false;  // galera: wsrep_ready ON and cluster Primary
    int64_t cluster_size = 0;
    std::string cluster_status;
};

struct DatabaseHostView {
    DatabaseHostRecord record;
    int64_t databases = 0;
    std::vector<std::string> packages;  // placement defaults
    bool up = false;
    std::vector<DatabaseNodeHealth> nodes;
};

class DatabaseHosts {
  public:
    // `local` is null when MariaDB is off.
    DatabaseHosts(PanelContext& ctx, std::shared_ptr<MariadbAdmin> local);

    Result<std::vector<DatabaseHostView>> list(const Caller& caller);
    Result<DatabaseHostView> get(const Caller& caller, const std::string& name);
    Result<DatabaseHostView> create(const Caller& caller, const NewDatabaseHost& input);
    Result<DatabaseHostView> update(const Caller& caller, const std::string& name,
                                    const DatabaseHostChange& input);
    Result<void> remove(const Caller& caller, const std::string& name);

    // The connection to use for host `name` now ("" or "local": the panel's
    // own). A Galera host answers with a live node whose wsrep_ready is ON
    // and whose cluster is Primary, preferring the last good one; when none
    // is, 503.
    Result<std::shared_ptr<MariadbAdmin>> admin(const std::string& name);
    // Where `owner`'s new database goes when it names no host: its
    // package's host, else local.
    Result<std::string> default_for(const std::string& owner);
    // 404/400 when `name` cannot take a new database (unknown or disabled).
    Result<DatabaseHostRecord> placeable(const std::string& name);
    // The host entry of users made on `name` besides remote ones: localhost
    // for the panel's own server, else the host's client_host (docs).
    static bool is_local(const std::string& name) {
        return name.empty() || name == kLocalDatabaseHost;
    }
    // The host part of customers' accounts on host `name` (its client_host).
    Result<std::string> client_host(const std::string& name);
    // For /health: false when any enabled remote host has no usable node.
    // /health is open to anyone and the check connects to every node of
    // every host, so it runs at most once per kHealthEvery: a call in
    // between, or while another call checks, gets the last result.
    bool all_up();
    static constexpr std::chrono::seconds kHealthEvery{5};

  private:
    struct Entry {
        DatabaseHostRecord record;
        // What changes go through: the one server, or for Galera every node
        // with failover inside the pool (MariadbEndpoint::nodes).
        std::shared_ptr<MariadbAdmin> admin;
        std::vector<std::shared_ptr<MariadbAdmin>> nodes;  // one per node, for health
    };
    std::filesystem::path credentials_of(const std::string& name) const;
    std::vector<MariadbEndpoint> endpoints_of(const DatabaseHostRecord& r) const;
    // Connects to every node and checks what the panel needs; the message
    // says exactly what is missing.
    Result<void> check(const DatabaseHostRecord& r);
    Result<std::shared_ptr<Entry>> entry(const std::string& name);
    std::vector<DatabaseNodeHealth> health_of(const Entry& e);
    bool check_all_up();
    Result<DatabaseHostView> view_of(const DatabaseHostRecord& r);

    PanelContext& ctx_;
    std::shared_ptr<MariadbAdmin> local_;
    std::mutex mutex_;
    std::map<std::string, std::shared_ptr<Entry>> entries_;
    // all_up()'s last result, and when it was taken.
    std::mutex health_mutex_;
    std::optional<std::chrono::steady_clock::time_point> health_checked_;
    bool health_checking_ = false;
    bool health_up_ = true;  // nothing found down yet
};

// Galera state of one node (SHOW GLOBAL STATUS LIKE 'wsrep_%').
DatabaseNodeHealth galera_node_health(MariadbAdmin& admin, const std::string& address);

}  // namespace wsp
