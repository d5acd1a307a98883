#include "drivers/fs/progress.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "drivers/fs/confined_fs.h"

namespace wsp::fs {

Error cancelled_error() {
    return conflict("The task was cancelled");
}

Result<void> Progress::step(int64_t bytes, int64_t entries) {
    if (bytes) bytes_done.fetch_add(bytes, std::memory_order_relaxed);
    if (entries) entries_done.fetch_add(entries, std::memory_order_relaxed);
    return check();
}

Result<void> Progress::check() const {
    if (cancelled.load(std::memory_order_relaxed)) return cancelled_error();
    return Ok{};
}

std::string temp_for(const Progress* p, std::string_view tag) {
    if (p && !p->temp.empty()) return p->temp;
    return temp_name(tag);
}

void measure_tree(int dir, const std::string& name, Progress& p, int depth) {
    if (depth > kMaxTreeDepth || p.cancelled.load(std::memory_order_relaxed)) return;
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return;
    p.entries_total.fetch_add(1, std::memory_order_relaxed);
    if (S_ISREG(st.st_mode)) p.bytes_total.fetch_add(st.st_size, std::memory_order_relaxed);
    if (!S_ISDIR(st.st_mode)) return;
    int d = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (d < 0) return;
    UniqueFd sub(d);
    (void)for_each_name(sub.get(), [&](const char* child) -> Result<void> {
        measure_tree(sub.get(), child, p, depth + 1);
        return Ok{};
    });
}

}  // namespace wsp::fs
