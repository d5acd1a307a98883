#pragma once
// Webhooks (docs/integrations.md): an account's subscriptions to the
// panel's events, and the queue of deliveries a worker thread of its own
// POSTs, signed, with retries. emit() only writes the queue, so the request
// that caused an event never waits for a receiver; queued deliveries
// survive a restart.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/result.h"
#include "services/caller.h"
#include "services/events.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "store/webhook_repo.h"

namespace wsp {

class Metrics;

struct WebhookInput {
    std::optional<std::string> url;
    std::optional<std::vector<std::string>> events;
    std::optional<bool> enabled;
};

struct WebhookCounters {
    std::atomic<int64_t> delivered{0};  // deliveries answered 2xx
    std::atomic<int64_t> failed_attempts{0};
    std::atomic<int64_t> given_up{0};  // deliveries failed for good
};

class WebhookService final : public EventSink, public OwnerCleanup {
  public:
    static constexpr int64_t kMaxAttempts = 3;
    static constexpr int64_t kMaxPerAccount = 25;

    explicit WebhookService(PanelContext& ctx) : ctx_(ctx) {}
    ~WebhookService() override { stop(); }

    // Makes queued deliveries of a previous run due, starts the worker.
    Result<void> start();
    void stop();

    Result<std::vector<WebhookRecord>> list(const Caller& caller);
    // The new hook, with its secret (shown only here).
    Result<WebhookRecord> create(const Caller& caller, const WebhookInput& input);
    Result<WebhookRecord> get(const Caller& caller, const std::string& id);
    Result<WebhookRecord> update(const Caller& caller, const std::string& id,
                                 const WebhookInput& input);
    Result<void> remove(const Caller& caller, const std::string& id);
    Result<std::vector<DeliveryRecord>> deliveries(const Caller& caller, const std::string& id);
    // Queues a "webhook.test" delivery to this hook only.
    Result<DeliveryRecord> test(const Caller& caller, const std::string& id);

    // EventSink: queues a delivery to each enabled hook that hears it.
    void emit(std::string_view event, const std::string& owner, boost::json::object data) override;

    std::string removed_key() const override { return "webhooks"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

    const WebhookCounters& counters() const { return counters_; }
    // Every event emitted is also counted there (GET /metrics).
    void count_events_in(Metrics* metrics) { metrics_ = metrics; }
    int64_t pending() const;

    // "*", "prefix.*" or the exact name.
    static bool pattern_matches(const std::string& pattern, std::string_view event);

  private:
    Result<WebhookRecord> owned(const Caller& caller, const std::string& id);
    Result<void> check_url(const std::string& url) const;
    DeliveryRecord make_delivery(const WebhookRecord& hook, std::string_view event,
                                 const boost::json::object& data, int64_t now_ms) const;
    void wake();
    void run();
    void deliver(DeliveryRecord d);
    int64_t delay_ms(int64_t attempt) const;  // before attempt `attempt` (1-based)

    PanelContext& ctx_;
    Metrics* metrics_ = nullptr;
    WebhookCounters counters_;
    std::mutex mutex_;
    std::condition_variable cv_;
    bool wake_ = false;
    bool stopping_ = false;
    std::thread worker_;
};

}  // namespace wsp
