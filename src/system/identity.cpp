#include "system/identity.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "system/confined.h"

namespace wsp {

Result<std::unique_ptr<SandboxIdentity>> SandboxIdentity::create(
    const std::filesystem::path& data_dir, const std::string& os_user) {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    if (uid == 0) {
        struct passwd* pw = ::getpwnam(os_user.c_str());
        if (!pw || pw->pw_uid == 0)
            return validation("sandbox.user '" + os_user +
                              "' must be an existing unprivileged OS user (scripts/deps.sh "
                              "creates 'wispanel')");
        uid = pw->pw_uid;
        gid = pw->pw_gid;
    }
    std::filesystem::path homes = data_dir / "home";
    std::error_code ec;
    std::filesystem::create_directories(homes, ec);
    if (ec) return internal("cannot create the homes directory");
    // Homes' parent: traversable by the account uid, listable by nobody else.
    ::chmod(homes.c_str(), 0711);
    return std::unique_ptr<SandboxIdentity>(new SandboxIdentity(homes, uid, gid));
}

std::filesystem::path SandboxIdentity::home_of(const std::string& account) const {
    return homes_ / account;
}

Result<void> SandboxIdentity::create_home(const std::string& account) {
    TRY(Fd homes, open_dir(homes_));
    return make_dirs_beneath(homes.get(), account, 0750, uid_, gid_);
}

Result<void> SandboxIdentity::remove_home(const std::string& account) {
    std::error_code ec;
    std::filesystem::remove_all(home_of(account), ec);
    if (ec) return internal("cannot remove the home of " + account);
    return Ok{};
}

Result<void> SandboxIdentity::make_dirs(const std::string& account,
                                        const std::filesystem::path& relative) {
    TRY(Fd home, open_dir(home_of(account)));
    return make_dirs_beneath(home.get(), relative, 0750, uid_, gid_);
}

}  // namespace wsp
