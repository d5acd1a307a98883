#pragma once
// The HTTP(S) server: Boost.Beast on Asio with C++20 coroutines. One
// single-threaded io_context per event-loop thread; each connection is
// pinned to one of them (round robin), so a connection's coroutine never
// needs a strand or a lock. Keep-alive; header, body and
// idle deadlines against slow clients; a cap on connections, in all and per
// client address; handlers that may block run on the worker pool, never on
// the event loop (and each account gets only its share of it: dispatcher.h).
//
// Streaming: a route with an `open_sink` gets its body in chunks (one chunk
// written by a worker while the next is read from the socket; body_timeout_s
// is then a timeout of inactivity), and a Response with a `source` is
// pulled in chunks on the worker pool (sendfile on plain HTTP when the
// source is a span of an open file). Memory per connection stays constant.
#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "http/concurrency_caps.h"
#include "http/dispatcher.h"

namespace wsp {

class HttpServer {
  public:
    // `loops`: the event loops (at least one); the acceptor runs on the first.
    HttpServer(std::vector<boost::asio::io_context*> loops, boost::asio::thread_pool& workers,
               const Dispatcher& dispatcher, const ServerConfig& config,
               boost::asio::ssl::context* tls);

    // Binds "host:port" (port 0 picks a free one).
    Result<void> listen(const std::string& host_port);
    uint16_t port() const { return port_; }
    void start();
    // Stops accepting, closes connections that are between requests, and
    // lets requests in flight finish; the event loop then runs dry.
    void shutdown();

  private:
    struct Connection;

    boost::asio::awaitable<void> accept_loop();
    template <class Stream>
    boost::asio::awaitable<void> serve(Stream& stream, std::shared_ptr<Connection> conn,
                                       std::string peer);
    template <class Stream>
    boost::asio::awaitable<void> serve_connection(boost::asio::ip::tcp::socket socket,
                                                  ConcurrencyCaps::Slot per_ip_slot);
    // A streamed request body (route->open_sink): opens the sink, feeds it
    // the body chunk by chunk; nullopt when the connection is gone.
    template <class Stream, class HeaderParser>
    boost::asio::awaitable<std::optional<Response>> stream_request(
        Stream& stream, boost::beast::flat_buffer& buffer, HeaderParser& header_parser,
        Admission& admission, unsigned version, bool& keep_alive, bool& linger);
    // Writes a response (string or streamed body); returns the body bytes
    // sent, or nullopt when the connection failed.
    template <class Stream>
    boost::asio::awaitable<std::optional<uint64_t>> write_response(Stream& stream,
                                                                   Response& response,
                                                                   unsigned version,
                                                                   bool keep_alive, bool head,
                                                                   const std::string& request_id);
    template <class Stream>
    boost::asio::awaitable<std::optional<uint64_t>> write_source(Stream& stream,
                                                                 Response& response);
    boost::asio::awaitable<bool> send_file(boost::asio::ip::tcp::socket& socket,
                                           BodySource::FileSpan span);
    // Runs `f` on the worker pool while the coroutine waits.
    template <class F>
    auto on_worker(F&& f) -> boost::asio::awaitable<decltype(f())>;

    void track(const std::shared_ptr<Connection>& conn);
    void untrack(const std::shared_ptr<Connection>& conn);

    std::vector<boost::asio::io_context*> loops_;
    size_t next_loop_ = 0;
    boost::asio::thread_pool& workers_;
    const Dispatcher& dispatcher_;
    const ServerConfig& config_;
    boost::asio::ssl::context* tls_;
    boost::asio::ip::tcp::acceptor acceptor_;
    uint16_t port_ = 0;
    std::atomic<bool> stopping_{false};
    std::atomic<int64_t> open_connections_{0};
    // Open connections per client address (server.max_connections_per_ip).
    std::shared_ptr<ConcurrencyCaps> connections_per_ip_ = std::make_shared<ConcurrencyCaps>();
    std::mutex conns_mutex_;
    std::unordered_map<uint64_t, std::shared_ptr<Connection>> conns_;
    uint64_t next_id_ = 0;
};

// A server-side TLS context from PEM files (TLS 1.2+).
Result<std::unique_ptr<boost::asio::ssl::context>> make_tls_context(const std::string& cert,
                                                                    const std::string& key);

}  // namespace wsp
