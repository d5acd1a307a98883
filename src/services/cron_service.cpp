#include "services/cron_service.h"
#include "services/events.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "base/clock.h"
#include "drivers/job_runner.h"
#include "services/domain_service.h"
#include "services/limits.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

constexpr size_t kMaxNameBytes = 100;

// Job ids are the integers from the list; anything else names no job.
std::optional<int64_t> parse_id(const std::string& s) {
    if (s.empty() || s.size() > 18) return std::nullopt;
    int64_t v = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        v = v * 10 + (c - '0');
    }
    return v;
}

bool has_control(const std::string& s) {
    return std::any_of(s.begin(), s.end(), [](char c) {
        unsigned char u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7f;
    });
}

bool owner_active(const ReadTx& tx, const std::string& owner) {
    auto user = UserRepo::find(tx, owner);
    return user && user->status == AccountStatus::active;
}

std::string outcome_of(const CronRunRecord& run) {
    if (run.timed_out) return "timed out";
    if (run.ok) return "succeeded";
    if (run.exit_code) return "failed (exit code " + std::to_string(*run.exit_code) + ")";
    return "failed";
}

// Output is stored and served as JSON text: invalid UTF-8 (binary output,
// or a character cut by the output bound) becomes U+FFFD.
std::string valid_utf8(const std::string& in) {
    std::string out;
    out.reserve(in.size());
    const auto* p = reinterpret_cast<const unsigned char*>(in.data());
    const size_t n = in.size();
    for (size_t i = 0; i < n;) {
        unsigned char c = p[i];
        size_t len = c < 0x80           ? 1
                     : (c >> 5) == 0x6  ? 2
                     : (c >> 4) == 0xe  ? 3
                     : (c >> 3) == 0x1e ? 4
                                        : 0;
        bool ok = len > 0 && i + len <= n;
        for (size_t k = 1; ok && k < len; ++k) ok = (p[i + k] & 0xc0) == 0x80;
        if (ok && len > 1) {
            uint32_t cp = c & (0x7f >> len);
            for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (p[i + k] & 0x3f);
            static constexpr uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
            ok = cp >= kMin[len] && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
        }
        if (ok) {
            out.append(in, i, len);
            i += len;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
        }
    }
    return out;
}

// The one reading of an expression for jobs and previews: the same
// messages whichever route it comes through.
Result<CronExpr> parse_expression(const std::string& text) {
    if (text.empty()) return validation("Cron expression is required");
    auto expr = CronExpr::parse(text);
    if (!expr.ok()) return validation("Invalid cron expression: " + expr.error().message);
    return expr;
}

}  // namespace

CronService::CronService(PanelContext& ctx, std::shared_ptr<Mailer> mailer)
    : ctx_(ctx),
      mailer_(std::move(mailer)),
      scheduler_([this](int64_t id, int64_t due) { on_due(id, due); }, ctx.clock) {}

CronService::~CronService() {
    stop();
}

Result<void> CronService::start() {
    // Only what scheduling needs (id and expression), not whole records:
    // 100,000 jobs' commands and names would be read for nothing.
    auto jobs = ctx_.db.write([&](WriteTx& tx) -> Result<std::vector<CronSchedule>> {
        if (int64_t n = CronRepo::close_interrupted_runs(tx, ctx_.clock.now_ms()))
            spdlog::warn("cron: {} run(s) were interrupted by the last shutdown", n);
        return CronRepo::enabled_schedules(tx);
    });
    if (!jobs.ok()) return jobs.error();
    // Runs missed while the panel was down are not made up: each job's next
    // time is computed from now, as cron does.
    for (const auto& job : *jobs) schedule(job.id, job.cron_expr);
    pool_.start(static_cast<size_t>(std::max<int64_t>(ctx_.config.cron.max_parallel_runs, 1)));
    if (mailer_) mailer_->start();
    scheduler_.start();
    started_ = true;
    spdlog::info("cron: {} job(s) scheduled", scheduler_.size());
    return Ok{};
}

void CronService::stop() {
    if (!started_) return;
    started_ = false;
    scheduler_.stop();
    pool_.stop();
    if (mailer_) mailer_->stop();
}

// --- the API -------------------------------------------------------------

Result<CronJobRecord> CronService::find_owned(const Caller& caller, const std::string& id) {
    auto number = parse_id(id);
    if (!number) return not_found("Cron job not found");
    return ctx_.db.read([&](const ReadTx& tx) -> Result<CronJobRecord> {
        auto job = CronRepo::find(tx, *number);
        if (!job) return not_found("Cron job not found");
        CHECK_OK(ensure_owner_or_admin(caller, job->owner));
        return *job;
    });
}

