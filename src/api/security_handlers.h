#pragma once
// Account security's handlers (routes in api/security_routes.cpp): 2FA,
// sessions, reauth, login-as, login history, the audit log.
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response two_factor_status(Services& s, const Request& r);
Response two_factor_setup(Services& s, const Request& r);
Response two_factor_enable(Services& s, const Request& r);
Response two_factor_disable(Services& s, const Request& r);
Response two_factor_reset(Services& s, const Request& r);
Response reauth(Services& s, const Request& r);
Response login_as(Services& s, const Request& r);
Response own_sessions(Services& s, const Request& r);
Response revoke_own_session(Services& s, const Request& r);
Response revoke_own_other_sessions(Services& s, const Request& r);
Response user_sessions(Services& s, const Request& r);
Response revoke_user_session(Services& s, const Request& r);
Response revoke_user_sessions(Services& s, const Request& r);
Response own_login_history(Services& s, const Request& r);
Response user_login_history(Services& s, const Request& r);
Response list_audit(Services& s, const Request& r);
Response export_audit(Services& s, const Request& r);

}  // namespace wsp::api
