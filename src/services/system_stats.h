#pragma once
// The admin dashboard's figures (GET /system/stats): accounts, components
// and their versions, CPU, memory, disks, the biggest homes, and recent
// failed logins and cron failures. Read from /proc, statvfs, the store and
// the disk-usage figures; the versions are asked of each program once per
// process.
#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "services/caller.h"
#include "store/cron_repo.h"
#include "store/security_repos.h"

namespace wsp {

struct Services;

struct DiskMount {
    std::string mount;
    std::string type;
    int64_t total_bytes = 0;
    int64_t used_bytes = 0;
    int64_t free_bytes = 0;  // available to unprivileged users
};

struct SystemStats {
    int64_t accounts = 0;
    int64_t active = 0;
    int64_t suspended = 0;
    int64_t admins = 0;
    int64_t resellers = 0;
    std::map<std::string, std::string> components;  // name -> "up" | "down"
    std::map<std::string, std::string> versions;    // name -> first line of --version
    int64_t cores = 0;
    std::array<double, 3> load{};
    int64_t memory_total_bytes = 0;
    int64_t memory_available_bytes = 0;
    int64_t panel_rss_bytes = 0;
    int64_t uptime_s = 0;  // the machine's
    std::vector<DiskMount> disks;
    std::vector<std::pair<std::string, int64_t>> biggest_accounts;  // bytes, largest first
    std::vector<AuditRecord> failed_logins;                         // newest first
    std::vector<CronFailure> cron_failures;                         // newest first
};

// How many of each recent list the dashboard gets.
inline constexpr int64_t kDashboardListSize = 10;

// Admins only (403 otherwise). Walks homes whose disk figure is too old.
Result<SystemStats> system_stats(Services& services, const Caller& caller);

}  // namespace wsp
