#include <boost/json.hpp>

#include "api/databases_handlers.h"
#include "api/respond.h"
#include "base/clock.h"
#include "services/database_service.h"

namespace wsp::api {
namespace {

DatabaseService& service(Services& s) {
    return *s.databases;
}

boost::json::object created_json(const DatabaseRecord& d) {
    return {{"id", d.name},
            {"name", d.name},
            {"user", d.user},
            {"owner", d.owner},
            {"created_at", rfc3339(d.created_at)}};
}

boost::json::object view_json(const DatabaseView& v) {
    const DatabaseRecord& d = v.record;
    return {{"id", d.name},
            {"name", d.name},
            {"user", d.user},
            {"owner", d.owner},
            {"domain", d.domain},
            {"remote_access", d.remote_access},
            {"remote_host", d.remote_host},
            {"size_kb", v.size_kb},
            {"created_at", rfc3339(d.created_at)}};
}

}  // namespace

Response list_databases(Services& s, const Request& r) {
    return respond_list(service(s).list(*r.caller, r.query("owner")), view_json);
}

Response create_database(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewDatabase in;
    TRY_OR_RESPOND(in.name, f.required_string("name", "Database name"));
    TRY_OR_RESPOND(in.user, f.string("user"));
    TRY_OR_RESPOND(in.password, f.required_string("password", "Password"));
    TRY_OR_RESPOND(in.domain, f.string("domain"));
    TRY_OR_RESPOND(in.owner, f.string("owner"));
    return respond(service(s).create(*r.caller, in), created_json, 201);
}

Response get_database(Services& s, const Request& r) {
    return respond(service(s).get(*r.caller, r.param("id")), view_json);
}

Response update_database(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    RemoteAccess in;
    TRY_OR_RESPOND(in.remote_access, f.required_boolean("remote_access", "remote_access"));
    TRY_OR_RESPOND(in.remote_host, f.string("remote_host"));
    return respond(service(s).update_remote(*r.caller, r.param("id"), in), view_json);
}

Response delete_database(Services& s, const Request& r) {
    return respond_message(service(s).remove(*r.caller, r.param("id")),
                           "Database deleted successfully");
}

Response reset_database_password(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto password, f.required_string("password", "Password"));
    return respond_message(service(s).reset_password(*r.caller, r.param("id"), password),
                           "Password reset successfully");
}

Response database_phpmyadmin(Services& s, const Request& r) {
    return respond(service(s).phpmyadmin(*r.caller, r.param("id")), [](const PmaLink& l) {
        return boost::json::object{{"url", l.url}, {"token", l.token}};
    });
}

}  // namespace wsp::api
