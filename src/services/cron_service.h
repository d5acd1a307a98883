#pragma once
// Cron jobs: the rules (ownership, limits, validation), the schedule kept
// in a Scheduler, and the runs (as the owner, on the run pool, recorded in a
// bounded history, reported by mail). Policies, documented in docs/cron.md:
// a job still running when its next time comes is not started again (the
// skipped time is recorded in its history); runs missed while the panel was
// down are not made up; a suspended owner's jobs do not run.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "drivers/cron_expr.h"
#include "drivers/mailer.h"
#include "drivers/run_pool.h"
#include "drivers/scheduler.h"
#include "services/caller.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "services/rate_limiter.h"
#include "store/cron_repo.h"

namespace wsp {

struct NewCronJob {
    std::string name;
    std::string command;
    std::string cron_expr;
    std::optional<std::string> domain;
    std::optional<bool> enabled;
    std::optional<std::string> email_on_complete;
    std::optional<bool> email_on_error;
    std::optional<int64_t> timeout_sec;
    std::optional<std::string> owner;  // admin only
};

struct CronJobChanges {
    std::optional<std::string> name;
    std::optional<std::string> command;
    std::optional<std::string> cron_expr;
    std::optional<std::string> domain;  // "" clears it
    std::optional<bool> enabled;
    std::optional<std::string> email_on_complete;
    std::optional<bool> email_on_error;
    std::optional<int64_t> timeout_sec;  // 0 = the default
};

// A job as the API shows it: the record plus what only the scheduler knows.
struct CronJobView {
    CronJobRecord job;
    std::optional<int64_t> next_run_at;  // null: disabled, or the owner is suspended
    bool running = false;
};

struct CronRunPage {
    std::vector<CronRunRecord> runs;
    int64_t total = 0;
    int64_t page = 1;
    int64_t per_page = 20;
};

// What a schedule means in practice, for the web form's preview: its next
// run times (Unix seconds), reckoned in the panel's time zone as the
// scheduler reckons them.
struct CronSchedulePreview {
    std::string expression;
    std::vector<int64_t> next_runs;
};

struct StartedRun {
    int64_t job_id;
    int64_t run_id;
};

class CronService final : public OwnerCleanup {
  public:
    CronService(PanelContext& ctx, std::shared_ptr<Mailer> mailer);
    ~CronService() override;

    Result<std::vector<CronJobView>> list(const Caller& caller,
                                          const std::optional<std::string>& owner);
    // One page of that list (read by the store) and its total.
    Result<Paged<CronJobView>> list_page(const Caller& caller,
                                         const std::optional<std::string>& owner,
                                         const PageSpec& page);
    Result<CronJobView> get(const Caller& caller, const std::string& id);
    Result<CronJobView> create(const Caller& caller, const NewCronJob& input);
    Result<CronJobView> update(const Caller& caller, const std::string& id,
                               const CronJobChanges& changes);
    Result<void> remove(const Caller& caller, const std::string& id);
    // Starts the job now on the run pool; its result appears in the logs.
    Result<StartedRun> run_now(const Caller& caller, const std::string& id);
    Result<CronRunPage> logs(const Caller& caller, const std::string& id, int64_t page,
                             int64_t per_page);
    // The next `count` (1-kMaxPreviewRuns) run times of an expression after
    // now, computed by the scheduler's own evaluator; touches no job.
    static constexpr int64_t kMaxPreviewRuns = 20;
    Result<CronSchedulePreview> preview(const std::string& expression, int64_t count) const;

    std::string removed_key() const override { return "cron_jobs"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

    // Loads every enabled job into the schedule and starts the threads.
    Result<void> start();
    void stop();
    bool healthy() const { return started_; }

  private:
    Result<CronJobRecord> find_owned(const Caller& caller, const std::string& id);
    Result<void> validate(const CronJobRecord& job);
    CronJobView view(const ReadTx& tx, const CronJobRecord& job);
    CronJobView view(const CronJobRecord& job, bool owner_is_active);
    void schedule(const CronJobRecord& job);
    void schedule(int64_t id, const std::string& cron_expr);  // an enabled job
    void unschedule(int64_t id);
    void on_due(int64_t id, int64_t due);
    void run_scheduled(int64_t id, int64_t due, bool skipped);
    void execute(const CronJobRecord& job, int64_t run_id, int64_t started_ms,
                 const std::string& trigger);
    void send_reports(const CronJobRecord& job, const CronRunRecord& run,
                      const std::string& trigger);
    void finish_running(int64_t id);

    PanelContext& ctx_;
    std::shared_ptr<Mailer> mailer_;
    // Guards running_, and orders schedule()/on_due()'s bookings. Scheduled
    // jobs' expressions are not kept (100,000 of them were 9 MB): on_due()
    // reads the one due from the store.
    std::mutex mutex_;
    std::set<int64_t> running_;
    Scheduler scheduler_;
    RunPool pool_;
    std::atomic<bool> started_ = false;
    RateLimiter runs_now_{60};     // "run now" per job per minute
    RateLimiter mail_sent_{3600};  // mails per account per hour
};

}  // namespace wsp
