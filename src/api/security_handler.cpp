#include <cstdio>
#include <ctime>

#include "api/encode.h"
#include "api/respond.h"
#include "api/security_handlers.h"
#include "base/clock.h"

namespace wsp::api {
namespace {

AuditContext where(const Request& r) {
    return {r.client_ip, r.request_id};
}

boost::json::object session_json(const SessionInfo& i) {
    const SessionRecord& s = i.session;
    return {{"id", s.token_hash.substr(0, 16)},
            {"ip", s.client_ip},
            {"user_agent", s.user_agent},
            {"created_at", rfc3339(s.created_at)},
            {"last_seen", rfc3339(i.last_seen)},
            {"expires_at", rfc3339(s.expires_at)},
            {"current", i.current},
            {"impersonated_by", s.impersonated_by.empty() ? boost::json::value(nullptr)
                                                          : boost::json::value(s.impersonated_by)}};
}

boost::json::object audit_json(const AuditRecord& a) {
    return {{"id", a.id},           {"time", rfc3339(a.at)},
            {"actor", a.actor},     {"acting_as", a.acting_as},
            {"account", a.account}, {"credential", a.credential},
            {"ip", a.client_ip},    {"action", a.action},
            {"target", a.target},   {"result", a.result},
            {"status", a.status},   {"request_id", a.request_id},
            {"repeats", a.repeats}};
}

// Unix seconds, or RFC 3339 ("2026-05-18T17:44:36+07:00", "...Z") or a
// date ("2026-05-18", midnight UTC).
Result<std::optional<int64_t>> time_query(const Request& r, const std::string& name) {
    auto v = r.query(name);
    if (!v || v->empty()) return std::optional<int64_t>();
    const std::string& s = *v;
    if (s.find_first_not_of("0123456789") == std::string::npos && s.size() <= 12)
        return std::optional<int64_t>(std::stoll(s));
    std::tm tm{};
    int off_h = 0, off_m = 0;
    char sign = 'Z';
    int consumed = 0;
    const Error bad =
        validation(name + " must be Unix seconds, a date (YYYY-MM-DD) or an RFC 3339 time");
    if (s.size() == 10) {
        if (std::sscanf(s.c_str(), "%4d-%2d-%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                        &consumed) != 3 ||
            consumed != 10)
            return bad;
    } else {
        if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
                        &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &consumed) != 6)
            return bad;
        std::string rest = s.substr(static_cast<size_t>(consumed));
        if (rest == "Z" || rest == "z") {
            sign = 'Z';
        } else if (rest.size() == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':' &&
                   std::sscanf(rest.c_str() + 1, "%2d:%2d", &off_h, &off_m) == 2) {
            sign = rest[0];
        } else {
            return bad;
        }
    }
    if (tm.tm_mon < 1 || tm.tm_mon > 12 || tm.tm_mday < 1 || tm.tm_mday > 31) return bad;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    int64_t t = timegm(&tm);
    const int64_t offset = (off_h * 3600 + off_m * 60) * (sign == '-' ? -1 : 1);
    return std::optional<int64_t>(t - offset);
}

Result<AuditFilter> audit_filter(const Request& r) {
    AuditFilter f;
    auto nonempty = [&](const char* name) -> std::optional<std::string> {
        auto v = r.query(name);
        if (v && v->empty()) return std::nullopt;
        return v;
    };
    f.actor = nonempty("actor");
    f.action = nonempty("action");
    f.target = nonempty("target");
    TRY(f.from, time_query(r, "from"));
    TRY(f.to, time_query(r, "to"));
    return f;
}

}  // namespace

Response two_factor_status(Services& s, const Request& r) {
    return respond(s.security.status(*r.caller), [](const TwoFactorStatus& st) {
        return boost::json::object{{"enabled", st.enabled},
                                   {"required", st.required},
                                   {"recovery_codes_remaining", st.recovery_codes_remaining}};
    });
}

Response two_factor_setup(Services& s, const Request& r) {
    return respond(s.security.setup(*r.caller), [](const TotpSetup& t) {
        return boost::json::object{
            {"secret", t.secret}, {"otpauth_uri", t.otpauth_uri}, {"qr_svg", t.qr_svg}};
    });
}

