#include <array>
#include <cstdio>
#include <cstdlib>

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

std::string html_escape(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (char c : in) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string human_size(uint64_t bytes) {
    static constexpr std::array<const char*, 5> kUnits = {"bytes", "KB", "MB", "GB", "TB"};
    if (bytes < 1024) return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    auto v = static_cast<double>(bytes);
    size_t unit = 0;
    while (v >= 1024 && unit + 1 < kUnits.size()) {
        v /= 1024;
        ++unit;
    }
    std::array<char, 32> buf{};
    std::snprintf(buf.data(), buf.size(), v >= 10 ? "%.0f %s" : "%.1f %s", v, kUnits.at(unit));
    return buf.data();
}

// The public pages' one small style sheet (inline: the CSP allows nothing
// external), light and dark.
constexpr const char* kPageStyle =
    "<style>:root{color-scheme:light dark;--fg:#1b1f24;--bg:#f5f6f8;--card:#fff;--line:#d0d7de;"
    "--muted:#57606a;--accent:#1f5fbf;--accent-fg:#fff;--danger:#b42318}"
    "@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--card:#161b22;"
    "--line:#30363d;--muted:#9aa4ae;--accent:#4c8ded;--accent-fg:#0d1117;--danger:#ff7b72}}"
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);"
    "background:var(--bg);margin:0;padding:1rem;line-height:1.45}"
    "main{max-width:28rem;margin:10vh auto;background:var(--card);border:1px solid var(--line);"
    "border-radius:8px;padding:1.25rem}h1{font-size:1.3rem;margin:0 0 .75rem;word-break:break-all}"
    ".muted{color:var(--muted)}.error{color:var(--danger)}"
    "a.button,button{display:inline-block;font-size:1rem;padding:.5rem 1rem;border-radius:6px;"
    "background:var(--accent);color:var(--accent-fg);border:1px solid var(--accent);"
    "text-decoration:none;cursor:pointer}input{font-size:1rem;padding:.4rem;margin:.3rem 0 .75rem;"
    "width:100%;box-sizing:border-box}:focus-visible{outline:3px solid #f59e0b;outline-offset:2px}"
    "</style>";

Response html_page(unsigned status, const std::string& title, const std::string& main) {
    Response r;
    r.status = status;
    r.content_type = "text/html; charset=utf-8";
    r.headers = {{"Content-Security-Policy",
                  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"},
                 {"X-Content-Type-Options", "nosniff"},
                 {"X-Robots-Tag", "noindex"},
                 {"Referrer-Policy", "no-referrer"},
                 {"Cache-Control", "no-store"}};
    r.body =
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<title>" +
        html_escape(title) + "</title>" + kPageStyle + "</head><body><main>" + main +
        "</main></body></html>";
    return r;
}

// What a browser gets for a link that needs its password: a form posting
// it back to the same URL (no script, nothing external).
Response password_page(const std::string& message) {
    return html_page(
        401, "Password required",
        "<h1>Shared file</h1><p class=\"muted\">Password required: this link is protected.</p>"
        "<form method=\"post\"><label for=\"password\">Password</label><input id=\"password\" "
        "name=\"password\" type=\"password\" autocomplete=\"off\" autofocus required><button "
        "type=\"submit\">Download</button></form>" +
            (message.empty()
                 ? std::string()
                 : "<p class=\"error\" role=\"alert\">" + html_escape(message) + "</p>"));
}

// A refused link, for a browser: the reason in words, not JSON.
Response error_page(unsigned status, const std::string& message) {
    const std::string hint = status == 429 ? "Too many attempts: try again in a minute."
                                           : "Ask the person who sent you the link for a new one.";
    return html_page(status, "Link unavailable",
                     "<h1>This link does not work</h1><p class=\"error\" role=\"alert\">" +
                         html_escape(message) + ".</p><p class=\"muted\">" + hint + "</p>");
}

// A browser's GET (Accept: text/html) without ?download gets a page naming
// the file and its size with a Download button; scripts (curl, fetch,
// wget) and ?download get the bytes as before.
bool wants_html(const Request& r) {
    return r.method == Verb::get &&
           r.header("accept").value_or("").find("text/html") != std::string_view::npos;
}

Response landing_page(Services& s, const Request& r, const SharedFile& file) {
    Request head = r;
    head.method = Verb::head;
    Response probe = download_response(s, file.owner, file.path, head, FilePin{file.dev, file.ino});
    if (probe.status >= 400) return error_page(probe.status, "The shared file no longer exists");
    std::optional<uint64_t> size = probe.source_length;
    if (!size)
        for (const auto& [name, value] : probe.headers)
            if (name == "Content-Length") size = std::strtoull(value.c_str(), nullptr, 10);
    auto slash = file.path.find_last_of('/');
    std::string name = slash == std::string::npos ? file.path : file.path.substr(slash + 1);
    if (name.empty()) name = "home";
    std::string what = file.is_dir ? "Folder, downloaded as a .zip archive"
                       : size      ? human_size(*size)
                                   : std::string("File");
    return html_page(200, name,
                     "<p class=\"muted\">Shared file</p><h1>" + html_escape(name) +
                         (file.is_dir ? "/" : "") + "</h1><p>" + what +
                         "</p><p><a class=\"button\" href=\"?download=1\" "
                         "download>Download</a></p>");
}

Response serve(Services& s, const Request& r, const std::optional<std::string>& password) {
    // A browser's landing page (below) looks without using up a download.
    const bool count = r.method != Verb::head && !(wants_html(r) && !r.query("download"));
    auto opened = shares(s).open(r.param("token"), password, count);
    if (!opened) {
        Response refused = error_response(opened.error());
        if (opened.error().code == Code::rate_limited)
            refused.headers.emplace_back("Retry-After", "60");
        // The messages are the service's fixed texts (no user input), safe in HTML.
        const bool browser =
            r.header("accept").value_or("").find("text/html") != std::string_view::npos;
        if (opened.error().code == Code::unauthorized && browser)
            return password_page(password ? opened.error().message : "");
        if (browser && r.method != Verb::head) {
            Response page = error_page(refused.status, opened.error().message);
            if (opened.error().code == Code::rate_limited)
                page.headers.emplace_back("Retry-After", "60");
            return page;
        }
        return refused;
    }
    const SharedFile& file = opened.value();
    if (wants_html(r) && !r.query("download")) return landing_page(s, r, file);
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
