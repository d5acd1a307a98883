#include "store/file_repos.h"

namespace wsp {

// ---- file_settings ---------------------------------------------------------

std::optional<FileSettingsRecord> FileSettingsRepo::find(const ReadTx& tx,
                                                         const std::string& owner) {
    Stmt q(tx,
           "SELECT recycle_bin_enabled, editor_font_size, editor_theme FROM file_settings "
           "WHERE owner = ?");
    q.bind(1, owner);
    if (!q.step()) return std::nullopt;
    FileSettingsRecord s;
    s.recycle_bin_enabled = q.integer(0) != 0;
    s.editor_font_size = q.integer(1);
    s.editor_theme = q.text(2);
    return s;
}

void FileSettingsRepo::upsert(WriteTx& tx, const std::string& owner, const FileSettingsRecord& s,
                              int64_t updated_at) {
    Stmt q(tx,
           "INSERT INTO file_settings (owner, recycle_bin_enabled, editor_font_size, "
           "editor_theme, updated_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE "
           "SET recycle_bin_enabled = excluded.recycle_bin_enabled, editor_font_size = "
           "excluded.editor_font_size, editor_theme = excluded.editor_theme, updated_at = "
           "excluded.updated_at");
    q.bind_all(std::string_view(owner), int64_t{s.recycle_bin_enabled ? 1 : 0}, s.editor_font_size,
               std::string_view(s.editor_theme), updated_at);
    q.run();
}

void FileSettingsRepo::remove_all_of(WriteTx& tx, const std::string& owner) {
    Stmt q(tx, "DELETE FROM file_settings WHERE owner = ?");
    q.bind(1, owner);
    q.run();
}

// ---- file_trash ------------------------------------------------------------

std::map<std::string, std::string> FileTrashRepo::originals_of(const ReadTx& tx,
                                                               const std::string& owner) {
    Stmt q(tx, "SELECT trash_name, original_path FROM file_trash WHERE owner = ?");
    q.bind(1, owner);
    std::map<std::string, std::string> out;
    while (q.step()) out[q.text(0)] = q.text(1);
    return out;
}

std::optional<std::string> FileTrashRepo::original_of(const ReadTx& tx, const std::string& owner,
                                                      const std::string& trash_name) {
    Stmt q(tx, "SELECT original_path FROM file_trash WHERE owner = ? AND trash_name = ?");
    q.bind_all(std::string_view(owner), std::string_view(trash_name));
    if (!q.step()) return std::nullopt;
    return q.text(0);
}

void FileTrashRepo::insert(WriteTx& tx, const std::string& owner, const std::string& trash_name,
                           const std::string& original_path, int64_t deleted_at_ns) {
    Stmt q(tx,
           "INSERT INTO file_trash (owner, trash_name, original_path, deleted_at_ns) VALUES "
           "(?, ?, ?, ?)");
    q.bind_all(std::string_view(owner), std::string_view(trash_name),
               std::string_view(original_path), deleted_at_ns);
    q.run();
}

void FileTrashRepo::remove(WriteTx& tx, const std::string& owner, const std::string& trash_name) {
    Stmt q(tx, "DELETE FROM file_trash WHERE owner = ? AND trash_name = ?");
    q.bind_all(std::string_view(owner), std::string_view(trash_name));
    q.run();
}

void FileTrashRepo::remove_all_of(WriteTx& tx, const std::string& owner) {
    Stmt q(tx, "DELETE FROM file_trash WHERE owner = ?");
    q.bind(1, owner);
    q.run();
}

// ---- file_uploads ----------------------------------------------------------

namespace {

constexpr const char* kUploadColumns =
    "SELECT id, owner, directory, filename, length, overwrite, expires_at FROM file_uploads ";

UploadRecord read_upload(const Stmt& q) {
    UploadRecord u;
    u.id = q.text(0);
    u.owner = q.text(1);
    u.directory = q.text(2);
    u.filename = q.text(3);
    u.length = q.integer(4);
    u.overwrite = q.integer(5) != 0;
    u.expires_at = q.integer(6);
    return u;
}

}  // namespace

std::optional<UploadRecord> UploadRepo::find(const ReadTx& tx, const std::string& id) {
    Stmt q(tx, std::string(kUploadColumns) + "WHERE id = ?");
    q.bind(1, id);
    if (!q.step()) return std::nullopt;
    return read_upload(q);
}

std::vector<UploadRecord> UploadRepo::expired_before(const ReadTx& tx, int64_t now) {
    Stmt q(tx, std::string(kUploadColumns) + "WHERE expires_at < ?");
    q.bind(1, now);
    std::vector<UploadRecord> out;
    while (q.step()) out.push_back(read_upload(q));
    return out;
}

void UploadRepo::insert(WriteTx& tx, const UploadRecord& u, int64_t created_at) {
    Stmt q(tx,
           "INSERT INTO file_uploads (id, owner, directory, filename, length, overwrite, "
           "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    q.bind_all(std::string_view(u.id), std::string_view(u.owner), std::string_view(u.directory),
               std::string_view(u.filename), u.length, int64_t{u.overwrite ? 1 : 0}, created_at,
               u.expires_at);
    q.run();
}

void UploadRepo::set_expiry(WriteTx& tx, const std::string& id, int64_t expires_at) {
    Stmt q(tx, "UPDATE file_uploads SET expires_at = ? WHERE id = ?");
    q.bind_all(expires_at, std::string_view(id));
    q.run();
}

void UploadRepo::remove(WriteTx& tx, const std::string& id) {
    Stmt q(tx, "DELETE FROM file_uploads WHERE id = ?");
    q.bind(1, id);
    q.run();
}

}  // namespace wsp
