#include "api/databases_handlers.h"
#include "api/routes.h"

namespace wsp {

// Every database route talks to MariaDB, so every one runs on the workers.
std::span<const Route> databases_routes() {
    using V = Verb;
    constexpr auto kB = Access::bearer;
    constexpr auto kW = Exec::worker;
    static const Route kRoutes[] = {
        {V::get, "/api/v1/databases", &api::list_databases, "databases", kB, kW},
        {V::post, "/api/v1/databases", &api::create_database, "databases", kB, kW},
        {V::get, "/api/v1/databases/{id}", &api::get_database, "databases", kB, kW},
        {V::put, "/api/v1/databases/{id}", &api::update_database, "databases", kB, kW},
        {V::delete_, "/api/v1/databases/{id}", &api::delete_database, "databases", kB, kW},
        {V::post, "/api/v1/databases/{id}/reset-password", &api::reset_database_password,
         "databases", kB, kW},
        {V::post, "/api/v1/databases/{id}/phpmyadmin", &api::database_phpmyadmin, "databases", kB,
         kW},
        {V::get, "/api/v1/databases/{id}/users", &api::list_database_users, "databases", kB, kW},
        {V::post, "/api/v1/databases/{id}/users", &api::create_database_user, "databases", kB, kW},
        {V::put, "/api/v1/databases/{id}/users/{user}", &api::update_database_user, "databases", kB,
         kW},
        {V::delete_, "/api/v1/databases/{id}/users/{user}", &api::delete_database_user, "databases",
         kB, kW},
        {V::get, "/api/v1/database-hosts", &api::list_database_hosts, "databases", kB, kW},
        {V::post, "/api/v1/database-hosts", &api::create_database_host, "databases", kB, kW},
        {V::get, "/api/v1/database-hosts/{id}", &api::get_database_host, "databases", kB, kW},
        {V::put, "/api/v1/database-hosts/{id}", &api::update_database_host, "databases", kB, kW},
        {V::delete_, "/api/v1/database-hosts/{id}", &api::delete_database_host, "databases", kB,
         kW},
    };
    return kRoutes;
}

}  // namespace wsp
