#include "http/tls_stream.h"

#include <openssl/err.h>

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <boost/asio/error.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace wsp {

namespace asio = boost::asio;

namespace {

// Before each SSL call: errno is read after a failed one (SSL_ERROR_SYSCALL).
// The thread's error queue is not cleared here (ERR_clear_error is ~0.8k
// instructions, twice a request): outcome() asks SSL_want first, which a
// stale entry cannot spoil, and clears the queue after every failure.
void before_call() {
    errno = 0;
}

}  // namespace

// OpenSSL's way in and out: reads take what async_read_some put in the
// input buffer, writes go straight to the socket.
struct TlsBio {
    static TlsStream& stream(BIO* b) { return *static_cast<TlsStream*>(BIO_get_data(b)); }
    static int read(BIO* b, char* out, int size) {
        BIO_clear_retry_flags(b);
        const int n = stream(b).take_input(out, size);
        if (n == 0) {
            BIO_set_retry_read(b);
            return -1;
        }
        return n;
    }
    static int write(BIO* b, const char* data, int size) {
        BIO_clear_retry_flags(b);
        const int n = stream(b).send_output(data, size);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) BIO_set_retry_write(b);
        return n;
    }
    static long ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }
    static int create(BIO* b) {
        BIO_set_init(b, 1);
        return 1;
    }
    static BIO_METHOD* method() {
        static BIO_METHOD* const m = [] {
            BIO_METHOD* made =
                BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "wispanel tls socket");
            BIO_meth_set_read(made, &TlsBio::read);
            BIO_meth_set_write(made, &TlsBio::write);
            BIO_meth_set_ctrl(made, &TlsBio::ctrl);
            BIO_meth_set_create(made, &TlsBio::create);
            return made;
        }();
        return m;
    }
};

TlsStream::TlsStream(asio::ip::tcp::socket socket, SSL_CTX* ctx)
    : socket_(std::move(socket)), in_(new char[kInput]) {
    boost::system::error_code ignored;
    socket_.native_non_blocking(true, ignored);
    ssl_ = SSL_new(ctx);
    BIO* bio = ssl_ ? BIO_new(TlsBio::method()) : nullptr;
    if (bio) {
        BIO_set_data(bio, this);
        SSL_set_bio(ssl_, bio, bio);  // the SSL owns it now
        SSL_set_accept_state(ssl_);
        // OpenSSL takes whatever the buffer holds, not a record's 5-byte
        // header first. Safe: a read tries SSL_read before it waits
        // whenever OpenSSL holds bytes (SSL_has_pending).
        SSL_set_read_ahead(ssl_, 1);
        // A write may finish record by record (async_write_some), and the
        // retry after a wait may come from a coalescing buffer that moved.
        SSL_set_mode(ssl_, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                               SSL_MODE_RELEASE_BUFFERS);
    } else if (ssl_) {
        SSL_free(ssl_);
        ssl_ = nullptr;
    }
    deadline_ = std::make_shared<IoDeadline>(socket_.get_executor(), [this] {
        timed_out_ = true;
        close();
    });
}

TlsStream::~TlsStream() {
    deadline_->stop();
    if (ssl_) SSL_free(ssl_);  // the descriptor is the socket's to close
}

asio::mutable_buffer TlsStream::input_space() {
    if (in_begin_ == in_end_) in_begin_ = in_end_ = 0;
    return asio::buffer(in_.get() + in_end_, kInput - in_end_);
}

int TlsStream::take_input(char* out, int size) {
    const size_t n = std::min(in_end_ - in_begin_, static_cast<size_t>(std::max(size, 0)));
    std::memcpy(out, in_.get() + in_begin_, n);
    in_begin_ += n;
    return static_cast<int>(n);
}

int TlsStream::send_output(const char* data, int size) {
    for (;;) {
        const ssize_t n =
            ::send(socket_.native_handle(), data, static_cast<size_t>(size), MSG_NOSIGNAL);
        if (n >= 0 || errno != EINTR) return static_cast<int>(n);
    }
}

void TlsStream::close() {
    boost::system::error_code ignored;
    socket_.close(ignored);
}

