#include "store/backup_repo.h"

namespace wsp {
namespace {

constexpr const char* kColumns =
    "id, owner, status, trigger, home, started_at, finished_at, size_bytes, added_bytes, "
    "paths_count, files_snapshot, error";

BackupRecord read_backup(const Stmt& s) {
    BackupRecord r;
    r.id = s.text(0);
    r.owner = s.text(1);
    r.status = s.text(2);
    r.trigger = s.text(3);
    r.home = s.text(4);
    r.started_at = s.integer(5);
    r.finished_at = s.integer(6);
    r.size_bytes = s.integer(7);
    r.added_bytes = s.integer(8);
    r.paths_count = s.integer(9);
    r.files_snapshot = s.text(10);
    r.error = s.text(11);
    return r;
}

void load_databases(const ReadTx& tx, BackupRecord& r) {
    Stmt s(tx,
           "SELECT name, snapshot, size_bytes, marker FROM backup_databases WHERE backup_id = ? "
           "ORDER BY name");
    s.bind(1, r.id);
    while (s.step()) r.databases.push_back({s.text(0), s.text(1), s.integer(2), s.text(3)});
}

BackupSchedule read_schedule(const Stmt& s) {
    return {s.text(0), s.integer(1) != 0, s.integer(2), s.integer(3), s.integer(4), s.integer(5)};
}

constexpr const char* kScheduleColumns =
    "owner, enabled, keep_daily, keep_weekly, keep_monthly, last_run";

}  // namespace

std::optional<BackupRecord> BackupRepo::find(const ReadTx& tx, const std::string& id) {
    Stmt s(tx, std::string("SELECT ") + kColumns + " FROM backups WHERE id = ?");
    s.bind(1, id);
    if (!s.step()) return std::nullopt;
    BackupRecord r = read_backup(s);
    load_databases(tx, r);
    return r;
}

std::vector<BackupRecord> BackupRepo::list(const ReadTx& tx,
                                           const std::optional<std::string>& owner) {
    std::string sql = std::string("SELECT ") + kColumns + " FROM backups";
    if (owner) sql += " WHERE owner = ?";
    sql += " ORDER BY started_at DESC, rowid DESC";
    Stmt s(tx, sql);
    if (owner) s.bind(1, *owner);
    std::vector<BackupRecord> out;
    while (s.step()) out.push_back(read_backup(s));
    for (auto& r : out) load_databases(tx, r);
    return out;
}

void BackupRepo::insert(WriteTx& tx, const BackupRecord& r) {
    Stmt s(tx,
           "INSERT INTO backups (id, owner, status, trigger, home, started_at) "
           "VALUES (?, ?, ?, ?, ?, ?)");
    s.bind_all(r.id, r.owner, r.status, r.trigger, r.home, r.started_at);
    s.run();
}

void BackupRepo::update(WriteTx& tx, const BackupRecord& r) {
    Stmt s(tx,
           "UPDATE backups SET status = ?, finished_at = ?, size_bytes = ?, added_bytes = ?, "
           "paths_count = ?, files_snapshot = ?, error = ? WHERE id = ?");
    s.bind_all(r.status, r.finished_at, r.size_bytes, r.added_bytes, r.paths_count,
               r.files_snapshot, r.error, r.id);
    s.run();
    Stmt d(tx, "DELETE FROM backup_databases WHERE backup_id = ?");
    d.bind(1, r.id);
    d.run();
    for (const auto& db : r.databases) {
        Stmt i(tx,
               "INSERT INTO backup_databases (backup_id, name, snapshot, size_bytes, marker) "
               "VALUES (?, ?, ?, ?, ?)");
        i.bind_all(r.id, db.name, db.snapshot, db.size_bytes, db.marker);
        i.run();
    }
}

void BackupRepo::remove(WriteTx& tx, const std::string& id) {
    Stmt s(tx, "DELETE FROM backups WHERE id = ?");
    s.bind(1, id);
    s.run();
}

int64_t BackupRepo::fail_running(WriteTx& tx, const std::string& error, int64_t now) {
    Stmt s(tx,
           "UPDATE backups SET status = 'failed', error = ?, finished_at = ? "
           "WHERE status = 'running'");
    s.bind_all(error, now);
    return s.run();
}

std::optional<BackupSchedule> BackupRepo::schedule(const ReadTx& tx, const std::string& owner) {
    Stmt s(tx,
           std::string("SELECT ") + kScheduleColumns + " FROM backup_schedules WHERE owner = ?");
    s.bind(1, owner);
    if (!s.step()) return std::nullopt;
    return read_schedule(s);
}

std::vector<BackupSchedule> BackupRepo::schedules(const ReadTx& tx) {
    Stmt s(tx, std::string("SELECT ") + kScheduleColumns + " FROM backup_schedules ORDER BY owner");
    std::vector<BackupSchedule> out;
    while (s.step()) out.push_back(read_schedule(s));
    return out;
}

void BackupRepo::put_schedule(WriteTx& tx, const BackupSchedule& b) {
    Stmt s(tx,
           "INSERT INTO backup_schedules (owner, enabled, keep_daily, keep_weekly, keep_monthly) "
           "VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner) DO UPDATE SET enabled = excluded.enabled, "
           "keep_daily = excluded.keep_daily, keep_weekly = excluded.keep_weekly, "
           "keep_monthly = excluded.keep_monthly");
    s.bind_all(b.owner, int64_t{b.enabled}, b.keep_daily, b.keep_weekly, b.keep_monthly);
    s.run();
}

void BackupRepo::set_last_run(WriteTx& tx, const std::string& owner, int64_t when) {
    Stmt s(tx, "UPDATE backup_schedules SET last_run = ? WHERE owner = ?");
    s.bind_all(when, owner);
    s.run();
}

}  // namespace wsp
