// Panel::serve: TLS set-up, the event loop, the worker pool, periodic
// housekeeping and graceful shutdown.
#include <arpa/inet.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <thread>

#include "api/routes.h"
#include "app/panel.h"
#include "base/clock.h"
#include "http/loopback_proxy.h"
#include "http/server.h"
#include "system/tls_cert.h"

namespace wsp {
namespace {

namespace asio = boost::asio;

constexpr auto kHousekeeping = std::chrono::seconds(10);
// After SIGTERM, requests in flight get this long before the loop is cut.
constexpr auto kShutdownGrace = std::chrono::seconds(20);

Result<std::unique_ptr<asio::ssl::context>> tls_for(const Config& config,
                                                    const std::filesystem::path& data_dir) {
    if (!config.server.tls_cert.empty() || !config.server.tls_key.empty()) {
        if (config.server.tls_cert.empty() || config.server.tls_key.empty())
            return validation("server.tls_cert and server.tls_key must be set together");
        return make_tls_context(config.server.tls_cert, config.server.tls_key);
    }
    TRY(TlsFiles files, ensure_tls_certificate(data_dir / "tls", config.server.hostnames));
    return make_tls_context(files.cert.string(), files.key.string());
}

// The host part of "host:port" ("[::1]:2083" too) is a loopback address.
bool is_loopback_host(std::string host) {
    if (host == "localhost" || host == "::1") return true;
    in_addr v4{};
    return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 && (ntohl(v4.s_addr) >> 24) == 127;
}

bool is_loopback_listen(const std::string& listen) {
    std::string host = listen.substr(0, listen.rfind(':'));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return is_loopback_host(host);
}

// Without isolation between accounts the panel must not be reachable from
// other machines: a customer there could use its account to read every
// other account's files.
Result<void> require_loopback(const Config& c) {
    if (!is_loopback_listen(c.server.listen))
        return validation("server.listen = \"" + c.server.listen +
                          "\" is not a loopback address, but without root the panel cannot give "
                          "accounts their own uids: run it as root, or listen on 127.0.0.1 "
                          "(docs/config.md, sandbox)");
    const bool own_ftp = c.ftp.enabled && c.ftp.mode == "sandbox";
    if (own_ftp && !is_loopback_host(c.ftp.address))
        return validation("ftp.address = \"" + c.ftp.address +
                          "\" is not a loopback address, but without root the panel cannot give "
                          "accounts their own uids: run it as root, or use 127.0.0.1 "
                          "(docs/config.md, sandbox)");
    return Ok{};
}

}  // namespace

std::string Panel::base_url() const {
    const uint16_t port = http_port_;
    if (port == 0) return "";
    std::string host = config_.server.listen.substr(0, config_.server.listen.rfind(':'));
    if (host == "0.0.0.0" || host == "[::]" || host == "::" || host.empty())
        host = config_.server.hostnames.empty() ? "localhost" : config_.server.hostnames.front();
    else if (host.find(':') != std::string::npos && host.front() != '[')
        host = "[" + host + "]";
    return (config_.server.tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

int Panel::serve() {
    if (identity_->isolation() == "none") {
        spdlog::warn(
            "not running as root: every account's files, jobs and FTP sessions run as uid {}, so "
            "accounts are NOT isolated from each other; only loopback addresses are allowed",
            ::geteuid());
        if (auto r = require_loopback(config_); !r) {
            spdlog::critical("{}", r.error().message);
            return 1;
        }
    }
    std::unique_ptr<asio::ssl::context> tls;
    if (config_.server.tls) {
        auto ctx = tls_for(config_, data_dir());
        if (!ctx) {
            spdlog::critical("{}", ctx.error().message);
            return 1;
        }
        tls = std::move(*ctx);
    }
    for (auto& start : starts_) {
        if (auto r = start(); !r) {
            spdlog::critical("{}", r.error().message);
            for (auto& stop : stops_) stop();
            supervisor_.stop_all();
            return 1;
        }
    }
    // One single-threaded loop per event-loop thread; the first also runs
    // the acceptor, signals and housekeeping.
    std::vector<std::unique_ptr<asio::io_context>> loops;
    std::vector<asio::io_context*> loop_ptrs;
    for (int64_t i = 0; i < std::max<int64_t>(1, config_.server.threads); ++i) {
        loops.push_back(std::make_unique<asio::io_context>(1));
        loop_ptrs.push_back(loops.back().get());
    }
    asio::io_context& io = *loops.front();
    // The other loops must not return while they have no connection.
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep_running;
    for (size_t i = 1; i < loops.size(); ++i) keep_running.emplace_back(loops[i]->get_executor());
    asio::thread_pool workers(static_cast<size_t>(std::max<int64_t>(1, config_.server.workers)));
    RateLimiter limiter;
    Router router(api_routes());
    StaticFiles web(config_.web.dir);
    // phpMyAdmin's php -S, reachable only through the panel at /pma/.
    std::optional<LoopbackProxy> pma;
    if (pma_served(config_))
        pma.emplace(LoopbackProxyOptions{
            .prefix = "/pma",
            .port = static_cast<uint16_t>(config_.pma.port),
            .tls = tls != nullptr,
            .max_response_bytes = config_.pma.max_response_mb * 1024 * 1024,
        });
    Dispatcher dispatcher(router, *services_, index_, limiter, config_, &web,
                          pma ? &*pma : nullptr);
    HttpServer server(loop_ptrs, workers, dispatcher, config_.server, tls.get());
    if (auto r = server.listen(config_.server.listen); !r) {
        spdlog::critical("{}", r.error().message);
        for (auto& stop : stops_) stop();
        supervisor_.stop_all();
        return 1;
    }
    server.start();
    http_port_ = server.port();
    // The bound port, for scripts and tests that listen on port 0.
    {
        std::FILE* f = std::fopen((data_dir() / "run" / "http.port").c_str(), "w");
        if (f) {
            std::fprintf(f, "%u\n", server.port());
            std::fclose(f);
        }
    }
    const std::string scheme = tls ? "https" : "http";
    auto colon = config_.server.listen.rfind(':');
    std::string host = config_.server.listen.substr(0, colon);
    spdlog::info("WisPanel {} listening on {}://{}:{}/api/v1 (data dir {})", WSP_VERSION, scheme,
                 host, server.port(), data_dir().string());

    // Housekeeping: write key last_used back, forget closed rate windows and
    // expired sessions.
    asio::steady_timer housekeeping(io);
    std::function<void()> schedule = [&] {
        housekeeping.expires_after(kHousekeeping);
        housekeeping.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            asio::post(workers, [&] {
                services_->keys.flush_last_used();
                limiter.sweep(now_unix());
                services_->auth.sweep(now_unix());
                index_.remove_expired_sessions(now_unix());
            });
            schedule();
        });
    };
    schedule();

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](boost::system::error_code ec, int signal) {
        if (ec) return;
        spdlog::info("signal {}: finishing requests in flight, then stopping", signal);
        server.shutdown();
        housekeeping.cancel();
        for (auto& guard : keep_running) guard.reset();
        // If a request hangs, stop anyway after the grace period.
        std::thread([&loops] {
            std::this_thread::sleep_for(kShutdownGrace);
            for (auto& loop : loops) loop->stop();
        }).detach();
    });

    std::vector<std::thread> threads;
    for (size_t i = 1; i < loops.size(); ++i)
        threads.emplace_back([&loops, i] { loops[i]->run(); });
    io.run();
    for (auto& t : threads) t.join();
    workers.join();
    // Areas stop in reverse order of start; then the managed children.
    for (auto it = stops_.rbegin(); it != stops_.rend(); ++it) (*it)();
    supervisor_.stop_all();
    services_->keys.flush_last_used();
    spdlog::info("stopped");
    return 0;
}

}  // namespace wsp
