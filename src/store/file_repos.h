#pragma once
// The file manager's tables: file_settings, file_trash (schema/0005) and
// file_uploads (schema/0006). Like every repository they throw DbError;
// services call them inside in_transaction()/guarded().
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct FileSettingsRecord {
    bool recycle_bin_enabled = true;
    int64_t editor_font_size = 14;
    std::string editor_theme = "vs-dark";
};

class FileSettingsRepo {
  public:
    explicit FileSettingsRepo(Db& db) : db_(db) {}
    std::optional<FileSettingsRecord> find(const std::string& owner);
    void upsert(const std::string& owner, const FileSettingsRecord& s, int64_t updated_at);
    void remove_all_of(const std::string& owner);

  private:
    Db& db_;
};

// The exact original path of a recycle-bin item whose name cannot give it
// back (services/file_trash.h).
class FileTrashRepo {
  public:
    explicit FileTrashRepo(Db& db) : db_(db) {}
    // trash_name -> original_path, for every item of `owner`.
    std::map<std::string, std::string> originals_of(const std::string& owner);
    std::optional<std::string> original_of(const std::string& owner, const std::string& trash_name);
    void insert(const std::string& owner, const std::string& trash_name,
                const std::string& original_path, int64_t deleted_at_ns);
    void remove(const std::string& owner, const std::string& trash_name);
    void remove_all_of(const std::string& owner);

  private:
    Db& db_;
};

// A resumable (tus) upload; the offset is not stored (the data file is it).
struct UploadRecord {
    std::string id;
    std::string owner;
    std::string directory;  // relative to the home
    std::string filename;
    int64_t length = 0;
    bool overwrite = false;
    int64_t expires_at = 0;
};

class UploadRepo {
  public:
    explicit UploadRepo(Db& db) : db_(db) {}
    std::optional<UploadRecord> find(const std::string& id);
    std::vector<UploadRecord> expired_before(int64_t now);
    void insert(const UploadRecord& u, int64_t created_at);
    void set_expiry(const std::string& id, int64_t expires_at);
    void remove(const std::string& id);

  private:
    Db& db_;
};

}  // namespace wsp
