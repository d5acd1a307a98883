// IP allow-lists: single addresses and CIDR networks, IPv4 and IPv6, host
// bits rejected, IPv4-mapped IPv6 clients compared as IPv4.
#include "base/ip_rules.h"

#include <gtest/gtest.h>

namespace wsp {
namespace {

IpRule rule(const std::string& text) {
    auto r = parse_ip_rule(text);
    EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : IpRule{};
}

bool allowed(const std::vector<std::string>& rules, const std::string& client) {
    std::vector<IpRule> parsed;
    for (const auto& t : rules) parsed.push_back(rule(t));
    return ip_allowed(parsed, client);
}

TEST(IpRules, SingleAddressesGetFullPrefix) {
    EXPECT_EQ(rule("203.0.113.7").prefix, 32u);
    EXPECT_EQ(rule("2001:db8::1").prefix, 128u);
    EXPECT_TRUE(allowed({"203.0.113.7"}, "203.0.113.7"));
    EXPECT_FALSE(allowed({"203.0.113.7"}, "203.0.113.8"));
    EXPECT_TRUE(allowed({"::1"}, "::1"));
    EXPECT_FALSE(allowed({"::1"}, "::2"));
}

TEST(IpRules, Ipv4Cidr) {
    EXPECT_EQ(rule("203.0.113.0/24").prefix, 24u);
    EXPECT_TRUE(allowed({"203.0.113.0/24"}, "203.0.113.0"));
    EXPECT_TRUE(allowed({"203.0.113.0/24"}, "203.0.113.255"));
    EXPECT_FALSE(allowed({"203.0.113.0/24"}, "203.0.114.1"));
    EXPECT_TRUE(allowed({"10.0.0.0/8"}, "10.255.1.2"));
    EXPECT_FALSE(allowed({"10.0.0.0/8"}, "11.0.0.1"));
    // Prefixes that do not end on a byte boundary.
    EXPECT_TRUE(allowed({"192.168.0.0/23"}, "192.168.1.200"));
    EXPECT_FALSE(allowed({"192.168.0.0/23"}, "192.168.2.1"));
    EXPECT_TRUE(allowed({"0.0.0.0/0"}, "198.51.100.1"));
}

TEST(IpRules, Ipv6Cidr) {
    EXPECT_TRUE(allowed({"2001:db8::/32"}, "2001:db8:1234::1"));
    EXPECT_FALSE(allowed({"2001:db8::/32"}, "2001:db9::1"));
    EXPECT_TRUE(allowed({"fe80::/10"}, "febf::1"));
    EXPECT_FALSE(allowed({"fe80::/10"}, "fec0::1"));
    EXPECT_TRUE(allowed({"::/0"}, "2001:db8::1"));
}

TEST(IpRules, FamiliesDoNotMix) {
    EXPECT_FALSE(allowed({"0.0.0.0/0"}, "::1"));
    EXPECT_FALSE(allowed({"::/0"}, "127.0.0.1"));
}

TEST(IpRules, V4MappedClientsCompareAsV4) {
    EXPECT_TRUE(allowed({"127.0.0.0/8"}, "::ffff:127.0.0.1"));
    EXPECT_TRUE(allowed({"203.0.113.7"}, "::ffff:203.0.113.7"));
    EXPECT_FALSE(allowed({"203.0.113.7"}, "::ffff:203.0.113.8"));
}

TEST(IpRules, HostBitsAreRejected) {
    for (const char* text : {"10.0.0.5/8", "203.0.113.1/24", "2001:db8::1/32", "192.168.1.0/23"}) {
        auto r = parse_ip_rule(text);
        ASSERT_FALSE(r.ok()) << text;
        EXPECT_EQ(r.error().code, Code::validation);
        EXPECT_NE(r.error().message.find("host bits"), std::string::npos) << r.error().message;
        EXPECT_NE(r.error().message.find(text), std::string::npos) << r.error().message;
    }
}

TEST(IpRules, MalformedRulesAreRejected) {
    for (const char* text :
         {"", "abc", "1.2.3", "1.2.3.4.5", "256.0.0.1", "10.0.0.0/33", "::/129", "10.0.0.0/",
          "10.0.0.0/x", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/ 8", "example.com", "1.2.3.4 "}) {
        auto r = parse_ip_rule(text);
        EXPECT_FALSE(r.ok()) << "'" << text << "'";
        if (!r.ok()) {
            EXPECT_EQ(r.error().code, Code::validation);
        }
    }
}

TEST(IpRules, EmptyListAllowsAnyoneButGarbageClientNobody) {
    EXPECT_TRUE(ip_allowed({}, "198.51.100.1"));
    EXPECT_TRUE(ip_allowed({}, "not an address"));
    EXPECT_FALSE(allowed({"0.0.0.0/0"}, "not an address"));
    EXPECT_FALSE(allowed({"0.0.0.0/0"}, ""));
}

TEST(IpRules, AnyRuleOfTheListMatches) {
    EXPECT_TRUE(allowed({"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"}, "192.0.2.1"));
    EXPECT_TRUE(allowed({"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"}, "2001:db8::5"));
    EXPECT_FALSE(allowed({"10.0.0.0/8", "192.0.2.1", "2001:db8::/32"}, "127.0.0.1"));
}

}  // namespace
}  // namespace wsp
