// The store's transaction handles: what must not compile (checked with
// static_assert, so a regression fails the build) and what read()/write()
// do with errors at run time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <type_traits>

#include "http/json_io.h"
#include "store/account_repos.h"
#include "store/db.h"
#include "temp_store.h"

namespace wsp {
namespace {

// Handles come only from the store: none can be built, copied or forged.
static_assert(!std::is_constructible_v<ReadTx, Db&>);
static_assert(!std::is_constructible_v<WriteTx, Db&>);
static_assert(!std::is_copy_constructible_v<ReadTx>);
static_assert(!std::is_copy_constructible_v<WriteTx>);
// A repository needs a handle; a write needs a WriteTx, a read takes either.
static_assert(!std::is_invocable_v<decltype(&UserRepo::list), Db&>);
static_assert(std::is_invocable_v<decltype(&UserRepo::list), const ReadTx&>);
static_assert(std::is_invocable_v<decltype(&UserRepo::list), WriteTx&>);
static_assert(!std::is_invocable_v<decltype(&UserRepo::remove), const ReadTx&, std::string>);
static_assert(std::is_invocable_v<decltype(&UserRepo::remove), WriteTx&, std::string>);

class StoreHandles : public TempStoreTest {
  protected:
    UserRecord user(const std::string& name) {
        return UserRecord{name,
                          name + "@example.com",
                          "hash",
                          Role::user,
                          AccountStatus::active,
                          "",
                          "default",
                          1,
                          1};
    }
    int64_t users() {
        auto n =
            db_->read([&](const ReadTx& tx) -> Result<int64_t> { return UserRepo::count(tx); });
        return n.ok() ? *n : -1;
    }
};

TEST_F(StoreHandles, WriteCommitsOnSuccessAndRollsBackOnAnErrorResult) {
    auto kept = db_->write([&](WriteTx& tx) -> Result<void> {
        UserRepo::insert(tx, user("ann"));
        return Ok{};
    });
    ASSERT_TRUE(kept.ok());
    auto dropped = db_->write([&](WriteTx& tx) -> Result<void> {
        UserRepo::insert(tx, user("ben"));
        return conflict("changed my mind");
    });
    ASSERT_FALSE(dropped.ok());
    EXPECT_EQ(dropped.error().code, Code::conflict);
    EXPECT_EQ(users(), 1);
}

TEST_F(StoreHandles, ADatabaseErrorBecomesAnInternalErrorAndRollsBack) {
    auto failed = db_->write([&](WriteTx& tx) -> Result<void> {
        UserRepo::insert(tx, user("ann"));
        UserRepo::insert(tx, user("ann"));  // primary key: throws DbError
        return Ok{};
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().code, Code::internal);
    EXPECT_EQ(users(), 0);

    auto bad_read = db_->read([&](const ReadTx& tx) -> Result<bool> {
        Stmt s(tx, "SELECT nothing FROM no_such_table");
        return s.step();
    });
    ASSERT_FALSE(bad_read.ok());
    EXPECT_EQ(bad_read.error().code, Code::internal);
}

// A full disk (SQLITE_FULL; here the file capped by max_page_count) is
// answered 507 that says so, not 500, and the transaction rolls back whole.
TEST_F(StoreHandles, AFullDiskIsInsufficientStorageAndRollsBack) {
    auto cap = [&](int64_t extra_pages) {
        return db_->write([&](WriteTx& tx) -> Result<void> {
            Stmt count(tx, "PRAGMA page_count");
            count.step();
            Stmt(tx, "PRAGMA max_page_count = " + std::to_string(count.integer(0) + extra_pages))
                .step();
            return Ok{};
        });
    };
    ASSERT_TRUE(cap(4).ok());
    auto full = db_->write([&](WriteTx& tx) -> Result<void> {
        UserRepo::insert(tx, user("ann"));
        Stmt(tx, "CREATE TABLE big(v BLOB)").run();
        Stmt(tx, "INSERT INTO big VALUES (zeroblob(1000000))").run();
        return Ok{};
    });
    ASSERT_FALSE(full.ok());
    const Response answer = error_response(full.error());
    EXPECT_EQ(answer.status, 507u);
    EXPECT_NE(answer.body.find("INSUFFICIENT_STORAGE"), std::string::npos) << answer.body;
    EXPECT_NE(answer.body.find("The disk is full"), std::string::npos) << answer.body;
    EXPECT_EQ(users(), 0);
    // Space again: the same write goes through.
    ASSERT_TRUE(cap(100000).ok());
    EXPECT_TRUE(db_->write([&](WriteTx& tx) -> Result<void> {
                       UserRepo::insert(tx, user("ann"));
                       return Ok{};
                   })
                    .ok());
    EXPECT_EQ(users(), 1);
}

TEST_F(StoreHandles, LastInsertIdIsThisTransactionsInsert) {
    auto id = db_->write([&](WriteTx& tx) -> Result<int64_t> {
        Stmt(tx, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)").run();
        Stmt(tx, "INSERT INTO t(v) VALUES('a')").run();
        Stmt(tx, "INSERT INTO t(v) VALUES('b')").run();
        return tx.last_insert_id();
    });
    ASSERT_TRUE(id.ok()) << id.error().message;
    EXPECT_EQ(*id, 2);
}

}  // namespace
}  // namespace wsp
