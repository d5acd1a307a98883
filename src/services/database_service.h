#pragma once
// Customers' MariaDB databases: each a real database with one user holding
// ALL PRIVILEGES on it alone, named "<owner>_<name>". Every change is all or
// nothing across MariaDB and the panel's record: MariaDB steps run first
// (outside any store transaction, one change at a time per database) and
// are undone in
// reverse when a later step, or the record's transaction, fails.
// Passwords are sent to MariaDB as hashes and never stored by the panel.
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "drivers/mariadb_admin.h"
#include "drivers/sql_ident.h"
#include "services/caller.h"
#include "services/database_hosts.h"
#include "services/domain_service.h"
#include "services/keyed_locks.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "store/database_repo.h"

namespace wsp {

struct NewDatabase {
    std::string name;
    std::optional<std::string> user;  // default: name
    std::string password;
    std::optional<std::string> domain;
    std::optional<std::string> owner;  // admin only
    std::optional<std::string> host;   // a database host's name; default "local"
};

struct RemoteAccess {
    bool remote_access = false;
    std::optional<std::string> remote_host;
};

// privileges as the API takes them: "read" | "read_write" | "all", or a list.
using PrivilegesInput = std::variant<std::string, std::vector<std::string>>;

struct NewDatabaseUser {
    std::string user;  // without the owner prefix
    std::string password;
    std::optional<PrivilegesInput> privileges;  // required
    std::optional<std::string> remote_host;     // null or "": local only
};

struct DatabaseUserChange {
    std::optional<std::string> password;
    std::optional<PrivilegesInput> privileges;
    // Absent: unchanged; "" or null: local only; else the one remote host.
    std::optional<std::string> remote_host;
};

// One user of a database: the first one (`primary`, ALL, managed by the
// /databases/{id} routes) or an extra one.
struct DatabaseUserView {
    std::string user;
    std::string database;
    bool primary = false;
    std::string privileges_name;              // "read" | "read_write" | "all" | "" (a list)
    std::vector<std::string> privilege_list;  // when privileges_name is ""
    std::string remote_host;
    int64_t created_at = 0;
};

// What a client needs to reach a database (issue 17): the TCP address and
// port (port 0: no TCP), the Unix socket when there is one meant for the
// customers' own programs (empty otherwise), and the database host it is
// on ("local" or a database host's name). docs/databases.md.
struct DatabaseConnection {
    std::string host;
    int64_t port = 0;
    std::string socket;
    std::string database_host = "local";
};

struct DatabaseView {
    DatabaseRecord record;
    int64_t size_kb = 0;
    DatabaseConnection connection;
};

// Where programs reach a database's host (export, import, backups,
// phpMyAdmin, moves): the panel's own server through the tools' defaults
// (its socket), or another host over TCP at its current node.
struct DatabaseEndpoint {
    std::string host_name = "local";  // the database host's name
    std::shared_ptr<MariadbAdmin> admin;
    bool local = true;
    std::string address;  // not local: the node's host name or IP
    int port = 0;
    bool tls = false;
    // The host part of temporary logins made there: localhost on the
    // panel's own server, else the panel's address as that server sees it.
    SqlHost login_host = SqlHost::localhost();
};

// A phpMyAdmin sign-on hand-off (see pma_signon.h).
struct PmaLink {
    std::string url;
    std::string token;
};
using PmaIssuer = std::function<Result<PmaLink>(const DatabaseRecord&, const DatabaseEndpoint&)>;
// Drops phpMyAdmin's temporary users on one database; returns how many.
using PmaRevoker =
    std::function<Result<int64_t>(const std::string& database, const DatabaseEndpoint&)>;

// Copies a database's data from one login to another (dump | load); the
// backup service provides it (it runs the client programs).
class DatabaseLogin;
using DatabaseCopier =
    std::function<Result<void>(const DatabaseLogin& from, const DatabaseLogin& to)>;
// An error once the task running a long step is cancelled.
using CancelCheck = std::function<Result<void>()>;

// A temporary MariaDB login with ALL on one database only, for the tools
// that work on a database as its owner would (export, import, backups);
// the user is dropped when the last handle goes.
class DatabaseLogin {
  public:
    DatabaseLogin(std::string user, std::string password, std::string database,
                  DatabaseEndpoint endpoint, std::function<void()> drop)
        : user_(std::move(user)),
          password_(std::move(password)),
          database_(std::move(database)),
          endpoint_(std::move(endpoint)),
          drop_(std::move(drop)) {}
    ~DatabaseLogin() {
        if (drop_) drop_();
    }
    DatabaseLogin(const DatabaseLogin&) = delete;
    DatabaseLogin& operator=(const DatabaseLogin&) = delete;
    const std::string& user() const { return user_; }
    const std::string& password() const { return password_; }
    const std::string& database() const { return database_; }
    // Where to connect (the tools' defaults when local).
    const DatabaseEndpoint& endpoint() const { return endpoint_; }

