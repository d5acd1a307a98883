// Scopes of API keys and the ownership rules every service applies.
#include "services/caller.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace wsp {
namespace {

using Scopes = std::vector<std::string>;
constexpr bool kRead = true;
constexpr bool kWrite = false;

TEST(ScopesAllow, AllOpensEverything) {
    for (const char* area : {"users", "domains", "databases", "ftp", "cron", "files"}) {
        EXPECT_TRUE(scopes_allow({"all"}, area, kRead)) << area;
        EXPECT_TRUE(scopes_allow({"all"}, area, kWrite)) << area;
    }
}

TEST(ScopesAllow, ReadOpensEveryGetOnly) {
    for (const char* area : {"users", "domains", "databases", "ftp", "cron", "files"}) {
        EXPECT_TRUE(scopes_allow({"read"}, area, kRead)) << area;
        EXPECT_FALSE(scopes_allow({"read"}, area, kWrite)) << area;
    }
}

TEST(ScopesAllow, AreaOpensEveryMethodOfThatAreaOnly) {
    EXPECT_TRUE(scopes_allow({"domains"}, "domains", kRead));
    EXPECT_TRUE(scopes_allow({"domains"}, "domains", kWrite));
    EXPECT_FALSE(scopes_allow({"domains"}, "users", kRead));
    EXPECT_FALSE(scopes_allow({"domains"}, "users", kWrite));
    EXPECT_FALSE(scopes_allow({"ftp"}, "files", kWrite));
    // "backups" (issue 18): its own area, not the databases' export/import.
    EXPECT_TRUE(scopes_allow({"backups"}, "backups", kWrite));
    EXPECT_FALSE(scopes_allow({"backups"}, "databases", kRead));
    EXPECT_FALSE(scopes_allow({"databases"}, "backups", kWrite));
    EXPECT_NE(std::find(std::begin(kScopeNames), std::end(kScopeNames), "backups"),
              std::end(kScopeNames));
    // A scope is an exact name, not a prefix.
    EXPECT_FALSE(scopes_allow({"domain"}, "domains", kRead));
}

TEST(ScopesAllow, Combinations) {
    Scopes s{"domains", "read"};
    EXPECT_TRUE(scopes_allow(s, "domains", kWrite));
    EXPECT_TRUE(scopes_allow(s, "users", kRead));
    EXPECT_FALSE(scopes_allow(s, "users", kWrite));
}

TEST(ScopesAllow, NoScopesOpenNothingButTheCallersOwnSession) {
    EXPECT_FALSE(scopes_allow({}, "domains", kRead));
    EXPECT_TRUE(scopes_allow({}, "", kWrite));
    EXPECT_TRUE(scopes_allow({"domains"}, "", kWrite));
}

TEST(ScopeNames, AreTheContractsNames) {
    Scopes names(std::begin(kScopeNames), std::end(kScopeNames));
    EXPECT_EQ(names, (Scopes{"all", "read", "databases", "ftp", "cron", "files", "domains", "users",
                             // Added by issue 18 (docs/backups.md "API key scope").
                             "backups"}));
}

TEST(Ownership, OwnerOrAdmin) {
    Caller admin{"root1", Role::admin, {"all"}, ""};
    Caller bob{"bob", Role::user, {"all"}, "k1"};
    EXPECT_TRUE(ensure_owner_or_admin(admin, "bob").ok());
    EXPECT_TRUE(ensure_owner_or_admin(bob, "bob").ok());
    auto other = ensure_owner_or_admin(bob, "alice");
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, Code::forbidden);
    EXPECT_TRUE(ensure_admin(admin).ok());
    auto not_admin = ensure_admin(bob);
    ASSERT_FALSE(not_admin.ok());
    EXPECT_EQ(not_admin.error().code, Code::forbidden);
}

// A reseller (docs/resellers.md): itself and the accounts it created, and
// nobody else: not another reseller's customers, not the admin.
TEST(Ownership, AResellerActsForItsCustomersOnly) {
    Caller r{"rone", Role::reseller, {"all"}, ""};
    r.customers = {"ann", "bob"};  // sorted, as AuthIndex fills it
    EXPECT_TRUE(r.may_act_for("rone"));
    EXPECT_TRUE(r.may_act_for("ann"));
    EXPECT_TRUE(r.may_act_for("bob"));
    EXPECT_FALSE(r.may_act_for("carl"));
    EXPECT_FALSE(r.may_act_for("admin"));
    EXPECT_TRUE(ensure_owner_or_admin(r, "bob").ok());
    EXPECT_EQ(ensure_owner_or_admin(r, "carl").error().code, Code::forbidden);
    EXPECT_FALSE(ensure_admin(r).ok());
    // Lists: its own by default, a customer's when named, no one else's.
    EXPECT_EQ(list_owner(r, std::nullopt).value(), std::optional<std::string>("rone"));
    EXPECT_EQ(list_owner(r, std::string("ann")).value(), std::optional<std::string>("ann"));
    EXPECT_EQ(list_owner(r, std::string("carl")).error().code, Code::forbidden);
    // A plain user with a (stray) customer list still acts only for itself.
    Caller u{"dan", Role::user, {"all"}, ""};
    u.customers = {"ann"};
    EXPECT_FALSE(u.may_act_for("ann"));
}

}  // namespace
}  // namespace wsp
