#include "services/file_service.h"

#include <limits>

#include <pwd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/clock.h"
#include "drivers/fs/archive.h"
#include "drivers/fs/search.h"
#include "drivers/fs/user_path.h"
#include "services/domain_service.h"
#include "store/file_repos.h"

namespace wsp {

using fs::to_user_path;

bool is_text(std::string_view s) {
    size_t i = 0;
    while (i < s.size()) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c == 0) return false;
        size_t n = c < 0x80           ? 1
                   : (c >> 5) == 0x6  ? 2
                   : (c >> 4) == 0xE  ? 3
                   : (c >> 3) == 0x1E ? 4
                                      : 0;
        if (n == 0 || i + n > s.size()) return false;
        for (size_t k = 1; k < n; ++k)
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) return false;
        if (n == 2 && c < 0xC2) return false;  // overlong
        i += n;
    }
    return true;
}

namespace {

std::string owner_name(uid_t uid, uid_t account_uid, const std::string& account) {
    if (uid == account_uid) return account;
    struct passwd pw {};
    struct passwd* found = nullptr;
    char buf[1024];
    if (::getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found) return found->pw_name;
    return std::to_string(uid);
}

std::string permission_of(mode_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%03o", static_cast<unsigned>(mode & 0777));
    return buf;
}

void sort_items(std::vector<FileItem>& items, std::string key) {
    bool desc = !key.empty() && key.front() == '-';
    if (desc) key.erase(0, 1);
    auto by = [&](const FileItem& a, const FileItem& b) {
        if (key == "size" && a.size != b.size) return a.size < b.size;
        if (key == "mod_time" && a.mod_time != b.mod_time) return a.mod_time < b.mod_time;
        return a.name < b.name;
    };
    if (desc)
        std::sort(items.begin(), items.end(),
                  [&](const auto& a, const auto& b) { return by(b, a); });
    else
        std::sort(items.begin(), items.end(), by);
}

}  // namespace

FileItem FileService::item_of(const std::string& owner, const std::string& rel, fs::Entry e) const {
    FileItem item;
    item.path = to_user_path(rel);
    item.name = std::move(e.name);
    item.is_dir = e.is_dir;
    item.size = e.size;
    item.permission = permission_of(e.mode);
    item.owner = owner_name(e.uid, ctx().identity.uid_of(owner), owner);
    item.mod_time = local_datetime(e.mtime);
    item.is_symlink = e.is_symlink;
    item.link_target = std::move(e.link_target);
    return item;
}

FileService::FileService(PanelContext& ctx, DiskUsage& disk, std::shared_ptr<FileTrash> trash,
                         std::shared_ptr<FileHistory> history,
                         std::shared_ptr<FileSettingsService> settings)
    : access_(ctx, &disk),
      trash_(std::move(trash)),
      history_(std::move(history)),
      settings_(std::move(settings)) {
    const auto& cfg = ctx.config.files;
    FileTaskLimits limits;
    limits.workers = static_cast<int>(std::clamp<int64_t>(cfg.task_workers, 1, 16));
    limits.per_account = static_cast<int>(std::clamp<int64_t>(cfg.task_max_per_account, 1, 1000));
    limits.keep = std::chrono::minutes(cfg.task_keep_minutes);
    limits.keep_max = static_cast<size_t>(std::max<int64_t>(cfg.task_keep_max, 0));
    tasks_ = std::make_unique<FileTasks>(
        limits, std::filesystem::path(ctx.config.paths.data_dir) / "run" / "file-tasks",
        [this](const std::string& owner, const std::string& dir, const std::string& temp) {
            remove_leftover(owner, dir, temp);
        },
        ctx.clock);
}

