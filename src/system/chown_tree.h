#pragma once
// Hands a directory tree from one owner to another without following a
// single link: the walk opens every directory with openat(O_NOFOLLOW) from
// its parent's descriptor and changes owners with fchownat
// (AT_SYMLINK_NOFOLLOW), so a symlink planted in the tree is chowned
// itself, never what it points to. Used once per account when sandbox
// homes move from the old shared user to per-account uids.
#include <sys/types.h>

#include <cstdint>

#include "base/result.h"

namespace wsp {

struct ChownTreeCounts {
    int64_t changed = 0;
    // Left alone: owned by someone other than `from`, or a file with more
    // than one hard link (another name of it may lie outside the tree, e.g.
    // in another account's home, and must not become this account's).
    int64_t skipped = 0;
};

// Every entry beneath (and including) the directory `dir_fd` owned by
// `from` becomes owned by to_uid:to_gid. Does not leave the file system
// `dir_fd` is on. Idempotent: a second walk changes nothing.
Result<ChownTreeCounts> chown_tree(int dir_fd, uid_t from, uid_t to_uid, gid_t to_gid);

}  // namespace wsp
