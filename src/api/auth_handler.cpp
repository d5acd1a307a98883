#include "api/encode.h"
#include "api/handlers.h"
#include "api/respond.h"

namespace wsp::api {

Response login(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto username, f.string("username"));
    TRY_OR_RESPOND(auto password, f.string("password"));
    LoginOutcome out = s.auth.login(username.value_or(""), password.value_or(""), r.client_ip);
    Response resp = respond(out.result, [&](const LoginResult& l) {
        return boost::json::object{{"token", l.token},
                                   {"user", user_json(l.user, s.ctx.identity)},
                                   {"expires_in", l.expires_in}};
    });
    resp.delay = out.delay;
    if (out.retry_after > 0)
        resp.headers.emplace_back("Retry-After", std::to_string(out.retry_after));
    return resp;
}

Response logout(Services& s, const Request& r) {
    return respond_message(s.auth.logout(r.bearer_token), "Logged out successfully");
}

Response me(Services& s, const Request& r) {
    return respond(s.auth.me(*r.caller), me_json);
}

}  // namespace wsp::api
