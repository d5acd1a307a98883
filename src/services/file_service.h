#pragma once
// The file manager: every operation on an account's files, confined to its
// home (drivers/fs/confined_fs.h) and done with the account's OS identity
// (drivers/fs/act_as.h). Paths are the API's: absolute inside the home.
// A user works in its own home; an admin may name another `owner`.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/fs/confined_fs.h"
#include "services/caller.h"
#include "services/file_tasks.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "store/file_repos.h"

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

struct FileContent {
    std::string content;
    std::string path;
    int64_t size = 0;
};

struct TrashItem {
    std::string trash_path;  // the item's name in the recycle bin
    std::string original_path;
    std::string name;
    bool is_dir = false;
    int64_t size = 0;
    std::string deleted_at;
    int64_t deleted_at_ns = 0;
};

// Which file a path names right now (share links pin it: file_shares).
struct FileIdentity {
    std::string path;  // the user path, normalised ("/a/b.txt")
    bool is_dir = false;
    int64_t dev = 0;
    int64_t ino = 0;
};

// An account's file-manager settings, as stored (store/file_repos.h).
using FileSettings = FileSettingsRecord;

struct FileSettingsUpdate {
    std::optional<bool> recycle_bin_enabled;
    std::optional<int64_t> editor_font_size;
    std::optional<std::string> editor_theme;
};

struct ListOptions {
    std::string sort = "name";  // name | size | mod_time, "-" prefix: descending
    std::optional<int64_t> limit;
    int64_t offset = 0;
};

struct HistoryVersion {
    std::string version;  // the id to read or restore
    int64_t size = 0;
    std::string saved_at;
};

using OwnerField = std::optional<std::string>;

class FileService final : public OwnerCleanup {
  public:
    explicit FileService(PanelContext& ctx);

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

    // Recycle bin (file_trash.cpp).
    Result<std::vector<TrashItem>> trash(const Caller& c, const OwnerField& owner);
    Result<void> restore(const Caller& c, const OwnerField& owner, const std::string& trash_path,
                         fs::Overwrite ow);
    Result<int64_t> empty_trash(const Caller& c, const OwnerField& owner);
    Result<void> remove_from_trash(const Caller& c, const OwnerField& owner,
                                   const std::string& trash_path);

    // Previous versions of a file (file_history.cpp).
    Result<std::vector<HistoryVersion>> history(const Caller& c, const OwnerField& owner,
                                                const std::string& path);
    Result<FileContent> history_read(const Caller& c, const OwnerField& owner,
                                     const std::string& path, const std::string& version);
    Result<void> history_restore(const Caller& c, const OwnerField& owner, const std::string& path,
                                 const std::string& version);

    Result<FileSettings> settings(const Caller& c, const OwnerField& owner);
    Result<FileSettings> update_settings(const Caller& c, const OwnerField& owner,
                                         const FileSettingsUpdate& update);
    // What `path` names, following symlinks that stay inside the home
    // (file_identity.cpp). Only regular files and directories qualify.
    Result<FileIdentity> identify(const Caller& c, const OwnerField& owner,
                                  const std::string& path);
    // The same for an already authorised owner (a public share link).
    Result<FileIdentity> identify_of(const std::string& owner, const std::string& path);

    int64_t max_upload_mb() const { return ctx_.config.files.max_upload_mb; }

    // Purges expired recycle-bin items of every account (the periodic
    // sweep started with `serve`; listing a bin purges it too).
    Result<int64_t> purge_all_expired();

    // Deleting an account: its files go with its home (UserService removes
    // it); this forgets the file manager's records of it and returns how
    // many recycle-bin items it had.
    std::string removed_key() const override { return "trash_items"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

    // The trash name of `rel` deleted at `ns`, as the seed writes it:
    // "a/b.txt" -> "_bt_a_bt_b.txt_t_<ns>" (shortened to 255 bytes by
    // dropping the start of the path part when needed).
    static std::string trash_name(const std::string& rel, int64_t ns);
    // The original user path encoded in a trash name; nullopt if it is not one.
    static std::optional<std::pair<std::string, int64_t>> parse_trash_name(std::string_view name);

  private:
    struct Target {
        std::string owner;
        std::string rel;
    };
    // Who owns the files acted on, and the request path made relative.
    Result<std::string> owner_of(const Caller& c, const OwnerField& owner);
    Result<std::string> parse(std::string_view path, std::string_view field) const;
    // Every path of a list (compress's `paths`), parsed; 400 when empty.
    Result<std::vector<std::string>> parse_all(const std::vector<std::string>& paths,
                                               std::string_view field) const;
    // copy_async and move_async: the same checks, then copy or rename.
    enum class TransferKind { copy, move };
    Result<TaskView> transfer_async(const Caller& c, const OwnerField& owner,
                                    const std::string& source, const std::string& destination,
                                    fs::Overwrite ow, TransferKind kind);
    std::vector<std::string> reserved() const;
    FileItem item_of(const std::string& owner, const std::string& rel, fs::Entry e) const;

    // Runs `f(ConfinedFs&)` as the owner's OS identity, in its home.
    template <class F>
    auto with_fs(const std::string& owner, F&& f) -> decltype(f(std::declval<fs::ConfinedFs&>()));

    Result<void> move_to_trash(const std::string& owner, const std::string& rel);
    Result<void> purge_expired(fs::ConfinedFs& files);
    Result<void> keep_version(fs::ConfinedFs& files, const std::string& real_rel,
                              const std::string& previous);
    std::string history_dir_of(const std::string& real_rel) const;

    // What a task interrupted by a crash left: `temp` in `dir` of the home.
    void remove_leftover(const std::string& owner, const std::string& dir, const std::string& temp);

    PanelContext& ctx_;
    std::unique_ptr<FileTasks> tasks_;
};

}  // namespace wsp
