#pragma once
// Handing back the code pages only start-up used.
//
// Starting touches code that no request runs again (migrations, the start
// hooks, OpenSSL's and the libraries' initialisation), and the kernel maps
// 64 KB around every page touched (fault-around), so an idle panel kept
// ~10 MB of mapped binary and library pages, most of them start-up's.
// Those pages are clean copies of files still in the page cache: unmapping
// them frees nothing the next use cannot map again from the cache without
// a read. What requests use comes back on first touch, so the resident set
// after requests is the request path's, not start-up's
// (docs/benchmarks.md, "HTTP").
#include <cstddef>

namespace wsp {

struct ReleasedPages {
    size_t mappings = 0;  // mappings unmapped
    size_t kb = 0;        // their resident KB before
};

// Unmaps (madvise MADV_DONTNEED) the resident pages of every read-only
// file mapping of the process that holds no private (copied-on-write)
// page: code and read-only data of the binary and its libraries. Writable
// mappings, anonymous memory and any mapping with a private page (RELRO
// after relocation) are left alone, so no content can be lost.
ReleasedPages release_file_pages();

}  // namespace wsp