  private:
    std::string user_, password_, database_;
    DatabaseEndpoint endpoint_;
    std::function<void()> drop_;
};

class DatabaseService final : public OwnerCleanup {
  public:
    // `admin` is null when MariaDB is off: every call is then a 503.
    DatabaseService(PanelContext& ctx, DomainService& domains, std::shared_ptr<MariadbAdmin> admin);

    Result<std::vector<DatabaseView>> list(const Caller& caller,
                                           const std::optional<std::string>& owner);
    // One page of that list (read by the store; MariaDB is asked for sizes
    // only when the page has records) and its total.
    Result<Paged<DatabaseView>> list_page(const Caller& caller,
                                          const std::optional<std::string>& owner,
                                          const PageSpec& page);
    Result<DatabaseView> get(const Caller& caller, const std::string& id);
    Result<DatabaseRecord> create(const Caller& caller, const NewDatabase& input);
    Result<DatabaseView> update_remote(const Caller& caller, const std::string& id,
                                       const RemoteAccess& input);
    Result<void> remove(const Caller& caller, const std::string& id);
    Result<void> reset_password(const Caller& caller, const std::string& id,
                                const std::string& password);
    Result<PmaLink> phpmyadmin(const Caller& caller, const std::string& id);

    // Users of a database (database_users.cpp): the first one and the extra
    // ones, each with a privilege set, own remote host and password.
    Result<std::vector<DatabaseUserView>> list_users(const Caller& caller, const std::string& id);
    Result<DatabaseUserView> add_user(const Caller& caller, const std::string& id,
                                      const NewDatabaseUser& input);
    Result<DatabaseUserView> update_user(const Caller& caller, const std::string& id,
                                         const std::string& user, const DatabaseUserChange& input);
    Result<void> remove_user(const Caller& caller, const std::string& id, const std::string& user);

