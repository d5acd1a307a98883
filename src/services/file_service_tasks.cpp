// FileService's asynchronous operations: validate now (same 4xx as the
// synchronous call), run later on the task pool (services/file_tasks.h).
#include "drivers/fs/archive.h"
#include "drivers/fs/user_path.h"
#include "services/file_service.h"

namespace wsp {

using fs::to_user_path;

void FileService::remove_leftover(const std::string& owner, const std::string& dir,
                                  const std::string& temp) {
    (void)access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd d, files.open_dir(dir));
        if (!fs::lstat_at(d.get(), temp)) return Ok{};
        return fs::remove_at(d.get(), temp, "leftover");
    });
}

Result<TaskView> FileService::compress_async(const Caller& c, const OwnerField& owner_field,
                                             const std::vector<std::string>& paths,
                                             const std::string& archive, fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(auto rels, access_.parse_all(paths, "Paths"));
    TRY(std::string target, access_.parse(archive, "Archive"));
    TRY(fs::ArchiveFormat format, fs::archive_format_of(fs::split_parent(target).second));
    (void)format;
    // In fs::compress's order, so the first problem gives the same answer.
    for (const auto& s : rels) {
        if (s.empty()) return validation("The home directory itself cannot be archived");
        if (target == s || target.starts_with(s + "/"))
            return validation("Archive cannot be inside a path being archived");
    }
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(auto dst, files.open_parent(target));
        if (ow == fs::Overwrite::no && fs::lstat_at(dst.first.get(), dst.second))
            return conflict("Archive already exists: " + to_user_path(target));
        for (const auto& s : rels) {
            TRY(std::string real, files.real_path(s));
            if (real.empty()) return validation("The home directory itself cannot be archived");
            TRY(auto top, files.lstat(real));
            if (!S_ISREG(top.st_mode) && !S_ISDIR(top.st_mode) && !S_ISLNK(top.st_mode))
                return validation("Not a regular file (special files are not archived): " +
                                  to_user_path(s));
        }
        return Ok{};
    }));
    FileJob job;
    job.kind = "compress";
    job.owner = owner;
    job.temp_dir = fs::split_parent(target).first;
    job.result_path = to_user_path(target);
    job.run = [this, owner, rels, target, ow](fs::Progress& p) {
        return compress_within_quota(owner, rels, target, ow, &p);
    };
    return tasks_->submit(std::move(job));
}

Result<TaskView> FileService::extract_async(const Caller& c, const OwnerField& owner_field,
                                            const std::string& archive,
                                            const std::string& destination, fs::Overwrite ow) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string source, access_.parse(archive, "Archive"));
    std::string dest = fs::split_parent(source).first;
    if (!destination.empty()) {
        TRY(dest, access_.parse(destination, "Destination"));
    }
    CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd in, files.open_regular(source));
        if (!files.exists(dest)) return Ok{};  // made by the extraction
        TRY(UniqueFd d, files.open_dir(dest));
        return Ok{};
    }));
    // The room left under the quota as of now (another write meanwhile may
    // take some of it: the figure is close, not exact).
    TRY(fs::ExtractLimits limits, extract_limits(owner));
    FileJob job;
    job.kind = "extract";
    job.owner = owner;
    job.temp_dir = dest;
    job.result_path = to_user_path(dest);
    job.run = [this, owner, source, dest, ow, limits](fs::Progress& p) -> Result<void> {
        CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) {
            return fs::extract(files, source, dest, ow, limits, &p);
        }));
        access_.grew(owner, *limits.extracted);
        return Ok{};
    };
    return tasks_->submit(std::move(job));
}

Result<TaskView> FileService::copy_async(const Caller& c, const OwnerField& owner_field,
                                         const std::string& source, const std::string& destination,
                                         fs::Overwrite ow) {
    return transfer_async(c, owner_field, source, destination, ow, TransferKind::copy);
}

Result<TaskView> FileService::move_async(const Caller& c, const OwnerField& owner_field,
                                         const std::string& source, const std::string& destination,
                                         fs::Overwrite ow) {
    return transfer_async(c, owner_field, source, destination, ow, TransferKind::move);
}

Result<TaskView> FileService::transfer_async(const Caller& c, const OwnerField& owner_field,
                                             const std::string& source,
                                             const std::string& destination, fs::Overwrite ow,
                                             TransferKind kind) {
    const char* name = kind == TransferKind::copy ? "copy" : "move";
    TRY(std::string owner, access_.owner_of(c, owner_field));
    TRY(std::string from, access_.parse(source, "Source"));
    TRY(std::string to, access_.parse(destination, "Destination"));
    CHECK_OK(access_.with_fs(
        owner, [&](fs::ConfinedFs& files) { return files.check_transfer(from, to, ow, name); }));
    // A copy adds what it copies (checked now; a move adds nothing).
    int64_t bytes = 0;
    if (kind == TransferKind::copy) {
        TRY(bytes, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<int64_t> {
            return tree_bytes(files, from);
        }));
        CHECK_OK(access_.ensure_room(owner, bytes));
    }
    FileJob job;
    job.kind = name;
    job.owner = owner;
    job.temp_dir = fs::split_parent(to).first;
    job.result_path = to_user_path(to);
    // A move is one rename on the same file system; a copy then a delete
    // across file systems (the part a task is for).
    job.run = [this, owner, from, to, ow, kind, bytes](fs::Progress& p) -> Result<void> {
        CHECK_OK(access_.with_fs(owner, [&](fs::ConfinedFs& files) {
            return kind == TransferKind::copy ? files.copy(from, to, ow, &p)
                                              : files.rename(from, to, ow, &p);
        }));
        access_.grew(owner, bytes);
        return Ok{};
    };
    return tasks_->submit(std::move(job));
}

}  // namespace wsp
