#pragma once
// The cron_jobs and cron_runs tables (schema/0004_cron.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/page.h"
#include "store/db.h"

namespace wsp {

struct CronJobRecord {
    int64_t id = 0;
    std::string owner;
    std::string name;
    std::string command;
    std::string cron_expr;
    std::string domain;  // "" = none
    bool enabled = true;
    int64_t timeout_sec = 0;  // 0 = the configured default
    std::string email_on_complete;
    bool email_on_error = false;
    int64_t last_run_at = 0;  // 0 = never
    bool last_run_ok = false;
    int64_t created_at = 0;
    int64_t updated_at = 0;
};

struct CronRunRecord {
    int64_t id = 0;
    int64_t job_id = 0;
    std::string trigger;  // "schedule" | "manual"
    std::string status;   // "running" | "finished" | "skipped"
    int64_t started_ms = 0;
    int64_t finished_ms = 0;  // 0 while running
    std::optional<int64_t> exit_code;
    bool timed_out = false;
    bool truncated = false;
    bool ok = false;
    std::string output;
};

// A finished run that failed, with its job (dashboards).
struct CronFailure {
    int64_t run_id = 0;
    int64_t job_id = 0;
    std::string owner;
    std::string job_name;
    int64_t finished_ms = 0;
    std::optional<int64_t> exit_code;
    bool timed_out = false;
};

// What the scheduler needs of a job.
struct CronSchedule {
    int64_t id = 0;
    std::string cron_expr;
};

class CronRepo {
  public:
    static std::optional<CronJobRecord> find(const ReadTx& tx, int64_t id);
    // By id; `page` (default: all) is read by the store.
    static std::vector<CronJobRecord> list(const ReadTx& tx,
                                           const std::optional<std::string>& owner,
                                           const PageSpec& page = {});
    static int64_t count(const ReadTx& tx, const std::optional<std::string>& owner);
    // Every enabled job's id and expression (start-up: not whole records).
    static std::vector<CronSchedule> enabled_schedules(const ReadTx& tx);
    // The expression of an enabled job; nullopt when the job is gone or disabled.
    static std::optional<std::string> enabled_expr(const ReadTx& tx, int64_t id);
    static int64_t insert(WriteTx& tx, const CronJobRecord& job);  // returns the new id
    static void update(WriteTx& tx, const CronJobRecord& job);
    static bool remove(WriteTx& tx, int64_t id);
    static int64_t remove_all_of(WriteTx& tx, const std::string& owner);
    static int64_t count_of(const ReadTx& tx, const std::string& owner);
    static void record_result(WriteTx& tx, int64_t job_id, int64_t at, bool ok);

    static int64_t insert_run(WriteTx& tx, const CronRunRecord& run);  // returns the new id
    static void finish_run(WriteTx& tx, const CronRunRecord& run);
    static std::vector<CronRunRecord> runs(const ReadTx& tx, int64_t job_id, int64_t limit,
                                           int64_t offset);
    static int64_t count_runs(const ReadTx& tx, int64_t job_id);
    // Keeps the newest `keep` runs of the job.
    static void trim_runs(WriteTx& tx, int64_t job_id, int64_t keep);
    // Runs a crash left "running" are closed as failed; returns how many.
    static int64_t close_interrupted_runs(WriteTx& tx, int64_t now_ms);
    // The newest `limit` failed runs, of `owner`'s jobs or of all.
    static std::vector<CronFailure> recent_failures(const ReadTx& tx,
                                                    const std::optional<std::string>& owner,
                                                    int64_t limit);
};

}  // namespace wsp
