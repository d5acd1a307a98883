#pragma once
// Records as the API writes them.
#include <boost/json.hpp>

#include "services/auth_service.h"
#include "store/records.h"
#include "system/identity.h"

namespace wsp {

boost::json::object user_json(const UserRecord& u, const Identity& identity);
boost::json::object package_json(const PackageRecord& p);
boost::json::object key_json(const ApiKeyRecord& k);
boost::json::object domain_json(const DomainRecord& d, const Identity& identity);
boost::json::object me_json(const Me& me);
std::string me_json_text(const Me& me);  // the same, serialized
// A new session: {token, user, expires_in, must_enroll_2fa?, impersonated_by?}.
boost::json::object login_json(const LoginResult& l, const Identity& identity);

}  // namespace wsp
