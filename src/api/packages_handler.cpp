#include "api/encode.h"
#include "api/handlers.h"
#include "api/respond.h"

namespace wsp::api {
namespace {
Result<PackageLimits> read_limits(const boost::json::object& body) {
    Fields f(body);
    PackageLimits l;
    TRY(l.max_domains, f.integer("max_domains"));
    TRY(l.max_databases, f.integer("max_databases"));
    TRY(l.max_ftp_accounts, f.integer("max_ftp_accounts"));
    TRY(l.max_cron_jobs, f.integer("max_cron_jobs"));
    TRY(l.disk_quota_mb, f.integer("disk_quota_mb"));
    TRY(l.require_2fa, f.boolean("require_2fa"));
    TRY(l.sftp, f.boolean("sftp"));
    TRY(l.max_backups_kept, f.integer("max_backups_kept"));
    TRY(l.max_database_users, f.integer("max_database_users"));
    return l;
}
}  // namespace

Response list_packages(Services& s, const Request& r) {
    return respond_list(s.packages.list(*r.caller), package_json);
}

Response create_package(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    TRY_OR_RESPOND(auto name, Fields(body).required_string("name", "Name"));
    TRY_OR_RESPOND(auto limits, read_limits(body));
    return respond(s.packages.create(*r.caller, name, limits), package_json, 201);
}

Response get_package(Services& s, const Request& r) {
    return respond(s.packages.get(*r.caller, r.param("name")), package_json);
}

Response update_package(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    TRY_OR_RESPOND(auto limits, read_limits(body));
    return respond(s.packages.update(*r.caller, r.param("name"), limits), package_json);
}

Response delete_package(Services& s, const Request& r) {
    return respond_message(s.packages.remove(*r.caller, r.param("name")), "Package deleted");
}

}  // namespace wsp::api
