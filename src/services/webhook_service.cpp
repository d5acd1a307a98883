#include "services/webhook_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>

#include "base/secrets.h"
#include "drivers/webhook_sender.h"
#include "services/metrics.h"

namespace wsp {
namespace {

namespace json = boost::json;

// The events the panel emits (docs/integrations.md), for checking exact
// patterns and prefixes.
constexpr std::string_view kEvents[] = {
    "user.created",   "user.updated",   "user.suspended",   "user.unsuspended", "user.deleted",
    "domain.created", "domain.deleted", "database.created", "database.deleted", "ftp.created",
    "ftp.deleted",    "cron.created",   "cron.deleted",     "cron.failed",      "backup.completed",
    "backup.failed",  "login.failed",   "webhook.test"};

Result<void> check_pattern(const std::string& p) {
    if (p == "*") return Ok{};
    if (p.size() > 64) return validation("events: pattern '" + p.substr(0, 64) + "' is too long");
    std::string_view prefix = p;
    const bool wildcard = p.ends_with(".*");
    if (wildcard) prefix.remove_suffix(1);  // "domain."
    for (auto e : kEvents) {
        if (wildcard ? e.starts_with(prefix) : e == p) return Ok{};
    }
    return validation("events: unknown event pattern '" + p + "'");
}

bool is_admin(const AuthIndex& index, const std::string& username) {
    auto u = index.user(username);
    return u && u->role == Role::admin;
}

}  // namespace

bool WebhookService::pattern_matches(const std::string& pattern, std::string_view event) {
    if (pattern == "*") return true;
    if (pattern.ends_with(".*"))
        return event.starts_with(std::string_view(pattern).substr(0, pattern.size() - 1));
    return pattern == event;
}

Result<void> WebhookService::check_url(const std::string& url) const {
    if (url.size() > 2048) return validation("url is too long (2048 characters at most)");
    TRY(auto target, parse_webhook_url(url));
    TRY(auto address, resolve_webhook_host(target, ctx_.config.webhooks.allow_private));
    (void)address;
    return Ok{};
}

Result<std::vector<WebhookRecord>> WebhookService::list(const Caller& caller) {
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<WebhookRecord>> {
        return WebhookRepo::list(
            tx, caller.is_admin() ? std::nullopt : std::optional<std::string>(caller.username));
    });
}

Result<WebhookRecord> WebhookService::create(const Caller& caller, const WebhookInput& in) {
    if (!in.url || in.url->empty()) return validation("URL is required");
    if (!in.events || in.events->empty())
        return validation("At least one event pattern is required");
    if (in.events->size() > 50) return validation("events: at most 50 patterns");
    for (const auto& p : *in.events) CHECK_OK(check_pattern(p));
    CHECK_OK(check_url(*in.url));
    WebhookRecord h;
    h.id = random_hex(16);
    h.owner = caller.username;
    h.url = *in.url;
    h.events = *in.events;
    h.secret = random_hex(32);
    h.enabled = in.enabled.value_or(true);
    h.created_at = ctx_.clock.now_unix();
    return ctx_.db.write([&](WriteTx& tx) -> Result<WebhookRecord> {
        if (static_cast<int64_t>(WebhookRepo::list(tx, caller.username).size()) >= kMaxPerAccount)
            return forbidden("Webhook limit reached (" + std::to_string(kMaxPerAccount) + ")");
        WebhookRepo::insert(tx, h);
        return h;
    });
}

Result<WebhookRecord> WebhookService::owned(const Caller& caller, const std::string& id) {
    auto found = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<WebhookRecord>> {
        return WebhookRepo::find(tx, id);
    });
    if (!found.ok()) return found.error();
    if (!*found) return not_found("Webhook not found");
    CHECK_OK(ensure_owner_or_admin(caller, (*found)->owner));
    return **found;
}

Result<WebhookRecord> WebhookService::get(const Caller& caller, const std::string& id) {
    return owned(caller, id);
}

