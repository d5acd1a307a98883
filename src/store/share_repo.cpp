#include "store/share_repo.h"

namespace wsp {
namespace {

constexpr const char* kColumns =
    "id, owner, token_hash, path, is_dir, dev, ino, password_hash, expires_at, max_downloads, "
    "downloads, created_at";

std::optional<int64_t> optional_integer(const Stmt& s, int column) {
    if (s.is_null(column)) return std::nullopt;
    return s.integer(column);
}

ShareRecord read_share(const Stmt& s) {
    ShareRecord r;
    r.id = s.integer(0);
    r.owner = s.text(1);
    r.token_hash = s.text(2);
    r.path = s.text(3);
    r.is_dir = s.integer(4) != 0;
    r.dev = s.integer(5);
    r.ino = s.integer(6);
    r.password_hash = s.is_null(7) ? "" : s.text(7);
    r.expires_at = optional_integer(s, 8);
    r.max_downloads = optional_integer(s, 9);
    r.downloads = s.integer(10);
    r.created_at = s.integer(11);
    return r;
}

}  // namespace

std::optional<ShareRecord> ShareRepo::find(const ReadTx& tx, int64_t id) {
    Stmt s(tx, std::string("SELECT ") + kColumns + " FROM file_shares WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_share(s);
}

std::optional<ShareRecord> ShareRepo::find_by_token_hash(const ReadTx& tx,
                                                         const std::string& token_hash) {
    Stmt s(tx, std::string("SELECT ") + kColumns + " FROM file_shares WHERE token_hash = ?");
    s.bind(1, token_hash);
    if (!s.step()) return std::nullopt;
    return read_share(s);
}

std::vector<ShareRecord> ShareRepo::list(const ReadTx& tx,
                                         const std::optional<std::string>& owner) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM file_shares";
    if (owner) sql += " WHERE owner = ?";
    sql += " ORDER BY id DESC";
    Stmt s(tx, sql);
    if (owner) s.bind(1, *owner);
    std::vector<ShareRecord> out;
    while (s.step()) out.push_back(read_share(s));
    return out;
}

int64_t ShareRepo::insert(WriteTx& tx, const ShareRecord& r) {
    Stmt s(tx,
           "INSERT INTO file_shares(owner, token_hash, path, is_dir, dev, ino, password_hash, "
           "expires_at, max_downloads, downloads, created_at) VALUES(?,?,?,?,?,?,?,?,?,0,?)");
    s.bind_all(r.owner, r.token_hash, r.path, int64_t{r.is_dir}, r.dev, r.ino);
    if (r.password_hash.empty())
        s.bind(7, std::nullopt);
    else
        s.bind(7, r.password_hash);
    s.bind(8, r.expires_at).bind(9, r.max_downloads).bind(10, r.created_at);
    s.run();
    return tx.last_insert_id();
}

bool ShareRepo::remove(WriteTx& tx, int64_t id) {
    Stmt s(tx, "DELETE FROM file_shares WHERE id = ?");
    s.bind(1, id);
    return s.run() > 0;
}

int64_t ShareRepo::remove_all_of(WriteTx& tx, const std::string& owner) {
    Stmt s(tx, "DELETE FROM file_shares WHERE owner = ?");
    s.bind(1, owner);
    return s.run();
}

bool ShareRepo::count_download(WriteTx& tx, int64_t id) {
    Stmt s(tx,
           "UPDATE file_shares SET downloads = downloads + 1 WHERE id = ? AND "
           "(max_downloads IS NULL OR downloads < max_downloads)");
    s.bind(1, id);
    return s.run() > 0;
}

}  // namespace wsp
