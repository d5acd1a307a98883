#include "http/dispatcher.h"

#include <openssl/crypto.h>
#include <sodium.h>

#include <array>

#include <boost/url/parse.hpp>

#include "base/clock.h"
#include "base/secrets.h"
#include "base/strings.h"
#include "http/json_io.h"
#include "services/idempotency_service.h"
#include "services/services.h"

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

bool under_prefix(std::string_view path, std::string_view prefix) {
    return path == prefix ||
           (path.size() > prefix.size() && path.starts_with(prefix) && path[prefix.size()] == '/');
}

// True for a target that is a plain absolute path: "/" then only
// characters a path segment takes literally (RFC 3986 pchar without "%"),
// no query, not starting with "//". Such a target is its own encoded and
// decoded path; parse_origin_form would say the same at many times the
// cost. Anything else goes through it.
bool plain_path(std::string_view target) {
    static constexpr auto kPlain = [] {
        std::array<bool, 256> t{};
        for (int c = 'a'; c <= 'z'; ++c) t[static_cast<size_t>(c)] = true;
        for (int c = 'A'; c <= 'Z'; ++c) t[static_cast<size_t>(c)] = true;
        for (int c = '0'; c <= '9'; ++c) t[static_cast<size_t>(c)] = true;
        for (char c : std::string_view("-._~!$&'()*+,;=:@/"))
            t[static_cast<unsigned char>(c)] = true;
        return t;
    }();
    if (target.empty() || target[0] != '/' || target.starts_with("//")) return false;
    for (char c : target)
        if (!kPlain[static_cast<unsigned char>(c)]) return false;
    return true;
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

Response too_busy(const std::string& why) {
    Response r = error_response({Code::rate_limited, why});
    // A blocking request lasts seconds, not a rate window: retry soon.
    r.headers.emplace_back("Retry-After", "1");
    return r;
}

}  // namespace

// Only worker routes hold anything a neighbour needs; event-loop routes
// answer from memory and the proxy no longer runs on a worker.
std::optional<Response> Dispatcher::take_blocking_slot(Admission& a) const {
    if (a.proxy || a.route->exec != Exec::worker) return std::nullopt;
    const int64_t workers = config_.server.workers;
    if (a.auth) {
        a.blocking_slot =
            caps_->acquire("account:" + a.auth->caller.username,
                           blocking_share(config_.server.max_blocking_per_account, workers));
        if (!a.blocking_slot)
            return too_busy("Too many requests in progress for this account; retry shortly");
    } else {
        a.blocking_slot =
            caps_->acquire("ip:" + a.request.client_ip,
                           blocking_share(config_.server.max_unauthenticated_per_ip, workers));
        if (!a.blocking_slot)
            return too_busy("Too many requests in progress from this address; retry shortly");
    }
    return std::nullopt;
}

TokenMemo::~TokenMemo() {
    sodium_memzero(token.data(), token.size());
}

