#include "http/loopback_proxy.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/url/parse.hpp>
#include <cctype>

#include "base/strings.h"
#include "http/json_io.h"

namespace wsp {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

// Headers that describe one connection, not the message (RFC 9110 7.6.1),
// plus the ones the proxy sets itself.
bool hop_by_hop(std::string_view name) {
    for (std::string_view h : {"connection", "keep-alive", "proxy-connection", "te", "trailer",
                               "transfer-encoding", "upgrade", "content-length"})
        if (iequals(name, h)) return true;
    return istarts_with(name, "proxy-");
}

bool forwardable_request_header(std::string_view name) {
    return !hop_by_hop(name) && !iequals(name, "authorization") && !iequals(name, "expect") &&
           !istarts_with(name, "x-forwarded-") && !iequals(name, "forwarded");
}

bool forwardable_response_header(std::string_view name) {
    // php -S echoes the request's Host in its answer; it means nothing here.
    return !hop_by_hop(name) && !iequals(name, "server") && !iequals(name, "content-type") &&
           !iequals(name, "x-powered-by") && !iequals(name, "host");
}

Response plain(unsigned status, std::string text) {
    Response r;
    r.status = status;
    r.content_type = "text/plain; charset=utf-8";
    r.body = std::move(text) + "\n";
    return r;
}

}  // namespace

bool LoopbackProxy::owns(std::string_view raw_path) const {
    const std::string& p = options_.prefix;
    return raw_path == p ||
           (raw_path.size() > p.size() && raw_path.starts_with(p) && raw_path[p.size()] == '/');
}

std::optional<std::string> proxy_target_problem(std::string_view target, std::string_view prefix) {
    auto url = boost::urls::parse_origin_form(target);
    if (!url) return "Malformed request target";
    const std::string_view raw_path = url->encoded_path();
    if (raw_path != prefix && !(raw_path.size() > prefix.size() && raw_path.starts_with(prefix) &&
                                raw_path[prefix.size()] == '/'))
        return "Not a phpMyAdmin path";
    // Segment by segment, decoded: nothing that could climb out of the
    // prefix once the upstream decodes and normalises the path.
    for (std::string decoded : url->segments()) {
        if (decoded == "." || decoded == "..") return "Path must not contain '.' or '..' segments";
        if (decoded.find('/') != std::string::npos || decoded.find('\\') != std::string::npos ||
            decoded.find('\0') != std::string::npos)
            return "Path must not contain encoded '/', '\\' or NUL";
    }
    if (url->encoded_query().find("%00") != std::string_view::npos)
        return "Query must not contain NUL";
    return std::nullopt;
}

std::string confine_cookie(std::string_view set_cookie, std::string_view path, bool secure) {
    std::string out;
    bool first = true;
    bool has_secure = false;
    size_t start = 0;
    while (start <= set_cookie.size()) {
        size_t semi = set_cookie.find(';', start);
        if (semi == std::string_view::npos) semi = set_cookie.size();
        std::string_view part = trim(set_cookie.substr(start, semi - start));
        start = semi + 1;
        if (first) {
            out = std::string(part);  // name=value
            first = false;
            continue;
        }
        if (part.empty()) continue;
        std::string_view attr = part.substr(0, part.find('='));
        if (iequals(trim(attr), "path") || iequals(trim(attr), "domain")) continue;
        if (iequals(trim(attr), "secure")) has_secure = true;
        out += "; ";
        out += part;
    }
    out += "; Path=";
    out += path;
    if (secure && !has_secure) out += "; Secure";
    return out;
}

