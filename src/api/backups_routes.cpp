#include "api/backups_handlers.h"
#include "api/routes.h"

namespace wsp {

// Everything runs restic, MariaDB or the store: all on the workers, except
// reading a task (a lock and a copy).
std::span<const Route> backups_routes() {
    using V = Verb;
    constexpr auto kB = Access::bearer;
    constexpr auto kW = Exec::worker;
    constexpr auto kL = Exec::event_loop;
    static const Route kRoutes[] = {
        {V::get, "/api/v1/databases/{id}/export", &api::database_export, "databases", kB, kW},
        // The body is the .sql or .sql.gz itself (or ?path= in the home).
        {V::post, "/api/v1/databases/{id}/import", nullptr, "databases", kB, kW,
         &api::import_body_limit, &api::database_import},
        // Admin: to another database host, as a task (dump, load, switch).
        {V::post, "/api/v1/databases/{id}/move", &api::database_move, "databases", kB, kW},
        {V::get, "/api/v1/backups", &api::backups_list, "backups", kB, kW},
        {V::post, "/api/v1/backups", &api::backups_create, "backups", kB, kW},
        {V::get, "/api/v1/backups/schedule", &api::backups_schedule_get, "backups", kB, kW},
        {V::put, "/api/v1/backups/schedule", &api::backups_schedule_put, "backups", kB, kW},
        {V::post, "/api/v1/backups/prune", &api::backups_prune, "backups", kB, kW},
        {V::get, "/api/v1/backups/tasks", &api::backups_tasks_list, "backups", kB, kL},
        {V::get, "/api/v1/backups/tasks/{id}", &api::backups_task_get, "backups", kB, kL},
        {V::delete_, "/api/v1/backups/tasks/{id}", &api::backups_task_delete, "backups", kB, kW},
        {V::get, "/api/v1/backups/{id}", &api::backups_get, "backups", kB, kW},
        {V::post, "/api/v1/backups/{id}/restore", &api::backups_restore, "backups", kB, kW},
        {V::get, "/api/v1/backups/{id}/download", &api::backups_download, "backups", kB, kW},
    };
    return kRoutes;
}

}  // namespace wsp
