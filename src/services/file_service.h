#pragma once
// The file manager's operations on an account's files (list, read, write,
// delete, mkdir, rename, copy, move, chmod, archives, search, tasks),
// confined to its home (drivers/fs/confined_fs.h) and done with the
// account's OS identity (drivers/fs/act_as.h). Paths are the API's:
// absolute inside the home. A user works in its own home; an admin may name
// another `owner`. The recycle bin (file_trash.h), version history
// (file_history.h), settings (file_settings.h) and uploads/downloads
// (transfer_service.h) are services of their own.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/fs/archive.h"
#include "services/file_access.h"
#include "services/file_history.h"
#include "services/file_settings.h"
#include "services/file_tasks.h"
#include "services/file_trash.h"
#include "services/owner_cleanup.h"

namespace wsp {

struct FileItem {
    std::string name;
    std::string path;
    bool is_dir = false;
    int64_t size = 0;
    std::string permission;  // "644"
    std::string owner;
    std::string mod_time;  // "2026-05-11 06:46:35", local time
    bool is_symlink = false;
    std::optional<std::string> link_target;
};

// Which file a path names right now (share links pin it: file_shares).
struct FileIdentity {
    std::string path;  // the user path, normalised ("/a/b.txt")
    bool is_dir = false;
    int64_t dev = 0;
    int64_t ino = 0;
};

struct ListOptions {
    std::string sort = "name";  // name | size | mod_time, "-" prefix: descending
    std::optional<int64_t> limit;
    int64_t offset = 0;
};

// Valid UTF-8 without NUL bytes: what the editor can show.
bool is_text(std::string_view data);

class FileService final : public OwnerCleanup {
  public:
    // `disk`: the quota at the panel's write points and the disk figure's
    // adjustments (services/disk_usage.h).
    FileService(PanelContext& ctx, DiskUsage& disk, std::shared_ptr<FileTrash> trash,
                std::shared_ptr<FileHistory> history,
                std::shared_ptr<FileSettingsService> settings);

    Result<std::vector<FileItem>> list(const Caller& c, const OwnerField& owner,
                                       const std::string& path, const ListOptions& options);
    Result<FileContent> read(const Caller& c, const OwnerField& owner, const std::string& path);
    Result<void> write(const Caller& c, const OwnerField& owner, const std::string& path,
                       std::string_view content);
    // True when the item went to the recycle bin, false when deleted for good.
    Result<bool> remove(const Caller& c, const OwnerField& owner, const std::string& path);
    Result<void> mkdir(const Caller& c, const OwnerField& owner, const std::string& path,
                       fs::Parents parents);
    Result<void> rename(const Caller& c, const OwnerField& owner, const std::string& path,
                        const std::string& new_path);
    Result<void> copy(const Caller& c, const OwnerField& owner, const std::string& source,
                      const std::string& destination, fs::Overwrite ow);
    Result<void> move(const Caller& c, const OwnerField& owner, const std::string& source,
                      const std::string& destination, fs::Overwrite ow);
    Result<void> chmod(const Caller& c, const OwnerField& owner, const std::string& path,
                       const std::string& mode, fs::Recursive recursive);

    // Archives by extension (zip, tar, tar.gz, tar.bz2, tar.xz, tar.zst).
    Result<void> compress(const Caller& c, const OwnerField& owner,
                          const std::vector<std::string>& paths, const std::string& archive,
                          fs::Overwrite ow);
    // `destination` empty: the archive's directory.
    Result<void> extract(const Caller& c, const OwnerField& owner, const std::string& archive,
                         const std::string& destination, fs::Overwrite ow);

    // The same operations with `async:true` (file_service_tasks.cpp): the
    // synchronous call's validation, plus the checks it would fail first
    // (missing source, taken destination, unknown format), then a task that
    // runs them on the task pool with the owner's identity.
    Result<TaskView> compress_async(const Caller& c, const OwnerField& owner,
                                    const std::vector<std::string>& paths,
                                    const std::string& archive, fs::Overwrite ow);
    Result<TaskView> extract_async(const Caller& c, const OwnerField& owner,
                                   const std::string& archive, const std::string& destination,
                                   fs::Overwrite ow);
    Result<TaskView> copy_async(const Caller& c, const OwnerField& owner, const std::string& source,
                                const std::string& destination, fs::Overwrite ow);
    Result<TaskView> move_async(const Caller& c, const OwnerField& owner, const std::string& source,
                                const std::string& destination, fs::Overwrite ow);
    FileTasks& tasks() { return *tasks_; }
    // Whether a synchronous compress/extract/copy of `paths` should run as a
    // task instead: they hold more than files.auto_async_mb together
    // (counting stops once over; false when a path cannot be read, the
    // operation then gives the answer). file_input_size.cpp.
    bool better_as_task(const Caller& c, const OwnerField& owner,
                        const std::vector<std::string>& paths);

    // Search by name (substring or glob), optionally by content.
    struct SearchOptions {
        std::string path = "/";
        std::string q;
        std::string content;
        bool case_sensitive = false;
        std::optional<int64_t> limit;
    };
    struct SearchResults {
        std::vector<FileItem> results;
        bool truncated = false;
        std::string stopped_by;
    };
    Result<SearchResults> search(const Caller& c, const OwnerField& owner,
                                 const SearchOptions& options);

    // Puts a version back (file_history.h): an ordinary write, so the
    // current content becomes a version itself.
    Result<void> history_restore(const Caller& c, const OwnerField& owner, const std::string& path,
                                 const std::string& version);

    // What `path` names, following symlinks that stay inside the home
    // (file_identity.cpp). Only regular files and directories qualify.
    Result<FileIdentity> identify(const Caller& c, const OwnerField& owner,
                                  const std::string& path);
    // The same for an already authorised owner (a public share link).
    Result<FileIdentity> identify_of(const std::string& owner, const std::string& path);

    int64_t max_upload_mb() const { return ctx().config.files.max_upload_mb; }

    // Deleting an account: its files go with its home (UserService removes
    // it); this stops its tasks, forgets the file manager's records of it
    // and returns how many recycle-bin items it had.
    std::string removed_key() const override { return "trash_items"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

  private:
    // copy_async and move_async: the same checks, then copy or rename.
    enum class TransferKind { copy, move };
    Result<TaskView> transfer_async(const Caller& c, const OwnerField& owner,
                                    const std::string& source, const std::string& destination,
                                    fs::Overwrite ow, TransferKind kind);
    FileItem item_of(const std::string& owner, const std::string& rel, fs::Entry e) const;

    // What a task interrupted by a crash left: `temp` in `dir` of the home.
    void remove_leftover(const std::string& owner, const std::string& dir, const std::string& temp);
    // The disk quota (services/disk_usage.h): compress writes the archive,
    // then holds it to the quota (removed again past it, 507); extract's
    // limits carry the room left, so a tree past it is never moved in.
    Result<void> compress_within_quota(const std::string& owner,
                                       const std::vector<std::string>& rels,
                                       const std::string& target, fs::Overwrite ow,
                                       fs::Progress* progress);
    Result<fs::ExtractLimits> extract_limits(const std::string& owner);

    PanelContext& ctx() const { return access_.ctx(); }

    FileAccess access_;
    std::shared_ptr<FileTrash> trash_;
    std::shared_ptr<FileHistory> history_;
    std::shared_ptr<FileSettingsService> settings_;
    std::unique_ptr<FileTasks> tasks_;
};

}  // namespace wsp
