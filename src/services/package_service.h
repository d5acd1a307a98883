#pragma once
// Hosting packages (admin only): named sets of limits given to accounts.
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
    std::optional<int64_t> max_backups_kept;
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

  private:
    PanelContext& ctx_;
};

}  // namespace wsp
