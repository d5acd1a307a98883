#include "services/database_service.h"
#include "services/events.h"

#include <spdlog/spdlog.h>

#include <cctype>
#include <set>
#include <tuple>

#include "base/clock.h"
#include "base/names.h"
#include "base/secrets.h"
#include "drivers/mariadb_catalog.h"
#include "drivers/mariadb_change_marker.h"
#include "drivers/sql_ident.h"
#include "services/database_steps.h"
#include "services/limits.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

constexpr const char* kTempLoginPrefix = "WSPIO_";
using db_steps::full_name;
using db_steps::Undo;

}  // namespace

DatabaseService::DatabaseService(PanelContext& ctx, DomainService& domains,
                                 std::shared_ptr<MariadbAdmin> admin)
    : ctx_(ctx),
      domains_(domains),
      admin_(std::move(admin)),
      hosts_(std::make_unique<DatabaseHosts>(ctx, admin_)) {}

Result<std::shared_ptr<MariadbAdmin>> DatabaseService::admin_of(const std::string& host) {
    if (DatabaseHosts::is_local(host)) {
        CHECK_OK(ensure_up());
        return admin_;
    }
    return hosts_->admin(host);
}

Result<SqlHost> DatabaseService::base_host(const std::string& host) {
    if (DatabaseHosts::is_local(host)) return SqlHost::localhost();
    TRY(std::string client, hosts_->client_host(host));
    if (client == "%") return SqlHost::any();
    return SqlHost::parse_remote(client);
}

std::map<std::string, int64_t> DatabaseService::sizes_of(
    const std::vector<DatabaseRecord>& records) {
    std::set<std::string> hosts;
    for (const auto& r : records) hosts.insert(DatabaseHosts::is_local(r.host) ? "local" : r.host);
    std::map<std::string, int64_t> out;
    for (const auto& host : hosts) {
        auto admin = admin_of(host);
        if (!admin) continue;
        auto sizes = MariadbCatalog(**admin).database_sizes();
        if (!sizes) {
            spdlog::warn("databases: no sizes from host {}: {}", host, sizes.error().message);
            continue;
        }
        out.merge(*sizes);
    }
    return out;
}

Result<void> DatabaseService::check_password(const std::string& password) {
    TRY(auto ignored, validate_password(password));
    (void)ignored;
    int lower = 0, upper = 0, digit = 0, other = 0;
    for (unsigned char c : password) {
        if (std::islower(c))
            lower = 1;
        else if (std::isupper(c))
            upper = 1;
        else if (std::isdigit(c))
            digit = 1;
        else
            other = 1;
    }
    if (lower + upper + digit + other < 2)
        return validation(
            "Password must mix at least two kinds of characters (lower case, upper case, "
            "digits, others)");
    return Ok{};
}

Result<void> DatabaseService::ensure_up() const {
    if (!admin_ || !available_) return unavailable("Database server is unavailable");
    return Ok{};
}

Result<DatabaseRecord> DatabaseService::owned(const ReadTx& tx, const Caller& caller,
                                              const std::string& id) {
    auto record = DatabaseRepo::find(tx, id);
    if (!record) return not_found("Database not found");
    if (!caller.may_act_for(record->owner)) return forbidden("Access denied (not your database)");
    return *record;
}

Result<std::vector<DatabaseView>> DatabaseService::list(const Caller& caller,
                                                        const std::optional<std::string>& owner) {
    TRY(auto all, list_page(caller, owner, PageSpec{}));
    return std::move(all.items);
}

Result<Paged<DatabaseView>> DatabaseService::list_page(const Caller& caller,
                                                       const std::optional<std::string>& owner,
                                                       const PageSpec& page) {
    CHECK_OK(ensure_up());
    TRY(std::optional<std::string> filter, list_owner(caller, owner));
    Paged<DatabaseRecord> records;
    CHECK_OK(ctx_.db.read([&](const ReadTx& tx) -> Result<void> {
        records.items = DatabaseRepo::list(tx, filter, page);
        records.total = DatabaseRepo::count(tx, filter);
        return Ok{};
    }));
    const auto sizes = sizes_of(records.items);
    Paged<DatabaseView> out;
    out.total = records.total;
    out.items.reserve(records.items.size());
    for (auto& r : records.items) {
        auto it = sizes.find(r.name);
        int64_t bytes = it == sizes.end() ? 0 : it->second;
        out.items.push_back({std::move(r), (bytes + 1023) / 1024, {}});
    }
    CHECK_OK(ctx_.db.read([&](const ReadTx& tx) -> Result<void> {
        for (auto& v : out.items) v.connection = connection_of(tx, v.record);
        return Ok{};
    }));
    return out;
}

