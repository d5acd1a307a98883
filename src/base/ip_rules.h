#pragma once
// IP allow-lists: single addresses or CIDR networks, IPv4 or IPv6.
#include <boost/asio/ip/address.hpp>
#include <string>
#include <vector>

#include "base/result.h"

namespace wsp {

struct IpRule {
    boost::asio::ip::address network;
    unsigned prefix = 0;  // bits that must match
};

// "203.0.113.7", "203.0.113.0/24", "2001:db8::/32". The host bits of a CIDR
// must be zero, so a typo does not silently widen the rule.
Result<IpRule> parse_ip_rule(const std::string& text);

bool ip_rule_matches(const IpRule& rule, const boost::asio::ip::address& address);

// True when `rules` is empty (any address) or one rule matches. IPv4-mapped
// IPv6 client addresses are compared as IPv4.
bool ip_allowed(const std::vector<IpRule>& rules, const std::string& client_ip);

}  // namespace wsp
