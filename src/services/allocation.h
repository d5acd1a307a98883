#pragma once
// A reseller's allocation (docs/resellers.md): the packages of all its
// customers together never promise more than the admin gave it. Checked
// inside the write transaction that creates a customer, changes one's
// package, changes a reseller's package or moves a customer in, so
// concurrent requests cannot oversell (Db::write serialises them).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "store/db.h"
#include "store/records.h"

namespace wsp {

// What a reseller's customers' packages add up to (-1: some unlimited).
struct Allocated {
    int64_t users = 0;
    int64_t domains = 0;
    int64_t databases = 0;
    int64_t ftp_accounts = 0;
    int64_t cron_jobs = 0;
    int64_t disk_quota_mb = 0;
};

// One account the check counts as (now or from now on) on `package`.
struct Candidate {
    std::string username;
    std::string package;
};

// The sum over `reseller`'s customers, with `candidate` counted on its
// (new) package whether or not it is a customer yet.
Allocated allocated_by(const ReadTx& tx, const std::string& reseller,
                       const std::optional<Candidate>& candidate = std::nullopt);

// 403 "Reseller limit reached: max_databases (10)" when the sum, with
// `candidate`, exceeds `reseller`'s allocation. Ok for a non-reseller.
Result<void> ensure_within_allocation(const ReadTx& tx, const std::string& reseller,
                                      const std::optional<Candidate>& candidate = std::nullopt);

// The allocation's items by name, with what is allocated and what is
// given: {"max_users", allocated, limit}...
struct AllocationItem {
    std::string name;
    int64_t allocated = 0;
    int64_t limit = -1;
};
std::vector<AllocationItem> allocation_items(const ResellerRecord& r, const Allocated& a);

// Whether `owner` is a reseller (a row in `resellers`).
bool is_reseller(const ReadTx& tx, const std::string& owner);

}  // namespace wsp
