#include "api/integrations_handlers.h"
#include "api/routes.h"

namespace wsp {

// Integrations (docs/integrations.md). Webhooks need a key scoped "all"
// (no area scope names them; "read" lists).
std::span<const Route> integrations_routes() {
    using namespace api;
    static const Route kRoutes[] = {
        {Verb::get, "/api/v1/webhooks", &list_webhooks, "webhooks"},
        {Verb::post, "/api/v1/webhooks", &create_webhook, "webhooks"},
        {Verb::get, "/api/v1/webhooks/{id}", &get_webhook, "webhooks"},
        {Verb::patch, "/api/v1/webhooks/{id}", &update_webhook, "webhooks"},
        {Verb::delete_, "/api/v1/webhooks/{id}", &delete_webhook, "webhooks"},
        {Verb::get, "/api/v1/webhooks/{id}/deliveries", &webhook_deliveries, "webhooks"},
        {Verb::post, "/api/v1/webhooks/{id}/test", &test_webhook, "webhooks"},
        // Single sign-on: minted by an admin's API key (the service checks),
        // consumed by a browser, exchanged by the web interface.
        {Verb::post, "/api/v1/auth/sso/mint", &sso_mint, "users"},
        {Verb::post, "/api/v1/auth/sso/mint-batch", &sso_mint_batch, "users"},
        {Verb::post, "/api/v1/auth/sso/exchange", &sso_exchange, "", Access::open},
        {Verb::get, "/sso/consume/{nonce}", &sso_consume, "", Access::open},
        // Prometheus; an admin's credential (the handler checks).
        {Verb::get, "/metrics", &metrics, "users"},
    };
    return kRoutes;
}

// The metrics.listen listener's whole table: GET /metrics, no auth (it
// binds loopback addresses only; app/serve.cpp).
std::span<const Route> metrics_listener_routes() {
    static const Route kRoutes[] = {
        {Verb::get, "/metrics", &api::open_metrics, "", Access::open},
    };
    return kRoutes;
}

}  // namespace wsp
