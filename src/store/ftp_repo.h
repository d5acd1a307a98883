#pragma once
// The ftp_accounts and ftp_anonymous tables (schema/0003_ftp.sql). Stateless:
// every function takes the transaction handle it runs in (see store/db.h).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/page.h"
#include "store/db.h"

namespace wsp {

struct FtpAccount {
    std::string username;  // <owner>_<name>
    std::string owner;
    std::string password_hash;
    std::string home_rel;  // beneath the owner's home; "" = the home itself
    std::string domain;
    int64_t quota_mb = 0;
    bool read_only = false;
    bool enabled = true;
    std::vector<std::string> allowed_ips;
    bool sftp = true;            // may log in over SFTP (schema/0011_sftp.sql)
    bool password_login = true;  // false: SSH keys only (FTP has no other way in)
    int64_t created_at = 0;
    int64_t updated_at = 0;
};

// An SFTP public key of an FTP account (table ftp_keys).
struct FtpKey {
    int64_t id = 0;
    std::string username;
    std::string type;
    int64_t bits = 0;
    std::string fingerprint;
    std::string comment;
    std::string public_key;  // "type base64"
    int64_t created_at = 0;
};

class FtpRepo {
  public:
    static std::optional<FtpAccount> find(const ReadTx& tx, const std::string& username);
    // Every account of `owner`, or of everybody (nullopt), by username.
    static std::vector<FtpAccount> list(const ReadTx& tx, const std::optional<std::string>& owner,
                                        const PageSpec& page = {});
    static int64_t count(const ReadTx& tx, const std::optional<std::string>& owner);
    static int64_t count_of(const ReadTx& tx, const std::string& owner);
    static void insert(WriteTx& tx, const FtpAccount& a);
    static void update(WriteTx& tx, const FtpAccount& a);
    static bool remove(WriteTx& tx, const std::string& username);

    static std::vector<FtpKey> keys(const ReadTx& tx, const std::string& username);
    // Every account's keys, by username then id (one query for a rebuild).
    static std::vector<FtpKey> all_keys(const ReadTx& tx);
    static int64_t insert_key(WriteTx& tx, const FtpKey& k);
    static bool remove_key(WriteTx& tx, const std::string& username, int64_t id);
    static void remove_keys_of(WriteTx& tx, const std::string& username);

    static bool anonymous_on(const ReadTx& tx, const std::string& domain);
    static void set_anonymous(WriteTx& tx, const std::string& domain, const std::string& owner,
                              bool on, int64_t now);
    static int64_t remove_anonymous_of(WriteTx& tx, const std::string& owner);
    // (domain, owner) of anonymous domains that still exist, of owners not
    // suspended, by domain.
    static std::vector<std::pair<std::string, std::string>> anonymous_sites(const ReadTx& tx);
};

}  // namespace wsp
