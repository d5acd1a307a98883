#include "base/ip_rules.h"

#include <array>
#include <charconv>

namespace wsp {
namespace {

using boost::asio::ip::address;

std::array<unsigned char, 16> to_bytes16(const address& a) {
    if (a.is_v6()) return a.to_v6().to_bytes();
    std::array<unsigned char, 16> out{};
    auto v4 = a.to_v4().to_bytes();
    std::copy(v4.begin(), v4.end(), out.begin());
    return out;
}

bool prefix_equal(const address& a, const address& b, unsigned bits) {
    auto x = to_bytes16(a);
    auto y = to_bytes16(b);
    for (unsigned i = 0; i < bits; ++i) {
        unsigned byte = i / 8, mask = 0x80u >> (i % 8);
        if ((x[byte] & mask) != (y[byte] & mask)) return false;
    }
    return true;
}

address unmap(const address& a) {
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, a.to_v6());
    return a;
}

}  // namespace

Result<IpRule> parse_ip_rule(const std::string& text) {
    auto slash = text.find('/');
    std::string host = text.substr(0, slash);
    boost::system::error_code ec;
    address a = boost::asio::ip::make_address(host, ec);
    if (ec) return validation("'" + text + "' is not an IP address or CIDR");
    unsigned max_bits = a.is_v4() ? 32 : 128;
    unsigned prefix = max_bits;
    if (slash != std::string::npos) {
        std::string bits = text.substr(slash + 1);
        auto [end, err] = std::from_chars(bits.data(), bits.data() + bits.size(), prefix);
        if (err != std::errc() || end != bits.data() + bits.size() || bits.empty() ||
            prefix > max_bits)
            return validation("'" + text + "' has an invalid prefix length");
    }
    IpRule rule{a, prefix};
    // The address must be the network's first one: 10.0.0.5/8 is a typo.
    auto bytes = to_bytes16(a);
    for (unsigned i = prefix; i < max_bits; ++i)
        if (bytes[i / 8] & (0x80u >> (i % 8)))
            return validation("'" + text +
                              "' has host bits set; did you mean the network address?");
    return rule;
}

bool ip_rule_matches(const IpRule& rule, const address& client) {
    address c = unmap(client);
    if (c.is_v4() != rule.network.is_v4()) return false;
    return prefix_equal(rule.network, c, rule.prefix);
}

bool ip_allowed(const std::vector<IpRule>& rules, const std::string& client_ip) {
    if (rules.empty()) return true;
    boost::system::error_code ec;
    address a = boost::asio::ip::make_address(client_ip, ec);
    if (ec) return false;
    for (const auto& r : rules)
        if (ip_rule_matches(r, a)) return true;
    return false;
}

}  // namespace wsp
