#pragma once
// Package limits, checked by every service before it creates an item.
#include <cstdint>
#include <string>

#include "base/result.h"
#include "store/db.h"
#include "store/records.h"

namespace wsp {

enum class Limit { domains, databases, ftp_accounts, cron_jobs, database_users };

// The owner's package (the "default" one when the account names none).
PackageRecord package_of(const ReadTx& tx, const std::string& owner);

// 403 "Domain limit reached (5)" when `current` items already fill the
// owner's package; -1 means unlimited. Call inside the create transaction.
Result<void> ensure_below_limit(const ReadTx& tx, const std::string& owner, Limit limit,
                                int64_t current);
// The same with the package already read (one read for a whole request).
Result<void> ensure_below_limit(const PackageRecord& package, Limit limit, int64_t current);

}  // namespace wsp
