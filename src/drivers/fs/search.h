#pragma once
// Search beneath a directory of the home: by name (substring, or a glob when
// the query has * ? or [), optionally only files whose text contains a
// string. Never follows a symlink (links are matched by name, not entered),
// skips special files and multiply linked files for content, and stops at a
// result limit or a time budget, saying which.
#include <chrono>
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/fs/confined_fs.h"

namespace wsp::fs {

struct SearchQuery {
    std::string name;     // "" = any name (then `content` is required)
    std::string content;  // "" = no content filter
    bool case_sensitive = false;
    size_t limit = 100;
    std::chrono::milliseconds budget{10000};
    int64_t max_content_bytes = 10 * 1024 * 1024;  // larger files are not read
    std::vector<std::string> skip_top;             // top-level names never entered
};

struct SearchHit {
    std::string rel;  // relative to the home
    Entry entry;
};

struct SearchResult {
    std::vector<SearchHit> hits;
    bool truncated = false;
    std::string stopped_by;  // "limit" | "time" | ""
};

Result<SearchResult> search(const ConfinedFs& files, const std::string& dir,
                            const SearchQuery& query);

}  // namespace wsp::fs
