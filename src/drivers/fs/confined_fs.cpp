#include "drivers/fs/confined_fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include <spdlog/spdlog.h>

#include "base/secrets.h"
#include "drivers/fs/fs_error.h"
#include "drivers/fs/progress.h"
#include "drivers/fs/user_path.h"
#include "system/file_io.h"

namespace wsp::fs {
namespace {

std::string user(const std::string& rel) {
    return to_user_path(rel);
}

Error err(const std::string& rel) {
    return errno_error(errno, user(rel));
}

// openat2 beneath `dir` (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, symlinks
// followed only while they stay beneath), as system/confined.h's
// open_beneath does, but keeping errno so the API error can say what went
// wrong (that one reports it as text).
Result<UniqueFd> beneath(int dir, const std::string& rel, int flags) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    const char* p = rel.empty() ? "." : rel.c_str();
    long fd;
    do {
        fd = ::syscall(SYS_openat2, dir, p, &how, sizeof how);
    } while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    if (fd < 0) return err(rel);
    return UniqueFd(static_cast<int>(fd));
}

std::string proc_path(int fd) {
    return "/proc/self/fd/" + std::to_string(fd);
}

Result<std::string> read_link(const std::string& path) {
    std::string buf(4096 + 1, '\0');
    ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size());
    if (n < 0 || static_cast<size_t>(n) >= buf.size()) return internal("readlink failed");
    buf.resize(static_cast<size_t>(n));
    return buf;
}

// Reopens an O_PATH fd for real I/O. The O_PATH fd pins the inode already
// checked, so the reopen cannot be redirected; the kernel checks the
// (account's) permissions on that inode.
Result<UniqueFd> reopen(const UniqueFd& path_fd, int flags, const std::string& rel) {
    int fd = ::open(proc_path(path_fd.get()).c_str(), flags | O_CLOEXEC);
    if (fd < 0) return err(rel);
    return UniqueFd(fd);
}

Result<void> write_all(int fd, std::string_view data, const std::string& rel) {
    if (int e = wsp::write_all(fd, data)) return errno_error(e, user(rel));
    return Ok{};
}

// Copies an open file's bytes; copy_file_range where the kernel can (no
// copy through user space, reflinks on file systems that have them). A task
// (`progress`) copies in 8 MB chunks so a cancel is seen within ~10 ms.
Result<void> copy_bytes(int in, int out, const std::string& rel, Progress* progress) {
    bool use_cfr = true;
    std::vector<char> buf;
    const size_t chunk = progress ? size_t{8} << 20 : size_t{1} << 30;
    for (;;) {
        if (use_cfr) {
            ssize_t n = ::copy_file_range(in, nullptr, out, nullptr, chunk, 0);
            if (n > 0) {
                CHECK_OK(step(progress, n));
                continue;
            }
            if (n == 0) return Ok{};
            if (errno == EINTR) continue;
            if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
                return err(rel);
            use_cfr = false;
            buf.resize(1 << 20);
        }
        ssize_t n = ::read(in, buf.data(), buf.size());
        if (n == 0) return Ok{};
        if (n < 0) {
            if (errno == EINTR) continue;
            return err(rel);
        }
        CHECK_OK(write_all(out, std::string_view(buf.data(), static_cast<size_t>(n)), rel));
        CHECK_OK(step(progress, n));
    }
}

bool is_special(mode_t m) {
    return !S_ISREG(m) && !S_ISDIR(m) && !S_ISLNK(m);
}

Error special_file(const std::string& rel) {
    return validation("Not a regular file (special files are not opened): " + user(rel));
}

Error multiply_linked(const std::string& rel) {
    return validation("File has more than one hard link and is not opened: " + user(rel));
}

struct DevIno {
    dev_t dev;
    ino_t ino;
};

bool inside(const std::string& real, const std::string& root_real) {
    return real == root_real ||
           (real.size() > root_real.size() && real.compare(0, root_real.size(), root_real) == 0 &&
            real[root_real.size()] == '/');
}

// Where a symlink leads, checked without reading anything there: an O_PATH
// open only names the inode, and its /proc link gives the real path.
bool link_stays_inside(int dir, const std::string& name, const std::string& root_real) {
    int fd = ::openat(dir, name.c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) return false;
    UniqueFd target(fd);
    auto real = read_link(proc_path(target.get()));
    return real && inside(*real, root_real);
}

