#include <boost/json.hpp>

#include "api/files_download.h"
#include "api/respond.h"
#include "api/share_handlers.h"
#include "base/clock.h"
#include "http/router.h"
#include "services/share_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

json::value optional_json(const std::optional<int64_t>& v) {
    if (!v) return nullptr;
    return *v;
}

// `now` decides the state (active, expired, used up).
json::object share_json(const ShareRecord& share, int64_t now) {
    return {{"id", std::to_string(share.id)},
            {"owner", share.owner},
            {"path", share.path},
            {"is_dir", share.is_dir},
            {"expires_at", share.expires_at ? rfc3339(*share.expires_at) : kNever},
            {"max_downloads", optional_json(share.max_downloads)},
            {"downloads", share.downloads},
            {"has_password", !share.password_hash.empty()},
            {"state", share_state(share, now)},
            {"created_at", rfc3339(share.created_at)}};
}

// Where the link lives: the configured base, else the scheme this panel
// serves and the Host the creator used to reach it.
std::string link_url(const Services& s, const Request& r, const std::string& token) {
    std::string base = s.ctx.config.shares.base_url;
    const auto host = r.header("host");
    if (base.empty() && host && !host->empty())
        base = std::string(s.ctx.config.server.tls ? "https://" : "http://") + std::string(*host);
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/s/" + token;
}

ShareService& shares(Services& s) {
    return *s.shares;
}

// `password` from an application/x-www-form-urlencoded or JSON body.
Result<std::optional<std::string>> password_of(const Request& r) {
    if (r.body.empty()) return std::optional<std::string>();
    if (r.content_type.starts_with("application/x-www-form-urlencoded")) {
        std::string_view body = r.body;
        while (!body.empty()) {
            auto amp = body.find('&');
            std::string_view pair = body.substr(0, amp);
            body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
            auto eq = pair.find('=');
            if (pair.substr(0, eq) != "password" || eq == std::string_view::npos) continue;
            std::string value(pair.substr(eq + 1));
            for (char& c : value)
                if (c == '+') c = ' ';
            auto decoded = percent_decode(value);
            if (!decoded) return validation("password is not valid form encoding");
            return std::optional<std::string>(std::move(*decoded));
        }
        return std::optional<std::string>();
    }
    TRY(auto body, parse_object(r));
    Fields f(body);
    return f.string("password");
}

// What a browser gets for a link that needs its password: a form posting
// it back to the same URL (no script, nothing external).
Response password_page(const std::string& message) {
    Response r;
    r.status = 401;
    r.content_type = "text/html; charset=utf-8";
    r.headers = {{"Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"Cache-Control", "no-store"}};
    r.body =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>Password required</title><style>body{font-family:system-ui,sans-serif;"
        "max-width:24rem;margin:4rem auto;padding:0 1rem}input,button{font-size:1rem;"
        "padding:.4rem;margin:.3rem 0}</style></head><body><h1>Shared file</h1><form "
        "method=\"post\">"
        "<label for=\"password\">Password</label><br><input id=\"password\" name=\"password\" "
        "type=\"password\" autocomplete=\"off\" autofocus required><br><button type=\"submit\">"
        "Download</button></form><p role=\"alert\">" +
        message + "</p></body></html>";
    return r;
}

Response serve(Services& s, const Request& r, const std::optional<std::string>& password) {
    const bool count = r.method != Verb::head;
    auto opened = shares(s).open(r.param("token"), password, count);
    if (!opened) {
        Response refused = error_response(opened.error());
        if (opened.error().code == Code::rate_limited)
            refused.headers.emplace_back("Retry-After", "60");
        // The messages are the service's fixed texts (no user input), safe in HTML.
        if (opened.error().code == Code::unauthorized &&
            r.header("accept").value_or("").find("text/html") != std::string_view::npos)
            return password_page(password ? opened.error().message : "");
        return refused;
    }
    const SharedFile& file = opened.value();
    Response out = download_response(s, file.owner, file.path, r, FilePin{file.dev, file.ino});
    // A link is not an invitation to index or cache elsewhere.
    std::erase_if(out.headers, [](const auto& h) { return h.first == "Cache-Control"; });
    out.headers.emplace_back("X-Robots-Tag", "noindex");
    out.headers.emplace_back("Cache-Control", "private, no-store");
    return out;
}

}  // namespace

Response files_share_create(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewShare in;
    TRY_OR_RESPOND(in.path, f.required_string("path", "Path"));
    TRY_OR_RESPOND(in.owner, f.string("owner"));
    TRY_OR_RESPOND(in.expires_in, f.integer("expires_in"));
    TRY_OR_RESPOND(in.password, f.string("password"));
    TRY_OR_RESPOND(in.max_downloads, f.integer("max_downloads"));
    TRY_OR_RESPOND(CreatedShare created, shares(s).create(*r.caller, in));
    json::object out = share_json(created.share, s.ctx.clock.now_unix());
    out["url"] = link_url(s, r, created.token);
    return json_response(out, 201);
}

Response files_shares_list(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto items, shares(s).list(*r.caller, r.query("user")));
    json::array out;
    const int64_t now = s.ctx.clock.now_unix();
    for (const auto& share : items) out.emplace_back(share_json(share, now));
    return json_response(json::object{{"items", std::move(out)}});
}

Response files_share_revoke(Services& s, const Request& r) {
    return respond_message(shares(s).revoke(*r.caller, r.param("id")), "Share link revoked");
}

Response share_download(Services& s, const Request& r) {
    // A script (or a resumed download) may send the password as a header.
    std::optional<std::string> password;
    if (auto header = r.header("x-share-password")) password = std::string(*header);
    return serve(s, r, password);
}

Response share_download_with_password(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto password, password_of(r));
    return serve(s, r, password);
}

}  // namespace wsp::api
