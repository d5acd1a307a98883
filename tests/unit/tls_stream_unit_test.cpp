// The panel's own TLS stream (src/http/tls_stream.h) when the peer resets
// the connection: a write or a close_notify that cannot be sent ends with
// the socket's error instead of being retried on every wakeup (the socket
// stays writable once reset, so the retry was a busy loop until the
// deadline). The server side runs on an io_context here, the client is a
// blocking OpenSSL connection on its own thread.
#include "http/tls_stream.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <future>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "http/server.h"
#include "system/tls_cert.h"

namespace wsp {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;
using tcp = asio::ip::tcp;

class TlsStreamReset : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-tls-stream-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        auto files = ensure_tls_certificate(dir_ / "tls", {"127.0.0.1"});
        ASSERT_TRUE(files) << files.error().message;
        auto ctx = make_tls_context(files->cert.string(), files->key.string());
        ASSERT_TRUE(ctx) << ctx.error().message;
        ctx_ = std::move(*ctx);
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }

    // A handshaken stream whose peer then reset the connection (RST: linger
    // 0 and close), with nothing of the peer's left to read.
    std::unique_ptr<TlsStream> reset_by_peer() {
        tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        const int port = acceptor.local_endpoint().port();
        auto client = std::async(std::launch::async, [port] {
            asio::io_context io;
            tcp::socket s(io);
            boost::system::error_code ec;
            s.connect({asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port)}, ec);
            if (ec) return false;
            SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
            SSL* ssl = SSL_new(cctx);
            SSL_set_fd(ssl, s.native_handle());
            const bool ok = SSL_connect(ssl) == 1;
            s.set_option(asio::socket_base::linger(true, 0), ec);  // close sends RST
            SSL_free(ssl);
            SSL_CTX_free(cctx);
            s.close(ec);
            return ok;
        });
        auto stream = std::make_unique<TlsStream>(acceptor.accept(), ctx_->native_handle());
        boost::system::error_code handshake_ec = asio::error::would_block;
        stream->async_handshake([&](boost::system::error_code ec, size_t) { handshake_ec = ec; });
        io_.run_for(std::chrono::seconds(10));
        io_.restart();
        EXPECT_FALSE(handshake_ec) << handshake_ec.message();
        EXPECT_TRUE(client.get());
        // The reset has arrived once a recv sees it.
        char byte = 0;
        for (int i = 0; i < 200; ++i) {
            const ssize_t n = ::recv(stream->socket().native_handle(), &byte, 1, MSG_PEEK);
            if (n <= 0 && errno != EAGAIN) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return stream;
    }

    // Runs the loop until `done` or 5 s; returns the handlers it ran.
    size_t run_until(const bool& done) {
        size_t handlers = 0;
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (!done && std::chrono::steady_clock::now() < until)
            handlers += io_.run_one_for(std::chrono::milliseconds(100));
        return handlers;
    }

    fs::path dir_;
    asio::io_context io_;
    std::unique_ptr<asio::ssl::context> ctx_;
};

TEST_F(TlsStreamReset, AWriteToAResetPeerEndsWithTheSocketsError) {
    auto stream = reset_by_peer();
    ASSERT_TRUE(stream);
    bool done = false;
    boost::system::error_code result;
    const std::string answer(64, 'x');
    // Two writes: the first may still be taken by the kernel (the reset not
    // yet seen by send), the second cannot.
    stream->async_write_some(asio::buffer(answer), [&](boost::system::error_code ec, size_t) {
        if (ec) {
            result = ec;
            done = true;
            return;
        }
        stream->async_write_some(asio::buffer(answer), [&](boost::system::error_code ec2, size_t) {
            result = ec2;
            done = true;
        });
    });
    const size_t handlers = run_until(done);
    ASSERT_TRUE(done) << "the write was still retrying after 5 s (" << handlers << " wakeups)";
    EXPECT_TRUE(result) << "a write to a reset connection succeeded";
    EXPECT_LT(handlers, 10U);
}

TEST_F(TlsStreamReset, CloseNotifyToAResetPeerEndsWithTheSocketsError) {
    auto stream = reset_by_peer();
    ASSERT_TRUE(stream);
    bool done = false;
    stream->async_shutdown([&](boost::system::error_code, size_t) { done = true; });
    const size_t handlers = run_until(done);
    ASSERT_TRUE(done) << "close_notify was still retrying after 5 s (" << handlers << " wakeups)";
    EXPECT_LT(handlers, 10U);
}

}  // namespace
}  // namespace wsp