// Recursive copy of `sname` in `sdir` to `dname` in `ddir`. Never follows a
// symlink: each step opens single names with O_NOFOLLOW from fds already
// held. `guard` is the copy's own top directory: meeting it in the source
// means the destination is inside the source.
Result<void> copy_at(int sdir, const std::string& sname, int ddir, const std::string& dname,
                     const std::string& rel, std::optional<DevIno>& guard,
                     const std::string& root_real, Progress* progress, int depth = 0) {
    if (depth > kMaxTreeDepth) return too_deep();
    CHECK_OK(step(progress, 0, 1));
    struct stat st {};
    if (::fstatat(sdir, sname.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return err(rel);
    if (guard && st.st_dev == guard->dev && st.st_ino == guard->ino)
        return validation("Cannot copy a directory into itself");
    if (S_ISLNK(st.st_mode)) {
        // Copied only when it leads somewhere inside the home: the panel
        // never makes a link to the outside (dangling ones are dropped too).
        if (!link_stays_inside(sdir, sname, root_real)) return Ok{};
        std::string target(4096 + 1, '\0');
        ssize_t n = ::readlinkat(sdir, sname.c_str(), target.data(), target.size());
        if (n < 0) return err(rel);
        target.resize(static_cast<size_t>(n));
        if (::symlinkat(target.c_str(), ddir, dname.c_str()) != 0) return err(rel);
        return Ok{};
    }
    if (S_ISREG(st.st_mode)) {
        int in_fd = ::openat(sdir, sname.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (in_fd < 0) return err(rel);
        UniqueFd in(in_fd);
        if (::fstat(in.get(), &st) != 0) return err(rel);
        if (!S_ISREG(st.st_mode)) return special_file(rel);
        if (st.st_nlink > 1) return multiply_linked(rel);
        int out_fd = ::openat(ddir, dname.c_str(),
                              O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out_fd < 0) return err(rel);
        UniqueFd out(out_fd);
        CHECK_OK(copy_bytes(in.get(), out.get(), rel, progress));
        if (::fchmod(out.get(), st.st_mode & 0777) != 0) return err(rel);
        return Ok{};
    }
    if (S_ISDIR(st.st_mode)) {
        int s = ::openat(sdir, sname.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (s < 0) return err(rel);
        UniqueFd src(s);
        if (::mkdirat(ddir, dname.c_str(), 0700) != 0) return err(rel);
        int d = ::openat(ddir, dname.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0) return err(rel);
        UniqueFd dst(d);
        if (!guard) {
            struct stat top {};
            if (::fstat(dst.get(), &top) != 0) return err(rel);
            guard = DevIno{top.st_dev, top.st_ino};
        }
        CHECK_OK(for_each_name(src.get(), [&](const char* name) -> Result<void> {
            return copy_at(src.get(), name, dst.get(), name, rel + "/" + name, guard, root_real,
                           progress, depth + 1);
        }));
        if (::fchmod(dst.get(), st.st_mode & 0777) != 0) return err(rel);
        return Ok{};
    }
    return Ok{};  // special files are skipped (docs/files.md)
}

// chmod of one inode held as an O_PATH fd (works for every file type,
// never through a symlink: the fd is the inode itself).
Result<void> chmod_fd(const UniqueFd& fd, mode_t mode, const std::string& rel) {
    if (::fchmodat(AT_FDCWD, proc_path(fd.get()).c_str(), mode, 0) != 0) return err(rel);
    return Ok{};
}

Result<void> chmod_tree(int dir, mode_t mode, const std::string& rel, int depth = 0) {
    if (depth > kMaxTreeDepth) return too_deep();
    return for_each_name(dir, [&](const char* name) -> Result<void> {
        std::string child_rel = rel + "/" + name;
        int p = ::openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (p < 0) return err(child_rel);
        UniqueFd child(p);
        struct stat st {};
        if (::fstat(child.get(), &st) != 0) return err(child_rel);
        if (S_ISLNK(st.st_mode) || is_special(st.st_mode)) return Ok{};
        if (S_ISREG(st.st_mode) && st.st_nlink > 1) return Ok{};
        if (S_ISDIR(st.st_mode)) {
            TRY(UniqueFd d, reopen(child, O_RDONLY | O_DIRECTORY, child_rel));
            CHECK_OK(chmod_tree(d.get(), mode, child_rel, depth + 1));
        }
        return chmod_fd(child, mode, child_rel);
    });
}

}  // namespace

Result<void> make_dir_at(int dir_fd, const std::string& name, mode_t mode, std::string_view what) {
    if (::mkdirat(dir_fd, name.c_str(), mode) != 0 && errno != EEXIST)
        return errno_error(errno, what);
    return Ok{};
}

std::optional<struct stat> lstat_at(int dir_fd, const std::string& name) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return std::nullopt;
    return st;
}

Result<void> for_each_name(int dir_fd, const std::function<Result<void>(const char*)>& f) {
    int dup = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dup < 0) return errno_error(errno, "directory");
    DIR* d = ::fdopendir(dup);
    if (!d) {
        ::close(dup);
        return errno_error(errno, "directory");
    }
    // Names first, then the work: the callback may remove entries.
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(d)) {
        std::string_view n = e->d_name;
        if (n != "." && n != "..") names.emplace_back(n);
    }
    int read_errno = errno;
    ::closedir(d);
    if (read_errno != 0) return errno_error(read_errno, "directory");
    for (const auto& n : names) CHECK_OK(f(n.c_str()));
    return Ok{};
}