DatabaseConnection DatabaseService::connection_of(const ReadTx& tx, const DatabaseRecord& r) const {
    if (DatabaseHosts::is_local(r.host)) return local_connection_;
    DatabaseConnection c;
    c.database_host = r.host;
    if (auto h = DatabaseHostRepo::find(tx, r.host)) {
        c.host = h->host;
        c.port = h->port;
    }
    return c;
}

Result<DatabaseView> DatabaseService::get(const Caller& caller, const std::string& id) {
    CHECK_OK(ensure_up());
    DatabaseConnection connection;
    TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        TRY(DatabaseRecord r, owned(tx, caller, id));
        connection = connection_of(tx, r);
        return r;
    }));
    const auto sizes = sizes_of({record});
    auto it = sizes.find(record.name);
    int64_t bytes = it == sizes.end() ? 0 : it->second;
    return DatabaseView{std::move(record), (bytes + 1023) / 1024, std::move(connection)};
}

Result<DatabaseRecord> DatabaseService::owned_record(const Caller& caller, const std::string& id) {
    CHECK_OK(ensure_up());
    return ctx_.db.read(
        [&](const ReadTx& tx) -> Result<DatabaseRecord> { return owned(tx, caller, id); });
}

Result<DatabaseEndpoint> DatabaseService::endpoint_of(const std::string& host, bool for_login) {
    DatabaseEndpoint ep;
    if (DatabaseHosts::is_local(host)) {
        CHECK_OK(ensure_up());
        ep.admin = admin_;
        return ep;
    }
    TRY(ep.admin, hosts_->admin(host));
    ep.host_name = host;
    ep.local = false;
    // Galera: the node the pool uses now (it made the login, so it has it).
    std::tie(ep.address, ep.port) = ep.admin->current_node();
    ep.tls = ep.admin->tls();
    if (!for_login) return ep;
    // The panel's address as that server sees it (USER()'s host part:
    // an IP with skip-name-resolve): temporary logins are made for it only.
    TRY(ep.login_host, MariadbCatalog(*ep.admin).client_address());
    // The pool may have failed over meanwhile: take the node again.
    std::tie(ep.address, ep.port) = ep.admin->current_node();
    return ep;
}

Result<std::shared_ptr<DatabaseLogin>> DatabaseService::temporary_login(
    const DatabaseRecord& record) {
    CHECK_OK(ensure_up());
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    // The database's lock, and its host read again under it: a move may
    // have switched it since `record` was read (docs: moving).
    auto lock = mutate_.lock({"db:" + record.name});
    TRY(DatabaseRecord now, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        auto found = DatabaseRepo::find(tx, record.name);
        if (!found) return not_found("Database not found");
        return *found;
    }));
    return login_on(now.host, db);
}

Result<std::shared_ptr<DatabaseLogin>> DatabaseService::login_on(const std::string& host,
                                                                 const SqlName& db) {
    TRY(DatabaseEndpoint ep, endpoint_of(host, true));
    // Upper case: no account name has it, so reconcile never takes it for
    // an account's user; the time lets a start-up sweep drop leftovers.
    const std::string name =
        std::string(kTempLoginPrefix) + std::to_string(ctx_.clock.now_unix()) + "_" + random_hex(6);
    TRY(SqlName user, SqlName::parse(name, kMaxUserName, "database user"));
    const std::string password = random_hex(24);
    MariadbCatalog catalog(*ep.admin);
    const SqlHost entry = ep.login_host;
    CHECK_OK(catalog.create_user(user, entry, PasswordHash::of(password)));
    if (auto r = catalog.grant_all(db, user, entry); !r) {
        (void)catalog.drop_user(user, entry);
        return r.error();
    }
    auto admin = ep.admin;
    return std::make_shared<DatabaseLogin>(
        name, password, db.str(), std::move(ep), [admin, user, entry] {
            if (auto r = MariadbCatalog(*admin).drop_user(user, entry); !r)
                spdlog::error(
                    "databases: cannot drop the temporary "
                    "login {}: {}",
                    user.str(), r.error().message);
        });
}

