#include "api/encode.h"
#include "api/resellers_handlers.h"
#include "api/respond.h"
#include "base/clock.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

json::object limits_json(const ResellerRecord& l) {
    return {{"max_users", l.max_users},         {"max_domains", l.max_domains},
            {"max_databases", l.max_databases}, {"max_ftp_accounts", l.max_ftp_accounts},
            {"max_cron_jobs", l.max_cron_jobs}, {"disk_quota_mb", l.disk_quota_mb}};
}

json::object allocated_json(const Allocated& a) {
    return {{"max_users", a.users},         {"max_domains", a.domains},
            {"max_databases", a.databases}, {"max_ftp_accounts", a.ftp_accounts},
            {"max_cron_jobs", a.cron_jobs}, {"disk_quota_mb", a.disk_quota_mb}};
}

json::object view_json(const ResellerView& v) {
    json::object o = limits_json(v.limits);
    o["username"] = v.user.username;
    o["email"] = v.user.email;
    o["role"] = name_of(v.user.role);
    o["status"] = name_of(v.user.status);
    o["creator"] = v.user.creator;
    o["package"] = v.user.package;
    o["users_count"] = v.users_count;
    o["allocated"] = allocated_json(v.allocated);
    o["created_at"] = rfc3339(v.user.created_at);
    return o;
}

json::object usage_json(const ResellerUsage& u) {
    json::object items;
    for (const auto& i : u.items)
        items[i.name] =
            json::object{{"used", i.used}, {"allocated", i.allocated}, {"limit", i.limit}};
    json::array customers;
    for (const auto& c : u.customers) {
        json::object used;
        for (const auto& i : c.items)
            used[i.name] = json::object{{"used", i.used}, {"limit", i.limit}};
        customers.push_back(
            json::object{{"username", c.username}, {"package", c.package}, {"usage", used}});
    }
    return {{"username", u.username}, {"usage", items}, {"customers", customers}};
}

}  // namespace

Response list_resellers(Services& s, const Request& r) {
    return respond_list(s.resellers.list(*r.caller), view_json);
}

Response create_reseller(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto username, f.string("username"));
    TRY_OR_RESPOND(auto email, f.string("email"));
    TRY_OR_RESPOND(auto password, f.string("password"));
    NewUser in{username.value_or(""), email.value_or(""), password.value_or(""), {}, {}};
    return respond(
        s.resellers.create(*r.caller, in),
        [](const UserRecord& u) {
            return json::object{{"success", true},
                                {"message", "Reseller created successfully"},
                                {"username", u.username},
                                {"package", u.package}};
        },
        201);
}

Response reseller_dashboard(Services& s, const Request& r) {
    auto result = s.resellers.dashboard(*r.caller);
    if (!result.ok()) return error_response(result.error());
    // A reseller: its own; an admin: every reseller's.
    if (r.caller->is_reseller()) {
        json::object o = usage_json(result->front());
        o["role"] = "reseller";
        return json_response(o);
    }
    json::array all;
    for (const auto& u : *result) all.push_back(usage_json(u));
    return json_response(json::object{{"role", "admin"}, {"resellers", all}});
}

Response get_reseller(Services& s, const Request& r) {
    return respond(s.resellers.get(*r.caller, r.param("username")), view_json);
}

Response delete_reseller(Services& s, const Request& r) {
    return respond(s.resellers.remove(*r.caller, r.param("username"), r.query("reassign_to")),
                   [](const ResellerRemoved& d) {
                       json::object what;
                       for (const auto& [kind, count] : d.removed) {
                           if (kind == "home")
                               what[kind] = count > 0;
                           else
                               what[kind] = count;
                       }
                       return json::object{{"success", true},
                                           {"message", "Reseller deleted"},
                                           {"reassigned", d.reassigned},
                                           {"removed", std::move(what)}};
                   });
}

Response get_reseller_limits(Services& s, const Request& r) {
    return respond(s.resellers.get(*r.caller, r.param("username")),
                   [](const ResellerView& v) { return limits_json(v.limits); });
}

Response update_reseller_limits(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    ResellerLimits l;
    TRY_OR_RESPOND(l.max_users, f.integer("max_users"));
    TRY_OR_RESPOND(l.max_domains, f.integer("max_domains"));
    TRY_OR_RESPOND(l.max_databases, f.integer("max_databases"));
    TRY_OR_RESPOND(l.max_ftp_accounts, f.integer("max_ftp_accounts"));
    TRY_OR_RESPOND(l.max_cron_jobs, f.integer("max_cron_jobs"));
    TRY_OR_RESPOND(l.disk_quota_mb, f.integer("disk_quota_mb"));
    return respond(s.resellers.set_limits(*r.caller, r.param("username"), l),
                   [](const ResellerView& v) { return limits_json(v.limits); });
}

Response reseller_usage(Services& s, const Request& r) {
    return respond(s.resellers.usage(*r.caller, r.param("username")), usage_json);
}

Response reseller_users(Services& s, const Request& r) {
    return respond_list(s.resellers.users(*r.caller, r.param("username")),
                        [&s](const UserRecord& u) { return user_json(u, s.ctx.identity); });
}

Response transfer_user(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto username, f.string("username"));
    TRY_OR_RESPOND(auto to, f.string("to"));
    TRY_OR_RESPOND(auto package, f.string("package"));
    return respond(s.resellers.transfer(*r.caller, username.value_or(""), to.value_or(""), package),
                   [&s](const UserRecord& u) {
                       return json::object{{"success", true},
                                           {"message", "User transferred"},
                                           {"user", user_json(u, s.ctx.identity)}};
                   });
}

}  // namespace wsp::api
