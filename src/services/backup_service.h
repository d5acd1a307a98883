#pragma once
// Backups and restores of accounts (docs/backups.md), and the export and
// import of one database. The engine is restic (drivers/restic.h); a
// database goes through mariadb-dump / the mariadb client logged in as a
// temporary user that reaches that database only (drivers/mariadb_io.h).
//
// A backup run of an account is a task (the file-task pool class, an
// instance of its own: `backups.task_workers`) that saves, in order, one
// restic snapshot per database dump (tags wsp, owner:<o>, run:<id>,
// db:<name>) and last one snapshot of the home (without the bin, history
// and upload directories) plus the account's panel records as JSON (tag
// files). The run's row (store/backup_repo.h) is "done" only after all of
// them; if any step fails, every snapshot of the run is forgotten and the
// row says "failed" with the error, so a half-made backup never looks like
// a good one. Restores write only into the target account's home (as that
// account, through the confined extraction) and its own databases.
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "drivers/fs/confined_fs.h"
#include "drivers/mailer.h"
#include "drivers/mariadb_io.h"
#include "drivers/restic.h"
#include "http/message.h"
#include "services/backup_records.h"
#include "services/caller.h"
#include "services/database_service.h"
#include "services/file_access.h"
#include "services/file_tasks.h"
#include "services/panel.h"
#include "services/user_service.h"
#include "store/backup_repo.h"

namespace wsp {

// A streamed export: gzip of mariadb-dump's output.
class DatabaseExport {
  public:
    virtual ~DatabaseExport() = default;
    virtual Result<size_t> read(std::span<char> buf) = 0;
    std::string filename;  // "<database>.sql.gz"
};

// A streamed download of backed-up paths as .tar.gz.
class BackupDownload {
  public:
    virtual ~BackupDownload() = default;
    virtual Result<size_t> read(std::span<char> buf) = 0;
    std::string filename;
};

struct RestoreRequest {
    std::string what;                     // account | database | paths
    std::optional<std::string> database;  // what=database: which dump
    std::vector<std::string> paths;       // what=paths
    // paths: folder; database: database name; account: account name (admin)
    std::optional<std::string> target;
    bool overwrite = false;
};

struct ScheduleInput {
    std::optional<std::string> owner;  // admin: "*" (every account, default) or an account
    bool enabled = true;
    std::optional<int64_t> keep_daily, keep_weekly, keep_monthly;
};

class BackupService {
  public:
    BackupService(PanelContext& ctx, DatabaseService& databases, std::filesystem::path data_dir,
                  MariadbTools tools);
    ~BackupService();

    FileTasks& tasks() { return *tasks_; }
    // Failed runs are mailed to the account's address (mail.smtp_url).
    void set_mailer(std::shared_ptr<Mailer> mailer) { mailer_ = std::move(mailer); }
    // Restoring an account under a new name creates it (admin).
    void set_users(UserService* users) { users_ = users; }
    // An account restore recreates the saved domains, FTP accounts and cron
    // jobs through these (services/backup_records.h).
    void set_record_services(RecordServices services) { record_services_ = services; }
    // serve: marks runs a restart cut off as failed, clears staged uploads,
    // starts the task threads and the schedule thread.
    Result<void> start();
    void stop();

    // ---- one database ----
    Result<std::unique_ptr<DatabaseExport>> export_database(const Caller& c, const std::string& id);
    // An upload being received for an import; finish() queues the task.
    struct ImportUpload {
        DatabaseRecord record;
        std::filesystem::path file;  // DATA_DIR/backups/imports/<hex>.sql (0600)
        UniqueFd fd;
    };
    Result<std::unique_ptr<ImportUpload>> open_import(const Caller& c, const std::string& id);
    Result<TaskView> import_upload(ImportUpload& upload);
    void abort_import(ImportUpload& upload);
    Result<void> import_write(ImportUpload& upload, std::string_view chunk);
    // A .sql or .sql.gz file in the owner's home.
    Result<TaskView> import_from_home(const Caller& c, const std::string& id,
                                      const std::string& path);
    // Moves database `id` to database host `host` (admin): a task ("move")
    // that dumps it from its host and loads it into the other one
    // (DatabaseService::move does the rest).
    Result<TaskView> move_database(const Caller& c, const std::string& id, const std::string& host);