Result<std::optional<std::string>> DatabaseService::change_marker(const DatabaseRecord& record) {
    CHECK_OK(ensure_up());
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    TRY(std::shared_ptr<MariadbAdmin> admin, admin_of(record.host));
    return database_change_marker(*admin, db);
}

Result<DatabaseRecord> DatabaseService::create(const Caller& caller, const NewDatabase& in) {
    TRY(std::string owner, resolve_owner(ctx_.db, caller, in.owner));
    return create_for(owner, in);
}

Result<DatabaseRecord> DatabaseService::create_for(const std::string& owner,
                                                   const NewDatabase& in) {
    TRY(SqlName db, full_name(owner, in.name, kMaxDatabaseName, "database name"));
    TRY(SqlName user, full_name(owner, in.user.value_or(in.name), kMaxUserName, "database user"));
    CHECK_OK(check_password(in.password));
    std::string domain;
    if (in.domain && !in.domain->empty()) {
        TRY(domain, domains_.ensure_owned(owner, *in.domain));
    }
    const PasswordHash hash = PasswordHash::of(in.password);
    // Mutations of one database (and one owner's count) are serialised by
    // mutate_, and MariaDB work happens outside any store transaction: a
    // slow or hung server delays database changes only, never the store
    // (and so never the other routes). The names are taken whole ("a_b_c"
    // may come from owner "a" or "a_b"), so no two creations race for one.
    auto lock = mutate_.lock({"owner:" + owner, "db:" + db.str(), "user:" + user.str()});
    // Everything the store says about this creation, in one read (issue 24:
    // it took eight separate ones): the package (limit, default host), the
    // names, the count on the host.
    std::string host = in.host.value_or("");
    struct Facts {
        PackageRecord package;
        bool db_recorded = false, user_recorded = false;
        int64_t owned = 0, on_host = 0;
    };
    TRY(Facts facts, ctx_.db.read([&](const ReadTx& tx) -> Result<Facts> {
        Facts f;
        f.package = package_of(tx, owner);
        if (host.empty())
            host =
                DatabaseHostRepo::host_of_package(tx, f.package.name).value_or(kLocalDatabaseHost);
        f.db_recorded = DatabaseRepo::find(tx, db.str()).has_value();
        f.user_recorded = DatabaseRepo::user_taken(tx, user.str());
        f.owned = DatabaseRepo::count_of(tx, owner);
        if (!DatabaseHosts::is_local(host)) f.on_host = DatabaseHostRepo::databases_on(tx, host);
        return f;
    }));
    std::optional<DatabaseHostRecord> placed;
    if (!DatabaseHosts::is_local(host)) {
        TRY(placed, hosts_->placeable(host));
    }
    TRY(auto admin, admin_of(host));
    TRY(SqlHost entry, base_host(host));
    DatabaseRecord record{db.str(), user.str(), owner, domain, false, "", ctx_.clock.now_unix(),
                          host};
    if (facts.db_recorded) return conflict("Database already exists");
    if (facts.user_recorded) return conflict("Database user already exists");
    if (placed && placed->max_databases >= 0 && facts.on_host >= placed->max_databases)
        return forbidden("Database host " + host + " is full (" +
                         std::to_string(placed->max_databases) + ")");
    CHECK_OK(ensure_below_limit(facts.package, Limit::databases, facts.owned));
    MariadbCatalog catalog(*admin);
    // Until the record is in, a panel killed mid-way leaves this intent and
    // the start-up reconcile drops what was made (issue 16, kill -9 loops).
    // The names are checked on the server by the same statement that makes
    // them (one round trip, issue 24), so the intent may name a database
    // that was there before: the marker, the database's COMMENT, tells this
    // creation's database from it, and only a marked one is ever dropped.
    const std::string marker = "wsp:" + random_hex(8);
    const DatabaseIntent intent{db.str(), user.str(),        owner, host,
                                "create", record.created_at, marker};
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseIntentRepo::put(tx, intent);
        return Ok{};
    }));
    // On any failure from here: what this creation made goes, then the
    // intent (kept when the drop fails: the reconcile retries it). The user
    // is this creation's whenever the marked database is (CREATE USER
    // comes after CREATE DATABASE, both after the check), except when
    // CREATE USER itself found the name taken (a race with the check).
    bool user_ours = true, maybe_made = true;
    Undo undo;
    undo.add([&]() -> Result<void> {
        bool ours = false;
        if (maybe_made) {
            TRY(ours, catalog.database_marked(db, marker));
        }
        if (ours) {
            if (user_ours) CHECK_OK(catalog.drop_user(user, entry));
            CHECK_OK(catalog.drop_database(db));
        }
        return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            DatabaseIntentRepo::remove(tx, intent.name);
            return Ok{};
        });
    });
    // The check, CREATE DATABASE, CREATE USER and GRANT in one statement;
    // 409 when either name exists on the server (made outside the panel),
    // with nothing made. A connection lost mid-way leaves the outcome
    // unknown: the undo above looks for the marker.
    if (auto made = catalog.create_database_with_user(db, user, entry, hash, marker); !made) {
        if (made.error().code == Code::conflict) {
            // The database's name: nothing was made. The user's: the
            // database may have been (the race), never the user.
            if (made.error().message == "Database already exists") maybe_made = false;
            user_ours = false;
        }
        return made.error();
    }
    // A failed insert (DbError) rolls back and unwinds through undo too.
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseRepo::insert(tx, record);
        DatabaseIntentRepo::remove(tx, intent.name);
        return Ok{};
    }));
    undo.commit();
    emit_event(
        ctx_, "database.created", owner,
        {{"id", record.name}, {"name", record.name}, {"user", record.user}, {"owner", owner}});
    return record;
}

