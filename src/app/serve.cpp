// Panel::serve: TLS set-up, the event loop, the worker pool, periodic
// housekeeping and graceful shutdown.
#include <arpa/inet.h>
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdio>
#include <thread>

#include "api/routes.h"
#include "app/panel.h"
#include "app/startup_timer.h"
#include "app/store_watch.h"
#include "base/clock.h"
#include "http/loopback_proxy.h"
#include "http/server.h"
#include "system/resident_pages.h"
#include "system/tls_cert.h"

namespace wsp {
namespace {

namespace asio = boost::asio;

// Runs `loop` until it is stopped. An exception out of a handler (Beast's
// parser throws std::length_error for a chunked trailer field over 64 KB,
// found by tests/attack/corpus.sh) unwinds only the operation it came from,
// which closes that one connection; the loop then runs on (Asio allows
// run() again after a handler threw). Before, it ended the whole panel.
void run_loop(asio::io_context& loop) {
    for (;;) {
        try {
            loop.run();
            return;
        } catch (const std::exception& e) {
            spdlog::error("http: a connection ended with an exception: {}", e.what());
        }
    }
}

constexpr auto kHousekeeping = std::chrono::seconds(10);
// After SIGTERM, requests in flight get this long before the loop is cut.
constexpr auto kShutdownGrace = std::chrono::seconds(20);
// How often the end of start-up (every health probe up) is checked, and
// for how many checks at most.
constexpr auto kSettleEvery = std::chrono::milliseconds(250);
constexpr int kSettleChecks = 240;

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
    const bool own_ftp = c.ftp.enabled && c.ftp.mode == ServiceMode::sandbox;
    if (own_ftp && !is_loopback_host(c.ftp.address))
        return validation("ftp.address = \"" + c.ftp.address +
                          "\" is not a loopback address, but without root the panel cannot give "
                          "accounts their own uids: run it as root, or use 127.0.0.1 "
                          "(docs/config.md, sandbox)");
    return Ok{};
}

// "scheme://host:port" of a listener bound to `listen` (its host part) and
// `port`: a wildcard address names server.hostnames[0] (or localhost).
std::string origin_of(const Config& config, const std::string& listen, uint16_t port) {
    if (port == 0) return "";
    std::string host = listen.substr(0, listen.rfind(':'));
    if (host == "0.0.0.0" || host == "[::]" || host == "::" || host.empty())
        host = config.server.hostnames.empty() ? "localhost" : config.server.hostnames.front();
    else if (host.find(':') != std::string::npos && host.front() != '[')
        host = "[" + host + "]";
    return (config.server.tls ? "https://" : "http://") + host + ":" + std::to_string(port);
}

void write_port_file(const std::filesystem::path& path, uint16_t port) {
    std::FILE* f = std::fopen(path.c_str(), "w");
    if (f) {
        std::fprintf(f, "%u\n", port);
        std::fclose(f);
    }
}

}  // namespace

std::string pma_listen(const Config& config) {
    if (!config.pma.listen.empty()) return config.pma.listen;
    const std::string& listen = config.server.listen;
    const auto colon = listen.rfind(':');
    int port = 0;
    try {
        port = std::stoi(listen.substr(colon + 1));
    } catch (...) {
        port = 0;
    }
    return listen.substr(0, colon) + ":" + std::to_string(port == 0 ? 0 : port + 1);
}

std::string Panel::base_url() const {
    return origin_of(config_, config_.server.listen, http_port_);
}

