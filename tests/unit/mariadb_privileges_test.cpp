// Privilege sets of database users (drivers/mariadb_privileges.*): only
// the fixed database-level words reach GRANT, whatever the request says.
#include <gtest/gtest.h>

#include "drivers/mariadb_privileges.h"

namespace wsp {
namespace {

TEST(MariadbPrivileges, NamedSets) {
    EXPECT_EQ(PrivilegeSet::named("read")->sql(), "SELECT, SHOW VIEW");
    EXPECT_EQ(PrivilegeSet::named("read_write")->sql(),
              "SELECT, INSERT, UPDATE, DELETE, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, "
              "SHOW VIEW");
    EXPECT_EQ(PrivilegeSet::named("all")->sql(), "ALL PRIVILEGES");
    EXPECT_EQ(PrivilegeSet::named("all")->stored(), "all");
    EXPECT_FALSE(PrivilegeSet::named("ALL").ok());
    EXPECT_FALSE(PrivilegeSet::named("").ok());
}

TEST(MariadbPrivileges, ListsAreNormalisedAndChecked) {
    auto p = PrivilegeSet::list({"insert", "show_view", "SELECT", "select"});
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(p->sql(), "SELECT, INSERT, SHOW VIEW");
    EXPECT_EQ(p->stored(), "SELECT,INSERT,SHOW VIEW");
    EXPECT_EQ(p->name(), "");
    auto back = PrivilegeSet::parse_stored(p->stored());
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->sql(), p->sql());
    for (const char* bad : {"FILE", "SUPER", "GRANT OPTION", "ALL", "PROCESS", "SELECT; DROP",
                            "SELECT ON *.* TO x", "", "select\n"})
        EXPECT_FALSE(PrivilegeSet::list({bad}).ok()) << bad;
    EXPECT_FALSE(PrivilegeSet::list({}).ok());
    EXPECT_FALSE(PrivilegeSet::parse_stored("SELECT,,INSERT").ok());
}

}  // namespace
}  // namespace wsp
