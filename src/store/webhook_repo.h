#pragma once
// The webhooks and webhook_deliveries tables (schema/0015_integrations.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct WebhookRecord {
    std::string id;  // 32 hex
    std::string owner;
    std::string url;
    std::vector<std::string> events;  // patterns: "*", "domain.*", "user.created"
    std::string secret;               // 64 hex, signs the deliveries
    bool enabled = true;
    int64_t created_at = 0;
    int64_t last_fired_at = 0;  // 0: never
    int64_t failure_count = 0;  // deliveries given up since the last success
};

struct DeliveryRecord {
    std::string id;  // X-WisPanel-Delivery
    std::string webhook_id;
    std::string event;
    std::string payload;
    std::string status = "pending";  // pending | delivered | failed
    int64_t attempts = 0;
    int64_t next_at_ms = 0;
    int64_t response_code = 0;
    int64_t duration_ms = 0;
    std::string error;
    int64_t created_at = 0;
    int64_t updated_at = 0;
};

class WebhookRepo {
  public:
    // Every hook of `owner`, or of everybody (nullopt), oldest first.
    static std::vector<WebhookRecord> list(const ReadTx& tx,
                                           const std::optional<std::string>& owner);
    static std::vector<WebhookRecord> list_enabled(const ReadTx& tx);
    static std::optional<WebhookRecord> find(const ReadTx& tx, const std::string& id);
    static void insert(WriteTx& tx, const WebhookRecord& hook);
    static void update(WriteTx& tx, const WebhookRecord& hook);
    static bool remove(WriteTx& tx, const std::string& id);
    static int64_t remove_all_of(WriteTx& tx, const std::string& owner);
    // After a delivery ends: success sets last_fired_at and clears the
    // failure count; giving up counts one failure.
    static void record_outcome(WriteTx& tx, const std::string& id, bool delivered, int64_t now);

    static void insert_delivery(WriteTx& tx, const DeliveryRecord& delivery);
    static void update_delivery(WriteTx& tx, const DeliveryRecord& delivery);
    // Pending deliveries due at `now_ms`, oldest first, at most `limit`.
    static std::vector<DeliveryRecord> due(const ReadTx& tx, int64_t now_ms, int64_t limit);
    // The earliest next_at_ms of a pending delivery; nullopt: none.
    static std::optional<int64_t> next_due(const ReadTx& tx);
    // Makes every pending delivery due by `now_ms` (start-up after a stop).
    static void due_by(WriteTx& tx, int64_t now_ms);
    // A hook's deliveries, newest first.
    static std::vector<DeliveryRecord> deliveries(const ReadTx& tx, const std::string& webhook_id,
                                                  int64_t limit);
    static int64_t count_by_status(const ReadTx& tx, const std::string& status);
};

}  // namespace wsp
