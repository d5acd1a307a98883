#include <boost/json.hpp>

#include "api/databases_handlers.h"
#include "api/paging.h"
#include "api/respond.h"
#include "base/clock.h"
#include "services/database_service.h"

namespace wsp::api {
namespace {

DatabaseService& service(Services& s) {
    return *s.databases;
}

boost::json::object created_json(const DatabaseRecord& d) {
    return {{"id", d.name},     {"name", d.name}, {"user", d.user},
            {"owner", d.owner}, {"host", d.host}, {"created_at", rfc3339(d.created_at)}};
}

// Null for what there is not (no TCP port, no socket meant for clients).
boost::json::object connection_json(const DatabaseConnection& c) {
    auto or_null = [](const std::string& s) {
        return s.empty() ? boost::json::value(nullptr) : boost::json::value(s);
    };
    return {{"host", or_null(c.host)},
            {"port", c.port > 0 ? boost::json::value(c.port) : boost::json::value(nullptr)},
            {"socket", or_null(c.socket)},
            {"database_host", c.database_host}};
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
            {"host", d.host},
            {"connection", connection_json(v.connection)},
            {"created_at", rfc3339(d.created_at)}};
}

boost::json::object user_json(const DatabaseUserView& u) {
    boost::json::value privileges;
    if (u.privileges_name.empty()) {
        boost::json::array list;
        for (const auto& p : u.privilege_list) list.emplace_back(p);
        privileges = std::move(list);
    } else {
        privileges = u.privileges_name;
    }
    return {{"user", u.user},
            {"database", u.database},
            {"primary", u.primary},
            {"privileges", std::move(privileges)},
            {"remote_host", u.remote_host.empty() ? boost::json::value(nullptr)
                                                  : boost::json::value(u.remote_host)},
            {"created_at", rfc3339(u.created_at)}};
}

// "privileges": a string or an array of strings; absent or null: none.
Result<std::optional<PrivilegesInput>> read_privileges(const boost::json::object& body) {
    auto it = body.find("privileges");
    if (it == body.end() || it->value().is_null()) return std::optional<PrivilegesInput>{};
    if (it->value().is_string())
        return std::optional<PrivilegesInput>{std::string(it->value().as_string())};
    if (it->value().is_array()) {
        std::vector<std::string> list;
        for (const auto& v : it->value().as_array()) {
            if (!v.is_string())
                return validation("privileges must be a string or an array of strings");
            list.emplace_back(v.as_string());
        }
        return std::optional<PrivilegesInput>{std::move(list)};
    }
    return validation("privileges must be a string or an array of strings");
}

}  // namespace

Response list_databases(Services& s, const Request& r) {
    TRY_OR_RESPOND(PageSpec page, page_spec(r));
    return respond_page(service(s).list_page(*r.caller, r.query("owner"), page), r, page,
                        view_json);
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
    TRY_OR_RESPOND(in.host, f.string("host"));
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

Response list_database_users(Services& s, const Request& r) {
    return respond_list(service(s).list_users(*r.caller, r.param("id")), user_json);
}

Response create_database_user(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewDatabaseUser in;
    TRY_OR_RESPOND(in.user, f.required_string("user", "Database user"));
    TRY_OR_RESPOND(in.password, f.required_string("password", "Password"));
    TRY_OR_RESPOND(in.privileges, read_privileges(body));
    TRY_OR_RESPOND(in.remote_host, f.string("remote_host"));
    return respond(service(s).add_user(*r.caller, r.param("id"), in), user_json, 201);
}

Response update_database_user(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    DatabaseUserChange in;
    TRY_OR_RESPOND(in.password, f.string("password"));
    TRY_OR_RESPOND(in.privileges, read_privileges(body));
    TRY_OR_RESPOND(in.remote_host, f.string("remote_host"));
    // An explicit null removes the remote host, like "".
    if (auto it = body.find("remote_host"); it != body.end() && it->value().is_null())
        in.remote_host = std::string();
    return respond(service(s).update_user(*r.caller, r.param("id"), r.param("user"), in),
                   user_json);
}

Response delete_database_user(Services& s, const Request& r) {
    return respond_message(service(s).remove_user(*r.caller, r.param("id"), r.param("user")),
                           "Database user deleted successfully");
}

}  // namespace wsp::api