Result<DatabaseView> DatabaseService::update_remote(const Caller& caller, const std::string& id,
                                                    const RemoteAccess& in) {
    std::optional<SqlHost> wanted;
    if (in.remote_access) {
        if (!in.remote_host || in.remote_host->empty())
            return validation("remote_host is required when remote_access is true");
        TRY(wanted, SqlHost::parse_remote(*in.remote_host));
    }
    CHECK_OK(ensure_up());
    {
        auto lock = mutate_.lock({"db:" + id});
        TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
            return owned(tx, caller, id);
        }));
        TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
        TRY(SqlName user, SqlName::parse(record.user, kMaxUserName, "database user"));
        std::optional<SqlHost> current;
        if (record.remote_access && !record.remote_host.empty()) {
            TRY(current, SqlHost::parse_remote(record.remote_host));
        }
        TRY(auto admin, admin_of(record.host));
        TRY(SqlHost entry, base_host(record.host));
        MariadbCatalog catalog(*admin);
        Undo undo;
        const bool same = current && wanted && current->str() == wanted->str();
        if (wanted && !same) {
            // The new entry gets the user's current password (its hash).
            TRY(PasswordHash hash, catalog.password_hash(user, entry));
            CHECK_OK(catalog.create_user(user, *wanted, hash));
            undo.add([&] { return catalog.drop_user(user, *wanted); });
            CHECK_OK(catalog.grant_all(db, user, *wanted));
        }
        const std::string host = in.remote_access ? *in.remote_host : "";
        CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            DatabaseRepo::set_remote(tx, record.name, in.remote_access, host);
            return Ok{};
        }));
        undo.commit();
        // Last: once the record says the new host, the old entry must go; if
        // this fails it is logged and the next change or delete removes it.
        if (current && !same) {
            if (auto r = catalog.drop_user(user, *current); !r)
                spdlog::error("databases: cannot drop the old remote entry of {}: {}", record.user,
                              r.error().message);
        }
    }
    return get(caller, id);
}

Result<void> DatabaseService::drop_everything(const DatabaseRecord& record) {
    TRY(auto extra, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseUserRecord>> {
        return DatabaseUserRepo::of_database(tx, record.name);
    }));
    return drop_everything(record, extra);
}

