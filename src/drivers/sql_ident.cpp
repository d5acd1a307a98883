#include "drivers/sql_ident.h"

#include <arpa/inet.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

#include "base/strings.h"

namespace wsp {
namespace {

bool is_name_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool is_host_pattern_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '%' ||
           c == '_' || c == ':';
}

std::string sha1(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_Digest(data.data(), data.size(), out, &len, EVP_sha1(), nullptr);
    return std::string(reinterpret_cast<char*>(out), len);
}

Error bad_host() {
    return validation("Invalid remote_host (an IP address, a CIDR, a host name or pattern, or %)");
}

// "a.b.c.d/n" -> "network/netmask" (a /32 is the plain address).
Result<SqlHost> ipv4_cidr(std::string_view s, size_t slash) {
    std::string addr(s.substr(0, slash));
    std::string bits(s.substr(slash + 1));
    in_addr a{};
    if (::inet_pton(AF_INET, addr.c_str(), &a) != 1) return bad_host();
    if (bits.empty() || bits.size() > 2 ||
        !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return bad_host();
    int n = std::stoi(bits);
    if (n > 32) return bad_host();
    uint32_t mask = n == 0 ? 0 : ~uint32_t{0} << (32 - n);
    in_addr net{htonl(ntohl(a.s_addr) & mask)};
    in_addr m{htonl(mask)};
    char nb[INET_ADDRSTRLEN], mb[INET_ADDRSTRLEN];
    ::inet_ntop(AF_INET, &net, nb, sizeof nb);
    ::inet_ntop(AF_INET, &m, mb, sizeof mb);
    return SqlHost::parse_stored(n == 32 ? std::string(nb) : std::string(nb) + "/" + mb);
}

}  // namespace

Result<SqlName> SqlName::parse(std::string_view s, size_t max_len, std::string_view field) {
    if (s.empty() || !std::all_of(s.begin(), s.end(), is_name_char))
        return validation("Invalid " + std::string(field) + " (only [a-zA-Z0-9_] allowed)");
    if (s.size() > max_len)
        return validation("Invalid " + std::string(field) + " (at most " + std::to_string(max_len) +
                          " characters with the owner prefix)");
    return SqlName(std::string(s));
}

Result<SqlHost> SqlHost::parse_remote(std::string_view s) {
    if (s.empty() || s.size() > 255) return bad_host();
    if (s == "%") return SqlHost("%");
    std::string str(s);
    // MariaDB matches IPv4 address/netmask only; an IPv6 CIDR is refused.
    if (auto slash = s.find('/'); slash != std::string_view::npos) return ipv4_cidr(s, slash);
    in_addr a4{};
    if (::inet_pton(AF_INET, str.c_str(), &a4) == 1) {
        char b[INET_ADDRSTRLEN];
        ::inet_ntop(AF_INET, &a4, b, sizeof b);
        return SqlHost(b);
    }
    in6_addr a6{};
    if (::inet_pton(AF_INET6, str.c_str(), &a6) == 1) {
        char b[INET6_ADDRSTRLEN];
        ::inet_ntop(AF_INET6, &a6, b, sizeof b);
        return SqlHost(b);
    }
    // A host name or pattern: letters, digits, dots, hyphens, wildcards.
    if (s.find(':') != std::string_view::npos) return bad_host();
    for (char c : s)
        if (!is_host_pattern_char(c)) return bad_host();
    std::string lower = to_lower(s);
    if (lower == "localhost") return validation("remote_host cannot be localhost");
    return SqlHost(lower);
}

Result<SqlHost> SqlHost::parse_stored(std::string_view s) {
    if (s.empty() || s.size() > 255) return bad_host();
    for (char c : s)
        if (!is_host_pattern_char(c) && c != '/') return bad_host();
    return SqlHost(std::string(s));
}

PasswordHash PasswordHash::of(std::string_view password) {
    std::string digest = sha1(sha1(password));
    std::string out = "*";
    char hex[3];
    for (unsigned char c : digest) {
        std::snprintf(hex, sizeof hex, "%02X", c);
        out += hex;
    }
    return PasswordHash(out);
}

Result<PasswordHash> PasswordHash::parse(std::string_view s) {
    if (s.size() != 41 || s[0] != '*' || !std::all_of(s.begin() + 1, s.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
        }))
        return internal("unexpected password hash format");
    return PasswordHash(std::string(s));
}

std::string quote_ident(const SqlName& name) {
    return "`" + name.str() + "`";
}

std::string quote_grant_db(const SqlName& name) {
    std::string out = "`";
    for (char c : name.str()) {
        if (c == '_' || c == '%' || c == '\\') out += '\\';
        out += c;
    }
    return out + "`";
}

std::string quote_literal(const SqlName& name) {
    return "'" + name.str() + "'";
}

std::string quote_literal(const SqlHost& host) {
    return "'" + host.str() + "'";
}

std::string quote_like_prefix(const SqlName& prefix) {
    std::string out = "'";
    for (char c : prefix.str()) {
        if (c == '_') out += "\\\\";
        out += c;
    }
    return out + "%'";
}

std::string quote_account(const SqlName& user, const SqlHost& host) {
    return "'" + user.str() + "'@'" + host.str() + "'";
}

std::string quote_hash(const PasswordHash& hash) {
    return "'" + hash.str() + "'";
}

}  // namespace wsp
