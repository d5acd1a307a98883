#include "store/database_repo.h"

namespace wsp {
namespace {
constexpr const char* kColumns =
    "SELECT name, db_user, owner, domain, remote_access, remote_host, created_at, host "
    "FROM databases ";

DatabaseRecord row(Stmt& s) {
    return {s.text(0),         s.text(1), s.text(2),    s.text(3),
            s.integer(4) != 0, s.text(5), s.integer(6), s.text(7)};
}
}  // namespace

std::optional<DatabaseRecord> DatabaseRepo::find(const ReadTx& tx, const std::string& name) {
    Stmt s(tx, std::string(kColumns) + "WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return row(s);
}

bool DatabaseRepo::user_taken(const ReadTx& tx, const std::string& user) {
    Stmt s(tx,
           "SELECT 1 FROM databases WHERE db_user = ?1 "
           "UNION ALL SELECT 1 FROM database_users WHERE db_user = ?1");
    s.bind(1, user);
    return s.step();
}

std::vector<DatabaseRecord> DatabaseRepo::list(const ReadTx& tx,
                                               const std::optional<std::string>& owner,
                                               const PageSpec& page) {
    // ?1 NULL: every owner's. Two statements, so each uses its index
    // (databases_owner_name, or the primary key's order).
    Stmt s(tx, std::string(kColumns) + (owner ? "WHERE owner = ?1 ORDER BY name LIMIT ?2 OFFSET ?3"
                                              : "ORDER BY name LIMIT ?2 OFFSET ?3"));
    if (owner) s.bind(1, *owner);
    s.bind(2, page.limit()).bind(3, page.offset());
    std::vector<DatabaseRecord> out;
    while (s.step()) out.push_back(row(s));
    return out;
}

int64_t DatabaseRepo::count(const ReadTx& tx, const std::optional<std::string>& owner) {
    if (owner) return count_of(tx, *owner);
    Stmt s(tx, "SELECT COUNT(*) FROM databases");
    s.step();
    return s.integer(0);
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
           "created_at, host) VALUES(?,?,?,?,?,?,?,?)");
    s.bind_all(r.name, r.user, r.owner, r.domain, int64_t{r.remote_access ? 1 : 0}, r.remote_host,
               r.created_at, r.host)
        .run();
}

void DatabaseRepo::set_remote(WriteTx& tx, const std::string& name, bool remote_access,
                              const std::string& remote_host) {
    Stmt s(tx, "UPDATE databases SET remote_access = ?, remote_host = ? WHERE name = ?");
    s.bind_all(int64_t{remote_access ? 1 : 0}, remote_host, name).run();
}

void DatabaseRepo::set_host(WriteTx& tx, const std::string& name, const std::string& host) {
    Stmt s(tx, "UPDATE databases SET host = ? WHERE name = ?");
    s.bind_all(host, name).run();
}

bool DatabaseRepo::remove(WriteTx& tx, const std::string& name) {
    Stmt s(tx, "DELETE FROM databases WHERE name = ?");
    s.bind(1, name);
    return s.run() > 0;
}

namespace {
constexpr const char* kUserColumns =
    "SELECT db_user, db_name, owner, privileges, remote_host, created_at FROM database_users ";

DatabaseUserRecord user_row(Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5)};
}
}  // namespace

std::optional<DatabaseUserRecord> DatabaseUserRepo::find(const ReadTx& tx,
                                                         const std::string& user) {
    Stmt s(tx, std::string(kUserColumns) + "WHERE db_user = ?");
    s.bind(1, user);
    if (!s.step()) return std::nullopt;
    return user_row(s);
}

std::vector<DatabaseUserRecord> DatabaseUserRepo::of_database(const ReadTx& tx,
                                                              const std::string& database) {
    Stmt s(tx, std::string(kUserColumns) + "WHERE db_name = ? ORDER BY db_user");
    s.bind(1, database);
    std::vector<DatabaseUserRecord> out;
    while (s.step()) out.push_back(user_row(s));
    return out;
}

std::vector<DatabaseUserRecord> DatabaseUserRepo::list_all(const ReadTx& tx) {
    Stmt s(tx, std::string(kUserColumns) + "ORDER BY db_user");
    std::vector<DatabaseUserRecord> out;
    while (s.step()) out.push_back(user_row(s));
    return out;
}

int64_t DatabaseUserRepo::count_of(const ReadTx& tx, const std::string& owner) {
    Stmt s(tx, "SELECT COUNT(*) FROM database_users WHERE owner = ?");
    s.bind(1, owner);
    s.step();
    return s.integer(0);
}

void DatabaseUserRepo::insert(WriteTx& tx, const DatabaseUserRecord& r) {
    Stmt s(tx,
           "INSERT INTO database_users(db_user, db_name, owner, privileges, remote_host, "
           "created_at) VALUES(?,?,?,?,?,?)");
    s.bind_all(r.user, r.database, r.owner, r.privileges, r.remote_host, r.created_at).run();
}

void DatabaseUserRepo::update(WriteTx& tx, const DatabaseUserRecord& r) {
    Stmt s(tx, "UPDATE database_users SET privileges = ?, remote_host = ? WHERE db_user = ?");
    s.bind_all(r.privileges, r.remote_host, r.user).run();
}

bool DatabaseUserRepo::remove(WriteTx& tx, const std::string& user) {
    Stmt s(tx, "DELETE FROM database_users WHERE db_user = ?");
    s.bind(1, user);
    return s.run() > 0;
}

int64_t DatabaseUserRepo::remove_of_database(WriteTx& tx, const std::string& database) {
    Stmt s(tx, "DELETE FROM database_users WHERE db_name = ?");
    s.bind(1, database);
    return s.run();
}

namespace {
constexpr const char* kIntentColumns =
    "SELECT name, db_user, owner, host, op, created_at, marker FROM database_intents ";

DatabaseIntent intent_row(Stmt& s) {
    return {s.text(0), s.text(1), s.text(2), s.text(3), s.text(4), s.integer(5), s.text(6)};
}
}  // namespace

void DatabaseIntentRepo::put(WriteTx& tx, const DatabaseIntent& i) {
    Stmt s(tx,
           "INSERT OR REPLACE INTO database_intents(name, db_user, owner, host, op, created_at, "
           "marker) VALUES(?,?,?,?,?,?,?)");
    s.bind_all(i.name, i.user, i.owner, i.host, i.op, i.created_at, i.marker).run();
}

void DatabaseIntentRepo::remove(WriteTx& tx, const std::string& name) {
    Stmt s(tx, "DELETE FROM database_intents WHERE name = ?");
    s.bind_all(name).run();
}

std::optional<DatabaseIntent> DatabaseIntentRepo::find(const ReadTx& tx, const std::string& name) {
    Stmt s(tx, std::string(kIntentColumns) + "WHERE name = ?");
    s.bind(1, name);
    if (!s.step()) return std::nullopt;
    return intent_row(s);
}

std::vector<DatabaseIntent> DatabaseIntentRepo::list(const ReadTx& tx) {
    Stmt s(tx, std::string(kIntentColumns) + "ORDER BY name");
    std::vector<DatabaseIntent> out;
    while (s.step()) out.push_back(intent_row(s));
    return out;
}

}  // namespace wsp
