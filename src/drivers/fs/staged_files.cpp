#include "drivers/fs/staged_files.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <unistd.h>

#include <cerrno>

#include "drivers/fs/fs_error.h"

namespace wsp::fs {

Result<void> check_free(int dir, const std::string& name, bool overwrite,
                        const std::string& user_path) {
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Ok{};
    if (!overwrite) return conflict("File already exists: " + user_path);
    if (S_ISDIR(st.st_mode)) return conflict("A directory exists at " + user_path);
    return Ok{};
}

Result<UniqueFd> create_exclusive(int dir, const std::string& name, const std::string& user_path) {
    UniqueFd fd(
        ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd.valid()) return errno_error(errno, user_path);
    return fd;
}

UniqueFd create_unnamed(int dir) {
    return open_unnamed(dir, 0600);
}

Result<void> place_unnamed(int fd, int dir, const std::string& name, bool overwrite,
                           const std::string& user_path) {
    int e = link_unnamed(fd, dir, name);
    if (e == EEXIST) {
        CHECK_OK(check_free(dir, name, overwrite, user_path));
        e = replace_with_unnamed(fd, dir, name);
    }
    if (e != 0) return errno_error(e, user_path);
    (void)::fsync(dir);
    return Ok{};
}

Result<UniqueFd> open_append(int dir, const std::string& name, const std::string& user_path) {
    UniqueFd fd(::openat(dir, name.c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return errno_error(errno, user_path);
    return fd;
}

Result<void> write_bytes(int fd, std::string_view data, const std::string& user_path) {
    if (int e = write_all(fd, data)) return errno_error(e, user_path);
    return Ok{};
}

Result<void> seal(int fd, mode_t mode, const std::string& user_path) {
    if (mode != 0 && ::fchmod(fd, mode) != 0) return errno_error(errno, user_path);
    if (::fsync(fd) != 0) return errno_error(errno, user_path);
    return Ok{};
}

Result<struct stat> stat_fd(int fd, const std::string& user_path) {
    struct stat st {};
    if (::fstat(fd, &st) != 0) return errno_error(errno, user_path);
    return st;
}

Result<void> chmod_at(int dir, const std::string& name, mode_t mode, const std::string& user_path) {
    if (::fchmodat(dir, name.c_str(), mode, 0) != 0) return errno_error(errno, user_path);
    return Ok{};
}

Result<void> place(int from_dir, const std::string& from, int to_dir, const std::string& name,
                   bool overwrite, const std::string& user_path) {
    if (::renameat2(from_dir, from.c_str(), to_dir, name.c_str(), RENAME_NOREPLACE) != 0) {
        const int e = errno;
        if (e != EEXIST) return errno_error(e, user_path);
        CHECK_OK(check_free(to_dir, name, overwrite, user_path));
        if (::renameat(from_dir, from.c_str(), to_dir, name.c_str()) != 0)
            return errno_error(errno, user_path);
    }
    (void)::fsync(to_dir);
    return Ok{};
}

void discard(int dir, const std::string& name) {
    ::unlinkat(dir, name.c_str(), 0);
}

}  // namespace wsp::fs
