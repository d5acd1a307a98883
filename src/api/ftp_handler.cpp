#include "api/ftp_handlers.h"
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
            {"created_at", rfc3339(a.created_at)},
            {"updated_at", rfc3339(a.updated_at)}};
}

json::object anonymous_json(const FtpAnonymous& a) {
    return {{"domain", a.domain},
            {"enabled", a.enabled},
            {"read_only", true},
            {"directory", a.directory.string()}};
}

auto encoder(const FtpService& ftp) {
    return [&ftp](const FtpAccount& a) { return account_json(ftp, a); };
}

}  // namespace

Response list_ftp(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    TRY_OR_RESPOND(auto accounts, s.ftp->list(*r.caller, r.query("owner")));
    json::array out;
    for (const auto& a : accounts) out.emplace_back(account_json(*s.ftp, a));
    const auto total = static_cast<int64_t>(out.size());
    return json_response({{"accounts", std::move(out)}, {"total", total}});
}

Response ftp_status(Services& s, const Request& r) {
    if (!s.ftp) return error_response(kNotWired);
    return respond(s.ftp->status(*r.caller), [](const FtpStatus& st) {
        return json::object{{"installed", st.installed},
                            {"running", st.running},
                            {"total_accounts", st.total_accounts}};
    });
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

}  // namespace wsp::api
