// Moving a database to another database host (docs/databases.md "Moving a
// database"): read-only on the old host, copy, users and grants on the new
// one, switch the record, drop the old. Until the switch every step is
// undone on failure, so the database stays on its old host, working.
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>

#include "drivers/mariadb_catalog.h"
#include "drivers/mariadb_privileges.h"
#include "drivers/sql_ident.h"
#include "services/database_service.h"
#include "services/database_steps.h"

namespace wsp {
namespace {

using db_steps::Undo;

// How long a move waits for the sessions that could still write to end.
constexpr int kIdleWaitSteps = 25;  // x 200 ms: 5 s
constexpr auto kIdleStep = std::chrono::milliseconds(200);

// One user of the database being moved and what it holds.
struct MovingUser {
    SqlName user;
    std::optional<PrivilegeSet> set;  // nullopt: the first user (ALL)
    std::vector<SqlHost> entries;     // on the old host
    std::optional<SqlHost> remote;    // its remote entry (API form parsed)
    PasswordHash hash;
};

Result<void> grant_set(MariadbCatalog& c, const SqlName& db, const MovingUser& u,
                       const SqlHost& entry) {
    if (!u.set) return c.grant_all(db, u.user, entry);
    return c.grant(db, u.user, entry, *u.set);
}

bool can_read(const MovingUser& u) {
    if (!u.set || u.set->name() == "all") return true;
    const auto& items = u.set->items();
    // The first word of "read" (the read privilege itself).
    const std::string read = PrivilegeSet::named("read").value().items().front();
    return std::find(items.begin(), items.end(), read) != items.end();
}

}  // namespace

Result<DatabaseRecord> DatabaseService::check_move(const Caller& caller, const std::string& id,
                                                   const std::string& host) {
    if (!caller.is_admin()) return forbidden("Only an admin moves a database to another host");
    if (host.empty()) return validation("host is required (a database host's name)");
    TRY(DatabaseRecord record, owned_record(caller, id));
    const std::string to = DatabaseHosts::is_local(host) ? kLocalDatabaseHost : host;
    const std::string from =
        DatabaseHosts::is_local(record.host) ? kLocalDatabaseHost : record.host;
    if (to == from) return conflict("Database " + record.name + " is already on host " + to);
    if (!DatabaseHosts::is_local(to)) {
        TRY(DatabaseHostRecord placed, hosts_->placeable(to));
        CHECK_OK(ctx_.db.read([&](const ReadTx& tx) -> Result<void> {
            if (placed.max_databases >= 0 &&
                DatabaseHostRepo::databases_on(tx, to) >= placed.max_databases)
                return forbidden("Database host " + to + " is full (" +
                                 std::to_string(placed.max_databases) + ")");
            return Ok{};
        }));
    }
    // Both hosts reachable now (a 503 before any task is queued).
    TRY(auto source, admin_of(from));
    TRY(auto target, admin_of(to));
    (void)source;
    (void)target;
    return record;
}

Result<void> DatabaseService::wait_idle(MariadbAdmin& admin, const SqlName& db,
                                        const std::vector<SqlName>& users,
                                        const CancelCheck& cancelled) {
    MariadbCatalog catalog(admin);
    std::string open;
    for (int i = 0; i < kIdleWaitSteps; ++i) {
        CHECK_OK(cancelled());
        TRY(auto sessions, catalog.sessions_on(db, users));
        if (sessions.empty()) return Ok{};
        open.clear();
        for (const auto& s : sessions) open += (open.empty() ? "" : ", ") + s;
        std::this_thread::sleep_for(kIdleStep);
    }
    return conflict("Database " + db.str() + " still has open connections (" + open +
                    "); they could still write, so it was not moved: retry when they are closed");
}

Result<void> DatabaseService::move(const std::string& name, const std::string& host,
                                   const DatabaseCopier& copy, const CancelCheck& cancelled) {
    const std::string to = DatabaseHosts::is_local(host) ? kLocalDatabaseHost : host;
    // The database's lock for the whole move: no user, password or remote
    // change, no phpMyAdmin link and no new temporary login meanwhile.
    auto lock = mutate_.lock({"db:" + name});
    TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        auto found = DatabaseRepo::find(tx, name);
        if (!found) return not_found("Database not found");
        return *found;
    }));
    const std::string from =
        DatabaseHosts::is_local(record.host) ? kLocalDatabaseHost : record.host;
    if (from == to) return conflict("Database " + name + " is already on host " + to);
    if (!DatabaseHosts::is_local(to)) {
        TRY(DatabaseHostRecord placed, hosts_->placeable(to));
        (void)placed;
    }
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    TRY(DatabaseEndpoint src, endpoint_of(from));
    TRY(DatabaseEndpoint dst, endpoint_of(to));
    TRY(SqlHost dst_base, base_host(to));
    MariadbCatalog old_host(*src.admin), new_host(*dst.admin);

    // Its users as they are: the first one (ALL) and the extra ones.
    TRY(auto extra, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseUserRecord>> {
        return DatabaseUserRepo::of_database(tx, record.name);
    }));
    std::vector<MovingUser> users;
    auto add_user = [&](const std::string& name_, std::optional<PrivilegeSet> set,
                        const std::string& remote) -> Result<void> {
        TRY(SqlName user, SqlName::parse(name_, kMaxUserName, "database user"));
        TRY(auto entries, old_host.user_hosts(user));
        if (entries.empty())
            return internal("database user " + name_ + " is missing on host " + from);
        TRY(PasswordHash hash, old_host.password_hash(user, entries.front()));
        std::optional<SqlHost> remote_entry;
        if (!remote.empty()) {
            TRY(remote_entry, SqlHost::parse_remote(remote));
        }
        users.push_back({user, std::move(set), std::move(entries), remote_entry, hash});
        return Ok{};
    };
    CHECK_OK(add_user(record.user, std::nullopt, record.remote_access ? record.remote_host : ""));
    for (const auto& u : extra) {
        TRY(PrivilegeSet set, PrivilegeSet::parse_stored(u.privileges));
        CHECK_OK(add_user(u.user, set, u.remote_host));
    }
    // Nothing of these names may exist on the new host (made outside the
    // panel, or left by an earlier failed move that could not clean up).
    TRY(bool exists, new_host.database_exists(db));
    if (exists) return conflict("Database " + name + " already exists on host " + to);
    for (const auto& u : users) {
        TRY(auto there, new_host.user_hosts(u.user));
        if (!there.empty())
            return conflict("Database user " + u.user.str() + " already exists on host " + to);
    }

    Undo undo;
    // 1. phpMyAdmin sessions on it end (their users hold ALL).
    if (pma_revoke_) CHECK_OK(pma_revoke_(record.name, src));
    // 2. Read-only: every entry of every user keeps SELECT and SHOW VIEW
    //    only (when it could read). New sessions and USE get that at once;
    //    a session already open on the database keeps the rights it had
    //    (MariaDB caches them per session), hence step 3.
    for (const auto& u : users) {
        for (const auto& e : u.entries) {
            CHECK_OK(old_host.revoke_all(db, u.user, e));
            undo.add([&old_host, &db, &u, e]() -> Result<void> {
                CHECK_OK(old_host.revoke_all(db, u.user, e));
                return grant_set(old_host, db, u, e);
            });
            if (can_read(u))
                CHECK_OK(old_host.grant(db, u.user, e, PrivilegeSet::named("read").value()));
        }
    }
    // 3. No session that could still write: none of its users connected,
    //    none using the database (temporary logins of an export or import).
    std::vector<SqlName> names;
    for (const auto& u : users) names.push_back(u.user);
    CHECK_OK(wait_idle(*src.admin, db, names, cancelled));
    // 4. The copy: an empty database on the new host, the dump loaded.
    CHECK_OK(new_host.create_database(db));
    undo.add([&new_host, &db] { return new_host.drop_database(db); });
    {
        TRY(auto reader, login_on(from, db));
        TRY(auto writer, login_on(to, db));
        CHECK_OK(copy(*reader, *writer));
    }
    // 5. Nothing lost: every table has as many rows on both.
    TRY(auto before, old_host.row_counts(db));
    TRY(auto after, new_host.row_counts(db));
    if (before != after)
        return internal("the copy of " + name + " on host " + to +
                        " differs from the original (tables or row counts)");
    // 6. Its users there: the same password hash, set and remote host;
    //    their own entry is the new host's (localhost or client_host).
    for (const auto& u : users) {
        std::vector<SqlHost> entries{dst_base};
        if (u.remote && u.remote->str() != dst_base.str()) entries.push_back(*u.remote);
        for (const auto& e : entries) {
            CHECK_OK(new_host.create_user(u.user, e, u.hash));
            undo.add([&new_host, &u, e] { return new_host.drop_user(u.user, e); });
            CHECK_OK(grant_set(new_host, db, u, e));
        }
    }
    // 7. The switch.
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseRepo::set_host(tx, record.name, to);
        return Ok{};
    }));
    undo.commit();
    // 8. The old copy goes. The record already names the new host: a
    //    failure here is logged, what is left is read-only and unused.
    for (const auto& u : users)
        for (const auto& e : u.entries)
            if (auto r = old_host.drop_user(u.user, e); !r)
                spdlog::error("databases: move of {}: cannot drop {}@{} on {}: {}", name,
                              u.user.str(), e.str(), from, r.error().message);
    if (auto r = old_host.drop_database(db); !r)
        spdlog::error("databases: move of {}: cannot drop it on {}: {}", name, from,
                      r.error().message);
    spdlog::info("databases: moved {} from {} to {}", name, from, to);
    return Ok{};
}

}  // namespace wsp
