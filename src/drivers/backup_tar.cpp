#include "drivers/backup_tar.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "drivers/archive_library.h"

namespace wsp {
namespace {

struct ReadCloser {
    void operator()(archive* a) const { libarchive::archive_read_free(a); }
};
struct WriteCloser {
    void operator()(archive* a) const { libarchive::archive_write_free(a); }
};
struct EntryFree {
    void operator()(archive_entry* e) const { libarchive::archive_entry_free(e); }
};

Error archive_error(archive* a, const char* what) {
    const char* m = libarchive::archive_error_string(a);
    return internal(std::string(what) + ": " + (m ? m : "unknown error"));
}

// "a/b/c" relative to "a/b" ("" when it is "a/b", nullopt when outside);
// both without a leading '/'.
std::optional<std::string> relative_to(std::string name, const std::string& base) {
    while (!name.empty() && name.back() == '/') name.pop_back();
    if (name == base) return std::string();
    if (base.empty()) return name;
    if (name.size() > base.size() && name.starts_with(base) && name[base.size()] == '/')
        return name.substr(base.size() + 1);
    return std::nullopt;
}

std::string without_slash(const std::string& p) {
    size_t i = 0;
    while (i < p.size() && p[i] == '/') ++i;
    std::string s = p.substr(i);
    while (!s.empty() && s.back() == '/') s.pop_back();
    return s;
}

}  // namespace

Result<void> write_dump_tar(int in_fd, int out_fd, const DumpShape& shape, bool gzip,
                            fs::Progress* progress) {
    const std::string strip = without_slash(shape.strip);
    const std::string path = without_slash(shape.path);
    auto top = relative_to(path, strip);
    if (!top) return internal("dump path is not below its base");
    std::unique_ptr<archive, WriteCloser> out(libarchive::archive_write_new());
    libarchive::archive_write_set_format_pax_restricted(out.get());
    if (gzip) libarchive::archive_write_add_filter_gzip(out.get());
    libarchive::archive_write_set_bytes_in_last_block(out.get(), 1);
    if (libarchive::archive_write_open_fd(out.get(), out_fd) != ARCHIVE_OK)
        return archive_error(out.get(), "tar writer");
    std::vector<char> buf(256 * 1024);

    if (shape.is_file) {
        std::unique_ptr<archive_entry, EntryFree> e(libarchive::archive_entry_new());
        libarchive::archive_entry_set_pathname(e.get(), top->c_str());
        libarchive::archive_entry_set_filetype(e.get(), AE_IFREG);
        libarchive::archive_entry_set_perm(e.get(), shape.mode & 0777);
        libarchive::archive_entry_set_size(e.get(), shape.file_size);
        if (libarchive::archive_write_header(out.get(), e.get()) != ARCHIVE_OK)
            return archive_error(out.get(), "tar writer");
        int64_t left = shape.file_size;
        while (left > 0) {
            ssize_t n = ::read(in_fd, buf.data(), std::min<size_t>(buf.size(), left));
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return internal("restic dump ended early");
            if (libarchive::archive_write_data(out.get(), buf.data(), static_cast<size_t>(n)) < 0)
                return archive_error(out.get(), "tar writer");
            left -= n;
            CHECK_OK(fs::step(progress, n));
        }
        if (libarchive::archive_write_close(out.get()) != ARCHIVE_OK)
            return archive_error(out.get(), "tar writer");
        return Ok{};
    }

    std::unique_ptr<archive, ReadCloser> in(libarchive::archive_read_new());
    libarchive::archive_read_support_format_tar(in.get());
    if (libarchive::archive_read_open_fd(in.get(), in_fd, 256 * 1024) != ARCHIVE_OK)
        return archive_error(in.get(), "restic dump");
    if (!top->empty()) {
        // restic leaves out the directory itself: made here, so an empty
        // directory comes back too.
        std::unique_ptr<archive_entry, EntryFree> e(libarchive::archive_entry_new());
        libarchive::archive_entry_set_pathname(e.get(), (*top + "/").c_str());
        libarchive::archive_entry_set_filetype(e.get(), AE_IFDIR);
        libarchive::archive_entry_set_perm(e.get(), 0755);
        if (libarchive::archive_write_header(out.get(), e.get()) != ARCHIVE_OK)
            return archive_error(out.get(), "tar writer");
    }
    archive_entry* entry = nullptr;
    for (;;) {
        int rc = libarchive::archive_read_next_header(in.get(), &entry);
        if (rc == ARCHIVE_EOF) break;
        if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return archive_error(in.get(), "restic dump");
        const char* raw = libarchive::archive_entry_pathname(entry);
        auto under_path = relative_to(raw ? raw : "", path);
        auto name = relative_to(raw ? raw : "", strip);
        if (!under_path || !name || name->empty()) {
            libarchive::archive_read_data_skip(in.get());
            continue;
        }
        libarchive::archive_entry_set_pathname(entry, name->c_str());
        if (const char* link = libarchive::archive_entry_hardlink(entry)) {
            auto target = relative_to(link, strip);
            if (!target) {
                libarchive::archive_read_data_skip(in.get());
                continue;
            }
            libarchive::archive_entry_set_hardlink(entry, target->c_str());
        }
        // Owners are the account's, whatever the snapshot says.
        libarchive::archive_entry_set_uid(entry, 0);
        libarchive::archive_entry_set_gid(entry, 0);
        libarchive::archive_entry_set_uname(entry, nullptr);
        libarchive::archive_entry_set_gname(entry, nullptr);
        if (libarchive::archive_write_header(out.get(), entry) != ARCHIVE_OK)
            return archive_error(out.get(), "tar writer");
        for (;;) {
            la_ssize_t n = libarchive::archive_read_data(in.get(), buf.data(), buf.size());
            if (n < 0) return archive_error(in.get(), "restic dump");
            if (n == 0) break;
            if (libarchive::archive_write_data(out.get(), buf.data(), static_cast<size_t>(n)) < 0)
                return archive_error(out.get(), "tar writer");
            CHECK_OK(fs::step(progress, n));
        }
        CHECK_OK(fs::step(progress, 0, 1));
    }
    if (libarchive::archive_write_close(out.get()) != ARCHIVE_OK)
        return archive_error(out.get(), "tar writer");
    return Ok{};
}

}  // namespace wsp
