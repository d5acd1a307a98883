#include "store/cron_repo.h"

namespace wsp {
namespace {

constexpr const char* kJobColumns =
    "id, owner, name, command, cron_expr, domain, enabled, timeout_sec, email_on_complete, "
    "email_on_error, last_run_at, last_run_ok, created_at, updated_at";

CronJobRecord read_job(const Stmt& s) {
    CronJobRecord j;
    j.id = s.integer(0);
    j.owner = s.text(1);
    j.name = s.text(2);
    j.command = s.text(3);
    j.cron_expr = s.text(4);
    j.domain = s.text(5);
    j.enabled = s.integer(6) != 0;
    j.timeout_sec = s.integer(7);
    j.email_on_complete = s.text(8);
    j.email_on_error = s.integer(9) != 0;
    j.last_run_at = s.integer(10);
    j.last_run_ok = s.integer(11) != 0;
    j.created_at = s.integer(12);
    j.updated_at = s.integer(13);
    return j;
}

constexpr const char* kRunColumns =
    "id, job_id, trigger, status, started_ms, finished_ms, exit_code, timed_out, truncated, ok, "
    "output";

CronRunRecord read_run(const Stmt& s) {
    CronRunRecord r;
    r.id = s.integer(0);
    r.job_id = s.integer(1);
    r.trigger = s.text(2);
    r.status = s.text(3);
    r.started_ms = s.integer(4);
    r.finished_ms = s.integer(5);
    if (!s.is_null(6)) r.exit_code = s.integer(6);
    r.timed_out = s.integer(7) != 0;
    r.truncated = s.integer(8) != 0;
    r.ok = s.integer(9) != 0;
    r.output = s.text(10);
    return r;
}

int64_t flag(bool b) {
    return b ? 1 : 0;
}

}  // namespace

std::optional<CronJobRecord> CronRepo::find(const ReadTx& tx, int64_t id) {
    Stmt s(tx, std::string("SELECT ") + kJobColumns + " FROM cron_jobs WHERE id = ?");
    s.bind_all(id);
    if (!s.step()) return std::nullopt;
    return read_job(s);
}

std::vector<CronJobRecord> CronRepo::list(const ReadTx& tx, const std::optional<std::string>& owner,
                                          const PageSpec& page) {
    std::string sql = std::string("SELECT ") + kJobColumns + " FROM cron_jobs";
    if (owner) sql += " WHERE owner = ?1";
    sql += " ORDER BY id LIMIT ?2 OFFSET ?3";
    Stmt s(tx, sql);
    if (owner) s.bind(1, *owner);
    s.bind(2, page.limit()).bind(3, page.offset());
    std::vector<CronJobRecord> out;
    while (s.step()) out.push_back(read_job(s));
    return out;
}

std::vector<CronSchedule> CronRepo::enabled_schedules(const ReadTx& tx) {
    Stmt s(tx, "SELECT id, cron_expr FROM cron_jobs WHERE enabled = 1 ORDER BY id");
    std::vector<CronSchedule> out;
    while (s.step()) out.push_back({s.integer(0), s.text(1)});
    return out;
}

std::optional<std::string> CronRepo::enabled_expr(const ReadTx& tx, int64_t id) {
    Stmt s(tx, "SELECT cron_expr FROM cron_jobs WHERE id = ? AND enabled = 1");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    return s.text(0);
}

int64_t CronRepo::count(const ReadTx& tx, const std::optional<std::string>& owner) {
    if (owner) return count_of(tx, *owner);
    Stmt s(tx, "SELECT COUNT(*) FROM cron_jobs");
    s.step();
    return s.integer(0);
}

int64_t CronRepo::insert(WriteTx& tx, const CronJobRecord& j) {
    Stmt s(tx,
           "INSERT INTO cron_jobs (owner, name, command, cron_expr, domain, enabled, timeout_sec, "
           "email_on_complete, email_on_error, last_run_at, last_run_ok, created_at, updated_at) "
           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind_all(j.owner, j.name, j.command, j.cron_expr, j.domain, flag(j.enabled), j.timeout_sec,
               j.email_on_complete, flag(j.email_on_error), j.last_run_at, flag(j.last_run_ok),
               j.created_at, j.updated_at);
    s.run();
    return tx.last_insert_id();
}

void CronRepo::update(WriteTx& tx, const CronJobRecord& j) {
    Stmt s(tx,
           "UPDATE cron_jobs SET name = ?, command = ?, cron_expr = ?, domain = ?, enabled = ?, "
           "timeout_sec = ?, email_on_complete = ?, email_on_error = ?, updated_at = ? "
           "WHERE id = ?");
    s.bind_all(j.name, j.command, j.cron_expr, j.domain, flag(j.enabled), j.timeout_sec,
               j.email_on_complete, flag(j.email_on_error), j.updated_at, j.id);
    s.run();
}

bool CronRepo::remove(WriteTx& tx, int64_t id) {
    Stmt s(tx, "DELETE FROM cron_jobs WHERE id = ?");
    s.bind_all(id);
    return s.run() > 0;
}

int64_t CronRepo::remove_all_of(WriteTx& tx, const std::string& owner) {
    Stmt s(tx, "DELETE FROM cron_jobs WHERE owner = ?");
    s.bind(1, owner);
    return s.run();
}

int64_t CronRepo::count_of(const ReadTx& tx, const std::string& owner) {
    Stmt s(tx, "SELECT COUNT(*) FROM cron_jobs WHERE owner = ?");
    s.bind(1, owner);
    s.step();
    return s.integer(0);
}

void CronRepo::record_result(WriteTx& tx, int64_t job_id, int64_t at, bool ok) {
    Stmt s(tx, "UPDATE cron_jobs SET last_run_at = ?, last_run_ok = ? WHERE id = ?");
    s.bind_all(at, flag(ok), job_id);
    s.run();
}

int64_t CronRepo::insert_run(WriteTx& tx, const CronRunRecord& r) {
    Stmt s(tx,
           "INSERT INTO cron_runs (job_id, trigger, status, started_ms, finished_ms, exit_code, "
           "timed_out, truncated, ok, output) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind_all(r.job_id, r.trigger, r.status, r.started_ms, r.finished_ms, r.exit_code,
               flag(r.timed_out), flag(r.truncated), flag(r.ok), r.output);
    s.run();
    return tx.last_insert_id();
}

void CronRepo::finish_run(WriteTx& tx, const CronRunRecord& r) {
    Stmt s(tx,
           "UPDATE cron_runs SET status = ?, started_ms = ?, finished_ms = ?, exit_code = ?, "
           "timed_out = ?, truncated = ?, ok = ?, output = ? WHERE id = ?");
    s.bind_all(r.status, r.started_ms, r.finished_ms, r.exit_code, flag(r.timed_out),
               flag(r.truncated), flag(r.ok), r.output, r.id);
    s.run();
}

std::vector<CronRunRecord> CronRepo::runs(const ReadTx& tx, int64_t job_id, int64_t limit,
                                          int64_t offset) {
    Stmt s(tx, std::string("SELECT ") + kRunColumns +
                   " FROM cron_runs WHERE job_id = ? ORDER BY id DESC LIMIT ? OFFSET ?");
    s.bind_all(job_id, limit, offset);
    std::vector<CronRunRecord> out;
    while (s.step()) out.push_back(read_run(s));
    return out;
}

int64_t CronRepo::count_runs(const ReadTx& tx, int64_t job_id) {
    Stmt s(tx, "SELECT COUNT(*) FROM cron_runs WHERE job_id = ?");
    s.bind_all(job_id);
    s.step();
    return s.integer(0);
}

void CronRepo::trim_runs(WriteTx& tx, int64_t job_id, int64_t keep) {
    Stmt s(tx,
           "DELETE FROM cron_runs WHERE job_id = ? AND status != 'running' AND id NOT IN "
           "(SELECT id FROM cron_runs WHERE job_id = ? ORDER BY id DESC LIMIT ?)");
    s.bind_all(job_id, job_id, keep);
    s.run();
}

std::vector<CronFailure> CronRepo::recent_failures(const ReadTx& tx,
                                                   const std::optional<std::string>& owner,
                                                   int64_t limit) {
    std::string sql =
        "SELECT r.id, r.job_id, j.owner, j.name, r.finished_ms, r.exit_code, r.timed_out "
        "FROM cron_runs r JOIN cron_jobs j ON j.id = r.job_id "
        "WHERE r.status = 'finished' AND r.ok = 0";
    if (owner) sql += " AND j.owner = ?";
    sql += " ORDER BY r.id DESC LIMIT ?";
    Stmt s(tx, sql);
    if (owner)
        s.bind_all(*owner, limit);
    else
        s.bind_all(limit);
    std::vector<CronFailure> out;
    while (s.step()) {
        CronFailure f{s.integer(0), s.integer(1), s.text(2),        s.text(3),
                      s.integer(4), {},           s.integer(6) != 0};
        if (!s.is_null(5)) f.exit_code = s.integer(5);
        out.push_back(std::move(f));
    }
    return out;
}

int64_t CronRepo::close_interrupted_runs(WriteTx& tx, int64_t now_ms) {
    Stmt s(tx,
           "UPDATE cron_runs SET status = 'finished', finished_ms = ?, ok = 0, "
           "output = output || '\n[interrupted: the panel stopped during this run]' "
           "WHERE status = 'running'");
    s.bind_all(now_ms);
    return s.run();
}

}  // namespace wsp
