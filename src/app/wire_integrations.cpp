// Integrations (issue 22, docs/integrations.md): Idempotency-Key replays,
// webhooks, single sign-on and metrics.
#include <memory>

#include "app/panel.h"
#include "app/wire.h"
#include "services/idempotency_service.h"
#include "services/metrics.h"
#include "services/sso_service.h"
#include "services/webhook_service.h"

namespace wsp {

Result<void> wire_integrations(Panel& panel) {
    Services& services = panel.services();
    auto idempotency = std::make_shared<IdempotencyService>(panel.context());
    // No request of a previous run is still in progress.
    CHECK_OK(idempotency->forget_pending());
    services.idempotency = idempotency;

    auto webhooks = std::make_shared<WebhookService>(panel.context());
    services.webhooks = webhooks;
    services.users.add_cleanup(webhooks.get());
    // Services announce their events here (services/events.h).
    panel.context().events = webhooks.get();
    auto metrics = std::make_shared<Metrics>();
    services.metrics = metrics;
    webhooks->count_events_in(metrics.get());
    services.sso = std::make_shared<SsoService>(panel.context(), services.audit);
    panel.on_serve(
        "webhooks", [webhooks]() -> Result<void> { return webhooks->start(); },
        [webhooks] { webhooks->stop(); });
    return Ok{};
}

}  // namespace wsp