Result<FileService::SearchResults> FileService::search(const Caller& c,
                                                       const OwnerField& owner_field,
                                                       const SearchOptions& o) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(o.path.empty() ? "/" : o.path, "Path"));
    if (o.q.empty() && o.content.empty()) return validation("q or content is required");
    if (o.q.size() > 255 || o.content.size() > 1024)
        return validation("q must be at most 255 bytes and content at most 1024");
    if (o.q.find('\0') != std::string::npos || o.content.find('\0') != std::string::npos)
        return validation("q and content must not contain NUL bytes");
    if (o.limit && (*o.limit < 1 || *o.limit > 1000))
        return validation("limit must be between 1 and 1000");
    fs::SearchQuery q;
    q.name = o.q;
    q.content = o.content;
    q.case_sensitive = o.case_sensitive;
    q.limit = static_cast<size_t>(o.limit.value_or(100));
    q.budget = std::chrono::milliseconds(ctx().config.files.search_seconds * 1000);
    q.max_content_bytes = ctx().config.files.max_edit_kb * 1024;
    q.skip_top = access_.reserved();
    TRY(auto found, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<fs::SearchResult> {
        TRY(auto st, files.stat(rel));
        if (!S_ISDIR(st.st_mode)) return validation("Path is not a directory: " + o.path);
        return fs::search(files, rel, q);
    }));
    SearchResults out;
    out.truncated = found.truncated;
    out.stopped_by = found.stopped_by;
    for (auto& hit : found.hits)
        out.results.push_back(item_of(owner, hit.rel, std::move(hit.entry)));
    return out;
}

Result<std::vector<FileItem>> FileService::list(const Caller& c, const OwnerField& owner_field,
                                                const std::string& path,
                                                const ListOptions& options) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path.empty() ? "/" : path, "Path"));
    std::string key = options.sort;
    std::string bare = !key.empty() && key.front() == '-' ? key.substr(1) : key;
    if (bare != "name" && bare != "size" && bare != "mod_time")
        return validation("Sort must be one of name, size, mod_time (prefix '-' to reverse)");
    if (options.offset < 0 || (options.limit && *options.limit < 0))
        return validation("Limit and offset must not be negative");
    TRY(auto entries,
        access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<std::vector<fs::Entry>> {
            TRY(auto st, files.stat(rel));
            if (!S_ISDIR(st.st_mode)) return validation("Path is not a directory: " + path);
            return files.list(rel);
        }));
    const auto hidden = access_.reserved();
    std::vector<FileItem> items;
    items.reserve(entries.size());
    for (auto& e : entries) {
        if (rel.empty() && std::find(hidden.begin(), hidden.end(), e.name) != hidden.end())
            continue;
        std::string child = rel.empty() ? e.name : rel + "/" + e.name;
        items.push_back(item_of(owner, child, std::move(e)));
    }
    sort_items(items, key);
    size_t from = std::min(items.size(), static_cast<size_t>(options.offset));
    size_t to = options.limit ? std::min(items.size(), from + static_cast<size_t>(*options.limit))
                              : items.size();
    if (from > 0 || to < items.size())
        items = std::vector<FileItem>(std::make_move_iterator(items.begin() + from),
                                      std::make_move_iterator(items.begin() + to));
    return items;
}

Result<FileContent> FileService::read(const Caller& c, const OwnerField& owner_field,
                                      const std::string& path) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    const int64_t max = ctx().config.files.max_edit_kb * 1024;
    TRY(std::string content,
        access_.with_fs(owner, [&](fs::ConfinedFs& files) { return files.read_file(rel, max); }));
    if (!is_text(content)) return validation("File is not a text file and cannot be edited");
    auto size = static_cast<int64_t>(content.size());
    return FileContent{std::move(content), to_user_path(rel), size};
}

