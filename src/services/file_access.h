#pragma once
// What every file-area service shares (file_service.h, file_trash.h,
// file_history.h, file_settings.h): who owns the files acted on, request
// paths made relative (the reserved top-level directories refused), and
// running file work as the owner's OS identity in its home. Store calls
// stay outside with_fs: the store's files belong to the panel, not to the
// account.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drivers/fs/act_as.h"
#include "drivers/fs/confined_fs.h"
#include "services/caller.h"
#include "services/disk_usage.h"
#include "services/panel.h"

namespace wsp {

// The request's `owner` field (admins may name another account).
using OwnerField = std::optional<std::string>;

// A file's content as the editor sees it (/files/read, a history version).
struct FileContent {
    std::string content;
    std::string path;
    int64_t size = 0;
};

// Bytes the entry `rel` holds (a directory: its regular files, symlinks not
// followed; apparent sizes), 0 when it cannot be read. The disk figure's
// adjustments between walks (services/disk_usage.h). file_input_size.cpp.
int64_t tree_bytes(const fs::ConfinedFs& files, const std::string& rel);

class FileAccess {
  public:
    explicit FileAccess(PanelContext& ctx, DiskUsage* disk = nullptr) : ctx_(ctx), disk_(disk) {}

    PanelContext& ctx() const { return ctx_; }
    // Who owns the files acted on: the caller, or the named owner for an admin.
    Result<std::string> owner_of(const Caller& c, const OwnerField& owner) const;
    // The bin, history and uploads directories at the top of a home.
    std::vector<std::string> reserved() const;
    // A request path made relative to the home; `field` names it in errors.
    Result<std::string> parse(std::string_view path, std::string_view field) const;
    // Every path of a list (compress's `paths`), parsed; 400 when empty.
    Result<std::vector<std::string>> parse_all(const std::vector<std::string>& paths,
                                               std::string_view field) const;

    // Runs `f(ConfinedFs&)` as the owner's OS identity, in its home.
    template <class F>
    auto with_fs(const std::string& owner, F&& f) const
        -> decltype(f(std::declval<fs::ConfinedFs&>())) {
        fs::ActAs as(ctx_.identity.uid_of(owner), ctx_.identity.gid_of(owner),
                     ctx_.identity.groups_of(owner));
        if (!as.ok()) return internal("cannot take the identity of account " + owner);
        TRY(fs::ConfinedFs files, fs::ConfinedFs::open(ctx_.identity.home_of(owner).string()));
        return f(files);
    }

    // The disk quota at the panel's write points (DiskUsage::ensure_room)
    // and the figure's adjustments (DiskUsage::add); no-ops without a
    // DiskUsage.
    Result<void> ensure_room(const std::string& owner, int64_t adding) const {
        return disk_ ? disk_->ensure_room(owner, adding) : Result<void>(Ok{});
    }
    Result<DiskUsage::Room> room(const std::string& owner) const {
        if (!disk_) return DiskUsage::Room{};
        return disk_->room(owner);
    }
    void grew(const std::string& owner, int64_t delta) const {
        if (disk_ && delta != 0) disk_->add(owner, delta);
    }

  private:
    PanelContext& ctx_;
    DiskUsage* disk_;
};

}  // namespace wsp