Result<void> DatabaseService::drop_everything(const DatabaseRecord& record,
                                              const std::vector<DatabaseUserRecord>& extra) {
    TRY(SqlName db, SqlName::parse(record.name, kMaxDatabaseName, "database name"));
    TRY(SqlName user, SqlName::parse(record.user, kMaxUserName, "database user"));
    TRY(DatabaseEndpoint ep, endpoint_of(record.host));
    auto admin = ep.admin;
    MariadbCatalog catalog(*admin);
    // The entries the panel made: its base entry and the remote one.
    std::vector<SqlHost> known;
    if (auto base = base_host(record.host)) known.push_back(*base);
    if (record.remote_access && !record.remote_host.empty())
        if (auto remote = SqlHost::parse_remote(record.remote_host))
            if (known.empty() || remote->str() != known.front().str()) known.push_back(*remote);
    // A panel killed from here on leaves the record and this intent: the
    // start-up reconcile finishes the delete (every step is IF EXISTS).
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseIntentRepo::put(tx, {record.name, record.user, record.owner, record.host, "delete",
                                     ctx_.clock.now_unix()});
        return Ok{};
    }));
    // phpMyAdmin's temporary users on it first: a grant outlives DROP
    // DATABASE and would cover a later database of the same name.
    if (pma_revoke_) CHECK_OK(pma_revoke_(record.name, ep));
    // Its extra users, then its own: none may outlive the record (their
    // grants would cover a later database of the same name).
    for (const auto& u : extra) CHECK_OK(drop_user_everywhere(*admin, u.user));
    // The user's known entries, the database, and a look for entries left
    // (made by hand, or an old remote entry whose drop failed): one round
    // trip; what is left is dropped before the record goes.
    TRY(auto left, catalog.drop_database_and_user(db, user, known));
    for (const auto& host : left) CHECK_OK(catalog.drop_user(user, host));
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        DatabaseUserRepo::remove_of_database(tx, record.name);
        DatabaseRepo::remove(tx, record.name);
        DatabaseIntentRepo::remove(tx, record.name);
        return Ok{};
    });
}

Result<void> DatabaseService::remove(const Caller& caller, const std::string& id) {
    // Every step is idempotent (IF EXISTS): when one fails the record stays
    // and a retry finishes the job.
    auto lock = mutate_.lock({"db:" + id});
    // The record and its extra users in one read.
    std::vector<DatabaseUserRecord> extra;
    TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        TRY(DatabaseRecord r, owned(tx, caller, id));
        extra = DatabaseUserRepo::of_database(tx, r.name);
        return r;
    }));
    CHECK_OK(drop_everything(record, extra));
    emit_event(ctx_, "database.deleted", record.owner,
               {{"id", record.name}, {"name", record.name}, {"owner", record.owner}});
    return Ok{};
}

Result<int64_t> DatabaseService::remove_all_of(const std::string& owner) {
    TRY(auto records, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseRecord>> {
        return DatabaseRepo::list(tx, owner);
    }));
    if (records.empty()) return int64_t{0};
    int64_t removed = 0;
    // All at once (sorted, like every holder): a creation for this owner
    // waits until its databases are gone.
    std::set<std::string> keys{"owner:" + owner};
    for (const auto& record : records) keys.insert("db:" + record.name);
    auto lock = mutate_.lock(std::move(keys));
    for (const auto& record : records) {
        CHECK_OK(drop_everything(record));
        ++removed;
    }
    return removed;
}

Result<int64_t> DatabaseService::end_pma_sessions(const std::string& owner) {
    if (!pma_revoke_) return int64_t{0};
    TRY(auto records, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseRecord>> {
        return DatabaseRepo::list(tx, owner);
    }));
    if (records.empty()) return int64_t{0};
    CHECK_OK(ensure_up());
    // Serialised with phpmyadmin() on each database, so no new link slips
    // in between.
    std::set<std::string> keys;
    for (const auto& record : records) keys.insert("db:" + record.name);
    auto lock = mutate_.lock(std::move(keys));
    int64_t dropped = 0;
    for (const auto& record : records) {
        auto ep = endpoint_of(record.host);
        if (!ep && !DatabaseHosts::is_local(record.host)) {
            // Another host that is down: its temporary users go with the
            // sweep (an hour at most) or when the database goes.
            spdlog::warn("phpmyadmin: cannot end the sessions on {} (host {}): {}", record.name,
                         record.host, ep.error().message);
            continue;
        }
        if (!ep) return ep.error();
        TRY(int64_t n, pma_revoke_(record.name, *ep));
        dropped += n;
    }
    return dropped;
}

