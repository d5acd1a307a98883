#include "api/resellers_handlers.h"
#include "api/routes.h"

namespace wsp {
namespace {

using V = Verb;
constexpr Access kBearer = Access::bearer;
constexpr Exec kWorker = Exec::worker;

// Literal segments ("dashboard", "transfer-user") beat "{username}"; a
// reseller can be named neither ("-" is not allowed in a username and
// "dashboard" is refused for a reseller: UserService::create).
const Route kRoutes[] = {
    {V::get, "/api/v1/resellers", &api::list_resellers, "users", kBearer, kWorker},
    {V::post, "/api/v1/resellers", &api::create_reseller, "users", kBearer, kWorker},
    {V::get, "/api/v1/resellers/dashboard", &api::reseller_dashboard, "users", kBearer, kWorker},
    {V::post, "/api/v1/resellers/transfer-user", &api::transfer_user, "users", kBearer, kWorker},
    {V::get, "/api/v1/resellers/{username}", &api::get_reseller, "users", kBearer, kWorker},
    {V::delete_, "/api/v1/resellers/{username}", &api::delete_reseller, "users", kBearer, kWorker},
    {V::get, "/api/v1/resellers/{username}/limits", &api::get_reseller_limits, "users", kBearer,
     kWorker},
    {V::put, "/api/v1/resellers/{username}/limits", &api::update_reseller_limits, "users", kBearer,
     kWorker},
    {V::get, "/api/v1/resellers/{username}/usage", &api::reseller_usage, "users", kBearer, kWorker},
    {V::get, "/api/v1/resellers/{username}/users", &api::reseller_users, "users", kBearer, kWorker},
};

}  // namespace

std::span<const Route> resellers_routes() {
    return kRoutes;
}

}  // namespace wsp
