#include "drivers/fs/archive.h"

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <memory>
#include <optional>

#include "base/strings.h"
#include "drivers/archive_library.h"
#include "drivers/fs/fs_error.h"
#include "drivers/fs/gzip_pipe.h"
#include "drivers/fs/progress.h"
#include "drivers/fs/user_path.h"

namespace wsp::fs {
namespace {

struct ReadFree {
    void operator()(struct archive* a) const { libarchive::archive_read_free(a); }
};
struct WriteFree {
    void operator()(struct archive* a) const { libarchive::archive_write_free(a); }
};
struct EntryFree {
    void operator()(archive_entry* e) const { libarchive::archive_entry_free(e); }
};

Error archive_failure(struct archive* a, std::string_view what) {
    int e = libarchive::archive_errno(a);
    if (e == ENOSPC || e == EDQUOT) return errno_error(e, what);
    return validation("Archive is damaged or not in a supported format");
}

// ---- compress --------------------------------------------------------------

bool link_stays_inside(const std::string& link_rel, const std::string& target);

// One archive being written: the libarchive handle, whether it is a zip
// (which chooses store or deflate per entry), the task's progress hook, and
// one read buffer for every file.
struct Writer {
    struct archive* a = nullptr;
    bool zip = false;
    Progress* progress = nullptr;
    std::vector<char> buf = std::vector<char>(size_t{1} << 16);
};

// Hands `n` bytes of `w.buf` to the archive.
Result<void> put(Writer& w, size_t n, const std::string& what) {
    if (libarchive::archive_write_data(w.a, w.buf.data(), n) < 0)
        return errno_error(libarchive::archive_errno(w.a) ? libarchive::archive_errno(w.a) : EIO,
                           what);
    return step(w.progress, static_cast<int64_t>(n));
}

// Reads into w.buf until it is full or the file ends; how much it holds.
Result<size_t> fill(Writer& w, int fd, const std::string& what) {
    size_t got = 0;
    while (got < w.buf.size()) {
        ssize_t n = ::read(fd, w.buf.data() + got, w.buf.size() - got);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno_error(errno, what);
        }
        if (n == 0) break;
        got += static_cast<size_t>(n);
    }
    return got;
}

Result<void> write_data(Writer& w, int fd, const std::string& what) {
    for (;;) {
        TRY(size_t n, fill(w, fd, what));
        if (n == 0) return Ok{};
        CHECK_OK(put(w, n, what));
    }
}

// Files this large have their first block probed before a zip entry is
// written (smaller ones are simply deflated: the probe would cost more
// than it could save).
constexpr int64_t kStoreProbeMin = 256 * 1024;

// Whether a sample shrinks under fast deflate. Media and archives do not:
// zip(1) stores such entries too, but only after deflating them in vain;
// the probe decides from the first 64 KB for about 1 % of that time.
bool compresses(const char* p, size_t n) {
    thread_local std::vector<Bytef> out;
    uLongf out_len = compressBound(static_cast<uLong>(n));
    out.resize(out_len);
    if (compress2(out.data(), &out_len, reinterpret_cast<const Bytef*>(p), static_cast<uLong>(n),
                  1) != Z_OK)
        return true;
    return out_len < n - n / 20;  // at least 5 % smaller
}

// Adds `name` of `dir` as `entry_name`, recursively; never follows symlinks
// (they are stored as links), skips special files.
Result<void> add_entry(Writer& w, int dir, const std::string& name, const std::string& entry_name,
                       const std::string& user_path, int depth = 0) {
    struct archive* a = w.a;
    if (depth > kMaxTreeDepth) return too_deep();
    CHECK_OK(step(w.progress, 0, 1));
    struct stat st {};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0)
        return errno_error(errno, user_path);
    std::unique_ptr<archive_entry, EntryFree> e(libarchive::archive_entry_new());
    libarchive::archive_entry_set_pathname(e.get(), entry_name.c_str());
    libarchive::archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    libarchive::archive_entry_set_perm(e.get(), st.st_mode & 0777);
    if (S_ISLNK(st.st_mode)) {
        std::string target(4097, '\0');
        ssize_t n = ::readlinkat(dir, name.c_str(), target.data(), target.size());
        if (n < 0) return errno_error(errno, user_path);
        target.resize(static_cast<size_t>(n));
        // Kept only when it stays inside the archived tree (the rule
        // extraction applies too): the archive never carries a way out.
        if (!link_stays_inside(entry_name, target)) return Ok{};
        libarchive::archive_entry_set_filetype(e.get(), AE_IFLNK);
        libarchive::archive_entry_set_symlink(e.get(), target.c_str());
        if (libarchive::archive_write_header(a, e.get()) < ARCHIVE_WARN)
            return archive_failure(a, user_path);
        return Ok{};
    }
    if (S_ISDIR(st.st_mode)) {
        int d = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (d < 0) return errno_error(errno, user_path);
        UniqueFd sub(d);
        libarchive::archive_entry_set_filetype(e.get(), AE_IFDIR);
        if (libarchive::archive_write_header(a, e.get()) < ARCHIVE_WARN)
            return archive_failure(a, user_path);
        return for_each_name(sub.get(), [&](const char* child) {
            return add_entry(w, sub.get(), child, entry_name + "/" + child, user_path + "/" + child,
                             depth + 1);
        });
    }
    if (!S_ISREG(st.st_mode)) return Ok{};  // special files are not archived
    int f = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (f < 0) return errno_error(errno, user_path);
    UniqueFd in(f);
    if (::fstat(in.get(), &st) != 0) return errno_error(errno, user_path);
    if (!S_ISREG(st.st_mode)) return Ok{};
    if (st.st_nlink > 1)
        return validation("File has more than one hard link and is not archived: " + user_path);
    libarchive::archive_entry_set_filetype(e.get(), AE_IFREG);
    libarchive::archive_entry_set_size(e.get(), st.st_size);
    size_t first = 0;  // bytes already read into w.buf for the probe
    if (w.zip) {
        bool store = false;
        if (st.st_size >= kStoreProbeMin) {
            TRY(first, fill(w, in.get(), user_path));
            store = !compresses(w.buf.data(), first);
        }
        if (store)
            libarchive::archive_write_zip_set_compression_store(a);
        else
            libarchive::archive_write_zip_set_compression_deflate(a);
    }
    if (libarchive::archive_write_header(a, e.get()) < ARCHIVE_WARN)
        return archive_failure(a, user_path);
    if (first > 0) {
        CHECK_OK(put(w, first, user_path));
    }
    return write_data(w, in.get(), user_path);
}

