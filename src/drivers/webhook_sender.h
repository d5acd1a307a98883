#pragma once
// Outgoing webhook requests (docs/integrations.md): the URL's host is
// resolved here, every address is checked against the SSRF rule, and curl
// connects only to the address that was checked (CURLOPT_RESOLVE), so a DNS
// answer that changes between the check and the connection cannot slip a
// private address through. Blocking: the webhook worker's thread only.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.h"

namespace wsp {

struct WebhookTarget {
    std::string scheme;  // http | https
    std::string host;    // as in the URL (no brackets)
    uint16_t port = 0;
};

// "scheme must be http or https", a URL without a host, ...: 400s.
Result<WebhookTarget> parse_webhook_url(const std::string& url);

// True for addresses a webhook may reach without webhooks.allow_private:
// not loopback, private (RFC 1918, fc00::/7), link-local, CGNAT
// (100.64/10), unspecified, multicast, broadcast, documentation or
// IPv4-mapped forms of those. `ip` is a numeric address.
bool is_public_address(std::string_view ip);

// Resolves the host and returns the address to connect to (the first one
// allowed); a 400 when it does not resolve or, unless `allow_private`,
// when any address it resolves to is not public.
Result<std::string> resolve_webhook_host(const WebhookTarget& target, bool allow_private);

struct WebhookPost {
    int64_t status = 0;  // HTTP status; 0: no answer
    int64_t duration_ms = 0;
    std::string error;  // transport error ("" when an answer came)
};

// POSTs `body` to `url`, connecting to `address` only; no redirects, no
// proxy. Never fails as a Result: the outcome says what happened.
WebhookPost post_webhook(const std::string& url, const WebhookTarget& target,
                         const std::string& address, const std::string& body,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         int64_t timeout_s);

}  // namespace wsp

namespace wsp {
// The X-WisPanel-Signature value's hex: HMAC-SHA256 of `body` keyed with
// the hook's secret (its 64 hex characters as bytes).
std::string hmac_sha256_hex(std::string_view key, std::string_view body);
}  // namespace wsp
