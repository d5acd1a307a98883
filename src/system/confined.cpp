#include "system/confined.h"

#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wsp {

Result<UniqueFd> open_beneath(int dir_fd, const std::filesystem::path& relative, int flags,
                              mode_t mode, Symlinks symlinks) {
    struct open_how how {};
    how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
    how.mode = (flags & O_CREAT) ? mode : 0;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    if (symlinks == Symlinks::refuse) how.resolve |= RESOLVE_NO_SYMLINKS;
    std::string rel = relative.empty() ? std::string(".") : relative.string();
    long fd;
    do {
        fd = ::syscall(SYS_openat2, dir_fd, rel.c_str(), &how, sizeof how);
    } while (fd < 0 && errno == EAGAIN);
    if (fd < 0) return Error{Code::validation, std::strerror(errno)};
    return UniqueFd(static_cast<int>(fd));
}

Result<UniqueFd> open_dir(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return internal("cannot open directory " + path.filename().string());
    return UniqueFd(fd);
}

bool passes_through_symlink(const std::filesystem::path& home, const std::filesystem::path& rel) {
    int fd = ::open(home.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return errno == ELOOP || errno == ENOTDIR;
    UniqueFd cur(fd);
    for (const auto& part : rel) {
        const std::string name = part.string();
        if (name.empty() || name == "." || name == "/") continue;
        struct stat st {};
        if (::fstatat(cur.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
        if (S_ISLNK(st.st_mode)) return true;
        int next = ::openat(cur.get(), name.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) return false;
        cur = UniqueFd(next);
    }
    return false;
}

Result<void> make_dirs_beneath(int root_fd, const std::filesystem::path& relative, mode_t mode,
                               uid_t uid, gid_t gid) {
    UniqueFd current(::fcntl(root_fd, F_DUPFD_CLOEXEC, 0));
    for (const auto& part : relative.lexically_normal()) {
        std::string name = part.string();
        if (name.empty() || name == "." || name == "/") continue;
        if (name == "..") return validation("path leaves the home directory");
        bool created = ::mkdirat(current.get(), name.c_str(), mode) == 0;
        if (!created && errno != EEXIST) return internal("cannot create directory " + name);
        TRY(UniqueFd next, open_beneath(current.get(), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
        if (created && ::fchown(next.get(), uid, gid) != 0 && ::geteuid() == 0)
            return internal("cannot set the owner of " + name);
        current = std::move(next);
    }
    return Ok{};
}

}  // namespace wsp
