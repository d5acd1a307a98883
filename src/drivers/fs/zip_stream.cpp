#include "drivers/fs/zip_stream.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "drivers/archive_library.h"
#include "drivers/fs/act_as.h"
#include "drivers/fs/confined_fs.h"

namespace wsp::fs {
namespace {

constexpr size_t kReadSize = 256 * 1024;

}  // namespace

struct ZipStream::State {
    struct Level {
        UniqueFd dir;
        std::string prefix;  // entry name of this directory, with "/"
        std::vector<std::string> names;
        size_t next = 0;
    };
    uid_t uid;
    gid_t gid;
    archive* a = nullptr;
    std::vector<Level> stack;
    UniqueFd file;    // the file whose data is being added
    std::string out;  // written by libarchive, not yet pulled
    size_t out_pos = 0;
    std::vector<char> buf;
    bool closed = false;
    bool failed = false;

    static la_ssize_t on_write(archive*, void* self, const void* data, size_t n) {
        auto* st = static_cast<State*>(self);
        st->out.append(static_cast<const char*>(data), n);
        return static_cast<la_ssize_t>(n);
    }

    Result<void> open_level(UniqueFd dir, std::string prefix) {
        Level l;
        l.prefix = std::move(prefix);
        CHECK_OK(for_each_name(dir.get(), [&](const char* name) -> Result<void> {
            l.names.emplace_back(name);
            return Ok{};
        }));
        l.dir = std::move(dir);
        stack.push_back(std::move(l));
        return Ok{};
    }

    Result<void> header(const std::string& name, const struct stat& st, bool dir) {
        archive_entry* e = libarchive::archive_entry_new();
        libarchive::archive_entry_set_pathname(e, name.c_str());
        libarchive::archive_entry_set_filetype(e, dir ? AE_IFDIR : AE_IFREG);
        libarchive::archive_entry_set_perm(e, st.st_mode & 0777);
        libarchive::archive_entry_set_size(e, dir ? 0 : st.st_size);
        libarchive::archive_entry_set_mtime(e, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        int r = libarchive::archive_write_header(a, e);
        libarchive::archive_entry_free(e);
        if (r < ARCHIVE_WARN)
            return internal(std::string("zip header: ") + libarchive::archive_error_string(a));
        return Ok{};
    }

    // One step of work: some file data, or the next entry.
    Result<bool> step() {
        if (file.valid()) {
            ssize_t n = ::read(file.get(), buf.data(), buf.size());
            if (n < 0) {
                if (errno == EINTR) return true;
                return internal(std::string("zip read: ") + std::strerror(errno));
            }
            if (n == 0) {
                file = UniqueFd();
                return true;
            }
            if (libarchive::archive_write_data(a, buf.data(), static_cast<size_t>(n)) < 0)
                return internal(std::string("zip data: ") + libarchive::archive_error_string(a));
            return true;
        }
        while (!stack.empty() && stack.back().next >= stack.back().names.size()) stack.pop_back();
        if (stack.empty()) return false;
        Level& l = stack.back();
        const std::string name = l.names[l.next++];
        struct stat st {};
        if (::fstatat(l.dir.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return true;
        const std::string entry = l.prefix + name;
        if (S_ISDIR(st.st_mode)) {
            if (stack.size() > static_cast<size_t>(kMaxTreeDepth)) return too_deep();
            int d = ::openat(l.dir.get(), name.c_str(),
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (d < 0) return true;  // unreadable for the account: left out
            CHECK_OK(header(entry + "/", st, true));
            CHECK_OK(open_level(UniqueFd(d), entry + "/"));
            return true;
        }
        if (!S_ISREG(st.st_mode) || st.st_nlink > 1) return true;  // links, specials
        int f = ::openat(l.dir.get(), name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        if (f < 0) return true;
        UniqueFd opened(f);
        struct stat now {};
        if (::fstat(opened.get(), &now) != 0 || !S_ISREG(now.st_mode) || now.st_nlink > 1)
            return true;
        CHECK_OK(header(entry, now, false));
        file = std::move(opened);
        return true;
    }
};

ZipStream::ZipStream(UniqueFd dir, std::string top, uid_t uid, gid_t gid,
                     std::vector<std::string> skip_top)
    : s_(new State) {
    s_->uid = uid;
    s_->gid = gid;
    s_->buf.resize(kReadSize);
    s_->a = libarchive::archive_write_new();
    libarchive::archive_write_set_format_zip(s_->a);
    // Downloads favour speed: deflate at its fastest level.
    libarchive::archive_write_set_options(s_->a, "zip:compression-level=1");
    libarchive::archive_write_set_bytes_in_last_block(s_->a, 1);
    libarchive::archive_write_set_bytes_per_block(s_->a, 0);  // no padding, write as it comes
    if (libarchive::archive_write_open(s_->a, s_.get(), nullptr, &State::on_write, nullptr) !=
        ARCHIVE_OK)
        s_->failed = true;
    if (!s_->failed) {
        struct stat st {};
        ::fstat(dir.get(), &st);
        std::string prefix = top.empty() ? "" : top + "/";
        if (!prefix.empty() && !s_->header(prefix, st, true)) s_->failed = true;
        if (!s_->failed && !s_->open_level(std::move(dir), prefix)) s_->failed = true;
        if (!s_->failed) {
            auto& names = s_->stack.back().names;
            std::erase_if(names, [&](const std::string& n) {
                return std::find(skip_top.begin(), skip_top.end(), n) != skip_top.end();
            });
        }
    }
}

ZipStream::~ZipStream() {
    if (s_->a) libarchive::archive_write_free(s_->a);  // (closes it if still open)
}

Result<size_t> ZipStream::read(std::span<char> out) {
    State& s = *s_;
    if (s.failed) return internal("zip stream failed");
    ActAs as(s.uid, s.gid);
    if (!as.ok()) return internal("cannot take the account's identity for a zip download");
    while (s.out.size() - s.out_pos < out.size() && !s.closed) {
        auto more = s.step();
        if (!more) {
            s.failed = true;
            return more.error();
        }
        if (!*more) {
            if (libarchive::archive_write_close(s.a) != ARCHIVE_OK) {
                s.failed = true;
                return internal(std::string("zip close: ") + libarchive::archive_error_string(s.a));
            }
            s.closed = true;
        }
    }
    size_t n = std::min(out.size(), s.out.size() - s.out_pos);
    std::memcpy(out.data(), s.out.data() + s.out_pos, n);
    s.out_pos += n;
    if (s.out_pos == s.out.size()) {
        s.out.clear();
        s.out_pos = 0;
    } else if (s.out_pos > (1u << 20)) {
        s.out.erase(0, s.out_pos);
        s.out_pos = 0;
    }
    return n;
}

}  // namespace wsp::fs
