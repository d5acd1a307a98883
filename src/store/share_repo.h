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
    static std::optional<ShareRecord> find(const ReadTx& tx, int64_t id);
    static std::optional<ShareRecord> find_by_token_hash(const ReadTx& tx,
                                                         const std::string& token_hash);
    // Every share of `owner`, or of everybody (nullopt), newest first.
    static std::vector<ShareRecord> list(const ReadTx& tx, const std::optional<std::string>& owner);
    static int64_t insert(WriteTx& tx, const ShareRecord& share);  // returns the new id
    static bool remove(WriteTx& tx, int64_t id);
    static int64_t remove_all_of(WriteTx& tx, const std::string& owner);
    // Counts one download unless the limit is reached (false then): one
    // statement, so concurrent downloads never exceed max_downloads.
    static bool count_download(WriteTx& tx, int64_t id);
};

}  // namespace wsp
