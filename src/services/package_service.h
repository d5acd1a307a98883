#pragma once
// Hosting packages (admin only): named sets of limits given to accounts.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "services/caller.h"
#include "services/panel.h"
#include "store/records.h"

namespace wsp {

struct PackageLimits {
    std::optional<int64_t> max_domains;
    std::optional<int64_t> max_databases;
    std::optional<int64_t> max_ftp_accounts;
    std::optional<int64_t> max_cron_jobs;
    std::optional<int64_t> disk_quota_mb;
    // Account security switches (docs/account-security.md, docs/sftp.md).
    std::optional<bool> require_2fa;
    std::optional<bool> sftp;
    std::optional<int64_t> max_backups_kept;
    std::optional<int64_t> max_database_users;
};

class PackageService {
  public:
    explicit PackageService(PanelContext& ctx) : ctx_(ctx) {}

    Result<std::vector<PackageRecord>> list(const Caller& caller);
    // An admin reads any package; a user only its own.
    Result<PackageRecord> get(const Caller& caller, const std::string& name);
    Result<PackageRecord> create(const Caller& caller, const std::string& name,
                                 const PackageLimits& limits);
    Result<PackageRecord> update(const Caller& caller, const std::string& name,
                                 const PackageLimits& limits);
    Result<void> remove(const Caller& caller, const std::string& name);

    // Called after a package is changed (after the commit), so what is
    // enforced outside the panel (the FTP server's SFTP logins) follows.
    using Listener = std::function<void(const PackageRecord& package)>;
    void on_change(Listener listener) { listeners_.push_back(std::move(listener)); }

  private:
    PanelContext& ctx_;
    std::vector<Listener> listeners_;
};

}  // namespace wsp
