#include "system/data_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "system/confined.h"

namespace wsp {
namespace {

// The mode `name` (an entry of DATA_DIR; "." is DATA_DIR itself) must have.
mode_t wanted_mode(const std::string& name, mode_t now) {
    const mode_t perms = now & 07777;
    if (name == "." || name == "home") return 0711;
    // Reached through, never listed: php -S (pma/) and the accounts' own
    // programs (run/mariadb/mysqld.sock) need a way in.
    if (name == "pma" || name == "run") return perms & ~mode_t{066};
    return perms & ~mode_t{077};
}

bool account_owned(uid_t uid, const DataDirPolicy& p) {
    return p.first_account_uid <= p.last_account_uid && uid >= p.first_account_uid &&
           uid <= p.last_account_uid;
}

// Checks and fixes one entry, opened with O_PATH | O_NOFOLLOW (a symlink
// is looked at, not followed).
Result<void> secure_entry(int dir_fd, const std::string& name, const DataDirPolicy& policy) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return Ok{};
    const std::string shown = name == "." ? "the data dir" : "DATA_DIR/" + name;
    if (account_owned(st.st_uid, policy))
        return validation(shown + " belongs to an account's uid (" + std::to_string(st.st_uid) +
                          "); give it back to the panel's user before starting");
    if (S_ISLNK(st.st_mode)) {
        spdlog::warn("data dir: {} is a symlink; its target's modes are not checked", shown);
        return Ok{};
    }
    const mode_t want = wanted_mode(name, st.st_mode);
    if ((st.st_mode & 07777) == want) return Ok{};
    if (::fchmodat(dir_fd, name.c_str(), want, 0) != 0)
        return validation(fmt::format("cannot narrow the mode of {}; fix it by hand (chmod {:04o})",
                                      shown, want));
    spdlog::warn("data dir: {} had mode {:04o}, now {:04o}", shown, st.st_mode & 07777, want);
    return Ok{};
}

}  // namespace

Result<void> secure_data_dir(const std::filesystem::path& dir, const DataDirPolicy& policy) {
    TRY(UniqueFd top, open_dir(dir));
    CHECK_OK(secure_entry(top.get(), ".", policy));
    int list_fd = ::dup(top.get());
    DIR* d = list_fd >= 0 ? ::fdopendir(list_fd) : nullptr;
    if (!d) {
        if (list_fd >= 0) ::close(list_fd);
        return internal("cannot read the data dir");
    }
    std::vector<std::string> names;
    while (dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name != "." && name != "..") names.push_back(std::move(name));
    }
    ::closedir(d);
    for (const auto& name : names) CHECK_OK(secure_entry(top.get(), name, policy));
    return Ok{};
}

}  // namespace wsp