// tar.gz is compressed by a GzipPipe instead of libarchive's filter (the
// caller opens the archive on it).
Result<void> set_format(struct archive* a, ArchiveFormat f) {
    int r = ARCHIVE_OK;
    if (f == ArchiveFormat::zip) {
        r = libarchive::archive_write_set_format_zip(a);
    } else {
        r = libarchive::archive_write_set_format_pax_restricted(a);
        if (r == ARCHIVE_OK && f == ArchiveFormat::tar_bz2)
            r = libarchive::archive_write_add_filter_bzip2(a);
        if (r == ARCHIVE_OK && f == ArchiveFormat::tar_xz)
            r = libarchive::archive_write_add_filter_xz(a);
        if (r == ARCHIVE_OK && f == ArchiveFormat::tar_zst)
            r = libarchive::archive_write_add_filter_zstd(a);
    }
    if (r != ARCHIVE_OK) return validation("This archive format is not available on this server");
    return Ok{};
}

la_ssize_t to_gzip(struct archive* a, void* pipe_ptr, const void* buf, size_t n) {
    auto* pipe = static_cast<GzipPipe*>(pipe_ptr);
    if (pipe->write(buf, n)) return static_cast<la_ssize_t>(n);
    libarchive::archive_set_error(a, pipe->error(), "gzip failed");  // ENOSPC stays a 413
    return -1;
}