Result<void> DatabaseService::reset_password(const Caller& caller, const std::string& id,
                                             const std::string& password) {
    TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        return owned(tx, caller, id);
    }));
    CHECK_OK(check_password(password));
    TRY(SqlName user, SqlName::parse(record.user, kMaxUserName, "database user"));
    auto lock = mutate_.lock({"db:" + record.name});
    TRY(auto admin, admin_of(record.host));
    MariadbCatalog catalog(*admin);
    TRY(auto hosts, catalog.user_hosts(user));
    if (hosts.empty())
        return internal("database user " + record.user + " is missing on the server");
    // One ALTER USER for every host entry: all change, or none.
    return catalog.set_password(user, hosts, PasswordHash::of(password));
}

Result<PmaLink> DatabaseService::phpmyadmin(const Caller& caller, const std::string& id) {
    CHECK_OK(ensure_up());
    // Serialised with delete, so a grant is never made for a database that
    // is being dropped.
    auto lock = mutate_.lock({"db:" + id});
    TRY(DatabaseRecord record, ctx_.db.read([&](const ReadTx& tx) -> Result<DatabaseRecord> {
        return owned(tx, caller, id);
    }));
    if (!pma_) return unavailable("phpMyAdmin is not available");
    TRY(DatabaseEndpoint ep, endpoint_of(record.host, true));
    return pma_(record, ep);
}

Result<void> DatabaseService::finish_intents() {
    TRY(auto intents, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseIntent>> {
        return DatabaseIntentRepo::list(tx);
    }));
    for (const auto& listed : intents) {
        // Under the database's lock: a creation or delete still running
        // (a reconcile after MariaDB came back) finishes first.
        auto lock = mutate_.lock({"db:" + listed.name});
        TRY(auto state,
            ctx_.db.read([&](const ReadTx& tx) -> Result<std::pair<std::optional<DatabaseIntent>,
                                                                   std::optional<DatabaseRecord>>> {
                return std::pair{DatabaseIntentRepo::find(tx, listed.name),
                                 DatabaseRepo::find(tx, listed.name)};
            }));
        // Named, not a structured binding: lambdas below capture them.
        const std::optional<DatabaseIntent>& intent = state.first;
        const std::optional<DatabaseRecord>& record = state.second;
        if (!intent) continue;
        if (record) {
            if (intent->op == "delete") {
                spdlog::info("databases: finishing the interrupted delete of {}", record->name);
                CHECK_OK(drop_everything(*record));
            } else {
                CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
                    DatabaseIntentRepo::remove(tx, intent->name);
                    return Ok{};
                }));
            }
            continue;
        }
        // No record: an interrupted creation (or a delete whose record is
        // gone already). Whatever it made is dropped.
        auto admin = admin_of(intent->host);
        if (!admin) {
            spdlog::warn("databases: cannot finish the intent on {} yet: {}", intent->name,
                         admin.error().message);
            continue;
        }
        TRY(SqlName db, SqlName::parse(intent->name, kMaxDatabaseName, "database name"));
        TRY(SqlName user, SqlName::parse(intent->user, kMaxUserName, "database user"));
        spdlog::info("databases: dropping what the interrupted {} of {} left", intent->op,
                     intent->name);
        MariadbCatalog catalog(**admin);
        // A create with a marker (migration 0023) made something only if
        // its marked database is there: a database or user without it was
        // there before (the create ended in 409) and is not the panel's.
        bool ours = true;
        if (!intent->marker.empty()) {
            TRY(ours, catalog.database_marked(db, intent->marker));
        }
        if (ours) {
            TRY(auto hosts, catalog.user_hosts(user));
            for (const auto& host : hosts) CHECK_OK(catalog.drop_user(user, host));
            CHECK_OK(catalog.drop_database(db));
        }
        CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            DatabaseIntentRepo::remove(tx, intent->name);
            return Ok{};
        }));
    }
    return Ok{};
}

