#pragma once
// The cron area's handlers (routes in api/cron_routes.cpp).
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response list_cronjobs(Services& s, const Request& r);
Response create_cronjob(Services& s, const Request& r);
Response get_cronjob(Services& s, const Request& r);
Response update_cronjob(Services& s, const Request& r);
Response delete_cronjob(Services& s, const Request& r);
Response run_cronjob(Services& s, const Request& r);
Response cronjob_logs(Services& s, const Request& r);
Response preview_cron_expression(Services& s, const Request& r);

}  // namespace wsp::api
