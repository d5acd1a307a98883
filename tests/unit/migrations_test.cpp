// An upgrade's migrations: each applies whole or not at all, so a failing
// one leaves the previous schema and data intact (issue 10).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/db.h"
#include "temp_store.h"

namespace wsp {
namespace {

class Migrations : public TempStoreTest {
  protected:
    int64_t count(const std::string& sql) {
        auto n = db_->read([&](const ReadTx& tx) -> Result<int64_t> {
            Stmt s(tx, sql);
            return s.step() ? std::stoll(s.text(0)) : -1;
        });
        return n.ok() ? *n : -1;
    }
    bool recorded(int version) {
        return count("SELECT count(*) FROM schema_migrations WHERE version = " +
                     std::to_string(version)) == 1;
    }
};

TEST_F(Migrations, AFailingMigrationLeavesTheOldStateIntact) {
    const std::vector<Migration> v1 = {
        {9001, "9001_t.sql", "CREATE TABLE t(x INTEGER); INSERT INTO t VALUES (1), (2);"}};
    ASSERT_TRUE(db_->apply_migrations(v1).ok());
    // The upgrade: a good step, a second one that fails half-way through.
    const std::vector<Migration> v2 = {
        v1[0],
        {9002, "9002_u.sql", "ALTER TABLE t ADD COLUMN y TEXT; UPDATE t SET y = 'new';"},
        {9003, "9003_bad.sql",
         "CREATE TABLE u(z); DELETE FROM t; INSERT INTO no_such_table VALUES (1);"},
        {9004, "9004_never.sql", "CREATE TABLE never(a);"},
    };
    auto r = db_->apply_migrations(v2);
    EXPECT_FALSE(r.ok());
    EXPECT_TRUE(recorded(9001));
    EXPECT_TRUE(recorded(9002));  // whole versions before the failure stay
    EXPECT_FALSE(recorded(9003));
    EXPECT_FALSE(recorded(9004));
    EXPECT_EQ(count("SELECT count(*) FROM t WHERE y = 'new'"), 2);  // DELETE rolled back
    EXPECT_EQ(count("SELECT count(*) FROM sqlite_master WHERE name IN ('u', 'never')"), 0);
    // Fixed and run again (the next install.sh), it carries on from there.
    auto fixed = v2;
    fixed[2].sql = "CREATE TABLE u(z);";
    EXPECT_TRUE(db_->apply_migrations(fixed).ok());
    EXPECT_TRUE(recorded(9003));
    EXPECT_TRUE(recorded(9004));
    EXPECT_EQ(count("SELECT count(*) FROM t"), 2);
}

TEST_F(Migrations, ReopeningAnUpToDateStoreChangesNothing) {
    const int64_t before = count("SELECT count(*) FROM schema_migrations");
    db_.reset();
    auto db = Db::open((dir_ / "panel.db").string());
    ASSERT_TRUE(db.ok()) << db.error().message;
    db_ = std::move(*db);
    EXPECT_EQ(count("SELECT count(*) FROM schema_migrations"), before);
}

}  // namespace
}  // namespace wsp
