#pragma once
// The small SQLite file ProFTPD reads its accounts from (mod_sql_sqlite,
// DATA_DIR/ftp/accounts.db). It is kept in rollback-journal mode, never
// WAL: ProFTPD's chrooted sessions cannot use a WAL database (see
// docs/ftp.md). The panel's store stays the source of truth; the FTP
// service writes every change here inside its own store transaction and
// rebuilds the whole file at start.
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/ip_rules.h"
#include "base/result.h"

namespace wsp {

// One row as ProFTPD sees it.
struct ServerAccount {
    std::string username;
    std::string passwd;  // crypt(3) string
    int64_t uid = 0;
    int64_t gid = 0;
    std::string homedir;  // absolute; the session is chrooted to it
    std::string owner;
    bool enabled = true;
    bool owner_active = true;  // false while the owner is suspended
    bool read_only = false;
    int64_t quota_mb = 0;           // 0 = unlimited
    std::string allowed = "ALL";    // mod_wrap2 list, see wrap2_allow_list
    bool sftp = true;               // may log in over SFTP
    std::vector<std::string> keys;  // SFTP public keys, RFC 4716 text
};

// mod_wrap2's form of an allow-list: "ALL" for none, IPv4 networks as
// net/mask (it does not understand /prefix for IPv4), IPv6 as [addr]/len.
std::string wrap2_allow_list(const std::vector<IpRule>& rules);

class AccountsFile {
  public:
    static Result<std::unique_ptr<AccountsFile>> open(const std::filesystem::path& path);
    ~AccountsFile();

    Result<void> upsert(const ServerAccount& account);
    // Removes the account and its quota tally; absent is fine.
    Result<void> remove(const std::string& username);
    // Replaces every row in one transaction (start-up resync).
    Result<void> replace_all(const std::vector<ServerAccount>& accounts);
    // Marks the accounts of `suspended` owners inactive, every other active.
    Result<void> set_suspended_owners(const std::set<std::string>& suspended);
    // Rows on the server, of one owner or of all.
    Result<int64_t> count(const std::optional<std::string>& owner);

  private:
    explicit AccountsFile(sqlite3* db) : db_(db) {}
    bool exec(const char* sql);
    bool write_row(const ServerAccount& a);

    sqlite3* db_;
    std::mutex mutex_;
};

}  // namespace wsp
