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

int write_file_atomic_at(int dir_fd, const std::string& name, std::string_view bytes, mode_t mode,
                         std::optional<FileOwner> owner) {
    std::string temp;
    UniqueFd fd;
    if (int e = create_temp(dir_fd, temp, fd)) return e;
    UnlinkGuard guard(dir_fd, temp);
    // Ownership first: fchown may clear mode bits, fchmod then sets them.
    if (owner && ::fchown(fd.get(), owner->uid, owner->gid) != 0 && !owner->best_effort)
        return errno;
    if (::fchmod(fd.get(), mode) != 0) return errno;
    if (int e = write_all(fd.get(), bytes)) return e;
    // Data must be on disk before the rename is: otherwise a crash could
    // persist the new name pointing at an empty file.
    if (::fsync(fd.get()) != 0) return errno;
    // close() can be where a delayed write error (e.g. on NFS) surfaces.
    if (fd.close() != 0) return errno;
    if (::renameat(dir_fd, temp.c_str(), dir_fd, name.c_str()) != 0) return errno;
    guard.dismiss();
    // The rename itself lives in the directory; sync it to make it durable.
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
