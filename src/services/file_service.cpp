#include "services/file_service.h"

#include <pwd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "base/clock.h"
#include "drivers/fs/archive.h"
#include "drivers/fs/search.h"
#include "drivers/fs/user_path.h"
#include "services/domain_service.h"
#include "services/file_service_fs.h"
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

Result<std::string> FileService::owner_of(const Caller& c, const OwnerField& owner) {
    return resolve_owner(ctx_.db, c, owner);
}

std::vector<std::string> FileService::reserved() const {
    return {ctx_.config.files.trash_dir_name, ctx_.config.files.history_dir_name,
            ctx_.config.files.uploads_dir_name};
}

Result<std::string> FileService::parse(std::string_view path, std::string_view field) const {
    return fs::parse_user_path(path, field, reserved());
}

Result<std::vector<std::string>> FileService::parse_all(const std::vector<std::string>& paths,
                                                        std::string_view field) const {
    if (paths.empty()) return validation(std::string(field) + " are required");
    std::vector<std::string> rels;
    for (const auto& p : paths) {
        TRY(std::string rel, parse(p, field));
        rels.push_back(std::move(rel));
    }
    return rels;
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
    item.owner = owner_name(e.uid, ctx_.identity.uid_of(owner), owner);
    item.mod_time = local_datetime(e.mtime);
    item.is_symlink = e.is_symlink;
    item.link_target = std::move(e.link_target);
    return item;
}

FileService::FileService(PanelContext& ctx) : ctx_(ctx) {
    const auto& cfg = ctx_.config.files;
    FileTaskLimits limits;
    limits.workers = static_cast<int>(std::clamp<int64_t>(cfg.task_workers, 1, 16));
    limits.per_account = static_cast<int>(std::clamp<int64_t>(cfg.task_max_per_account, 1, 1000));
    limits.keep = std::chrono::minutes(cfg.task_keep_minutes);
    limits.keep_max = static_cast<size_t>(std::max<int64_t>(cfg.task_keep_max, 0));
    tasks_ = std::make_unique<FileTasks>(
        limits, std::filesystem::path(ctx_.config.paths.data_dir) / "run" / "file-tasks",
        [this](const std::string& owner, const std::string& dir, const std::string& temp) {
            remove_leftover(owner, dir, temp);
        });
}

Result<FileService::SearchResults> FileService::search(const Caller& c,
                                                       const OwnerField& owner_field,
                                                       const SearchOptions& o) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(o.path.empty() ? "/" : o.path, "Path"));
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
    q.budget = std::chrono::milliseconds(ctx_.config.files.search_seconds * 1000);
    q.max_content_bytes = ctx_.config.files.max_edit_kb * 1024;
    q.skip_top = reserved();
    TRY(auto found, with_fs(owner, [&](fs::ConfinedFs& files) -> Result<fs::SearchResult> {
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
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(path.empty() ? "/" : path, "Path"));
    std::string key = options.sort;
    std::string bare = !key.empty() && key.front() == '-' ? key.substr(1) : key;
    if (bare != "name" && bare != "size" && bare != "mod_time")
        return validation("Sort must be one of name, size, mod_time (prefix '-' to reverse)");
    if (options.offset < 0 || (options.limit && *options.limit < 0))
        return validation("Limit and offset must not be negative");
    TRY(auto entries, with_fs(owner, [&](fs::ConfinedFs& files) -> Result<std::vector<fs::Entry>> {
            TRY(auto st, files.stat(rel));
            if (!S_ISDIR(st.st_mode)) return validation("Path is not a directory: " + path);
            return files.list(rel);
        }));
    const auto hidden = reserved();
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
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(path, "Path"));
    const int64_t max = ctx_.config.files.max_edit_kb * 1024;
    TRY(std::string content,
        with_fs(owner, [&](fs::ConfinedFs& files) { return files.read_file(rel, max); }));
    if (!is_text(content)) return validation("File is not a text file and cannot be edited");
    auto size = static_cast<int64_t>(content.size());
    return FileContent{std::move(content), to_user_path(rel), size};
}

Result<void> FileService::write(const Caller& c, const OwnerField& owner_field,
                                const std::string& path, std::string_view content) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(path, "Path"));
    if (rel.empty()) return validation("Path is a directory: /");
    const int64_t max = ctx_.config.files.max_edit_kb * 1024;
    if (static_cast<int64_t>(content.size()) > max)
        return Error{Code::too_large, "Content is larger than the editor's limit (" +
                                          std::to_string(ctx_.config.files.max_edit_kb) + " KB)"};
    return with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        // The previous content, kept as a version after the write succeeds.
        std::optional<std::string> previous;
        if (ctx_.config.files.history_versions > 0) {
            if (auto old = files.read_file(rel, max)) previous = std::move(*old);
        }
        TRY(std::string real, files.write_file(rel, content));
        // History is best effort: failing to keep a version never fails
        // the save that already happened.
        if (previous && *previous != content) (void)keep_version(files, real, *previous);
        return Ok{};
    });
}

Result<void> FileService::mkdir(const Caller& c, const OwnerField& owner_field,
                                const std::string& path, fs::Parents parents) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(path, "Path"));
    return with_fs(owner, [&](fs::ConfinedFs& files) { return files.mkdir(rel, parents); });
}

Result<void> FileService::rename(const Caller& c, const OwnerField& owner_field,
                                 const std::string& path, const std::string& new_path) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string from, parse(path, "Path"));
    TRY(std::string to, parse(new_path, "New path"));
    return with_fs(
        owner, [&](fs::ConfinedFs& files) { return files.rename(from, to, fs::Overwrite::no); });
}

