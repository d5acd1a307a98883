#include "api/routes.h"
#include "api/security_handlers.h"

namespace wsp {

// Account security (docs/account-security.md). The caller's own /auth/...
// routes need no scope beyond the session or key itself for reading; what
// changes an account needs the "users" scope from a key.
std::span<const Route> security_routes() {
    using namespace api;
    static const Route kRoutes[] = {
        {Verb::get, "/api/v1/auth/2fa", &two_factor_status, ""},
        {Verb::post, "/api/v1/auth/2fa/setup", &two_factor_setup, "users"},
        {Verb::post, "/api/v1/auth/2fa/enable", &two_factor_enable, "users"},
        {Verb::post, "/api/v1/auth/2fa/disable", &two_factor_disable, "users"},
        {Verb::delete_, "/api/v1/users/{username}/2fa", &two_factor_reset, "users"},
        {Verb::post, "/api/v1/auth/reauth", &reauth, ""},
        {Verb::post, "/api/v1/auth/login-as/{username}", &login_as, "users"},
        {Verb::get, "/api/v1/auth/sessions", &own_sessions, ""},
        {Verb::delete_, "/api/v1/auth/sessions", &revoke_own_other_sessions, ""},
        {Verb::delete_, "/api/v1/auth/sessions/{id}", &revoke_own_session, ""},
        {Verb::get, "/api/v1/users/{username}/sessions", &user_sessions, "users"},
        {Verb::delete_, "/api/v1/users/{username}/sessions", &revoke_user_sessions, "users"},
        {Verb::delete_, "/api/v1/users/{username}/sessions/{id}", &revoke_user_session, "users"},
        {Verb::get, "/api/v1/auth/login-history", &own_login_history, ""},
        {Verb::get, "/api/v1/users/{username}/login-history", &user_login_history, "users"},
        {Verb::get, "/api/v1/audit", &list_audit, "users"},
        {Verb::get, "/api/v1/audit/export", &export_audit, "users"},
    };
    return kRoutes;
}

}  // namespace wsp