Result<void> FileService::write(const Caller& c, const OwnerField& owner_field,
                                const std::string& path, std::string_view content) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    if (rel.empty()) return validation("Path is a directory: /");
    const int64_t max = ctx().config.files.max_edit_kb * 1024;
    if (static_cast<int64_t>(content.size()) > max)
        return Error{Code::too_large, "Content is larger than the editor's limit (" +
                                          std::to_string(ctx().config.files.max_edit_kb) + " KB)"};
    const bool keeps_history = ctx().config.files.history_versions > 0;
    // The quota (checked outside the owner's identity: the store is the
    // panel's): the new content, less the old one unless it becomes a version.
    TRY(int64_t old_size, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<int64_t> {
        auto st = files.stat(rel);
        return st && S_ISREG(st->st_mode) ? static_cast<int64_t>(st->st_size) : int64_t{0};
    }));
    const auto size = static_cast<int64_t>(content.size());
    CHECK_OK(access_.ensure_room(owner, keeps_history ? size : size - old_size));
    return access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        // The previous content, kept as a version after the write succeeds.
        std::optional<std::string> previous;
        if (keeps_history) {
            if (auto old = files.read_file(rel, max)) previous = std::move(*old);
        }
        TRY(std::string real, files.write_file(rel, content));
        access_.grew(owner, size - (previous ? static_cast<int64_t>(previous->size()) : old_size));
        // History is best effort: failing to keep a version never fails
        // the save that already happened.
        if (previous && *previous != content && history_->keep_version(files, real, *previous))
            access_.grew(owner, static_cast<int64_t>(previous->size()));
        return Ok{};
    });
}

Result<void> FileService::mkdir(const Caller& c, const OwnerField& owner_field,
                                const std::string& path, fs::Parents parents) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    return access_.with_fs(owner, [&](fs::ConfinedFs& files) { return files.mkdir(rel, parents); });
}

Result<void> FileService::rename(const Caller& c, const OwnerField& owner_field,
                                 const std::string& path, const std::string& new_path) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string from, access_.parse(path, "Path"));
    TRY(std::string to, access_.parse(new_path, "New path"));
    return access_.with_fs(
        owner, [&](fs::ConfinedFs& files) { return files.rename(from, to, fs::Overwrite::no); });
}

Result<void> FileService::copy(const Caller& c, const OwnerField& owner_field,
                               const std::string& source, const std::string& destination,
                               fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string from, access_.parse(source, "Source"));
    TRY(std::string to, access_.parse(destination, "Destination"));
    TRY(int64_t bytes, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<int64_t> {
        return tree_bytes(files, from);
    }));
    CHECK_OK(access_.ensure_room(owner, bytes));
    fs::Progress progress;
    auto lease = tasks_->journal_sync(owner, fs::split_parent(to).first, progress);
    CHECK_OK(access_.with_fs(
        owner, [&](fs::ConfinedFs& files) { return files.copy(from, to, ow, &progress); }));
    access_.grew(owner, bytes);
    return Ok{};
}

Result<void> FileService::move(const Caller& c, const OwnerField& owner_field,
                               const std::string& source, const std::string& destination,
                               fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string from, access_.parse(source, "Source"));
    TRY(std::string to, access_.parse(destination, "Destination"));
    return access_.with_fs(owner,
                           [&](fs::ConfinedFs& files) { return files.rename(from, to, ow); });
}

Result<void> FileService::chmod(const Caller& c, const OwnerField& owner_field,
                                const std::string& path, const std::string& mode,
                                fs::Recursive recursive) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    auto octal = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '7'; });
    };
    if (mode.size() == 4 && octal(mode) && mode[0] != '0')
        return validation("Mode must not set setuid, setgid or sticky bits");
    if (!((mode.size() == 3 || (mode.size() == 4 && mode[0] == '0')) && octal(mode)))
        return validation("Mode must be three octal digits, e.g. 0644");
    auto bits = static_cast<mode_t>(std::stoi(mode, nullptr, 8));
    if (rel.empty()) return validation("The home directory's permissions cannot be changed");
    return access_.with_fs(
        owner, [&](fs::ConfinedFs& files) { return files.chmod(rel, bits, recursive); });
}

Result<void> FileService::compress(const Caller& c, const OwnerField& owner_field,
                                   const std::vector<std::string>& paths,
                                   const std::string& archive, fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(auto rels, access_.parse_all(paths, "Paths"));
    TRY(std::string target, access_.parse(archive, "Archive"));
    fs::Progress progress;
    auto lease = tasks_->journal_sync(owner, fs::split_parent(target).first, progress);
    return compress_within_quota(owner, rels, target, ow, &progress);
}

