#include "api/respond.h"
#include "api/usage_handlers.h"
#include "base/clock.h"
#include "services/system_stats.h"
#include "services/usage.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

json::object usage_json(const AccountUsage& u) {
    json::object items;
    for (const auto& item : u.items)
        items[item.name] = json::object{{"used", item.used}, {"limit", item.limit}};
    json::array near(u.near_limit.begin(), u.near_limit.end());
    json::array over(u.over_limit.begin(), u.over_limit.end());
    return json::object{{"username", u.username},
                        {"package", u.package},
                        {"usage", std::move(items)},
                        {"near_limit", std::move(near)},
                        {"over_limit", std::move(over)}};
}

json::object cron_failure_json(const CronFailure& f) {
    return json::object{{"run_id", f.run_id},
                        {"job_id", f.job_id},
                        {"owner", f.owner},
                        {"name", f.job_name},
                        {"finished_at", rfc3339(f.finished_ms / 1000)},
                        {"exit_code", f.exit_code ? json::value(*f.exit_code) : json::value()},
                        {"timed_out", f.timed_out}};
}

json::object login_json(const AuditRecord& a) {
    return json::object{{"at", rfc3339(a.at)},
                        {"username", a.account},
                        {"ip", a.client_ip},
                        {"result", a.result},
                        {"detail", a.target}};
}

// One account's dashboard: its usage plus what happened lately.
json::object dashboard_json(const AccountUsage& u) {
    json::object o = usage_json(u);
    json::array failures, logins;
    for (const auto& f : u.cron_failures) failures.push_back(cron_failure_json(f));
    for (const auto& l : u.logins) logins.push_back(login_json(l));
    o["recent_cron_failures"] = std::move(failures);
    o["recent_logins"] = std::move(logins);
    return o;
}

json::object stats_json(const SystemStats& s) {
    json::object components, versions;
    for (const auto& [k, v] : s.components) components[k] = v;
    for (const auto& [k, v] : s.versions) versions[k] = v;
    json::array disks, biggest, logins, failures;
    for (const auto& d : s.disks)
        disks.push_back(json::object{{"mount", d.mount},
                                     {"type", d.type},
                                     {"total_bytes", d.total_bytes},
                                     {"used_bytes", d.used_bytes},
                                     {"free_bytes", d.free_bytes}});
    for (const auto& [name, bytes] : s.biggest_accounts)
        biggest.push_back(json::object{{"username", name}, {"disk_bytes", bytes}});
    for (const auto& l : s.failed_logins) logins.push_back(login_json(l));
    for (const auto& f : s.cron_failures) failures.push_back(cron_failure_json(f));
    return json::object{
        {"accounts", json::object{{"total", s.accounts},
                                  {"active", s.active},
                                  {"suspended", s.suspended},
                                  {"admins", s.admins},
                                  {"resellers", s.resellers}}},
        {"components", std::move(components)},
        {"versions", std::move(versions)},
        {"cpu",
         json::object{{"cores", s.cores}, {"load", json::array{s.load[0], s.load[1], s.load[2]}}}},
        {"memory", json::object{{"total_bytes", s.memory_total_bytes},
                                {"available_bytes", s.memory_available_bytes},
                                {"panel_rss_bytes", s.panel_rss_bytes}}},
        {"uptime_s", s.uptime_s},
        {"disks", std::move(disks)},
        {"biggest_accounts", std::move(biggest)},
        {"failed_logins", std::move(logins)},
        {"cron_failures", std::move(failures)}};
}

}  // namespace

Response user_usage(Services& s, const Request& r) {
    return respond(account_usage(s.ctx, s.disk_usage, *r.caller, r.param("username")),
                   dashboard_json);
}

Response all_usage(Services& s, const Request& r) {
    return respond_list(wsp::all_usage(s.ctx, s.disk_usage, *r.caller), usage_json);
}

Response system_stats(Services& s, const Request& r) {
    return respond(wsp::system_stats(s, *r.caller), stats_json);
}

}  // namespace wsp::api
