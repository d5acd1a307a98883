#include "drivers/fs/search.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <deque>
#include <memory>

#include "drivers/fs/user_path.h"
#include "system/confined.h"

namespace wsp::fs {
namespace {

char lower(char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

void fold_in_place(char* p, size_t n) {
    for (size_t i = 0; i < n; ++i) p[i] = lower(p[i]);
}

bool is_glob(const std::string& q) {
    return q.find_first_of("*?[") != std::string::npos;
}

// The query prepared once: folded when case-insensitive, the glob flag.
struct Matcher {
    const SearchQuery& q;
    std::string name;  // folded unless case-sensitive
    bool glob = false;
    std::string folded;  // scratch for a folded candidate (no allocation per entry)

    explicit Matcher(const SearchQuery& query) : q(query), name(query.name) {
        glob = is_glob(name);
        if (!q.case_sensitive && !glob) fold_in_place(name.data(), name.size());
    }

    bool operator()(const char* candidate) {
        if (name.empty()) return true;
        if (glob)
            return ::fnmatch(name.c_str(), candidate, q.case_sensitive ? 0 : FNM_CASEFOLD) == 0;
        std::string_view c(candidate);
        if (q.case_sensitive) return c.find(name) != std::string_view::npos;
        folded.assign(c);
        fold_in_place(folded.data(), folded.size());
        return folded.find(name) != std::string::npos;
    }
};

// Streams the file looking for `needle` (already folded when insensitive)
// through one reused buffer, keeping needle-1 bytes between reads so a match
// across a boundary counts; stops at the size fstat gave (no read for EOF).
bool content_matches(int dir, const char* name, const SearchQuery& q, const std::string& needle,
                     std::vector<char>& buf) {
    int fd = ::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return false;
    UniqueFd in(fd);
    struct stat st {};
    if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink > 1 ||
        st.st_size > q.max_content_bytes || st.st_size < static_cast<off_t>(needle.size()))
        return false;
    const size_t overlap = needle.size() - 1;
    size_t keep = 0;
    off_t left = st.st_size;
    while (left > 0) {
        ssize_t n = ::read(in.get(), buf.data() + keep, buf.size() - keep);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        left -= n;
        if (!q.case_sensitive) fold_in_place(buf.data() + keep, static_cast<size_t>(n));
        size_t len = keep + static_cast<size_t>(n);
        if (::memmem(buf.data(), len, needle.data(), needle.size())) return true;
        keep = std::min(len, overlap);
        std::memmove(buf.data(), buf.data() + len - keep, keep);
    }
    return false;
}

Entry entry_of(const char* name, const struct stat& st) {
    Entry e;
    e.name = name;
    e.is_dir = S_ISDIR(st.st_mode);
    e.is_symlink = S_ISLNK(st.st_mode);
    e.size = st.st_size;
    e.mode = st.st_mode;
    e.uid = st.st_uid;
    e.mtime = st.st_mtim.tv_sec;
    return e;
}

}  // namespace

Result<SearchResult> search(const ConfinedFs& files, const std::string& dir, const SearchQuery& q) {
    const auto deadline = std::chrono::steady_clock::now() + q.budget;
    std::string needle = q.content;
    if (!q.case_sensitive) fold_in_place(needle.data(), needle.size());
    Matcher matches(q);
    std::vector<char> buf(size_t{1} << 17);
    SearchResult result;
    // Breadth first: shallow hits come first. Waiting directories are kept
    // as paths (not fds: a wide tree would exhaust them) found by a walk that
    // never follows links, and reopened from the home with openat2 refusing
    // every symlink, so one swapped in meanwhile is skipped, not followed.
    // Entries are typed by readdir's d_type: only matches (and the rare file
    // system without d_type) cost a stat, as with find(1).
    TRY(std::string start, files.real_path(dir));
    std::deque<std::string> queue{start};
    size_t seen = 0;
    while (!queue.empty() && result.stopped_by.empty()) {
        std::string rel = std::move(queue.front());
        queue.pop_front();
        auto opened = open_beneath(files.root(), rel, O_RDONLY | O_DIRECTORY, 0, Symlinks::refuse);
        if (!opened) continue;  // an unreadable directory is skipped
        DIR* d = ::fdopendir(opened->get());
        if (!d) continue;
        (void)opened->release();
        std::unique_ptr<DIR, int (*)(DIR*)> closer(d, ::closedir);
        const int fd = ::dirfd(d);
        while (struct dirent* de = ::readdir(d)) {
            const char* name = de->d_name;
            if (name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0))) continue;
            // The clock every 64 entries when only names are compared (still
            // within a few ms), at every entry when files are read.
            if (((++seen & 63) == 0 || !q.content.empty()) &&
                std::chrono::steady_clock::now() > deadline) {
                result.stopped_by = "time";
                break;
            }
            if (rel.empty() &&
                std::find(q.skip_top.begin(), q.skip_top.end(), name) != q.skip_top.end())
                continue;
            unsigned char type = de->d_type;
            struct stat st {};
            bool have_stat = false;
            if (type == DT_UNKNOWN) {
                if (::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
                have_stat = true;
                type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
            }
            if (type == DT_DIR) queue.push_back(rel.empty() ? std::string(name) : rel + "/" + name);
            if (!matches(name)) continue;
            if (!q.content.empty() &&
                (type != DT_REG || !content_matches(fd, name, q, needle, buf)))
                continue;
            if (!have_stat && ::fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
            if (result.hits.size() == q.limit) {
                result.stopped_by = "limit";  // one more than asked for: there is more
                break;
            }
            result.hits.push_back(
                {rel.empty() ? std::string(name) : rel + "/" + name, entry_of(name, st)});
        }
    }
    result.truncated = !result.stopped_by.empty();
    return result;
}

}  // namespace wsp::fs
