#include "drivers/fs/search.h"

#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <deque>

#include "drivers/fs/user_path.h"
#include "system/confined.h"

namespace wsp::fs {
namespace {

std::string fold(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool is_glob(const std::string& q) {
    return q.find_first_of("*?[") != std::string::npos;
}

bool name_matches(const std::string& name, const SearchQuery& q) {
    if (q.name.empty()) return true;
    if (is_glob(q.name))
        return ::fnmatch(q.name.c_str(), name.c_str(), q.case_sensitive ? 0 : FNM_CASEFOLD) == 0;
    if (q.case_sensitive) return name.find(q.name) != std::string::npos;
    return fold(name).find(fold(q.name)) != std::string::npos;
}

// Streams the file looking for `needle` (already folded when insensitive),
// keeping an overlap between chunks so a match across a boundary counts.
bool content_matches(int dir, const char* name, const SearchQuery& q, const std::string& needle) {
    int fd = ::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    Fd in(fd);
    struct stat st {};
    if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1 ||
        st.st_size > q.max_content_bytes)
        return false;
    std::string window;
    std::vector<char> buf(1 << 16);
    for (;;) {
        ssize_t n = ::read(in.get(), buf.data(), buf.size());
        if (n <= 0) return false;
        std::string chunk(buf.data(), static_cast<size_t>(n));
        if (!q.case_sensitive) chunk = fold(std::move(chunk));
        window += chunk;
        if (window.find(needle) != std::string::npos) return true;
        if (window.size() > needle.size()) window.erase(0, window.size() - needle.size());
    }
}

}  // namespace

Result<SearchResult> search(const ConfinedFs& files, const std::string& dir, const SearchQuery& q) {
    const auto deadline = std::chrono::steady_clock::now() + q.budget;
    const std::string needle = q.case_sensitive ? q.content : fold(q.content);
    SearchResult result;
    // Breadth first: shallow hits come first. Waiting directories are kept
    // as paths (not fds: a wide tree would exhaust them) found by a walk that
    // never follows links, and reopened from the home with openat2 refusing
    // every symlink, so one swapped in meanwhile is skipped, not followed.
    TRY(std::string start, files.real_path(dir));
    std::deque<std::string> queue{start};
    while (!queue.empty()) {
        std::string rel = std::move(queue.front());
        queue.pop_front();
        auto opened = open_beneath(files.root(), rel, O_RDONLY | O_DIRECTORY, 0, Symlinks::refuse);
        if (!opened) continue;
        Fd fd = std::move(*opened);
        auto walked = for_each_name(fd.get(), [&](const char* name) -> Result<void> {
            if (!result.stopped_by.empty()) return Ok{};
            if (std::chrono::steady_clock::now() > deadline) {
                result.stopped_by = "time";
                return Ok{};
            }
            if (rel.empty() &&
                std::find(q.skip_top.begin(), q.skip_top.end(), name) != q.skip_top.end())
                return Ok{};
            struct stat st {};
            if (::fstatat(fd.get(), name, &st, AT_SYMLINK_NOFOLLOW) != 0) return Ok{};
            std::string child = rel.empty() ? std::string(name) : rel + "/" + name;
            if (S_ISDIR(st.st_mode)) queue.push_back(child);
            if (!name_matches(name, q)) return Ok{};
            if (!q.content.empty() &&
                (!S_ISREG(st.st_mode) || !content_matches(fd.get(), name, q, needle)))
                return Ok{};
            Entry e;
            e.name = name;
            e.is_dir = S_ISDIR(st.st_mode);
            e.is_symlink = S_ISLNK(st.st_mode);
            e.size = st.st_size;
            e.mode = st.st_mode;
            e.uid = st.st_uid;
            e.mtime = st.st_mtim.tv_sec;
            if (result.hits.size() == q.limit) {
                result.stopped_by = "limit";  // one more than asked for: there is more
                return Ok{};
            }
            result.hits.push_back({child, std::move(e)});
            return Ok{};
        });
        if (!walked) continue;  // an unreadable directory is skipped
        if (!result.stopped_by.empty()) break;
    }
    result.truncated = !result.stopped_by.empty();
    return result;
}

}  // namespace wsp::fs
