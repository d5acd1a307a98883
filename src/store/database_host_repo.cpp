#include "store/database_host_repo.h"

#include "store/json_columns.h"

namespace wsp {
namespace {
constexpr const char* kColumns =
    "SELECT name, kind, host, port, nodes, admin_user, tls, max_databases, enabled, created_at, "
    "client_host "
    "FROM database_hosts ";

DatabaseHostRecord row(Stmt& s) {
    DatabaseHostRecord r;
    r.name = s.text(0);
    r.kind = s.text(1);
    r.host = s.text(2);
    r.port = s.integer(3);
    r.nodes = from_json_array(s.text(4));
    r.admin_user = s.text(5);
    r.tls = s.integer(6) != 0;
    r.max_databases = s.integer(7);
    r.enabled = s.integer(8) != 0;
    r.created_at = s.integer(9);
    r.client_host = s.text(10);
    return r;
}
}  // namespace

std::optional<DatabaseHostRecord> DatabaseHostRepo::find(const ReadTx& tx,
                                                         const std::string& name) {
    Stmt s(tx, std::string(kColumns) + "WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return row(s);
}

std::vector<DatabaseHostRecord> DatabaseHostRepo::list(const ReadTx& tx) {
    Stmt s(tx, std::string(kColumns) + "ORDER BY name");
    std::vector<DatabaseHostRecord> out;
    while (s.step()) out.push_back(row(s));
    return out;
}

void DatabaseHostRepo::insert(WriteTx& tx, const DatabaseHostRecord& r) {
    Stmt s(tx,
           "INSERT INTO database_hosts(name, kind, host, port, nodes, admin_user, tls, "
           "max_databases, enabled, created_at, client_host) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    s.bind_all(r.name, r.kind, r.host, r.port, to_json_array(r.nodes), r.admin_user,
               int64_t{r.tls ? 1 : 0}, r.max_databases, int64_t{r.enabled ? 1 : 0}, r.created_at,
               r.client_host)
        .run();
}

void DatabaseHostRepo::update(WriteTx& tx, const DatabaseHostRecord& r) {
    Stmt s(tx,
           "UPDATE database_hosts SET host = ?, port = ?, nodes = ?, admin_user = ?, tls = ?, "
           "max_databases = ?, enabled = ?, client_host = ? WHERE name = ?");
    s.bind_all(r.host, r.port, to_json_array(r.nodes), r.admin_user, int64_t{r.tls ? 1 : 0},
               r.max_databases, int64_t{r.enabled ? 1 : 0}, r.client_host, r.name)
        .run();
}

bool DatabaseHostRepo::remove(WriteTx& tx, const std::string& name) {
    Stmt s(tx, "DELETE FROM database_hosts WHERE name = ?");
    s.bind(1, name);
    return s.run() > 0;
}

std::vector<std::string> DatabaseHostRepo::packages_of(const ReadTx& tx, const std::string& host) {
    Stmt s(tx, "SELECT package FROM database_host_packages WHERE host = ? ORDER BY package");
    s.bind(1, host);
    std::vector<std::string> out;
    while (s.step()) out.push_back(s.text(0));
    return out;
}

void DatabaseHostRepo::set_packages(WriteTx& tx, const std::string& host,
                                    const std::vector<std::string>& packages) {
    Stmt clear(tx, "DELETE FROM database_host_packages WHERE host = ?");
    clear.bind(1, host).run();
    for (const auto& p : packages) {
        Stmt s(tx, "INSERT OR REPLACE INTO database_host_packages(package, host) VALUES(?, ?)");
        s.bind_all(p, host).run();
    }
}

std::optional<std::string> DatabaseHostRepo::host_of_package(const ReadTx& tx,
                                                             const std::string& package) {
    Stmt s(tx, "SELECT host FROM database_host_packages WHERE package = ?");
    s.bind(1, package);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

int64_t DatabaseHostRepo::databases_on(const ReadTx& tx, const std::string& name) {
    Stmt s(tx, "SELECT COUNT(*) FROM databases WHERE host = ?");
    s.bind(1, name);
    s.step();
    return s.integer(0);
}

}  // namespace wsp
