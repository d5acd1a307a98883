#pragma once
// Path resolution that cannot leave a directory: openat2 with
// RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS (and, where asked, no symlinks
// at all). Every path that comes from a request goes through here.
#include <fcntl.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>

#include "base/result.h"
#include "system/file_io.h"

namespace wsp {

enum class Symlinks { follow_beneath, refuse };

// openat2(dir, relative, flags) confined beneath `dir`. Returns the raw
// errno on failure (callers turn it into an API error without host paths).
Result<UniqueFd> open_beneath(int dir_fd, const std::filesystem::path& relative, int flags,
                              mode_t mode = 0, Symlinks symlinks = Symlinks::refuse);

// Opens a directory by absolute path, refusing a symlink at its last step.
Result<UniqueFd> open_dir(const std::filesystem::path& path);

// Whether `rel` beneath `home` is, or passes through, a symbolic link (a
// missing part is not: it is created later without following anything).
// For tools that resolve paths by name themselves (ProFTPD's chroot), which
// would follow such a link anywhere.
bool passes_through_symlink(const std::filesystem::path& home, const std::filesystem::path& rel);

// mkdir -p of `relative` beneath `root_fd`; each created directory gets
// `mode` and is chowned to uid/gid. Existing directories are kept.
Result<void> make_dirs_beneath(int root_fd, const std::filesystem::path& relative, mode_t mode,
                               uid_t uid, gid_t gid);

}  // namespace wsp
