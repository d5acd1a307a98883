#include "services/metrics.h"

#include <cstdio>

#include "services/backup_service.h"
#include "services/file_service.h"
#include "services/services.h"
#include "services/webhook_service.h"
#include "store/sso_repo.h"

namespace wsp {
namespace {

// A label value: backslash, double quote and newline escaped.
std::string label(std::string_view v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"') out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

std::string number(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

void head(std::string& out, const char* name, const char* type, const char* help) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

void Metrics::observe(std::string_view method, std::string_view route, unsigned status,
                      double seconds) {
    std::lock_guard lock(mutex_);
    auto counted = requests_.find(RequestView{method, route, status});
    if (counted == requests_.end())
        counted =
            requests_.emplace(RequestKey{std::string(method), std::string(route), status}, 0).first;
    ++counted->second;
    auto timed = latency_.find(route);
    if (timed == latency_.end()) timed = latency_.emplace(std::string(route), Latency{}).first;
    Latency& l = timed->second;
    for (size_t i = 0; i < kBuckets.size(); ++i)
        if (seconds <= kBuckets[i]) ++l.buckets[i];
    ++l.count;
    l.sum += seconds;
}

void Metrics::count_event(std::string_view event) {
    std::lock_guard lock(mutex_);
    ++events_[std::string(event)];
}

std::string Metrics::render(Services& s) const {
    std::string out;
    {
        std::lock_guard lock(mutex_);
        head(out, "wispanel_http_requests_total", "counter",
             "HTTP requests answered, by method, route pattern and status.");
        int64_t limited = 0;
        for (const auto& [key, n] : requests_) {
            const auto& [method, route, status] = key;
            out += "wispanel_http_requests_total{method=\"" + label(method) + "\",route=\"" +
                   label(route) + "\",status=\"" + std::to_string(status) + "\"} " +
                   std::to_string(n) + "\n";
            if (status == 429) limited += n;
        }
        head(out, "wispanel_http_request_duration_seconds", "histogram",
             "Time from the request's first byte to the answer's last, by route pattern.");
        for (const auto& [route, l] : latency_) {
            const std::string r = "route=\"" + label(route) + "\"";
            for (size_t i = 0; i < kBuckets.size(); ++i)
                out += "wispanel_http_request_duration_seconds_bucket{" + r + ",le=\"" +
                       number(kBuckets[i]) + "\"} " + std::to_string(l.buckets[i]) + "\n";
            out += "wispanel_http_request_duration_seconds_bucket{" + r + ",le=\"+Inf\"} " +
                   std::to_string(l.count) + "\n";
            out += "wispanel_http_request_duration_seconds_sum{" + r + "} " + number(l.sum) + "\n";
            out += "wispanel_http_request_duration_seconds_count{" + r + "} " +
                   std::to_string(l.count) + "\n";
        }
        head(out, "wispanel_rate_limited_total", "counter",
             "Requests refused with 429 (rate limits and busy shares).");
        out += "wispanel_rate_limited_total " + std::to_string(limited) + "\n";
        head(out, "wispanel_events_total", "counter",
             "Events announced by the services (webhook event names).");
        for (const auto& [event, n] : events_)
            out +=
                "wispanel_events_total{event=\"" + label(event) + "\"} " + std::to_string(n) + "\n";
        head(out, "wispanel_cron_runs_total", "counter", "Cron job runs, by result.");
        auto ev = [&](const char* e) {
            auto it = events_.find(e);
            return it == events_.end() ? int64_t{0} : it->second;
        };
        out += "wispanel_cron_runs_total{result=\"ok\"} " + std::to_string(ev("cron.completed")) +
               "\n";
        out += "wispanel_cron_runs_total{result=\"failed\"} " + std::to_string(ev("cron.failed")) +
               "\n";
        head(out, "wispanel_backups_total", "counter", "Backup runs finished, by result.");
        out += "wispanel_backups_total{result=\"ok\"} " + std::to_string(ev("backup.completed")) +
               "\n";
        out += "wispanel_backups_total{result=\"failed\"} " + std::to_string(ev("backup.failed")) +
               "\n";
    }
    if (s.webhooks) {
        const WebhookCounters& c = s.webhooks->counters();
        head(out, "wispanel_webhook_deliveries_total", "counter",
             "Webhook deliveries and attempts, by outcome.");
        out += "wispanel_webhook_deliveries_total{outcome=\"delivered\"} " +
               std::to_string(c.delivered.load()) + "\n";
        out += "wispanel_webhook_deliveries_total{outcome=\"failed_attempt\"} " +
               std::to_string(c.failed_attempts.load()) + "\n";
        out += "wispanel_webhook_deliveries_total{outcome=\"given_up\"} " +
               std::to_string(c.given_up.load()) + "\n";
    }
    // Tasks (file operations, backups) by state: listed as an admin would.
    head(out, "wispanel_tasks", "gauge", "File and backup tasks kept, by area and state.");
    const Caller all{"metrics", Role::admin, {"all"}};
    auto tasks = [&](const char* area, FileTasks& t) {
        std::map<std::string, int64_t> by_state = {
            {"queued", 0}, {"running", 0}, {"done", 0}, {"failed", 0}, {"cancelled", 0}};
        if (auto list = t.list(all, std::nullopt); list.ok())
            for (const auto& v : list.value()) {
                switch (v.status) {
                    case TaskStatus::queued:
                        ++by_state["queued"];
                        break;
                    case TaskStatus::running:
                        ++by_state["running"];
                        break;
                    case TaskStatus::done:
                        ++by_state["done"];
                        break;
                    case TaskStatus::failed:
                        ++by_state["failed"];
                        break;
                    case TaskStatus::cancelled:
                        ++by_state["cancelled"];
                        break;
                }
            }
        for (const auto& [state, n] : by_state)
            out += std::string("wispanel_tasks{area=\"") + area + "\",state=\"" + state + "\"} " +
                   std::to_string(n) + "\n";
    };
    if (s.files) tasks("files", s.files->tasks());
    if (s.backups) tasks("backups", s.backups->tasks());
    head(out, "wispanel_component_up", "gauge",
         "Managed components as /health reports them (1 up, 0 down).");
    for (const auto& [name, probe] : s.health)
        out += "wispanel_component_up{component=\"" + label(name) + "\"} " + (probe() ? "1" : "0") +
               "\n";
    auto counts = s.ctx.db.read(
        [&](const ReadTx& tx) -> Result<StoreCounts> { return CountsRepo::counts(tx); });
    if (counts.ok()) {
        const StoreCounts& c = counts.value();
        auto gauge = [&](const char* name, const char* help, int64_t v) {
            head(out, name, "gauge", help);
            out += std::string(name) + " " + std::to_string(v) + "\n";
        };
        gauge("wispanel_accounts", "Hosting accounts.", c.accounts);
        gauge("wispanel_accounts_suspended", "Suspended hosting accounts.", c.suspended);
        gauge("wispanel_domains", "Domains.", c.domains);
        gauge("wispanel_databases", "MariaDB databases.", c.databases);
        gauge("wispanel_ftp_accounts", "FTP/SFTP accounts.", c.ftp_accounts);
        gauge("wispanel_cron_jobs", "Cron jobs.", c.cron_jobs);
        gauge("wispanel_webhooks", "Webhooks.", c.webhooks);
        gauge("wispanel_webhook_deliveries_pending", "Webhook deliveries queued.",
              c.deliveries_pending);
        gauge("wispanel_webhook_deliveries_failed", "Webhook deliveries given up (kept).",
              c.deliveries_failed);
    }
    return out;
}

}  // namespace wsp
