#pragma once
// The panel's record of each customer database (schema/0002_databases.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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
};

class DatabaseRepo {
  public:
    static std::optional<DatabaseRecord> find(const ReadTx& tx, const std::string& name);
    static bool user_taken(const ReadTx& tx, const std::string& user);
    static std::vector<DatabaseRecord> list(const ReadTx& tx,
                                            const std::optional<std::string>& owner);
    static int64_t count_of(const ReadTx& tx, const std::string& owner);
    static void insert(WriteTx& tx, const DatabaseRecord& r);
    static void set_remote(WriteTx& tx, const std::string& name, bool remote_access,
                           const std::string& remote_host);
    static bool remove(WriteTx& tx, const std::string& name);
};

}  // namespace wsp
