#pragma once
// The cron_jobs and cron_runs tables (schema/0004_cron.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

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

class CronRepo {
  public:
    explicit CronRepo(Db& db) : db_(db) {}

    std::optional<CronJobRecord> find(int64_t id);
    std::vector<CronJobRecord> list(const std::optional<std::string>& owner);
    int64_t insert(const CronJobRecord& job);  // returns the new id
    void update(const CronJobRecord& job);
    bool remove(int64_t id);
    int64_t remove_all_of(const std::string& owner);
    int64_t count_of(const std::string& owner);
    void record_result(int64_t job_id, int64_t at, bool ok);

    int64_t insert_run(const CronRunRecord& run);  // returns the new id
    void finish_run(const CronRunRecord& run);
    std::vector<CronRunRecord> runs(int64_t job_id, int64_t limit, int64_t offset);
    int64_t count_runs(int64_t job_id);
    // Keeps the newest `keep` runs of the job.
    void trim_runs(int64_t job_id, int64_t keep);
    // Runs a crash left "running" are closed as failed; returns how many.
    int64_t close_interrupted_runs(int64_t now_ms);

  private:
    Db& db_;
};

}  // namespace wsp
