#include "api/encode.h"
#include "api/handlers.h"
#include "api/respond.h"

namespace wsp::api {

Response list_keys(Services& s, const Request& r) {
    return respond_list(s.keys.list(*r.caller, r.param("username")), key_json);
}

Response create_key(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewApiKey in;
    TRY_OR_RESPOND(in.name, f.required_string("name", "Name"));
    TRY_OR_RESPOND(in.permissions, f.strings("permissions"));
    TRY_OR_RESPOND(auto whitelist, f.strings("ip_whitelist"));
    in.ip_whitelist = whitelist.value_or(std::vector<std::string>{});
    TRY_OR_RESPOND(auto expires, f.integer("expires_in"));
    in.expires_in_days = expires.value_or(0);
    TRY_OR_RESPOND(in.rate_limit, f.integer("rate_limit"));
    return respond(
        s.keys.create(*r.caller, r.param("username"), in),
        [](const CreatedApiKey& k) {
            return boost::json::object{
                {"success", true},
                {"message",
                 "API key created. Save the secret key now \u2014 it won't be shown again!"},
                {"secret_key", k.secret},
                {"api_key", k.secret},
                {"key", key_json(k.key)}};
        },
        201);
}

Response update_key(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    TRY_OR_RESPOND(bool enabled, Fields(body).required_boolean("enabled", "Enabled"));
    return respond(s.keys.set_enabled(*r.caller, r.param("username"), r.param("id"), enabled),
                   key_json);
}

Response delete_key(Services& s, const Request& r) {
    return respond_message(s.keys.revoke(*r.caller, r.param("username"), r.param("id")),
                           "API key revoked");
}

}  // namespace wsp::api
