#include "system/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <system_error>

#include "base/secrets.h"

namespace wsp {
namespace {

// How often a fresh random temp name is tried when one already exists
// (only ever more than once if something else made exactly that name).
constexpr int kTempAttempts = 8;

Error errno_error(int err, const std::string& what) {
    return internal(what + ": " + std::system_category().message(err));
}

// Removes the temp file on every early return, so a failed write leaves no
// debris in the directory.
class UnlinkGuard {
  public:
    UnlinkGuard(int dir_fd, std::string name) : dir_fd_(dir_fd), name_(std::move(name)) {}
    UnlinkGuard(const UnlinkGuard&) = delete;
    UnlinkGuard& operator=(const UnlinkGuard&) = delete;
    ~UnlinkGuard() {
        if (!name_.empty()) ::unlinkat(dir_fd_, name_.c_str(), 0);
    }
    void dismiss() { name_.clear(); }

  private:
    int dir_fd_;
    std::string name_;
};

// A new file with a name nobody else has: O_EXCL, retried on a collision.
int create_temp(int dir_fd, std::string& name, UniqueFd& fd) {
    for (int i = 0; i < kTempAttempts; ++i) {
        name = temp_name("write");
        fd.reset(::openat(dir_fd, name.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (fd.valid()) return 0;
        if (errno != EEXIST) return errno;
    }
    return EEXIST;
}

int sync_dir_fd(int dir_fd) {
    UniqueFd dir(::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return errno == EACCES || errno == EPERM ? 0 : errno;
    return ::fsync(dir.get()) == 0 ? 0 : errno;
}

}  // namespace

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
    if (this != &o) reset(o.release());
    return *this;
}

void UniqueFd::reset(int fd) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
}

int UniqueFd::close() {
    if (fd_ < 0) return 0;
    return ::close(release());
}

int write_all(int fd, std::string_view bytes) {
    while (!bytes.empty()) {
        const ssize_t n = ::write(fd, bytes.data(), bytes.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        bytes.remove_prefix(static_cast<size_t>(n));
    }
    return 0;
}

Result<void> sync_dir(const std::filesystem::path& dir) {
    UniqueFd fd(::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!fd.valid()) return errno_error(errno, "cannot open directory " + dir.filename().string());
    if (::fsync(fd.get()) != 0) return errno_error(errno, "cannot sync " + dir.filename().string());
    return Ok{};
}

std::string temp_name(std::string_view tag) {
    return ".wsp-" + std::string(tag) + "-" + random_hex(8);
}

UniqueFd open_unnamed(int dir_fd, mode_t mode) {
    return UniqueFd(::openat(dir_fd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode));
}

bool unnamed_unsupported(int err) {
    // EISDIR: kernels older than O_TMPFILE read it as O_DIRECTORY.
    return err == EOPNOTSUPP || err == EISDIR || err == EINVAL;
}

int link_unnamed(int fd, int dir_fd, const std::string& name) {
    const std::string proc = "/proc/self/fd/" + std::to_string(fd);
    return ::linkat(AT_FDCWD, proc.c_str(), dir_fd, name.c_str(), AT_SYMLINK_FOLLOW) == 0 ? 0
                                                                                          : errno;
}

int replace_with_unnamed(int fd, int dir_fd, const std::string& name) {
    std::string temp;
    int e = EEXIST;
    for (int i = 0; i < kTempAttempts && e == EEXIST; ++i) {
        temp = temp_name("write");
        e = link_unnamed(fd, dir_fd, temp);
    }
    if (e != 0) return e;
    UnlinkGuard guard(dir_fd, temp);
    if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) return errno;
    guard.dismiss();
    return 0;
}

namespace {

// Owner, mode, content, on disk: the steps a new file takes before it gets
// its name, whichever way it was made.
int fill(int fd, std::string_view bytes, mode_t mode, const std::optional<FileOwner>& owner) {
    // Ownership first: fchown may clear mode bits, fchmod then sets them.
    if (owner && ::fchown(fd, owner->uid, owner->gid) != 0 && !owner->best_effort) return errno;
    if (::fchmod(fd, mode) != 0) return errno;
    if (int e = write_all(fd, bytes)) return e;
    // Data must be on disk before the name is: otherwise a crash could
    // persist the name pointing at an empty file.
    return ::fsync(fd) == 0 ? 0 : errno;
}

// The fallback without O_TMPFILE: a named temp renamed over `name`.
int write_through_named_temp(int dir_fd, const std::string& name, std::string_view bytes,
                             mode_t mode, const std::optional<FileOwner>& owner) {
    std::string temp;
    UniqueFd fd;
    if (int e = create_temp(dir_fd, temp, fd)) return e;
    UnlinkGuard guard(dir_fd, temp);
    if (int e = fill(fd.get(), bytes, mode, owner)) return e;
    // close() can be where a delayed write error (e.g. on NFS) surfaces.
    if (fd.close() != 0) return errno;
    if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) return errno;
    guard.dismiss();
    return 0;
}

}  // namespace

int write_file_atomic_at(int dir_fd, const std::string& name, std::string_view bytes, mode_t mode,
                         std::optional<FileOwner> owner) {
    UniqueFd fd = open_unnamed(dir_fd, 0600);
    if (!fd.valid()) {
        if (!unnamed_unsupported(errno)) return errno;
        if (int e = write_through_named_temp(dir_fd, name, bytes, mode, owner)) return e;
        return sync_dir_fd(dir_fd);
    }
    if (int e = fill(fd.get(), bytes, mode, owner)) return e;
    int e = link_unnamed(fd.get(), dir_fd, name);
    if (e == EEXIST) e = replace_with_unnamed(fd.get(), dir_fd, name);
    if (e != 0) return e;
    // close() can be where a delayed write error (e.g. on NFS) surfaces.
    if (fd.close() != 0) return errno;
    // The new name lives in the directory; sync it to make it durable.
    return sync_dir_fd(dir_fd);
}

Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                               mode_t mode, std::optional<FileOwner> owner) {
    const std::string name = path.filename().string();
    const std::filesystem::path parent = path.parent_path();
    UniqueFd dir(::open(parent.empty() ? "." : parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!dir.valid()) return errno_error(errno, "cannot write " + name);
    if (int e = write_file_atomic_at(dir.get(), name, bytes, mode, owner))
        return errno_error(e, "cannot write " + name);
    return Ok{};
}

}  // namespace wsp
