#pragma once
// The backups, backup_databases and backup_schedules tables
// (schema/0012_backups.sql).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct BackupDatabase {
    std::string name;
    std::string snapshot;
    int64_t size_bytes = 0;
    // The database's change marker when it was dumped ('' when none could
    // be trusted); a later run with the same marker reuses `snapshot`.
    std::string marker;
};

struct BackupRecord {
    std::string id;
    std::string owner;
    std::string status;   // running | done | failed
    std::string trigger;  // manual | schedule
    std::string home;
    int64_t started_at = 0;
    int64_t finished_at = 0;
    int64_t size_bytes = 0;
    int64_t added_bytes = 0;
    int64_t paths_count = 0;
    std::string files_snapshot;
    std::string error;
    std::vector<BackupDatabase> databases;
};

struct BackupSchedule {
    std::string owner;  // "*": every account
    bool enabled = false;
    int64_t keep_daily = 0;
    int64_t keep_weekly = 0;
    int64_t keep_monthly = 0;
    int64_t last_run = 0;
};

class BackupRepo {
  public:
    static std::optional<BackupRecord> find(const ReadTx& tx, const std::string& id);
    // `owner`'s backups (everybody's: nullopt), newest first.
    static std::vector<BackupRecord> list(const ReadTx& tx,
                                          const std::optional<std::string>& owner);
    static void insert(WriteTx& tx, const BackupRecord& r);
    // Status, times, sizes, snapshot and databases.
    static void update(WriteTx& tx, const BackupRecord& r);
    static void remove(WriteTx& tx, const std::string& id);
    // Runs still "running" (a restart cut them off): marked failed.
    static int64_t fail_running(WriteTx& tx, const std::string& error, int64_t now);

    static std::optional<BackupSchedule> schedule(const ReadTx& tx, const std::string& owner);
    static std::vector<BackupSchedule> schedules(const ReadTx& tx);
    static void put_schedule(WriteTx& tx, const BackupSchedule& s);
    static void set_last_run(WriteTx& tx, const std::string& owner, int64_t when);
};

}  // namespace wsp
