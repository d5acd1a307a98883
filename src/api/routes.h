#pragma once
#include <span>

#include "http/router.h"

namespace wsp {

// Every route of the API: the foundation's table (api/routes.cpp) followed
// by each area's own table (api/<area>_routes.cpp).
std::span<const Route> api_routes();

std::span<const Route> foundation_routes();
std::span<const Route> databases_routes();
std::span<const Route> ftp_routes();
std::span<const Route> cron_routes();
std::span<const Route> files_routes();
std::span<const Route> backups_routes();
std::span<const Route> security_routes();
std::span<const Route> resellers_routes();
std::span<const Route> integrations_routes();
// Not in api_routes(): the table of the metrics.listen listener.
std::span<const Route> metrics_listener_routes();

}  // namespace wsp
