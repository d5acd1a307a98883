#include "api/encode.h"

#include "base/clock.h"
#include "http/json_text.h"
#include "services/domain_service.h"

namespace wsp {

namespace json = boost::json;

namespace {
json::array string_array(const std::vector<std::string>& items) {
    json::array a;
    for (const auto& s : items) a.emplace_back(s);
    return a;
}
}  // namespace

json::object user_json(const UserRecord& u, const Identity& identity) {
    return {{"username", u.username},
            {"email", u.email},
            {"role", name_of(u.role)},
            {"status", name_of(u.status)},
            {"creator", u.creator},
            {"package", u.package},
            {"suspended_by", u.suspended_by},
            {"home_dir", identity.home_text(u.username)},
            {"created_at", rfc3339(u.created_at)},
            {"updated_at", rfc3339(u.updated_at)}};
}

json::object package_json(const PackageRecord& p) {
    return {{"name", p.name},
            {"max_domains", p.max_domains},
            {"max_databases", p.max_databases},
            {"max_ftp_accounts", p.max_ftp_accounts},
            {"max_cron_jobs", p.max_cron_jobs},
            {"disk_quota_mb", p.disk_quota_mb},
            {"require_2fa", p.require_2fa},
            {"sftp", p.sftp},
            {"max_backups_kept", p.max_backups_kept},
            {"owner", p.owner},
            {"max_database_users", p.max_database_users},
            {"created_at", rfc3339(p.created_at)},
            {"updated_at", rfc3339(p.updated_at)}};
}

json::object key_json(const ApiKeyRecord& k) {
    json::object o{{"id", k.id},
                   {"name", k.name},
                   {"key_prefix", k.key_prefix},
                   {"permissions", string_array(k.permissions)},
                   {"ip_whitelist", string_array(k.ip_whitelist)},
                   {"last_used", rfc3339_or_never(k.last_used)},
                   {"created_at", rfc3339(k.created_at)},
                   {"expires_at", rfc3339_or_never(k.expires_at)},
                   {"enabled", k.enabled}};
    if (k.rate_limit)
        o["rate_limit"] = *k.rate_limit;
    else
        o["rate_limit"] = nullptr;
    return o;
}

json::object domain_json(const DomainRecord& d, const Identity& identity) {
    return {
        {"domain", d.domain},
        {"owner", d.owner},
        {"document_root", (identity.home_of(d.owner) / DomainService::web_dir(d.domain)).string()},
        {"created_at", rfc3339(d.created_at)}};
}

json::object login_json(const LoginResult& l, const Identity& identity) {
    json::object o{
        {"token", l.token}, {"user", user_json(l.user, identity)}, {"expires_in", l.expires_in}};
    if (l.must_enroll_2fa) o["must_enroll_2fa"] = true;
    if (!l.impersonated_by.empty()) o["impersonated_by"] = l.impersonated_by;
    return o;
}

json::object me_json(const Me& me) {
    return {{"username", me.user.username},
            {"email", me.user.email},
            {"role", name_of(me.user.role)},
            {"status", name_of(me.user.status)},
            {"creator", me.user.creator},
            {"package", me.package.name},
            {"max_domains", me.package.max_domains},
            {"max_databases", me.package.max_databases},
            {"max_ftp_accounts", me.package.max_ftp_accounts},
            {"max_cron_jobs", me.package.max_cron_jobs},
            {"disk_quota_mb", me.package.disk_quota_mb},
            {"max_backups_kept", me.package.max_backups_kept},
            {"max_database_users", me.package.max_database_users},
            {"home_dir", me.home_dir},
            {"created_at", rfc3339(me.user.created_at)},
            {"two_factor_enabled", me.two_factor_enabled},
            {"impersonated_by",
             me.impersonated_by.empty() ? json::value(nullptr) : json::value(me.impersonated_by)}};
}

// me_json's object as text, field for field (the unit test
// JsonText.MeMatchesMeJson compares them): /auth/me is the hottest route.
std::string me_json_text(const Me& me) {
    JsonText j;
    j.field("username", me.user.username)
        .field("email", me.user.email)
        .field("role", name_of(me.user.role))
        .field("status", name_of(me.user.status))
        .field("creator", me.user.creator)
        .field("package", me.package.name)
        .field("max_domains", me.package.max_domains)
        .field("max_databases", me.package.max_databases)
        .field("max_ftp_accounts", me.package.max_ftp_accounts)
        .field("max_cron_jobs", me.package.max_cron_jobs)
        .field("disk_quota_mb", me.package.disk_quota_mb)
        .field("max_backups_kept", me.package.max_backups_kept)
        .field("max_database_users", me.package.max_database_users)
        .field("home_dir", me.home_dir)
        .field("created_at", rfc3339(me.user.created_at))
        .field("two_factor_enabled", me.two_factor_enabled);
    if (me.impersonated_by.empty())
        j.null_field("impersonated_by");
    else
        j.field("impersonated_by", me.impersonated_by);
    return std::move(j).take();
}

}  // namespace wsp
