#include "http/server.h"

#include <spdlog/spdlog.h>

#include <cstdio>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "base/secrets.h"
#include "http/json_io.h"

namespace wsp {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::awaitable;
using asio::use_awaitable;
using tcp = asio::ip::tcp;

// Lives as long as its connection; touched only on the connection's loop.
struct HttpServer::Connection {
    explicit Connection(asio::any_io_executor ex) : loop(std::move(ex)) {}
    uint64_t id = 0;
    asio::any_io_executor loop;
    bool idle = true;  // between requests: safe to close on shutdown
    std::function<void()> close;
};

namespace {

std::string client_address(const tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return "";
    auto a = ep.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

// 16 hex characters, unique per process and random across restarts, at the
// cost of an atomic increment (no syscall per request).
std::string next_request_id() {
    static const std::string prefix = random_hex(4);
    static std::atomic<uint64_t> counter{0};
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(++counter));
    return prefix + buf;
}

template <class Stream>
auto& tcp_of(Stream& s) {
    return beast::get_lowest_layer(s);
}

}  // namespace

HttpServer::HttpServer(std::vector<asio::io_context*> loops, asio::thread_pool& workers,
                       const Dispatcher& dispatcher, const ServerConfig& config,
                       asio::ssl::context* tls)
    : loops_(std::move(loops)),
      workers_(workers),
      dispatcher_(dispatcher),
      config_(config),
      tls_(tls),
      acceptor_(*loops_.front()) {}

Result<void> HttpServer::listen(const std::string& host_port) {
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos) return validation("listen address must be HOST:PORT");
    std::string host = host_port.substr(0, colon);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    beast::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) return validation("listen address '" + host + "' is not an IP address");
    unsigned long port = 0;
    try {
        port = std::stoul(host_port.substr(colon + 1));
    } catch (...) {
        return validation("listen port must be a number");
    }
    if (port > 65535) return validation("listen port must be at most 65535");
    tcp::endpoint ep(address, static_cast<uint16_t>(port));
    acceptor_.open(ep.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(ep, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) return Error{Code::internal, "cannot listen on " + host_port + ": " + ec.message()};
    port_ = acceptor_.local_endpoint().port();
    return Ok{};
}

void HttpServer::start() {
    asio::co_spawn(*loops_.front(), accept_loop(), asio::detached);
}

awaitable<void> HttpServer::accept_loop() {
    while (!stopping_) {
        asio::any_io_executor loop = loops_[next_loop_++ % loops_.size()]->get_executor();
        beast::error_code ec;
        tcp::socket socket =
            co_await acceptor_.async_accept(loop, asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (stopping_ || ec == asio::error::operation_aborted) co_return;
            spdlog::warn("accept failed: {}", ec.message());
            continue;
        }
        // Over the cap: close at once rather than let one client starve all.
        if (open_connections_ >= config_.max_connections) {
            socket.close(ec);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        if (tls_)
            asio::co_spawn(
                loop, serve_connection<beast::ssl_stream<beast::tcp_stream>>(std::move(socket)),
                asio::detached);
        else
            asio::co_spawn(loop, serve_connection<beast::tcp_stream>(std::move(socket)),
                           asio::detached);
    }
}

void HttpServer::track(const std::shared_ptr<Connection>& conn) {
    std::lock_guard lock(conns_mutex_);
    conn->id = ++next_id_;
    conns_[conn->id] = conn;
}

void HttpServer::untrack(const std::shared_ptr<Connection>& conn) {
    std::lock_guard lock(conns_mutex_);
    conns_.erase(conn->id);
}

template <class Stream>
awaitable<void> HttpServer::serve_connection(tcp::socket socket) {
    ++open_connections_;
    auto conn = std::make_shared<Connection>(socket.get_executor());
    const std::string peer = client_address(socket);
    std::unique_ptr<Stream> stream;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
        stream = std::make_unique<Stream>(std::move(socket));
    else
        stream = std::make_unique<Stream>(beast::tcp_stream(std::move(socket)), *tls_);
    conn->close = [s = stream.get()] {
        beast::error_code ignored;
        tcp_of(*s).socket().shutdown(tcp::socket::shutdown_both, ignored);
    };
    track(conn);
    beast::error_code ec;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        tcp_of(*stream).expires_after(std::chrono::seconds(config_.header_timeout_s));
        co_await stream->async_handshake(asio::ssl::stream_base::server,
                                         asio::redirect_error(use_awaitable, ec));
    }
    if (!ec && !stopping_) co_await serve(*stream, conn, peer);
    conn->close = nullptr;
    untrack(conn);
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        if (!ec) {
            tcp_of(*stream).expires_after(std::chrono::seconds(2));
            co_await stream->async_shutdown(asio::redirect_error(use_awaitable, ec));
        }
    }
    tcp_of(*stream).socket().close(ec);
    --open_connections_;
}

namespace {

using StringResponse = http::response<http::string_body>;

StringResponse to_beast(Response&& r, unsigned version, bool keep_alive,
                        const std::string& request_id) {
    StringResponse res{static_cast<http::status>(r.status), version};
    res.set(http::field::server, "WisPanel");
    res.set(http::field::content_type, r.content_type);
    res.set("X-Request-Id", request_id);
    for (auto& [name, value] : r.headers) res.set(name, value);
    res.body() = std::move(r.body);
    res.keep_alive(keep_alive);
    res.prepare_payload();
    return res;
}

}  // namespace

