#pragma once

// TLS on the connection's own socket (issue 24). asio's ssl::stream ran
// every record through a memory BIO pair, its engine's state machine and
// Beast's basic_stream below it (a timer operation per read and write when a
// deadline was set). Here OpenSSL reads through a small BIO from this
// stream's input buffer, which asio's async_read_some fills (so asio's own
// readiness tracking decides when a recv is worth trying: one recv per
// request), and writes straight to the non-blocking socket (send, one
// async_wait when it is full).
//
// A Beast AsyncStream (async_read_some, async_write_some, get_executor)
// and its own lowest layer: socket(), expires_after(), expires_never() and
// close() are what the server asks of beast::tcp_stream. One read and one
// write may be pending at once; every completion is posted, never run
// inside the initiating call (as asio's own sockets do).

#include <openssl/ssl.h>

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/compose.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/error.hpp>

#include "http/io_deadline.h"

namespace wsp {

// One attempt at an SSL call: done (with an error or a byte count), or
// waiting for the socket.
struct TlsStep {
    enum class Want { nothing, read, write };
    Want want = Want::nothing;
    boost::system::error_code ec;
    size_t bytes = 0;
};

class TlsStream {
  public:
    using executor_type = boost::asio::any_io_executor;
    // Largest plaintext of one TLS record: what a write coalesces into one.
    static constexpr size_t kRecord = 16 * 1024;
    // One record with its header and padding fits the input buffer.
    static constexpr size_t kInput = kRecord + 512;

    TlsStream(boost::asio::ip::tcp::socket socket, SSL_CTX* ctx);
    ~TlsStream();
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    executor_type get_executor() { return socket_.get_executor(); }
    boost::asio::ip::tcp::socket& socket() { return socket_; }

    // What basic_stream offers: a deadline for the operations that follow;
    // when it passes the socket is closed and they end with
    // beast::error::timeout.
    void expires_after(std::chrono::steady_clock::duration d) { deadline_->arm(d); }
    void expires_never() { deadline_->disarm(); }
    void close();

    template <class Buffers, class Token>
    auto async_read_some(const Buffers& buffers, Token&& token) {
        boost::asio::mutable_buffer into;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it) {
            boost::asio::mutable_buffer b(*it);
            if (b.size() > 0) {
                into = b;
                break;
            }
        }
        return run(
            [this, into] {
                return into.size() == 0 ? TlsStep{} : try_read(into.data(), into.size());
            },
            std::forward<Token>(token));
    }

    template <class Buffers, class Token>
    auto async_write_some(const Buffers& buffers, Token&& token) {
        // Small pieces (a header and its body, a chunk's size line) go in
        // one record: each SSL_write is a record and a send.
        boost::asio::const_buffer from;
        size_t pieces = 0;
        for (auto it = boost::asio::buffer_sequence_begin(buffers);
             it != boost::asio::buffer_sequence_end(buffers); ++it) {
            boost::asio::const_buffer b(*it);
            if (b.size() == 0) continue;
            if (pieces == 0) {
                from = b;
                pieces = 1;
                if (b.size() >= kRecord) break;
                continue;
            }
            if (pieces++ == 1)
                write_copy_.assign(static_cast<const char*>(from.data()), from.size());
            const size_t take = std::min(b.size(), kRecord - write_copy_.size());
            write_copy_.append(static_cast<const char*>(b.data()), take);
            if (write_copy_.size() == kRecord) break;
        }
        if (pieces > 1) from = boost::asio::buffer(write_copy_);
        return run(
            [this, from] {
                return from.size() == 0 ? TlsStep{} : try_write(from.data(), from.size());
            },
            std::forward<Token>(token));
    }

    template <class Token>
    auto async_handshake(Token&& token) {
        return run([this] { return try_handshake(); }, std::forward<Token>(token));
    }

    // Sends close_notify; does not wait for the peer's.
    template <class Token>
    auto async_shutdown(Token&& token) {
        return run([this] { return try_shutdown(); }, std::forward<Token>(token));
    }

    // One attempt, now, without waiting: what OpenSSL can read from the
    // bytes already received, or write while the socket has room. With
    // wait_for, the server's hot path (src/http/tls_io.h) needs no composed
    // operation when a request or an answer is already there.
    TlsStep try_read(void* data, size_t size);
    TlsStep try_write(const void* data, size_t size);
    // Waits until the socket has something for `want` (read: receives it
    // into the input buffer; write: has room). beast::error::timeout when
    // the stream's own deadline passed.
    boost::asio::awaitable<boost::system::error_code> wait_for(TlsStep::Want want);

  private:
    TlsStep try_handshake();
    TlsStep try_shutdown();
    // What an SSL call's return value `ok` (1 done, else failed) means.
    TlsStep outcome(int ok, size_t bytes);

    // Runs `attempt` until it is done: between tries, fills the input
    // buffer (OpenSSL wants to read) or waits until the socket takes more
    // (it wants to write).
    template <class Attempt, class Token>
    auto run(Attempt attempt, Token&& token) {
        namespace asio = boost::asio;
        enum class State { start, posted, reading, waiting };
        return asio::async_compose<Token, void(boost::system::error_code, size_t)>(
            [this, attempt, state = State::start, result = TlsStep{}](
                auto& self, boost::system::error_code ec = {}, size_t got = 0) mutable {
                switch (state) {
                    case State::posted:  // finished at the first try
                        self.complete(result.ec, result.bytes);
                        return;
                    case State::reading:
                    case State::waiting:
                        ec = after_wait(
                            state == State::reading ? TlsStep::Want::read : TlsStep::Want::write,
                            ec, got);
                        if (ec) {
                            self.complete(ec, 0);
                            return;
                        }
                        break;
                    case State::start:
                        break;
                }
                const bool first = state == State::start;
                result = attempt();
                switch (result.want) {
                    case TlsStep::Want::nothing:
                        if (first) {
                            state = State::posted;
                            asio::post(socket_.get_executor(), std::move(self));
                        } else {
                            self.complete(result.ec, result.bytes);
                        }
                        return;
                    case TlsStep::Want::read:
                        state = State::reading;
                        socket_.async_read_some(input_space(), std::move(self));
                        return;
                    case TlsStep::Want::write:
                        state = State::waiting;
                        socket_.async_wait(asio::ip::tcp::socket::wait_write, std::move(self));
                        return;
                }
            },
            token, socket_);
    }

    // After a wait on the socket (run's and wait_for's): what a read
    // received joins the input buffer; a failure once the stream's own
    // deadline passed is beast::error::timeout.
    boost::system::error_code after_wait(TlsStep::Want want, boost::system::error_code ec,
                                         size_t got) {
        if (want == TlsStep::Want::read) in_end_ += got;
        return ec && timed_out_ ? boost::system::error_code(boost::beast::error::timeout) : ec;
    }

    // The BIO's side of the input buffer.
    friend struct TlsBio;
    boost::asio::mutable_buffer input_space();
    int take_input(char* out, int size);
    int send_output(const char* data, int size);

    boost::asio::ip::tcp::socket socket_;
    SSL* ssl_ = nullptr;
    std::shared_ptr<IoDeadline> deadline_;
    // Bytes received and not yet taken by OpenSSL: [in_begin_, in_end_).
    std::unique_ptr<char[]> in_;
    size_t in_begin_ = 0, in_end_ = 0;
    std::string write_copy_;  // a write's coalesced pieces, kept while it waits
    bool timed_out_ = false;
    bool failed_ = false;  // a fatal TLS or socket error: no close_notify after it
};

}  // namespace wsp
