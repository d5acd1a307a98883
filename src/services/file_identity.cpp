// FileService::identify: which file a path names, for share links.
#include <sys/stat.h>

#include "drivers/fs/user_path.h"
#include "services/file_service.h"

namespace wsp {

Result<FileIdentity> FileService::identify(const Caller& c, const OwnerField& owner_field,
                                           const std::string& path) {
    TRY(std::string owner, access_.owner_of(c, owner_field));
    return identify_of(owner, path);
}

Result<FileIdentity> FileService::identify_of(const std::string& owner, const std::string& path) {
    TRY(std::string rel, access_.parse(path, "Path"));
    return access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<FileIdentity> {
        TRY(struct stat st, files.stat(rel));
        const bool is_dir = S_ISDIR(st.st_mode);
        if (!is_dir && !S_ISREG(st.st_mode))
            return validation("Path must be a regular file or a directory");
        // A second hard link may be a link to a file outside the home
        // (confined_fs.h): never shareable.
        if (!is_dir && st.st_nlink > 1) return validation("Path is a file with several hard links");
        return FileIdentity{fs::to_user_path(rel), is_dir, static_cast<int64_t>(st.st_dev),
                            static_cast<int64_t>(st.st_ino)};
    });
}

}  // namespace wsp
