#pragma once
// Handlers of /api/v1/databases (seed 000); routes in databases_routes.cpp.
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response list_databases(Services& s, const Request& r);
Response create_database(Services& s, const Request& r);
Response get_database(Services& s, const Request& r);
Response update_database(Services& s, const Request& r);
Response delete_database(Services& s, const Request& r);
Response reset_database_password(Services& s, const Request& r);
Response database_phpmyadmin(Services& s, const Request& r);
Response list_database_users(Services& s, const Request& r);
Response create_database_user(Services& s, const Request& r);
Response update_database_user(Services& s, const Request& r);
Response delete_database_user(Services& s, const Request& r);
// /api/v1/database-hosts (admin), database_hosts_handler.cpp.
Response list_database_hosts(Services& s, const Request& r);
Response create_database_host(Services& s, const Request& r);
Response get_database_host(Services& s, const Request& r);
Response update_database_host(Services& s, const Request& r);
Response delete_database_host(Services& s, const Request& r);

}  // namespace wsp::api
