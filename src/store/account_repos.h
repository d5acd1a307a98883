#pragma once
// Repositories for the foundation's tables. They throw DbError; services
// call them inside in_transaction()/guarded(), which turn it into a Result.
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"
#include "store/records.h"

namespace wsp {

class UserRepo {
  public:
    explicit UserRepo(Db& db) : db_(db) {}
    std::optional<UserRecord> find(const std::string& username);
    std::vector<UserRecord> list();
    void insert(const UserRecord& u);
    void update(const UserRecord& u);
    bool remove(const std::string& username);
    int64_t count();

  private:
    Db& db_;
};

class PackageRepo {
  public:
    explicit PackageRepo(Db& db) : db_(db) {}
    std::optional<PackageRecord> find(const std::string& name);
    std::vector<PackageRecord> list();
    void insert(const PackageRecord& p);
    void update(const PackageRecord& p);
    bool remove(const std::string& name);
    int64_t users_on(const std::string& name);

  private:
    Db& db_;
};

class ApiKeyRepo {
  public:
    explicit ApiKeyRepo(Db& db) : db_(db) {}
    std::optional<ApiKeyRecord> find(const std::string& id);
    std::vector<ApiKeyRecord> list_for(const std::string& username);
    std::vector<ApiKeyRecord> list_all();
    void insert(const ApiKeyRecord& k);
    void set_enabled(const std::string& id, bool enabled);
    void set_last_used(const std::string& id, int64_t when);
    bool remove(const std::string& id);
    int64_t remove_all_of(const std::string& username);
    int64_t count_of(const std::string& username);

  private:
    Db& db_;
};

class SessionRepo {
  public:
    explicit SessionRepo(Db& db) : db_(db) {}
    std::vector<SessionRecord> list_live(int64_t now);
    void insert(const SessionRecord& s);
    bool remove(const std::string& token_hash);
    int64_t remove_all_of(const std::string& username);
    // Every session of `username` but the one whose hash is `keep`.
    int64_t remove_all_of_except(const std::string& username, const std::string& keep);
    int64_t remove_expired(int64_t now);

  private:
    Db& db_;
};

class DomainRepo {
  public:
    explicit DomainRepo(Db& db) : db_(db) {}
    std::optional<DomainRecord> find(const std::string& domain);
    std::vector<DomainRecord> list(const std::optional<std::string>& owner);
    void insert(const DomainRecord& d);
    bool remove(const std::string& domain);
    int64_t count_of(const std::string& owner);

  private:
    Db& db_;
};

}  // namespace wsp