// "a/b/c", "a/b/d" -> "a/b"; "x", "a/y" -> "".
std::string common_parent(const std::vector<std::string>& rels) {
    std::string common = split_parent(rels.front()).first;
    for (const auto& r : rels) {
        std::string p = split_parent(r).first;
        while (!common.empty() && !(p == common || p.starts_with(common + "/")))
            common = split_parent(common).first;
    }
    return common;
}

// ---- extract ---------------------------------------------------------------

// An entry's name made relative and plain: "./a//b/" -> "a/b". Absolute
// names and ".." are refused (the whole archive is).
Result<std::string> entry_path(const char* raw) {
    if (!raw) return validation("Archive has an entry without a name");
    std::string_view s(raw);
    if (s.starts_with("/") || s.find('\\') == 0)
        return validation("Archive has an entry with an absolute path");
    std::string out;
    size_t start = 0;
    while (start <= s.size()) {
        size_t end = s.find('/', start);
        if (end == std::string_view::npos) end = s.size();
        std::string_view seg = s.substr(start, end - start);
        start = end + 1;
        if (seg.empty() || seg == ".") continue;
        if (seg == "..")
            return validation("Archive entry leaves the destination: " +
                              std::string(s.substr(0, 200)));
        if (seg.size() > kMaxNameBytes)
            return validation("Archive entry has a name longer than 255 bytes");
        if (!out.empty()) out += '/';
        out.append(seg);
    }
    if (out.size() > kMaxPathBytes) return validation("Archive entry path is too long");
    return out;
}

// A symlink target is kept only when, read from the link's directory, it
// stays inside the extracted tree, and all its ".." come first: "a/.."
// is not "." when `a` is itself a link, so a ".." after a name could climb
// out through another link however the text counts. (extract() also
// resolves every link at the end, in the kernel.)
bool link_stays_inside(const std::string& link_rel, const std::string& target) {
    if (target.empty() || target.front() == '/') return false;
    int depth = 0;
    std::string parent = split_parent(link_rel).first;
    for (size_t i = 0; i <= parent.size() && !parent.empty();) {
        size_t j = parent.find('/', i);
        if (j == std::string::npos) j = parent.size();
        ++depth;
        i = j + 1;
    }
    size_t start = 0;
    bool named = false;
    while (start <= target.size()) {
        size_t end = target.find('/', start);
        if (end == std::string::npos) end = target.size();
        std::string_view seg(target.data() + start, end - start);
        start = end + 1;
        if (seg.empty() || seg == ".") continue;
        if (seg == "..") {
            if (named || --depth < 0) return false;
        } else {
            named = true;
            ++depth;
        }
    }
    return true;
}

// The directory that will hold `rel` beneath `root`, created as needed;
// every step is opened with O_NOFOLLOW, so an extracted symlink can never
// be walked through.
Result<std::pair<UniqueFd, std::string>> parent_in(int root, const std::string& rel,
                                                   const std::string& what) {
    auto [parent, leaf] = split_parent(rel);
    UniqueFd cur(::fcntl(root, F_DUPFD_CLOEXEC, 0));
    size_t start = 0;
    while (!parent.empty() && start <= parent.size()) {
        size_t end = parent.find('/', start);
        if (end == std::string::npos) end = parent.size();
        std::string seg = parent.substr(start, end - start);
        start = end + 1;
        if (::mkdirat(cur.get(), seg.c_str(), 0755) != 0 && errno != EEXIST)
            return errno_error(errno, what);
        int next =
            ::openat(cur.get(), seg.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0) {
            if (errno == ELOOP || errno == ENOTDIR)
                return validation("Archive entry leads through a symbolic link or a file: " + what);
            return errno_error(errno, what);
        }
        cur = UniqueFd(next);
    }
    return std::pair<UniqueFd, std::string>(std::move(cur), leaf);
}

struct Budget {
    ExtractLimits limits;
    int64_t archive_size = 0;
    int64_t bytes = 0;
    int64_t entries = 0;
    Progress* progress = nullptr;
    // The directory of the previous file entry, kept open: archives list
    // siblings together, so most entries skip the walk from the root. It was
    // reached with O_NOFOLLOW like any other, and a directory is never
    // replaced or removed during an extraction (a later entry of its name
    // fails or is dropped), so the fd stays the directory that path names.
    std::string cached_dir;
    UniqueFd cached_fd;

