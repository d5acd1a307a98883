#pragma once
// What each account uses of its package: one query over users, domains,
// databases, FTP accounts and cron jobs (counted per owner).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct UsageCounts {
    std::string username;
    std::string package;
    int64_t domains = 0;
    int64_t databases = 0;
    int64_t ftp_accounts = 0;
    int64_t cron_jobs = 0;
};

class UsageRepo {
  public:
    // Every account's counts (or only `username`'s), by username.
    static std::vector<UsageCounts> counts(const ReadTx& tx,
                                           const std::optional<std::string>& username);
};

}  // namespace wsp
