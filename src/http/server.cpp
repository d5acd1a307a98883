#include "http/server.h"

#include <spdlog/spdlog.h>

#include <sys/sendfile.h>

#include <array>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <type_traits>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "base/secrets.h"
#include "base/text_cursor.h"
#include "http/access_log.h"
#include "http/io_deadline.h"
#include "http/json_io.h"
#include "http/tls_io.h"
#include "http/tls_stream.h"
#include "services/metrics.h"
#include "services/services.h"
#include "system/tls_policy.h"

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

// Out of descriptors (or kernel memory): how long accepting pauses. The
// connection waiting in the backlog would fail again at once.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);

bool out_of_resources(const beast::error_code& ec) {
    return ec == asio::error::no_descriptors ||
           ec == boost::system::errc::too_many_files_open_in_system ||
           ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

std::string client_address(const tcp::socket& socket) {
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (ec) return "";
    auto a = ep.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string();
    return a.to_string();
}

// 15 hex characters, unique per process and random across restarts, at the
// cost of an atomic increment (no syscall per request).
std::string next_request_id() {
    // 7 random hex digits for the process, 8 for the count: 15 characters,
    // what a std::string holds without an allocation (16 took two per
    // request, the id and the request's copy).
    static const std::string prefix = random_hex(4).substr(0, 7);
    static std::atomic<uint64_t> counter{0};
    static constexpr char kHex[] = "0123456789abcdef";
    auto n = static_cast<uint32_t>(++counter);
    std::string id = prefix;
    id.resize(prefix.size() + 8);
    for (size_t i = id.size(); i-- > prefix.size(); n >>= 4) id[i] = kHex[n & 0xf];
    return id;
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
    // sendfile(2) to a client that went away would raise SIGPIPE (asio's own
    // writes use MSG_NOSIGNAL); the error is handled where it happens.
    // Children get the default back (system/process.cpp).
    ::signal(SIGPIPE, SIG_IGN);
    asio::co_spawn(*loops_.front(), accept_loop(), asio::detached);
}

awaitable<void> HttpServer::accept_loop() {
    bool starved = false;  // out of descriptors: said once per episode
    while (!stopping_) {
        asio::any_io_executor loop = loops_[next_loop_++ % loops_.size()]->get_executor();
        beast::error_code ec;
        tcp::socket socket =
            co_await acceptor_.async_accept(loop, asio::redirect_error(use_awaitable, ec));
        if (ec) {
            if (stopping_ || ec == asio::error::operation_aborted) co_return;
            if (!out_of_resources(ec)) {
                spdlog::warn("accept failed: {}", ec.message());
                continue;
            }
            // Accepting again at once would fail at once: a loop burning a
            // core and flooding the log. Pause; the clients wait in the
            // backlog until connections close (docs/reliability.md "Faults").
            if (!starved)
                spdlog::warn("accept failed: {}; pausing accepts until descriptors free up",
                             ec.message());
            starved = true;
            asio::steady_timer pause(acceptor_.get_executor(), kAcceptPause);
            co_await pause.async_wait(asio::redirect_error(use_awaitable, ec));
            continue;
        }
        if (starved) spdlog::info("accepting again");
        starved = false;
        // Over the cap: close at once rather than let one client starve all.
        if (open_connections_ >= config_.max_connections) {
            socket.close(ec);
            continue;
        }
        // One address gets only its share of the connections, so it cannot
        // fill the global cap and lock every other client out.
        ConcurrencyCaps::Slot per_ip =
            connections_per_ip_->acquire(client_address(socket), config_.max_connections_per_ip);
        if (!per_ip) {
            socket.close(ec);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        if (tls_)
            asio::co_spawn(loop, serve_connection<TlsStream>(std::move(socket), std::move(per_ip)),
                           asio::detached);
        else
            asio::co_spawn(
                loop, serve_connection<beast::tcp_stream>(std::move(socket), std::move(per_ip)),
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
awaitable<void> HttpServer::serve_connection(tcp::socket socket,
                                             ConcurrencyCaps::Slot per_ip_slot) {
    ++open_connections_;
    auto conn = std::make_shared<Connection>(socket.get_executor());
    const std::string peer = client_address(socket);
    std::unique_ptr<Stream> stream;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
        stream = std::make_unique<Stream>(std::move(socket));
    else
        stream = std::make_unique<Stream>(std::move(socket), tls_->native_handle());
    conn->close = [s = stream.get()] {
        beast::error_code ignored;
        tcp_of(*s).socket().shutdown(tcp::socket::shutdown_both, ignored);
    };
    track(conn);
    beast::error_code ec;
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
        tcp_of(*stream).expires_after(std::chrono::seconds(config_.header_timeout_s));
        co_await stream->async_handshake(asio::redirect_error(use_awaitable, ec));
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
    per_ip_slot.reset();
    --open_connections_;
}

namespace {

// Streamed bodies move in chunks of this size: big enough that the hand-off
// to a worker costs nothing next to the copy, small enough that two per
// connection (one being read while the other is written) stay cheap.
constexpr size_t kChunk = 1024 * 1024;
constexpr size_t kReadRoom = 256 * 1024;
// sendfile(2) per worker hop, at most.
constexpr uint64_t kSendfileStep = 16 * 1024 * 1024;

template <class Fields>
void set_common(Fields& res, const Response& r, const std::string& request_id) {
    res.set(http::field::server, "WisPanel");
    if (!r.content_type.empty()) res.set(http::field::content_type, r.content_type);
    res.set("X-Request-Id", request_id);
    // insert, not set: an answer may carry a header twice (Set-Cookie).
    for (auto& [name, value] : r.headers) res.insert(name, value);
}

// ASCII case-insensitive equality (header names are ASCII; std::tolower
// is a call into the locale per character).
bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    for (size_t i = 0; i < a.size(); ++i)
        if (lower(a[i]) != lower(b[i])) return false;
    return true;
}

// The status line and header of an answer with an in-memory body, as
// Beast's serializer writes them (same fields, same order: Server,
// Content-Type, X-Request-Id, the answer's own, HSTS, Connection,
// Content-Length), written into one buffer. Beast's serializer walked a
// buffers_cat_view of every field and allocated one element per field: with
// the header it was a fifth of an /auth/me request's instructions.
void write_head(TextCursor& out, const Response& r, unsigned version, bool keep_alive,
                const std::string& request_id, bool hsts) {
    using namespace std::string_view_literals;  // no strlen per piece
    out.put(version == 10 ? "HTTP/1.0 "sv : "HTTP/1.1 "sv);
    out.put_decimal(r.status);
    out.put(' ');
    out.put(http::obsolete_reason(static_cast<http::status>(r.status)));
    out.put("\r\nServer: WisPanel\r\n"sv);
    if (!r.content_type.empty()) {
        out.put("Content-Type: "sv);
        out.put(r.content_type);
        out.put("\r\n"sv);
    }
    out.put("X-Request-Id: "sv);
    out.put(request_id);
    out.put("\r\n"sv);
    for (const auto& [name, value] : r.headers) {
        // The framing is the server's: Beast replaced these too.
        if (iequal(name, "Content-Length") || iequal(name, "Connection") ||
            iequal(name, "Transfer-Encoding"))
            continue;
        out.put(name);
        out.put(": "sv);
        out.put(value);
        out.put("\r\n"sv);
    }
    if (const RateLimitHeaders& rl = r.rate_limit; rl.present) {
        if (rl.unlimited) {
            out.put(
                "X-RateLimit-Limit: unlimited\r\nX-RateLimit-Remaining: unlimited\r\n"
                "X-RateLimit-Reset: 0\r\n"sv);
        } else {
            out.put("X-RateLimit-Limit: "sv);
            out.put_signed(rl.limit);
            out.put("\r\nX-RateLimit-Remaining: "sv);
            out.put_signed(rl.remaining);
            out.put("\r\nX-RateLimit-Reset: "sv);
            out.put_signed(rl.reset_at);
            out.put("\r\n"sv);
        }
    }
    if (hsts) out.put("Strict-Transport-Security: max-age=31536000\r\n"sv);
    if (version == 10 && keep_alive) out.put("Connection: keep-alive\r\n"sv);
    if (version != 10 && !keep_alive) out.put("Connection: close\r\n"sv);
    // 204 and 304 carry no body and no Content-Length (RFC 9110 8.6).
    if (r.status != 204 && r.status != 304) {
        out.put("Content-Length: "sv);
        out.put_decimal(r.body.size());
        out.put("\r\n"sv);
    }
    out.put("\r\n"sv);
}

struct ChunkRead {
    beast::error_code ec;
    size_t bytes = 0;
};

// Reads the next part of a body into `into` (until it is full or the body
// ends). The deadline is renewed for every read from the socket: a long
// upload is fine as long as bytes keep coming.
template <class Stream, class Parser>
awaitable<ChunkRead> read_chunk(Stream& stream, beast::flat_buffer& buffer, Parser& parser,
                                std::vector<char>& into, int64_t timeout_s) {
    auto& body = parser.get().body();
    body.data = into.data();
    body.size = into.size();
    beast::error_code ec;
    while (!parser.is_done() && body.size > 0) {
        tcp_of(stream).expires_after(std::chrono::seconds(timeout_s));
        co_await http::async_read_some(stream, buffer, parser,
                                       asio::redirect_error(use_awaitable, ec));
        if (ec == http::error::need_buffer) {
            ec = {};
            break;
        }
        if (ec) break;
    }
    co_return ChunkRead{ec, into.size() - body.size};
}

}  // namespace

template <class F>
auto HttpServer::on_worker(F&& f) -> awaitable<decltype(f())> {
    using R = decltype(f());
    co_return co_await asio::co_spawn(
        workers_, [&]() -> awaitable<R> { co_return f(); }, use_awaitable);
}

template <class Stream, class HeaderParser>
awaitable<std::optional<Response>> HttpServer::stream_request(
    Stream& stream, beast::flat_buffer& buffer, HeaderParser& header_parser, Admission& admission,
    unsigned version, bool& keep_alive, bool& linger) {
    using namespace asio::experimental::awaitable_operators;
    SinkOpening opening = co_await on_worker([&] { return dispatcher_.open_sink(admission); });
    if (!opening.sink) {
        // Answered before the body: it was not read, so the connection ends.
        if (!header_parser.is_done()) keep_alive = false;
        co_return std::move(opening.response);
    }
    BodySink& sink = *opening.sink;
    auto abort = [&]() -> awaitable<void> {
        co_await on_worker([&] {
            sink.abort();
            return 0;
        });
    };
    beast::error_code ec;
    if (header_parser.get()[http::field::expect] == "100-continue") {
        http::response<http::empty_body> cont{http::status::continue_, version};
        tcp_of(stream).expires_after(std::chrono::seconds(config_.body_timeout_s));
        co_await http::async_write(stream, cont, asio::redirect_error(use_awaitable, ec));
        if (ec) {
            co_await abort();
            co_return std::nullopt;
        }
    }
    http::request_parser<http::buffer_body> parser(std::move(header_parser));
    parser.body_limit(admission.body_limit);
    // Beast reads into the free space of `buffer` (at most 64 KB a time);
    // sized for the header only, that is a few KB per syscall. Room for
    // full-size reads while a chunked body streams, given back afterwards.
    if (parser.chunked()) buffer.reserve(kReadRoom);
    struct Shrink {
        beast::flat_buffer& b;
        ~Shrink() { b.shrink_to_fit(); }
    } shrink{buffer};
    const int64_t timeout = config_.body_timeout_s;
    std::vector<char> front(kChunk), back(kChunk);
    auto write_chunk = [&](std::vector<char>& data, size_t n) -> awaitable<std::optional<Error>> {
        if (n == 0) co_return std::nullopt;
        co_return co_await on_worker([&]() -> std::optional<Error> {
            auto r = sink.write(std::string_view(data.data(), n));
            if (!r) return r.error();
            return std::nullopt;
        });
    };
    // A body with a Content-Length is read straight into the chunk buffers
    // (big reads, no copy through the parser); a chunked one goes through
    // Beast's parser, which decodes the framing.
    const bool chunked = parser.chunked();
    uint64_t remaining = parser.content_length().value_or(0);
    auto read_next = [&](std::vector<char>& into) -> awaitable<ChunkRead> {
        if (chunked) co_return co_await read_chunk(stream, buffer, parser, into, timeout);
        // First what came in with the header.
        size_t filled = asio::buffer_copy(
            asio::buffer(into.data(),
                         static_cast<size_t>(std::min<uint64_t>(into.size(), remaining))),
            buffer.data());
        buffer.consume(filled);
        remaining -= filled;
        beast::error_code ec;
        while (remaining > 0 && filled < into.size()) {
            tcp_of(stream).expires_after(std::chrono::seconds(timeout));
            size_t want = static_cast<size_t>(std::min<uint64_t>(into.size() - filled, remaining));
            size_t n = co_await stream.async_read_some(asio::buffer(into.data() + filled, want),
                                                       asio::redirect_error(use_awaitable, ec));
            if (ec) break;
            filled += n;
            remaining -= n;
        }
        co_return ChunkRead{ec, filled};
    };
    auto body_done = [&] { return chunked ? parser.is_done() : remaining == 0; };
    ChunkRead got = co_await read_next(front);
    std::optional<Error> failed;
    // Network and disk overlap: the worker writes one chunk while the
    // coroutine reads the next from the socket.
    while (!got.ec) {
        if (body_done()) {
            failed = co_await write_chunk(front, got.bytes);
            break;
        }
        auto [wrote, next] = co_await (write_chunk(front, got.bytes) && read_next(back));
        std::swap(front, back);
        got = next;
        if (wrote) {
            failed = std::move(wrote);
            break;
        }
    }
    if (failed || got.ec) {
        co_await abort();
        keep_alive = false;
        linger = true;
        if (failed) co_return error_response(*failed);
        if (got.ec == http::error::body_limit)
            co_return error_response({Code::too_large, "Request body too large (limit " +
                                                           std::to_string(admission.body_limit) +
                                                           " bytes)"});
        co_return std::nullopt;  // gone, timed out or garbage: nothing to answer
    }
    Response response = co_await on_worker([&] { return sink.finish(); });
    Dispatcher::decorate(admission, response);
    co_return response;
}

awaitable<bool> HttpServer::send_file(tcp::socket& socket, BodySource::FileSpan span) {
    using namespace asio::experimental::awaitable_operators;
    beast::error_code ec;
    socket.native_non_blocking(true, ec);
    if (ec) co_return false;
    const int out = socket.native_handle();
    uint64_t offset = span.offset, left = span.length;
    while (left > 0) {
        // The disk may be read here: on a worker, never on the loop. The
        // socket is non-blocking, so a slow client costs a wait below, not
        // a thread.
        int err = co_await on_worker([&] {
            uint64_t sent = 0;
            while (left > 0 && sent < kSendfileStep) {
                off_t off = static_cast<off_t>(offset);
                ssize_t n = ::sendfile(out, span.fd, &off, std::min(left, kSendfileStep - sent));
                if (n > 0) {
                    offset += static_cast<uint64_t>(n);
                    left -= static_cast<uint64_t>(n);
                    sent += static_cast<uint64_t>(n);
                    continue;
                }
                if (n == 0) return EIO;  // the file shrank under us
                if (errno == EINTR) continue;
                return errno;
            }
            return 0;
        });
        if (err == 0) continue;
        if (err != EAGAIN) co_return false;
        asio::steady_timer timer(socket.get_executor(),
                                 std::chrono::seconds(config_.body_timeout_s));
        auto which =
            co_await (socket.async_wait(tcp::socket::wait_write, asio::as_tuple(use_awaitable)) ||
                      timer.async_wait(asio::as_tuple(use_awaitable)));
        if (which.index() != 0 || std::get<0>(std::get<0>(which))) co_return false;
    }
    co_return true;
}

template <class Stream>
awaitable<std::optional<uint64_t>> HttpServer::write_source(Stream& stream, Response& response) {
    using namespace asio::experimental::awaitable_operators;
    BodySource& source = *response.source;
    const bool chunked = !response.source_length;
    const uint64_t length = response.source_length.value_or(0);
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
        auto span = source.file_span();
        if (span && !chunked && span->length == length) {
            if (!co_await send_file(tcp_of(stream).socket(), *span)) co_return std::nullopt;
            co_return length;
        }
    }
    auto pull = [&](std::vector<char>& into) -> awaitable<int64_t> {
        co_return co_await on_worker([&]() -> int64_t {
            auto r = source.read(std::span<char>(into.data(), into.size()));
            if (!r) {
                spdlog::warn("streamed response failed: {}", r.error().message);
                return -1;
            }
            return static_cast<int64_t>(*r);
        });
    };
    auto push = [&](std::vector<char>& data, size_t n) -> awaitable<beast::error_code> {
        beast::error_code ec;
        tcp_of(stream).expires_after(std::chrono::seconds(config_.body_timeout_s));
        if (chunked) {
            char size_line[24];
            int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", n);
            std::array<asio::const_buffer, 3> parts{
                asio::buffer(size_line, static_cast<size_t>(len)), asio::buffer(data.data(), n),
                asio::buffer("\r\n", 2)};
            co_await asio::async_write(stream, parts, asio::redirect_error(use_awaitable, ec));
        } else {
            co_await asio::async_write(stream, asio::buffer(data.data(), n),
                                       asio::redirect_error(use_awaitable, ec));
        }
        co_return ec;
    };
    std::vector<char> front(kChunk), back(kChunk);
    uint64_t sent = 0;
    int64_t n = co_await pull(front);
    while (n > 0) {
        if (!chunked && sent + static_cast<uint64_t>(n) > length)
            co_return std::nullopt;  // longer than announced: the stream is broken
        // The socket takes one chunk while a worker reads the next.
        auto [ec, next] = co_await (push(front, static_cast<size_t>(n)) && pull(back));
        if (ec) co_return std::nullopt;
        sent += static_cast<uint64_t>(n);
        std::swap(front, back);
        n = next;
    }
    if (n < 0 || (!chunked && sent != length)) co_return std::nullopt;
    if (chunked) {
        beast::error_code ec;
        co_await asio::async_write(stream, asio::buffer("0\r\n\r\n", 5),
                                   asio::redirect_error(use_awaitable, ec));
        if (ec) co_return std::nullopt;
    }
    co_return sent;
}

template <class Stream>
awaitable<std::optional<uint64_t>> HttpServer::write_response(Stream& stream, Response& response,
                                                              unsigned version, bool keep_alive,
                                                              bool head,
                                                              const std::string& request_id) {
    beast::error_code ec;
    // Browsers that reached the panel over HTTPS keep to it (HSTS): the
    // header goes on every answer over TLS.
    // An in-memory answer's deadline is the caller's (IoDeadline).
    if (!response.source) {
        // A HEAD answer is the header alone (Content-Length still says how
        // long the body would be); a body sent anyway would be read as the
        // start of the next response on this connection. So is a 204/304.
        const bool no_body = head || response.status == 204 || response.status == 304;
        const uint64_t bytes = no_body ? 0 : response.body.size();
        TextCursor head(384 + response.headers.size() * 64 + (bytes <= 16 * 1024 ? bytes : 0));
        write_head(head, response, version, keep_alive, request_id, tls_ != nullptr);
        // A small body goes in the header's buffer: one TLS record, one
        // send.
        if (bytes > 0 && bytes <= 16 * 1024) head.put(response.body);
        const std::string head_text = std::move(head).take();
        if constexpr (std::is_same_v<Stream, TlsStream>)
            ec = co_await tls_write_all(stream, asio::buffer(head_text));
        else
            co_await asio::async_write(stream, asio::buffer(head_text),
                                       asio::redirect_error(use_awaitable, ec));
        if (ec) co_return std::nullopt;
        // A bigger one follows in its own write (no copy).
        if (bytes > 16 * 1024) {
            co_await asio::async_write(stream, asio::buffer(response.body.data(), bytes),
                                       asio::redirect_error(use_awaitable, ec));
            if (ec) co_return std::nullopt;
        }
        co_return bytes;
    }
    tcp_of(stream).expires_after(std::chrono::seconds(config_.body_timeout_s));
    // The rate-limit headers, then HSTS, as write_head orders them.
    for (auto& pair : response.rate_limit.pairs()) response.headers.push_back(std::move(pair));
    response.rate_limit.present = false;
    if (tls_) response.headers.emplace_back("Strict-Transport-Security", "max-age=31536000");
    http::response<http::empty_body> res{static_cast<http::status>(response.status), version};
    set_common(res, response, request_id);
    res.keep_alive(keep_alive);
    if (response.source_length)
        res.content_length(*response.source_length);
    else
        res.chunked(true);
    http::response_serializer<http::empty_body> serializer(res);
    co_await http::async_write_header(stream, serializer, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return std::nullopt;
    if (head) co_return 0;
    co_return co_await write_source(stream, response);
}

template <class Stream>
awaitable<void> HttpServer::serve(Stream& stream, std::shared_ptr<Connection> conn,
                                  std::string peer) {
    beast::flat_buffer buffer;
    TokenMemo token_memo;  // the connection's bearer token, hashed once
    bool first = true;
    // The header read and an in-memory answer's write run under `deadline`;
    // the rarer paths (bodies, streams, uploads, lingering) under the
    // stream's own expiry (Beast's basic_stream, or TlsStream's), which must
    // be off again before the next IoDeadline phase.
    auto deadline = std::make_shared<IoDeadline>(co_await asio::this_coro::executor,
                                                 [&stream] { tcp_of(stream).close(); });
    struct StopDeadline {
        IoDeadline& d;
        ~StopDeadline() { d.stop(); }
    } stop_deadline{*deadline};
    bool beast_expiry = true;  // the TLS handshake's may still be set
    auto beast_deadline = [&](int64_t seconds) {
        tcp_of(stream).expires_after(std::chrono::seconds(seconds));
        beast_expiry = true;
    };
    auto beast_expiry_off = [&] {
        if (!beast_expiry) return;
        tcp_of(stream).expires_never();
        beast_expiry = false;
    };
    for (;;) {
        if (stopping_) co_return;
        http::request_parser<http::empty_body> header_parser;
        header_parser.header_limit(static_cast<uint32_t>(config_.max_header_bytes));
        header_parser.body_limit(boost::none);  // checked per route below
        conn->idle = true;
        // A whole header must arrive within the deadline, however slowly it
        // trickles in (slowloris); between requests the idle deadline holds.
        beast_expiry_off();
        deadline->arm(
            std::chrono::seconds(first ? config_.header_timeout_s : config_.idle_timeout_s));
        beast::error_code ec;
        if constexpr (std::is_same_v<Stream, TlsStream>)
            ec = co_await tls_read_header(stream, buffer, header_parser);
        else
            co_await http::async_read_header(stream, buffer, header_parser,
                                             asio::redirect_error(use_awaitable, ec));
        deadline->disarm();
        conn->idle = false;
        const auto started = std::chrono::steady_clock::now();
        const std::string request_id = next_request_id();
        Response response;
        // The admission's blocking slot, held until the answer is written.
        ConcurrencyCaps::Slot blocking_slot;
        bool keep_alive = false;
        unsigned version = 11;
        bool head_request = false;
        bool linger = false;  // an upload refused half way: let the client read why
        std::string method_text = "-", path_text = "-", user = "-";
        std::string_view route_text = "unmatched";  // the metrics' label (static text)

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
            if (config_.access_log) path_text = loggable_target(header.target());
            // The fields the server needs, in one pass over the header
            // (the first of each, as operator[] would find it).
            std::string_view authorization, accept_encoding, content_type, expect;
            for (const auto& f : header) {
                std::string_view* slot = nullptr;
                switch (f.name()) {
                    case http::field::authorization:
                        slot = &authorization;
                        break;
                    case http::field::accept_encoding:
                        slot = &accept_encoding;
                        break;
                    case http::field::content_type:
                        slot = &content_type;
                        break;
                    case http::field::expect:
                        slot = &expect;
                        break;
                    default:
                        break;
                }
                if (slot && slot->data() == nullptr) {
                    const auto v = f.value();
                    *slot = v.empty() ? std::string_view{""} : std::string_view(v.data(), v.size());
                }
            }
            Admission admission = dispatcher_.admit(header.method(), header.target(), authorization,
                                                    peer, accept_encoding, &token_memo);
            admission.request.request_id = request_id;
            if (admission.auth && config_.access_log) user = admission.auth->caller.username;
            if (admission.proxy)
                route_text = "/pma";
            else if (admission.route)
                route_text = admission.route->pattern;
            blocking_slot = std::move(admission.blocking_slot);
            if (admission.body_limit == 0)
                admission.body_limit = static_cast<uint64_t>(config_.max_body_bytes);
            const uint64_t limit = admission.body_limit;
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
                // A known caller refused by policy (a key's scope, 2FA
                // enrolment) is audited too; so are 401s and 429s, coalesced
                // per address and minute (a flood cannot fill the log).
                if (admission.auth && admission.route && response.status == 403) {
                    const unsigned denied = response.status;
                    co_await on_worker([&] {
                        dispatcher_.audit(admission, denied);
                        return 0;
                    });
                } else if (admission.route && (response.status == 401 || response.status == 429)) {
                    const unsigned refused = response.status;
                    co_await on_worker([&] {
                        dispatcher_.audit_refusal(admission, refused);
                        return 0;
                    });
                }
            } else {
                // Handlers on the worker pool get the request's headers;
                // event-loop handlers (answered from memory) need none, and
                // the copy would cost the hottest routes (/auth/me).
                if (admission.route->exec == Exec::worker) {
                    admission.request.headers.reserve(header.begin() == header.end() ? 0 : 8);
                    for (const auto& field : header) {
                        std::string name(field.name_string());
                        for (auto& ch : name) ch = static_cast<char>(std::tolower(ch));
                        admission.request.headers.emplace_back(std::move(name),
                                                               std::string(field.value()));
                    }
                }
                admission.request.content_type = std::string(content_type);
                if (admission.route->open_sink) {
                    beast_expiry = true;  // stream_request sets its own
                    auto streamed = co_await stream_request(stream, buffer, header_parser,
                                                            admission, version, keep_alive, linger);
                    if (!streamed) co_return;
                    response = std::move(*streamed);
                    const unsigned streamed_status = response.status;
                    co_await on_worker([&] {
                        dispatcher_.audit(admission, streamed_status);
                        return 0;
                    });
                } else {
                    if (expect == "100-continue") {
                        beast_deadline(config_.body_timeout_s);
                        http::response<http::empty_body> cont{http::status::continue_, version};
                        co_await http::async_write(stream, cont,
                                                   asio::redirect_error(use_awaitable, ec));
                        if (ec) co_return;
                    }
                    bool have_body = true;
                    if (header_parser.is_done()) {
                        // No body (a GET): no second read through Beast's
                        // composed operation.
                        dispatcher_.keep_headers(admission, header_parser.get());
                    } else {
                        http::request_parser<http::string_body> parser(std::move(header_parser));
                        parser.body_limit(limit);
                        beast_deadline(config_.body_timeout_s);
                        co_await http::async_read(stream, buffer, parser,
                                                  asio::redirect_error(use_awaitable, ec));
                        if (ec == http::error::body_limit) {
                            response = error_response({Code::too_large, "Request body too large"});
                            keep_alive = false;
                            have_body = false;
                        } else if (ec) {
                            co_return;
                        } else {
                            admission.request.body = std::move(parser.get().body());
                            dispatcher_.keep_headers(admission, parser.get());
                        }
                    }
                    if (have_body) {
                        if (admission.proxy) {
                            // On the event loop: a slow phpMyAdmin page holds
                            // a socket, not a worker.
                            response = co_await dispatcher_.forward(admission);
                        } else if (admission.route->exec == Exec::worker) {
                            response =
                                co_await on_worker([&] { return dispatcher_.run(admission); });
                        } else {
                            response = dispatcher_.run(admission);
                        }
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
        if (response.source) {
            beast_expiry = true;  // write_response sets Beast's for a streamed answer
        } else {
            beast_expiry_off();
            deadline->arm(std::chrono::seconds(config_.body_timeout_s));
        }
        auto bytes = co_await write_response(stream, response, version, keep_alive, head_request,
                                             request_id);
        deadline->disarm();
        // Whatever a streamed response held (an open file) goes now, and
        // so does the account's blocking slot.
        response.source.reset();
        blocking_slot.reset();
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        if (auto* metrics = dispatcher_.services().metrics.get())
            metrics->observe(method_text, route_text, status, seconds);
        if (config_.access_log) {
            auto ms = seconds * 1000.0;
            spdlog::info("{} \"{} {}\" {} {} {:.1f}ms user={} rid={}", peer, method_text, path_text,
                         status, bytes.value_or(0), ms, user, request_id);
        }
        if (bytes && linger) {
            // The client may still be sending the rest of its upload; closing
            // now would reset the connection and lose the answer. Read and
            // drop what comes for a short while (bounded), as nginx's
            // lingering close does.
            std::vector<char> sink(64 * 1024);
            uint64_t dropped = 0;
            beast_deadline(2);
            while (dropped < (64u << 20)) {
                size_t n = co_await stream.async_read_some(asio::buffer(sink),
                                                           asio::redirect_error(use_awaitable, ec));
                if (ec) break;
                dropped += n;
            }
        }
        if (!bytes || !keep_alive) co_return;
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
    for (auto& entry : conns_) {
        auto conn = entry.second;  // a copy: a lambda cannot capture a binding in clang 14
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
    // The panel's cipher policy (system/tls_policy.h); no renegotiation.
    SSL_CTX* native = ctx->native_handle();
    SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
    if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1)
        return internal("cannot set the TLS cipher list");
    ctx->use_certificate_chain_file(cert, ec);
    if (ec) return validation("cannot load TLS certificate: " + ec.message());
    ctx->use_private_key_file(key, asio::ssl::context::pem, ec);
    if (ec) return validation("cannot load TLS key: " + ec.message());
    return ctx;
}

}  // namespace wsp