TlsStep TlsStream::outcome(int ok, size_t bytes) {
    TlsStep step;
    if (ok == 1) {
        step.bytes = bytes;
        return step;
    }
    const int saved_errno = errno;
    // "Wants more" is the SSL's own state (reset by every call), so an
    // error some other OpenSSL user left in this thread's queue cannot turn
    // it into a failure; SSL_get_error would read that queue first. The
    // SSL's state names the direction it tried, not why it stopped: it
    // stays "writing" after a send that failed for good (EPIPE, ECONNRESET),
    // so the BIO's retry flag says whether waiting can help. Without it a
    // peer that reset the connection was retried on every wakeup until the
    // deadline: a busy loop (the socket stays writable once reset).
    if (SSL_want_read(ssl_) || SSL_want_write(ssl_)) {
        BIO* const bio = SSL_get_rbio(ssl_);  // one BIO both ways
        if (BIO_should_read(bio)) {
            step.want = TlsStep::Want::read;
            return step;
        }
        if (BIO_should_write(bio)) {
            step.want = TlsStep::Want::write;
            return step;
        }
    }
    if ((SSL_get_shutdown(ssl_) & SSL_RECEIVED_SHUTDOWN) != 0) {  // the peer's close_notify
        ERR_clear_error();
        step.ec = asio::error::eof;
        return step;
    }
    // Only failures are left (wanting more and the peer's close_notify are
    // answered above).
    switch (SSL_get_error(ssl_, ok)) {
        case SSL_ERROR_SYSCALL:
            failed_ = true;
            // No errno: the peer closed without close_notify.
            step.ec = saved_errno == 0 ? asio::error::eof
                                       : boost::system::error_code(
                                             saved_errno, asio::error::get_system_category());
            ERR_clear_error();
            return step;
        default: {
            failed_ = true;
            const unsigned long err = ERR_get_error();
            ERR_clear_error();
            // OpenSSL 3's name for a peer that closed without close_notify.
            if (ERR_GET_REASON(err) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
                step.ec = asio::error::eof;
            else if (err != 0)
                step.ec = boost::system::error_code(static_cast<int>(err),
                                                    asio::error::get_ssl_category());
            else
                step.ec = asio::ssl::error::unspecified_system_error;
            return step;
        }
    }
}

TlsStep TlsStream::try_read(void* data, size_t size) {
    if (!ssl_ || failed_) return {TlsStep::Want::nothing, asio::error::bad_descriptor, 0};
    // Nothing received that OpenSSL has not taken, nothing it holds: to the
    // socket without asking OpenSSL (a whole SSL_read for "want read").
    if (in_begin_ == in_end_ && SSL_has_pending(ssl_) == 0) return {TlsStep::Want::read, {}, 0};
    size_t n = 0;
    before_call();
    const int ok = SSL_read_ex(ssl_, data, size, &n);  // before `n` is read
    return outcome(ok, n);
}

TlsStep TlsStream::try_write(const void* data, size_t size) {
    if (!ssl_ || failed_) return {TlsStep::Want::nothing, asio::error::bad_descriptor, 0};
    size_t n = 0;
    before_call();
    const int ok = SSL_write_ex(ssl_, data, size, &n);
    return outcome(ok, n);
}

asio::awaitable<boost::system::error_code> TlsStream::wait_for(TlsStep::Want want) {
    boost::system::error_code ec;
    size_t got = 0;
    if (want == TlsStep::Want::read) {
        got = co_await socket_.async_read_some(input_space(),
                                               asio::redirect_error(asio::use_awaitable, ec));
    } else if (want == TlsStep::Want::write) {
        co_await socket_.async_wait(asio::ip::tcp::socket::wait_write,
                                    asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return after_wait(want, ec, got);
}

TlsStep TlsStream::try_handshake() {
    if (!ssl_) return {TlsStep::Want::nothing, asio::error::no_memory, 0};
    before_call();
    return outcome(SSL_do_handshake(ssl_), 0);
}

TlsStep TlsStream::try_shutdown() {
    // After a fatal error OpenSSL must not be asked to shut down.
    if (!ssl_ || failed_ || !SSL_is_init_finished(ssl_)) return {};
    before_call();
    const int r = SSL_shutdown(ssl_);
    // 0: close_notify sent, the peer's not read (not waited for); 1: both.
    if (r >= 0) return {};
    TlsStep step = outcome(r, 0);
    // Waiting for the peer's close_notify is not worth a wait: done.
    if (step.want == TlsStep::Want::read) return {};
    return step;
}

}  // namespace wsp
