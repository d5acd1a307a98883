#include "services/disk_usage.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "services/limits.h"
#include "system/file_io.h"

namespace wsp {
namespace {

struct Walk {
    dev_t device = 0;
    std::set<std::pair<dev_t, ino_t>> linked;  // files with more than one link, seen once
    int64_t bytes = 0;
};

// Adds the entries of the open directory `dir` (consumed), depth first.
// Entries that vanish or cannot be read are skipped: a figure, not a proof.
void walk_dir(int dir, Walk& w, int depth) {
    DIR* d = ::fdopendir(dir);
    if (!d) {
        ::close(dir);
        return;
    }
    std::vector<std::string> subdirs;
    while (dirent* e = ::readdir(d)) {
        const std::string_view name = e->d_name;
        if (name == "." || name == "..") continue;
        struct stat st {};
        if (::fstatat(::dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (st.st_dev != w.device) continue;  // another file system mounted inside
        if (!S_ISDIR(st.st_mode) && st.st_nlink > 1 &&
            !w.linked.insert({st.st_dev, st.st_ino}).second)
            continue;
        w.bytes += static_cast<int64_t>(st.st_blocks) * 512;
        if (S_ISDIR(st.st_mode)) subdirs.emplace_back(name);
    }
    // Opened one at a time after the listing: at most one descriptor per
    // level is open, however wide the tree.
    for (const auto& name : subdirs) {
        if (depth > 4096) break;
        int sub =
            ::openat(::dirfd(d), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) walk_dir(sub, w, depth + 1);
    }
    ::closedir(d);
}

}  // namespace

Result<int64_t> measure_tree(const std::filesystem::path& root) {
    int fd = ::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return int64_t{0};  // no home yet: nothing used
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return internal("cannot stat " + root.string());
    }
    Walk w;
    w.device = st.st_dev;
    w.bytes = static_cast<int64_t>(st.st_blocks) * 512;
    walk_dir(fd, w, 0);
    return w.bytes;
}

Result<int64_t> DiskUsage::bytes(const std::string& username) {
    const int64_t max_age = ctx_.config.files.disk_usage_max_age_s;
    std::shared_ptr<std::mutex> walk;
    {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(username);
        if (it != entries_.end() && ctx_.clock.now_unix() - it->second.measured_at < max_age)
            return it->second.bytes;
        auto& w = walks_[username];
        if (!w) w = std::make_shared<std::mutex>();
        walk = w;
    }
    std::lock_guard one_walk(*walk);
    {
        // Another request may have walked while this one waited.
        std::lock_guard lock(mutex_);
        auto it = entries_.find(username);
        if (it != entries_.end() && ctx_.clock.now_unix() - it->second.measured_at < max_age)
            return it->second.bytes;
    }
    TRY(int64_t measured, measure_tree(ctx_.identity.home_of(username)));
    std::lock_guard lock(mutex_);
    entries_[username] = {measured, ctx_.clock.now_unix()};
    return measured;
}

Result<DiskUsage::Room> DiskUsage::room(const std::string& username) {
    if (ctx_.identity.quota_state() == "enforced") return Room{};  // the kernel's quota
    TRY(int64_t quota_mb, ctx_.db.read([&](const ReadTx& tx) -> Result<int64_t> {
        return package_of(tx, username).disk_quota_mb;
    }));
    if (quota_mb < 0) return Room{};
    TRY(int64_t used, bytes(username));
    const int64_t used_mb = (used + (1 << 20) - 1) >> 20;
    return Room{std::max<int64_t>(0, quota_mb * 1024 * 1024 - used),
                "Disk quota exceeded: the package allows " + std::to_string(quota_mb) + " MB and " +
                    std::to_string(used_mb) + " MB are in use"};
}

Result<void> DiskUsage::ensure_room(const std::string& username, int64_t adding) {
    if (adding <= 0) return Ok{};
    TRY(Room r, room(username));
    if (r.bytes < 0 || adding <= r.bytes) return Ok{};
    const int64_t need_mb = (adding + (1 << 20) - 1) >> 20;
    return insufficient_storage(r.error + "; this needs " + std::to_string(need_mb) + " MB more");
}

void DiskUsage::add(const std::string& username, int64_t delta) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(username);
    if (it == entries_.end()) return;
    it->second.bytes = std::max<int64_t>(0, it->second.bytes + delta);
}

std::map<std::string, int64_t> DiskUsage::known() const {
    std::lock_guard lock(mutex_);
    std::map<std::string, int64_t> out;
    for (const auto& [name, e] : entries_) out[name] = e.bytes;
    return out;
}

}  // namespace wsp
