#include "system/resident_pages.h"

#include <sys/mman.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace wsp {
namespace {

struct Mapping {
    unsigned long start = 0, end = 0;
    bool candidate = false;  // read-only, file-backed
    size_t rss_kb = 0;
    size_t anon_kb = 0;
};

}  // namespace

ReleasedPages release_file_pages() {
    ReleasedPages out;
    std::FILE* f = std::fopen("/proc/self/smaps", "re");
    if (!f) return out;
    std::vector<Mapping> maps;
    char line[4096];
    while (std::fgets(line, sizeof line, f)) {
        unsigned long start = 0, end = 0;
        char perms[8] = {};
        unsigned long offset = 0, inode = 0;
        char dev[16] = {};
        int path_at = 0;
        if (std::sscanf(line, "%lx-%lx %7s %lx %15s %lu %n", &start, &end, perms, &offset, dev,
                        &inode, &path_at) >= 6 &&
            std::strchr(line, '-') < std::strchr(line, ' ')) {
            Mapping m;
            m.start = start;
            m.end = end;
            // A regular file (inode != 0, an absolute path), not writable,
            // private: text, read-only data.
            m.candidate = inode != 0 && perms[1] == '-' && perms[3] == 'p' && path_at > 0 &&
                          line[path_at] == '/';
            maps.push_back(m);
            continue;
        }
        if (maps.empty()) continue;
        size_t kb = 0;
        if (std::sscanf(line, "Rss: %zu kB", &kb) == 1)
            maps.back().rss_kb = kb;
        else if (std::sscanf(line, "Anonymous: %zu kB", &kb) == 1)
            maps.back().anon_kb = kb;
    }
    std::fclose(f);
    for (const Mapping& m : maps) {
        if (!m.candidate || m.anon_kb != 0 || m.rss_kb == 0) continue;
        if (::madvise(reinterpret_cast<void*>(m.start), m.end - m.start, MADV_DONTNEED) == 0) {
            ++out.mappings;
            out.kb += m.rss_kb;
        }
    }
    return out;
}

}  // namespace wsp
