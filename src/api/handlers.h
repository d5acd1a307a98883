#pragma once
// Every handler: decode the request, call one service, encode the result.
// No SQL, no syscalls, no policy here.
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

// system
Response health(Services& s, const Request& r);
Response openapi(Services& s, const Request& r);

// auth
Response login(Services& s, const Request& r);
Response logout(Services& s, const Request& r);
Response me(Services& s, const Request& r);

// users
Response list_users(Services& s, const Request& r);
Response create_user(Services& s, const Request& r);
Response get_user(Services& s, const Request& r);
Response update_user(Services& s, const Request& r);
Response delete_user(Services& s, const Request& r);
Response suspend_user(Services& s, const Request& r);
Response unsuspend_user(Services& s, const Request& r);

// API keys
Response list_keys(Services& s, const Request& r);
Response create_key(Services& s, const Request& r);
Response update_key(Services& s, const Request& r);
Response delete_key(Services& s, const Request& r);

// packages
Response list_packages(Services& s, const Request& r);
Response create_package(Services& s, const Request& r);
Response get_package(Services& s, const Request& r);
Response update_package(Services& s, const Request& r);
Response delete_package(Services& s, const Request& r);

// domains
Response list_domains(Services& s, const Request& r);
Response create_domain(Services& s, const Request& r);
Response get_domain(Services& s, const Request& r);
Response delete_domain(Services& s, const Request& r);

}  // namespace wsp::api