    // OwnerCleanup: drops every database (and user) of `owner`.
    std::string removed_key() const override { return "databases"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

    // The database hosts (admin routes /database-hosts).
    DatabaseHosts& hosts() { return *hosts_; }

    // Set by the health monitor; while false every call is a quick 503.
    void set_available(bool up) { available_ = up; }
    bool available() const { return available_; }
    void set_pma_issuer(PmaIssuer issuer) { pma_ = std::move(issuer); }
    // How clients reach the panel's own server (wire_databases.cpp).
    void set_local_connection(DatabaseConnection c) { local_connection_ = std::move(c); }
    void set_pma_revoker(PmaRevoker revoker) { pma_revoke_ = std::move(revoker); }
    // Ends every phpMyAdmin session on `owner`'s databases (the account is
    // suspended): their temporary users are dropped.
    Result<int64_t> end_pma_sessions(const std::string& owner);

    // The record of database `id` when the caller may use it.
    Result<DatabaseRecord> owned_record(const Caller& caller, const std::string& id);
    // A temporary login on `record`'s database, on the host it is on now
    // (503 while MariaDB is down).
    Result<std::shared_ptr<DatabaseLogin>> temporary_login(const DatabaseRecord& record);
    // How programs reach host `host` now (docs/databases.md). `for_login`:
    // also ask that server for the panel's address (login_host; one more
    // query, only needed to make a temporary login).
    Result<DatabaseEndpoint> endpoint_of(const std::string& host, bool for_login = false);

    // Moving a database to another host (database_move.cpp): check_move
    // says now (admin only) whether `id` can go to `host`; move() does it
    // (a task): read-only, copy, users, switch, drop the old.
    Result<DatabaseRecord> check_move(const Caller& caller, const std::string& id,
                                      const std::string& host);
    Result<void> move(const std::string& name, const std::string& host, const DatabaseCopier& copy,
                      const CancelCheck& cancelled);
    // What backups compare to skip an unchanged database's dump; nullopt
    // when it must be dumped (drivers/mariadb_change_marker.h).
    Result<std::optional<std::string>> change_marker(const DatabaseRecord& record);
    // Creates an empty database for `owner` with a user and password
    // (restoring into a new database): as create(), without the caller.
    Result<DatabaseRecord> create_for(const std::string& owner, const NewDatabase& input);

    // Compares the records with the server; logs and returns what differs.
    Result<std::vector<std::string>> reconcile();

    // The password rule (docs/databases.md): 8..1024 characters, at least
    // two kinds among lower case, upper case, digits and others.
    static Result<void> check_password(const std::string& password);

  private:
    Result<void> ensure_up() const;
    // temporary_login without the database's lock (the caller holds it).
    Result<std::shared_ptr<DatabaseLogin>> login_on(const std::string& host, const SqlName& db);
    // Waits until no session uses database `db` or is one of `users`
    // (409 after a while, naming them).
    Result<void> wait_idle(MariadbAdmin& admin, const SqlName& db,
                           const std::vector<SqlName>& users, const CancelCheck& cancelled);
    Result<DatabaseRecord> owned(const ReadTx& tx, const Caller& caller, const std::string& id);
    Result<void> drop_everything(const DatabaseRecord& record);
    // With its extra users already read (delete reads them with the record).
    Result<void> drop_everything(const DatabaseRecord& record,
                                 const std::vector<DatabaseUserRecord>& extra);
    // Finishes the creates and deletes a killed panel left half done
    // (DatabaseIntentRepo); part of reconcile().
    Result<void> finish_intents();
    // Drops every host entry of `user` on the server (IF EXISTS).
    Result<void> drop_user_everywhere(MariadbAdmin& admin, const std::string& user);
    // The connection of the record's host (the local one: 503 while down).
    Result<std::shared_ptr<MariadbAdmin>> admin_of(const std::string& host);
    // The host part of customers' own entries there: localhost on the
    // panel's server, the host's client_host elsewhere.
    Result<SqlHost> base_host(const std::string& host);
    // Sizes of `records`' databases (bytes), one query per host.
    std::map<std::string, int64_t> sizes_of(const std::vector<DatabaseRecord>& records);
    // Database `id`, when the caller may use it, and its extra user `user`
    // (full or short name).
    Result<std::pair<DatabaseRecord, DatabaseUserRecord>> owned_extra_user(const Caller& caller,
                                                                           const std::string& id,
                                                                           const std::string& user);

    PanelContext& ctx_;
    DomainService& domains_;
    std::shared_ptr<MariadbAdmin> admin_;
    // One change at a time per database ("db:<name>"); a creation also holds
    // its owner ("owner:<name>", so the limit check and the insert are one
    // step) and its user name. A slow change on one database (a held
    // MariaDB lock) delays changes to that database only.
    KeyedLocks mutate_;
    std::atomic<bool> available_{false};
    PmaIssuer pma_;
    PmaRevoker pma_revoke_;
    DatabaseConnection local_connection_;
    // The connection details of `r`'s host.
    DatabaseConnection connection_of(const ReadTx& tx, const DatabaseRecord& r) const;
    std::unique_ptr<DatabaseHosts> hosts_;
};

}  // namespace wsp
