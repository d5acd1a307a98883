#pragma once
// Maps a panel account to its OS identity and home directory. Sandbox mode
// gives every account one shared unprivileged uid and a home under
// DATA_DIR/home; system mode (system/system_identity.h) maps each account to
// its own Linux user. Services only talk to this interface, never ask which
// mode it is.
#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "base/result.h"

namespace wsp {

class Identity {
  public:
    virtual ~Identity() = default;
    virtual std::filesystem::path home_of(const std::string& account) const = 0;
    virtual uid_t uid_of(const std::string& account) const = 0;
    virtual gid_t gid_of(const std::string& account) const = 0;

    // Creates the account's home (mode 0750), owned by its uid.
    virtual Result<void> create_home(const std::string& account) = 0;
    // Removes the home and everything in it; symlinks are removed, never
    // followed.
    virtual Result<void> remove_home(const std::string& account) = 0;
    // Creates `relative` (and its parents) beneath the home, owned by the
    // account; never leaves the home, whatever symlinks it contains.
    virtual Result<void> make_dirs(const std::string& account,
                                   const std::filesystem::path& relative) = 0;

    // Supplementary groups account work runs with (the primary group first).
    virtual std::vector<gid_t> groups_of(const std::string& account) const {
        return {gid_of(account)};
    }
    // Suspension at the OS level (system mode locks the Linux account).
    virtual Result<void> set_locked(const std::string&, bool) { return Ok{}; }
    // The package's disk quota (MiB; < 0: unlimited) where the OS enforces it.
    virtual Result<void> set_quota_mb(const std::string&, int64_t) { return Ok{}; }
    // "enforced" or "unsupported", for /health.
    virtual std::string quota_state() const { return "unsupported"; }
};

class SandboxIdentity final : public Identity {
  public:
    // When the panel runs as root, `os_user` owns every home (never root
    // itself); otherwise the panel's own uid does.
    static Result<std::unique_ptr<SandboxIdentity>> create(const std::filesystem::path& data_dir,
                                                           const std::string& os_user);

    std::filesystem::path home_of(const std::string& account) const override;
    uid_t uid_of(const std::string&) const override { return uid_; }
    gid_t gid_of(const std::string&) const override { return gid_; }
    Result<void> create_home(const std::string& account) override;
    Result<void> remove_home(const std::string& account) override;
    Result<void> make_dirs(const std::string& account,
                           const std::filesystem::path& relative) override;

  private:
    SandboxIdentity(std::filesystem::path homes, uid_t uid, gid_t gid)
        : homes_(std::move(homes)), uid_(uid), gid_(gid) {}
    std::filesystem::path homes_;
    uid_t uid_;
    gid_t gid_;
};

}  // namespace wsp
