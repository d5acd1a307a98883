#include "api/ftp_handlers.h"
#include "api/paging.h"
#include "api/respond.h"
#include "base/clock.h"
#include "services/ftp_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

const Error kNotWired = unavailable("FTP is not available");

json::object account_json(const FtpService& ftp, const FtpAccount& a) {
    json::array ips;
    for (const auto& ip : a.allowed_ips) ips.emplace_back(ip);
    return {{"username", a.username},
            {"owner", a.owner},
            {"home_dir", ftp.home_of(a).string()},
            {"quota_mb", a.quota_mb},
            {"read_only", a.read_only},
            {"enabled", a.enabled},
            {"allowed_ips", std::move(ips)},
            {"domain", a.domain},
            {"sftp", a.sftp},
            {"password_login", a.password_login},
            {"created_at", rfc3339(a.created_at)},
            {"updated_at", rfc3339(a.updated_at)}};
}

json::object anonymous_json(const FtpAnonymous& a) {
    return {{"domain", a.domain},
            {"enabled", a.enabled},
            {"read_only", true},
            {"directory", a.directory.string()}};
}

json::object key_json(const FtpKey& k) {
    return {{"id", k.id},
            {"type", k.type},
            {"bits", k.bits},
            {"fingerprint", k.fingerprint},
            {"comment", k.comment},
            {"public_key", k.public_key},
            {"created_at", rfc3339(k.created_at)}};
}

json::object session_json(const FtpSessionInfo& s) {
    return {{"id", std::to_string(s.id)}, {"account", s.username},     {"protocol", s.protocol},
            {"client_ip", s.client_ip},   {"since", rfc3339(s.since)}, {"command", s.command}};
}

json::object status_json(const FtpStatus& st) {
    json::object sftp{{"enabled", st.sftp.has_value()}, {"running", st.sftp_running}};
    json::array host_keys;
    if (st.sftp) {
        sftp["address"] = st.sftp->address;
        sftp["port"] = st.sftp->port;
        for (const auto& k : st.sftp->host_keys)
            host_keys.push_back(json::object{{"type", k.type}, {"fingerprint", k.fingerprint}});
    }
    sftp["host_keys"] = std::move(host_keys);
    json::object ftp{{"running", st.running}};
    if (st.ftp) {
        ftp["address"] = st.ftp->address;
        ftp["port"] = st.ftp->port;
        ftp["tls"] = st.ftp->tls;
        ftp["tls_required"] = st.ftp->tls_required;
    }
    return {{"installed", st.installed},
            {"running", st.running},
            {"total_accounts", st.total_accounts},
            {"protocols", json::object{{"ftp", std::move(ftp)}, {"sftp", std::move(sftp)}}}};
}

auto encoder(const FtpService& ftp) {
    return [&ftp](const FtpAccount& a) { return account_json(ftp, a); };
}

}  // namespace

Response list_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(PageSpec page, page_spec(r));
    TRY_OR_RESPOND(auto accounts, s.ftp->list_page(*r.caller, r.query("owner"), page));
    json::array out;
    for (const auto& a : accounts.items) out.emplace_back(account_json(*s.ftp, a));
    // `total`: the whole list's size, as X-Total-Count says, whatever the page.
    Response response = json_response({{"accounts", std::move(out)}, {"total", accounts.total}});
    add_page_headers(response, r, page, accounts.total);
    return response;
}

Response ftp_status(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond(s.ftp->status(*r.caller), status_json);
}

Response create_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewFtpAccount in;
    TRY_OR_RESPOND(in.username, f.required_string("username", "Username"));
    TRY_OR_RESPOND(in.password, f.required_string("password", "Password"));
    TRY_OR_RESPOND(in.owner, f.string("owner"));
    TRY_OR_RESPOND(in.domain, f.string("domain"));
    TRY_OR_RESPOND(in.home_dir, f.string("home_dir"));
    TRY_OR_RESPOND(in.quota_mb, f.integer("quota_mb"));
    TRY_OR_RESPOND(in.read_only, f.boolean("read_only"));
    TRY_OR_RESPOND(in.allowed_ips, f.strings("allowed_ips"));
    TRY_OR_RESPOND(in.sftp, f.boolean("sftp"));
    TRY_OR_RESPOND(in.password_login, f.boolean("password_login"));
    return respond(s.ftp->create(*r.caller, in), encoder(*s.ftp), 201);
}

Response get_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond(s.ftp->get(*r.caller, r.param("id")), encoder(*s.ftp));
}

Response update_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    FtpChanges c;
    TRY_OR_RESPOND(c.password, f.string("password"));
    TRY_OR_RESPOND(c.home_dir, f.string("home_dir"));
    TRY_OR_RESPOND(c.quota_mb, f.integer("quota_mb"));
    TRY_OR_RESPOND(c.read_only, f.boolean("read_only"));
    TRY_OR_RESPOND(c.enabled, f.boolean("enabled"));
    TRY_OR_RESPOND(c.allowed_ips, f.strings("allowed_ips"));
    TRY_OR_RESPOND(c.sftp, f.boolean("sftp"));
    TRY_OR_RESPOND(c.password_login, f.boolean("password_login"));
    return respond(s.ftp->update(*r.caller, r.param("id"), c), encoder(*s.ftp));
}

Response delete_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond_message(s.ftp->remove(*r.caller, r.param("id")),
                           "FTP account deleted successfully");
}

Response set_ftp_ip_restrictions(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(auto ips, f.strings("allowed_ips"));
    if (!ips) return error_response(validation("Allowed IPs is required"));
    return respond(s.ftp->set_allowed_ips(*r.caller, r.param("id"), *ips), encoder(*s.ftp));
}

Response toggle_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond(s.ftp->toggle(*r.caller, r.param("id")), encoder(*s.ftp));
}

Response get_ftp_anonymous(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond(s.ftp->anonymous(*r.caller, r.param("domain")), anonymous_json);
}

Response set_ftp_anonymous(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(bool enabled, f.required_boolean("enabled", "Enabled"));
    return respond(s.ftp->set_anonymous(*r.caller, r.param("domain"), enabled), anonymous_json);
}

Response list_ftp_keys(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto keys, s.ftp->keys(*r.caller, r.param("id")));
    json::array out;
    for (const auto& k : keys) out.emplace_back(key_json(k));
    const auto total = static_cast<int64_t>(out.size());
    return json_response({{"keys", std::move(out)}, {"total", total}});
}

Response add_ftp_key(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    TRY_OR_RESPOND(std::string key, f.required_string("public_key", "Public key"));
    return respond(s.ftp->add_key(*r.caller, r.param("id"), key), key_json, 201);
}

Response delete_ftp_key(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond_message(s.ftp->remove_key(*r.caller, r.param("id"), r.param("key_id")),
                           "Key deleted successfully");
}

Response list_ftp_sessions(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto sessions, s.ftp->sessions(*r.caller));
    json::array out;
    for (const auto& x : sessions) out.emplace_back(session_json(x));
    const auto total = static_cast<int64_t>(out.size());
    return json_response({{"sessions", std::move(out)}, {"total", total}});
}

Response end_ftp_session(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond_message(s.ftp->end_session(*r.caller, r.param("id")),
                           "Session ended successfully");
}

}  // namespace wsp::api