Result<WebhookRecord> WebhookService::update(const Caller& caller, const std::string& id,
                                             const WebhookInput& in) {
    TRY(auto h, owned(caller, id));
    if (in.url) {
        if (in.url->empty()) return validation("URL is required");
        CHECK_OK(check_url(*in.url));
        h.url = *in.url;
    }
    if (in.events) {
        if (in.events->empty()) return validation("At least one event pattern is required");
        for (const auto& p : *in.events) CHECK_OK(check_pattern(p));
        h.events = *in.events;
    }
    if (in.enabled) h.enabled = *in.enabled;
    return ctx_.db.write([&](WriteTx& tx) -> Result<WebhookRecord> {
        WebhookRepo::update(tx, h);
        return h;
    });
}

Result<void> WebhookService::remove(const Caller& caller, const std::string& id) {
    TRY(auto h, owned(caller, id));
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        WebhookRepo::remove(tx, h.id);
        return Ok{};
    });
}

Result<std::vector<DeliveryRecord>> WebhookService::deliveries(const Caller& caller,
                                                               const std::string& id) {
    TRY(auto h, owned(caller, id));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DeliveryRecord>> {
        return WebhookRepo::deliveries(tx, h.id, 100);
    });
}

DeliveryRecord WebhookService::make_delivery(const WebhookRecord& hook, std::string_view event,
                                             const json::object& data, int64_t now_ms) const {
    DeliveryRecord d;
    d.id = random_hex(16);
    d.webhook_id = hook.id;
    d.event = std::string(event);
    d.payload = json::serialize(
        json::object{{"event", d.event}, {"timestamp", now_ms / 1000}, {"data", data}});
    d.next_at_ms = now_ms + delay_ms(1);
    d.created_at = now_ms / 1000;
    d.updated_at = d.created_at;
    return d;
}

Result<DeliveryRecord> WebhookService::test(const Caller& caller, const std::string& id) {
    TRY(auto h, owned(caller, id));
    const int64_t now_ms = ctx_.clock.now_ms();
    DeliveryRecord d =
        make_delivery(h, "webhook.test",
                      json::object{{"webhook_id", h.id}, {"message", "Test delivery"}}, now_ms);
    auto r = ctx_.db.write([&](WriteTx& tx) -> Result<DeliveryRecord> {
        WebhookRepo::insert_delivery(tx, d);
        return d;
    });
    if (r.ok()) wake();
    return r;
}

void WebhookService::emit(std::string_view event, const std::string& owner, json::object data) {
    if (metrics_) metrics_->count_event(event);
    const int64_t now_ms = ctx_.clock.now_ms();
    // A hook hears its owner's events; an admin's hears every account's,
    // and only an admin's hears login.failed.
    auto hears = [&](const WebhookRecord& h) {
        const bool admin = is_admin(ctx_.index, h.owner);
        if (event == "login.failed" ? !admin : !(admin || h.owner == owner)) return false;
        return std::any_of(h.events.begin(), h.events.end(),
                           [&](const std::string& p) { return pattern_matches(p, event); });
    };
    // Most events have no listener: a read says so, and no write
    // transaction is opened for nothing (issue 24: one per database create
    // or delete).
    auto any = ctx_.db.read([&](const ReadTx& tx) -> Result<bool> {
        const auto hooks = WebhookRepo::list_enabled(tx);
        return std::any_of(hooks.begin(), hooks.end(), hears);
    });
    if (any.ok() && !any.value()) return;
    auto r = ctx_.db.write([&](WriteTx& tx) -> Result<int64_t> {
        int64_t queued = 0;
        for (const auto& h : WebhookRepo::list_enabled(tx)) {
            if (!hears(h)) continue;
            WebhookRepo::insert_delivery(tx, make_delivery(h, event, data, now_ms));
            ++queued;
        }
        return queued;
    });
    if (!r.ok())
        spdlog::error("webhooks: queueing {} failed: {}", event, r.error().message);
    else if (r.value() > 0)
        wake();
}

Result<int64_t> WebhookService::remove_all_of(const std::string& owner) {
    return ctx_.db.write(
        [&](WriteTx& tx) -> Result<int64_t> { return WebhookRepo::remove_all_of(tx, owner); });
}

int64_t WebhookService::pending() const {
    auto r = ctx_.db.read([&](const ReadTx& tx) -> Result<int64_t> {
        return WebhookRepo::count_by_status(tx, "pending");
    });
    return r.ok() ? r.value() : 0;
}

