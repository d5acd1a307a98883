#include "system/chown_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

namespace wsp {
namespace {

// Deep enough for any real site; deeper trees are refused rather than
// exhausting descriptors.
constexpr int kMaxDepth = 256;

struct Walk {
    uid_t from;
    uid_t to_uid;
    gid_t to_gid;
    dev_t dev;
    ChownTreeCounts counts;
};

bool take(const struct stat& st, const Walk& w) {
    if (st.st_uid != w.from) return false;
    return S_ISDIR(st.st_mode) || S_ISLNK(st.st_mode) || st.st_nlink <= 1;
}

Result<void> walk_dir(int dir_fd, Walk& w, int depth) {
    if (depth > kMaxDepth) return internal("directory tree too deep to change owners");
    int list_fd = ::dup(dir_fd);
    if (list_fd < 0) return internal("cannot read a directory to change owners");
    DIR* dir = ::fdopendir(list_fd);
    if (!dir) {
        ::close(list_fd);
        return internal("cannot read a directory to change owners");
    }
    // Names first: changing owners while readdir runs is fine, but
    // recursion keeps fewer descriptors open this way.
    std::vector<std::string> names;
    while (dirent* e = ::readdir(dir)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(dir);
    for (const auto& name : names) {
        struct stat st {};
        if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
        if (take(st, w)) {
            if (::fchownat(dir_fd, name.c_str(), w.to_uid, w.to_gid, AT_SYMLINK_NOFOLLOW) != 0)
                return internal("cannot change the owner of " + name);
            ++w.counts.changed;
        } else {
            ++w.counts.skipped;
        }
        if (!S_ISDIR(st.st_mode) || st.st_dev != w.dev) continue;
        int child = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (child < 0) continue;  // replaced meanwhile by something else
        auto r = walk_dir(child, w, depth + 1);
        ::close(child);
        if (!r.ok()) return r;
    }
    return Ok{};
}

}  // namespace

Result<ChownTreeCounts> chown_tree(int dir_fd, uid_t from, uid_t to_uid, gid_t to_gid) {
    struct stat st {};
    if (::fstat(dir_fd, &st) != 0 || !S_ISDIR(st.st_mode))
        return internal("cannot change owners: not a directory");
    Walk w{from, to_uid, to_gid, st.st_dev, {}};
    CHECK_OK(walk_dir(dir_fd, w, 0));
    // The top last: until it changes, a walk cut short is done again from
    // the start (its owner is how the caller knows who `from` is).
    if (st.st_uid == from) {
        if (::fchown(dir_fd, to_uid, to_gid) != 0) return internal("cannot change a home's owner");
        ++w.counts.changed;
    }
    return w.counts;
}

}  // namespace wsp
