#include <boost/json.hpp>

#include "api/cron_handlers.h"
#include "api/paging.h"
#include "api/respond.h"
#include "base/clock.h"
#include "services/cron_service.h"

namespace wsp::api {
namespace {

namespace json = boost::json;

json::value time_or_null(const std::optional<int64_t>& t) {
    if (!t) return nullptr;
    return json::value(rfc3339(*t));
}

json::object job_json(const CronJobView& v) {
    const CronJobRecord& j = v.job;
    json::object o;
    o["id"] = j.id;
    o["name"] = j.name;
    o["command"] = j.command;
    o["cron_expr"] = j.cron_expr;
    o["domain"] = j.domain;
    o["enabled"] = j.enabled;
    o["owner"] = j.owner;
    o["last_run_at"] =
        time_or_null(j.last_run_at ? std::optional<int64_t>(j.last_run_at) : std::nullopt);
    o["last_run_ok"] = j.last_run_ok;
    o["next_run_at"] = time_or_null(v.next_run_at);
    o["email_on_complete"] = j.email_on_complete;
    o["email_on_error"] = j.email_on_error;
    o["timeout_sec"] = j.timeout_sec;
    o["running"] = v.running;
    o["created_at"] = rfc3339(j.created_at);
    o["updated_at"] = rfc3339(j.updated_at);
    return o;
}

json::object run_json(const CronRunRecord& r) {
    json::object o;
    o["id"] = r.id;
    o["job_id"] = r.job_id;
    o["trigger"] = r.trigger;
    o["status"] = r.status;
    o["started_at"] = rfc3339(r.started_ms / 1000);
    bool finished = r.status != "running";
    o["finished_at"] = finished ? json::value(rfc3339(r.finished_ms / 1000)) : json::value(nullptr);
    o["duration_ms"] = finished ? json::value(r.finished_ms - r.started_ms) : json::value(nullptr);
    o["exit_code"] = r.exit_code ? json::value(*r.exit_code) : json::value(nullptr);
    o["timed_out"] = r.timed_out;
    o["truncated"] = r.truncated;
    o["ok"] = r.ok;
    o["output"] = r.output;
    return o;
}

}  // namespace

Response list_cronjobs(Services& s, const Request& r) {
    TRY_OR_RESPOND(PageSpec page, page_spec(r));
    return respond_page(s.cron->list_page(*r.caller, r.query("owner"), page), r, page, job_json);
}

Response create_cronjob(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    NewCronJob in;
    TRY_OR_RESPOND(in.name, f.required_string("name", "Name"));
    TRY_OR_RESPOND(in.command, f.required_string("command", "Command"));
    TRY_OR_RESPOND(in.cron_expr, f.required_string("cron_expr", "Cron expression"));
    TRY_OR_RESPOND(in.domain, f.string("domain"));
    TRY_OR_RESPOND(in.enabled, f.boolean("enabled"));
    TRY_OR_RESPOND(in.email_on_complete, f.string("email_on_complete"));
    TRY_OR_RESPOND(in.email_on_error, f.boolean("email_on_error"));
    TRY_OR_RESPOND(in.timeout_sec, f.integer("timeout_sec"));
    TRY_OR_RESPOND(in.owner, f.string("owner"));
    return respond(s.cron->create(*r.caller, in), job_json, 201);
}

Response get_cronjob(Services& s, const Request& r) {
    return respond(s.cron->get(*r.caller, r.param("id")), job_json);
}

Response update_cronjob(Services& s, const Request& r) {
    TRY_OR_RESPOND(auto body, parse_object(r));
    Fields f(body);
    CronJobChanges c;
    TRY_OR_RESPOND(c.name, f.string("name"));
    TRY_OR_RESPOND(c.command, f.string("command"));
    TRY_OR_RESPOND(c.cron_expr, f.string("cron_expr"));
    TRY_OR_RESPOND(c.domain, f.string("domain"));
    TRY_OR_RESPOND(c.enabled, f.boolean("enabled"));
    TRY_OR_RESPOND(c.email_on_complete, f.string("email_on_complete"));
    TRY_OR_RESPOND(c.email_on_error, f.boolean("email_on_error"));
    TRY_OR_RESPOND(c.timeout_sec, f.integer("timeout_sec"));
    return respond(s.cron->update(*r.caller, r.param("id"), c), job_json);
}

Response delete_cronjob(Services& s, const Request& r) {
    return respond_message(s.cron->remove(*r.caller, r.param("id")),
                           "Cron job deleted successfully");
}

Response run_cronjob(Services& s, const Request& r) {
    auto started = s.cron->run_now(*r.caller, r.param("id"));
    if (!started && started.error().code == Code::rate_limited) {
        Response refused = error_response(started.error());
        // The limit's window is one minute: by then there is room again.
        refused.headers.emplace_back("Retry-After", "60");
        return refused;
    }
    return respond(
        started,
        [](const StartedRun& run) {
            return json::object{
                {"message", "Cron job started"}, {"job_id", run.job_id}, {"run_id", run.run_id}};
        },
        202);
}

Response cronjob_logs(Services& s, const Request& r) {
    TRY_OR_RESPOND(int64_t page, r.query_int("page", 1));
    TRY_OR_RESPOND(int64_t per_page, r.query_int("per_page", 20));
    return respond(s.cron->logs(*r.caller, r.param("id"), page, per_page),
                   [](const CronRunPage& p) {
                       json::array logs;
                       for (const auto& run : p.runs) logs.emplace_back(run_json(run));
                       return json::object{{"logs", std::move(logs)},
                                           {"total", p.total},
                                           {"page", p.page},
                                           {"per_page", p.per_page}};
                   });
}

// The form's preview: `expression` is required, `count` 1-20 (default 5).
Response preview_cron_expression(Services& s, const Request& r) {
    const std::string expression = r.query("expression").value_or("");
    TRY_OR_RESPOND(int64_t count, r.query_int("count", 5));
    return respond(s.cron->preview(expression, count), [](const CronSchedulePreview& p) {
        json::array runs;
        for (int64_t t : p.next_runs) runs.emplace_back(rfc3339(t));
        return json::object{{"expression", p.expression}, {"next_runs", std::move(runs)}};
    });
}

}  // namespace wsp::api