Result<std::vector<std::string>> DatabaseService::reconcile() {
    CHECK_OK(ensure_up());
    CHECK_OK(finish_intents());
    TRY(auto records, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseRecord>> {
        return DatabaseRepo::list(tx, std::nullopt);
    }));
    // The panel's own server only: databases on other hosts are not there.
    std::erase_if(records,
                  [](const DatabaseRecord& r) { return !DatabaseHosts::is_local(r.host); });
    MariadbCatalog catalog(*admin_);
    // The server's names, read once: two queries, not two per record
    // (50,000 records took minutes of round trips; issue 24).
    TRY(auto server_db_list, catalog.all_databases());
    TRY(auto server_user_list, catalog.all_users());
    const std::set<std::string> server_db_set(server_db_list.begin(), server_db_list.end());
    const std::set<std::string> server_user_set(server_user_list.begin(), server_user_list.end());
    std::vector<std::string> differences;
    for (const auto& r : records) {
        if (!server_db_set.count(r.name))
            differences.push_back("database " + r.name + " is recorded but missing");
        if (!server_user_set.count(r.user))
            differences.push_back("user " + r.user + " is recorded but missing");
    }
    // The other way: names with an account's prefix that no record has (left
    // by a statement whose outcome was lost with the connection, or made by
    // hand). Reported, never dropped: they might be someone's data.
    std::set<std::string> dbs, users;
    for (const auto& r : records) dbs.insert(r.name), users.insert(r.user);
    TRY(auto extra, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseUserRecord>> {
        return DatabaseUserRepo::list_all(tx);
    }));
    std::set<std::string> remote_dbs;
    TRY(auto all_records,
        ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseRecord>> {
            return DatabaseRepo::list(tx, std::nullopt);
        }));
    for (const auto& r : all_records)
        if (!DatabaseHosts::is_local(r.host)) remote_dbs.insert(r.name);
    for (const auto& u : extra) {
        users.insert(u.user);
        if (remote_dbs.count(u.database)) continue;
        if (!server_user_set.count(u.user))
            differences.push_back("user " + u.user + " is recorded but missing");
    }
    TRY(auto accounts, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<UserRecord>> {
        return UserRepo::list(tx);
    }));
    std::set<std::string> owners;
    for (const auto& account : accounts) owners.insert(account.username);
    // Temporary logins (export, import, backups) an interrupted run left
    // behind, once they are a day old.
    TRY(auto all_users, catalog.all_users());
    for (const auto& name : all_users) {
        if (!name.starts_with(kTempLoginPrefix)) continue;
        const std::string rest = name.substr(std::string(kTempLoginPrefix).size());
        const int64_t made = std::atoll(rest.c_str());
        if (made <= 0 || ctx_.clock.now_unix() - made < 86400) continue;
        if (auto user = SqlName::parse(name, kMaxUserName, "database user"); user) {
            spdlog::info("databases: dropping the leftover temporary login {}", name);
            (void)catalog.drop_user(*user, SqlHost::localhost());
        }
    }
    auto has_account_prefix = [&](const std::string& name) {
        auto u = name.find('_');
        return u != std::string::npos && owners.count(name.substr(0, u)) > 0;
    };
    for (const auto& name : server_db_list)
        if (has_account_prefix(name) && !dbs.count(name))
            differences.push_back("database " + name + " has no record");
    // Read again: the leftover temporary logins above may be gone now.
    TRY(auto server_users, catalog.all_users());
    for (const auto& name : server_users)
        if (has_account_prefix(name) && !users.count(name))
            differences.push_back("user " + name + " has no record");
    // The first ones, then a count: a store out of step with its server by
    // thousands of records must not flood the log.
    constexpr size_t kLogged = 50;
    for (size_t i = 0; i < differences.size() && i < kLogged; ++i)
        spdlog::warn("databases: reconcile: {}", differences[i]);
    if (differences.size() > kLogged)
        spdlog::warn("databases: reconcile: ... and {} more differences",
                     differences.size() - kLogged);
    spdlog::info("databases: reconciled {} records, {} differences", records.size(),
                 differences.size());
    return differences;
}

}  // namespace wsp