std::string rewrite_location(std::string_view location, uint16_t upstream_port,
                             std::string_view prefix) {
    std::string loc(location);
    // An absolute URL naming the upstream: keep only its path and query.
    for (std::string host : {"127.0.0.1", "localhost"}) {
        const std::string origin = "http://" + host + ":" + std::to_string(upstream_port);
        if (istarts_with(loc, origin)) {
            loc = loc.substr(origin.size());
            if (loc.empty() || loc.front() != '/') loc.insert(loc.begin(), '/');
            break;
        }
    }
    // A path-absolute location outside the prefix is one the upstream meant
    // relative to its own root.
    if (loc.starts_with('/') && !loc.starts_with("//")) {
        std::string_view path(loc);
        path = path.substr(0, path.find_first_of("?#"));
        const bool under =
            path == prefix ||
            (path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/');
        if (!under) loc.insert(0, prefix);
    }
    return loc;
}

// The upstream request for `in`, or the answer given without asking
// upstream (a refused target, the prefix's redirect).
std::variant<http::request<http::string_body>, Response> LoopbackProxy::prepare(
    const ProxyRequest& in) const {
    if (auto problem = proxy_target_problem(in.target, options_.prefix))
        return error_response(validation(*problem));
    const std::string_view path = std::string_view(in.target).substr(0, in.target.find('?'));
    if (path == options_.prefix) {
        Response r = plain(308, "Moved");
        r.headers.emplace_back("Location",
                               options_.prefix + "/" + in.target.substr(options_.prefix.size()));
        return r;
    }

    http::request<http::string_body> req{in.method, in.target, 11};
    std::string host;
    for (const auto& [name, value] : in.headers) {
        if (iequals(name, "host")) {
            host = value;
            continue;
        }
        if (forwardable_request_header(name)) req.insert(name, value);
    }
    req.set(http::field::host, host.empty() ? "127.0.0.1" : host);
    req.set("X-Forwarded-For", in.client_ip);
    req.set("X-Forwarded-Proto", options_.tls ? "https" : "http");
    if (!host.empty()) req.set("X-Forwarded-Host", host);
    req.set(http::field::connection, "close");
    for (const auto& [name, value] : options_.upstream_headers) req.set(name, value);
    req.body() = in.body;
    if (!in.body.empty() || in.method == Verb::post || in.method == Verb::put ||
        in.method == Verb::patch)
        req.prepare_payload();
    return req;
}

Response LoopbackProxy::forward(const ProxyRequest& in) const {
    // A private loop: the same exchange as forward_async, run to the end
    // on the calling thread.
    asio::io_context ioc(1);
    std::optional<Response> out;
    asio::co_spawn(
        ioc, [&]() -> asio::awaitable<void> { out = co_await forward_async(in); }, asio::detached);
    ioc.run();
    return out ? std::move(*out) : plain(502, "phpMyAdmin gave no valid answer");
}

asio::awaitable<Response> LoopbackProxy::forward_async(const ProxyRequest& in) const {
    auto prepared = prepare(in);
    if (auto* answer = std::get_if<Response>(&prepared)) co_return std::move(*answer);
    auto& req = std::get<http::request<http::string_body>>(prepared);
    const std::string path = in.target.substr(0, in.target.find('?'));

    // On the caller's executor (the connection's event loop): the deadline
    // covers connect, send and the whole answer, and while phpMyAdmin
    // thinks no thread waits.
    beast::tcp_stream stream(co_await asio::this_coro::executor);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(static_cast<uint64_t>(std::max<int64_t>(0, options_.max_response_bytes)));
    parser.header_limit(64 * 1024);
    if (in.method == Verb::head) parser.skip(true);
    beast::error_code result;
    bool connected = false;
    stream.expires_after(options_.timeout);
    asio::ip::tcp::endpoint upstream(asio::ip::address_v4::loopback(), options_.port);
    co_await stream.async_connect(upstream, asio::redirect_error(asio::use_awaitable, result));
    if (!result) {
        connected = true;
        co_await http::async_write(stream, req, asio::redirect_error(asio::use_awaitable, result));
    }
    if (!result)
        co_await http::async_read(stream, buffer, parser,
                                  asio::redirect_error(asio::use_awaitable, result));
    beast::error_code ignored;
    stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);

    if (result == beast::error::timeout) co_return plain(504, "phpMyAdmin did not answer in time");
    if (result == http::error::body_limit) {
        spdlog::warn("pma proxy: answer to {} exceeds {} bytes", path, options_.max_response_bytes);
        co_return plain(502, "phpMyAdmin's answer is too large");
    }
    if (result) {
        if (!connected) {
            // Its supervisor restarts it (json_io.cpp: the API's 503s say the same).
            Response down = plain(503, "phpMyAdmin is not running");
            down.headers.emplace_back("Retry-After", "5");
            co_return down;
        }
        spdlog::warn("pma proxy: {} {}: {}", std::string(http::to_string(in.method)), path,
                     result.message());
        co_return plain(502, "phpMyAdmin gave no valid answer");
    }

    auto& res = parser.get();
    Response out;
    out.status = res.result_int();
    out.content_type = std::string(res[http::field::content_type]);
    if (out.content_type.empty()) out.content_type = "text/html; charset=utf-8";
    for (const auto& field : res) {
        std::string_view name = field.name_string();
        std::string_view value = field.value();
        if (!forwardable_response_header(name)) continue;
        if (iequals(name, "set-cookie"))
            out.headers.emplace_back("Set-Cookie",
                                     confine_cookie(value, options_.prefix + "/", options_.tls));
        else if (iequals(name, "location"))
            out.headers.emplace_back("Location",
                                     rewrite_location(value, options_.port, options_.prefix));
        else
            out.headers.emplace_back(std::string(name), std::string(value));
    }
    out.body = std::move(res.body());
    co_return out;
}

}  // namespace wsp
