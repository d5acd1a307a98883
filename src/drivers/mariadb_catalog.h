#pragma once
// The SQL the panel runs on MariaDB for customers' databases and users,
// every name passed through drivers/sql_ident.h. One function per step, so
// the service can order the steps and undo them.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "drivers/mariadb_admin.h"
#include "drivers/mariadb_privileges.h"
#include "drivers/sql_ident.h"

namespace wsp {

class MariadbCatalog {
  public:
    explicit MariadbCatalog(MariadbAdmin& admin) : admin_(admin) {}

    Result<void> create_database(const SqlName& db);  // 409 when it exists
    Result<void> drop_database(const SqlName& db);    // IF EXISTS
    Result<bool> database_exists(const SqlName& db);

    // Whether `db` and any entry of `user` exist: one query.
    struct Taken {
        bool database = false;
        bool user = false;
    };
    Result<Taken> names_taken(const SqlName& db, const SqlName& user);
    // A database's creation in one statement, so one round trip (issue
    // 24): an anonymous block that answers 409 ("Database already exists",
    // "Database user already exists") when either name is on the server,
    // making nothing, else runs CREATE DATABASE (with `marker`, a short
    // [0-9a-z:] text, as its COMMENT), CREATE USER, GRANT ALL. It stops at
    // the first error; a database carrying `marker` is this creation's
    // (database_marked), and so is the user then.
    Result<void> create_database_with_user(const SqlName& db, const SqlName& user,
                                           const SqlHost& host, const PasswordHash& hash,
                                           const std::string& marker);
    // Whether `db` exists with `marker` as its comment: made by the
    // creation that chose the marker.
    Result<bool> database_marked(const SqlName& db, const std::string& marker);
    // DROP USER IF EXISTS on the `known` entries, DROP DATABASE IF EXISTS,
    // and the user's entries left (made outside the panel, or left by a
    // failed change): one round trip. The caller drops what is left.
    Result<std::vector<SqlHost>> drop_database_and_user(const SqlName& db, const SqlName& user,
                                                        const std::vector<SqlHost>& known);

    Result<void> create_user(const SqlName& user, const SqlHost& host, const PasswordHash& hash);
    Result<void> drop_user(const SqlName& user, const SqlHost& host);  // IF EXISTS
    // Every host entry of `user` (from mysql.user).
    Result<std::vector<SqlHost>> user_hosts(const SqlName& user);
    Result<PasswordHash> password_hash(const SqlName& user, const SqlHost& host);
    // Sets the hash on every listed entry in one statement (all or none).
    Result<void> set_password(const SqlName& user, const std::vector<SqlHost>& hosts,
                              const PasswordHash& hash);

    // ALL PRIVILEGES on `db`.* only (name escaped for GRANT).
    Result<void> grant_all(const SqlName& db, const SqlName& user, const SqlHost& host);
    // `privileges` on `db`.* only; revoke_all takes every privilege on
    // `db`.* away from that entry (for a change of set).
    Result<void> grant(const SqlName& db, const SqlName& user, const SqlHost& host,
                       const PrivilegeSet& privileges);
    Result<void> revoke_all(const SqlName& db, const SqlName& user, const SqlHost& host);

    // Bytes on disk per database, from INNODB_SYS_TABLESPACES (the .ibd
    // files' allocated size: current right after writes, unlike
    // information_schema.TABLES). One query for every database.
    Result<std::map<std::string, int64_t>> database_sizes();

    // The connected account's global privileges, each with whether it is
    // held WITH GRANT OPTION (checking a database host's admin account).
    Result<std::vector<std::pair<std::string, bool>>> own_global_privileges();
    // wsrep_* status variables (upper-case names); empty without Galera.
    Result<std::map<std::string, std::string>> wsrep_status();

    // The panel's address as the server sees this connection: USER()'s
    // host part (an IP with skip-name-resolve), for temporary logins.
    Result<SqlHost> client_address();
    // Rows of every base table of `db` (moves compare both copies).
    Result<std::map<std::string, int64_t>> row_counts(const SqlName& db);
    // "user@host" of every other session using `db` or logged in as one
    // of `users` (information_schema.PROCESSLIST; needs PROCESS).
    Result<std::vector<std::string>> sessions_on(const SqlName& db,
                                                 const std::vector<SqlName>& users);

    // Every database / user name on the server (reconcile).
    Result<std::vector<std::string>> all_databases();
    Result<std::vector<std::string>> all_users();

  private:
    MariadbAdmin& admin_;
};

}  // namespace wsp
