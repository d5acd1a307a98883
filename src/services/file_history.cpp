#include "services/file_history.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include "base/clock.h"
#include "base/secrets.h"
#include "drivers/fs/user_path.h"

namespace wsp {
namespace {

bool all_digits(std::string_view s) {
    return !s.empty() && s.size() <= 19 &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Version ids in the directory, oldest first.
Result<std::vector<std::string>> versions_in(fs::ConfinedFs& files, const std::string& dir) {
    std::vector<std::string> out;
    auto fd = files.open_dir(dir);
    if (!fd) {
        if (fd.error().code == Code::not_found) return out;
        return fd.error();
    }
    CHECK_OK(fs::for_each_name(fd->get(), [&](const char* name) -> Result<void> {
        if (all_digits(name)) out.emplace_back(name);
        return Ok{};
    }));
    std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
        return a.size() != b.size() ? a.size() < b.size() : a < b;
    });
    return out;
}

}  // namespace

void forget_history(fs::ConfinedFs& files, const std::string& history_dir,
                    const std::string& real_rel, int64_t before_ns) {
    if (real_rel.empty()) return;
    auto root = files.open_dir(history_dir);
    if (!root) return;
    std::vector<std::string> dirs;
    (void)fs::for_each_name(root->get(), [&](const char* name) -> Result<void> {
        dirs.emplace_back(name);
        return Ok{};
    });
    for (const auto& name : dirs) {
        const std::string dir = history_dir + "/" + name;
        auto named = files.read_file(dir + "/path", 64 * 1024);
        if (!named) continue;
        const std::string& path = *named;
        if (path != real_rel && !path.starts_with(real_rel + "/")) continue;
        auto versions = versions_in(files, dir);
        if (!versions) continue;
        size_t kept = 0;
        for (const auto& v : *versions) {
            if (std::stoll(v) < before_ns)
                (void)files.remove(dir + "/" + v);
            else
                ++kept;
        }
        if (kept == 0) (void)files.remove(dir);
    }
}

std::string FileHistory::history_dir_of(const std::string& real_rel) const {
    return ctx().config.files.history_dir_name + "/" + sha256_hex(real_rel);
}

Result<void> FileHistory::keep_version(fs::ConfinedFs& files, const std::string& real_rel,
                                       const std::string& previous) {
    const int64_t keep = ctx().config.files.history_versions;
    if (keep <= 0) return Ok{};
    const std::string dir = history_dir_of(real_rel);
    CHECK_OK(files.mkdir(dir, fs::Parents::yes));
    if (!files.exists(dir + "/path")) CHECK_OK(files.write_file(dir + "/path", real_rel));
    const int64_t ns = ctx().clock.now_ns();
    CHECK_OK(files.write_file(dir + "/" + std::to_string(ns), previous));
    TRY(auto versions, versions_in(files, dir));
    for (size_t i = 0; i + static_cast<size_t>(keep) < versions.size(); ++i)
        (void)files.remove(dir + "/" + versions[i]);
    return Ok{};
}

Result<std::vector<HistoryVersion>> FileHistory::list(const Caller& c,
                                                      const OwnerField& owner_field,
                                                      const std::string& path) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    return access_.with_fs(
        owner, [&](fs::ConfinedFs& files) -> Result<std::vector<HistoryVersion>> {
            TRY(std::string real, files.real_path(rel));
            TRY(auto st, files.stat(rel));
            if (!S_ISREG(st.st_mode)) return validation("Path is not a regular file: " + path);
            if (st.st_nlink > 1) return validation("File has more than one hard link: " + path);
            const std::string dir = history_dir_of(real);
            TRY(auto versions, versions_in(files, dir));
            std::vector<HistoryVersion> out;
            for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
                auto st = files.lstat(dir + "/" + *it);
                if (!st) continue;
                out.push_back(
                    {*it, st->st_size, local_datetime(std::stoll(*it) / 1'000'000'000LL)});
            }
            return out;
        });
}

Result<FileContent> FileHistory::read(const Caller& c, const OwnerField& owner_field,
                                      const std::string& path, const std::string& version) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string rel, access_.parse(path, "Path"));
    if (version.empty()) return validation("Version is required");
    if (!all_digits(version)) return validation("Version must be a version id from the history");
    const int64_t max = ctx().config.files.max_edit_kb * 1024;
    return access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<FileContent> {
        TRY(std::string real, files.real_path(rel));
        const std::string file = history_dir_of(real) + "/" + version;
        if (!files.exists(file)) return not_found("Version not found");
        TRY(std::string content, files.read_file(file, max));
        auto size = static_cast<int64_t>(content.size());
        return FileContent{std::move(content), fs::to_user_path(rel), size};
    });
}

}  // namespace wsp