Result<void> CronService::validate(const CronJobRecord& job) {
    const auto& cfg = ctx_.config.cron;
    if (job.name.empty()) return validation("Name is required");
    if (job.name.size() > kMaxNameBytes || has_control(job.name))
        return validation("Name must be at most 100 characters, without control characters");
    if (job.command.empty()) return validation("Command is required");
    if (job.command.find_first_of(std::string("\0\n\r", 3)) != std::string::npos)
        return validation("Command must not contain newlines or NUL characters");
    if (static_cast<int64_t>(job.command.size()) > cfg.max_command_bytes)
        return validation("Command must be at most " + std::to_string(cfg.max_command_bytes) +
                          " characters");
    if (auto expr = parse_expression(job.cron_expr); !expr.ok()) return expr.error();
    if (!job.email_on_complete.empty() && !valid_email(job.email_on_complete))
        return validation("email_on_complete must be a valid email address");
    if (job.timeout_sec < 0 || job.timeout_sec > cfg.max_timeout_s)
        return validation("timeout_sec must be between 1 and " + std::to_string(cfg.max_timeout_s) +
                          " (0 for the default)");
    return Ok{};
}

CronJobView CronService::view(const ReadTx& tx, const CronJobRecord& job) {
    return view(job, owner_active(tx, job.owner));
}

CronJobView CronService::view(const CronJobRecord& job, bool owner_is_active) {
    CronJobView v{job, std::nullopt, false};
    if (job.enabled && owner_is_active) v.next_run_at = scheduler_.due_of(job.id);
    std::lock_guard lock(mutex_);
    v.running = running_.count(job.id) > 0;
    return v;
}

Result<std::vector<CronJobView>> CronService::list(const Caller& caller,
                                                   const std::optional<std::string>& owner) {
    TRY(auto all, list_page(caller, owner, PageSpec{}));
    return std::move(all.items);
}

Result<Paged<CronJobView>> CronService::list_page(const Caller& caller,
                                                  const std::optional<std::string>& owner,
                                                  const PageSpec& page) {
    TRY(std::optional<std::string> filter, list_owner(caller, owner));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<Paged<CronJobView>> {
        Paged<CronJobView> out;
        // Each owner's status is read once per list, not once per job.
        std::map<std::string, bool> active;
        for (const auto& job : CronRepo::list(tx, filter, page)) {
            auto it = active.find(job.owner);
            if (it == active.end())
                it = active.emplace(job.owner, owner_active(tx, job.owner)).first;
            out.items.push_back(view(job, it->second));
        }
        out.total = CronRepo::count(tx, filter);
        return out;
    });
}

Result<CronJobView> CronService::get(const Caller& caller, const std::string& id) {
    TRY(CronJobRecord job, find_owned(caller, id));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<CronJobView> { return view(tx, job); });
}

Result<CronJobView> CronService::create(const Caller& caller, const NewCronJob& input) {
    TRY(std::string owner, resolve_owner(ctx_.db, caller, input.owner));
    CronJobRecord job;
    job.owner = owner;
    job.name = input.name;
    job.command = input.command;
    job.cron_expr = input.cron_expr;
    job.enabled = input.enabled.value_or(true);
    job.email_on_complete = input.email_on_complete.value_or("");
    job.email_on_error = input.email_on_error.value_or(false);
    job.timeout_sec = input.timeout_sec.value_or(0);
    CHECK_OK(validate(job));
    if (input.domain && !input.domain->empty()) {
        TRY(job.domain, DomainService(ctx_).ensure_owned(owner, *input.domain));
    }
    job.created_at = job.updated_at = ctx_.clock.now_unix();
    auto created = ctx_.db.write([&](WriteTx& tx) -> Result<CronJobRecord> {
        CHECK_OK(ensure_below_limit(tx, owner, Limit::cron_jobs, CronRepo::count_of(tx, owner)));
        job.id = CronRepo::insert(tx, job);
        return job;
    });
    if (!created.ok()) return created.error();
    schedule(*created);
    emit_event(ctx_, "cron.created", owner,
               {{"id", created->id}, {"name", created->name}, {"owner", owner}});
    return ctx_.db.read(
        [&](const ReadTx& tx) -> Result<CronJobView> { return view(tx, *created); });
}

