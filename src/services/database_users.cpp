// Extra users on a database (issue 21): each a MariaDB user "<owner>_<user>"
// with a privilege set on that one database, a local entry and at most one
// remote host entry. All or nothing like the database itself: MariaDB steps
// first, undone in reverse when a later step or the record fails.
#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "drivers/mariadb_catalog.h"
#include "drivers/mariadb_privileges.h"
#include "drivers/sql_ident.h"
#include "services/database_service.h"
#include "services/database_steps.h"
#include "services/limits.h"

namespace wsp {
namespace {

using db_steps::full_name;
using db_steps::Undo;

Result<PrivilegeSet> parse_privileges(const PrivilegesInput& in) {
    if (const auto* name = std::get_if<std::string>(&in)) return PrivilegeSet::named(*name);
    return PrivilegeSet::list(std::get<std::vector<std::string>>(in));
}

DatabaseUserView view_of(const DatabaseUserRecord& r) {
    DatabaseUserView v{r.user, r.database, false, "", {}, r.remote_host, r.created_at};
    if (auto p = PrivilegeSet::parse_stored(r.privileges); p) {
        v.privileges_name = p->name();
        if (p->name().empty()) v.privilege_list = p->items();
    }
    return v;
}

DatabaseUserView primary_view(const DatabaseRecord& r) {
    return {r.user, r.name, true, "all", {}, r.remote_access ? r.remote_host : "", r.created_at};
}

// The host entries a user should have: the base one (localhost on the
// panel's own server), and its remote host.
Result<std::vector<SqlHost>> entries_of(const SqlHost& base, const std::string& remote_host) {
    std::vector<SqlHost> hosts{base};
    if (!remote_host.empty()) {
        TRY(SqlHost remote, SqlHost::parse_remote(remote_host));
        hosts.push_back(std::move(remote));
    }
    return hosts;
}

}  // namespace

Result<void> DatabaseService::drop_user_everywhere(MariadbAdmin& admin, const std::string& user) {
    TRY(SqlName name, SqlName::parse(user, kMaxUserName, "database user"));
    MariadbCatalog catalog(admin);
    TRY(auto hosts, catalog.user_hosts(name));
    for (const auto& host : hosts) CHECK_OK(catalog.drop_user(name, host));
    return Ok{};
}

Result<std::pair<DatabaseRecord, DatabaseUserRecord>> DatabaseService::owned_extra_user(
    const Caller& caller, const std::string& id, const std::string& user) {
    return ctx_.db.read(
        [&](const ReadTx& tx) -> Result<std::pair<DatabaseRecord, DatabaseUserRecord>> {
            TRY(DatabaseRecord record, owned(tx, caller, id));
            if (user == record.user || record.owner + "_" + user == record.user)
                return validation(
                    "The database's first user is changed with PUT /databases/{id} and "
                    "/databases/{id}/reset-password");
            auto found = DatabaseUserRepo::find(tx, user);
            if (!found || found->database != record.name)
                found = DatabaseUserRepo::find(tx, record.owner + "_" + user);
            if (!found || found->database != record.name)
                return not_found("Database user not found");
            return std::pair{record, *found};
        });
}

Result<std::vector<DatabaseUserView>> DatabaseService::list_users(const Caller& caller,
                                                                  const std::string& id) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseUserView>> {
        TRY(DatabaseRecord record, owned(tx, caller, id));
        std::vector<DatabaseUserView> out{primary_view(record)};
        for (const auto& u : DatabaseUserRepo::of_database(tx, record.name))
            out.push_back(view_of(u));
        return out;
    });
}

Result<DatabaseUserView> DatabaseService::add_user(const Caller& caller, const std::string& id,
                                                   const NewDatabaseUser& in) {
    if (!in.privileges)
        return validation("privileges is required (\"read\", \"read_write\", \"all\" or a list)");
    TRY(PrivilegeSet privileges, parse_privileges(*in.privileges));
    const std::string remote = in.remote_host.value_or("");
    if (!remote.empty()) {
        TRY(auto ignored, SqlHost::parse_remote(remote));
        (void)ignored;
    }
    CHECK_OK(check_password(in.password));
    TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        return owned(tx, caller, id);
    }));
    TRY(auto admin, admin_of(record.host));
    TRY(SqlHost base, base_host(record.host));
    TRY(auto hosts, entries_of(base, remote));
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    TRY(SqlName user, full_name(record.owner, in.user, kMaxUserName, "database user"));
    auto lock = mutate_.lock({"owner:" + record.owner, "db:" + record.name, "user:" + user.str()});
    DatabaseUserRecord row{user.str(),          record.name, record.owner,
                           privileges.stored(), remote,      ctx_.clock.now_unix()};
    CHECK_OK(ctx_.db.read([&](const ReadTx& tx) -> Result<void> {
        if (!DatabaseRepo::find(tx, record.name)) return not_found("Database not found");
        if (DatabaseRepo::user_taken(tx, user.str()))
            return conflict("Database user already exists");
        return ensure_below_limit(tx, record.owner, Limit::database_users,
                                  DatabaseUserRepo::count_of(tx, record.owner));
    }));
    const PasswordHash hash = PasswordHash::of(in.password);
    MariadbCatalog catalog(*admin);
    Undo undo;
    for (const auto& host : hosts) {
        // 409 when the account exists on the server (made outside the panel).
        if (auto r = catalog.create_user(user, host, hash); !r) {
            if (r.error().code == Code::unavailable) (void)catalog.drop_user(user, host);
            return r.error();
        }
        undo.add([&catalog, user, host] { return catalog.drop_user(user, host); });
        CHECK_OK(catalog.grant(db, user, host, privileges));
    }
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseUserRepo::insert(tx, row);
        return Ok{};
    }));
    undo.commit();
    return view_of(row);
}

