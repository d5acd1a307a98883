#include "services/database_hosts.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "base/clock.h"
#include "drivers/mariadb_catalog.h"
#include "drivers/mariadb_privileges.h"
#include "drivers/sql_ident.h"
#include "services/limits.h"
#include "store/account_repos.h"
#include "system/file_io.h"

namespace wsp {
namespace {

Result<std::string> valid_name(const std::string& name) {
    if (name.empty() || name.size() > 32 || !std::all_of(name.begin(), name.end(), [](char c) {
            return std::islower(static_cast<unsigned char>(c)) ||
                   std::isdigit(static_cast<unsigned char>(c)) || c == '_' || c == '-';
        }))
        return validation("Invalid name (1-32 characters: lowercase letters, digits, '_' or '-')");
    if (name == kLocalDatabaseHost) return conflict("Database host already exists");
    return name;
}

Result<void> valid_address(const std::string& host, int64_t port, const char* field) {
    if (host.empty() || host.size() > 253 || !std::all_of(host.begin(), host.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':';
        }))
        return validation(std::string("Invalid ") + field + " (a host name or IP address)");
    if (port < 1 || port > 65535)
        return validation(std::string("Invalid ") + field + " port (1-65535)");
    return Ok{};
}

// A value written into the [client] file: one line, no quoting tricks.
Result<void> valid_credential(const std::string& v, const char* field) {
    if (v.empty()) return validation(std::string(field) + " is required");
    if (v.size() > 512 || v.find_first_of("\r\n\0\"'\\#", 0, 7) != std::string::npos)
        return validation(std::string("Invalid ") + field +
                          " (no line breaks, quotes, backslashes or #)");
    return Ok{};
}

std::string address(const std::string& host, int64_t port) {
    return host + ":" + std::to_string(port);
}

std::pair<std::string, int64_t> split_address(const std::string& a) {
    auto colon = a.rfind(':');
    if (colon == std::string::npos) return {a, 3306};
    return {a.substr(0, colon), std::atoll(a.c_str() + colon + 1)};
}

Result<void> known_packages(const ReadTx& tx, const std::vector<std::string>& packages) {
    for (const auto& p : packages)
        if (!PackageRepo::find(tx, p)) return validation("Unknown package in packages: " + p);
    return Ok{};
}

}  // namespace

DatabaseNodeHealth galera_node_health(MariadbAdmin& admin, const std::string& addr) {
    DatabaseNodeHealth h;
    h.address = addr;
    auto status = MariadbCatalog(admin).wsrep_status();
    if (!status) {
        h.state = "down";
        return h;
    }
    h.reachable = true;
    bool ready = false;
    for (const auto& [k, v] : *status) {
        if (k == "WSREP_READY") ready = v == "ON";
        if (k == "WSREP_CLUSTER_STATUS") h.cluster_status = v;
        if (k == "WSREP_CLUSTER_SIZE") h.cluster_size = std::atoll(v.c_str());
        if (k == "WSREP_LOCAL_STATE_COMMENT") h.state = v;
    }
    h.ready = ready && h.cluster_status == "Primary";
    return h;
}

DatabaseHosts::DatabaseHosts(PanelContext& ctx, std::shared_ptr<MariadbAdmin> local)
    : ctx_(ctx), local_(std::move(local)) {}

std::filesystem::path DatabaseHosts::credentials_of(const std::string& name) const {
    return std::filesystem::path(ctx_.config.paths.data_dir) / "database-hosts" / (name + ".cnf");
}

std::vector<MariadbEndpoint> DatabaseHosts::endpoints_of(const DatabaseHostRecord& r) const {
    std::vector<std::string> addresses = r.nodes;
    if (r.kind != "galera") addresses = {address(r.host, r.port)};
    std::vector<MariadbEndpoint> out;
    for (const auto& a : addresses) {
        MariadbEndpoint e;
        auto [host, port] = split_address(a);
        e.host = host;
        e.port = static_cast<int>(port);
        e.credentials_file = credentials_of(r.name);
        e.tls = r.tls;
        e.connect_timeout_s = static_cast<int>(ctx_.config.mariadb.connect_timeout_s);
        e.query_timeout_s = static_cast<int>(ctx_.config.mariadb.query_timeout_s);
        out.push_back(std::move(e));
    }
    return out;
}

