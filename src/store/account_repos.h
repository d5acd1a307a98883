#pragma once
// Repositories for the foundation's tables. Stateless: every function takes
// the transaction handle it runs in (reads any handle, writes a WriteTx), so
// they are only callable inside Db::read()/Db::write(), which turn the
// DbError they throw into a Result (see store/db.h).
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/page.h"
#include "store/db.h"
#include "store/records.h"

namespace wsp {

class UserRepo {
  public:
    static std::optional<UserRecord> find(const ReadTx& tx, const std::string& username);
    static std::vector<UserRecord> list(const ReadTx& tx);
    // One page by username, and the size of the whole list.
    static std::vector<UserRecord> page(const ReadTx& tx, const PageSpec& page);
    // A reseller's list: itself first, then its customers by username.
    static std::vector<UserRecord> page_of_reseller(const ReadTx& tx, const std::string& reseller,
                                                    const PageSpec& page);
    static int64_t count_of_reseller(const ReadTx& tx, const std::string& reseller);
    static void insert(WriteTx& tx, const UserRecord& u);
    static void update(WriteTx& tx, const UserRecord& u);
    static bool remove(WriteTx& tx, const std::string& username);
    static int64_t count(const ReadTx& tx);
    static std::set<std::string> suspended_usernames(const ReadTx& tx);
    // The accounts `creator` made (a reseller's customers).
    static std::vector<UserRecord> created_by(const ReadTx& tx, const std::string& creator);
};

class PackageRepo {
  public:
    static std::optional<PackageRecord> find(const ReadTx& tx, const std::string& name);
    static std::vector<PackageRecord> list(const ReadTx& tx);
    static void insert(WriteTx& tx, const PackageRecord& p);
    static void update(WriteTx& tx, const PackageRecord& p);
    static bool remove(WriteTx& tx, const std::string& name);
    static int64_t users_on(const ReadTx& tx, const std::string& name);
    // A deleted reseller's packages: unused ones go, used ones become the
    // admin's.
    static void release_owned(WriteTx& tx, const std::string& owner);
    static void set_owner(WriteTx& tx, const std::string& name, const std::string& owner);
};

class ResellerRepo {
  public:
    static std::optional<ResellerRecord> find(const ReadTx& tx, const std::string& username);
    static std::vector<ResellerRecord> list(const ReadTx& tx);
    static void update(WriteTx& tx, const ResellerRecord& r);
};

class ApiKeyRepo {
  public:
    static std::optional<ApiKeyRecord> find(const ReadTx& tx, const std::string& id);
    static std::vector<ApiKeyRecord> list_for(const ReadTx& tx, const std::string& username);
    static std::vector<ApiKeyRecord> list_all(const ReadTx& tx);
    static void insert(WriteTx& tx, const ApiKeyRecord& k);
    static void set_enabled(WriteTx& tx, const std::string& id, bool enabled);
    static void set_last_used(WriteTx& tx, const std::string& id, int64_t when);
    static bool remove(WriteTx& tx, const std::string& id);
    static int64_t remove_all_of(WriteTx& tx, const std::string& username);
    static int64_t count_of(const ReadTx& tx, const std::string& username);
};

class SessionRepo {
  public:
    static std::vector<SessionRecord> list_live(const ReadTx& tx, int64_t now);
    static void insert(WriteTx& tx, const SessionRecord& s);
    static void set_reauth_at(WriteTx& tx, const std::string& token_hash, int64_t when);
    static bool remove(WriteTx& tx, const std::string& token_hash);
    static int64_t remove_all_of(WriteTx& tx, const std::string& username);
    // Every session of `username` but the one whose hash is `keep`.
    static int64_t remove_all_of_except(WriteTx& tx, const std::string& username,
                                        const std::string& keep);
    static int64_t remove_expired(WriteTx& tx, int64_t now);
};

class DomainRepo {
  public:
    static std::optional<DomainRecord> find(const ReadTx& tx, const std::string& domain);
    static std::vector<DomainRecord> list(const ReadTx& tx, const std::optional<std::string>& owner,
                                          const PageSpec& page = {});
    // Domains of `owner`, or of everybody (nullopt).
    static int64_t count(const ReadTx& tx, const std::optional<std::string>& owner);
    static void insert(WriteTx& tx, const DomainRecord& d);
    static bool remove(WriteTx& tx, const std::string& domain);
    static int64_t count_of(const ReadTx& tx, const std::string& owner);
};

}  // namespace wsp
