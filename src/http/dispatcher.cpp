#include "http/dispatcher.h"

#include <boost/url/parse.hpp>

#include "base/clock.h"
#include "http/json_io.h"

namespace wsp {
namespace {

std::string allow_header(const std::vector<Verb>& verbs) {
    std::string out;
    for (Verb v : verbs) {
        if (!out.empty()) out += ", ";
        out += std::string(boost::beast::http::to_string(v));
    }
    return out;
}

bool is_read(Verb v) {
    return v == Verb::get || v == Verb::head;
}

// What the server needs of a proxied request's route: read the body, run
// on the worker pool. The handler is never called (run() forwards).
Response proxied_only(Services&, const Request&) {
    return error_response(internal("proxied route called directly"));
}
const Route kProxyRoute{Verb::unknown, "", &proxied_only, "", Access::open, Exec::worker};

}  // namespace

Admission Dispatcher::admit(Verb method, std::string_view target, std::string_view authorization,
                            const std::string& client_ip, std::string_view accept_encoding) const {
    Admission a;
    auto url = boost::urls::parse_origin_form(target);
    if (!url) {
        a.rejection = error_response(validation("Malformed request target"));
        return a;
    }
    if (proxy_ && proxy_->owns(url->encoded_path())) {
        a.route = &kProxyRoute;
        a.proxy = proxy_;
        a.target = std::string(target);
        a.request.method = method;
        a.request.client_ip = client_ip;
        return a;
    }
    RouteMatch m = router_.match(method, url->encoded_path());
    if (!m.route) {
        if (m.allowed.empty()) {
            // Not an API route: the web interface's files, if it has them.
            if (static_files_)
                a.rejection = static_files_->serve(method, url->path(), accept_encoding);
            if (!a.rejection) a.rejection = error_response(not_found("Route not found"));
        } else {
            a.rejection =
                error_response({Code::method_not_allowed,
                                "Method not allowed; allowed: " + allow_header(m.allowed)});
            a.rejection->headers.emplace_back("Allow", allow_header(m.allowed));
        }
        return a;
    }
    a.route = m.route;
    if (a.route->body_limit) a.body_limit = a.route->body_limit(config_);
    a.request.method = method;
    a.request.path = std::string(url->path());
    a.request.params = std::move(m.params);
    for (auto p : url->params()) a.request.query[std::string(p.key)] = std::string(p.value);
    a.request.client_ip = client_ip;
    if (a.route->access == Access::open) return a;

    if (authorization.empty()) {
        a.rejection = error_response(unauthorized("Missing authorization"));
        return a;
    }
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() ||
        !std::equal(kBearer.begin(), kBearer.end(), authorization.begin(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); })) {
        a.rejection = error_response(unauthorized("Authorization must be 'Bearer <token>'"));
        return a;
    }
    a.request.bearer_token = std::string(authorization.substr(kBearer.size()));
    const int64_t now = now_unix();
    auto auth = index_.authenticate(a.request.bearer_token, client_ip, now);
    if (!auth) {
        a.rejection = error_response(auth.error());
        return a;
    }
    a.auth = std::move(*auth);

    int64_t limit = a.auth->rate_limit.value_or(config_.rate_limit.requests_per_minute);
    if (limit > 0) {
        RateDecision d = limiter_.hit(a.auth->limit_client, limit, now);
        a.headers = {{"X-RateLimit-Limit", std::to_string(d.limit)},
                     {"X-RateLimit-Remaining", std::to_string(d.remaining)},
                     {"X-RateLimit-Reset", std::to_string(d.reset_at)}};
        if (!d.allowed) {
            a.rejection = error_response({Code::rate_limited, "Rate limit exceeded"});
            a.rejection->headers.emplace_back(
                "Retry-After", std::to_string(std::max<int64_t>(1, d.reset_at - now)));
        }
    }
    // Every token of an account also counts against the account's ceiling,
    // so more keys (or unlimited ones) or sessions do not mean more calls.
    if (!a.rejection) {
        RateDecision d = limiter_.hit_account(a.auth->caller.username,
                                              config_.auth.account_requests_per_minute, now);
        if (!d.allowed) {
            a.rejection = error_response(
                {Code::rate_limited, "Account rate limit exceeded (" + std::to_string(d.limit) +
                                         " requests per minute across all its keys and sessions)"});
            a.rejection->headers.emplace_back(
                "Retry-After", std::to_string(std::max<int64_t>(1, d.reset_at - now)));
        }
    }
    if (!a.rejection && !scopes_allow(a.auth->caller.scopes, a.route->area, is_read(method))) {
        a.rejection = error_response(
            forbidden("API key is not scoped for '" + std::string(a.route->area) + "'"));
    }
    if (a.rejection)
        for (auto& h : a.headers) a.rejection->headers.push_back(h);
    return a;
}

void Dispatcher::keep_headers(Admission& a, const boost::beast::http::fields& fields) const {
    if (!a.proxy) return;
    for (const auto& f : fields)
        a.request_headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
}

Response Dispatcher::run(Admission& a) const {
    if (a.proxy)
        return a.proxy->forward(ProxyRequest{a.request.method, a.target,
                                             std::move(a.request_headers),
                                             std::move(a.request.body), a.request.client_ip});
    if (a.auth) a.request.caller = &a.auth->caller;
    Response r = a.route->handler(services_, a.request);
    for (auto& h : a.headers) r.headers.push_back(h);
    return r;
}

SinkOpening Dispatcher::open_sink(Admission& a) const {
    if (a.auth) a.request.caller = &a.auth->caller;
    SinkOpening o = a.route->open_sink(services_, a.request);
    if (!o.sink) decorate(a, o.response);
    return o;
}

void Dispatcher::decorate(const Admission& a, Response& r) {
    for (const auto& h : a.headers) r.headers.push_back(h);
}

}  // namespace wsp
