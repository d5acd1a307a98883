#pragma once
// One page of a list (issue 24: `?page=&per_page=` on the lists of
// per-account items). The store reads the page itself (LIMIT/OFFSET over a
// stable order), never the whole list.
#include <cstdint>
#include <vector>

namespace wsp {

// The largest page a client may ask for.
inline constexpr int64_t kMaxPerPage = 1000;
// per_page when a client gives `page` without it.
inline constexpr int64_t kDefaultPerPage = 50;

struct PageSpec {
    int64_t page = 1;      // 1-based
    int64_t per_page = 0;  // 0: the whole list (no paging asked for)

    bool whole() const { return per_page <= 0; }
    // SQLite's LIMIT (-1: none) and OFFSET.
    int64_t limit() const { return whole() ? -1 : per_page; }
    int64_t offset() const { return whole() ? 0 : (page - 1) * per_page; }
};

// A page of items and the size of the whole list.
template <class T>
struct Paged {
    std::vector<T> items;
    int64_t total = 0;
};

}  // namespace wsp
