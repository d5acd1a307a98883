// Handlers of /api/v1/database-hosts (admin; services/database_hosts.*).
#include <boost/json.hpp>

#include "api/databases_handlers.h"
#include "api/respond.h"
#include "base/clock.h"
#include "services/database_service.h"

namespace wsp::api {
namespace {

DatabaseHosts& hosts(Services& s) {
    return s.databases->hosts();
}

// Never the admin password: it is not even read back.
boost::json::object host_json(const DatabaseHostView& v) {
    const DatabaseHostRecord& h = v.record;
    boost::json::array nodes;
    for (const auto& n : v.nodes) {
        boost::json::object o{{"address", n.address},
                              {"reachable", n.reachable},
                              {"state", n.state},
                              {"ready", n.ready}};
        if (h.kind == "galera") {
            o["cluster_size"] = n.cluster_size;
            o["cluster_status"] = n.cluster_status;
        }
        nodes.push_back(std::move(o));
    }
    boost::json::object out{{"id", h.name},
                            {"name", h.name},
                            {"kind", h.kind},
                            {"host", h.host},
                            {"port", h.port},
                            {"admin_user", h.admin_user},
                            {"client_host", h.client_host},
                            {"tls", h.tls},
                            {"max_databases", h.max_databases},
                            {"enabled", h.enabled},
                            {"databases", v.databases},
                            {"packages", boost::json::array(v.packages.begin(), v.packages.end())},
                            {"up", v.up},
                            {"health", std::move(nodes)},
                            {"created_at", rfc3339(h.created_at)}};
    if (h.kind == "galera") {
        boost::json::array listed;
        for (const auto& a : h.nodes) {
            auto colon = a.rfind(':');
            listed.push_back(boost::json::object{{"host", a.substr(0, colon)},
                                                 {"port", std::atoll(a.c_str() + colon + 1)}});
        }
        out["nodes"] = std::move(listed);
    }
    return out;
}

Result<std::optional<std::vector<DatabaseHostNode>>> read_nodes(const boost::json::object& body) {
    auto it = body.find("nodes");
    if (it == body.end() || it->value().is_null())
        return std::optional<std::vector<DatabaseHostNode>>{};
    if (!it->value().is_array()) return validation("nodes must be an array of {host, port}");
    std::vector<DatabaseHostNode> nodes;
    for (const auto& v : it->value().as_array()) {
        if (!v.is_object()) return validation("nodes must be an array of {host, port}");
        Fields f(v.as_object());
        DatabaseHostNode n;
        TRY(n.host, f.required_string("host", "nodes host"));
        TRY(auto port, f.integer("port"));
        n.port = port.value_or(3306);
        nodes.push_back(std::move(n));
    }
    return std::optional<std::vector<DatabaseHostNode>>{std::move(nodes)};
}

}  // namespace

Response list_database_hosts(Services& s, const Request& r) {
    return respond_list(hosts(s).list(*r.caller), host_json);
}

Response create_database_host(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewDatabaseHost in;
    TRY_OR_RESPOND(in.name, f.required_string("name", "name"));
    TRY_OR_RESPOND(in.kind, f.required_string("kind", "kind"));
    TRY_OR_RESPOND(auto host, f.string("host"));
    in.host = host.value_or("");
    TRY_OR_RESPOND(in.port, f.integer("port"));
    TRY_OR_RESPOND(auto nodes, read_nodes(body));
    if (nodes) in.nodes = std::move(*nodes);
    TRY_OR_RESPOND(in.admin_user, f.required_string("admin_user", "admin_user"));
    TRY_OR_RESPOND(in.admin_password, f.required_string("admin_password", "admin_password"));
    TRY_OR_RESPOND(in.client_host, f.string("client_host"));
    TRY_OR_RESPOND(auto tls, f.boolean("tls"));
    in.tls = tls.value_or(false);
    TRY_OR_RESPOND(auto max, f.integer("max_databases"));
    in.max_databases = max.value_or(-1);
    TRY_OR_RESPOND(auto enabled, f.boolean("enabled"));
    in.enabled = enabled.value_or(true);
    TRY_OR_RESPOND(auto packages, f.strings("packages"));
    in.packages = packages.value_or(std::vector<std::string>{});
    return respond(hosts(s).create(*r.caller, in), host_json, 201);
}

Response get_database_host(Services& s, const Request& r) {
    return respond(hosts(s).get(*r.caller, r.param("id")), host_json);
}

Response update_database_host(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    DatabaseHostChange in;
    TRY_OR_RESPOND(in.host, f.string("host"));
    TRY_OR_RESPOND(in.port, f.integer("port"));
    TRY_OR_RESPOND(in.nodes, read_nodes(body));
    TRY_OR_RESPOND(in.admin_user, f.string("admin_user"));
    TRY_OR_RESPOND(in.admin_password, f.string("admin_password"));
    TRY_OR_RESPOND(in.client_host, f.string("client_host"));
    TRY_OR_RESPOND(in.tls, f.boolean("tls"));
    TRY_OR_RESPOND(in.max_databases, f.integer("max_databases"));
    TRY_OR_RESPOND(in.enabled, f.boolean("enabled"));
    TRY_OR_RESPOND(in.packages, f.strings("packages"));
    return respond(hosts(s).update(*r.caller, r.param("id"), in), host_json);
}

Response delete_database_host(Services& s, const Request& r) {
    return respond_message(hosts(s).remove(*r.caller, r.param("id")),
                           "Database host deleted successfully");
}

}  // namespace wsp::api
