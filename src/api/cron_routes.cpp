#include "api/cron_handlers.h"
#include "api/routes.h"

namespace wsp {

// Cron jobs. Everything touches the store, so all on the workers.
std::span<const Route> cron_routes() {
    using namespace api;
    static const Route kRoutes[] = {
        {Verb::get, "/api/v1/cronjobs", &list_cronjobs, "cron"},
        {Verb::post, "/api/v1/cronjobs", &create_cronjob, "cron"},
        // Literal, so it wins over "/cronjobs/{id}".
        {Verb::get, "/api/v1/cronjobs/preview", &preview_cron_expression, "cron"},
        {Verb::get, "/api/v1/cronjobs/{id}", &get_cronjob, "cron"},
        {Verb::put, "/api/v1/cronjobs/{id}", &update_cronjob, "cron"},
        {Verb::delete_, "/api/v1/cronjobs/{id}", &delete_cronjob, "cron"},
        {Verb::post, "/api/v1/cronjobs/{id}/run", &run_cronjob, "cron"},
        {Verb::get, "/api/v1/cronjobs/{id}/logs", &cronjob_logs, "cron"},
    };
    return kRoutes;
}

}  // namespace wsp
