#pragma once
// The file manager's tables: file_settings, file_trash (schema/0005) and
// file_uploads (schema/0006). Like every repository they take the
// transaction handle they run in (store/db.h): reads any, writes a WriteTx.
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
    static std::optional<FileSettingsRecord> find(const ReadTx& tx, const std::string& owner);
    static void upsert(WriteTx& tx, const std::string& owner, const FileSettingsRecord& s,
                       int64_t updated_at);
    static void remove_all_of(WriteTx& tx, const std::string& owner);
};

// The exact original path of a recycle-bin item whose name cannot give it
// back (services/file_trash.h).
class FileTrashRepo {
  public:
    // trash_name -> original_path, for every item of `owner`.
    static std::map<std::string, std::string> originals_of(const ReadTx& tx,
                                                           const std::string& owner);
    static std::optional<std::string> original_of(const ReadTx& tx, const std::string& owner,
                                                  const std::string& trash_name);
    static void insert(WriteTx& tx, const std::string& owner, const std::string& trash_name,
                       const std::string& original_path, int64_t deleted_at_ns);
    static void remove(WriteTx& tx, const std::string& owner, const std::string& trash_name);
    static void remove_all_of(WriteTx& tx, const std::string& owner);
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
    static std::optional<UploadRecord> find(const ReadTx& tx, const std::string& id);
    static std::vector<UploadRecord> expired_before(const ReadTx& tx, int64_t now);
    static void insert(WriteTx& tx, const UploadRecord& u, int64_t created_at);
    static void set_expiry(WriteTx& tx, const std::string& id, int64_t expires_at);
    static void remove(WriteTx& tx, const std::string& id);
};

}  // namespace wsp
