// Starving the panel (issue 14, docs/security.md "Starvation"): one
// customer, or one address, must not be able to take every blocking worker
// or every connection from the others. Timings are printed, never asserted.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "files_fixture.h"
#include "support/panel_process.h"

namespace wsp::test {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// `mb` MiB of random data at `path`, owned like the home it is in (the
// panel works in homes as the account's identity).
void random_file(const stdfs::path& home, const stdfs::path& path, int mb) {
    {
        std::ifstream random("/dev/urandom", std::ios::binary);
        std::ofstream out(path, std::ios::binary | std::ios::trunc);
        std::vector<char> chunk(1024 * 1024);
        for (int i = 0; i < mb; ++i) {
            random.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
            out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        }
        ASSERT_TRUE(out.good());
    }
    struct stat st {};
    ASSERT_EQ(::stat(home.c_str(), &st), 0);
    ASSERT_EQ(::chown(path.c_str(), st.st_uid, st.st_gid), 0);
}

void owned_dir(const stdfs::path& home, const stdfs::path& dir) {
    stdfs::create_directories(dir);
    struct stat st {};
    ASSERT_EQ(::stat(home.c_str(), &st), 0);
    ASSERT_EQ(::chown(dir.c_str(), st.st_uid, st.st_gid), 0);
}

// A TCP connection to the panel from `source` (another loopback address
// is another client to the panel).
int connect_from(const char* source, int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, source, &local.sin_addr);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0 ||
        ::connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof remote) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

// GET `target` over a connection from `source`; the status, 0 when the
// connection was closed without an answer.
int status_from(const char* source, int port, const std::string& target) {
    int fd = connect_from(source, port);
    if (fd < 0) return 0;
    timeval tv{30, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
        ::close(fd);
        return 0;
    }
    std::string got;
    char buf[4096];
    ssize_t n;
    while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) got.append(buf, static_cast<size_t>(n));
    ::close(fd);
    int status = 0;
    if (std::sscanf(got.c_str(), "HTTP/1.1 %d", &status) != 1) return 0;
    return status;
}

// Whether the panel has closed the connection (EOF waiting to be read).
bool closed_by_peer(int fd) {
    pollfd p{fd, POLLIN | POLLRDHUP, 0};
    if (::poll(&p, 1, 0) <= 0) return false;
    char c;
    return ::recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT) <= 0;
}

// (a) One account saturating its share of the workers with slow
// synchronous compressions: its requests beyond the share are 429, and
// another account's requests are answered meanwhile.
class StarvationShare : public FilesSuite {
  protected:
    static void SetUpTestSuite() {
        PanelOptions options;
        // Four workers: an account's share is three. The tree stays under
        // files.auto_async_mb (64), so the compressions really hold workers.
        options.config = {"server.workers=4"};
        panel_ = new PanelProcess(options);
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        owned_dir(home("alice"), home("alice") / "big");
        for (int i = 0; i < 3; ++i)
            random_file(home("alice"), home("alice") / "big" / numbered("blob", i), 16);
        spit(home("bob") / "hello.txt", "hello\n");
    }
};

TEST_F(StarvationShare, OneAccountGetsOnlyItsShareOfTheWorkers) {
    constexpr int kRequests = 8;
    std::atomic<int> ok{0}, busy{0}, other{0};
    std::atomic<bool> busy_envelope_ok{true};
    std::vector<std::thread> alice;
    const auto t0 = Clock::now();
    for (int i = 0; i < kRequests; ++i) {
        alice.emplace_back([&, i] {
            auto r = http().post(
                "/api/v1/files/compress",
                {{"paths", json::array{"/big"}}, {"archive", numbered("/out", i) + ".tar.gz"}},
                alice_);
            if (r.status == 200) {
                ++ok;
            } else if (r.status == 429) {
                ++busy;
                if (r.json().at("code").as_string() != "RATE_LIMITED" ||
                    r.header("Retry-After").empty())
                    busy_envelope_ok = false;
            } else {
                ++other;
                std::printf("alice compress %d: %d %s\n", i, r.status, r.body.c_str());
            }
        });
    }
    // While alice's compressions run, bob is served.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto b0 = Clock::now();
    auto list = http().get("/api/v1/files/list?path=/", bob_);
    const double list_ms = ms_since(b0);
    const auto d0 = Clock::now();
    auto dbs = http().get("/api/v1/databases", bob_);
    const double dbs_ms = ms_since(d0);
    for (auto& t : alice) t.join();
    std::printf(
        "alice: %d compressions at once: %d done, %d refused (429), %d other, %.0f ms in all\n"
        "bob while alice saturates her share: GET /files/list %d in %.1f ms, "
        "GET /databases %d in %.1f ms\n",
        kRequests, ok.load(), busy.load(), other.load(), ms_since(t0), list.status, list_ms,
        dbs.status, dbs_ms);
    EXPECT_EQ(list.status, 200) << list.body;
    // MariaDB is off in this suite: 503, answered by a free worker all the same.
    EXPECT_EQ(dbs.status, 503) << dbs.body;
    EXPECT_GE(ok.load(), 1);
    EXPECT_GE(busy.load(), 1) << "alice's requests beyond her share must be refused";
    EXPECT_EQ(other.load(), 0);
    EXPECT_TRUE(busy_envelope_ok.load());
    // The share comes back once her requests are done.
    EXPECT_EQ(get("list", "/", alice_).status, 200);
}

