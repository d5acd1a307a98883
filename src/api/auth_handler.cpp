#include "api/encode.h"
#include "api/handlers.h"
#include "api/respond.h"

namespace wsp::api {

Response login(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto username, f.string("username"));
    TRY_OR_RESPOND(auto password, f.string("password"));
    LoginInput in;
    in.username = username.value_or("");
    in.password = password.value_or("");
    TRY_OR_RESPOND(in.totp_code, f.string("totp_code"));
    TRY_OR_RESPOND(auto force, f.boolean("force"));
    in.force = force.value_or(false);
    in.user_agent = std::string(r.header("user-agent").value_or(""));
    LoginOutcome out = s.auth.login(in, {r.client_ip, r.request_id});
    Response resp = respond(out.result, [&](const LoginResult& l) {
        if (l.requires_2fa)
            return boost::json::object{{"requires_2fa", true},
                                       {"message", "Two-factor authentication required"}};
        return login_json(l, s.ctx.identity);
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
    auto me = s.auth.me(*r.caller);
    if (!me.ok()) return error_response(me.error());
    Response out;
    out.body = me_json_text(*me);
    return out;
}

}  // namespace wsp::api
