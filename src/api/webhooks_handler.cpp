// Webhooks (docs/integrations.md): {"success":true,"data":...} bodies, as
// the product's newer areas write them.
#include <algorithm>
#include <boost/json.hpp>

#include "api/integrations_handlers.h"
#include "api/respond.h"
#include "base/clock.h"
#include "http/json_io.h"
#include "services/webhook_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;
constexpr int64_t kPerPage = 50;

json::object hook_json(const WebhookRecord& h, bool with_secret) {
    json::array events;
    for (const auto& e : h.events) events.emplace_back(e);
    return json::object{{"id", h.id},
                        {"owner", h.owner},
                        {"url", h.url},
                        {"events", events},
                        {"secret", with_secret ? h.secret : "<redacted>"},
                        {"enabled", h.enabled},
                        {"created_at", rfc3339(h.created_at)},
                        {"last_fired_at", rfc3339_or_never(h.last_fired_at)},
                        {"failure_count", h.failure_count}};
}

json::object delivery_json(const DeliveryRecord& d) {
    return json::object{{"id", d.id},
                        {"webhook_id", d.webhook_id},
                        {"event", d.event},
                        {"status", d.status},
                        {"attempts", d.attempts},
                        {"response_code", d.response_code},
                        {"duration_ms", d.duration_ms},
                        {"error", d.error},
                        {"created_at", rfc3339(d.created_at)},
                        {"updated_at", rfc3339(d.updated_at)}};
}

Response wrapped(json::value v, unsigned status = 200) {
    return json_response(json::object{{"success", true}, {"data", std::move(v)}}, status);
}

// One page of `items` with the product's meta block.
template <class T, class Encode>
Response page_of(const Request& r, const std::vector<T>& items, Encode&& encode) {
    TRY_OR_RESPOND(int64_t page, r.query_int("page", 1));
    if (page < 1) page = 1;
    const int64_t total = static_cast<int64_t>(items.size());
    const int64_t last = std::max<int64_t>(1, (total + kPerPage - 1) / kPerPage);
    json::array out;
    for (int64_t i = (page - 1) * kPerPage; i < std::min(total, page * kPerPage); ++i)
        out.emplace_back(encode(items[static_cast<size_t>(i)]));
    return json_response(json::object{{"success", true},
                                      {"data", out},
                                      {"meta", json::object{{"total", total},
                                                            {"per_page", kPerPage},
                                                            {"current_page", page},
                                                            {"last_page", last}}}});
}

Result<WebhookInput> input_of(const Request& r) {
    TRY(auto body, parse_object(r));
    Fields f(body);
    WebhookInput in;
    TRY(in.url, f.string("url"));
    TRY(in.events, f.strings("events"));
    TRY(in.enabled, f.boolean("enabled"));
    return in;
}

}  // namespace

Response list_webhooks(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto hooks, s.webhooks->list(*r.caller));
    return page_of(r, hooks, [](const WebhookRecord& h) { return hook_json(h, false); });
}

Response create_webhook(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto in, input_of(r));
    TRY_OR_RESPOND(auto h, s.webhooks->create(*r.caller, in));
    return wrapped(hook_json(h, true), 201);
}

Response get_webhook(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto h, s.webhooks->get(*r.caller, r.param("id")));
    return wrapped(hook_json(h, false));
}

Response update_webhook(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto in, input_of(r));
    TRY_OR_RESPOND(auto h, s.webhooks->update(*r.caller, r.param("id"), in));
    return wrapped(hook_json(h, false));
}

Response delete_webhook(Services& s, const Request& r) {
    auto done = s.webhooks->remove(*r.caller, r.param("id"));
    if (!done.ok()) return error_response(done.error());
    return json_response(json::object{{"success", true}, {"message", "Webhook deleted"}});
}

Response webhook_deliveries(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto list, s.webhooks->deliveries(*r.caller, r.param("id")));
    return page_of(r, list, delivery_json);
}

Response test_webhook(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto d, s.webhooks->test(*r.caller, r.param("id")));
    return wrapped(delivery_json(d), 202);
}

}  // namespace wsp::api