Result<CronJobView> CronService::update(const Caller& caller, const std::string& id,
                                        const CronJobChanges& c) {
    TRY(CronJobRecord job, find_owned(caller, id));
    if (c.name) job.name = *c.name;
    if (c.command) job.command = *c.command;
    if (c.cron_expr) job.cron_expr = *c.cron_expr;
    if (c.enabled) job.enabled = *c.enabled;
    if (c.email_on_complete) job.email_on_complete = *c.email_on_complete;
    if (c.email_on_error) job.email_on_error = *c.email_on_error;
    if (c.timeout_sec) job.timeout_sec = *c.timeout_sec;
    CHECK_OK(validate(job));
    if (c.domain) {
        if (c.domain->empty()) {
            job.domain.clear();
        } else {
            TRY(job.domain, DomainService(ctx_).ensure_owned(job.owner, *c.domain));
        }
    }
    job.updated_at = ctx_.clock.now_unix();
    auto updated = ctx_.db.write([&](WriteTx& tx) -> Result<CronJobRecord> {
        auto current = CronRepo::find(tx, job.id);
        if (!current) return not_found("Cron job not found");
        CronRepo::update(tx, job);
        return *CronRepo::find(tx, job.id);
    });
    if (!updated.ok()) return updated.error();
    schedule(*updated);
    return ctx_.db.read(
        [&](const ReadTx& tx) -> Result<CronJobView> { return view(tx, *updated); });
}

Result<void> CronService::remove(const Caller& caller, const std::string& id) {
    TRY(CronJobRecord job, find_owned(caller, id));
    auto removed =
        ctx_.db.write([&](WriteTx& tx) -> Result<bool> { return CronRepo::remove(tx, job.id); });
    if (!removed.ok()) return removed.error();
    if (!*removed) return not_found("Cron job not found");
    unschedule(job.id);
    emit_event(ctx_, "cron.deleted", job.owner,
               {{"id", job.id}, {"name", job.name}, {"owner", job.owner}});
    return Ok{};
}

Result<int64_t> CronService::remove_all_of(const std::string& owner) {
    auto ids = ctx_.db.write([&](WriteTx& tx) -> Result<std::vector<int64_t>> {
        std::vector<int64_t> out;
        for (const auto& job : CronRepo::list(tx, owner)) out.push_back(job.id);
        CronRepo::remove_all_of(tx, owner);
        return out;
    });
    if (!ids.ok()) return ids.error();
    for (int64_t id : *ids) unschedule(id);
    return static_cast<int64_t>(ids->size());
}

Result<StartedRun> CronService::run_now(const Caller& caller, const std::string& id) {
    TRY(CronJobRecord job, find_owned(caller, id));
    if (!started_) return unavailable("The cron scheduler is not running");
    TRY(bool active, ctx_.db.read([&](const ReadTx& tx) -> Result<bool> {
        return owner_active(tx, job.owner);
    }));
    if (!active) return conflict("The job's owner is suspended; its jobs do not run");
    // Each run can mail its output and costs a process: bounded per job.
    if (const int64_t cap = ctx_.config.cron.run_now_per_job_per_minute; cap > 0) {
        const int64_t now = ctx_.clock.now_unix();
        runs_now_.sweep(now);
        if (!runs_now_.hit(std::to_string(job.id), cap, now).allowed)
            return Error{Code::rate_limited, "Run-now limit reached (" + std::to_string(cap) +
                                                 " per minute for a job); try again later"};
    }
    {
        std::lock_guard lock(mutex_);
        if (running_.count(job.id)) return conflict("Cron job is already running");
        running_.insert(job.id);
    }
    const int64_t started = ctx_.clock.now_ms();
    auto run_id = ctx_.db.write([&](WriteTx& tx) -> Result<int64_t> {
        return CronRepo::insert_run(tx, {0, job.id, "manual", "running", started});
    });
    if (!run_id.ok()) {
        finish_running(job.id);
        return run_id.error();
    }
    const int64_t rid = *run_id;
    pool_.submit([this, job, rid, started] { execute(job, rid, started, "manual"); });
    return StartedRun{job.id, rid};
}

Result<CronRunPage> CronService::logs(const Caller& caller, const std::string& id, int64_t page,
                                      int64_t per_page) {
    if (page < 1) return validation("page must be 1 or more");
    if (per_page < 1 || per_page > 100) return validation("per_page must be between 1 and 100");
    TRY(CronJobRecord job, find_owned(caller, id));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<CronRunPage> {
        CronRunPage p;
        p.page = page;
        p.per_page = per_page;
        p.total = CronRepo::count_runs(tx, job.id);
        p.runs = CronRepo::runs(tx, job.id, per_page, (page - 1) * per_page);
        return p;
    });
}