Result<void> DatabaseHosts::check(const DatabaseHostRecord& r) {
    std::vector<std::string> problems;
    bool any_ready = false;
    for (const auto& e : endpoints_of(r)) {
        MariadbAdmin admin(e, 1);
        const std::string where = address(e.host, e.port);
        if (auto c = admin.check_connect(); !c) {
            problems.push_back(where + ": " + c.error().message);
            continue;
        }
        auto privileges = MariadbCatalog(admin).own_global_privileges();
        if (!privileges) {
            problems.push_back(where + ": cannot read the account's privileges");
            continue;
        }
        std::set<std::string> held;
        bool grantable = !privileges->empty();
        for (const auto& [name, with_grant] : *privileges) {
            held.insert(name);
            if (!with_grant) grantable = false;
        }
        std::string missing;
        for (const auto& p : admin_privileges_needed())
            if (!held.count(p)) missing += (missing.empty() ? "" : ", ") + p;
        if (!missing.empty())
            problems.push_back(where + ": the admin account lacks " + missing + " ON *.*");
        if (!grantable) problems.push_back(where + ": the admin account needs WITH GRANT OPTION");
        if (r.kind == "galera") {
            auto h = galera_node_health(admin, where);
            if (h.cluster_status.empty())
                problems.push_back(where + ": not a Galera node (no wsrep status)");
            else if (h.ready)
                any_ready = true;
        }
    }
    if (r.kind == "galera" && problems.empty() && !any_ready)
        problems.push_back("no node is ready (wsrep_ready ON, cluster Primary)");
    if (r.kind == "galera" && any_ready) {
        // A cluster with a dead node is still usable; only report the
        // account problems of nodes that answered.
        std::erase_if(problems, [](const std::string& p) {
            return p.find("Cannot connect") != std::string::npos;
        });
    }
    if (problems.empty()) return Ok{};
    std::string message = "Database host check failed: ";
    for (size_t i = 0; i < problems.size(); ++i) message += (i ? "; " : "") + problems[i];
    return validation(message);
}

Result<std::shared_ptr<DatabaseHosts::Entry>> DatabaseHosts::entry(const std::string& name) {
    {
        std::lock_guard lock(mutex_);
        if (auto it = entries_.find(name); it != entries_.end()) return it->second;
    }
    TRY(auto record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseHostRecord> {
        auto r = DatabaseHostRepo::find(tx, name);
        if (!r) return not_found("Database host not found");
        return *r;
    }));
    auto e = std::make_shared<Entry>();
    e->record = record;
    const auto pool = static_cast<size_t>(ctx_.config.mariadb.pool_size);
    for (auto& ep : endpoints_of(record)) e->nodes.push_back(std::make_shared<MariadbAdmin>(ep, 1));
    if (record.kind == "galera") {
        MariadbEndpoint all = endpoints_of(record).front();
        all.nodes = record.nodes;
        all.galera = true;
        e->admin = std::make_shared<MariadbAdmin>(all, pool);
    } else {
        e->admin = std::make_shared<MariadbAdmin>(endpoints_of(record).front(), pool);
    }
    std::lock_guard lock(mutex_);
    return entries_.emplace(name, e).first->second;
}

Result<std::shared_ptr<MariadbAdmin>> DatabaseHosts::admin(const std::string& name) {
    if (is_local(name)) {
        if (!local_) return unavailable("Database server is unavailable");
        return local_;
    }
    TRY(auto e, entry(name));
    // A Galera host's pool connects to a ready node of a Primary cluster,
    // the last good one first, and fails over by itself.
    return e->admin;
}

Result<std::string> DatabaseHosts::default_for(const std::string& owner) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::string> {
        const PackageRecord package = package_of(tx, owner);
        return DatabaseHostRepo::host_of_package(tx, package.name).value_or(kLocalDatabaseHost);
    });
}

Result<DatabaseHostRecord> DatabaseHosts::placeable(const std::string& name) {
    TRY(auto e, entry(name));
    if (!e->record.enabled) return validation("Database host " + name + " is disabled");
    return e->record;
}

std::vector<DatabaseNodeHealth> DatabaseHosts::health_of(const Entry& e) {
    std::vector<DatabaseNodeHealth> out;
    for (size_t i = 0; i < e.nodes.size(); ++i) {
        const std::string& addr =
            e.record.kind == "galera" ? e.record.nodes[i] : address(e.record.host, e.record.port);
        if (e.record.kind == "galera") {
            out.push_back(galera_node_health(*e.nodes[i], addr));
        } else {
            DatabaseNodeHealth h;
            h.address = addr;
            h.reachable = h.ready = e.nodes[i]->ping();
            h.state = h.reachable ? "up" : "down";
            out.push_back(h);
        }
    }
    return out;
}

