#include "store/ftp_repo.h"

#include "store/json_columns.h"

namespace wsp {
namespace {

constexpr const char* kColumns =
    "username, owner, password_hash, home_rel, domain, quota_mb, read_only, enabled, "
    "allowed_ips, created_at, updated_at, sftp, password_login";

FtpAccount read_account(const Stmt& s) {
    FtpAccount a;
    a.username = s.text(0);
    a.owner = s.text(1);
    a.password_hash = s.text(2);
    a.home_rel = s.text(3);
    a.domain = s.text(4);
    a.quota_mb = s.integer(5);
    a.read_only = s.integer(6) != 0;
    a.enabled = s.integer(7) != 0;
    a.allowed_ips = from_json_array(s.text(8));
    a.created_at = s.integer(9);
    a.updated_at = s.integer(10);
    a.sftp = s.integer(11) != 0;
    a.password_login = s.integer(12) != 0;
    return a;
}

}  // namespace

std::optional<FtpAccount> FtpRepo::find(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, std::string("SELECT ") + kColumns + " FROM ftp_accounts WHERE username = ?");
    s.bind_all(username);
    if (!s.step()) return std::nullopt;
    return read_account(s);
}

std::vector<FtpAccount> FtpRepo::list(const ReadTx& tx, const std::optional<std::string>& owner,
                                      const PageSpec& page) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM ftp_accounts";
    if (owner) sql += " WHERE owner = ?1";
    sql += " ORDER BY username LIMIT ?2 OFFSET ?3";
    Stmt s(tx, sql);
    if (owner) s.bind(1, *owner);
    s.bind(2, page.limit()).bind(3, page.offset());
    std::vector<FtpAccount> out;
    while (s.step()) out.push_back(read_account(s));
    return out;
}

int64_t FtpRepo::count(const ReadTx& tx, const std::optional<std::string>& owner) {
    if (owner) return count_of(tx, *owner);
    Stmt s(tx, "SELECT count(*) FROM ftp_accounts");
    s.step();
    return s.integer(0);
}

int64_t FtpRepo::count_of(const ReadTx& tx, const std::string& owner) {
    Stmt s(tx, "SELECT count(*) FROM ftp_accounts WHERE owner = ?");
    s.bind_all(owner);
    s.step();
    return s.integer(0);
}

void FtpRepo::insert(WriteTx& tx, const FtpAccount& a) {
    Stmt s(tx, std::string("INSERT INTO ftp_accounts (") + kColumns +
                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind_all(a.username, a.owner, a.password_hash, a.home_rel, a.domain, a.quota_mb,
               int64_t{a.read_only}, int64_t{a.enabled}, to_json_array(a.allowed_ips), a.created_at,
               a.updated_at, int64_t{a.sftp}, int64_t{a.password_login});
    s.run();
}

void FtpRepo::update(WriteTx& tx, const FtpAccount& a) {
    Stmt s(tx,
           "UPDATE ftp_accounts SET password_hash = ?, home_rel = ?, domain = ?, quota_mb = ?, "
           "read_only = ?, enabled = ?, allowed_ips = ?, updated_at = ?, sftp = ?, "
           "password_login = ? WHERE username = ?");
    s.bind_all(a.password_hash, a.home_rel, a.domain, a.quota_mb, int64_t{a.read_only},
               int64_t{a.enabled}, to_json_array(a.allowed_ips), a.updated_at, int64_t{a.sftp},
               int64_t{a.password_login}, a.username);
    s.run();
}

namespace {
constexpr const char* kKeySelect =
    "SELECT id, username, type, bits, fingerprint, comment, public_key, created_at FROM ftp_keys ";

FtpKey read_key(const Stmt& s) {
    FtpKey k;
    k.id = s.integer(0);
    k.username = s.text(1);
    k.type = s.text(2);
    k.bits = s.integer(3);
    k.fingerprint = s.text(4);
    k.comment = s.text(5);
    k.public_key = s.text(6);
    k.created_at = s.integer(7);
    return k;
}
}  // namespace

std::vector<FtpKey> FtpRepo::all_keys(const ReadTx& tx) {
    Stmt s(tx, std::string(kKeySelect) + "ORDER BY username, id");
    std::vector<FtpKey> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
}

std::vector<FtpKey> FtpRepo::keys(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, std::string(kKeySelect) + "WHERE username = ? ORDER BY id");
    s.bind_all(username);
    std::vector<FtpKey> out;
    while (s.step()) out.push_back(read_key(s));
    return out;
}

int64_t FtpRepo::insert_key(WriteTx& tx, const FtpKey& k) {
    Stmt s(tx,
           "INSERT INTO ftp_keys (username, type, bits, fingerprint, comment, public_key, "
           "created_at) VALUES (?,?,?,?,?,?,?)");
    s.bind_all(k.username, k.type, k.bits, k.fingerprint, k.comment, k.public_key, k.created_at);
    s.run();
    return tx.last_insert_id();
}

bool FtpRepo::remove_key(WriteTx& tx, const std::string& username, int64_t id) {
    Stmt s(tx, "DELETE FROM ftp_keys WHERE username = ? AND id = ?");
    s.bind_all(username, id);
    return s.run() > 0;
}

void FtpRepo::remove_keys_of(WriteTx& tx, const std::string& username) {
    Stmt s(tx, "DELETE FROM ftp_keys WHERE username = ?");
    s.bind_all(username);
    s.run();
}

bool FtpRepo::remove(WriteTx& tx, const std::string& username) {
    remove_keys_of(tx, username);
    Stmt s(tx, "DELETE FROM ftp_accounts WHERE username = ?");
    s.bind_all(username);
    return s.run() > 0;
}

bool FtpRepo::anonymous_on(const ReadTx& tx, const std::string& domain) {
    Stmt s(tx, "SELECT 1 FROM ftp_anonymous WHERE domain = ?");
    s.bind_all(domain);
    return s.step();
}

void FtpRepo::set_anonymous(WriteTx& tx, const std::string& domain, const std::string& owner,
                            bool on, int64_t now) {
    if (on) {
        Stmt s(tx,
               "INSERT OR REPLACE INTO ftp_anonymous (domain, owner, updated_at) VALUES (?,?,?)");
        s.bind_all(domain, owner, now);
        s.run();
    } else {
        Stmt s(tx, "DELETE FROM ftp_anonymous WHERE domain = ?");
        s.bind_all(domain);
        s.run();
    }
}

int64_t FtpRepo::remove_anonymous_of(WriteTx& tx, const std::string& owner) {
    Stmt s(tx, "DELETE FROM ftp_anonymous WHERE owner = ?");
    s.bind_all(owner);
    return s.run();
}

std::vector<std::pair<std::string, std::string>> FtpRepo::anonymous_sites(const ReadTx& tx) {
    Stmt s(tx,
           "SELECT a.domain, d.owner FROM ftp_anonymous a JOIN domains d ON d.domain = "
           "a.domain JOIN users u ON u.username = d.owner WHERE u.status = 'active' "
           "ORDER BY a.domain");
    std::vector<std::pair<std::string, std::string>> out;
    while (s.step()) out.emplace_back(s.text(0), s.text(1));
    return out;
}

}  // namespace wsp