int64_t WebhookService::delay_ms(int64_t attempt) const {
    const int64_t base = std::max<int64_t>(1, ctx_.config.webhooks.retry_base_ms);
    int64_t d = base;
    for (int64_t i = 1; i < attempt; ++i) d *= 5;  // 1x, 5x, 25x
    return d;
}

Result<void> WebhookService::start() {
    // Deliveries queued before a stop are due now: their delay is over or
    // the panel was not there to keep it.
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        WebhookRepo::due_by(tx, ctx_.clock.now_ms());
        return Ok{};
    }));
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    worker_ = std::thread([this] { run(); });
    return Ok{};
}

void WebhookService::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    cv_.notify_all();
    if (worker_.joinable()) worker_.join();
}

void WebhookService::wake() {
    {
        std::lock_guard lock(mutex_);
        wake_ = true;
    }
    cv_.notify_all();
}

void WebhookService::run() {
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            wake_ = false;
        }
        auto due = ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DeliveryRecord>> {
            return WebhookRepo::due(tx, ctx_.clock.now_ms(), 20);
        });
        if (due.ok())
            for (auto& d : due.value()) {
                {
                    std::lock_guard lock(mutex_);
                    if (stopping_) return;
                }
                deliver(std::move(d));
            }
        auto next = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<int64_t>> {
            return WebhookRepo::next_due(tx);
        });
        std::unique_lock lock(mutex_);
        if (stopping_) return;
        if (wake_) continue;
        // Wait for the next due delivery, a new one, or the stop; at most a
        // minute, so a changed clock is noticed.
        int64_t wait = 60'000;
        if (next.ok() && next.value())
            wait = std::clamp<int64_t>(*next.value() - ctx_.clock.now_ms(), 0, 60'000);
        if (wait > 0)
            cv_.wait_for(lock, std::chrono::milliseconds(wait),
                         [this] { return wake_ || stopping_; });
    }
}

void WebhookService::deliver(DeliveryRecord d) {
    auto hook = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<WebhookRecord>> {
        return WebhookRepo::find(tx, d.webhook_id);
    });
    if (!hook.ok() || !hook.value()) return;  // deleted meanwhile (its rows went too)
    const WebhookRecord& h = *hook.value();
    d.attempts += 1;
    WebhookPost post;
    if (!h.enabled) {
        post.error = "webhook disabled";
        d.attempts = kMaxAttempts;
    } else {
        // The SSRF rule again: the name may resolve elsewhere by now.
        auto target = parse_webhook_url(h.url);
        auto address =
            target.ok() ? resolve_webhook_host(target.value(), ctx_.config.webhooks.allow_private)
                        : Result<std::string>(target.error());
        if (!address.ok()) {
            post.error = address.error().message;
        } else {
            post = post_webhook(
                h.url, target.value(), address.value(), d.payload,
                {{"Content-Type", "application/json"},
                 {"User-Agent", "WisPanel-Webhook/1"},
                 {"X-WisPanel-Event", d.event},
                 {"X-WisPanel-Delivery", d.id},
                 {"X-WisPanel-Signature", "sha256=" + hmac_sha256_hex(h.secret, d.payload)}},
                ctx_.config.webhooks.timeout_s);
        }
    }
    const bool ok = post.error.empty() && post.status >= 200 && post.status < 300;
    const int64_t now_ms = ctx_.clock.now_ms();
    d.response_code = post.status;
    d.duration_ms = post.duration_ms;
    d.error = ok ? "" : (post.error.empty() ? "HTTP " + std::to_string(post.status) : post.error);
    d.updated_at = now_ms / 1000;
    bool final_outcome = true;
    if (ok) {
        d.status = "delivered";
        counters_.delivered++;
    } else {
        counters_.failed_attempts++;
        if (d.attempts >= kMaxAttempts) {
            d.status = "failed";
            counters_.given_up++;
        } else {
            d.next_at_ms = now_ms + delay_ms(d.attempts + 1);
            final_outcome = false;
        }
    }
    auto w = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        WebhookRepo::update_delivery(tx, d);
        if (final_outcome) WebhookRepo::record_outcome(tx, h.id, ok, now_ms / 1000);
        return Ok{};
    });
    if (!w.ok()) spdlog::error("webhooks: recording delivery {} failed", d.id);
}

}  // namespace wsp
