// Backups area: the backup service (restic), its task pool and schedule
// thread, and the export/import of databases (docs/backups.md).
#include "app/panel.h"
#include "app/wire.h"
#include "drivers/mailer.h"
#include "drivers/mariadb_server.h"
#include "services/backup_service.h"
#include "services/cron_service.h"
#include "services/ftp_service.h"

namespace wsp {

Result<void> wire_backups(Panel& panel) {
    const Config& config = panel.config();
    Services& services = panel.services();
    MariadbTools tools;
    if (config.mariadb.mode == ServiceMode::sandbox) {
        tools.socket = mariadb_layout(config, panel.data_dir()).socket.string();
    } else {
        tools.socket = config.mariadb.socket;
        tools.host = config.mariadb.host;
        tools.port = static_cast<int>(config.mariadb.port);
    }
    auto service = std::make_shared<BackupService>(panel.context(), *services.databases,
                                                   panel.data_dir(), std::move(tools));
    services.backups = service;
    auto mailer = std::make_shared<Mailer>(config.mail);
    service->set_mailer(mailer);
    service->set_users(&services.users);
    service->set_record_services({&services.domains, services.ftp.get(), services.cron.get()});
    panel.on_serve(
        "backups",
        [service, mailer]() -> Result<void> {
            mailer->start();
            return service->start();
        },
        [service, mailer] {
            service->stop();
            mailer->stop();
        });
    return Ok{};
}

}  // namespace wsp
