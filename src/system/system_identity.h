#pragma once
// System mode's identity: each panel account is a real Linux user with its
// own group and a home under identity.home_root, made with useradd and
// removed with userdel (argv vectors, never a shell). Users the panel makes
// carry kMarker in their GECOS field; the panel only ever locks, changes or
// deletes users that carry it, so an existing system user is never touched
// (a name that collides with one is refused with 409 before anything is
// made). docs/system-mode.md describes the whole mode.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "config/config.h"
#include "system/identity.h"

namespace wsp {

// Programs SystemIdentity runs; tests may point them elsewhere.
struct SystemTools {
    std::string useradd = "/usr/sbin/useradd";
    std::string userdel = "/usr/sbin/userdel";
    std::string usermod = "/usr/sbin/usermod";
    std::string findmnt = "/usr/bin/findmnt";
    std::string quotaon = "/usr/sbin/quotaon";
    std::string setquota = "/usr/sbin/setquota";
};

class SystemIdentity final : public Identity {
  public:
    static constexpr const char* kMarker = "WisPanel account";

    // `service_user` owns what belongs to no account (uid_of("")): the
    // sandbox user when it exists, else nobody. Needs root.
    static Result<std::unique_ptr<SystemIdentity>> create(const IdentityConfig& config,
                                                          const std::string& service_user,
                                                          SystemTools tools = {});

    std::filesystem::path home_of(const std::string& account) const override;
    std::string home_text(const std::string& account) const override {
        return join_home(config_.home_root, account);
    }
    // 0 (which every caller refuses to act as) for an account without a
    // panel-made Linux user.
    uid_t uid_of(const std::string& account) const override;
    gid_t gid_of(const std::string& account) const override;
    std::vector<gid_t> groups_of(const std::string& account) const override;

    // useradd; 409 when the name is taken by a Linux user or group.
    Result<void> create_home(const std::string& account) override;
    // userdel --remove (only a panel-made user; a missing one is fine).
    Result<void> remove_home(const std::string& account) override;
    Result<void> make_dirs(const std::string& account,
                           const std::filesystem::path& relative) override;
    // usermod --lock --expiredate 1 / --unlock --expiredate ''.
    Result<void> set_locked(const std::string& account, bool locked) override;
    // setquota -u (block hard limit) when user quotas are on, else nothing.
    Result<void> set_quota_mb(const std::string& account, int64_t mb) override;
    std::string quota_state() const override { return quota_mount_ ? "enforced" : "unsupported"; }

  private:
    SystemIdentity(IdentityConfig config, SystemTools tools, uid_t service_uid, gid_t service_gid)
        : config_(std::move(config)),
          tools_(std::move(tools)),
          service_uid_(service_uid),
          service_gid_(service_gid) {}
    void detect_quotas();

    IdentityConfig config_;
    SystemTools tools_;
    uid_t service_uid_;
    gid_t service_gid_;
    std::optional<std::string> quota_mount_;  // mount point with user quotas on
};

}  // namespace wsp
