#include "api/ftp_handlers.h"
#include "api/routes.h"

namespace wsp {
namespace {

using V = Verb;
constexpr Access kBearer = Access::bearer;
constexpr Exec kWorker = Exec::worker;

// "/ftp/status" is literal, so it wins over "/ftp/{id}".
const Route kRoutes[] = {
    {V::get, "/api/v1/ftp", &api::list_ftp, "ftp", kBearer, kWorker},
    {V::post, "/api/v1/ftp", &api::create_ftp, "ftp", kBearer, kWorker},
    {V::get, "/api/v1/ftp/status", &api::ftp_status, "ftp", kBearer, kWorker},
    // "/ftp/sessions" is literal too (account names always hold a "_").
    {V::get, "/api/v1/ftp/sessions", &api::list_ftp_sessions, "ftp", kBearer, kWorker},
    {V::delete_, "/api/v1/ftp/sessions/{id}", &api::end_ftp_session, "ftp", kBearer, kWorker},
    {V::get, "/api/v1/ftp/{id}", &api::get_ftp, "ftp", kBearer, kWorker},
    {V::put, "/api/v1/ftp/{id}", &api::update_ftp, "ftp", kBearer, kWorker},
    {V::delete_, "/api/v1/ftp/{id}", &api::delete_ftp, "ftp", kBearer, kWorker},
    {V::put, "/api/v1/ftp/{id}/ip-restrictions", &api::set_ftp_ip_restrictions, "ftp", kBearer,
     kWorker},
    {V::post, "/api/v1/ftp/{id}/toggle", &api::toggle_ftp, "ftp", kBearer, kWorker},
    {V::get, "/api/v1/ftp/{id}/keys", &api::list_ftp_keys, "ftp", kBearer, kWorker},
    {V::post, "/api/v1/ftp/{id}/keys", &api::add_ftp_key, "ftp", kBearer, kWorker},
    {V::delete_, "/api/v1/ftp/{id}/keys/{key_id}", &api::delete_ftp_key, "ftp", kBearer, kWorker},
    {V::get, "/api/v1/ftp/{domain}/anonymous", &api::get_ftp_anonymous, "ftp", kBearer, kWorker},
    {V::put, "/api/v1/ftp/{domain}/anonymous", &api::set_ftp_anonymous, "ftp", kBearer, kWorker},
};

}  // namespace

std::span<const Route> ftp_routes() {
    return kRoutes;
}

}  // namespace wsp
