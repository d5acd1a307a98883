#include "drivers/fs/act_as.h"

#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace wsp::fs {

ActAs::ActAs(uid_t uid, gid_t gid, const std::vector<gid_t>& groups) {
    if (::geteuid() != 0) return;
    bool root_group = false;
    for (gid_t g : groups) root_group = root_group || g == 0;
    if (uid == 0 || gid == 0 || root_group) {
        ok_ = false;  // account work never runs as root
        return;
    }
    int n = ::getgroups(0, nullptr);
    if (n > 0) {
        saved_groups_.resize(static_cast<size_t>(n));
        n = ::getgroups(n, saved_groups_.data());
        saved_groups_.resize(n > 0 ? static_cast<size_t>(n) : 0);
    }
    // Groups first: once fsuid is not 0 the thread could still change them
    // (CAP_SETGID is not an fs capability), but doing it first keeps no
    // window where root's groups and the account's uid mix.
    if (::syscall(SYS_setgroups, groups.size(), groups.data()) != 0) {
        ok_ = false;
        return;
    }
    active_ = true;  // from here the destructor restores everything
    ::setfsgid(gid);
    ::setfsuid(uid);
    // setfsuid/setfsgid report the previous value; check the new ones took.
    if (static_cast<uid_t>(::setfsuid(static_cast<uid_t>(-1))) != uid ||
        static_cast<gid_t>(::setfsgid(static_cast<gid_t>(-1))) != gid)
        ok_ = false;
}

ActAs::~ActAs() {
    if (!active_) return;
    ::setfsuid(0);
    ::setfsgid(0);
    ::syscall(SYS_setgroups, saved_groups_.size(), saved_groups_.data());
}

}  // namespace wsp::fs
