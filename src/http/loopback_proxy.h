#pragma once
// A small buffered reverse proxy for one path prefix to an HTTP server on
// 127.0.0.1: phpMyAdmin (`php -S`, which cannot listen on a unix socket) is
// served at /pma/ behind the panel's own HTTPS listener and never on a
// public port.
//
// The upstream address is fixed (127.0.0.1:port); a request only chooses
// the path below the prefix, and a target that is not a plain origin-form
// path under the prefix ("..", "." or an encoded "/" in a segment, NUL,
// backslash) is refused before anything is sent. The request's headers are
// forwarded except hop-by-hop ones, Authorization (a panel token is none of
// phpMyAdmin's business) and any X-Forwarded-* the client made up; the
// response's Set-Cookie are confined to the prefix (Path, plus Secure behind
// TLS) and a Location pointing at the upstream is rewritten to the panel.
// forward_async runs on the caller's event loop (the server uses it: a slow
// phpMyAdmin page holds a socket, never a worker); forward blocks.
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/message.h"

namespace wsp {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct ProxyRequest {
    Verb method = Verb::get;
    std::string target;  // raw origin-form target: path and query
    HeaderList headers;
    std::string body;
    std::string client_ip;
};

struct LoopbackProxyOptions {
    std::string prefix = "/pma";  // no trailing slash
    uint16_t port = 0;            // upstream on 127.0.0.1
    bool tls = false;             // the panel's listener is HTTPS
    int64_t max_response_bytes = 64 * 1024 * 1024;
    std::chrono::seconds timeout{120};  // connect, send, and the whole answer
    // Set on every request sent upstream, replacing any the client sent
    // (phpMyAdmin: the per-start secret its router demands).
    HeaderList upstream_headers;
};

class LoopbackProxy {
  public:
    explicit LoopbackProxy(LoopbackProxyOptions options) : options_(std::move(options)) {}

    // Whether a raw request path (no query) is the proxy's: the prefix
    // itself or anything below "<prefix>/".
    bool owns(std::string_view raw_path) const;

    // Sends the request upstream and returns its answer; 400 for a refused
    // target, 502 when the upstream does not answer properly, 504 on timeout.
    Response forward(const ProxyRequest& request) const;
    // The same, without blocking: awaited on an event loop. `request` must
    // live until the answer (by reference: GCC 12 destroys a by-value
    // coroutine argument made in a co_await expression twice, PR 99576).
    boost::asio::awaitable<Response> forward_async(const ProxyRequest& request) const;

    const LoopbackProxyOptions& options() const { return options_; }

  private:
    std::variant<boost::beast::http::request<boost::beast::http::string_body>, Response> prepare(
        const ProxyRequest& request) const;

    LoopbackProxyOptions options_;
};

// Exposed for unit tests.
// nullopt: the target may go upstream; otherwise why not.
std::optional<std::string> proxy_target_problem(std::string_view target, std::string_view prefix);
// A Set-Cookie value with its Path set to `path` and, when `secure`, Secure.
std::string confine_cookie(std::string_view set_cookie, std::string_view path, bool secure);
// A Location value from upstream as the client must see it.
std::string rewrite_location(std::string_view location, uint16_t upstream_port,
                             std::string_view prefix);

}  // namespace wsp