Result<void> FileService::copy(const Caller& c, const OwnerField& owner_field,
                               const std::string& source, const std::string& destination,
                               fs::Overwrite ow) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string from, parse(source, "Source"));
    TRY(std::string to, parse(destination, "Destination"));
    return with_fs(owner, [&](fs::ConfinedFs& files) { return files.copy(from, to, ow); });
}

Result<void> FileService::move(const Caller& c, const OwnerField& owner_field,
                               const std::string& source, const std::string& destination,
                               fs::Overwrite ow) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string from, parse(source, "Source"));
    TRY(std::string to, parse(destination, "Destination"));
    return with_fs(owner, [&](fs::ConfinedFs& files) { return files.rename(from, to, ow); });
}

Result<void> FileService::chmod(const Caller& c, const OwnerField& owner_field,
                                const std::string& path, const std::string& mode,
                                fs::Recursive recursive) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(path, "Path"));
    auto octal = [](std::string_view s) {
        return std::all_of(s.begin(), s.end(), [](char ch) { return ch >= '0' && ch <= '7'; });
    };
    if (mode.size() == 4 && octal(mode) && mode[0] != '0')
        return validation("Mode must not set setuid, setgid or sticky bits");
    if (!((mode.size() == 3 || (mode.size() == 4 && mode[0] == '0')) && octal(mode)))
        return validation("Mode must be three octal digits, e.g. 0644");
    auto bits = static_cast<mode_t>(std::stoi(mode, nullptr, 8));
    if (rel.empty()) return validation("The home directory's permissions cannot be changed");
    return with_fs(owner, [&](fs::ConfinedFs& files) { return files.chmod(rel, bits, recursive); });
}

Result<void> FileService::compress(const Caller& c, const OwnerField& owner_field,
                                   const std::vector<std::string>& paths,
                                   const std::string& archive, fs::Overwrite ow) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(auto rels, parse_all(paths, "Paths"));
    TRY(std::string target, parse(archive, "Archive"));
    return with_fs(owner,
                   [&](fs::ConfinedFs& files) { return fs::compress(files, rels, target, ow); });
}

Result<void> FileService::extract(const Caller& c, const OwnerField& owner_field,
                                  const std::string& archive, const std::string& destination,
                                  fs::Overwrite ow) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string source, parse(archive, "Archive"));
    std::string dest = fs::split_parent(source).first;
    if (!destination.empty()) {
        TRY(dest, parse(destination, "Destination"));
    }
    const auto& cfg = ctx_.config.files;
    fs::ExtractLimits limits{cfg.max_extract_mb * 1024 * 1024, cfg.max_extract_entries,
                             cfg.max_extract_ratio};
    return with_fs(
        owner, [&](fs::ConfinedFs& files) { return fs::extract(files, source, dest, ow, limits); });
}

Result<bool> FileService::remove(const Caller& c, const OwnerField& owner_field,
                                 const std::string& path) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string rel, parse(path, "Path"));
    if (rel.empty()) return validation("Cannot delete the home directory");
    TRY(FileSettings s, settings(c, owner));
    if (s.recycle_bin_enabled) {
        CHECK_OK(move_to_trash(owner, rel));
        return true;
    }
    CHECK_OK(with_fs(owner, [&](fs::ConfinedFs& files) { return files.remove(rel); }));
    return false;
}

Result<FileSettings> FileService::settings(const Caller& c, const OwnerField& owner_field) {
    TRY(std::string owner, owner_of(c, owner_field));
    return guarded([&]() -> Result<FileSettings> {
        return FileSettingsRepo(ctx_.db).find(owner).value_or(FileSettings{});
    });
}

Result<FileSettings> FileService::update_settings(const Caller& c, const OwnerField& owner_field,
                                                  const FileSettingsUpdate& u) {
    TRY(std::string owner, owner_of(c, owner_field));
    if (u.editor_font_size && (*u.editor_font_size < 8 || *u.editor_font_size > 40))
        return validation("editor_font_size must be between 8 and 40");
    if (u.editor_theme) {
        const std::string& t = *u.editor_theme;
        bool ok = !t.empty() && t.size() <= 32 && std::all_of(t.begin(), t.end(), [](char ch) {
            return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        });
        if (!ok)
            return validation(
                "editor_theme must be 1-32 characters of a-z, 0-9, '-' and '_' (e.g. vs-dark)");
    }
    return in_transaction(ctx_.db, [&]() -> Result<FileSettings> {
        TRY(FileSettings s, settings(c, owner));
        if (u.recycle_bin_enabled) s.recycle_bin_enabled = *u.recycle_bin_enabled;
        if (u.editor_font_size) s.editor_font_size = *u.editor_font_size;
        if (u.editor_theme) s.editor_theme = *u.editor_theme;
        FileSettingsRepo(ctx_.db).upsert(owner, s, now_unix());
        return s;
    });
}

Result<int64_t> FileService::remove_all_of(const std::string& owner) {
    tasks_->remove_all_of(owner);  // running ones stop before the home goes
    // How many items the bin held (they go with the home); a home already
    // gone counts none.
    int64_t items = 0;
    const std::string& bin = ctx_.config.files.trash_dir_name;
    (void)with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd trash, files.open_dir(bin));
        return fs::for_each_name(trash.get(), [&](const char* name) -> Result<void> {
            if (parse_trash_name(name)) ++items;
            return Ok{};
        });
    });
    CHECK_OK(in_transaction(ctx_.db, [&]() -> Result<void> {
        FileTrashRepo(ctx_.db).remove_all_of(owner);
        FileSettingsRepo(ctx_.db).remove_all_of(owner);
        return Ok{};
    }));
    return items;
}

}  // namespace wsp
