#pragma once
// Turns `restic dump` output into a tar (or tar.gz) whose names are
// relative to a directory of the home, for downloads and for restores
// through the confined extraction (drivers/fs/archive.h). restic writes a
// directory as a tar with absolute names (without the leading '/') and a
// file as its bare bytes; both come out here as entries named from `strip`.
#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "drivers/fs/progress.h"

namespace wsp {

struct DumpShape {
    std::string path;   // absolute path in the snapshot
    std::string strip;  // absolute directory the names are made relative to
    bool is_file = false;
    int64_t file_size = 0;  // is_file
    uint32_t mode = 0644;   // is_file
};

// Copies the dump read from `in_fd` to `out_fd` as a tar, gzip-compressed
// when `gzip`. Entries outside `shape.path` are skipped.
Result<void> write_dump_tar(int in_fd, int out_fd, const DumpShape& shape, bool gzip,
                            fs::Progress* progress);

}  // namespace wsp
