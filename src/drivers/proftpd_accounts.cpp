#include "drivers/proftpd_accounts.h"

#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <sstream>

namespace wsp {
namespace {

// Bumped when the layout changes: the file is then rebuilt from the store.
constexpr int kSchemaVersion = 2;

constexpr const char* kSchema = R"sql(
DROP VIEW IF EXISTS ftp_groups;
DROP VIEW IF EXISTS sftp_quota_tallies;
DROP TABLE IF EXISTS ftp_keys;
DROP TABLE IF EXISTS ftp_users;
DROP TABLE IF EXISTS ftp_quota_tallies;
CREATE TABLE ftp_users (
    username     TEXT PRIMARY KEY,
    passwd       TEXT NOT NULL,
    uid          INTEGER NOT NULL,
    gid          INTEGER NOT NULL,
    homedir      TEXT NOT NULL,
    shell        TEXT NOT NULL DEFAULT '/bin/false',
    owner        TEXT NOT NULL,
    enabled      INTEGER NOT NULL DEFAULT 1,
    owner_active INTEGER NOT NULL DEFAULT 1,
    readonly     INTEGER NOT NULL DEFAULT 0,
    quota_mb     INTEGER NOT NULL DEFAULT 0,
    allowed_ips  TEXT NOT NULL DEFAULT 'ALL',
    sftp         INTEGER NOT NULL DEFAULT 1
);
-- SFTP public keys (mod_sftp_sql), RFC 4716 text, one row per key.
CREATE TABLE ftp_keys (
    username TEXT NOT NULL,
    key      TEXT NOT NULL
);
CREATE INDEX ftp_keys_by_user ON ftp_keys (username);
-- Read-only accounts get the supplementary group ftpro, which a
-- <Limit WRITE> denies.
CREATE VIEW ftp_groups AS
    SELECT 'ftpro' AS groupname, 2001 AS gid, username AS members
    FROM ftp_users WHERE readonly = 1;
-- Written by ProFTPD's sessions (mod_quotatab_sql).
CREATE TABLE ftp_quota_tallies (
    name TEXT NOT NULL, quota_type TEXT NOT NULL DEFAULT 'user',
    bytes_in_used REAL NOT NULL DEFAULT 0, bytes_out_used REAL NOT NULL DEFAULT 0,
    bytes_xfer_used REAL NOT NULL DEFAULT 0, files_in_used INTEGER NOT NULL DEFAULT 0,
    files_out_used INTEGER NOT NULL DEFAULT 0, files_xfer_used INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (name, quota_type));
-- The SFTP host's tally updates (proftpd_config.cpp, render_sftp_host): an
-- update that takes a transferred file back (files_xfer_used falls) is
-- mod_quotatab removing an upload that crossed the hard limit; failing it
-- makes mod_sql end the session before the client's CLOSE is answered.
CREATE VIEW sftp_quota_tallies AS SELECT * FROM ftp_quota_tallies;
CREATE TRIGGER sftp_quota_tallies_update INSTEAD OF UPDATE ON sftp_quota_tallies
BEGIN
    SELECT RAISE(ABORT, 'quota exceeded: the upload was removed')
        WHERE NEW.files_xfer_used < OLD.files_xfer_used;
    UPDATE ftp_quota_tallies SET bytes_in_used = NEW.bytes_in_used,
        bytes_out_used = NEW.bytes_out_used, bytes_xfer_used = NEW.bytes_xfer_used,
        files_in_used = NEW.files_in_used, files_out_used = NEW.files_out_used,
        files_xfer_used = NEW.files_xfer_used
        WHERE name = OLD.name AND quota_type = OLD.quota_type;
END;
)sql";

// Finalizes on scope exit.
struct Statement {
    sqlite3_stmt* s = nullptr;
    Statement(sqlite3* db, const char* sql) { sqlite3_prepare_v2(db, sql, -1, &s, nullptr); }
    ~Statement() { sqlite3_finalize(s); }
    bool ok() const { return s != nullptr; }
    void text(int i, const std::string& v) {
        sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    void integer(int i, int64_t v) { sqlite3_bind_int64(s, i, v); }
    int step() { return sqlite3_step(s); }
    // Ready for the next bindings (a statement run once per row).
    void reset() {
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
    }
};

// Writes accounts' rows with statements prepared once: a rebuild of 50,000
// accounts prepared 100,000 statements otherwise (issue 24).
struct RowWriter {
    Statement user;
    Statement key;
    explicit RowWriter(sqlite3* db)
        : user(db,
               "INSERT OR REPLACE INTO ftp_users (username, passwd, uid, gid, homedir, owner, "
               "enabled, owner_active, readonly, quota_mb, allowed_ips, sftp) "
               "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"),
          key(db, "INSERT INTO ftp_keys (username, key) VALUES (?,?)") {}
    bool ok() const { return user.ok() && key.ok(); }
    // The account's row and keys (its old keys must be gone already).
    bool write(const ServerAccount& a) {
        user.reset();
        user.text(1, a.username);
        user.text(2, a.passwd);
        user.integer(3, a.uid);
        user.integer(4, a.gid);
        user.text(5, a.homedir);
        user.text(6, a.owner);
        user.integer(7, a.enabled);
        user.integer(8, a.owner_active);
        user.integer(9, a.read_only);
        user.integer(10, a.quota_mb);
        user.text(11, a.allowed);
        user.integer(12, a.sftp);
        if (user.step() != SQLITE_DONE) return false;
        for (const auto& k : a.keys) {
            key.reset();
            key.text(1, a.username);
            key.text(2, k);
            if (key.step() != SQLITE_DONE) return false;
        }
        return true;
    }
};

std::string ipv4_mask(unsigned prefix) {
    uint32_t mask = prefix == 0 ? 0 : ~uint32_t{0} << (32 - prefix);
    std::ostringstream o;
    o << (mask >> 24) << '.' << ((mask >> 16) & 255) << '.' << ((mask >> 8) & 255) << '.'
      << (mask & 255);
    return o.str();
}

}  // namespace

std::string wrap2_allow_list(const std::vector<IpRule>& rules) {
    if (rules.empty()) return "ALL";
    std::ostringstream o;
    bool first = true;
    for (const IpRule& r : rules) {
        if (!first) o << ' ';
        first = false;
        if (r.network.is_v4()) {
            o << r.network.to_string();
            if (r.prefix < 32) o << '/' << ipv4_mask(r.prefix);
        } else {
            o << '[' << r.network.to_string() << ']';
            if (r.prefix < 128) o << '/' << r.prefix;
        }
    }
    return o.str();
}

Result<std::unique_ptr<AccountsFile>> AccountsFile::open(const std::filesystem::path& path) {
    sqlite3* raw = nullptr;
    if (sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
        SQLITE_OK) {
        sqlite3_close(raw);
        return internal("cannot open the FTP accounts file");
    }
    ::chmod(path.c_str(), 0600);
    std::unique_ptr<AccountsFile> file(new AccountsFile(raw));
    // ProFTPD's sessions retry on SQLITE_BUSY; the panel waits likewise.
    sqlite3_busy_timeout(raw, 5000);
    if (!file->exec("PRAGMA journal_mode = DELETE")) return internal("FTP accounts file: journal");
    int version = 0;
    {
        Statement st(raw, "PRAGMA user_version");
        if (st.ok() && st.step() == SQLITE_ROW) version = sqlite3_column_int(st.s, 0);
    }
    if (version != kSchemaVersion) {
        if (!file->exec("BEGIN IMMEDIATE") || !file->exec(kSchema) ||
            !file->exec(("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str()) ||
            !file->exec("COMMIT")) {
            file->exec("ROLLBACK");
            return internal("cannot create the FTP accounts schema");
        }
    }
    return file;
}

namespace {
// The error of a failed write: the disk full is 507 (as for the panel's
// store), anything else internal. SQLite's own code may be gone by now (a
// statement finalized since), so the file system is asked as well.
Error write_error(sqlite3* db, const char* what) {
    bool full = (sqlite3_extended_errcode(db) & 0xff) == SQLITE_FULL;
    struct statvfs fs {};
    if (const char* file = sqlite3_db_filename(db, "main");
        !full && file && *file && ::statvfs(file, &fs) == 0)
        full = fs.f_bavail == 0;
    if (full) return insufficient_storage("The disk is full; free some space and try again");
    return internal(what);
}
}  // namespace

AccountsFile::~AccountsFile() {
    sqlite3_close(db_);
}

bool AccountsFile::exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) == SQLITE_OK) return true;
    spdlog::error("ftp accounts file: {}", err ? err : "error");
    sqlite3_free(err);
    return false;
}

