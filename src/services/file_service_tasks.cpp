// FileService's asynchronous operations: validate now (same 4xx as the
// synchronous call), run later on the task pool (services/file_tasks.h).
#include "drivers/fs/archive.h"
#include "drivers/fs/user_path.h"
#include "services/file_service.h"
#include "services/file_service_fs.h"

namespace wsp {

using fs::to_user_path;

void FileService::remove_leftover(const std::string& owner, const std::string& dir,
                                  const std::string& temp) {
    (void)with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(Fd d, files.open_dir(dir));
        struct stat st {};
        if (::fstatat(d.get(), temp.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Ok{};
        return fs::remove_at(d.get(), temp, "leftover");
    });
}

Result<TaskView> FileService::compress_async(const Caller& c, const OwnerField& owner_field,
                                             const std::vector<std::string>& paths,
                                             const std::string& archive, fs::Overwrite ow) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(auto rels, parse_all(paths, "Paths"));
    TRY(std::string target, parse(archive, "Archive"));
    TRY(fs::ArchiveFormat format, fs::archive_format_of(fs::split_parent(target).second));
    (void)format;
    // In fs::compress's order, so the first problem gives the same answer.
    for (const auto& s : rels) {
        if (s.empty()) return validation("The home directory itself cannot be archived");
        if (target == s || target.starts_with(s + "/"))
            return validation("Archive cannot be inside a path being archived");
    }
    CHECK_OK(with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(auto dst, files.open_parent(target));
        struct stat st {};
        if (ow == fs::Overwrite::no &&
            ::fstatat(dst.first.get(), dst.second.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
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
        return with_fs(owner, [&](fs::ConfinedFs& files) {
            return fs::compress(files, rels, target, ow, &p);
        });
    };
    return tasks_->submit(std::move(job));
}

Result<TaskView> FileService::extract_async(const Caller& c, const OwnerField& owner_field,
                                            const std::string& archive,
                                            const std::string& destination, fs::Overwrite ow) {
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string source, parse(archive, "Archive"));
    std::string dest = fs::split_parent(source).first;
    if (!destination.empty()) {
        TRY(dest, parse(destination, "Destination"));
    }
    CHECK_OK(with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(Fd in, files.open_regular(source));
        if (!files.exists(dest)) return Ok{};  // made by the extraction
        TRY(Fd d, files.open_dir(dest));
        return Ok{};
    }));
    const auto& cfg = ctx_.config.files;
    fs::ExtractLimits limits{cfg.max_extract_mb * 1024 * 1024, cfg.max_extract_entries,
                             cfg.max_extract_ratio};
    FileJob job;
    job.kind = "extract";
    job.owner = owner;
    job.temp_dir = dest;
    job.result_path = to_user_path(dest);
    job.run = [this, owner, source, dest, ow, limits](fs::Progress& p) {
        return with_fs(owner, [&](fs::ConfinedFs& files) {
            return fs::extract(files, source, dest, ow, limits, &p);
        });
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
    TRY(std::string owner, owner_of(c, owner_field));
    TRY(std::string from, parse(source, "Source"));
    TRY(std::string to, parse(destination, "Destination"));
    CHECK_OK(with_fs(
        owner, [&](fs::ConfinedFs& files) { return files.check_transfer(from, to, ow, name); }));
    FileJob job;
    job.kind = name;
    job.owner = owner;
    job.temp_dir = fs::split_parent(to).first;
    job.result_path = to_user_path(to);
    // A move is one rename on the same file system; a copy then a delete
    // across file systems (the part a task is for).
    job.run = [this, owner, from, to, ow, kind](fs::Progress& p) {
        return with_fs(owner, [&](fs::ConfinedFs& files) {
            return kind == TransferKind::copy ? files.copy(from, to, ow, &p)
                                              : files.rename(from, to, ow, &p);
        });
    };
    return tasks_->submit(std::move(job));
}

}  // namespace wsp
