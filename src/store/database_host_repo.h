#pragma once
// Database hosts other than the panel's own MariaDB ("local", never
// stored): schema/0016_database_users.sql. The admin password is not here:
// it lives in a 0600 [client] file of its own (docs/databases.md).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct DatabaseHostRecord {
    std::string name;  // the API's id
    std::string kind;  // "mariadb" | "galera"
    std::string host;
    int64_t port = 3306;
    std::vector<std::string> nodes;  // galera: "host:port" each
    std::string admin_user;
    // The host part of customers' accounts on this host (where their web
    // applications connect from), "%" by default.
    std::string client_host = "%";
    bool tls = false;
    int64_t max_databases = -1;
    bool enabled = true;
    int64_t created_at = 0;
};

class DatabaseHostRepo {
  public:
    static std::optional<DatabaseHostRecord> find(const ReadTx& tx, const std::string& name);
    static std::vector<DatabaseHostRecord> list(const ReadTx& tx);
    static void insert(WriteTx& tx, const DatabaseHostRecord& r);
    static void update(WriteTx& tx, const DatabaseHostRecord& r);
    static bool remove(WriteTx& tx, const std::string& name);
    // Placement: the packages whose new databases go to `host` by default.
    static std::vector<std::string> packages_of(const ReadTx& tx, const std::string& host);
    // Makes `host` the default of exactly `packages` (others it had go back
    // to local; a package listed moves from any other host).
    static void set_packages(WriteTx& tx, const std::string& host,
                             const std::vector<std::string>& packages);
    static std::optional<std::string> host_of_package(const ReadTx& tx, const std::string& package);
    // Databases placed on host `name`.
    static int64_t databases_on(const ReadTx& tx, const std::string& name);
};

}  // namespace wsp