Error too_deep() {
    return validation("Directory tree is too deep (more than 1024 levels)");
}

Result<void> remove_at(int dir_fd, const std::string& name, std::string_view what, int depth) {
    if (depth > kMaxTreeDepth) return too_deep();
    const std::string w(what);
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno_error(errno, w);
    if (S_ISDIR(st.st_mode)) {
        int d = ::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0) return errno_error(errno, w);
        UniqueFd dir(d);
        CHECK_OK(for_each_name(dir.get(), [&](const char* child) {
            return remove_at(dir.get(), child, w + "/" + child, depth + 1);
        }));
        if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0) return errno_error(errno, w);
        return Ok{};
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0) return errno_error(errno, w);
    return Ok{};
}

namespace {

// Does the link at `rel` lead out of `root`? Resolved by the kernel, so
// every link on the way counts, not only this one's text.
bool leaves_root(int root, const std::string& rel) {
    struct open_how how {};
    how.flags = O_PATH | O_CLOEXEC;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    long fd;
    do {
        fd = ::syscall(SYS_openat2, root, rel.c_str(), &how, sizeof how);
    } while (fd < 0 && (errno == EAGAIN || errno == EINTR));
    if (fd >= 0) {
        ::close(static_cast<int>(fd));
        return false;
    }
    return errno == EXDEV;
}

// `name` in `dir` is `rel` beneath root; walks without following links.
Result<void> drop_leaving_at(int root, int dir, const std::string& name, const std::string& rel,
                             std::vector<std::string>& dropped, int depth) {
    if (depth > kMaxTreeDepth) return too_deep();
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return err(rel);
    if (S_ISLNK(st.st_mode)) {
        if (leaves_root(root, rel)) {
            if (::unlinkat(dir, name.c_str(), 0) != 0) return err(rel);
            dropped.push_back(rel);
        }
        return Ok{};
    }
    if (!S_ISDIR(st.st_mode)) return Ok{};
    int d = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) return err(rel);
    UniqueFd sub(d);
    return for_each_name(sub.get(), [&](const char* child) {
        return drop_leaving_at(root, sub.get(), child, rel.empty() ? child : rel + "/" + child,
                               dropped, depth + 1);
    });
}

Error link_leads_out(const std::string& rel) {
    return validation("Symbolic link would lead out of the home from its new place: " + user(rel));
}

}  // namespace

void log_dropped_links(const std::vector<std::string>& dropped, std::string_view operation) {
    for (const auto& rel : dropped)
        spdlog::warn("files: {}: removed a symlink that leads out of the home: {}", operation,
                     user(rel));
}

Result<std::vector<std::string>> drop_links_leaving(int root) {
    std::vector<std::string> dropped;
    CHECK_OK(for_each_name(root, [&](const char* child) {
        return drop_leaving_at(root, root, child, child, dropped, 1);
    }));
    return dropped;
}

Result<std::vector<std::string>> drop_links_leaving(int root, int dir, const std::string& name,
                                                    const std::string& rel) {
    std::vector<std::string> dropped;
    CHECK_OK(drop_leaving_at(root, dir, name, rel, dropped, 0));
    return dropped;
}

Result<ConfinedFs> ConfinedFs::open(const std::string& home) {
    int fd = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return not_found("Home directory not found");
        return errno_error(errno, "/");
    }
    UniqueFd root(fd);
    TRY(std::string real, read_link(proc_path(root.get())));
    return ConfinedFs(std::move(root), std::move(real));
}