Result<CronSchedulePreview> CronService::preview(const std::string& expression,
                                                 int64_t count) const {
    if (count < 1 || count > kMaxPreviewRuns)
        return validation("count must be between 1 and " + std::to_string(kMaxPreviewRuns));
    TRY(CronExpr expr, parse_expression(expression));
    CronSchedulePreview out{expression, {}};
    int64_t after = ctx_.clock.now_unix();
    while (static_cast<int64_t>(out.next_runs.size()) < count) {
        auto next = expr.next_after(after);
        if (!next) break;  // none within 30 years
        out.next_runs.push_back(*next);
        after = *next;
    }
    return out;
}

// --- the schedule and the runs -------------------------------------------

void CronService::schedule(const CronJobRecord& job) {
    if (!job.enabled) return unschedule(job.id);
    schedule(job.id, job.cron_expr);
}

void CronService::schedule(int64_t id, const std::string& cron_expr) {
    auto expr = CronExpr::parse(cron_expr);
    if (!expr.ok()) {
        spdlog::error("cron: job {} has an invalid expression: {}", id, expr.error().message);
        return unschedule(id);
    }
    std::lock_guard lock(mutex_);
    scheduler_.set(id, expr->next_after(ctx_.clock.now_unix()));
}

void CronService::unschedule(int64_t id) {
    std::lock_guard lock(mutex_);
    scheduler_.set(id, std::nullopt);
}

void CronService::finish_running(int64_t id) {
    std::lock_guard lock(mutex_);
    running_.erase(id);
}

// On the scheduler's thread: book the next time at once, then hand the run
// to the pool, so 500 jobs due in the same second start together.
// The expression comes from the store, read before the lock (a store
// write may hold the store's lock and then want this one): a job removed or
// disabled is written there before it is unscheduled, so it is not booked
// again; one changed meanwhile is booked by schedule(), whose booking stands.
void CronService::on_due(int64_t id, int64_t due) {
    auto text = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<std::string>> {
        return CronRepo::enabled_expr(tx, id);
    });
    if (!text.ok()) spdlog::error("cron: job {}: {}", id, text.error().message);
    if (!text.ok() || !*text) return;
    auto expr = CronExpr::parse(**text);
    if (!expr.ok()) {
        spdlog::error("cron: job {} has an invalid expression: {}", id, expr.error().message);
        return;
    }
    bool skipped = false;
    {
        std::lock_guard lock(mutex_);
        if (!scheduler_.due_of(id))
            scheduler_.set(id, expr->next_after(std::max(due, ctx_.clock.now_unix())));
        if (running_.count(id))
            skipped = true;
        else
            running_.insert(id);
    }
    pool_.submit([this, id, due, skipped] { run_scheduled(id, due, skipped); });
}

void CronService::run_scheduled(int64_t id, int64_t due, bool skipped) {
    auto job = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<CronJobRecord>> {
        auto j = CronRepo::find(tx, id);
        if (j && !owner_active(tx, j->owner)) {
            spdlog::info("cron: job {} not run: its owner {} is suspended", id, j->owner);
            return std::optional<CronJobRecord>();
        }
        return j;
    });
    if (!job.ok() || !*job || !(*job)->enabled) {
        if (!job.ok()) spdlog::error("cron: job {}: {}", id, job.error().message);
        if (!skipped) finish_running(id);
        return;
    }
    const CronJobRecord& j = **job;
    if (skipped) {
        spdlog::warn("cron: job {} ({}) not started at {}: its previous run is still running", id,
                     j.name, rfc3339(due));
        auto r = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
            CronRunRecord run{0, id, "schedule", "skipped", due * 1000, due * 1000};
            run.output = "Skipped: the previous run was still running";
            CronRepo::insert_run(tx, run);
            CronRepo::trim_runs(tx, id, std::max<int64_t>(ctx_.config.cron.history_per_job, 1));
            return Ok{};
        });
        if (!r.ok()) spdlog::error("cron: job {}: {}", id, r.error().message);
        return;
    }
    const int64_t started = ctx_.clock.now_ms();
    auto run_id = ctx_.db.write([&](WriteTx& tx) -> Result<int64_t> {
        return CronRepo::insert_run(tx, {0, id, "schedule", "running", started});
    });
    if (!run_id.ok()) {
        spdlog::error("cron: job {}: {}", id, run_id.error().message);
        finish_running(id);
        return;
    }
    execute(j, *run_id, started, "schedule");
}

