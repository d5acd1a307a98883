// The /pma/ reverse proxy's pure parts: which targets may go upstream, and
// how cookies and redirects are rewritten; and its forwarding, against a
// real (slow) upstream on 127.0.0.1.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <thread>
#include <vector>

#include "http/loopback_proxy.h"

namespace wsp {
namespace {

TEST(LoopbackProxy, OwnsOnlyItsPrefix) {
    LoopbackProxy p(LoopbackProxyOptions{.prefix = "/pma", .port = 1});
    EXPECT_TRUE(p.owns("/pma"));
    EXPECT_TRUE(p.owns("/pma/"));
    EXPECT_TRUE(p.owns("/pma/index.php"));
    EXPECT_FALSE(p.owns("/pmax"));
    EXPECT_FALSE(p.owns("/api/v1/pma/"));
    EXPECT_FALSE(p.owns("/"));
}

TEST(LoopbackProxy, OnlyPlainPathsBelowThePrefixGoUpstream) {
    for (const char* ok :
         {"/pma/", "/pma/index.php?route=/database/structure&db=a_b",
          "/pma/js/vendor/jquery/jquery.min.js", "/pma/?token=abc_-", "/pma/a%20b.php", "/pma"})
        EXPECT_FALSE(proxy_target_problem(ok, "/pma")) << ok;
    for (const char* bad : {"/pma/../api/v1/health", "/pma/%2e%2e/api", "/pma/./x", "/pma/a%2Fb",
                            "/pma/a%5Cb", "/pma/a%00b", "/pma/?x=%00", "http://127.0.0.1:22/pma/",
                            "//evil.example/pma/", "/pmaa/", "/other", "*", "/pma/%2E%2E%2F"})
        EXPECT_TRUE(proxy_target_problem(bad, "/pma")) << bad;
}

TEST(LoopbackProxy, CookiesAreConfinedToThePrefix) {
    EXPECT_EQ(confine_cookie("PanelSignon=abc; path=/; HttpOnly", "/pma/", false),
              "PanelSignon=abc; HttpOnly; Path=/pma/");
    EXPECT_EQ(confine_cookie("pma_lang=en; expires=Wed, 23 Dec 2026 10:00:00 GMT; Max-Age=2592000; "
                             "path=/pma/; domain=example.com; HttpOnly; SameSite=Strict",
                             "/pma/", true),
              "pma_lang=en; expires=Wed, 23 Dec 2026 10:00:00 GMT; Max-Age=2592000; HttpOnly; "
              "SameSite=Strict; Path=/pma/; Secure");
    EXPECT_EQ(confine_cookie("a=b; Secure", "/pma/", true), "a=b; Secure; Path=/pma/");
    EXPECT_EQ(confine_cookie("a=b", "/pma/", false), "a=b; Path=/pma/");
}

TEST(LoopbackProxy, LocationsPointAtThePanel) {
    EXPECT_EQ(rewrite_location("/pma/index.php?route=/", 8080, "/pma"), "/pma/index.php?route=/");
    EXPECT_EQ(rewrite_location("/index.php?x=1", 8080, "/pma"), "/pma/index.php?x=1");
    EXPECT_EQ(rewrite_location("http://127.0.0.1:8080/pma/index.php", 8080, "/pma"),
              "/pma/index.php");
    EXPECT_EQ(rewrite_location("http://localhost:8080/index.php", 8080, "/pma"), "/pma/index.php");
    EXPECT_EQ(rewrite_location("index.php?route=/", 8080, "/pma"), "index.php?route=/");
    EXPECT_EQ(rewrite_location("https://www.phpmyadmin.net/", 8080, "/pma"),
              "https://www.phpmyadmin.net/");
}

// An upstream that answers nobody until `want` requests are waiting at
// once (or a deadline passes): it tells how many the proxy had in flight.
class SlowUpstream {
  public:
    explicit SlowUpstream(int want) : want_(want) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(fd_, 64);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { run(); });
    }
    ~SlowUpstream() {
        thread_.join();
        ::close(fd_);
    }
    uint16_t port() const { return port_; }
    int most_waiting() const { return most_waiting_; }

  private:
    void run() {
        std::vector<int> clients;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        timeval tv{0, 100 * 1000};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        while (static_cast<int>(clients.size()) < want_ &&
               std::chrono::steady_clock::now() < deadline) {
            int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            std::string got;
            char buf[1024];
            while (got.find("\r\n\r\n") == std::string::npos) {
                ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                got.append(buf, static_cast<size_t>(n));
            }
            clients.push_back(c);
        }
        most_waiting_ = static_cast<int>(clients.size());
        const std::string answer =
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n"
            "Connection: close\r\n\r\nok";
        for (int c : clients) {
            ::send(c, answer.data(), answer.size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }

    int fd_ = -1;
    uint16_t port_ = 0;
    int want_;
    std::atomic<int> most_waiting_{0};
    std::thread thread_;
};

// A slow phpMyAdmin holds sockets, not threads: one thread forwards eight
// requests at once (forwarded one at a time per thread, the upstream would
// never see more than one waiting).
TEST(LoopbackProxy, OneThreadForwardsManySlowRequestsAtOnce) {
    constexpr int kRequests = 8;
    SlowUpstream upstream(kRequests);
    LoopbackProxy proxy(LoopbackProxyOptions{.prefix = "/pma", .port = upstream.port()});
    boost::asio::io_context loop(1);
    std::vector<Response> answers;
    for (int i = 0; i < kRequests; ++i)
        boost::asio::co_spawn(
            loop,
            [&]() -> boost::asio::awaitable<void> {
                const ProxyRequest request{Verb::get, "/pma/index.php", {}, "", "127.0.0.1"};
                answers.push_back(co_await proxy.forward_async(request));
            },
            boost::asio::detached);
    loop.run();
    EXPECT_EQ(upstream.most_waiting(), kRequests);
    ASSERT_EQ(answers.size(), static_cast<size_t>(kRequests));
    for (const auto& a : answers) {
        EXPECT_EQ(a.status, 200u);
        EXPECT_EQ(a.body, "ok");
    }
}

TEST(LoopbackProxy, BlockingForwardStillWorks) {
    SlowUpstream upstream(1);
    LoopbackProxy proxy(LoopbackProxyOptions{.prefix = "/pma", .port = upstream.port()});
    Response r = proxy.forward(ProxyRequest{Verb::get, "/pma/", {}, "", "127.0.0.1"});
    EXPECT_EQ(r.status, 200u);
    EXPECT_EQ(r.body, "ok");
    EXPECT_EQ(proxy.forward(ProxyRequest{Verb::get, "/pma/../x", {}, "", ""}).status, 400u);
}

}  // namespace
}  // namespace wsp