bool AccountsFile::write_row(const ServerAccount& a) {
    Statement del(db_, "DELETE FROM ftp_keys WHERE username = ?");
    if (!del.ok()) return false;
    del.text(1, a.username);
    if (del.step() != SQLITE_DONE) return false;
    RowWriter writer(db_);
    return writer.ok() && writer.write(a);
}

Result<void> AccountsFile::upsert(const ServerAccount& account) {
    std::lock_guard lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return internal("cannot write the FTP account to the server");
    if (!write_row(account) || !exec("COMMIT")) {
        Error failed = write_error(db_, "cannot write the FTP account to the server");
        exec("ROLLBACK");
        return failed;
    }
    return Ok{};
}

Result<void> AccountsFile::remove(const std::string& username) {
    std::lock_guard lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return internal("cannot remove the FTP account");
    bool ok = true;
    for (const char* sql :
         {"DELETE FROM ftp_users WHERE username = ?", "DELETE FROM ftp_keys WHERE username = ?",
          "DELETE FROM ftp_quota_tallies WHERE name = ?"}) {
        Statement st(db_, sql);
        if (!st.ok()) {
            ok = false;
            break;
        }
        st.text(1, username);
        ok = ok && st.step() == SQLITE_DONE;
    }
    if (!ok || !exec("COMMIT")) {
        Error failed = write_error(db_, "cannot remove the FTP account from the server");
        exec("ROLLBACK");
        return failed;
    }
    return Ok{};
}

