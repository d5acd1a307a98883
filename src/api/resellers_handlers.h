#pragma once
// Resellers (docs/resellers.md): /resellers routes.
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response list_resellers(Services& s, const Request& r);
Response create_reseller(Services& s, const Request& r);
Response reseller_dashboard(Services& s, const Request& r);
Response get_reseller(Services& s, const Request& r);
Response delete_reseller(Services& s, const Request& r);
Response get_reseller_limits(Services& s, const Request& r);
Response update_reseller_limits(Services& s, const Request& r);
Response reseller_usage(Services& s, const Request& r);
Response reseller_users(Services& s, const Request& r);
Response transfer_user(Services& s, const Request& r);

}  // namespace wsp::api
