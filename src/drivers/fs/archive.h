#pragma once
// Archives (libarchive) built from and extracted into an account's home,
// through the confined layer only.
//
// Extraction is safe against the known tricks: every entry is written
// beneath a fresh temporary directory with openat2(RESOLVE_BENEATH |
// RESOLVE_NO_SYMLINKS) from that directory's fd, so absolute names, ".."
// and "symlink, then a file through it" cannot land anywhere else; symlinks
// whose target leaves the destination are dropped; hard links are copied
// from an entry already extracted (never linked to anything outside);
// devices, FIFOs and sockets are never created; setuid/setgid/sticky bits
// and owners are not restored. Sizes are bounded while writing (total bytes,
// entry count, expansion ratio): a bomb stops with 413 and the temporary
// directory is removed. Only a complete extraction is moved into place.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/fs/confined_fs.h"
#include "drivers/fs/progress.h"

namespace wsp::fs {

enum class ArchiveFormat { zip, tar, tar_gz, tar_bz2, tar_xz, tar_zst };

// By the name's extension; 400 for anything else.
Result<ArchiveFormat> archive_format_of(const std::string& name);

struct ExtractLimits {
    int64_t max_bytes = 0;    // total uncompressed bytes
    int64_t max_entries = 0;  // entries in the archive
    int64_t max_ratio = 0;    // uncompressed / archive size (once past 1 MB)
    // The room left under the account's disk quota (bytes; < 0: no quota)
    // and the 507 message when the extraction would pass it.
    int64_t room = -1;
    std::string room_error;
    // Set to the bytes extracted when the extraction succeeds.
    std::shared_ptr<int64_t> extracted;
};

// Writes the archive of `sources` (relative paths; entries named relative to
// their common parent) to `archive`, through a temp file renamed into place.
// With `progress`: totals measured first, then bytes read and entries added.
Result<void> compress(const ConfinedFs& files, const std::vector<std::string>& sources,
                      const std::string& archive, Overwrite ow, Progress* progress = nullptr);

// Extracts `archive` into the directory `destination`. Existing names are
// 409 (nothing extracted) unless `ow` is yes (they are replaced).
// With `progress`: the archive's bytes read (of its size) and entries done.
Result<void> extract(const ConfinedFs& files, const std::string& archive,
                     const std::string& destination, Overwrite ow, const ExtractLimits& limits,
                     Progress* progress = nullptr);

}  // namespace wsp::fs