Admission Dispatcher::admit(Verb method, std::string_view target, std::string_view authorization,
                            const std::string& client_ip, std::string_view accept_encoding,
                            TokenMemo* memo) const {
    Admission a;
    const bool plain = plain_path(target);
    boost::system::result<boost::urls::url_view> url;
    std::string_view encoded_path = target;
    if (!plain) {
        url = boost::urls::parse_origin_form(target);
        if (!url) {
            a.rejection = error_response(validation("Malformed request target"));
            return a;
        }
        encoded_path = std::string_view(url->encoded_path().data(), url->encoded_path().size());
    }
    auto decoded_path = [&] { return plain ? std::string(target) : std::string(url->path()); };
    if (proxy_ && proxy_->owns(encoded_path)) {
        a.route = &kProxyRoute;
        a.proxy = proxy_;
        a.target = std::string(target);
        a.request.method = method;
        a.request.client_ip = client_ip;
        return a;
    }
    if (!moved_prefix_.empty() && under_prefix(encoded_path, moved_prefix_)) {
        const std::string origin = moved_origin_ ? moved_origin_() : "";
        if (origin.empty()) {
            a.rejection = error_response(not_found("Route not found"));
        } else {
            Response moved;
            moved.status = 308;
            moved.content_type = "text/plain; charset=utf-8";
            moved.body = "phpMyAdmin moved to " + origin + "/pma/\n";
            moved.headers.emplace_back("Location", origin + std::string(target));
            a.rejection = std::move(moved);
        }
        return a;
    }
    RouteMatch m = router_.match(method, encoded_path);
    if (!m.route) {
        if (m.allowed.empty()) {
            // Not an API route: the web interface's files, if it has them.
            if (static_files_)
                a.rejection = static_files_->serve(method, decoded_path(), accept_encoding);
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
    a.request.path = decoded_path();
    a.request.params = std::move(m.params);
    if (!plain)
        for (auto p : url->params())
            a.request.query_params[std::string(p.key)] = std::string(p.value);
    a.request.client_ip = client_ip;
    if (a.route->access == Access::open) {
        a.rejection = take_blocking_slot(a);
        return a;
    }

    if (authorization.empty()) {
        a.rejection = error_response(unauthorized("Missing authorization"));
        return a;
    }
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization.size() <= kBearer.size() || !istarts_with(authorization, kBearer)) {
        a.rejection = error_response(unauthorized("Authorization must be 'Bearer <token>'"));
        return a;
    }
    a.request.bearer_token = std::string(authorization.substr(kBearer.size()));
    const int64_t now = clock_.now_unix();
    const std::string& token = a.request.bearer_token;
    std::string computed;
    const std::string* hash = &computed;
    // Constant time either way (OpenSSL's compare is a few instructions a
    // byte, libsodium's ten).
    if (memo && memo->token.size() == token.size() && !memo->hash.empty() &&
        CRYPTO_memcmp(memo->token.data(), token.data(), token.size()) == 0) {
        hash = &memo->hash;
    } else {
        computed = sha256_hex(token);
        if (memo) {
            sodium_memzero(memo->token.data(), memo->token.size());
            memo->token = token;
            memo->hash = computed;
        }
    }
    auto auth = index_.authenticate(token, *hash, client_ip, now);
    if (!auth) {
        a.rejection = error_response(auth.error());
        return a;
    }
    a.auth = std::move(*auth);

    // API keys: the contract's per-key limit (or the key's own). Sessions
    // (the web interface) have their own, higher budget.
    const bool session = a.auth->caller.key_id.empty();
    int64_t limit = session ? config_.rate_limit.session_requests_per_minute
                            : a.auth->rate_limit.value_or(config_.rate_limit.requests_per_minute);
    if (limit > 0) {
        RateDecision d = limiter_.hit(a.auth->limit_client, limit, now);
        a.rate_limit = {true, false, d.limit, d.remaining, d.reset_at};
        if (!d.allowed) {
            a.rejection = error_response({Code::rate_limited, "Rate limit exceeded"});
            a.rejection->headers.emplace_back(
                "Retry-After", std::to_string(std::max<int64_t>(1, d.reset_at - now)));
        }
    } else {
        // Every authenticated response carries the headers (the contract);
        // a lifted limit says so instead of leaving them out.
        a.rate_limit = {true, true, 0, 0, 0};
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
    // auth.require_2fa or the account's package's require_2fa: a session of
    // an account that must have 2FA but has none may only enrol (the /auth/
    // routes) until it does. Keys are machine credentials and not affected.
    if (!a.rejection && a.auth->caller.key_id.empty() && a.auth->caller.impersonated_by.empty() &&
        !a.request.path.starts_with("/api/v1/auth/") &&
        !index_.two_factor(a.auth->caller.username) &&
        services_.security.two_factor_required(a.auth->caller.username, a.auth->caller.role)) {
        a.rejection = error_response(forbidden(
            "Two-factor authentication must be enabled for this account: POST /auth/2fa/setup"));
    }
    if (!a.rejection && !scopes_allow(a.auth->caller.scopes, a.route->area, is_read(method))) {
        std::string why = "API key is not scoped for '" + std::string(a.route->area) + "'";
        // A key that could read this area but not change it: say so, so its
        // owner knows a new scope, not a bug, is what it takes.
        if (!is_read(method) && scopes_allow(a.auth->caller.scopes, a.route->area, true))
            why += ": the key is read-only (scope 'read' allows only GET)";
        a.rejection = error_response(forbidden(why));
    }
    if (!a.rejection) a.rejection = take_blocking_slot(a);
    if (a.rejection) a.rejection->rate_limit = a.rate_limit;
    return a;
}

void Dispatcher::keep_headers(Admission& a, const boost::beast::http::fields& fields) const {
    if (!a.proxy) return;
    for (const auto& f : fields)
        a.request_headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
}

namespace {
ProxyRequest proxy_request(Admission& a) {
    return ProxyRequest{a.request.method, a.target, std::move(a.request_headers),
                        std::move(a.request.body), a.request.client_ip};
}
}  // namespace

boost::asio::awaitable<Response> Dispatcher::forward(Admission& a) const {
    const ProxyRequest request = proxy_request(a);  // lives in this frame
    co_return co_await a.proxy->forward_async(request);
}

Response Dispatcher::run(Admission& a) const {
    if (a.proxy) return a.proxy->forward(proxy_request(a));
    if (a.auth) a.request.caller = &a.auth->caller;
    Response r = run_idempotent(a);
    audit(a, r.status);
    r.rate_limit = a.rate_limit;
    return r;
}

// Idempotency-Key on a mutating request of an authenticated caller: the
// first answer is kept per account and key and replayed to retries
// (docs/integrations.md). Streamed answers are not kept.
Response Dispatcher::run_idempotent(Admission& a) const {
    auto key = a.request.header("idempotency-key");
    if (!key || !a.auth || is_read(a.request.method) || !services_.idempotency)
        return a.route->handler(services_, a.request);
    const std::string key_text(*key);
    if (auto valid = IdempotencyService::check_key(key_text); !valid.ok())
        return error_response(valid.error());
    std::string what =
        std::string(boost::beast::http::to_string(a.request.method)) + " " + a.request.path + "?";
    for (const auto& [k, v] : a.request.query_params) what += k + "=" + v + "&";
    what += "\n" + a.request.body;
    const std::string& account = a.auth->caller.username;
    auto begun = services_.idempotency->begin(account, key_text, sha256_hex(what));
    if (!begun.ok()) {
        // The same key for another request: 422 (a plain 400 would say the
        // body is malformed, which it is not).
        if (begun.error().code == Code::validation) return error_response(begun.error(), 422);
        return error_response(begun.error());
    }
    if (*begun) {
        Response replay;
        replay.status = (*begun)->status;
        replay.content_type = (*begun)->content_type;
        replay.body = (*begun)->body;
        replay.headers.emplace_back("Idempotent-Replayed", "true");
        return replay;
    }
    Response r;
    try {
        r = a.route->handler(services_, a.request);
    } catch (...) {
        services_.idempotency->abandon(account, key_text);
        throw;
    }
    if (r.source)
        services_.idempotency->abandon(account, key_text);
    else
        services_.idempotency->finish(account, key_text, {r.status, r.content_type, r.body});
    return r;
}

// Every mutating request of an authenticated caller that reached its
// handler: method and route pattern as the action, the path (never the
// query or body) as the target. Logins are recorded by the auth service.
void Dispatcher::audit(const Admission& a, unsigned status) const {
    if (!a.auth || !a.route || is_read(a.request.method)) return;
    services_.audit.record(a.auth->caller, AuditContext{a.request.client_ip, a.request.request_id},
                           std::string(boost::beast::http::to_string(a.request.method)) + " " +
                               std::string(a.route->pattern),
                           a.request.path, status);
}

void Dispatcher::audit_refusal(const Admission& a, unsigned status) const {
    if (!a.route) return;
    services_.audit.record_refusal(AuditContext{a.request.client_ip, a.request.request_id}, status,
                                   a.auth ? &a.auth->caller : nullptr, a.request.path);
}

SinkOpening Dispatcher::open_sink(Admission& a) const {
    if (a.auth) a.request.caller = &a.auth->caller;
    SinkOpening o = a.route->open_sink(services_, a.request);
    if (!o.sink) decorate(a, o.response);
    return o;
}

void Dispatcher::decorate(const Admission& a, Response& r) {
    r.rate_limit = a.rate_limit;
}

}  // namespace wsp
