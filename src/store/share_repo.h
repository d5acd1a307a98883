#pragma once
// The file_shares table (schema/0008_file_shares.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct ShareRecord {
    int64_t id = 0;
    std::string owner;
    std::string token_hash;  // sha256 hex of the link's token
    std::string path;        // the user path shared ("/site/a.zip")
    bool is_dir = false;
    int64_t dev = 0;  // which file: the link dies when the path names another
    int64_t ino = 0;
    std::string password_hash;  // "" = no password
    std::optional<int64_t> expires_at;
    std::optional<int64_t> max_downloads;
    int64_t downloads = 0;
    int64_t created_at = 0;
};

class ShareRepo {
  public:
    explicit ShareRepo(Db& db) : db_(db) {}

    std::optional<ShareRecord> find(int64_t id);
    std::optional<ShareRecord> find_by_token_hash(const std::string& token_hash);
    // Every share of `owner`, or of everybody (nullopt), newest first.
    std::vector<ShareRecord> list(const std::optional<std::string>& owner);
    int64_t insert(const ShareRecord& share);  // returns the new id
    bool remove(int64_t id);
    int64_t remove_all_of(const std::string& owner);
    // Counts one download unless the limit is reached (false then): one
    // statement, so concurrent downloads never exceed max_downloads.
    bool count_download(int64_t id);

  private:
    Db& db_;
};

}  // namespace wsp
