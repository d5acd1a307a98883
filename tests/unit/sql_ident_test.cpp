// The one place where names become SQL text (drivers/sql_ident.h).
#include "drivers/sql_ident.h"

#include <gtest/gtest.h>

#include <vector>

#include "services/database_service.h"

namespace wsp {
namespace {

TEST(SqlName, AcceptsOnlyLettersDigitsAndUnderscore) {
    EXPECT_TRUE(SqlName::parse("john_mydb", 64, "database name").ok());
    EXPECT_TRUE(SqlName::parse("A_9", 64, "database name").ok());
    for (const std::string& bad :
         std::vector<std::string>{"", "a-b", "a'b", "a`b", "a%b", "a b", "caf\xc3\xa9", "a.b",
                                  "a\\b", std::string("a\0b", 3), "a;b", "a/b"}) {
        auto r = SqlName::parse(bad, 64, "database name");
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.error().code, Code::validation);
        EXPECT_EQ(r.error().message, "Invalid database name (only [a-zA-Z0-9_] allowed)");
    }
}

TEST(SqlName, EnforcesMariadbLengthLimits) {
    EXPECT_TRUE(SqlName::parse(std::string(64, 'a'), kMaxDatabaseName, "database name").ok());
    EXPECT_FALSE(SqlName::parse(std::string(65, 'a'), kMaxDatabaseName, "database name").ok());
    EXPECT_TRUE(SqlName::parse(std::string(80, 'a'), kMaxUserName, "database user").ok());
    EXPECT_FALSE(SqlName::parse(std::string(81, 'a'), kMaxUserName, "database user").ok());
}

TEST(Quoting, GrantEscapesWildcards) {
    auto n = SqlName::parse("john_a_b", 64, "x").value();
    EXPECT_EQ(quote_ident(n), "`john_a_b`");
    EXPECT_EQ(quote_grant_db(n), "`john\\_a\\_b`");
    EXPECT_EQ(quote_literal(n), "'john_a_b'");
    EXPECT_EQ(quote_like_prefix(SqlName::parse("PMA_", 8, "x").value()), "'PMA\\\\_%'");
    EXPECT_EQ(quote_account(n, SqlHost::localhost()), "'john_a_b'@'localhost'");
}

TEST(SqlHost, ConvertsCidrToNetmask) {
    EXPECT_EQ(SqlHost::parse_remote("10.0.0.0/24")->str(), "10.0.0.0/255.255.255.0");
    EXPECT_EQ(SqlHost::parse_remote("10.1.2.3/8")->str(), "10.0.0.0/255.0.0.0");
    EXPECT_EQ(SqlHost::parse_remote("192.168.1.7/32")->str(), "192.168.1.7");
    EXPECT_EQ(SqlHost::parse_remote("0.0.0.0/0")->str(), "0.0.0.0/0.0.0.0");
}

TEST(SqlHost, AcceptsAddressesNamesPatternsAndAny) {
    EXPECT_EQ(SqlHost::parse_remote("%")->str(), "%");
    EXPECT_EQ(SqlHost::parse_remote("10.0.0.5")->str(), "10.0.0.5");
    EXPECT_EQ(SqlHost::parse_remote("2001:DB8::1")->str(), "2001:db8::1");
    EXPECT_EQ(SqlHost::parse_remote("Web1.Example.com")->str(), "web1.example.com");
    EXPECT_EQ(SqlHost::parse_remote("%.example.com")->str(), "%.example.com");
    EXPECT_EQ(SqlHost::parse_remote("192.168.1.%")->str(), "192.168.1.%");
}

TEST(SqlHost, RefusesEverythingElse) {
    for (const std::string& bad : std::vector<std::string>{
             "", "localhost", "a b", "a'b", "a`b", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/x",
             "fe80::/64", "x:y", "a\\b", std::string("a\0b", 3), std::string(256, 'a')})
        EXPECT_FALSE(SqlHost::parse_remote(bad).ok()) << bad;
}

TEST(PasswordHash, MatchesMariadbNativePassword) {
    // = SELECT PASSWORD('abc') on MariaDB (sha1(sha1(p)), upper-case hex).
    EXPECT_EQ(PasswordHash::of("").str().size(), 41u);
    EXPECT_EQ(PasswordHash::of("abc").str(), "*0D3CED9BEC10A777AEC23CCC353A8C08A633045E");
    EXPECT_TRUE(PasswordHash::parse("*0D3CED9BEC10A777AEC23CCC353A8C08A633045E").ok());
    EXPECT_FALSE(PasswordHash::parse("*0d3ced9bec10a777aec23ccc353a8c08a633045e").ok());
    EXPECT_FALSE(PasswordHash::parse("' OR 1=1 --").ok());
}

TEST(DatabasePassword, NeedsLengthAndTwoKindsOfCharacters) {
    EXPECT_TRUE(DatabaseService::check_password("secure_password123").ok());
    EXPECT_TRUE(DatabaseService::check_password("new_secure_password").ok());
    EXPECT_FALSE(DatabaseService::check_password("Ab1").ok());
    EXPECT_FALSE(DatabaseService::check_password("aaaaaaaaaaaa").ok());
    EXPECT_FALSE(DatabaseService::check_password("123456789012").ok());
    EXPECT_FALSE(DatabaseService::check_password(std::string(1025, 'a') + "1").ok());
}

}  // namespace
}  // namespace wsp