void CronService::execute(const CronJobRecord& job, int64_t run_id, int64_t started_ms,
                          const std::string& trigger) {
    const auto& cfg = ctx_.config.cron;
    JobSpec spec;
    spec.command = job.command;
    spec.account = job.owner;
    spec.home = ctx_.identity.home_of(job.owner);
    spec.uid = ctx_.identity.uid_of(job.owner);
    spec.gid = ctx_.identity.gid_of(job.owner);
    spec.groups = ctx_.identity.groups_of(job.owner);
    spec.limits = job_limits(ctx_.config.identity);
    spec.timeout =
        std::chrono::seconds(job.timeout_sec > 0 ? job.timeout_sec : cfg.default_timeout_s);
    spec.max_output = static_cast<size_t>(std::max<int64_t>(cfg.max_output_bytes, 0));
    auto result = run_job(spec);

    CronRunRecord run{run_id, job.id, trigger, "finished", started_ms, ctx_.clock.now_ms()};
    if (result.ok()) {
        const ProcessResult& p = *result;
        if (p.exit_code >= 0) run.exit_code = p.exit_code;
        run.timed_out = p.timed_out;
        run.truncated = p.truncated;
        run.ok = p.ok();
        run.output = valid_utf8(p.output);
        if (p.timed_out)
            run.output += "\n[timed out after " + std::to_string(spec.timeout.count()) +
                          " s: the job's processes were killed]";
        else if (p.signal)
            run.output += "\n[killed by signal " + std::to_string(p.signal) + "]";
    } else {
        spdlog::error("cron: job {} could not start: {}", job.id, result.error().message);
        run.output = "[the job could not be started]";
    }
    auto stored = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        CronRepo::finish_run(tx, run);
        CronRepo::record_result(tx, job.id, started_ms / 1000, run.ok);
        CronRepo::trim_runs(tx, job.id, std::max<int64_t>(cfg.history_per_job, 1));
        return Ok{};
    });
    if (!stored.ok()) spdlog::error("cron: job {}: {}", job.id, stored.error().message);
    finish_running(job.id);
    emit_event(ctx_, run.ok ? "cron.completed" : "cron.failed", job.owner,
               {{"id", job.id},
                {"name", job.name},
                {"owner", job.owner},
                {"exit_code", run.exit_code.value_or(-1)},
                {"trigger", trigger}});
    send_reports(job, run, trigger);
}

// Mail goes through the mailer's queue: a slow or dead SMTP server never
// holds up a run.
void CronService::send_reports(const CronJobRecord& job, const CronRunRecord& run,
                               const std::string& trigger) {
    if (!mailer_ || (job.email_on_complete.empty() && !(job.email_on_error && !run.ok))) return;
    std::string subject = "[WisPanel] Cron job '" + job.name + "' " + outcome_of(run);
    std::string body;
    body += "Job: " + job.name + " (id " + std::to_string(job.id) + ", owner " + job.owner + ")\n";
    body += "Command: " + job.command + "\n";
    body += "Schedule: " + job.cron_expr + "\n";
    body += "Trigger: " + trigger + "\n";
    body += "Started: " + rfc3339(run.started_ms / 1000) + "\n";
    body += "Duration: " + std::to_string(run.finished_ms - run.started_ms) + " ms\n";
    body += "Exit code: " + (run.exit_code ? std::to_string(*run.exit_code) : std::string("none")) +
            "\n";
    body += "Timed out: " + std::string(run.timed_out ? "yes" : "no") + "\n";
    body += "Outcome: " + outcome_of(run) + "\n\n";
    body += run.truncated ? "Output (the end of it):\n" : "Output:\n";
    body += run.output.empty() ? "(none)\n" : run.output;

    // Mail can go to any address: a per-account budget keeps the panel
    // from being a spam relay. Beyond it, reports are dropped (logged).
    auto send = [&](const std::string& to) {
        const int64_t cap = ctx_.config.cron.mail_per_account_per_hour;
        if (cap > 0) {
            const int64_t now = ctx_.clock.now_unix();
            mail_sent_.sweep(now);
            if (!mail_sent_.hit(job.owner, cap, now).allowed) {
                spdlog::warn("cron: job {}: mail to {} dropped: {} reached its {} mails an hour",
                             job.id, to, job.owner, cap);
                return;
            }
        }
        mailer_->enqueue({to, subject, body});
    };
    if (!job.email_on_complete.empty()) send(job.email_on_complete);
    if (job.email_on_error && !run.ok) {
        auto user = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UserRecord>> {
            return UserRepo::find(tx, job.owner);
        });
        if (user.ok() && *user && valid_email((*user)->email) &&
            (*user)->email != job.email_on_complete)
            send((*user)->email);
    }
}

}  // namespace wsp
