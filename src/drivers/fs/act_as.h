#pragma once
// Runs file work with an account's identity on the current thread.
//
// The panel runs as root; file operations must not. While an ActAs is in
// scope the thread's file-system uid and gid (setfsuid/setfsgid) and its
// supplementary groups are the account's, so the kernel checks every open,
// create, rename and chmod against the account exactly as for its own
// processes (root's CAP_DAC_OVERRIDE and friends are dropped for fs access
// while fsuid != 0), and new files are created owned by the account, with no
// chown afterwards. setfsuid and the raw setgroups syscall change only the
// calling thread's credentials (glibc's setgroups() would change every
// thread), so other requests on other workers are unaffected. When the panel
// does not run as root this does nothing: files are the panel user's anyway.
#include <sys/types.h>

#include <vector>

namespace wsp::fs {

class ActAs {
  public:
    ActAs(uid_t uid, gid_t gid) : ActAs(uid, gid, std::vector<gid_t>{gid}) {}
    // `groups`: the account's supplementary groups (Identity::groups_of).
    ActAs(uid_t uid, gid_t gid, const std::vector<gid_t>& groups);
    ~ActAs();
    ActAs(const ActAs&) = delete;
    ActAs& operator=(const ActAs&) = delete;

    // False when the identity could not be taken (then nothing was changed
    // and no file work may run).
    bool ok() const { return ok_; }

  private:
    bool ok_ = true;
    bool active_ = false;
    std::vector<gid_t> saved_groups_;
};

}  // namespace wsp::fs
