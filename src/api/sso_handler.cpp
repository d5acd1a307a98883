// Single sign-on (docs/integrations.md).
#include <boost/json.hpp>

#include "api/encode.h"
#include "api/integrations_handlers.h"
#include "api/respond.h"
#include "http/json_io.h"
#include "services/metrics.h"
#include "services/sso_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;
constexpr size_t kMaxBatch = 50;

// The consume link's start: sso.public_url, else the scheme this panel
// serves and the Host the caller used to reach it.
std::string base_url(const Services& s, const Request& r) {
    std::string base = s.ctx.config.sso.public_url;
    const auto host = r.header("host");
    if (base.empty() && host && !host->empty())
        base = std::string(s.ctx.config.server.tls ? "https://" : "http://") + std::string(*host);
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base;
}

Result<SsoMintInput> mint_input(const json::object& body) {
    Fields f(body);
    SsoMintInput in;
    TRY(in.username, f.required_string("username", "Username"));
    TRY(auto target, f.string("target_path"));
    if (target) in.target_path = *target;
    TRY(auto expires, f.integer("expires_in"));
    if (expires) in.expires_in = *expires;
    TRY(auto reason, f.string("reason"));
    in.reason = reason.value_or("");
    return in;
}

json::object minted_json(const SsoMinted& m, const std::string& base) {
    return json::object{{"nonce", m.nonce},
                        {"username", m.username},
                        {"consume_url", base + "/sso/consume/" + m.nonce},
                        {"expires_in", m.expires_in},
                        {"target_path", m.target_path}};
}

}  // namespace

Response sso_mint(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    TRY_OR_RESPOND(auto in, mint_input(body));
    TRY_OR_RESPOND(auto minted, s.sso->mint(*r.caller, in, {r.client_ip, r.request_id}));
    return json_response(minted_json(minted, base_url(s, r)));
}

// {"items":[{username,...},...]} -> {"results":[minted | {username,error,code}]}:
// one refusal does not stop the others.
Response sso_mint_batch(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    auto items = body.find("items");
    if (items == body.end() || !items->value().is_array() || items->value().as_array().empty())
        return error_response(validation("items must be a non-empty array"));
    if (items->value().as_array().size() > kMaxBatch)
        return error_response(validation("items: at most 50 at once"));
    const std::string base = base_url(s, r);
    json::array results;
    for (const auto& item : items->value().as_array()) {
        if (!item.is_object()) return error_response(validation("items must hold objects"));
        auto in = mint_input(item.as_object());
        Result<SsoMinted> minted =
            in.ok() ? s.sso->mint(*r.caller, in.value(), {r.client_ip, r.request_id})
                    : Result<SsoMinted>(in.error());
        if (minted.ok()) {
            results.emplace_back(minted_json(minted.value(), base));
        } else {
            json::object e = error_json(minted.error());
            json::object out{{"username", in.ok() ? in.value().username : ""},
                             {"error", e.at("error")},
                             {"code", e.at("code")},
                             {"status", e.at("status")}};
            results.emplace_back(std::move(out));
        }
    }
    return json_response(json::object{{"results", results}});
}

Response sso_exchange(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto code, f.required_string("code", "code"));
    TRY_OR_RESPOND(auto l, s.sso->exchange(code, std::string(r.header("user-agent").value_or("")),
                                           {r.client_ip, r.request_id}));
    return json_response(login_json(l, s.ctx.identity));
}

// The browser's way in: a 303 to the web interface, the one-time code in
// the fragment (never sent to a server, so never in a log or a Referer).
Response sso_consume(Services& s, const Request& r) {
    auto consumed = s.sso->consume(r.param("nonce"), {r.client_ip, r.request_id});
    Response out;
    out.headers.emplace_back("Cache-Control", "no-store");
    out.headers.emplace_back("Referrer-Policy", "no-referrer");
    if (!consumed.ok()) {
        out.status = consumed.error().code == Code::gone ? 410 : status_of(consumed.error().code);
        out.content_type = "text/html; charset=utf-8";
        out.body =
            "<!doctype html><title>Sign-in link</title><p>This sign-in link is invalid, was "
            "already used or has expired. Ask for a new one.</p>\n";
        return out;
    }
    out.status = 303;
    out.content_type = "text/plain; charset=utf-8";
    out.body = "Signing in\n";
    out.headers.emplace_back("Location", "/sso#code=" + consumed.value().exchange_code +
                                             "&target=" + consumed.value().target_path);
    return out;
}

}  // namespace wsp::api

namespace wsp::api {

// Prometheus text format, to an admin (a key or a session).
Response metrics(Services& s, const Request& r) {
    if (auto admin = ensure_admin(*r.caller); !admin.ok()) return error_response(admin.error());
    return open_metrics(s, r);
}

Response open_metrics(Services& s, const Request&) {
    Response out;
    out.content_type = "text/plain; version=0.0.4; charset=utf-8";
    out.body = s.metrics ? s.metrics->render(s) : "";
    return out;
}

}  // namespace wsp::api
