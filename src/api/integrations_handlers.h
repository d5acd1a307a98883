#pragma once
// Integrations' handlers (routes in api/integrations_routes.cpp): webhooks,
// single sign-on, metrics.
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response list_webhooks(Services& s, const Request& r);
Response create_webhook(Services& s, const Request& r);
Response get_webhook(Services& s, const Request& r);
Response update_webhook(Services& s, const Request& r);
Response delete_webhook(Services& s, const Request& r);
Response webhook_deliveries(Services& s, const Request& r);
Response test_webhook(Services& s, const Request& r);

}  // namespace wsp::api

namespace wsp::api {

Response sso_mint(Services& s, const Request& r);
Response sso_mint_batch(Services& s, const Request& r);
Response sso_exchange(Services& s, const Request& r);
Response sso_consume(Services& s, const Request& r);
Response metrics(Services& s, const Request& r);
// The same text without auth, on the loopback listener of metrics.listen.
Response open_metrics(Services& s, const Request& r);

}  // namespace wsp::api
