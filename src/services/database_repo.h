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
    explicit DatabaseRepo(Db& db) : db_(db) {}
    std::optional<DatabaseRecord> find(const std::string& name);
    bool user_taken(const std::string& user);
    std::vector<DatabaseRecord> list(const std::optional<std::string>& owner);
    int64_t count_of(const std::string& owner);
    void insert(const DatabaseRecord& r);
    void set_remote(const std::string& name, bool remote_access, const std::string& remote_host);
    bool remove(const std::string& name);

  private:
    Db& db_;
};

}  // namespace wsp
