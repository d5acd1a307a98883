#pragma once
// The one file-I/O toolkit: the owning descriptor type and the atomic
// whole-file write every area uses (config files, secrets, certificates,
// journals). Nothing else in the code base writes a file "atomically".
#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace wsp {

// An owned file descriptor: closed when it goes out of scope.
class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    ~UniqueFd() { reset(); }
    UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
    UniqueFd& operator=(UniqueFd&& o) noexcept;
    UniqueFd(const UniqueFd&) = delete;
    UniqueFd& operator=(const UniqueFd&) = delete;

    int get() const { return fd_; }
    bool valid() const { return fd_ >= 0; }
    // Gives up ownership without closing.
    int release() {
        int f = fd_;
        fd_ = -1;
        return f;
    }
    // Closes now (if open).
    void reset(int fd = -1);
    // Closes now and reports the result: close() can be where a delayed
    // write error (e.g. on NFS) finally surfaces. 0 when nothing was open.
    int close();

  private:
    int fd_ = -1;
};

// Who a written file belongs to (fchown before it becomes visible). -1
// (as for fchown) leaves that id as created. `best_effort`: a refused
// fchown is ignored (keeping a group the writer may not be in).
struct FileOwner {
    uid_t uid;
    gid_t gid;
    bool best_effort = false;
};

// write(2) until every byte is written (short writes, EINTR). Returns 0 or
// the errno of the failed write.
[[nodiscard]] int write_all(int fd, std::string_view bytes);

// fsync of a directory: makes a rename or unlink inside it durable.
Result<void> sync_dir(const std::filesystem::path& dir);

// A random hidden name for temporaries: ".wsp-<tag>-<16 hex>".
std::string temp_name(std::string_view tag);

// Files with no name until they are complete (O_TMPFILE). A process killed
// before naming one leaves nothing in the directory: the kernel frees the
// inode with the last descriptor (issue 16: kill -9 during a write or an
// upload left `.wsp-write-*`/`.wsp-upload-*` files nobody removed).
// open_unnamed: an invalid fd and errno when it fails; unnamed_unsupported
// tells the errors of a file system without O_TMPFILE, for which callers
// fall back to a named temp.
UniqueFd open_unnamed(int dir_fd, mode_t mode);
bool unnamed_unsupported(int err);
// Names an unnamed file `name` in `dir_fd` (linkat through /proc/self/fd:
// AT_EMPTY_PATH would need CAP_DAC_READ_SEARCH). 0, EEXIST when the name is
// taken, or another errno.
[[nodiscard]] int link_unnamed(int fd, int dir_fd, const std::string& name);
// Names it `name`, replacing a file already there: linked under a random
// temp name, then renamed over `name` (a kill between those two calls is
// the only moment a temp file can be left). 0 or an errno; on failure the
// temp name is gone.
[[nodiscard]] int replace_with_unnamed(int fd, int dir_fd, const std::string& name);

// Replaces `path` with `bytes`: readers see the old file or the complete new
// one, never a prefix. The new file is written unnamed (above), owned
// (`owner`), chmodded (`mode`) and fsynced, then takes `path`'s name, and
// the directory is fsynced. Where the file system has no O_TMPFILE the temp
// file has a unique random name in the same directory instead (O_EXCL, mode
// 0600 until chmod), renamed over `path`. Concurrent writers of one path
// never share a temp. On failure nothing new is left and `path` is
// untouched.
Result<void> write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                               mode_t mode, std::optional<FileOwner> owner = std::nullopt);

// The same for `name` in the open directory `dir_fd` (may be an O_PATH fd),
// without following a symlink at `name`'s place in any step. Returns 0 or
// the errno of the step that failed, for callers that map errno to their
// own errors (the confined file-system driver). A directory the writer may
// not open for reading is not synced (the rename has happened by then).
[[nodiscard]] int write_file_atomic_at(int dir_fd, const std::string& name, std::string_view bytes,
                                       mode_t mode, std::optional<FileOwner> owner = std::nullopt);

}  // namespace wsp
