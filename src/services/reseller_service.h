#pragma once
// Resellers (docs/resellers.md): accounts that create and manage their own
// customers within an allocation the admin gives them. Who may touch what
// is Caller::may_act_for (services/caller.h); the allocation is checked in
// services/allocation.h; this service holds the /resellers routes' work.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "services/allocation.h"
#include "services/caller.h"
#include "services/panel.h"
#include "services/usage.h"
#include "services/user_service.h"
#include "store/records.h"

namespace wsp {

struct ResellerView {
    UserRecord user;
    ResellerRecord limits;
    Allocated allocated;
    int64_t users_count = 0;
};

// The allocation's changes (PUT /resellers/{username}/limits).
struct ResellerLimits {
    std::optional<int64_t> max_users;
    std::optional<int64_t> max_domains;
    std::optional<int64_t> max_databases;
    std::optional<int64_t> max_ftp_accounts;
    std::optional<int64_t> max_cron_jobs;
    std::optional<int64_t> disk_quota_mb;
};

// One item of a reseller's usage: what its customers have (`used`), what
// their packages promise (`allocated`) and the allocation (`limit`).
struct ResellerUsageItem {
    std::string name;  // "users", "domains", "databases", ...
    int64_t used = 0;
    int64_t allocated = 0;
    int64_t limit = -1;
};

struct ResellerUsage {
    std::string username;
    std::vector<ResellerUsageItem> items;
    std::vector<AccountUsage> customers;
};

struct ResellerRemoved {
    Removed removed;
    int64_t reassigned = 0;
};

class ResellerService {
  public:
    ResellerService(PanelContext& ctx, UserService& users) : ctx_(ctx), users_(users) {}

    Result<std::vector<ResellerView>> list(const Caller& caller);
    Result<UserRecord> create(const Caller& caller, const NewUser& input);
    Result<ResellerView> get(const Caller& caller, const std::string& username);
    // Refused (409) while it has customers, unless `reassign_to` (another
    // reseller, within its allocation, or an admin) takes them and the
    // packages they are on.
    Result<ResellerRemoved> remove(const Caller& caller, const std::string& username,
                                   const std::optional<std::string>& reassign_to);
    Result<ResellerView> set_limits(const Caller& caller, const std::string& username,
                                    const ResellerLimits& limits);
    Result<ResellerUsage> usage(const Caller& caller, const std::string& username);
    Result<std::vector<UserRecord>> users(const Caller& caller, const std::string& username);
    // An admin moves `username` to reseller (or admin) `to`, onto `package`
    // (default: its own, which must then be `to`'s).
    Result<UserRecord> transfer(const Caller& caller, const std::string& username,
                                const std::string& to, const std::optional<std::string>& package);
    // A reseller: its own usage; an admin: every reseller's.
    Result<std::vector<ResellerUsage>> dashboard(const Caller& caller);

  private:
    Result<ResellerView> view(const ReadTx& tx, const std::string& username);

    PanelContext& ctx_;
    UserService& users_;
};

}  // namespace wsp
