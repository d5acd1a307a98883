#include "services/file_trash.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>

#include "base/clock.h"
#include "drivers/fs/fs_error.h"
#include "drivers/fs/user_path.h"
#include "services/file_history.h"
#include "store/account_repos.h"
#include "store/file_repos.h"

namespace wsp {
namespace {

constexpr std::string_view kPrefix = "_bt_";
constexpr std::string_view kTime = "_t_";

std::string replace_all(std::string s, std::string_view from, std::string_view to) {
    size_t pos = 0;
    while ((pos = s.find(from, pos)) != std::string::npos) {
        s.replace(pos, from.size(), to);
        pos += to.size();
    }
    return s;
}

// The bin's directory, created (0700, the account's) on first use. A
// symlink there is refused rather than followed.
Result<UniqueFd> open_trash(fs::ConfinedFs& files, const std::string& name) {
    CHECK_OK(fs::make_dir_at(files.root(), name, 0700, "recycle bin"));
    auto fd = open_beneath(files.root(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    if (!fd) return internal("the recycle bin is not a directory");
    return fd;
}

}  // namespace

std::string FileTrash::trash_name(const std::string& rel, int64_t ns) {
    std::string encoded = replace_all(rel, "/", kPrefix);
    std::string suffix = std::string(kTime) + std::to_string(ns);
    const size_t room = fs::kMaxNameBytes - kPrefix.size() - suffix.size();
    if (encoded.size() > room) encoded = encoded.substr(encoded.size() - room);
    return std::string(kPrefix) + encoded + suffix;
}

std::optional<std::pair<std::string, int64_t>> FileTrash::parse_trash_name(std::string_view name) {
    if (!name.starts_with(kPrefix)) return std::nullopt;
    size_t t = name.rfind(kTime);
    if (t == std::string_view::npos || t < kPrefix.size()) return std::nullopt;
    std::string_view digits = name.substr(t + kTime.size());
    if (digits.empty() || digits.size() > 19 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    std::string encoded(name.substr(kPrefix.size(), t - kPrefix.size()));
    return std::pair{"/" + replace_all(encoded, kPrefix, "/"), std::stoll(std::string(digits))};
}

Result<void> FileTrash::move_to_trash(const std::string& owner, const std::string& rel) {
    const std::string& bin = ctx().config.files.trash_dir_name;
    const int64_t ns = ctx().clock.now_ns();
    const std::string name = trash_name(rel, ns);
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd trash, open_trash(files, bin));
        return files.rename(rel, bin + "/" + name, fs::Overwrite::no);
    }));
    // The store keeps the path only when the name cannot give it back
    // exactly (a "_bt_" in a name, or a name shortened to 255 bytes): the
    // common case costs no store commit.
    auto decoded = parse_trash_name(name);
    if (decoded && decoded->first == fs::to_user_path(rel)) return Ok{};
    auto recorded = ctx().db.write([&](WriteTx& tx) -> Result<void> {
        FileTrashRepo::insert(tx, owner, name, fs::to_user_path(rel), ns);
        return Ok{};
    });
    if (!recorded) {
        // Put it back: nothing half done.
        (void)access_.with_fs(owner, [&](fs::ConfinedFs& files) {
            return files.rename(bin + "/" + name, rel, fs::Overwrite::no);
        });
        return recorded.error();
    }
    return Ok{};
}

Result<void> FileTrash::purge_expired(const std::string& owner, fs::ConfinedFs& files) {
    const int64_t days = ctx().config.files.trash_days;
    if (days <= 0) return Ok{};
    const int64_t cutoff = ctx().clock.now_ns() - days * 86400LL * 1'000'000'000LL;
    const std::string& bin = ctx().config.files.trash_dir_name;
    TRY(UniqueFd trash, open_trash(files, bin));
    // Their rows go when trash() sees them missing.
    std::vector<std::pair<std::string, int64_t>> gone;  // original, deleted at
    CHECK_OK(fs::for_each_name(trash.get(), [&](const char* name) -> Result<void> {
        auto parsed = parse_trash_name(name);
        if (!parsed || parsed->second >= cutoff) return Ok{};
        const int64_t freed = tree_bytes(files, bin + "/" + name);
        CHECK_OK(fs::remove_at(trash.get(), name, "recycle bin item"));
        access_.grew(owner, -freed);
        gone.emplace_back(parsed->first, parsed->second);
        return Ok{};
    }));
    for (const auto& [original, ns] : gone) forget_original(files, original, ns);
    return Ok{};
}

