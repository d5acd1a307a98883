#include <spdlog/spdlog.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>

#include "app/panel.h"
#include "app/wire.h"
#include "drivers/mailer.h"
#include "services/cron_service.h"

namespace wsp {
namespace {

// cron.timezone sets the zone the panel computes schedules (and writes
// times) in. Set once here, before any thread starts.
Result<void> apply_timezone(const std::string& zone) {
    if (zone.empty()) return Ok{};
    namespace fs = std::filesystem;
    if (zone.find("..") != std::string::npos || zone.front() == '/' ||
        !fs::is_regular_file(fs::path("/usr/share/zoneinfo") / zone))
        return validation("config key 'cron.timezone': unknown time zone '" + zone + "'");
    ::setenv("TZ", zone.c_str(), 1);
    ::tzset();
    return Ok{};
}

}  // namespace

Result<void> wire_cron(Panel& panel) {
    CHECK_OK(apply_timezone(panel.config().cron.timezone));
    auto mailer = std::make_shared<Mailer>(panel.config().mail);
    auto cron = std::make_shared<CronService>(panel.context(), mailer);
    Services& services = panel.services();
    services.cron = cron;
    services.users.add_cleanup(cron.get());
    services.health["cron"] = [cron] { return cron->healthy(); };
    panel.on_serve(
        "cron", [cron]() -> Result<void> { return cron->start(); }, [cron] { cron->stop(); });
    return Ok{};
}

}  // namespace wsp