template <class Stream>
awaitable<void> HttpServer::serve(Stream& stream, std::shared_ptr<Connection> conn,
                                  std::string peer) {
    beast::flat_buffer buffer;
    bool first = true;
    for (;;) {
        if (stopping_) co_return;
        http::request_parser<http::empty_body> header_parser;
        header_parser.header_limit(static_cast<uint32_t>(config_.max_header_bytes));
        header_parser.body_limit(boost::none);  // checked per route below
        conn->idle = true;
        // A whole header must arrive within the deadline, however slowly it
        // trickles in (slowloris); between requests the idle deadline holds.
        tcp_of(stream).expires_after(
            std::chrono::seconds(first ? config_.header_timeout_s : config_.idle_timeout_s));
        beast::error_code ec;
        co_await http::async_read_header(stream, buffer, header_parser,
                                         asio::redirect_error(use_awaitable, ec));
        conn->idle = false;
        const auto started = std::chrono::steady_clock::now();
        const std::string request_id = next_request_id();
        Response response;
        bool keep_alive = false;
        unsigned version = 11;
        bool head_request = false;
        std::string method_text = "-", path_text = "-", user = "-";

        if (ec == http::error::header_limit) {
            response = error_response({Code::too_large, "Request header too large"});
        } else if (ec) {
            co_return;  // closed, timed out, or garbage: nothing to answer
        } else {
            auto& header = header_parser.get();
            version = header.version();
            head_request = header.method() == http::verb::head;
            keep_alive = header.keep_alive();
            method_text = std::string(header.method_string());
            path_text = std::string(header.target().substr(0, header.target().find('?')));
            Admission admission = dispatcher_.admit(header.method(), header.target(),
                                                    header[http::field::authorization], peer,
                                                    header[http::field::accept_encoding]);
            if (admission.auth) user = admission.auth->caller.username;
            admission.request.host = std::string(header[http::field::host]);
            admission.request.accept = std::string(header[http::field::accept]);
            const uint64_t limit = static_cast<uint64_t>(config_.max_body_bytes);
            if (!admission.rejection && header_parser.content_length() &&
                *header_parser.content_length() > limit) {
                admission.rejection =
                    error_response({Code::too_large, "Request body too large (limit " +
                                                         std::to_string(limit) + " bytes)"});
            }
            if (admission.rejection) {
                response = std::move(*admission.rejection);
                // The body was not read; the connection cannot be reused.
                if (!header_parser.is_done()) keep_alive = false;
            } else {
                if (header[http::field::expect] == "100-continue") {
                    http::response<http::empty_body> cont{http::status::continue_, version};
                    co_await http::async_write(stream, cont,
                                               asio::redirect_error(use_awaitable, ec));
                    if (ec) co_return;
                }
                http::request_parser<http::string_body> parser(std::move(header_parser));
                parser.body_limit(limit);
                tcp_of(stream).expires_after(std::chrono::seconds(config_.body_timeout_s));
                co_await http::async_read(stream, buffer, parser,
                                          asio::redirect_error(use_awaitable, ec));
                if (ec == http::error::body_limit) {
                    response = error_response({Code::too_large, "Request body too large"});
                    keep_alive = false;
                } else if (ec) {
                    co_return;
                } else {
                    admission.request.body = std::move(parser.get().body());
                    admission.request.content_type =
                        std::string(parser.get()[http::field::content_type]);
                    if (admission.route->exec == Exec::worker) {
                        response = co_await asio::co_spawn(
                            workers_,
                            [&]() -> awaitable<Response> { co_return dispatcher_.run(admission); },
                            use_awaitable);
                    } else {
                        response = dispatcher_.run(admission);
                    }
                }
            }
        }
        if (response.delay.count() > 0) {
            asio::steady_timer timer(co_await asio::this_coro::executor, response.delay);
            co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
        }
        if (stopping_) keep_alive = false;
        const unsigned status = response.status;
        StringResponse res = to_beast(std::move(response), version, keep_alive, request_id);
        // A HEAD answer is the header alone (Content-Length still says how
        // long the body would be); a body sent anyway would be read as the
        // start of the next response on this connection.
        if (head_request) res.body().clear();
        const size_t bytes = res.body().size();
        tcp_of(stream).expires_after(std::chrono::seconds(config_.body_timeout_s));
        co_await http::async_write(stream, res, asio::redirect_error(use_awaitable, ec));
        if (config_.access_log) {
            auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() -
                                                                started)
                          .count();
            spdlog::info("{} \"{} {}\" {} {} {:.1f}ms user={} rid={}", peer, method_text, path_text,
                         status, bytes, ms, user, request_id);
        }
        if (ec || !keep_alive) co_return;
        first = false;
    }
}

void HttpServer::shutdown() {
    if (stopping_.exchange(true)) return;
    asio::post(*loops_.front(), [this] {
        beast::error_code ec;
        acceptor_.close(ec);
    });
    std::lock_guard lock(conns_mutex_);
    for (auto& [id, conn] : conns_) {
        asio::post(conn->loop, [conn] {
            if (conn->idle && conn->close) conn->close();
        });
    }
}

Result<std::unique_ptr<asio::ssl::context>> make_tls_context(const std::string& cert,
                                                             const std::string& key) {
    auto ctx = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    beast::error_code ec;
    ctx->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                         asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                     ec);
    ctx->use_certificate_chain_file(cert, ec);
    if (ec) return validation("cannot load TLS certificate: " + ec.message());
    ctx->use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec) return validation("cannot load TLS key: " + ec.message());
    return ctx;
}

}  // namespace wsp