void FileTrash::forget_original(fs::ConfinedFs& files, const std::string& original,
                                int64_t deleted_ns) {
    auto rel = access_.parse(original, "Original path");
    if (!rel || rel->empty()) return;
    // Versions saved before the item was deleted were its own; a file made
    // at the same path since keeps its history.
    forget_history(files, ctx().config.files.history_dir_name, *rel, deleted_ns + 1);
}

Result<int64_t> FileTrash::purge_all_expired(size_t batch, const std::function<bool()>& pause) {
    std::vector<std::string> owners;
    CHECK_OK(ctx().db.read([&](const ReadTx& tx) -> Result<void> {
        for (auto& u : UserRepo::list(tx)) owners.push_back(std::move(u.username));
        return Ok{};
    }));
    int64_t swept = 0;
    size_t walked = 0;
    for (const auto& owner : owners) {
        if (batch > 0 && pause && walked > 0 && walked % batch == 0 && !pause()) break;
        ++walked;
        auto purged = access_.with_fs(
            owner, [&](fs::ConfinedFs& files) { return purge_expired(owner, files); });
        if (purged) ++swept;
    }
    return swept;
}

Result<std::vector<TrashItem>> FileTrash::list(const Caller& c, const OwnerField& owner_field) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(auto originals,
        ctx().db.read([&](const ReadTx& tx) -> Result<std::map<std::string, std::string>> {
            return FileTrashRepo::originals_of(tx, owner);
        }));
    const std::string& bin = ctx().config.files.trash_dir_name;
    TRY(auto items,
        access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<std::vector<TrashItem>> {
            CHECK_OK(purge_expired(owner, files));
            TRY(UniqueFd trash, open_trash(files, bin));
            std::vector<TrashItem> out;
            CHECK_OK(fs::for_each_name(trash.get(), [&](const char* name) -> Result<void> {
                auto parsed = parse_trash_name(name);
                if (!parsed) return Ok{};
                auto found = fs::lstat_at(trash.get(), name);
                if (!found) return Ok{};
                const struct stat& st = *found;
                TrashItem item;
                item.trash_path = name;
                auto known = originals.find(name);
                item.original_path = known != originals.end() ? known->second : parsed->first;
                item.name = fs::split_parent(item.original_path).second;
                item.is_dir = S_ISDIR(st.st_mode);
                item.size = st.st_size;
                item.deleted_at_ns = parsed->second;
                item.deleted_at = local_datetime(parsed->second / 1'000'000'000LL);
                out.push_back(std::move(item));
                return Ok{};
            }));
            return out;
        }));
    std::sort(items.begin(), items.end(), [](const TrashItem& a, const TrashItem& b) {
        return a.deleted_at_ns > b.deleted_at_ns;
    });
    // Rows of items no longer in the bin (purged, or removed by other means).
    std::set<std::string> present;
    for (const auto& i : items) present.insert(i.trash_path);
    std::vector<std::string> stale;
    for (const auto& [name, path] : originals)
        if (!present.count(name)) stale.push_back(name);
    if (!stale.empty()) {
        CHECK_OK(ctx().db.write([&](WriteTx& tx) -> Result<void> {
            for (const auto& name : stale) FileTrashRepo::remove(tx, owner, name);
            return Ok{};
        }));
    }
    return items;
}