Response two_factor_enable(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    TRY_OR_RESPOND(auto code, Fields(body).required_string("code", "code"));
    return respond(
        s.security.enable(*r.caller, code, where(r)), [](const std::vector<std::string>& codes) {
            boost::json::array list;
            for (const auto& c : codes) list.emplace_back(c);
            return boost::json::object{{"message",
                                        "Two-factor authentication enabled. Save the recovery "
                                        "codes now \u2014 they won't be shown again!"},
                                       {"recovery_codes", std::move(list)}};
        });
}

Response two_factor_disable(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    TRY_OR_RESPOND(auto code, Fields(body).required_string("code", "code"));
    return respond_message(s.security.disable(*r.caller, code, where(r)),
                           "Two-factor authentication disabled");
}

Response two_factor_reset(Services& s, const Request& r) {
    return respond_message(s.security.reset(*r.caller, r.param("username"), where(r)),
                           "Two-factor authentication reset");
}

Response reauth(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto password, f.string("password"));
    TRY_OR_RESPOND(auto code, f.string("totp_code"));
    LoginOutcome out = s.auth.reauth(*r.caller, password.value_or(""), code, where(r));
    Response resp = respond(out.result, [](const LoginResult& l) {
        return boost::json::object{{"message", "Re-authenticated"},
                                   {"reauth_expires_in", l.expires_in}};
    });
    resp.delay = out.delay;
    if (out.retry_after > 0)
        resp.headers.emplace_back("Retry-After", std::to_string(out.retry_after));
    return resp;
}

Response login_as(Services& s, const Request& r) {
    return respond(s.auth.login_as(*r.caller, r.param("username"),
                                   std::string(r.header("user-agent").value_or("")), where(r)),
                   [&](const LoginResult& l) { return login_json(l, s.ctx.identity); });
}

Response own_sessions(Services& s, const Request& r) {
    return respond_list(s.security.sessions(*r.caller, r.caller->username), session_json);
}

Response revoke_own_session(Services& s, const Request& r) {
    return respond_message(
        s.security.revoke_session(*r.caller, r.caller->username, r.param("id"), where(r)),
        "Session revoked");
}

Response revoke_own_other_sessions(Services& s, const Request& r) {
    return respond(
        s.security.revoke_other_sessions(*r.caller, r.caller->username, where(r)), [](int64_t n) {
            return boost::json::object{{"message", "Other sessions revoked"}, {"revoked", n}};
        });
}

Response user_sessions(Services& s, const Request& r) {
    return respond_list(s.security.sessions(*r.caller, r.param("username")), session_json);
}

Response revoke_user_session(Services& s, const Request& r) {
    return respond_message(
        s.security.revoke_session(*r.caller, r.param("username"), r.param("id"), where(r)),
        "Session revoked");
}

Response revoke_user_sessions(Services& s, const Request& r) {
    return respond(s.security.revoke_other_sessions(*r.caller, r.param("username"), where(r)),
                   [](int64_t n) {
                       return boost::json::object{{"message", "Sessions revoked"}, {"revoked", n}};
                   });
}

Response own_login_history(Services& s, const Request& r) {
    return respond_list(s.audit.login_history(*r.caller, r.caller->username, 20), audit_json);
}

Response user_login_history(Services& s, const Request& r) {
    return respond_list(s.audit.login_history(*r.caller, r.param("username"), 20), audit_json);
}

Response list_audit(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto filter, audit_filter(r));
    TRY_OR_RESPOND(int64_t page, r.query_int("page", 1));
    TRY_OR_RESPOND(int64_t per_page, r.query_int("per_page", 50));
    return respond(s.audit.list(*r.caller, filter, page, per_page), [](const AuditPage& p) {
        boost::json::array items;
        for (const auto& a : p.items) items.emplace_back(audit_json(a));
        return boost::json::object{{"items", std::move(items)},
                                   {"total", p.total},
                                   {"page", p.page},
                                   {"per_page", p.per_page}};
    });
}

// JSON lines, newest first, at most 100000 records per export.
Response export_audit(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto filter, audit_filter(r));
    TRY_OR_RESPOND(auto records, s.audit.export_all(*r.caller, filter, 100000));
    Response resp;
    resp.content_type = "application/x-ndjson";
    for (const auto& a : records) {
        resp.body += boost::json::serialize(audit_json(a));
        resp.body += '\n';
    }
    resp.headers.emplace_back("Content-Disposition", "attachment; filename=\"audit.jsonl\"");
    return resp;
}

}  // namespace wsp::api
