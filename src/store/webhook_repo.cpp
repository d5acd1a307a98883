#include "store/webhook_repo.h"

#include "store/json_columns.h"

namespace wsp {
namespace {

constexpr const char* kHookColumns =
    "id, owner, url, events, secret, enabled, created_at, last_fired_at, failure_count";
constexpr const char* kDeliveryColumns =
    "id, webhook_id, event, payload, status, attempts, next_at_ms, response_code, duration_ms, "
    "error, created_at, updated_at";

WebhookRecord read_hook(const Stmt& s) {
    WebhookRecord r;
    r.id = s.text(0);
    r.owner = s.text(1);
    r.url = s.text(2);
    r.events = from_json_array(s.text(3));
    r.secret = s.text(4);
    r.enabled = s.integer(5) != 0;
    r.created_at = s.integer(6);
    r.last_fired_at = s.integer(7);
    r.failure_count = s.integer(8);
    return r;
}

DeliveryRecord read_delivery(const Stmt& s) {
    DeliveryRecord r;
    r.id = s.text(0);
    r.webhook_id = s.text(1);
    r.event = s.text(2);
    r.payload = s.text(3);
    r.status = s.text(4);
    r.attempts = s.integer(5);
    r.next_at_ms = s.integer(6);
    r.response_code = s.integer(7);
    r.duration_ms = s.integer(8);
    r.error = s.text(9);
    r.created_at = s.integer(10);
    r.updated_at = s.integer(11);
    return r;
}

std::vector<WebhookRecord> hooks(Stmt& s) {
    std::vector<WebhookRecord> out;
    while (s.step()) out.push_back(read_hook(s));
    return out;
}

std::vector<DeliveryRecord> deliveries_of(Stmt& s) {
    std::vector<DeliveryRecord> out;
    while (s.step()) out.push_back(read_delivery(s));
    return out;
}

}  // namespace

std::vector<WebhookRecord> WebhookRepo::list(const ReadTx& tx,
                                             const std::optional<std::string>& owner) {
    if (owner) {
        Stmt s(tx, std::string("SELECT ") + kHookColumns +
                       " FROM webhooks WHERE owner = ? ORDER BY created_at, id");
        s.bind(1, *owner);
        return hooks(s);
    }
    Stmt s(tx, std::string("SELECT ") + kHookColumns + " FROM webhooks ORDER BY created_at, id");
    return hooks(s);
}

std::vector<WebhookRecord> WebhookRepo::list_enabled(const ReadTx& tx) {
    Stmt s(tx, std::string("SELECT ") + kHookColumns + " FROM webhooks WHERE enabled = 1");
    return hooks(s);
}

std::optional<WebhookRecord> WebhookRepo::find(const ReadTx& tx, const std::string& id) {
    Stmt s(tx, std::string("SELECT ") + kHookColumns + " FROM webhooks WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return read_hook(s);
}

void WebhookRepo::insert(WriteTx& tx, const WebhookRecord& h) {
    Stmt s(tx, std::string("INSERT INTO webhooks (") + kHookColumns +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind_all(h.id, h.owner, h.url, to_json_array(h.events), h.secret,
               static_cast<int64_t>(h.enabled), h.created_at, h.last_fired_at, h.failure_count);
    s.run();
}

void WebhookRepo::update(WriteTx& tx, const WebhookRecord& h) {
    Stmt s(tx, "UPDATE webhooks SET url = ?, events = ?, enabled = ? WHERE id = ?");
    s.bind_all(h.url, to_json_array(h.events), static_cast<int64_t>(h.enabled), h.id);
    s.run();
}

bool WebhookRepo::remove(WriteTx& tx, const std::string& id) {
    Stmt s(tx, "DELETE FROM webhooks WHERE id = ?");
    s.bind(1, id);
    return s.run() > 0;
}

int64_t WebhookRepo::remove_all_of(WriteTx& tx, const std::string& owner) {
    Stmt s(tx, "DELETE FROM webhooks WHERE owner = ?");
    s.bind(1, owner);
    return s.run();
}

void WebhookRepo::record_outcome(WriteTx& tx, const std::string& id, bool delivered, int64_t now) {
    if (delivered) {
        Stmt s(tx, "UPDATE webhooks SET last_fired_at = ?, failure_count = 0 WHERE id = ?");
        s.bind_all(now, id);
        s.run();
    } else {
        Stmt s(tx, "UPDATE webhooks SET failure_count = failure_count + 1 WHERE id = ?");
        s.bind(1, id);
        s.run();
    }
}

void WebhookRepo::insert_delivery(WriteTx& tx, const DeliveryRecord& d) {
    Stmt s(tx, std::string("INSERT INTO webhook_deliveries (") + kDeliveryColumns +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind_all(d.id, d.webhook_id, d.event, d.payload, d.status, d.attempts, d.next_at_ms,
               d.response_code, d.duration_ms, d.error, d.created_at, d.updated_at);
    s.run();
}

void WebhookRepo::update_delivery(WriteTx& tx, const DeliveryRecord& d) {
    Stmt s(tx,
           "UPDATE webhook_deliveries SET status = ?, attempts = ?, next_at_ms = ?, "
           "response_code = ?, duration_ms = ?, error = ?, updated_at = ? WHERE id = ?");
    s.bind_all(d.status, d.attempts, d.next_at_ms, d.response_code, d.duration_ms, d.error,
               d.updated_at, d.id);
    s.run();
}

std::vector<DeliveryRecord> WebhookRepo::due(const ReadTx& tx, int64_t now_ms, int64_t limit) {
    Stmt s(tx, std::string("SELECT ") + kDeliveryColumns +
                   " FROM webhook_deliveries WHERE status = 'pending' AND next_at_ms <= ? "
                   "ORDER BY next_at_ms, created_at LIMIT ?");
    s.bind_all(now_ms, limit);
    return deliveries_of(s);
}

std::optional<int64_t> WebhookRepo::next_due(const ReadTx& tx) {
    Stmt s(tx, "SELECT MIN(next_at_ms) FROM webhook_deliveries WHERE status = 'pending'");
    if (!s.step() || s.is_null(0)) return std::nullopt;
    return s.integer(0);
}

void WebhookRepo::due_by(WriteTx& tx, int64_t now_ms) {
    Stmt s(tx,
           "UPDATE webhook_deliveries SET next_at_ms = ? WHERE status = 'pending' AND "
           "next_at_ms > ?");
    s.bind_all(now_ms, now_ms);
    s.run();
}

std::vector<DeliveryRecord> WebhookRepo::deliveries(const ReadTx& tx, const std::string& webhook_id,
                                                    int64_t limit) {
    Stmt s(tx, std::string("SELECT ") + kDeliveryColumns +
                   " FROM webhook_deliveries WHERE webhook_id = ? "
                   "ORDER BY created_at DESC, rowid DESC LIMIT ?");
    s.bind_all(webhook_id, limit);
    return deliveries_of(s);
}

int64_t WebhookRepo::count_by_status(const ReadTx& tx, const std::string& status) {
    Stmt s(tx, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = ?");
    s.bind(1, status);
    return s.step() ? s.integer(0) : 0;
}

}  // namespace wsp
