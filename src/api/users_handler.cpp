#include "api/encode.h"
#include "api/handlers.h"
#include "api/paging.h"
#include "api/respond.h"

namespace wsp::api {
namespace {
auto encoder(Services& s) {
    return [&s](const UserRecord& u) { return user_json(u, s.ctx.identity); };
}
}  // namespace

Response list_users(Services& s, const Request& r) {
    TRY_OR_RESPOND(PageSpec page, page_spec(r));
    return respond_page(s.users.list_page(*r.caller, page), r, page, encoder(s));
}

Response create_user(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewUser in;
    TRY_OR_RESPOND(in.username, f.required_string("username", "Username"));
    TRY_OR_RESPOND(in.email, f.required_string("email", "Email"));
    TRY_OR_RESPOND(in.password, f.required_string("password", "Password"));
    TRY_OR_RESPOND(in.role, f.string("role"));
    TRY_OR_RESPOND(in.package, f.string("package"));
    return respond(s.users.create(*r.caller, in), encoder(s), 201);
}

Response get_user(Services& s, const Request& r) {
    return respond(s.users.get(*r.caller, r.param("username")), encoder(s));
}

Response update_user(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    UserChanges c;
    TRY_OR_RESPOND(c.email, f.string("email"));
    TRY_OR_RESPOND(c.password, f.string("password"));
    TRY_OR_RESPOND(c.current_password, f.string("current_password"));
    TRY_OR_RESPOND(c.role, f.string("role"));
    TRY_OR_RESPOND(c.package, f.string("package"));
    auto updated = s.users.update(*r.caller, r.param("username"), c);
    if (updated.ok() && c.password)
        s.audit.record(*r.caller, {r.client_ip, r.request_id}, "auth.password_changed",
                       "user:" + r.param("username"), 200);
    return respond(updated, encoder(s));
}

Response delete_user(Services& s, const Request& r) {
    return respond(s.users.remove(*r.caller, r.param("username")), [](const Removed& removed) {
        boost::json::object what;
        for (const auto& [kind, count] : removed) {
            if (kind == "home")
                what[kind] = count > 0;
            else
                what[kind] = count;
        }
        return boost::json::object{{"message", "User deleted successfully"},
                                   {"removed", std::move(what)}};
    });
}

Response suspend_user(Services& s, const Request& r) {
    return respond(s.users.set_status(*r.caller, r.param("username"), AccountStatus::suspended),
                   encoder(s));
}

Response unsuspend_user(Services& s, const Request& r) {
    return respond(s.users.set_status(*r.caller, r.param("username"), AccountStatus::active),
                   encoder(s));
}

}  // namespace wsp::api