std::string Panel::pma_base_url() const {
    return origin_of(config_, pma_listen(config_), pma_port_);
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
    StartupTimer timer;
    std::unique_ptr<asio::ssl::context> tls;
    if (config_.server.tls) {
        auto ctx = tls_for(config_, data_dir());
        if (!ctx) {
            spdlog::critical("{}", ctx.error().message);
            return 1;
        }
        tls = std::move(*ctx);
    }
    timer.lap("TLS context");
    for (size_t i = 0; i < starts_.size(); ++i) {
        if (auto r = starts_[i](); !r) {
            spdlog::critical("{}", r.error().message);
            for (auto& stop : stops_) stop();
            supervisor_.stop_all();
            return 1;
        }
        timer.lap("start hook '" + start_names_[i] + "'");
    }
    // The start hooks read whole tables once (the FTP server's accounts,
    // every job's schedule): hand the freed memory back to the system, or
    // a panel with 50,000 accounts keeps tens of MB it no longer uses.
    ::malloc_trim(0);
    timer.lap("malloc_trim");
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
    // phpMyAdmin on its own origin (its own listener, same certificate):
    // a page there cannot read the panel's storage or call the API with the
    // panel's token. The listener serves nothing but the /pma/ proxy to
    // php -S, which adds the per-start secret php -S demands.
    std::optional<LoopbackProxy> pma;
    std::optional<Router> pma_router;
    std::optional<Dispatcher> pma_dispatcher;
    std::optional<HttpServer> pma_server;
    if (pma_served(config_)) {
        pma.emplace(LoopbackProxyOptions{
            .prefix = "/pma",
            .port = static_cast<uint16_t>(config_.pma.port),
            .tls = tls != nullptr,
            .max_response_bytes = config_.pma.max_response_mb * 1024 * 1024,
            .upstream_headers = {{kPmaProxySecretHeader, pma_proxy_secret_}},
        });
        pma_router.emplace(std::span<const Route>{});
        pma_dispatcher.emplace(*pma_router, *services_, index_, limiter, config_,
                               services_->ctx.clock, nullptr, &*pma);
    }
    // metrics.listen: GET /metrics without auth, plain HTTP, loopback only.
    std::optional<Router> metrics_router;
    std::optional<Dispatcher> metrics_dispatcher;
    std::optional<HttpServer> metrics_server;
    if (!config_.metrics.listen.empty()) {
        if (!is_loopback_listen(config_.metrics.listen)) {
            spdlog::critical("config key 'metrics.listen': '{}' is not a loopback host:port",
                             config_.metrics.listen);
            return 1;
        }
        metrics_router.emplace(metrics_listener_routes());
        metrics_dispatcher.emplace(*metrics_router, *services_, index_, limiter, config_,
                                   services_->ctx.clock);
    }
    Dispatcher dispatcher(router, *services_, index_, limiter, config_, services_->ctx.clock, &web);
    // The panel's origin no longer serves /pma/: old links move over.
    if (pma) dispatcher.moved_prefix("/pma", [this] { return pma_base_url(); });
    HttpServer server(loop_ptrs, workers, dispatcher, config_.server, tls.get());
    auto fail = [&](const Error& e) {
        spdlog::critical("{}", e.message);
        for (auto& stop : stops_) stop();
        supervisor_.stop_all();
        return 1;
    };
    if (auto r = server.listen(config_.server.listen); !r) return fail(r.error());
    if (pma_dispatcher) {
        pma_server.emplace(loop_ptrs, workers, *pma_dispatcher, config_.server, tls.get());
        if (auto r = pma_server->listen(pma_listen(config_)); !r) return fail(r.error());
    }
    if (metrics_dispatcher) {
        metrics_server.emplace(loop_ptrs, workers, *metrics_dispatcher, config_.server, nullptr);
        if (auto r = metrics_server->listen(config_.metrics.listen); !r) return fail(r.error());
        metrics_server->start();
        write_port_file(data_dir() / "run" / "metrics.port", metrics_server->port());
        spdlog::info("metrics on http://{}/metrics", config_.metrics.listen);
    }
    // The bound ports, for scripts and tests that listen on port 0
    // (http.port last: it means "ready").
    if (pma_server) {
        pma_server->start();
        pma_port_ = pma_server->port();
        write_port_file(data_dir() / "run" / "pma-listen.port", pma_server->port());
        spdlog::info("phpMyAdmin listening on {}/pma/", pma_base_url());
    }
    server.start();
    http_port_ = server.port();
    write_port_file(data_dir() / "run" / "http.port", server.port());
    const std::string scheme = tls ? "https" : "http";
    auto colon = config_.server.listen.rfind(':');
    std::string host = config_.server.listen.substr(0, colon);
    timer.lap("listening");
    // Start-up's code pages out of the resident set (src/system/resident_pages.h):
    // now, and again once every component is up (MariaDB, the FTP server
    // and phpMyAdmin start on their own threads after this point), or after
    // kSettleChecks checks whatever the health.
    auto release = [](const char* when) {
        const ReleasedPages r = release_file_pages();
        spdlog::debug("start-up: {} KB of code and read-only pages in {} mappings released ({})",
                      r.kb, r.mappings, when);
    };
    release("listening");
    asio::steady_timer settle(io);
    int settle_checks = 0;
    std::atomic<bool> stopping{false};  // no new check once SIGTERM came
    std::function<void()> await_settled = [&] {
        if (stopping) return;
        settle.expires_after(kSettleEvery);
        settle.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            asio::post(workers, [&] {
                bool up = true;
                for (const auto& [name, probe] : services_->health) up = up && probe();
                if (up || ++settle_checks >= kSettleChecks) {
                    release(up ? "healthy" : "not healthy yet, releasing anyway");
                    return;
                }
                asio::post(io, [&] { await_settled(); });
            });
        });
    };
    await_settled();
    spdlog::info("WisPanel {} listening on {}://{}:{}/api/v1 (data dir {})", WSP_VERSION, scheme,
                 host, server.port(), data_dir().string());

    // An offline command (`wispanel key create`, `user add|passwd`) on this
    // data dir takes effect at once: its commit reloads the auth index.
    StoreWatch store_watch(io, workers, *db_, [this] {
        if (auto r = index_.load(*db_); !r)
            spdlog::error("reloading the auth index: {}", r.error().message);
    });
    if (auto r = store_watch.start(data_dir() / "panel.db-wal"); !r)
        spdlog::warn("{}; offline commands take effect at the next start", r.error().message);

    // Housekeeping: write key last_used back, forget closed rate windows and
    // expired sessions.
    asio::steady_timer housekeeping(io);
    std::function<void()> schedule = [&] {
        housekeeping.expires_after(kHousekeeping);
        housekeeping.async_wait([&](boost::system::error_code ec) {
            if (ec) return;
            asio::post(workers, [&] {
                services_->keys.flush_last_used();
                const int64_t now = services_->ctx.clock.now_unix();
                limiter.sweep(now);
                services_->auth.sweep(now);
                index_.remove_expired_sessions(now);
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
        if (pma_server) pma_server->shutdown();
        if (metrics_server) metrics_server->shutdown();
        housekeeping.cancel();
        stopping = true;
        settle.cancel();
        store_watch.stop();
        for (auto& guard : keep_running) guard.reset();
        // If a request hangs, stop anyway after the grace period.
        std::thread([&loops] {
            std::this_thread::sleep_for(kShutdownGrace);
            for (auto& loop : loops) loop->stop();
        }).detach();
    });

    std::vector<std::thread> threads;
    for (size_t i = 1; i < loops.size(); ++i)
        threads.emplace_back([&loops, i] { run_loop(*loops[i]); });
    run_loop(io);
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
