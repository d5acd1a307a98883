#pragma once
// Helpers shared by the foundation's integration tests: checks of the error
// envelope and common shapes, a suite-wide panel, and a raw TCP connection
// for what an HTTP client library will not send (half headers, huge headers,
// chunked bodies).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "support/panel_process.h"

namespace wsp::test {

namespace json = boost::json;

// The body as an object; a test failure (and an empty object) otherwise.
inline json::object object_of(const HttpResult& r) {
    json::value v = r.json();
    if (!v.is_object()) {
        ADD_FAILURE() << "not a JSON object (status " << r.status << "): " << r.body;
        return {};
    }
    return v.as_object();
}

inline json::array array_of(const HttpResult& r) {
    json::value v = r.json();
    if (!v.is_array()) {
        ADD_FAILURE() << "not a JSON array (status " << r.status << "): " << r.body;
        return {};
    }
    return v.as_array();
}

inline std::string str(const json::object& o, const char* key) {
    auto it = o.find(key);
    if (it == o.end() || !it->value().is_string()) {
        ADD_FAILURE() << "no string '" << key << "' in " << json::serialize(o);
        return "";
    }
    return std::string(it->value().as_string());
}

inline bool matches(const std::string& s, const char* pattern) {
    return std::regex_match(s, std::regex(pattern));
}

inline constexpr const char* kRfc3339 = R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))";
inline constexpr const char* kNeverTime = "0001-01-01T00:00:00Z";

// The one error envelope, exactly: five members, nothing else.
inline void expect_envelope(const HttpResult& r, int status, const std::string& code,
                            const std::string& message = "") {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    json::object o = object_of(r);
    EXPECT_EQ(o.size(), 5u) << r.body;
    EXPECT_EQ(o["success"], json::value(false)) << r.body;
    EXPECT_EQ(o["code"], json::value(code)) << r.body;
    EXPECT_EQ(o["status"], json::value(status)) << r.body;
    EXPECT_TRUE(o["error"].is_string()) << r.body;
    EXPECT_EQ(o["error"], o["message"]) << r.body;
    if (!message.empty()) {
        EXPECT_EQ(o["error"], json::value(message)) << r.body;
    }
}

// A 400 VALIDATION_ERROR whose text contains `fragment` (the field's name).
inline void expect_validation(const HttpResult& r, const std::string& fragment) {
    expect_envelope(r, 400, "VALIDATION_ERROR");
    EXPECT_NE(r.error().find(fragment), std::string::npos)
        << "error does not name '" << fragment << "': " << r.body;
}

// The options of a panel shared by a whole suite: many logins are fine.
inline PanelOptions suite_options(std::vector<std::string> config = {}) {
    PanelOptions o;
    o.config = std::move(config);
    o.config.push_back("auth.login_attempts_per_ip_per_minute=100000");
    // The race tests send ten requests of one account at once: they test
    // the limits' atomicity, not the per-account share of the workers
    // (starvation_test.cpp does).
    o.config.push_back("server.max_blocking_per_account=64");
    return o;
}

// A plain TCP connection to the panel, driven byte by byte.
class RawConnection {
  public:
    explicit RawConnection(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<uint16_t>(port));
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ADD_FAILURE() << "connect failed";
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~RawConnection() {
        if (fd_ >= 0) ::close(fd_);
    }
    RawConnection(const RawConnection&) = delete;
    RawConnection& operator=(const RawConnection&) = delete;

    // False when the peer has closed or reset the connection.
    bool send(const std::string& bytes) {
        size_t off = 0;
        while (off < bytes.size()) {
            ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
            if (n <= 0) return false;
            off += static_cast<size_t>(n);
        }
        return true;
    }

    // Reads until the peer closes (or resets) the connection or `limit`
    // passes; `closed` says which.
    std::string read_until_closed(std::chrono::milliseconds limit, bool* closed = nullptr) {
        std::string out;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        if (closed) *closed = false;
        for (;;) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return out;
            pollfd p{fd_, POLLIN, 0};
            int rc = ::poll(&p, 1, static_cast<int>(left.count()));
            if (rc <= 0) continue;
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) {
                if (closed) *closed = true;
                return out;
            }
            out.append(buf, static_cast<size_t>(n));
        }
    }

    // Reads until the end of a response header ("\r\n\r\n"), then `linger`
    // more for anything that follows it.
    std::string read_head(std::chrono::milliseconds limit, std::chrono::milliseconds linger) {
        std::string out;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        while (out.find("\r\n\r\n") == std::string::npos) {
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return out;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<size_t>(n));
        }
        return out + read_until_closed(linger);
    }

    // Reads one HTTP response (header and Content-Length body).
    std::string read_response(std::chrono::milliseconds limit) {
        std::string out;
        const auto deadline = std::chrono::steady_clock::now() + limit;
        for (;;) {
            auto end = out.find("\r\n\r\n");
            if (end != std::string::npos) {
                std::smatch m;
                std::string head = out.substr(0, end);
                size_t length = 0;
                if (std::regex_search(head, m, std::regex(R"(\r\n[Cc]ontent-[Ll]ength: *(\d+))")))
                    length = std::stoul(m[1]);
                if (out.size() >= end + 4 + length) return out;
            }
            auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) return out;
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return out;
            out.append(buf, static_cast<size_t>(n));
        }
    }

  private:
    int fd_ = -1;
};

// "HTTP/1.1 413 Payload Too Large\r\n..." -> 413; 0 when unreadable.
inline int status_of_raw(const std::string& response) {
    std::smatch m;
    if (std::regex_search(response, m, std::regex(R"(^HTTP/1\.[01] (\d{3}) )")))
        return std::stoi(m[1]);
    return 0;
}

}  // namespace wsp::test
