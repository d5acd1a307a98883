#include "store/database_repo.h"

namespace wsp {
namespace {
constexpr const char* kColumns =
    "SELECT name, db_user, owner, domain, remote_access, remote_host, created_at FROM databases ";

DatabaseRecord row(Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.integer(4) != 0, s.text(5), s.integer(6)};
}
}  // namespace

std::optional<DatabaseRecord> DatabaseRepo::find(const ReadTx& tx, const std::string& name) {
    Stmt s(tx, std::string(kColumns) + "WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return row(s);
}

bool DatabaseRepo::user_taken(const ReadTx& tx, const std::string& user) {
    Stmt s(tx, "SELECT 1 FROM databases WHERE db_user = ?");
    s.bind(1, user);
    return s.step();
}

std::vector<DatabaseRecord> DatabaseRepo::list(const ReadTx& tx,
                                               const std::optional<std::string>& owner) {
    Stmt s(tx, std::string(kColumns) + (owner ? "WHERE owner = ? ORDER BY name" : "ORDER BY name"));
    if (owner) s.bind(1, *owner);
    std::vector<DatabaseRecord> out;
    while (s.step()) out.push_back(row(s));
    return out;
}

int64_t DatabaseRepo::count_of(const ReadTx& tx, const std::string& owner) {
    Stmt s(tx, "SELECT COUNT(*) FROM databases WHERE owner = ?");
    s.bind(1, owner);
    s.step();
    return s.integer(0);
}

void DatabaseRepo::insert(WriteTx& tx, const DatabaseRecord& r) {
    Stmt s(tx,
           "INSERT INTO databases(name, db_user, owner, domain, remote_access, remote_host, "
           "created_at) VALUES(?,?,?,?,?,?,?)");
    s.bind_all(r.name, r.user, r.owner, r.domain, int64_t{r.remote_access ? 1 : 0}, r.remote_host,
               r.created_at)
        .run();
}

void DatabaseRepo::set_remote(WriteTx& tx, const std::string& name, bool remote_access,
                              const std::string& remote_host) {
    Stmt s(tx, "UPDATE databases SET remote_access = ?, remote_host = ? WHERE name = ?");
    s.bind_all(int64_t{remote_access ? 1 : 0}, remote_host, name).run();
}

bool DatabaseRepo::remove(WriteTx& tx, const std::string& name) {
    Stmt s(tx, "DELETE FROM databases WHERE name = ?");
    s.bind(1, name);
    return s.run() > 0;
}

}  // namespace wsp