Result<DatabaseHostView> DatabaseHosts::view_of(const DatabaseHostRecord& r) {
    DatabaseHostView v;
    v.record = r;
    TRY(v.databases, ctx_.db.read([&](const ReadTx& tx) -> Result<int64_t> {
        return DatabaseHostRepo::databases_on(tx, r.name);
    }));
    if (r.kind != "local") {
        TRY(v.packages, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<std::string>> {
            return DatabaseHostRepo::packages_of(tx, r.name);
        }));
    }
    if (r.kind == "local") {
        DatabaseNodeHealth h;
        h.address = "local";
        h.reachable = h.ready = local_ && local_->ping();
        h.state = h.reachable ? "up" : "down";
        v.nodes.push_back(h);
    } else {
        TRY(auto e, entry(r.name));
        v.nodes = health_of(*e);
    }
    v.up = std::any_of(v.nodes.begin(), v.nodes.end(), [](const auto& n) { return n.ready; });
    return v;
}

Result<std::vector<DatabaseHostView>> DatabaseHosts::list(const Caller& caller) {
    CHECK_OK(ensure_admin(caller));
    TRY(auto records,
        ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseHostRecord>> {
            return DatabaseHostRepo::list(tx);
        }));
    DatabaseHostRecord local;
    local.name = kLocalDatabaseHost;
    local.kind = "local";
    local.port = 0;
    local.client_host = "localhost";
    records.insert(records.begin(), local);
    std::vector<DatabaseHostView> out;
    for (const auto& r : records) {
        TRY(auto v, view_of(r));
        out.push_back(std::move(v));
    }
    return out;
}

Result<DatabaseHostView> DatabaseHosts::get(const Caller& caller, const std::string& name) {
    CHECK_OK(ensure_admin(caller));
    if (is_local(name)) {
        TRY(auto all, list(caller));
        return all.front();
    }
    TRY(auto e, entry(name));
    return view_of(e->record);
}

Result<DatabaseHostView> DatabaseHosts::create(const Caller& caller, const NewDatabaseHost& in) {
    CHECK_OK(ensure_admin(caller));
    TRY(std::string name, valid_name(in.name));
    DatabaseHostRecord r;
    r.name = name;
    r.kind = in.kind;
    if (in.kind == "local") return validation("Invalid kind (the local host always exists)");
    if (in.kind != "mariadb" && in.kind != "galera")
        return validation("Invalid kind (\"mariadb\" or \"galera\")");
    if (in.kind == "galera") {
        if (in.nodes.empty()) return validation("nodes is required for a galera host");
        for (const auto& n : in.nodes) {
            CHECK_OK(valid_address(n.host, n.port, "nodes"));
            r.nodes.push_back(address(n.host, n.port));
        }
        auto first = split_address(r.nodes.front());
        r.host = in.host.empty() ? first.first : in.host;
        r.port = in.port.value_or(first.second);
    } else {
        r.host = in.host;
        r.port = in.port.value_or(3306);
        CHECK_OK(valid_address(r.host, r.port, "host"));
    }
    CHECK_OK(valid_credential(in.admin_user, "admin_user"));
    CHECK_OK(valid_credential(in.admin_password, "admin_password"));
    r.admin_user = in.admin_user;
    if (in.client_host && !in.client_host->empty()) {
        if (*in.client_host != "%") {
            TRY(auto h, SqlHost::parse_remote(*in.client_host));
            (void)h;
        }
        r.client_host = *in.client_host;
    }
    if (in.max_databases < -1) return validation("max_databases must be -1 (unlimited) or more");
    r.tls = in.tls;
    r.max_databases = in.max_databases;
    r.enabled = in.enabled;
    r.created_at = ctx_.clock.now_unix();
    TRY(bool exists, ctx_.db.read([&](const ReadTx& tx) -> Result<bool> {
        return DatabaseHostRepo::find(tx, name).has_value();
    }));
    if (exists) return conflict("Database host already exists");
    // The password file first (0600, owner root), then the check through
    // it, then the record; a failed check removes the file.
    const auto file = credentials_of(name);
    std::error_code ec;
    std::filesystem::create_directories(file.parent_path(), ec);
    ::chmod(file.parent_path().c_str(), 0700);
    CHECK_OK(write_file_atomic(
        file, "[client]\nuser=" + in.admin_user + "\npassword=" + in.admin_password + "\n", 0600));
    if (auto c = check(r); !c) {
        std::filesystem::remove(file, ec);
        return c.error();
    }
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        if (DatabaseHostRepo::find(tx, name)) return conflict("Database host already exists");
        CHECK_OK(known_packages(tx, in.packages));
        DatabaseHostRepo::insert(tx, r);
        DatabaseHostRepo::set_packages(tx, name, in.packages);
        return Ok{};
    }));
    {
        std::lock_guard lock(mutex_);
        entries_.erase(name);
    }
    return view_of(r);
}