    // The task's progress: the archive's bytes read so far (its size is
    // the total), checked for cancellation after every block.
    Result<void> read_up_to(struct archive* a) {
        if (!progress) return Ok{};
        int64_t at = libarchive::archive_filter_bytes(a, -1);
        if (at > progress->bytes_done.load(std::memory_order_relaxed))
            progress->bytes_done.store(std::min(at, archive_size), std::memory_order_relaxed);
        return progress->check();
    }

    Result<void> add_bytes(int64_t n) {
        bytes += n;
        // The package's disk quota (services/disk_usage.h): 507.
        if (limits.room >= 0 && bytes > limits.room) return insufficient_storage(limits.room_error);
        if (limits.max_bytes > 0 && bytes > limits.max_bytes)
            return Error{Code::too_large, "Archive expands beyond the extraction limit (" +
                                              std::to_string(limits.max_bytes / (1024 * 1024)) +
                                              " MB)"};
        if (limits.max_ratio > 0 && bytes > (1 << 20) &&
            bytes / std::max<int64_t>(archive_size, 1) > limits.max_ratio)
            return Error{Code::too_large, "Archive expands more than " +
                                              std::to_string(limits.max_ratio) +
                                              " times its size (an archive bomb?)"};
        return Ok{};
    }
};

Result<void> extract_file(struct archive* a, int root, const std::string& rel, archive_entry* e,
                          Budget& budget) {
    auto [parent_rel, leaf] = split_parent(rel);
    if (budget.cached_fd.get() < 0 || budget.cached_dir != parent_rel) {
        budget.cached_fd = UniqueFd();
        TRY(auto parent, parent_in(root, rel, rel));
        budget.cached_fd = std::move(parent.first);
        budget.cached_dir = parent_rel;
    }
    const int dir = budget.cached_fd.get();
    // O_NOFOLLOW: never writes through a link. An earlier entry of the same
    // name (tar appends updates) is replaced, unless it is a directory.
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    int f = ::openat(dir, leaf.c_str(), flags, 0600);
    if (f < 0 && errno == EEXIST) {
        struct stat st {};
        if (::fstatat(dir, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
            ::unlinkat(dir, leaf.c_str(), 0);
        f = ::openat(dir, leaf.c_str(), flags, 0600);
    }
    if (f < 0) return errno_error(errno, rel);
    UniqueFd out(f);
    const void* buf = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
        int r = libarchive::archive_read_data_block(a, &buf, &size, &offset);
        if (r == ARCHIVE_EOF) break;
        if (r < ARCHIVE_WARN) return archive_failure(a, rel);
        CHECK_OK(budget.add_bytes(static_cast<int64_t>(size)));
        CHECK_OK(budget.read_up_to(a));
        const char* p = static_cast<const char*>(buf);
        while (size > 0) {
            ssize_t n = ::pwrite(out.get(), p, size, offset);
            if (n < 0) {
                if (errno == EINTR) continue;
                return errno_error(errno, rel);
            }
            p += n;
            size -= static_cast<size_t>(n);
            offset += n;
        }
    }
    if (::fchmod(out.get(), libarchive::archive_entry_perm(e) & 0777) != 0)
        return errno_error(errno, rel);
    return Ok{};
}

// A hard-link entry: a copy of an entry already extracted (the target
// name is checked like any entry, and opened without following links).
Result<void> extract_hardlink(int root, const std::string& rel, const char* target_raw,
                              Budget& budget) {
    TRY(std::string target, entry_path(target_raw));
    TRY(auto src_parent, parent_in(root, target, target));
    int s = ::openat(src_parent.first.get(), src_parent.second.c_str(),
                     O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (s < 0) return Ok{};  // the target is not in the archive (or not a file): dropped
    UniqueFd in(s);
    struct stat st {};
    if (::fstat(in.get(), &st) != 0 || !S_ISREG(st.st_mode)) return Ok{};
    CHECK_OK(budget.add_bytes(st.st_size));
    TRY(auto parent, parent_in(root, rel, rel));
    int f = ::openat(parent.first.get(), parent.second.c_str(),
                     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st.st_mode & 0777);
    if (f < 0) return errno_error(errno, rel);
    UniqueFd out(f);
    std::vector<char> buf(1 << 16);
    for (;;) {
        ssize_t n = ::read(in.get(), buf.data(), buf.size());
        if (n <= 0) break;
        if (::write(out.get(), buf.data(), static_cast<size_t>(n)) != n)
            return errno_error(errno, rel);
    }
    return Ok{};
}

Result<void> extract_all(struct archive* a, int root, Budget& budget) {
    archive_entry* e = nullptr;
    for (;;) {
        int r = libarchive::archive_read_next_header(a, &e);
        if (r == ARCHIVE_EOF) return Ok{};
        if (r < ARCHIVE_WARN) return archive_failure(a, "archive");
        CHECK_OK(step(budget.progress, 0, 1));
        CHECK_OK(budget.read_up_to(a));
        if (budget.limits.max_entries > 0 && ++budget.entries > budget.limits.max_entries)
            return Error{
                Code::too_large,
                "Archive has more than " + std::to_string(budget.limits.max_entries) + " entries"};
        const char* name = libarchive::archive_entry_pathname_utf8(e);
        if (!name) name = libarchive::archive_entry_pathname(e);
        TRY(std::string rel, entry_path(name));
        if (rel.empty()) continue;
        if (const char* hard = libarchive::archive_entry_hardlink(e)) {
            CHECK_OK(extract_hardlink(root, rel, hard, budget));
            continue;
        }
        switch (libarchive::archive_entry_filetype(e)) {
            case AE_IFDIR: {
                TRY(auto parent, parent_in(root, rel + "/x", rel));
                (void)parent;
                break;
            }
            case AE_IFREG:
                CHECK_OK(extract_file(a, root, rel, e, budget));
                break;
            case AE_IFLNK: {
                const char* target = libarchive::archive_entry_symlink(e);
                if (!target || !link_stays_inside(rel, target)) break;  // dropped
                TRY(auto parent, parent_in(root, rel, rel));
                if (::symlinkat(target, parent.first.get(), parent.second.c_str()) != 0 &&
                    errno != EEXIST)
                    return errno_error(errno, rel);
                break;
            }
            default:
                break;  // devices, FIFOs, sockets: never created
        }
    }
}

}  // namespace

Result<ArchiveFormat> archive_format_of(const std::string& name) {
    std::string n = to_lower(name);
    if (n.ends_with(".zip")) return ArchiveFormat::zip;
    if (n.ends_with(".tar")) return ArchiveFormat::tar;
    if (n.ends_with(".tar.gz") || n.ends_with(".tgz")) return ArchiveFormat::tar_gz;
    if (n.ends_with(".tar.bz2") || n.ends_with(".tbz2")) return ArchiveFormat::tar_bz2;
    if (n.ends_with(".tar.xz") || n.ends_with(".txz")) return ArchiveFormat::tar_xz;
    if (n.ends_with(".tar.zst") || n.ends_with(".tzst")) return ArchiveFormat::tar_zst;
    return validation(
        "Archive must end in .zip, .tar, .tar.gz, .tgz, .tar.bz2, .tar.xz or .tar.zst");
}

Result<void> compress(const ConfinedFs& files, const std::vector<std::string>& sources,
                      const std::string& archive, Overwrite ow, Progress* progress) {
    if (sources.empty()) return validation("Paths are required");
    if (archive.empty()) return validation("Archive is required");
    TRY(ArchiveFormat format, archive_format_of(split_parent(archive).second));
    for (const auto& s : sources) {
        if (s.empty()) return validation("The home directory itself cannot be archived");
        if (archive == s || archive.starts_with(s + "/"))
            return validation("Archive cannot be inside a path being archived");
    }
    TRY(auto dst, files.open_parent(archive));
    auto& [dir, leaf] = dst;
    struct stat st {};
    bool exists = ::fstatat(dir.get(), leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0;
    if (exists && ow == Overwrite::no)
        return conflict("Archive already exists: " + to_user_path(archive));
    const std::string common = common_parent(sources);
    const std::string tmp = temp_for(progress, "archive");
    int f = ::openat(dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0644);
    if (f < 0) return errno_error(errno, to_user_path(archive));
    UniqueFd out(f);
    auto built = [&]() -> Result<void> {
        // Declared before the archive: it must outlive archive_write_free.
        std::optional<GzipPipe> gzip;
        std::unique_ptr<struct archive, WriteFree> a(libarchive::archive_write_new());
        CHECK_OK(set_format(a.get(), format));
        int opened = ARCHIVE_OK;
        if (format == ArchiveFormat::tar_gz) {
            gzip.emplace(out.get());
            opened = libarchive::archive_write_open2(a.get(), &*gzip, nullptr, to_gzip, nullptr,
                                                     nullptr);
        } else {
            opened = libarchive::archive_write_open_fd(a.get(), out.get());
        }
        if (opened != ARCHIVE_OK) return archive_failure(a.get(), to_user_path(archive));
        Writer writer;
        writer.a = a.get();
        writer.zip = format == ArchiveFormat::zip;
        writer.progress = progress;
        if (progress) {
            // Totals first (a metadata walk), so percent means something.
            for (const auto& s : sources) {
                auto real = files.real_path(s);
                if (!real || real->empty()) continue;
                if (auto src = files.open_parent(*real))
                    measure_tree(src->first.get(), src->second, *progress);
            }
        }
        for (const auto& s : sources) {
            // A link given as a source is followed when it stays inside
            // (and refused when it leads out or nowhere).
            TRY(std::string real, files.real_path(s));
            if (real.empty()) return validation("The home directory itself cannot be archived");
            TRY(auto src, files.open_parent(real));
            struct stat top {};
            if (::fstatat(src.first.get(), src.second.c_str(), &top, AT_SYMLINK_NOFOLLOW) != 0)
                return errno_error(errno, to_user_path(s));
            if (!S_ISREG(top.st_mode) && !S_ISDIR(top.st_mode) && !S_ISLNK(top.st_mode))
                return validation("Not a regular file (special files are not archived): " +
                                  to_user_path(s));
            std::string entry = common.empty() ? s : s.substr(common.size() + 1);
            CHECK_OK(add_entry(writer, src.first.get(), src.second, entry, to_user_path(s)));
        }
        if (libarchive::archive_write_close(a.get()) != ARCHIVE_OK)
            return archive_failure(a.get(), to_user_path(archive));
        if (gzip) {
            if (int e = gzip->finish(); e != 0) return errno_error(e, to_user_path(archive));
        }
        if (::fsync(out.get()) != 0) return errno_error(errno, to_user_path(archive));
        return Ok{};
    }();
    if (built && ::renameat2(dir.get(), tmp.c_str(), dir.get(), leaf.c_str(),
                             exists ? 0 : RENAME_NOREPLACE) != 0)
        built = errno_error(errno, to_user_path(archive));
    if (!built) ::unlinkat(dir.get(), tmp.c_str(), 0);
    return built;
}

namespace {

// The first directory of `destination` that does not exist ("" if all do).
std::string first_missing(const ConfinedFs& files, const std::string& destination) {
    for (size_t end = 0; end != std::string::npos;) {
        end = destination.find('/', end + 1);
        std::string prefix = destination.substr(0, end);
        if (!files.exists(prefix)) return prefix;
    }
    return {};
}

Result<void> extract_opened(const ConfinedFs& files, UniqueFd in, const std::string& archive,
                            const std::string& destination, Overwrite ow,
                            const ExtractLimits& limits, Progress* progress);

}  // namespace

Result<void> extract(const ConfinedFs& files, const std::string& archive,
                     const std::string& destination, Overwrite ow, const ExtractLimits& limits,
                     Progress* progress) {
    TRY(UniqueFd in, files.open_regular(archive));
    // A destination that does not exist is made, as `unzip -d` does, and
    // removed again if the extraction fails (nothing half done).
    const std::string made = first_missing(files, destination);
    if (!made.empty()) CHECK_OK(files.mkdir(destination, Parents::yes));
    auto done = extract_opened(files, std::move(in), archive, destination, ow, limits, progress);
    if (!done && !made.empty()) (void)files.remove(made);
    return done;
}

namespace {

Result<void> extract_opened(const ConfinedFs& files, UniqueFd in, const std::string& archive,
                            const std::string& destination, Overwrite ow,
                            const ExtractLimits& limits, Progress* progress) {
    struct stat st {};
    if (::fstat(in.get(), &st) != 0) return errno_error(errno, to_user_path(archive));
    TRY(UniqueFd dest, files.open_dir(destination));
    const std::string tmp = temp_for(progress, "extract");
    if (::mkdirat(dest.get(), tmp.c_str(), 0700) != 0)
        return errno_error(errno, to_user_path(destination));
    auto discard = [&] { (void)remove_at(dest.get(), tmp, "extraction"); };
    int t = ::openat(dest.get(), tmp.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (t < 0) {
        discard();
        return errno_error(errno, to_user_path(destination));
    }
    UniqueFd root(t);
    Budget budget{limits, st.st_size};
    budget.progress = progress;
    if (progress) progress->bytes_total = st.st_size;
    auto done = [&]() -> Result<void> {
        std::unique_ptr<struct archive, ReadFree> a(libarchive::archive_read_new());
        libarchive::archive_read_support_format_zip(a.get());
        libarchive::archive_read_support_format_tar(a.get());
        libarchive::archive_read_support_format_7zip(a.get());
        libarchive::archive_read_support_format_rar(a.get());
        libarchive::archive_read_support_format_rar5(a.get());
        libarchive::archive_read_support_filter_all(a.get());
        if (libarchive::archive_read_open_fd(a.get(), in.get(), 1 << 20) != ARCHIVE_OK)
            return archive_failure(a.get(), to_user_path(archive));
        CHECK_OK(extract_all(a.get(), root.get(), budget));
        // Every link, resolved from the extraction's root by the kernel:
        // one that leaves it is removed (the text check above cannot see
        // a path through another link).
        TRY(auto dropped, drop_links_leaving(root.get()));
        log_dropped_links(dropped, "extract " + to_user_path(archive));
        return Ok{};
    }();
    if (!done) {
        discard();
        return done.error();
    }
    // All or nothing: conflicts are checked before anything moves.
    std::vector<std::string> names;
    CHECK_OK(for_each_name(root.get(), [&](const char* n) -> Result<void> {
        names.emplace_back(n);
        return Ok{};
    }));
    for (const auto& n : names) {
        struct stat existing {};
        if (ow == Overwrite::no &&
            ::fstatat(dest.get(), n.c_str(), &existing, AT_SYMLINK_NOFOLLOW) == 0) {
            discard();
            std::string where = destination.empty() ? n : destination + "/" + n;
            return conflict("Path already exists: " + to_user_path(where) +
                            " (extract with overwrite:true to replace it)");
        }
    }
    for (const auto& n : names) {
        if (::renameat2(root.get(), n.c_str(), dest.get(), n.c_str(), RENAME_NOREPLACE) == 0)
            continue;
        if (errno == EEXIST && ow == Overwrite::yes &&
            ::renameat2(root.get(), n.c_str(), dest.get(), n.c_str(), RENAME_EXCHANGE) == 0)
            continue;  // the old one is now in the temp dir, removed below
        int e = errno;
        discard();
        return errno_error(e, to_user_path(destination.empty() ? n : destination + "/" + n));
    }
    discard();
    if (limits.extracted) *limits.extracted = budget.bytes;
    return Ok{};
}

}  // namespace

}  // namespace wsp::fs