Result<void> AccountsFile::replace_all(const std::vector<ServerAccount>& accounts) {
    std::lock_guard lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return internal("cannot rewrite the FTP accounts");
    bool ok = exec("DELETE FROM ftp_users") && exec("DELETE FROM ftp_keys");
    {
        RowWriter writer(db_);
        ok = ok && writer.ok();
        for (const auto& a : accounts) ok = ok && writer.write(a);
    }
    // Tallies of accounts that no longer exist are stale.
    ok = ok && exec(
                   "DELETE FROM ftp_quota_tallies WHERE name NOT IN (SELECT username FROM "
                   "ftp_users)");
    if (!ok || !exec("COMMIT")) {
        Error failed = write_error(db_, "cannot rewrite the FTP accounts");
        exec("ROLLBACK");
        return failed;
    }
    return Ok{};
}

Result<void> AccountsFile::set_suspended_owners(const std::set<std::string>& suspended) {
    std::lock_guard lock(mutex_);
    if (!exec("BEGIN IMMEDIATE")) return internal("cannot update FTP owners");
    bool ok = exec("UPDATE ftp_users SET owner_active = 1 WHERE owner_active = 0");
    for (const auto& owner : suspended) {
        Statement st(db_, "UPDATE ftp_users SET owner_active = 0 WHERE owner = ?");
        if (!st.ok()) {
            ok = false;
            break;
        }
        st.text(1, owner);
        ok = ok && st.step() == SQLITE_DONE;
    }
    if (!ok || !exec("COMMIT")) {
        exec("ROLLBACK");
        return internal("cannot update FTP owners");
    }
    return Ok{};
}

Result<int64_t> AccountsFile::count(const std::optional<std::string>& owner) {
    std::lock_guard lock(mutex_);
    Statement st(db_, owner ? "SELECT count(*) FROM ftp_users WHERE owner = ?"
                            : "SELECT count(*) FROM ftp_users");
    if (!st.ok()) return internal("cannot count FTP accounts");
    if (owner) st.text(1, *owner);
    if (st.step() != SQLITE_ROW) return internal("cannot count FTP accounts");
    return static_cast<int64_t>(sqlite3_column_int64(st.s, 0));
}

}  // namespace wsp
