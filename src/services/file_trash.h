#pragma once
// The recycle bin: a directory at the top of the home (files.trash_dir_name,
// hidden from /files/list and refused as a request path), so trashing is a
// rename on the same file system and the bin counts in the account's disk
// use. Names follow the seed: "/a/b.txt" deleted at t ns is
// "_bt_a_bt_b.txt_t_<t>". The store keeps an item's exact original path
// only when the name cannot give it back (store/file_repos.h).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "services/file_access.h"

namespace wsp {

struct TrashItem {
    std::string trash_path;  // the item's name in the recycle bin
    std::string original_path;
    std::string name;
    bool is_dir = false;
    int64_t size = 0;
    std::string deleted_at;
    int64_t deleted_at_ns = 0;
};

class FileTrash {
  public:
    FileTrash(PanelContext& ctx, DiskUsage& disk) : access_(ctx, &disk) {}

    // The bin's items, newest first (expired ones are purged first).
    Result<std::vector<TrashItem>> list(const Caller& c, const OwnerField& owner);
    Result<void> restore(const Caller& c, const OwnerField& owner, const std::string& trash_path,
                         fs::Overwrite ow);
    // Deletes every item for good; returns how many.
    Result<int64_t> empty(const Caller& c, const OwnerField& owner);
    Result<void> remove_item(const Caller& c, const OwnerField& owner,
                             const std::string& trash_path);

    // Moves `rel` of an authorised owner into the bin (a delete with the bin
    // on): nothing half done.
    Result<void> move_to_trash(const std::string& owner, const std::string& rel);

    // Purges expired items of every account (the periodic sweep started with
    // `serve`; listing a bin purges it too). After each `batch` accounts it
    // calls `pause` (if any), which waits and returns false to stop early:
    // the sweep walks 10,000 homes, and must not take a CPU while the panel
    // starts or serves.
    Result<int64_t> purge_all_expired(size_t batch = 0,
                                      const std::function<bool()>& pause = nullptr);

    // How many items `owner`'s bin holds (an account being deleted).
    int64_t count_items(const std::string& owner);

    // The trash name of `rel` deleted at `ns`, as the seed writes it:
    // "a/b.txt" -> "_bt_a_bt_b.txt_t_<ns>" (shortened to 255 bytes by
    // dropping the start of the path part when needed).
    static std::string trash_name(const std::string& rel, int64_t ns);
    // The original user path encoded in a trash name; nullopt if it is not one.
    static std::optional<std::pair<std::string, int64_t>> parse_trash_name(std::string_view name);

  private:
    PanelContext& ctx() const { return access_.ctx(); }
    Result<void> purge_expired(const std::string& owner, fs::ConfinedFs& files);
    // The history of a permanently deleted item (`original`, deleted at
    // `deleted_ns`): versions saved before then go (file_history.h).
    void forget_original(fs::ConfinedFs& files, const std::string& original, int64_t deleted_ns);

    FileAccess access_;
};

}  // namespace wsp