// A synchronous compress/copy above files.auto_async_mb (64 MB by default)
// becomes a task.
class StarvationAutoAsync : public FilesSuite {
  protected:
    static void SetUpTestSuite() {
        panel_ = new PanelProcess(PanelOptions{});
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        owned_dir(home("alice"), home("alice") / "big");
        random_file(home("alice"), home("alice") / "big" / "blob", 65);
        spit(home("alice") / "small.txt", "small\n");
    }
};

TEST_F(StarvationAutoAsync, BigInputsRunAsTasks) {
    auto big = http().post("/api/v1/files/compress",
                           {{"paths", json::array{"/big"}}, {"archive", "/big.tar.gz"}}, alice_);
    EXPECT_EQ(big.status, 202) << big.body;
    EXPECT_TRUE(big.header("Location").starts_with("/api/v1/files/tasks/")) << big.body;
    auto copy =
        http().post("/api/v1/files/copy", {{"source", "/big"}, {"destination", "/big2"}}, alice_);
    EXPECT_EQ(copy.status, 202) << copy.body;
    // Small inputs are still answered at once.
    auto small =
        http().post("/api/v1/files/compress",
                    {{"paths", json::array{"/small.txt"}}, {"archive", "/small.zip"}}, alice_);
    EXPECT_EQ(small.status, 200) << small.body;
    // The tasks finish as tasks do.
    for (const auto& started : {big, copy}) {
        const std::string location = started.header("Location");
        if (location.empty()) continue;  // already failed above
        std::string state;
        auto deadline = Clock::now() + std::chrono::seconds(60);
        while (Clock::now() < deadline) {
            state = std::string(http().get(location, alice_).json().at("status").as_string());
            if (state != "queued" && state != "running") break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        EXPECT_EQ(state, "done") << location;
    }
    EXPECT_TRUE(stdfs::exists(home("alice") / "big.tar.gz"));
    EXPECT_TRUE(stdfs::exists(home("alice") / "big2" / "blob"));
}

// (b) 2,000 idle connections from one address take only that address's
// share; another address still gets an answer.
TEST(StarvationConnections, OneAddressCannotTakeEveryConnection) {
    // Long header deadline: the idle sockets stay open while we count.
    PanelProcess panel(PanelOptions{.config = {"server.header_timeout_s=120"}});
    constexpr int kIdle = 2000;
    std::vector<int> fds;
    int refused_connect = 0;
    const auto t0 = Clock::now();
    for (int i = 0; i < kIdle; ++i) {
        int fd = connect_from("127.0.0.1", panel.port());
        if (fd < 0)
            ++refused_connect;
        else
            fds.push_back(fd);
    }
    // Count the connections the panel closed at once; settle until the
    // count stops moving (the accept loop works through its backlog).
    int closed = 0, last = -1;
    auto deadline = Clock::now() + std::chrono::seconds(30);
    while (Clock::now() < deadline) {
        closed = 0;
        for (int fd : fds)
            if (closed_by_peer(fd)) ++closed;
        if (closed == last && closed > 0) break;
        last = closed;
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    const int kept = static_cast<int>(fds.size()) - closed;
    const auto h0 = Clock::now();
    const int health = status_from("127.0.0.2", panel.port(), "/api/v1/health");
    const double health_ms = ms_since(h0);
    std::printf(
        "%d idle connections from 127.0.0.1 (%d refused at connect) in %.0f ms: %d kept open, "
        "%d closed by the panel; GET /health from 127.0.0.2: %d in %.1f ms\n",
        kIdle, refused_connect, ms_since(t0), kept, closed, health, health_ms);
    for (int fd : fds) ::close(fd);
    EXPECT_LE(kept, 256) << "server.max_connections_per_ip defaults to 256";
    EXPECT_GE(kept, 1);
    EXPECT_EQ(health, 200);
}

}  // namespace
}  // namespace wsp::test