    // ---- backups ----
    Result<TaskView> start_backup(const Caller& c, const std::optional<std::string>& owner);
    Result<std::vector<BackupRecord>> list(const Caller& c,
                                           const std::optional<std::string>& owner);
    Result<BackupRecord> get(const Caller& c, const std::string& id);
    Result<TaskView> restore(const Caller& c, const std::string& id, const RestoreRequest& in);
    Result<std::unique_ptr<BackupDownload>> download(const Caller& c, const std::string& id,
                                                     const std::string& path);
    Result<BackupSchedule> schedule(const Caller& c, const std::optional<std::string>& owner);
    Result<BackupSchedule> put_schedule(const Caller& c, const ScheduleInput& in);
    // Applies the retention of `owner`'s schedule now (restic forget --prune)
    // and forgets the rows of runs whose snapshots are gone: a task.
    Result<TaskView> prune(const Caller& c, const std::optional<std::string>& owner);

    // The run itself (task thread); public for the scheduler.
    Result<void> run_backup(const std::string& id, fs::Progress& p);
    // Runs every schedule that is due (the schedule thread, once a minute).
    void run_due_schedules();

  private:
    Result<Restic> restic() const;
    Result<void> prepare_repository();
    Result<void> unlock_if_locked(const Restic& r) const;
    Result<TaskView> submit_backup(const std::string& owner, const std::string& trigger);
    // A customer schedule within its package's max_backups_kept.
    Result<void> within_package(const BackupSchedule& s);
    Result<void> apply_retention(const std::string& owner, const ResticKeep& keep);
    Result<void> forget_run(const std::string& id);
    // Each database's dump in `owner`'s newest finished run that has it
    // (a database unchanged since, by its marker, reuses it).
    std::map<std::string, BackupDatabase> last_dumps(const std::string& owner);
    void mail_failure(const BackupRecord& r);
    Result<void> restore_database(const BackupRecord& r, const BackupDatabase& dump,
                                  const DatabaseRecord& target, fs::Progress& p);
    // `rel` of the backup's home into `dest` of `owner`'s home (as `owner`).
    Result<void> restore_path(const BackupRecord& r, const std::string& owner,
                              const std::string& rel, const std::string& dest, fs::Overwrite ow,
                              fs::Progress& p);
    // panel-records.json of a backup (from its home snapshot).
    Result<boost::json::object> saved_records(const BackupRecord& r);
    Result<BackupRecord> readable(const Caller& c, const std::string& id);
    // The client programs' connection for `login`: the panel's own server
    // (tools_), or the login's host over TCP.
    MariadbTools tools_for(const DatabaseLogin& login) const;
    // mariadb-dump from one login piped into the mariadb client of another.
    Result<void> copy_database(const DatabaseLogin& from, const DatabaseLogin& to, fs::Progress& p);
    Result<TaskView> submit_import(const DatabaseRecord& record, std::string kind,
                                   std::function<Result<UniqueFd>()> open_input,
                                   std::function<void()> cleanup);

    PanelContext& ctx_;
    DatabaseService& databases_;
    FileAccess access_;
    std::filesystem::path data_dir_;
    std::filesystem::path dir_;  // DATA_DIR/backups
    MariadbTools tools_;
    std::shared_ptr<FileTasks> tasks_;
    std::shared_ptr<Mailer> mailer_;
    UserService* users_ = nullptr;
    RecordServices record_services_;
    std::mutex repo_mutex_;          // one restic writer at a time (backups, forget, init)
    bool repository_ready_ = false;  // checked or made this process (under repo_mutex_)
    class Scheduler;
    std::unique_ptr<Scheduler> scheduler_;
};

}  // namespace wsp