Result<DatabaseUserView> DatabaseService::update_user(const Caller& caller, const std::string& id,
                                                      const std::string& name,
                                                      const DatabaseUserChange& in) {
    std::optional<PrivilegeSet> wanted_privileges;
    if (in.privileges) {
        TRY(wanted_privileges, parse_privileges(*in.privileges));
    }
    if (in.remote_host && !in.remote_host->empty()) {
        TRY(auto ignored, SqlHost::parse_remote(*in.remote_host));
        (void)ignored;
    }
    if (in.password) CHECK_OK(check_password(*in.password));
    auto lock = mutate_.lock({"db:" + id});
    TRY(auto found, owned_extra_user(caller, id, name));
    const DatabaseRecord& record = found.first;
    DatabaseUserRecord row = found.second;
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    TRY(SqlName user, SqlName::parse(row.user, kMaxUserName, "database user"));
    TRY(PrivilegeSet current_privileges, PrivilegeSet::parse_stored(row.privileges));
    const PrivilegeSet privileges = wanted_privileges.value_or(current_privileges);
    TRY(auto admin, admin_of(record.host));
    TRY(SqlHost base, base_host(record.host));
    TRY(auto current_hosts, entries_of(base, row.remote_host));
    const std::string remote = in.remote_host.value_or(row.remote_host);
    const bool same_remote = remote == row.remote_host;

    MariadbCatalog catalog(*admin);
    Undo undo;
    // 1. A new privilege set on every entry the user keeps.
    if (wanted_privileges && privileges.stored() != current_privileges.stored()) {
        for (const auto& host : current_hosts) {
            CHECK_OK(catalog.revoke_all(db, user, host));
            undo.add([&catalog, db, user, host, current_privileges] {
                return catalog.grant(db, user, host, current_privileges);
            });
            CHECK_OK(catalog.grant(db, user, host, privileges));
            undo.add([&catalog, db, user, host] { return catalog.revoke_all(db, user, host); });
        }
    }
    // 2. A new remote entry, with the current hash and the new set.
    std::optional<SqlHost> old_remote;
    if (!same_remote) {
        if (!row.remote_host.empty()) {
            TRY(old_remote, SqlHost::parse_remote(row.remote_host));
        }
        if (!remote.empty()) {
            TRY(SqlHost host, SqlHost::parse_remote(remote));
            TRY(PasswordHash hash, catalog.password_hash(user, base));
            CHECK_OK(catalog.create_user(user, host, hash));
            undo.add([&catalog, user, host] { return catalog.drop_user(user, host); });
            CHECK_OK(catalog.grant(db, user, host, privileges));
        }
    }
    // 3. The password: one ALTER USER over every entry (all or none). Its
    // undo is not possible (the old hash is not kept), so it comes last
    // among the MariaDB steps.
    if (in.password) {
        TRY(auto hosts, catalog.user_hosts(user));
        CHECK_OK(catalog.set_password(user, hosts, PasswordHash::of(*in.password)));
    }
    row.privileges = privileges.stored();
    row.remote_host = remote;
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseUserRepo::update(tx, row);
        return Ok{};
    }));
    undo.commit();
    if (old_remote) {
        if (auto r = catalog.drop_user(user, *old_remote); !r)
            spdlog::error("databases: cannot drop the old remote entry of {}: {}", row.user,
                          r.error().message);
    }
    return view_of(row);
}

Result<void> DatabaseService::remove_user(const Caller& caller, const std::string& id,
                                          const std::string& name) {
    auto lock = mutate_.lock({"db:" + id});
    TRY(auto found, owned_extra_user(caller, id, name));
    const DatabaseUserRecord& row = found.second;
    TRY(auto admin, admin_of(found.first.host));
    // Idempotent (IF EXISTS): when a step fails the record stays and a retry
    // finishes the job.
    CHECK_OK(drop_user_everywhere(*admin, row.user));
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseUserRepo::remove(tx, row.user);
        return Ok{};
    });
}

}  // namespace wsp
