#pragma once
// The panel's record of each customer database (schema/0002_databases.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/page.h"
#include "store/db.h"

namespace wsp {

struct DatabaseRecord {
    std::string name;  // full name, the API's id
    std::string user;  // full user name
    std::string owner;
    std::string domain;
    bool remote_access = false;
    std::string remote_host;
    int64_t created_at = 0;
    std::string host = "local";  // the database host it lives on
};

class DatabaseRepo {
  public:
    static std::optional<DatabaseRecord> find(const ReadTx& tx, const std::string& name);
    static bool user_taken(const ReadTx& tx, const std::string& user);
    // By name; `page` (default: all) is read by the store, not cut here.
    static std::vector<DatabaseRecord> list(const ReadTx& tx,
                                            const std::optional<std::string>& owner,
                                            const PageSpec& page = {});
    // Records of `owner`, or of everybody (nullopt).
    static int64_t count(const ReadTx& tx, const std::optional<std::string>& owner);
    static int64_t count_of(const ReadTx& tx, const std::string& owner);
    static void insert(WriteTx& tx, const DatabaseRecord& r);
    static void set_remote(WriteTx& tx, const std::string& name, bool remote_access,
                           const std::string& remote_host);
    static bool remove(WriteTx& tx, const std::string& name);
    // A move switched the database to another host.
    static void set_host(WriteTx& tx, const std::string& name, const std::string& host);
};

// An extra user on a database (schema/0016_database_users.sql).
struct DatabaseUserRecord {
    std::string user;  // full user name
    std::string database;
    std::string owner;
    std::string privileges;   // "read", "read_write", "all" or "SELECT,INSERT,..."
    std::string remote_host;  // as given; "" = local only
    int64_t created_at = 0;
};

class DatabaseUserRepo {
  public:
    static std::optional<DatabaseUserRecord> find(const ReadTx& tx, const std::string& user);
    static std::vector<DatabaseUserRecord> of_database(const ReadTx& tx,
                                                       const std::string& database);
    static std::vector<DatabaseUserRecord> list_all(const ReadTx& tx);
    static int64_t count_of(const ReadTx& tx, const std::string& owner);
    static void insert(WriteTx& tx, const DatabaseUserRecord& r);
    static void update(WriteTx& tx, const DatabaseUserRecord& r);
    static bool remove(WriteTx& tx, const std::string& user);
    static int64_t remove_of_database(WriteTx& tx, const std::string& database);
};

// A create or delete in progress (schema/0020_database_intents.sql): left
// behind only when the panel died mid-way; the start-up reconcile finishes it.
struct DatabaseIntent {
    std::string name;
    std::string user;
    std::string owner;
    std::string host;
    std::string op;  // "create" or "delete"
    int64_t created_at = 0;
    // A create's mark on the database it makes (its COMMENT): only a
    // database carrying it is this creation's to drop. '' for a delete
    // (and for creates from before migration 0023, which checked the names
    // before writing the intent).
    std::string marker = {};
};

class DatabaseIntentRepo {
  public:
    static void put(WriteTx& tx, const DatabaseIntent& intent);
    static void remove(WriteTx& tx, const std::string& name);
    static std::optional<DatabaseIntent> find(const ReadTx& tx, const std::string& name);
    static std::vector<DatabaseIntent> list(const ReadTx& tx);
};

}  // namespace wsp
