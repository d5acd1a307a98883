#include "drivers/fs/fs_error.h"

#include <cerrno>
#include <cstring>
#include <string>

namespace wsp::fs {

Error errno_error(int err, std::string_view what) {
    const std::string w(what);
    switch (err) {
        case ENOENT:
            return not_found("Path not found: " + w);
        case EXDEV:
            // openat2 with RESOLVE_BENEATH: the path (or a symlink in it)
            // leads out of the home.
            return validation("Path leaves the home directory: " + w);
        case ELOOP:
            return validation(
                "Too many symbolic links, or a symbolic link where none is allowed: " + w);
        case ENOTDIR:
            return validation("A component of the path is not a directory: " + w);
        case EISDIR:
            return validation("Path is a directory: " + w);
        case EEXIST:
            return conflict("Path already exists: " + w);
        case ENOTEMPTY:
            return conflict("Directory is not empty: " + w);
        case EACCES:
        case EPERM:
            return forbidden("Permission denied: " + w);
        case ENAMETOOLONG:
            return validation("Path or name is too long: " + w);
        case ENOSPC:
        case EDQUOT:
            // The kernel quota or a full disk: 507, as the panel's own quota.
            return insufficient_storage(err == ENOSPC ? "No space left on the disk"
                                                      : "Disk quota exceeded");
        case EROFS:
            return forbidden("File system is read-only");
        case EINVAL:
            return validation("Invalid operation on " + w);
        case ETXTBSY:
        case EBUSY:
            return conflict("Path is busy: " + w);
        default:
            return internal("file operation on " + w + ": " + std::strerror(err));
    }
}

}  // namespace wsp::fs
