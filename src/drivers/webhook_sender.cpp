#include "drivers/webhook_sender.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/url/parse.hpp>
#include <chrono>
#include <cstring>

#include "base/strings.h"
#include "drivers/curl_library.h"

namespace wsp {
namespace {

bool v4_public(uint32_t a) {  // host order
    auto in = [a](uint32_t net, int bits) {
        const uint32_t mask = bits == 0 ? 0 : ~uint32_t{0} << (32 - bits);
        return (a & mask) == net;
    };
    return !(in(0x00000000, 8) || in(0x0a000000, 8) || in(0x64400000, 10) || in(0x7f000000, 8) ||
             in(0xa9fe0000, 16) || in(0xac100000, 12) || in(0xc0000000, 24) || in(0xc0000200, 24) ||
             in(0xc0a80000, 16) || in(0xc6120000, 15) || in(0xc6336400, 24) || in(0xcb007100, 24) ||
             in(0xe0000000, 4) || in(0xf0000000, 4));
}

bool v6_public(const in6_addr& a) {
    const uint8_t* b = a.s6_addr;
    if (IN6_IS_ADDR_UNSPECIFIED(&a) || IN6_IS_ADDR_LOOPBACK(&a) || IN6_IS_ADDR_LINKLOCAL(&a) ||
        IN6_IS_ADDR_SITELOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a))
        return false;
    if ((b[0] & 0xfe) == 0xfc) return false;                           // fc00::/7 ULA
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)  // documentation
        return false;
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms: the IPv4 rule.
    if (IN6_IS_ADDR_V4MAPPED(&a) || IN6_IS_ADDR_V4COMPAT(&a)) {
        uint32_t v4;
        std::memcpy(&v4, b + 12, 4);
        return v4_public(ntohl(v4));
    }
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {  // NAT64
        uint32_t v4;
        std::memcpy(&v4, b + 12, 4);
        return v4_public(ntohl(v4));
    }
    return true;
}

size_t discard(char*, size_t size, size_t n, void*) {
    return size * n;
}

}  // namespace

Result<WebhookTarget> parse_webhook_url(const std::string& url) {
    auto u = boost::urls::parse_absolute_uri(url);
    if (!u) return validation("url is not a valid absolute URL");
    WebhookTarget t;
    t.scheme = to_lower(std::string(u->scheme()));
    if (t.scheme != "http" && t.scheme != "https")
        return validation("scheme must be http or https");
    if (!u->has_authority() || u->host().empty()) return validation("url must name a host");
    if (u->has_userinfo()) return validation("url must not carry credentials");
    if (u->host_type() == boost::urls::host_type::ipv6)
        t.host = u->host_ipv6_address().to_string();
    else if (u->host_type() == boost::urls::host_type::ipv4)
        t.host = u->host_ipv4_address().to_string();
    else if (u->host_type() == boost::urls::host_type::name)
        t.host = to_lower(std::string(u->host_name()));
    else
        return validation("url host is not supported");
    if (u->has_port()) {
        if (u->port_number() == 0) return validation("url port is invalid");
        t.port = u->port_number();
    } else {
        t.port = t.scheme == "https" ? 443 : 80;
    }
    return t;
}

bool is_public_address(std::string_view ip) {
    const std::string s(ip);
    in_addr v4{};
    if (::inet_pton(AF_INET, s.c_str(), &v4) == 1) return v4_public(ntohl(v4.s_addr));
    in6_addr v6{};
    if (::inet_pton(AF_INET6, s.c_str(), &v6) == 1) return v6_public(v6);
    return false;
}

Result<std::string> resolve_webhook_host(const WebhookTarget& target, bool allow_private) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (::getaddrinfo(target.host.c_str(), nullptr, &hints, &res) != 0 || !res)
        return validation("url host '" + target.host + "' does not resolve");
    std::vector<std::string> addresses;
    for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        if (ai->ai_family == AF_INET)
            ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, buf,
                        sizeof buf);
        else if (ai->ai_family == AF_INET6)
            ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, buf,
                        sizeof buf);
        else
            continue;
        addresses.emplace_back(buf);
    }
    ::freeaddrinfo(res);
    if (addresses.empty()) return validation("url host '" + target.host + "' does not resolve");
    // Every address must pass: a name answering with one public and one
    // private address could otherwise be steered to the private one.
    if (!allow_private)
        for (const auto& a : addresses)
            if (!is_public_address(a))
                return validation("url resolves to a private, loopback or link-local address (" +
                                  a + "); refused unless webhooks.allow_private is set");
    return addresses.front();
}

WebhookPost post_webhook(const std::string& url, const WebhookTarget& target,
                         const std::string& address, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         int64_t timeout_s) {
    WebhookPost out;
    const CurlLibrary* c = curl_library();
    if (!c) {
        out.error = "libcurl is not available";
        return out;
    }
    CURL* curl = c->easy_init();
    if (!curl) {
        out.error = "curl_easy_init failed";
        return out;
    }
    const bool v6 = address.find(':') != std::string::npos;
    const std::string pin = target.host + ":" + std::to_string(target.port) + ":" +
                            (v6 ? "[" + address + "]" : address);
    curl_slist* resolve = c->slist_append(nullptr, pin.c_str());
    curl_slist* list = nullptr;
    for (const auto& [name, value] : headers)
        list = c->slist_append(list, (name + ": " + value).c_str());
    list = c->slist_append(list, "Expect:");
    c->easy_setopt(curl, CURLOPT_URL, url.c_str());
    c->easy_setopt(curl, CURLOPT_RESOLVE, resolve);
    c->easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    c->easy_setopt(curl, CURLOPT_POST, 1L);
    c->easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    c->easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    c->easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    c->easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    c->easy_setopt(curl, CURLOPT_PROXY, "");
    c->easy_setopt(curl, CURLOPT_NOPROXY, "*");
    c->easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    c->easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, static_cast<long>(timeout_s));
    c->easy_setopt(curl, CURLOPT_TIMEOUT, static_cast<long>(timeout_s));
    c->easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard);
    const auto started = std::chrono::steady_clock::now();
    CURLcode rc = c->easy_perform(curl);
    out.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
    if (rc == CURLE_OK) {
        long code = 0;
        c->easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        out.status = code;
    } else {
        out.error = c->easy_strerror(rc);
    }
    c->easy_cleanup(curl);
    c->slist_free_all(list);
    c->slist_free_all(resolve);
    return out;
}

}  // namespace wsp

namespace wsp {
std::string hmac_sha256_hex(std::string_view key, std::string_view body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < len; ++i) {
        out += kHex[mac[i] >> 4];
        out += kHex[mac[i] & 15];
    }
    return out;
}
}  // namespace wsp