Result<void> FileService::compress_within_quota(const std::string& owner,
                                                const std::vector<std::string>& rels,
                                                const std::string& target, fs::Overwrite ow,
                                                fs::Progress* progress) {
    // The archive's size is known once written: refused when already at
    // the quota, then held to it (removed again past it, 507).
    CHECK_OK(access_.ensure_room(owner, 1));
    TRY(int64_t size, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<int64_t> {
        CHECK_OK(fs::compress(files, rels, target, ow, progress));
        return tree_bytes(files, target);
    }));
    if (auto room = access_.ensure_room(owner, size); !room) {
        (void)access_.with_fs(owner, [&](fs::ConfinedFs& files) { return files.remove(target); });
        return room.error();
    }
    access_.grew(owner, size);
    return Ok{};
}

Result<fs::ExtractLimits> FileService::extract_limits(const std::string& owner) {
    const auto& cfg = ctx().config.files;
    fs::ExtractLimits limits{cfg.max_extract_mb * 1024 * 1024, cfg.max_extract_entries,
                             cfg.max_extract_ratio};
    TRY(DiskUsage::Room room, access_.room(owner));
    limits.room = room.bytes;
    limits.room_error = room.error + "; the archive expands to more than the room left";
    limits.extracted = std::make_shared<int64_t>(0);
    return limits;
}

Result<void> FileService::extract(const Caller& c, const OwnerField& owner_field,
                                  const std::string& archive, const std::string& destination,
                                  fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string source, access_.parse(archive, "Archive"));
    std::string dest = fs::split_parent(source).first;
    if (!destination.empty()) {
        TRY(dest, access_.parse(destination, "Destination"));
    }
    TRY(fs::ExtractLimits limits, extract_limits(owner));
    fs::Progress progress;
    auto lease = tasks_->journal_sync(owner, dest, progress);
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) {
        return fs::extract(files, source, dest, ow, limits, &progress);
    }));
    access_.grew(owner, *limits.extracted);
    return Ok{};
}

Result<bool> FileService::remove(const Caller& c, const OwnerField& owner_field,
                                 const std::string& path) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    if (rel.empty()) return validation("Cannot delete the home directory");
    TRY(FileSettings s, settings_->of(owner));
    if (s.recycle_bin_enabled) {
        CHECK_OK(trash_->move_to_trash(owner, rel));
        return true;
    }
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        // History is keyed by the real path; the last name is not resolved
        // (a symlink is removed, not its target, whose history stays).
        auto [parent, name] = fs::split_parent(rel);
        std::string real = rel;
        if (!parent.empty()) {
            if (auto p = files.real_path(parent)) real = *p + "/" + name;
        }
        const int64_t freed = tree_bytes(files, rel);
        CHECK_OK(files.remove(rel));
        access_.grew(owner, -freed);
        // Deleted for good: its history (and its tree's) goes too.
        forget_history(files, ctx().config.files.history_dir_name, real,
                       std::numeric_limits<int64_t>::max());
        return Ok{};
    }));
    return false;
}

Result<void> FileService::history_restore(const Caller& c, const OwnerField& owner_field,
                                          const std::string& path, const std::string& version) {
    TRY(FileContent old, history_->read(c, owner_field, path, version));
    // An ordinary write: the current content becomes a version itself.
    return write(c, owner_field, path, old.content);
}

Result<int64_t> FileService::remove_all_of(const std::string& owner) {
    tasks_->remove_all_of(owner);  // running ones stop before the home goes
    // How many items the bin held (they go with the home).
    const int64_t items = trash_->count_items(owner);
    CHECK_OK(ctx().db.write([&](WriteTx& tx) -> Result<void> {
        FileTrashRepo::remove_all_of(tx, owner);
        FileSettingsRepo::remove_all_of(tx, owner);
        return Ok{};
    }));
    return items;
}

}  // namespace wsp
