// A reseller's allocation (docs/resellers.md): what its customers' packages
// add up to, and the 403 that names the first limit it would pass. On a
// real, migrated store (migration 0017: a reseller reads back as one).
#include "services/allocation.h"

#include <gtest/gtest.h>

#include "store/account_repos.h"
#include "temp_store.h"

namespace wsp {
namespace {

class Allocation : public TempStoreTest {
  protected:
    void SetUp() override {
        TempStoreTest::SetUp();
        auto made = db_->write([&](WriteTx& tx) -> Result<Ok> {
            UserRepo::insert(tx, UserRecord{"rone", "r@x", "h", Role::reseller,
                                            AccountStatus::active, "admin", "default", 1, 1});
            PackageRecord small{"small", 1, 2, 1, 1, 100};
            small.owner = "rone";
            PackageRepo::insert(tx, small);
            PackageRecord open{"open"};  // every limit unlimited
            open.owner = "rone";
            PackageRepo::insert(tx, open);
            UserRepo::insert(tx, UserRecord{"ann", "a@x", "h", Role::user, AccountStatus::active,
                                            "rone", "small", 1, 1});
            auto r = ResellerRepo::find(tx, "rone");
            r->max_users = 2;
            r->max_databases = 3;
            ResellerRepo::update(tx, *r);
            return Ok{};
        });
        ASSERT_TRUE(made.ok()) << made.error().message;
    }
    Result<void> check(const std::optional<Candidate>& c) {
        return db_->read([&](const ReadTx& tx) -> Result<void> {
            return ensure_within_allocation(tx, "rone", c);
        });
    }
};

TEST_F(Allocation, AResellerReadsBackAsOneWithTheDefaultAllocation) {
    auto u = db_->read(
        [&](const ReadTx& tx) -> Result<UserRecord> { return *UserRepo::find(tx, "rone"); });
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->role, Role::reseller);
    auto r = db_->read([&](const ReadTx& tx) -> Result<ResellerRecord> {
        return *ResellerRepo::find(tx, "rone");
    });
    EXPECT_EQ(r->max_domains, 10);
    EXPECT_EQ(r->disk_quota_mb, 10240);
}

TEST_F(Allocation, SumsTheCustomersPackagesAndNamesTheLimitPassed) {
    auto a =
        db_->read([&](const ReadTx& tx) -> Result<Allocated> { return allocated_by(tx, "rone"); });
    EXPECT_EQ(a->users, 1);
    EXPECT_EQ(a->databases, 2);
    EXPECT_EQ(a->disk_quota_mb, 100);
    EXPECT_TRUE(check(std::nullopt).ok());
    // A second customer on "small": 4 databases of 3.
    auto over = check(Candidate{"bob", "small"});
    ASSERT_FALSE(over.ok());
    EXPECT_EQ(over.error().code, Code::forbidden);
    EXPECT_EQ(over.error().message, "Reseller limit reached: max_databases (3)");
    // The same customer on another package replaces its old one.
    EXPECT_TRUE(check(Candidate{"ann", "small"}).ok());
    // An unlimited package never fits a limited allocation.
    EXPECT_EQ(check(Candidate{"ann", "open"}).error().message,
              "Reseller limit reached: max_domains (10)");
    // Not a reseller: nothing to check.
    EXPECT_TRUE(db_->read([&](const ReadTx& tx) -> Result<void> {
                       return ensure_within_allocation(tx, "ann", Candidate{"x", "open"});
                   })
                    .ok());
}

}  // namespace
}  // namespace wsp