Result<DatabaseHostView> DatabaseHosts::update(const Caller& caller, const std::string& name,
                                               const DatabaseHostChange& in) {
    CHECK_OK(ensure_admin(caller));
    if (is_local(name)) return validation("The local host is set in the configuration");
    TRY(auto e, entry(name));
    DatabaseHostRecord r = e->record;
    if (in.host) r.host = *in.host;
    if (in.port) r.port = *in.port;
    if (in.nodes) {
        if (r.kind != "galera") return validation("nodes is only for a galera host");
        if (in.nodes->empty()) return validation("nodes is required for a galera host");
        r.nodes.clear();
        for (const auto& n : *in.nodes) {
            CHECK_OK(valid_address(n.host, n.port, "nodes"));
            r.nodes.push_back(address(n.host, n.port));
        }
    }
    if (r.kind != "galera") CHECK_OK(valid_address(r.host, r.port, "host"));
    if (in.admin_user) {
        CHECK_OK(valid_credential(*in.admin_user, "admin_user"));
        r.admin_user = *in.admin_user;
    }
    if (in.admin_password) CHECK_OK(valid_credential(*in.admin_password, "admin_password"));
    if (in.client_host) {
        if (*in.client_host != "%") {
            TRY(auto h, SqlHost::parse_remote(*in.client_host));
            (void)h;
        }
        r.client_host = *in.client_host;
    }
    if (in.tls) r.tls = *in.tls;
    if (in.max_databases) {
        if (*in.max_databases < -1)
            return validation("max_databases must be -1 (unlimited) or more");
        r.max_databases = *in.max_databases;
    }
    if (in.enabled) r.enabled = *in.enabled;
    const bool connection_changed =
        in.host || in.port || in.nodes || in.admin_user || in.admin_password || in.tls;
    const auto file = credentials_of(name);
    if (connection_changed) {
        // Checked with the new settings through a file beside the old one;
        // renamed over it only when the check passes.
        auto creds = read_credentials(file);
        const std::string password =
            in.admin_password ? *in.admin_password : (creds ? creds->password : "");
        DatabaseHostRecord probe = r;
        probe.name = name + ".new";
        const auto next = credentials_of(probe.name);
        CHECK_OK(write_file_atomic(
            next, "[client]\nuser=" + r.admin_user + "\npassword=" + password + "\n", 0600));
        std::error_code ec;
        if (auto c = check(probe); !c) {
            std::filesystem::remove(next, ec);
            return c.error();
        }
        std::filesystem::rename(next, file, ec);
        if (ec) return internal("cannot replace the credentials of " + name);
    }
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        if (in.packages) CHECK_OK(known_packages(tx, *in.packages));
        DatabaseHostRepo::update(tx, r);
        if (in.packages) DatabaseHostRepo::set_packages(tx, name, *in.packages);
        return Ok{};
    }));
    {
        std::lock_guard lock(mutex_);
        entries_.erase(name);
    }
    return view_of(r);
}

Result<void> DatabaseHosts::remove(const Caller& caller, const std::string& name) {
    CHECK_OK(ensure_admin(caller));
    if (is_local(name)) return validation("The local host cannot be removed");
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        if (!DatabaseHostRepo::find(tx, name)) return not_found("Database host not found");
        if (int64_t n = DatabaseHostRepo::databases_on(tx, name); n > 0)
            return conflict("Database host still holds " + std::to_string(n) + " database(s)");
        DatabaseHostRepo::remove(tx, name);
        return Ok{};
    }));
    {
        std::lock_guard lock(mutex_);
        entries_.erase(name);
    }
    std::error_code ec;
    std::filesystem::remove(credentials_of(name), ec);
    return Ok{};
}

Result<std::string> DatabaseHosts::client_host(const std::string& name) {
    TRY(auto e, entry(name));
    return e->record.client_host;
}

bool DatabaseHosts::all_up() {
    {
        std::lock_guard lock(health_mutex_);
        const auto now = ctx_.clock.steady();
        if (health_checking_ || (health_checked_ && now - *health_checked_ < kHealthEvery))
            return health_up_;
        health_checking_ = true;
    }
    const bool up = check_all_up();
    std::lock_guard lock(health_mutex_);
    health_up_ = up;
    health_checked_ = ctx_.clock.steady();
    health_checking_ = false;
    return up;
}

bool DatabaseHosts::check_all_up() {
    auto records = ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseHostRecord>> {
        return DatabaseHostRepo::list(tx);
    });
    if (!records) return false;
    for (const auto& r : *records) {
        if (!r.enabled) continue;
        auto e = entry(r.name);
        if (!e) return false;
        auto nodes = health_of(**e);
        if (!std::any_of(nodes.begin(), nodes.end(), [](const auto& n) { return n.ready; }))
            return false;
    }
    return true;
}

}  // namespace wsp