Result<void> FileTrash::restore(const Caller& c, const OwnerField& owner_field,
                                const std::string& trash_path, fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    if (trash_path.empty()) return validation("Trash path is required");
    CHECK_OK(fs::check_name(trash_path, "Trash path"));
    auto parsed = parse_trash_name(trash_path);
    if (!parsed) return validation("Trash path is not an item of the recycle bin");
    std::string original = parsed->first;
    bool had_row = false;
    CHECK_OK(ctx().db.read([&](const ReadTx& tx) -> Result<void> {
        if (auto row = FileTrashRepo::original_of(tx, owner, trash_path)) {
            original = std::move(*row);
            had_row = true;
        }
        return Ok{};
    }));
    // The original path is checked like any request path: a crafted name
    // ("_bt_.._bt_x") or a row cannot lead anywhere a request could not.
    TRY(std::string rel, access_.parse(original, "Original path"));
    if (rel.empty()) return validation("Trash item has no original path");
    const std::string& bin = ctx().config.files.trash_dir_name;
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd trash, open_trash(files, bin));
        if (!fs::lstat_at(trash.get(), trash_path)) return not_found("Trash item not found");
        if (ow == fs::Overwrite::no && files.exists(rel))
            return conflict("A file already exists at " + original +
                            " (restore with overwrite:true to replace it)");
        auto parent = fs::split_parent(rel).first;
        if (!parent.empty()) CHECK_OK(files.mkdir(parent, fs::Parents::yes));
        auto moved = files.rename(bin + "/" + trash_path, rel, ow);
        if (!moved && moved.error().code == Code::conflict)
            return conflict("A file already exists at " + original +
                            " (restore with overwrite:true to replace it)");
        return moved;
    }));
    if (!had_row) return Ok{};
    return ctx().db.write([&](WriteTx& tx) -> Result<void> {
        FileTrashRepo::remove(tx, owner, trash_path);
        return Ok{};
    });
}

Result<int64_t> FileTrash::empty(const Caller& c, const OwnerField& owner_field) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(auto originals,
        ctx().db.read([&](const ReadTx& tx) -> Result<std::map<std::string, std::string>> {
            return FileTrashRepo::originals_of(tx, owner);
        }));
    const std::string& bin = ctx().config.files.trash_dir_name;
    TRY(int64_t n, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<int64_t> {
        TRY(UniqueFd trash, open_trash(files, bin));
        int64_t count = 0;
        std::vector<std::pair<std::string, int64_t>> gone;  // original, deleted at
        CHECK_OK(fs::for_each_name(trash.get(), [&](const char* name) -> Result<void> {
            const int64_t freed = tree_bytes(files, bin + "/" + name);
            CHECK_OK(fs::remove_at(trash.get(), name, "recycle bin item"));
            access_.grew(owner, -freed);
            ++count;
            if (auto parsed = parse_trash_name(name)) {
                auto known = originals.find(name);
                gone.emplace_back(known != originals.end() ? known->second : parsed->first,
                                  parsed->second);
            }
            return Ok{};
        }));
        for (const auto& [original, ns] : gone) forget_original(files, original, ns);
        return count;
    }));
    CHECK_OK(ctx().db.write([&](WriteTx& tx) -> Result<void> {
        FileTrashRepo::remove_all_of(tx, owner);
        return Ok{};
    }));
    return n;
}

Result<void> FileTrash::remove_item(const Caller& c, const OwnerField& owner_field,
                                    const std::string& trash_path) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    CHECK_OK(fs::check_name(trash_path, "Trash path"));
    if (!parse_trash_name(trash_path))
        return validation("Trash path is not an item of the recycle bin");
    std::string original = parse_trash_name(trash_path)->first;
    const int64_t deleted_ns = parse_trash_name(trash_path)->second;
    CHECK_OK(ctx().db.read([&](const ReadTx& tx) -> Result<void> {
        if (auto row = FileTrashRepo::original_of(tx, owner, trash_path)) original = *row;
        return Ok{};
    }));
    const std::string& bin = ctx().config.files.trash_dir_name;
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd trash, open_trash(files, bin));
        if (!fs::lstat_at(trash.get(), trash_path)) return not_found("Trash item not found");
        const int64_t freed = tree_bytes(files, bin + "/" + trash_path);
        CHECK_OK(fs::remove_at(trash.get(), trash_path, "recycle bin item"));
        access_.grew(owner, -freed);
        forget_original(files, original, deleted_ns);
        return Ok{};
    }));
    return ctx().db.write([&](WriteTx& tx) -> Result<void> {
        FileTrashRepo::remove(tx, owner, trash_path);
        return Ok{};
    });
}

int64_t FileTrash::count_items(const std::string& owner) {
    // A home already gone counts none.
    int64_t items = 0;
    const std::string& bin = ctx().config.files.trash_dir_name;
    (void)access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd trash, files.open_dir(bin));
        return fs::for_each_name(trash.get(), [&](const char* name) -> Result<void> {
            if (parse_trash_name(name)) ++items;
            return Ok{};
        });
    });
    return items;
}

}  // namespace wsp