Result<UniqueFd> ConfinedFs::open_dir(const std::string& rel) const {
    return beneath(root(), rel, O_RDONLY | O_DIRECTORY);
}

Result<std::pair<UniqueFd, std::string>> ConfinedFs::open_parent(const std::string& rel) const {
    if (rel.empty()) return validation("This operation is not allowed on the home directory");
    auto [parent, leaf] = split_parent(rel);
    auto fd = beneath(root(), parent, O_PATH | O_DIRECTORY);
    if (!fd) return fd.error();
    return std::pair<UniqueFd, std::string>(std::move(*fd), leaf);
}

Result<struct stat> ConfinedFs::lstat(const std::string& rel) const {
    struct stat st {};
    if (rel.empty()) {
        if (::fstat(root(), &st) != 0) return err(rel);
        return st;
    }
    TRY(auto parent, open_parent(rel));
    if (::fstatat(parent.first.get(), parent.second.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return err(rel);
    return st;
}

Result<struct stat> ConfinedFs::stat(const std::string& rel) const {
    auto fd = beneath(root(), rel, O_PATH);
    if (!fd) return fd.error();
    struct stat st {};
    if (::fstat(fd->get(), &st) != 0) return err(rel);
    return st;
}

bool ConfinedFs::exists(const std::string& rel) const {
    return lstat(rel).ok();
}

Result<std::string> ConfinedFs::real_path(const std::string& rel) const {
    auto fd = beneath(root(), rel, O_PATH);
    if (!fd) return fd.error();
    TRY(std::string real, read_link(proc_path(fd->get())));
    if (real == root_real_) return std::string();
    if (inside(real, root_real_)) return real.substr(root_real_.size() + 1);
    return validation("Path leaves the home directory: " + user(rel));
}

Result<std::vector<Entry>> ConfinedFs::list(const std::string& rel) const {
    TRY(UniqueFd dir, open_dir(rel));
    std::vector<Entry> out;
    const std::string prefix = rel.empty() ? "" : rel + "/";
    CHECK_OK(for_each_name(dir.get(), [&](const char* name) -> Result<void> {
        struct stat st {};
        // Gone between readdir and stat: not listed.
        if (::fstatat(dir.get(), name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Ok{};
        Entry e;
        e.name = name;
        e.is_symlink = S_ISLNK(st.st_mode);
        e.is_dir = S_ISDIR(st.st_mode);
        e.size = st.st_size;
        e.mode = st.st_mode;
        e.uid = st.st_uid;
        e.mtime = st.st_mtim.tv_sec;
        if (e.is_symlink) {
            // The target is shown (and followed) only when it stays inside.
            auto real = real_path(prefix + name);
            if (real) {
                e.link_target = to_user_path(*real);
                if (auto target = stat(*real)) e.is_dir = S_ISDIR(target->st_mode);
            }
        }
        out.push_back(std::move(e));
        return Ok{};
    }));
    return out;
}

Result<UniqueFd> ConfinedFs::open_regular(const std::string& rel) const {
    TRY(UniqueFd pfd, beneath(root(), rel, O_PATH));
    struct stat st {};
    if (::fstat(pfd.get(), &st) != 0) return err(rel);
    if (S_ISDIR(st.st_mode)) return validation("Path is a directory: " + user(rel));
    if (!S_ISREG(st.st_mode)) return special_file(rel);
    if (st.st_nlink > 1) return multiply_linked(rel);
    return reopen(pfd, O_RDONLY | O_NONBLOCK, rel);
}

Result<std::string> ConfinedFs::read_file(const std::string& rel, int64_t max_bytes) const {
    auto pfd = beneath(root(), rel, O_PATH);
    if (!pfd) return pfd.error();
    struct stat st {};
    if (::fstat(pfd->get(), &st) != 0) return err(rel);
    if (S_ISDIR(st.st_mode)) return validation("Path is a directory: " + user(rel));
    if (!S_ISREG(st.st_mode)) return special_file(rel);
    if (st.st_nlink > 1) return multiply_linked(rel);
    auto too_large = [&] {
        return Error{Code::too_large, "File is too large to open in the editor (limit " +
                                          std::to_string(max_bytes / 1024) + " KB)"};
    };
    if (st.st_size > max_bytes) return too_large();
    TRY(UniqueFd fd, reopen(*pfd, O_RDONLY | O_NONBLOCK, rel));
    std::string content;
    content.resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    for (;;) {
        if (got == content.size()) content.resize(got + 4096);
        ssize_t n = ::read(fd.get(), content.data() + got, content.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return err(rel);
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
        if (got > static_cast<size_t>(max_bytes)) return too_large();  // grew meanwhile
    }
    content.resize(got);
    return content;
}

Result<std::string> ConfinedFs::write_file(const std::string& rel, std::string_view content) const {
    std::string target = rel;
    if (auto l = lstat(rel); l && S_ISLNK(l->st_mode)) {
        TRY(target, real_path(rel));
        if (target.empty()) return validation("Path is a directory: " + user(rel));
    }
    TRY(auto parent, open_parent(target));
    auto& [dir, leaf] = parent;
    mode_t mode = 0644;
    struct stat old {};
    bool existed = ::fstatat(dir.get(), leaf.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0;
    if (!existed && errno != ENOENT) return err(rel);
    if (existed) {
        if (S_ISDIR(old.st_mode)) return validation("Path is a directory: " + user(rel));
        if (!S_ISREG(old.st_mode)) return special_file(rel);
        if (old.st_nlink > 1) return multiply_linked(rel);
        mode = old.st_mode & 0777;
        // Replacing needs only the directory's permission; the file's own
        // must allow writing too (the editor honours a read-only file).
        int probe =
            ::openat(dir.get(), leaf.c_str(), O_WRONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (probe < 0) return err(rel);
        ::close(probe);
    }
    // The owner is the account already (we act as it); a group the old file
    // had is kept when the account may set it, else left as created.
    std::optional<FileOwner> group;
    if (existed) group = FileOwner{static_cast<uid_t>(-1), old.st_gid, /*best_effort=*/true};
    if (int e = write_file_atomic_at(dir.get(), leaf, content, mode, group))
        return errno_error(e, user(rel));
    return target;
}

Result<void> ConfinedFs::mkdir(const std::string& rel, Parents parents) const {
    if (rel.empty()) return conflict("Path already exists: /");
    if (parents == Parents::no) {
        TRY(auto parent, open_parent(rel));
        if (::mkdirat(parent.first.get(), parent.second.c_str(), 0755) != 0) return err(rel);
        return Ok{};
    }
    std::string prefix;
    size_t start = 0;
    while (start <= rel.size()) {
        size_t end = rel.find('/', start);
        if (end == std::string::npos) end = rel.size();
        prefix = rel.substr(0, end);
        TRY(auto parent, open_parent(prefix));
        if (::mkdirat(parent.first.get(), parent.second.c_str(), 0755) != 0 && errno != EEXIST)
            return err(prefix);
        // Whatever is there must be a directory (or a symlink to one inside).
        TRY(UniqueFd check, open_dir(prefix));
        start = end + 1;
    }
    return Ok{};
}

Result<void> ConfinedFs::remove(const std::string& rel) const {
    if (rel.empty()) return validation("Cannot delete the home directory");
    TRY(auto parent, open_parent(rel));
    return remove_at(parent.first.get(), parent.second, user(rel));
}

Result<void> ConfinedFs::rename(const std::string& from, const std::string& to, Overwrite ow,
                                Progress* progress) const {
    CHECK_OK(move_only(from, to, ow, progress));
    TRY(auto dst, open_parent(to));
    // What was moved may hold links that stayed inside where they were and
    // lead out from here: removed, the moved link itself included (the bin
    // moves links too, and a delete must not fail on one).
    TRY(auto dropped, drop_links_leaving(root(), dst.first.get(), dst.second, to));
    log_dropped_links(dropped, "move");
    return Ok{};
}

Result<void> ConfinedFs::move_only(const std::string& from, const std::string& to, Overwrite ow,
                                   Progress* progress) const {
    if (from.empty() || to.empty())
        return validation("This operation is not allowed on the home directory");
    if (from == to) return validation("Source and destination are the same");
    if (to.size() > from.size() && to.compare(0, from.size(), from) == 0 && to[from.size()] == '/')
        return validation("Cannot move a directory into itself");
    TRY(auto src, open_parent(from));
    TRY(auto dst, open_parent(to));
    struct stat st {};
    if (::fstatat(src.first.get(), src.second.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return err(from);
    auto map = [&](int e) -> Error {
        if (e == EINVAL) return validation("Cannot move a directory into itself");
        errno = e;
        return err(e == EEXIST || e == ENOTEMPTY ? to : from);
    };
    if (::renameat2(src.first.get(), src.second.c_str(), dst.first.get(), dst.second.c_str(),
                    RENAME_NOREPLACE) == 0)
        return Ok{};
    int e = errno;
    if (e == EXDEV) {
        // Another file system below the home: copy, then remove the source.
        CHECK_OK(copy(from, to, ow, progress));
        return remove(from);
    }
    if (e != EEXIST) return map(e);
    if (ow == Overwrite::no) return conflict("Destination already exists: " + user(to));
    // Swap atomically, then delete what was at the destination (now at the
    // source's name): readers never see the destination missing.
    if (::renameat2(src.first.get(), src.second.c_str(), dst.first.get(), dst.second.c_str(),
                    RENAME_EXCHANGE) != 0)
        return map(errno);
    return remove_at(src.first.get(), src.second, user(from));
}

Result<void> ConfinedFs::check_transfer(const std::string& from, const std::string& to,
                                        Overwrite ow, std::string_view verb) const {
    if (from.empty() || to.empty())
        return validation("This operation is not allowed on the home directory");
    if (from == to) return validation("Source and destination are the same");
    if (to.size() > from.size() && to.compare(0, from.size(), from) == 0 && to[from.size()] == '/')
        return validation("Cannot " + std::string(verb) + " a directory into itself");
    TRY(auto src, open_parent(from));
    TRY(auto dst, open_parent(to));
    struct stat st {};
    if (::fstatat(src.first.get(), src.second.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return err(from);
    struct stat existing {};
    bool dest_exists =
        ::fstatat(dst.first.get(), dst.second.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0;
    if (dest_exists && ow == Overwrite::no)
        return conflict("Destination already exists: " + user(to));
    return Ok{};
}

Result<void> ConfinedFs::copy(const std::string& from, const std::string& to, Overwrite ow,
                              Progress* progress) const {
    CHECK_OK(check_transfer(from, to, ow, "copy"));
    TRY(auto src, open_parent(from));
    TRY(auto dst, open_parent(to));
    const std::string tmp = temp_for(progress, "copy");
    std::optional<DevIno> guard;
    if (progress) measure_tree(src.first.get(), src.second, *progress);
    auto copied = copy_at(src.first.get(), src.second, dst.first.get(), tmp, from, guard,
                          root_real_, progress);
    auto discard = [&] { (void)remove_at(dst.first.get(), tmp, user(to)); };
    if (copied) {
        // Links are copied as they are; from their new place some may lead
        // out (checked in the temp tree, before anything is in place).
        const std::string parent = split_parent(to).first;
        const std::string tmp_rel = parent.empty() ? tmp : parent + "/" + tmp;
        auto dropped = drop_links_leaving(root(), dst.first.get(), tmp, tmp_rel);
        if (!dropped)
            copied = dropped.error();
        else if (!dropped->empty() && dropped->front() == tmp_rel)
            copied = link_leads_out(to);  // the copy is that one link: refused
        else
            log_dropped_links(*dropped, "copy");
    }
    if (!copied) {
        discard();
        return copied.error();
    }
    if (::renameat2(dst.first.get(), tmp.c_str(), dst.first.get(), dst.second.c_str(),
                    RENAME_NOREPLACE) == 0)
        return Ok{};
    int e = errno;
    if (e == EEXIST && ow == Overwrite::yes &&
        ::renameat2(dst.first.get(), tmp.c_str(), dst.first.get(), dst.second.c_str(),
                    RENAME_EXCHANGE) == 0) {
        discard();  // the old destination, now under the temp name
        return Ok{};
    }
    e = errno;
    discard();
    if (e == EEXIST) return conflict("Destination already exists: " + user(to));
    return errno_error(e, user(to));
}

Result<void> ConfinedFs::chmod(const std::string& rel, mode_t mode, Recursive recursive) const {
    auto pfd = beneath(root(), rel, O_PATH);
    if (!pfd) return pfd.error();
    struct stat st {};
    if (::fstat(pfd->get(), &st) != 0) return err(rel);
    if (is_special(st.st_mode)) return special_file(rel);
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) return multiply_linked(rel);
    if (recursive == Recursive::yes && S_ISDIR(st.st_mode)) {
        TRY(UniqueFd dir, reopen(*pfd, O_RDONLY | O_DIRECTORY, rel));
        CHECK_OK(chmod_tree(dir.get(), mode, rel));
    }
    return chmod_fd(*pfd, mode & 0777, rel);
}

}  // namespace wsp::fs
