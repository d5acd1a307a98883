// FileService::better_as_task: whether a compress, extract or copy is too
// big to hold a worker for (files.auto_async_mb). A worker held for
// minutes is a customer's share of the pool gone, and every neighbour's
// wait; a task runs on the task pool, capped per account.
#include <limits>

#include "services/file_service.h"

namespace wsp {
namespace {

// Entries looked at before the answer is "large" anyway: a tree of many
// small files costs a worker as surely as a few big ones.
constexpr int64_t kMaxEntriesLooked = 20000;

struct Tally {
    int64_t limit = 0;
    int64_t bytes = 0;
    int64_t entries = 0;
    int64_t max_entries = kMaxEntriesLooked;
    bool over() const { return bytes > limit || entries > max_entries; }
};

// Adds the regular files under `rel` (symlinks not followed), stopping as
// soon as the tally is over.
void add_tree(const fs::ConfinedFs& files, const std::string& rel, Tally& t) {
    auto entries = files.list(rel);
    if (!entries) return;
    for (const auto& e : *entries) {
        if (t.over()) return;
        ++t.entries;
        const std::string child = rel.empty() ? e.name : rel + "/" + e.name;
        if (e.is_symlink) continue;
        if (e.is_dir)
            add_tree(files, child, t);
        else
            t.bytes += e.size;
    }
}

}  // namespace

int64_t tree_bytes(const fs::ConfinedFs& files, const std::string& rel) {
    auto st = files.lstat(rel);
    if (!st) return 0;
    if (S_ISREG(st->st_mode)) return st->st_size;
    if (!S_ISDIR(st->st_mode)) return 0;
    Tally t{std::numeric_limits<int64_t>::max(), 0, 0, std::numeric_limits<int64_t>::max()};
    add_tree(files, rel, t);
    return t.bytes;
}

bool FileService::better_as_task(const Caller& c, const OwnerField& owner_field,
                                 const std::vector<std::string>& paths) {
    const int64_t mb = ctx().config.files.auto_async_mb;
    if (mb <= 0) return false;
    const int64_t bytes = mb * 1024 * 1024;
    auto owner = access_.owner_of(c, owner_field);
    if (!owner) return false;  // the operation itself gives the answer
    Tally t{bytes};
    (void)access_.with_fs(*owner, [&](fs::ConfinedFs& files) -> Result<void> {
        for (const auto& path : paths) {
            auto rel = access_.parse(path, "Path");
            if (!rel) continue;
            auto st = files.lstat(*rel);
            if (!st) continue;
            if (S_ISDIR(st->st_mode))
                add_tree(files, *rel, t);
            else if (S_ISREG(st->st_mode))
                t.bytes += st->st_size;
            if (t.over()) break;
        }
        return Ok{};
    });
    return t.over();
}

}  // namespace wsp
