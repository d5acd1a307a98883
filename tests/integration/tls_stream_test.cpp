// The panel's own TLS stream (src/http/tls_stream.h) against a client
// written with OpenSSL directly: records that arrive together, answers
// larger than a record, a peer that stalls in the handshake, and close_notify.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <string>

#include "support/panel_process.h"

namespace wsp::test {
namespace {

int connect_to(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// A blocking TLS client on one connection.
struct TlsClient {
    explicit TlsClient(int port) : ctx(SSL_CTX_new(TLS_client_method())) {
        fd = connect_to(port);
        // A read the server never answers fails the test instead of hanging it.
        timeval wait{10, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        handshaken = fd >= 0 && SSL_connect(ssl) == 1;
    }
    ~TlsClient() {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        if (fd >= 0) ::close(fd);
    }
    bool write(const std::string& data) {
        size_t n = 0;
        return SSL_write_ex(ssl, data.data(), data.size(), &n) == 1 && n == data.size();
    }
    // Reads until `count` answers have come (each a JSON body ending with
    // its closing brace), or the connection ends.
    std::string read_answers(int count) {
        std::string got;
        char buf[4096];
        while (occurrences(got, "HTTP/1.1 ") < count || !got.ends_with("}")) {
            size_t n = 0;
            if (SSL_read_ex(ssl, buf, sizeof buf, &n) != 1) break;
            got.append(buf, n);
        }
        return got;
    }
    static int occurrences(const std::string& text, const std::string& what) {
        int n = 0;
        for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
            ++n;
        return n;
    }

    SSL_CTX* ctx;
    SSL* ssl = nullptr;
    int fd = -1;
    bool handshaken = false;
};

const std::string kHealth = "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n";

// Seconds until the server closes `fd` (EOF or reset), at most `limit`.
double seconds_until_closed(int fd, int limit) {
    const auto start = std::chrono::steady_clock::now();
    pollfd p{fd, POLLIN, 0};
    char c;
    while (::poll(&p, 1, limit * 1000) == 1) {
        if (::recv(fd, &c, 1, 0) <= 0) break;
    }
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

class TlsStream : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        panel_ =
            new PanelProcess(PanelOptions{.tls = true, .config = {"server.header_timeout_s=2"}});
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    static PanelProcess* panel_;
};
PanelProcess* TlsStream::panel_ = nullptr;

// Three requests in three records sent before any answer is read: the
// second and third wait in OpenSSL's buffer, not on the socket, and must
// still be answered (a read that waited for the socket would hang).
TEST_F(TlsStream, RecordsThatArriveTogetherAreEachAnswered) {
    TlsClient c(panel_->port());
    ASSERT_TRUE(c.handshaken);
    ASSERT_TRUE(c.write(kHealth));
    ASSERT_TRUE(c.write(kHealth));
    ASSERT_TRUE(c.write(kHealth));
    EXPECT_EQ(TlsClient::occurrences(c.read_answers(3), "HTTP/1.1 200"), 3);
    // And three requests in one record.
    ASSERT_TRUE(c.write(kHealth + kHealth + kHealth));
    EXPECT_EQ(TlsClient::occurrences(c.read_answers(3), "HTTP/1.1 200"), 3);
}

// A request larger than one record (16 KB) arrives over several reads; its
// answer comes on the same connection, which then still serves.
TEST_F(TlsStream, ARequestOfSeveralRecordsIsReadWhole) {
    TlsClient c(panel_->port());
    ASSERT_TRUE(c.handshaken);
    const std::string body =
        R"({"username":"nobody","password":")" + std::string(40000, 'a') + R"("})";
    ASSERT_TRUE(
        c.write("POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\n"
                "Content-Type: application/json\r\nContent-Length: " +
                std::to_string(body.size()) + "\r\n\r\n" + body));
    const std::string answer = c.read_answers(1);
    EXPECT_EQ(TlsClient::occurrences(answer, "HTTP/1.1 4"), 1) << answer;
    EXPECT_NE(answer.find("\"success\":false"), std::string::npos) << answer;
    ASSERT_TRUE(c.write(kHealth));
    EXPECT_EQ(TlsClient::occurrences(c.read_answers(1), "HTTP/1.1 200"), 1);
}

// An answer longer than a record (the OpenAPI document) arrives whole.
TEST_F(TlsStream, AnAnswerOfManyRecordsArrivesWhole) {
    const auto doc = panel_->http().get("/api/v1/openapi.json");
    ASSERT_EQ(doc.status, 200);
    EXPECT_GT(doc.body.size(), 64u * 1024);
    EXPECT_NO_THROW((void)doc.json());
}

// A peer that connects and never finishes its handshake (silent, or half a
// ClientHello) is cut off at the header deadline, not held for ever.
TEST_F(TlsStream, AStalledHandshakeIsCutOffAtTheHeaderDeadline) {
    int silent = connect_to(panel_->port());
    ASSERT_GE(silent, 0);
    EXPECT_LT(seconds_until_closed(silent, 20), 10.0);
    ::close(silent);
    int half = connect_to(panel_->port());
    ASSERT_GE(half, 0);
    const unsigned char hello_start[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01};
    ASSERT_EQ(::send(half, hello_start, sizeof hello_start, 0),
              static_cast<ssize_t>(sizeof hello_start));
    EXPECT_LT(seconds_until_closed(half, 20), 10.0);
    ::close(half);
    // Still serving.
    EXPECT_EQ(panel_->http().get("/api/v1/health").status, 200);
}

// A client's close_notify ends the connection cleanly: the server answers
// with its own and closes.
TEST_F(TlsStream, CloseNotifyIsAnsweredAndTheConnectionEnds) {
    TlsClient c(panel_->port());
    ASSERT_TRUE(c.handshaken);
    ASSERT_TRUE(c.write(kHealth));
    EXPECT_EQ(TlsClient::occurrences(c.read_answers(1), "HTTP/1.1 200"), 1);
    EXPECT_GE(SSL_shutdown(c.ssl), 0);
    char buf[64];
    size_t n = 0;
    EXPECT_NE(SSL_read_ex(c.ssl, buf, sizeof buf, &n), 1);
    EXPECT_EQ(SSL_get_error(c.ssl, 0), SSL_ERROR_ZERO_RETURN);
}

}  // namespace
}  // namespace wsp::test
