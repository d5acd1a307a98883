#pragma once
// The FTP area's handlers (routes in api/ftp_routes.cpp).
#include "http/message.h"
#include "services/services.h"

namespace wsp::api {

Response list_ftp(Services& s, const Request& r);
Response ftp_status(Services& s, const Request& r);
Response create_ftp(Services& s, const Request& r);
Response get_ftp(Services& s, const Request& r);
Response update_ftp(Services& s, const Request& r);
Response delete_ftp(Services& s, const Request& r);
Response set_ftp_ip_restrictions(Services& s, const Request& r);
Response toggle_ftp(Services& s, const Request& r);
Response get_ftp_anonymous(Services& s, const Request& r);
Response set_ftp_anonymous(Services& s, const Request& r);
Response list_ftp_keys(Services& s, const Request& r);
Response add_ftp_key(Services& s, const Request& r);
Response delete_ftp_key(Services& s, const Request& r);
Response list_ftp_sessions(Services& s, const Request& r);
Response end_ftp_session(Services& s, const Request& r);

}  // namespace wsp::api
