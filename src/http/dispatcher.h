#pragma once
// What happens to a request between the wire and its handler, in order:
// match the route (404/405), authenticate the bearer token (401/403), check
// the key's scope and the rate limit (403/429), take a blocking slot (429
// when the account, or for an unauthenticated request the address, already
// holds its share of the workers), then run the handler. All of this needs
// only the header, so a rejected request's body is never read.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/fields.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "config/config.h"
#include "http/concurrency_caps.h"
#include "http/loopback_proxy.h"
#include "http/message.h"
#include "http/router.h"
#include "http/static_files.h"
#include "services/auth_index.h"
#include "services/rate_limiter.h"

namespace wsp {

struct Services;

struct Admission {
    std::optional<Response> rejection;  // set: answer this, skip the handler
    const Route* route = nullptr;
    Request request;
    std::optional<Authenticated> auth;
    RateLimitHeaders rate_limit;  // copied onto the answer
    // Set for a request to the reverse proxy's prefix (phpMyAdmin): run()
    // forwards it, with the raw target and the request's headers.
    const LoopbackProxy* proxy = nullptr;
    std::string target;
    HeaderList request_headers;
    // The route's own body limit; 0: server.max_body_bytes (also for
    // admissions that set no route limit at all).
    uint64_t body_limit = 0;
    // A blocking slot (worker routes): held until the answer is written,
    // streamed bodies included; the server keeps it that long.
    ConcurrencyCaps::Slot blocking_slot;
};

// The last bearer token a connection sent and its SHA-256 (hex): a
// keep-alive client sends the same token on every request, so the hash is
// computed once per connection instead of once per request. Lives with the
// connection; wiped when it ends.
struct TokenMemo {
    std::string token;
    std::string hash;
    TokenMemo() = default;
    TokenMemo(const TokenMemo&) = delete;
    TokenMemo& operator=(const TokenMemo&) = delete;
    ~TokenMemo();
};

class Dispatcher {
  public:
    // `static_files`: the web interface, answering GET/HEAD outside /api
    // that no route matched (null: those are 404 too). `proxy`: phpMyAdmin
    // at its prefix, any method, no API token (null: no such prefix).
    Dispatcher(const Router& router, Services& services, AuthIndex& index, RateLimiter& limiter,
               const Config& config, const Clock& clock, const StaticFiles* static_files = nullptr,
               const LoopbackProxy* proxy = nullptr)
        : router_(router),
          services_(services),
          index_(index),
          limiter_(limiter),
          config_(config),
          clock_(clock),
          static_files_(static_files),
          proxy_(proxy) {}

    // Requests for `prefix` (itself or below it) are answered with a 308 to
    // the same target on origin() ("scheme://host:port"; 404 while empty):
    // phpMyAdmin moved from the panel's origin to its own.
    void moved_prefix(std::string prefix, std::function<std::string()> origin) {
        moved_prefix_ = std::move(prefix);
        moved_origin_ = std::move(origin);
    }

    // `memo`: the connection's last token and hash (null: hash every time).
    Admission admit(Verb method, std::string_view target, std::string_view authorization,
                    const std::string& client_ip, std::string_view accept_encoding = {},
                    TokenMemo* memo = nullptr) const;
    // Runs the handler of an admitted request whose body has been read.
    Response run(Admission& admission) const;
    // A proxied request (admission.proxy), forwarded without blocking the
    // calling event loop.
    boost::asio::awaitable<Response> forward(Admission& admission) const;
    // Keeps the request's header fields when the admission needs them (a
    // proxied request); the server calls it once the body is read.
    void keep_headers(Admission& admission, const boost::beast::http::fields& fields) const;
    // For a streamed route (route->open_sink): opens its sink (worker).
    SinkOpening open_sink(Admission& admission) const;
    // Records a mutating request in the audit log (worker thread; run()
    // does it itself, the server calls it for streamed bodies).
    void audit(const Admission& admission, unsigned status) const;
    // Records a refusal before the handler: 401 (no valid credential) or
    // 429 (a rate limit, a busy share); coalesced by AuditService (worker).
    void audit_refusal(const Admission& admission, unsigned status) const;
    // The services (the server counts requests in services().metrics).
    Services& services() const { return services_; }
    // Adds the admission's headers (rate limit) to a response made outside
    // run() (a sink's answer).
    static void decorate(const Admission& admission, Response& response);

  private:
    // The handler, behind Idempotency-Key when the request carries one.
    Response run_idempotent(Admission& admission) const;
    // Sets admission.blocking_slot, or returns the 429 when the share is
    // taken.
    std::optional<Response> take_blocking_slot(Admission& admission) const;

    const Router& router_;
    Services& services_;
    AuthIndex& index_;
    RateLimiter& limiter_;
    const Config& config_;
    const Clock& clock_;  // sessions' expiry, rate-limit windows
    const StaticFiles* static_files_;
    const LoopbackProxy* proxy_;
    std::string moved_prefix_;
    std::function<std::string()> moved_origin_;
    // Worker-route requests in flight per account / per unauthenticated
    // address (server.max_blocking_per_account, max_unauthenticated_per_ip).
    std::shared_ptr<ConcurrencyCaps> caps_ = std::make_shared<ConcurrencyCaps>();
};

}  // namespace wsp
