#include "api/routes.h"

#include "api/handlers.h"
#include "api/usage_handlers.h"

#include <vector>

namespace wsp {
namespace {

using V = Verb;
constexpr Access kOpen = Access::open;
constexpr Access kBearer = Access::bearer;
constexpr Exec kLoop = Exec::event_loop;
constexpr Exec kWorker = Exec::worker;

// Literal paths beat parameters ("/ftp/status" over "/ftp/{id}").
const Route kRoutes[] = {
    {V::get, "/api/v1/health", &api::health, "", kOpen, kWorker},
    {V::get, "/api/v1/openapi.json", &api::openapi, "", kOpen, kLoop},
    {V::post, "/api/v1/auth/login", &api::login, "", kOpen, kWorker},
    {V::post, "/api/v1/auth/logout", &api::logout, "", kBearer, kWorker},
    {V::get, "/api/v1/auth/me", &api::me, "", kBearer, kLoop},

    {V::get, "/api/v1/users", &api::list_users, "users", kBearer, kWorker},
    {V::post, "/api/v1/users", &api::create_user, "users", kBearer, kWorker},
    {V::get, "/api/v1/users/{username}", &api::get_user, "users", kBearer, kWorker},
    {V::put, "/api/v1/users/{username}", &api::update_user, "users", kBearer, kWorker},
    {V::delete_, "/api/v1/users/{username}", &api::delete_user, "users", kBearer, kWorker},
    {V::get, "/api/v1/users/{username}/usage", &api::user_usage, "users", kBearer, kWorker},
    {V::get, "/api/v1/usage", &api::all_usage, "users", kBearer, kWorker},
    {V::get, "/api/v1/system/stats", &api::system_stats, "users", kBearer, kWorker},
    {V::post, "/api/v1/users/{username}/suspend", &api::suspend_user, "users", kBearer, kWorker},
    {V::post, "/api/v1/users/{username}/unsuspend", &api::unsuspend_user, "users", kBearer,
     kWorker},

    {V::get, "/api/v1/users/{username}/api-keys", &api::list_keys, "users", kBearer, kWorker},
    {V::post, "/api/v1/users/{username}/api-keys", &api::create_key, "users", kBearer, kWorker},
    {V::put, "/api/v1/users/{username}/api-keys/{id}", &api::update_key, "users", kBearer, kWorker},
    {V::delete_, "/api/v1/users/{username}/api-keys/{id}", &api::delete_key, "users", kBearer,
     kWorker},

    {V::get, "/api/v1/packages", &api::list_packages, "users", kBearer, kWorker},
    {V::post, "/api/v1/packages", &api::create_package, "users", kBearer, kWorker},
    {V::get, "/api/v1/packages/{name}", &api::get_package, "users", kBearer, kWorker},
    {V::put, "/api/v1/packages/{name}", &api::update_package, "users", kBearer, kWorker},
    {V::delete_, "/api/v1/packages/{name}", &api::delete_package, "users", kBearer, kWorker},

    {V::get, "/api/v1/domains", &api::list_domains, "domains", kBearer, kWorker},
    {V::post, "/api/v1/domains", &api::create_domain, "domains", kBearer, kWorker},
    {V::get, "/api/v1/domains/{domain}", &api::get_domain, "domains", kBearer, kWorker},
    {V::delete_, "/api/v1/domains/{domain}", &api::delete_domain, "domains", kBearer, kWorker},
};

}  // namespace

std::span<const Route> foundation_routes() {
    return kRoutes;
}

std::span<const Route> api_routes() {
    static const std::vector<Route> all = [] {
        std::vector<Route> v;
        for (auto table :
             {foundation_routes(), databases_routes(), ftp_routes(), cron_routes(), files_routes(),
              backups_routes(), security_routes(), resellers_routes(), integrations_routes()})
            v.insert(v.end(), table.begin(), table.end());
        return v;
    }();
    return all;
}

}  // namespace wsp
