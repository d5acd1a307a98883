#include "services/backup_service.h"
#include "services/events.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <condition_variable>
#include <set>
#include <thread>

#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "base/secrets.h"
#include "drivers/backup_tar.h"
#include "drivers/fs/archive.h"
#include "drivers/fs/user_path.h"
#include "store/account_repos.h"
#include "store/cron_repo.h"
#include "store/database_repo.h"
#include "store/ftp_repo.h"
#include "system/file_io.h"

namespace wsp {

namespace json = boost::json;

namespace {

struct Pipe {
    UniqueFd read, write;
    static Result<Pipe> make() {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) return internal("pipe failed");
        return Pipe{UniqueFd(p[0]), UniqueFd(p[1])};
    }
};

Result<size_t> read_fd(int fd, std::span<char> buf) {
    for (;;) {
        ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return internal("read failed");
        return static_cast<size_t>(n);
    }
}

std::string read_all(int fd) {
    std::string out;
    char buf[16 * 1024];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    return out;
}

std::string parent_of(const std::string& abs) {
    auto slash = abs.rfind('/');
    return slash == 0 || slash == std::string::npos ? "/" : abs.substr(0, slash);
}

// The parts of an SFTP repository URL that ssh needs: restic's
// "sftp:[user@]host:path" and "sftp://[user@]host[:port]/path".
struct SftpTarget {
    std::string user, host, port;
};

Result<SftpTarget> parse_sftp_target(const std::string& url) {
    std::string rest = url.substr(5);
    std::string authority;
    SftpTarget t;
    if (rest.starts_with("//")) {
        rest = rest.substr(2);
        authority = rest.substr(0, rest.find('/'));
        if (auto colon = authority.rfind(':');
            colon != std::string::npos && authority.find(']') == std::string::npos) {
            t.port = authority.substr(colon + 1);
            authority.resize(colon);
        }
    } else {
        auto colon = rest.find(':');
        if (colon == std::string::npos)
            return unavailable("backups.repository: sftp:[user@]host:path expected");
        authority = rest.substr(0, colon);
    }
    if (auto at = authority.find('@'); at != std::string::npos) {
        t.user = authority.substr(0, at);
        authority = authority.substr(at + 1);
    }
    t.host = authority;
    // What goes into the ssh config: plain names and digits only.
    auto plain = [](const std::string& v) {
        return std::all_of(v.begin(), v.end(), [](unsigned char ch) {
            return std::isalnum(ch) || ch == '.' || ch == '-' || ch == '_' || ch == '[' ||
                   ch == ']' || ch == ':';
        });
    };
    if (t.host.empty() || !plain(t.host) || !plain(t.user) ||
        !std::all_of(t.port.begin(), t.port.end(),
                     [](unsigned char ch) { return std::isdigit(ch); }))
        return unavailable("backups.repository: cannot read the SFTP host, user and port");
    return t;
}

// A secret the panel reads: a regular file of the panel's own user, no
// group or other bits (else refused: someone else could read it too).
Result<UniqueFd> open_private_file(const std::string& path, const char* key) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (!fd.valid()) return unavailable(std::string(key) + ": cannot open " + path);
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode))
        return unavailable(std::string(key) + ": not a regular file");
    if (st.st_uid != ::geteuid() || (st.st_mode & 077) != 0)
        return unavailable(std::string(key) +
                           ": must belong to the panel's user with mode 0600 or 0400");
    return fd;
}

Result<void> check_private_file(const std::string& path, const char* key) {
    TRY(UniqueFd fd, open_private_file(path, key));
    return Ok{};
}

Result<std::string> read_private_file(const std::string& path, const char* key) {
    TRY(UniqueFd fd, open_private_file(path, key));
    std::string v = read_all(fd.get());
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r' || v.back() == ' ')) v.pop_back();
    if (v.empty()) return unavailable(std::string(key) + ": the file is empty");
    return v;
}

// The export: login, defaults file, dump, gzip; torn down in reverse.
class ExportStream final : public DatabaseExport {
  public:
    ExportStream(std::shared_ptr<DatabaseLogin> login, std::unique_ptr<ClientDefaults> defaults,
                 std::unique_ptr<SqlDump> dump)
        : login_(std::move(login)),
          defaults_(std::move(defaults)),
          dump_(std::move(dump)),
          gzip_([this](std::span<char> b) { return dump_->read(b); }) {}
    Result<size_t> read(std::span<char> buf) override {
        TRY(size_t n, gzip_.read(buf));
        // Done: the temporary login goes now, on this worker (the stream
        // itself may be destroyed on an event loop).
        if (n == 0) login_.reset();
        return n;
    }

  private:
    std::shared_ptr<DatabaseLogin> login_;
    std::unique_ptr<ClientDefaults> defaults_;
    std::unique_ptr<SqlDump> dump_;
    GzipReader gzip_;
};

// restic dump -> (thread: tar rewrite + gzip) -> pipe -> read().
class DownloadStream final : public BackupDownload {
  public:
    static Result<std::unique_ptr<DownloadStream>> start(const Restic& restic,
                                                         const std::string& snapshot,
                                                         DumpShape shape) {
        TRY(Pipe raw, Pipe::make());
        TRY(Pipe out, Pipe::make());
        TRY(Child child, restic.start_dump(snapshot, shape.path, raw.write.get()));
        raw.write.reset();
        auto s = std::unique_ptr<DownloadStream>(new DownloadStream());
        s->child_ = std::make_unique<Child>(std::move(child));
        s->out_ = std::move(out.read);
        s->thread_ = std::thread([s = s.get(), in = std::make_shared<UniqueFd>(std::move(raw.read)),
                                  w = std::make_shared<UniqueFd>(std::move(out.write)), shape] {
            auto r = write_dump_tar(in->get(), w->get(), shape, true, nullptr);
            in->reset();
            ProcessResult pr = s->child_->wait();
            if (r && !pr.ok()) r = internal("restic dump failed: " + pr.output);
            if (!r) {
                spdlog::warn("backups: download failed: {}", r.error().message);
                s->failed_ = true;
            }
            w->reset();  // EOF for the reader
        });
        return s;
    }
    ~DownloadStream() override {
        out_.reset();  // a writer still going gets EPIPE and stops
        if (child_) child_->kill();
        if (thread_.joinable()) thread_.join();
    }
    Result<size_t> read(std::span<char> buf) override {
        TRY(size_t n, read_fd(out_.get(), buf));
        if (n == 0 && failed_) return internal("backup download failed");
        return n;
    }

  private:
    DownloadStream() = default;
    std::unique_ptr<Child> child_;
    UniqueFd out_;
    std::thread thread_;
    std::atomic<bool> failed_{false};
};

}  // namespace

// ---- the schedule thread ---------------------------------------------------

class BackupService::Scheduler {
  public:
    explicit Scheduler(BackupService& s) : service_(s) {}
    void start() {
        thread_ = std::thread([this] {
            std::unique_lock lock(mutex_);
            while (!stopping_) {
                lock.unlock();
                service_.run_due_schedules();
                lock.lock();
                wake_.wait_for(lock, std::chrono::seconds(60),
                               [this] { return stopping_ || poked_; });
                poked_ = false;
            }
        });
    }
    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        if (thread_.joinable()) thread_.join();
    }
    // A schedule changed: look again now rather than within the minute.
    void poke() {
        {
            std::lock_guard lock(mutex_);
            poked_ = true;
        }
        wake_.notify_all();
    }

  private:
    BackupService& service_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    bool poked_ = false;
};

// ---- set-up ----------------------------------------------------------------

BackupService::BackupService(PanelContext& ctx, DatabaseService& databases,
                             std::filesystem::path data_dir, MariadbTools tools)
    : ctx_(ctx),
      databases_(databases),
      access_(ctx),
      data_dir_(std::filesystem::absolute(data_dir)),
      dir_(data_dir_ / "backups"),
      tools_(std::move(tools)) {
    const auto& cfg = ctx.config.backups;
    FileTaskLimits limits;
    limits.workers = static_cast<int>(std::max<int64_t>(1, cfg.task_workers));
    limits.per_account = 2;
    tasks_ = std::make_shared<FileTasks>(
        limits, data_dir_ / "run" / "backup-tasks",
        [](const std::string&, const std::string&, const std::string&) {});
    scheduler_ = std::make_unique<Scheduler>(*this);
}

BackupService::~BackupService() {
    stop();
}

Result<void> BackupService::start() {
    std::error_code ec;
    for (const auto& d : {dir_, dir_ / "imports", dir_ / "staging", dir_ / "run", dir_ / "cache"}) {
        std::filesystem::create_directories(d, ec);
        if (ec) return internal("cannot create " + d.string() + ": " + ec.message());
        ::chmod(d.c_str(), 0700);
    }
    // Uploads staged for imports that a restart cut off.
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "imports", ec))
        std::filesystem::remove(e.path(), ec);
    for (const auto& e : std::filesystem::directory_iterator(dir_ / "run", ec))
        std::filesystem::remove(e.path(), ec);
    TRY(int64_t failed, ctx_.db.write([&](WriteTx& tx) -> Result<int64_t> {
        return BackupRepo::fail_running(tx, "The panel stopped during this backup",
                                        ctx_.clock.now_unix());
    }));
    if (failed > 0) spdlog::warn("backups: {} runs were cut off by a restart", failed);
    CHECK_OK(tasks_->start());
    scheduler_->start();
    return Ok{};
}

void BackupService::stop() {
    if (scheduler_) scheduler_->stop();
    if (tasks_) tasks_->stop();
}

Result<Restic> BackupService::restic() const {
    const auto& cfg = ctx_.config.backups;
    ResticRepo repo;
    repo.restic = cfg.restic;
    repo.repository = cfg.repository.empty() ? (dir_ / "repo").string() : cfg.repository;
    repo.password_file = cfg.password_file.empty() ? dir_ / "repository-password"
                                                   : std::filesystem::path(cfg.password_file);
    repo.cache_dir = dir_ / "cache";
    repo.sftp_command = cfg.sftp_command;
    if (repo.repository.starts_with("sftp:") && repo.sftp_command.empty() &&
        !cfg.sftp_key_file.empty()) {
        TRY(SftpTarget t, parse_sftp_target(repo.repository));
        if (cfg.sftp_known_hosts_file.empty())
            return unavailable("backups.sftp_known_hosts_file is required with sftp_key_file");
        CHECK_OK(check_private_file(cfg.sftp_key_file, "backups.sftp_key_file"));
        // Only this key, only this host key, never a prompt or a password.
        std::string conf = "Host wsp-backup-target\n  HostName " + t.host + "\n";
        if (!t.user.empty()) conf += "  User " + t.user + "\n";
        if (!t.port.empty()) conf += "  Port " + t.port + "\n";
        conf += "  IdentityFile " + cfg.sftp_key_file +
                "\n"
                "  IdentitiesOnly yes\n"
                "  IdentityAgent none\n"
                "  UserKnownHostsFile " +
                cfg.sftp_known_hosts_file +
                "\n"
                "  GlobalKnownHostsFile /dev/null\n"
                "  StrictHostKeyChecking yes\n"
                "  BatchMode yes\n"
                "  PasswordAuthentication no\n"
                "  KbdInteractiveAuthentication no\n"
                "  ServerAliveInterval 60\n"
                "  ServerAliveCountMax 240\n";
        const auto file = dir_ / "ssh_config";
        CHECK_OK(write_file_atomic(file, conf, 0600));
        repo.ssh_log = dir_ / "ssh-errors.log";
        repo.sftp_command = "ssh -F " + file.string() + " -E " + repo.ssh_log.string() +
                            " wsp-backup-target -s sftp";
    }
    if (repo.repository.starts_with("s3:")) {
        if (!cfg.s3_access_key_id.empty())
            repo.extra_env.push_back("AWS_ACCESS_KEY_ID=" + cfg.s3_access_key_id);
        if (!cfg.s3_secret_file.empty()) {
            TRY(std::string secret,
                read_private_file(cfg.s3_secret_file, "backups.s3_secret_file"));
            repo.extra_env.push_back("AWS_SECRET_ACCESS_KEY=" + secret);
        }
        if (!cfg.s3_region.empty()) repo.extra_env.push_back("AWS_DEFAULT_REGION=" + cfg.s3_region);
    }
    return Restic(repo);
}

Result<void> BackupService::prepare_repository() {
    const auto& cfg = ctx_.config.backups;
    if (cfg.password_file.empty()) {
        auto file = dir_ / "repository-password";
        std::error_code ec;
        if (!std::filesystem::exists(file, ec))
            CHECK_OK(write_file_atomic(file, random_hex(32), 0600));
    }
    TRY(Restic r, restic());
    // Each restic start pays a key derivation: the repository is checked
    // (made) once per process, and a local one's stale lock is looked for
    // before restic is started to remove it (bench/backups.sh).
    if (repository_ready_) return unlock_if_locked(r);
    auto ensured = r.ensure_repository();
    if (!ensured && cfg.repository.starts_with("sftp:") && cfg.sftp_command.empty() &&
        !cfg.sftp_key_file.empty()) {
        // restic says only "unable to start the sftp session": ssh itself
        // says why (host key, refused key, no route).
        ProcessOptions o;
        o.env = {"PATH=/usr/bin:/bin", "HOME=" + (dir_ / "cache").string()};
        o.timeout = std::chrono::seconds(60);
        auto probe = run_process({"/usr/bin/ssh", "-F", (dir_ / "ssh_config").string(),
                                  "wsp-backup-target", "-s", "sftp"},
                                 o);
        if (probe && !probe->ok()) {
            std::string why = probe->output;
            while (!why.empty() && (why.back() == '\n' || why.back() == '\r')) why.pop_back();
            if (why.size() > 300) why = why.substr(why.size() - 300);
            return unavailable("The SFTP repository cannot be reached: " + why);
        }
    }
    if (!ensured) return ensured.error();
    repository_ready_ = true;
    return unlock_if_locked(r);
}

// A restic killed mid-run (a cancel, a crash) left its lock behind. A local
// repository shows its locks as files; a remote one is always asked.
Result<void> BackupService::unlock_if_locked(const Restic& r) const {
    const auto& repository = ctx_.config.backups.repository;
    if (repository.empty() || repository.starts_with("/")) {
        const auto locks =
            (repository.empty() ? dir_ / "repo" : std::filesystem::path(repository)) / "locks";
        std::error_code ec;
        if (std::filesystem::is_empty(locks, ec) && !ec) return Ok{};
    }
    return r.unlock();
}

// ---- export / import ---------------------------------------------------------

Result<std::unique_ptr<DatabaseExport>> BackupService::export_database(const Caller& c,
                                                                       const std::string& id) {
    TRY(DatabaseRecord record, databases_.owned_record(c, id));
    TRY(std::shared_ptr<DatabaseLogin> login, databases_.temporary_login(record));
    TRY(ClientDefaults defaults,
        ClientDefaults::write(dir_ / "run", tools_for(*login), login->user(), login->password()));
    auto owned_defaults = std::make_unique<ClientDefaults>(std::move(defaults));
    TRY(std::unique_ptr<SqlDump> dump,
        SqlDump::start(tools_for(*login), owned_defaults->path(), record.name));
    auto out = std::make_unique<ExportStream>(std::move(login), std::move(owned_defaults),
                                              std::move(dump));
    out->filename = record.name + ".sql.gz";
    return std::unique_ptr<DatabaseExport>(std::move(out));
}

Result<std::unique_ptr<BackupService::ImportUpload>> BackupService::open_import(
    const Caller& c, const std::string& id) {
    TRY(DatabaseRecord record, databases_.owned_record(c, id));
    auto u = std::make_unique<ImportUpload>();
    u->record = record;
    u->file = dir_ / "imports" / (random_hex(12) + ".sql");
    u->fd = UniqueFd(::open(u->file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!u->fd.valid()) return internal("cannot create " + u->file.string());
    return u;
}

Result<void> BackupService::import_write(ImportUpload& u, std::string_view chunk) {
    if (write_all(u.fd.get(), chunk) != 0) return internal("cannot write the uploaded SQL");
    return Ok{};
}

void BackupService::abort_import(ImportUpload& u) {
    u.fd.reset();
    std::error_code ec;
    std::filesystem::remove(u.file, ec);
}

Result<TaskView> BackupService::import_upload(ImportUpload& u) {
    if (u.fd.close() != 0) {
        abort_import(u);
        return internal("cannot write the uploaded SQL");
    }
    struct stat st {};
    if (::stat(u.file.c_str(), &st) != 0 || st.st_size == 0) {
        abort_import(u);
        return validation("The uploaded SQL file is empty");
    }
    auto file = u.file;
    return submit_import(
        u.record, "import",
        [file]() -> Result<UniqueFd> {
            UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
            if (!fd.valid()) return internal("cannot open the staged upload");
            return fd;
        },
        [file] {
            std::error_code ec;
            std::filesystem::remove(file, ec);
        });
}

Result<TaskView> BackupService::import_from_home(const Caller& c, const std::string& id,
                                                 const std::string& path) {
    TRY(DatabaseRecord record, databases_.owned_record(c, id));
    TRY(std::string rel, access_.parse(path, "Path"));
    // Checked now (a 404 or 400 before the task), opened again by the task.
    CHECK_OK(access_.with_fs(record.owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd fd, files.open_regular(rel));
        return Ok{};
    }));
    auto owner = record.owner;
    return submit_import(
        record, "import",
        [this, owner, rel]() -> Result<UniqueFd> {
            return access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<UniqueFd> {
                return files.open_regular(rel);
            });
        },
        [] {});
}

MariadbTools BackupService::tools_for(const DatabaseLogin& login) const {
    MariadbTools t = tools_;
    const DatabaseEndpoint& ep = login.endpoint();
    if (ep.local) return t;
    t.socket.clear();
    t.host = ep.address;
    t.port = ep.port;
    t.tls = ep.tls;
    return t;
}

Result<void> BackupService::copy_database(const DatabaseLogin& from, const DatabaseLogin& to,
                                          fs::Progress& p) {
    const MariadbTools source = tools_for(from), target = tools_for(to);
    TRY(ClientDefaults read_as,
        ClientDefaults::write(dir_ / "run", source, from.user(), from.password()));
    TRY(ClientDefaults write_as,
        ClientDefaults::write(dir_ / "run", target, to.user(), to.password()));
    TRY(Pipe sql, Pipe::make());
    TRY(std::unique_ptr<SqlDump> dump,
        SqlDump::start(source, read_as.path(), from.database(), sql.write.get()));
    sql.write.reset();
    auto loaded = import_sql(target, write_as.path(), to.database(), sql.read.get(), &p);
    sql.read.reset();  // a dump still writing gets EPIPE and ends
    auto dumped = dump->finish();
    if (!loaded) return loaded.error();
    if (!dumped) return dumped.error();
    return Ok{};
}

Result<TaskView> BackupService::move_database(const Caller& c, const std::string& id,
                                              const std::string& host) {
    TRY(DatabaseRecord record, databases_.check_move(c, id, host));
    FileJob job;
    job.kind = "move";
    job.owner = record.owner;
    job.result_path = record.name;
    job.run = [this, name = record.name, host](fs::Progress& p) -> Result<void> {
        return databases_.move(
            name, host,
            [this, &p](const DatabaseLogin& from, const DatabaseLogin& to) {
                return copy_database(from, to, p);
            },
            [&p] { return p.check(); });
    };
    return tasks_->submit(std::move(job));
}

Result<TaskView> BackupService::submit_import(const DatabaseRecord& record, std::string kind,
                                              std::function<Result<UniqueFd>()> open_input,
                                              std::function<void()> cleanup) {
    FileJob job;
    job.kind = std::move(kind);
    job.owner = record.owner;
    job.result_path = record.name;
    job.run = [this, record, open_input, cleanup](fs::Progress& p) -> Result<void> {
        struct Cleanup {
            std::function<void()> f;
            ~Cleanup() { f(); }
        } done{cleanup};
        TRY(UniqueFd in, open_input());
        struct stat st {};
        if (::fstat(in.get(), &st) == 0) p.bytes_total = st.st_size;
        TRY(std::shared_ptr<DatabaseLogin> login, databases_.temporary_login(record));
        TRY(ClientDefaults defaults, ClientDefaults::write(dir_ / "run", tools_for(*login),
                                                           login->user(), login->password()));
        return import_sql(tools_for(*login), defaults.path(), record.name, in.get(), &p);
    };
    auto submitted = tasks_->submit(std::move(job));
    if (!submitted) cleanup();
    return submitted;
}

// ---- backups -----------------------------------------------------------------

Result<TaskView> BackupService::start_backup(const Caller& c,
                                             const std::optional<std::string>& owner) {
    TRY(std::string who, resolve_owner(ctx_.db, c, owner));
    return submit_backup(who, "manual");
}

Result<TaskView> BackupService::submit_backup(const std::string& owner,
                                              const std::string& trigger) {
    BackupRecord r;
    r.id = random_hex(8);
    r.owner = owner;
    r.status = "running";
    r.trigger = trigger;
    r.home = std::filesystem::absolute(ctx_.identity.home_of(owner)).lexically_normal().string();
    while (r.home.size() > 1 && r.home.back() == '/') r.home.pop_back();
    r.started_at = ctx_.clock.now_unix();
    FileJob job;
    job.kind = "backup";
    job.owner = owner;
    job.result_path = r.id;
    job.run = [this, id = r.id](fs::Progress& p) { return run_backup(id, p); };
    // The row first: the task may start before submit() returns.
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        BackupRepo::insert(tx, r);
        return Ok{};
    }));
    auto view = tasks_->submit(std::move(job));
    if (!view) {
        (void)ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            BackupRepo::remove(tx, r.id);
            return Ok{};
        });
    }
    return view;
}

Result<void> BackupService::forget_run(const std::string& id) {
    TRY(Restic r, restic());
    TRY(auto snaps, r.snapshots({"run:" + id}));
    std::vector<std::string> ids;
    for (const auto& s : snaps) ids.push_back(s.id);
    return r.forget(ids);
}

void BackupService::mail_failure(const BackupRecord& r) {
    if (!mailer_ || !mailer_->enabled()) return;
    auto user = ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UserRecord>> {
        return UserRepo::find(tx, r.owner);
    });
    if (!user || !*user || !valid_email((*user)->email)) return;
    mailer_->enqueue({(*user)->email, "Backup of " + r.owner + " failed",
                      "The " + r.trigger + " backup of account " + r.owner + " (run " + r.id +
                          ", started " + rfc3339(r.started_at) + ") failed:\n\n" + r.error +
                          "\n\nNothing of this run was kept. Earlier backups are unchanged.\n"});
}

std::map<std::string, BackupDatabase> BackupService::last_dumps(const std::string& owner) {
    std::map<std::string, BackupDatabase> last;
    auto runs = ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<BackupRecord>> {
        return BackupRepo::list(tx, owner);
    });
    if (!runs) return last;
    // Newest first: the first finished run that has a database decides.
    for (const auto& run : *runs)
        if (run.status == "done")
            for (const auto& db : run.databases) last.emplace(db.name, db);
    return last;
}

Result<void> BackupService::run_backup(const std::string& id, fs::Progress& p) {
    TRY(BackupRecord rec, ctx_.db.read([&](const ReadTx& tx) -> Result<BackupRecord> {
        auto found = BackupRepo::find(tx, id);
        if (!found) return not_found("Backup not found");
        return *found;
    }));
    std::lock_guard repo_lock(repo_mutex_);
    auto finish = [&](Result<void> outcome) -> Result<void> {
        rec.finished_at = ctx_.clock.now_unix();
        if (outcome) {
            rec.status = "done";
        } else {
            rec.status = "failed";
            rec.error = p.cancelled ? "Cancelled" : outcome.error().message;
            rec.databases.clear();
            rec.files_snapshot.clear();
            // Nothing of a failed run may look like a backup.
            if (auto f = forget_run(id); !f)
                spdlog::error("backups: cannot forget the snapshots of failed run {}: {}", id,
                              f.error().message);
            spdlog::warn("backups: run {} of {} failed: {}", id, rec.owner, rec.error);
            if (!p.cancelled) mail_failure(rec);
        }
        CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            BackupRepo::update(tx, rec);
            return Ok{};
        }));
        emit_event(ctx_, outcome ? "backup.completed" : "backup.failed", rec.owner,
                   {{"id", rec.id}, {"owner", rec.owner}, {"trigger", rec.trigger}});
        return outcome;
    };
    auto body = [&]() -> Result<void> {
        CHECK_OK(prepare_repository());
        TRY(Restic r, restic());
        const std::vector<std::string> base_tags{"wsp", "owner:" + rec.owner, "run:" + id};
        // The home first: a database written just before the run has
        // settled by the time its change marker is read (docs/backups.md).
        TRY(std::string records, saved_records_json(ctx_.db, rec.owner));
        const auto staging = dir_ / "staging" / rec.owner;
        std::error_code ec;
        std::filesystem::create_directories(staging, ec);
        CHECK_OK(write_file_atomic(staging / "panel-records.json", records, 0600));
        const auto& f = ctx_.config.files;
        std::vector<std::string> excludes;
        for (const auto& name : {f.trash_dir_name, f.history_dir_name, f.uploads_dir_name})
            excludes.push_back(rec.home + "/" + name);
        auto tags = base_tags;
        tags.emplace_back("files");
        TRY(ResticSummary files, r.backup({rec.home, staging.string()}, excludes, tags, &p));
        rec.files_snapshot = files.snapshot_id;
        rec.size_bytes += files.bytes_processed;
        rec.added_bytes += files.data_added;
        rec.paths_count = files.files_processed;
        TRY(auto dbs, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseRecord>> {
            return DatabaseRepo::list(tx, rec.owner);
        }));
        const auto last = last_dumps(rec.owner);
        for (const auto& db : dbs) {
            CHECK_OK(p.check());
            // Read before the dump: a change after it moves the marker.
            TRY(std::optional<std::string> marker, databases_.change_marker(db));
            if (auto same = last.find(db.name);
                marker && same != last.end() && same->second.marker == *marker) {
                rec.databases.push_back(same->second);
                rec.size_bytes += same->second.size_bytes;
                continue;
            }
            TRY(std::shared_ptr<DatabaseLogin> login, databases_.temporary_login(db));
            TRY(ClientDefaults defaults, ClientDefaults::write(dir_ / "run", tools_for(*login),
                                                               login->user(), login->password()));
            TRY(Pipe sql, Pipe::make());
            TRY(Pipe out, Pipe::make());
            TRY(std::unique_ptr<SqlDump> dump,
                SqlDump::start(tools_for(*login), defaults.path(), db.name, sql.write.get()));
            sql.write.reset();
            auto tags = base_tags;
            tags.push_back("db:" + db.name);
            TRY(Child child,
                r.start_stdin_backup(db.name + ".sql", tags, sql.read.get(), out.write.get()));
            sql.read.reset();
            out.write.reset();
            const std::string output = read_all(out.read.get());
            ProcessResult saved = child.wait();
            auto dumped = dump->finish();
            ResticSummary s = Restic::parse_summary(output);
            // restic cannot tell that the dump died half way: its snapshot
            // of the partial dump is forgotten with the run.
            // The dump's own message (it is about the account's data, e.g. a
            // view over a dropped table), not hidden as an internal error.
            if (!dumped)
                return conflict("Database " + db.name +
                                " could not be dumped: " + dumped.error().message);
            if (!saved.ok() || s.snapshot_id.empty())
                return internal("restic backup of database " + db.name +
                                " failed: " + saved.output);
            rec.databases.push_back(
                {db.name, s.snapshot_id, s.bytes_processed, marker.value_or("")});
            rec.size_bytes += s.bytes_processed;
            rec.added_bytes += s.data_added;
        }
        return Ok{};
    };
    return finish(body());
}

Result<std::vector<BackupRecord>> BackupService::list(const Caller& c,
                                                      const std::optional<std::string>& owner) {
    TRY(std::optional<std::string> whose, list_owner(c, owner));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<BackupRecord>> {
        return BackupRepo::list(tx, whose);
    });
}

Result<BackupRecord> BackupService::readable(const Caller& c, const std::string& id) {
    TRY(BackupRecord r, ctx_.db.read([&](const ReadTx& tx) -> Result<BackupRecord> {
        auto found = BackupRepo::find(tx, id);
        if (!found) return not_found("Backup not found");
        return *found;
    }));
    CHECK_OK(ensure_owner_or_admin(c, r.owner));
    return r;
}

Result<BackupRecord> BackupService::get(const Caller& c, const std::string& id) {
    return readable(c, id);
}

// ---- restore -------------------------------------------------------------------

Result<void> BackupService::restore_database(const BackupRecord& r, const BackupDatabase& dump,
                                             const DatabaseRecord& target, fs::Progress& p) {
    TRY(Restic restic_, restic());
    TRY(std::shared_ptr<DatabaseLogin> login, databases_.temporary_login(target));
    TRY(ClientDefaults defaults,
        ClientDefaults::write(dir_ / "run", tools_for(*login), login->user(), login->password()));
    TRY(Pipe sql, Pipe::make());
    TRY(Child child, restic_.start_dump(dump.snapshot, "/" + dump.name + ".sql", sql.write.get()));
    sql.write.reset();
    p.bytes_total = p.bytes_total + dump.size_bytes;
    auto imported = import_sql(tools_for(*login), defaults.path(), target.name, sql.read.get(), &p);
    sql.read.reset();
    if (!imported) child.kill();
    ProcessResult pr = child.wait();
    if (!imported) return imported.error();
    if (!pr.ok()) return internal("restic dump of " + dump.name + " failed: " + pr.output);
    (void)r;
    return Ok{};
}

Result<void> BackupService::restore_path(const BackupRecord& r, const std::string& owner,
                                         const std::string& rel, const std::string& dest,
                                         fs::Overwrite ow, fs::Progress& p) {
    TRY(Restic rs, restic());
    const std::string abs = rel.empty() ? r.home : r.home + "/" + rel;
    TRY(std::optional<ResticNode> node, rs.node(r.files_snapshot, abs));
    if (!node) return not_found("Not in this backup: " + fs::to_user_path(rel));
    DumpShape shape;
    shape.path = abs;
    shape.strip = rel.empty() ? r.home : parent_of(abs);
    shape.is_file = node->type == "file";
    shape.file_size = node->size;
    shape.mode = node->mode;
    if (node->type != "file" && node->type != "dir")
        return validation("Only files and directories can be restored: " + fs::to_user_path(rel));
    const auto& cfg = ctx_.config.files;
    fs::ExtractLimits limits{cfg.max_extract_mb * 1024 * 1024, cfg.max_extract_entries, 0};
    // The tar is made in the home as the account (its quota, its rights),
    // then extracted by the confined extraction. restic itself runs as the
    // panel, outside with_fs (a child would inherit the account's fsuid and
    // could not read the repository).
    const std::string temp = fs::temp_name("task") + ".tar";
    TRY(UniqueFd fd, access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<UniqueFd> {
        UniqueFd made(::openat(files.root(), temp.c_str(),
                               O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!made.valid()) return internal("cannot create a temporary file in the home");
        return made;
    }));
    auto remove_temp = [&] {
        (void)access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
            (void)::unlinkat(files.root(), temp.c_str(), 0);
            return Ok{};
        });
    };
    auto written = [&]() -> Result<void> {
        TRY(Pipe raw, Pipe::make());
        TRY(Child child, rs.start_dump(r.files_snapshot, abs, raw.write.get()));
        raw.write.reset();
        auto w = write_dump_tar(raw.read.get(), fd.get(), shape, false, &p);
        raw.read.reset();
        if (!w) child.kill();
        ProcessResult pr = child.wait();
        if (!w) return w.error();
        if (!pr.ok()) return internal("restic dump failed: " + pr.output);
        if (fd.close() != 0) return internal("cannot write the temporary file");
        return Ok{};
    }();
    if (!written) {
        remove_temp();
        return written.error();
    }
    auto extracted = access_.with_fs(owner, [&](fs::ConfinedFs& files) -> Result<void> {
        return fs::extract(files, temp, dest, ow, limits, nullptr);
    });
    remove_temp();
    return extracted;
}

Result<json::object> BackupService::saved_records(const BackupRecord& r) {
    TRY(Restic rs, restic());
    TRY(Pipe out, Pipe::make());
    const std::string path = (dir_ / "staging" / r.owner / "panel-records.json").string();
    TRY(Child child, rs.start_dump(r.files_snapshot, path, out.write.get()));
    out.write.reset();
    const std::string text = read_all(out.read.get());
    ProcessResult pr = child.wait();
    if (!pr.ok()) return internal("restic dump of the panel records failed: " + pr.output);
    json::error_code ec;
    json::value v = json::parse(text, ec);
    if (ec || !v.is_object()) return internal("The panel records of this backup are unreadable");
    return v.as_object();
}

Result<TaskView> BackupService::restore(const Caller& c, const std::string& id,
                                        const RestoreRequest& in) {
    TRY(BackupRecord r, readable(c, id));
    if (r.status != "done") return conflict("This backup did not complete; it cannot be restored");
    const fs::Overwrite ow = in.overwrite ? fs::Overwrite::yes : fs::Overwrite::no;
    FileJob job;
    job.kind = "restore";
    job.owner = r.owner;
    job.result_path = r.id;
    if (in.what == "paths") {
        if (in.paths.empty()) return validation("paths is required when what is paths");
        TRY(auto rels, access_.parse_all(in.paths, "Paths"));
        std::string dest_base;
        if (in.target && !in.target->empty()) {
            TRY(dest_base, access_.parse(*in.target, "Target"));
        }
        // Refused now when something is in the way and overwrite is off.
        std::vector<std::pair<std::string, std::string>> plan;  // rel, destination dir
        CHECK_OK(access_.with_fs(r.owner, [&](fs::ConfinedFs& files) -> Result<void> {
            for (const auto& rel : rels) {
                if (rel.empty()) return validation("Use what=account to restore the whole home");
                const std::string name = fs::split_parent(rel).second;
                const std::string dest = in.target ? dest_base : fs::split_parent(rel).first;
                const std::string landing = dest.empty() ? name : dest + "/" + name;
                if (ow == fs::Overwrite::no && files.exists(landing))
                    return conflict("Already exists: " + fs::to_user_path(landing) +
                                    " (set overwrite to true to replace it)");
                plan.emplace_back(rel, dest);
            }
            return Ok{};
        }));
        job.run = [this, r, plan, ow](fs::Progress& p) -> Result<void> {
            for (const auto& [rel, dest] : plan)
                CHECK_OK(restore_path(r, r.owner, rel, dest, ow, p));
            return Ok{};
        };
        return tasks_->submit(std::move(job));
    }
    if (in.what == "database") {
        if (!in.database || in.database->empty())
            return validation("database is required when what is database");
        auto it = std::find_if(r.databases.begin(), r.databases.end(),
                               [&](const BackupDatabase& d) { return d.name == *in.database; });
        if (it == r.databases.end()) return not_found("No such database in this backup");
        const BackupDatabase dump = *it;
        const std::string target_name = in.target.value_or(dump.name);
        auto existing =
            ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<DatabaseRecord>> {
                return DatabaseRepo::find(tx, target_name);
            });
        if (!existing) return existing.error();
        std::optional<DatabaseRecord> target = *existing;
        if (target) {
            if (target->owner != r.owner)
                return forbidden("The target database belongs to another account");
            if (!in.overwrite)
                return conflict("Database " + target_name +
                                " exists (set overwrite to true to restore over it)");
        } else {
            // A new database of the backup's owner; its user gets a random
            // password (reset it with /databases/{id}/reset-password).
            const std::string prefix = r.owner + "_";
            if (!target_name.starts_with(prefix))
                return validation("target must be a database name starting with " + prefix);
            NewDatabase nd;
            nd.name = target_name.substr(prefix.size());
            nd.password = random_hex(12) + "Aa1!";
            TRY(DatabaseRecord made, databases_.create_for(r.owner, nd));
            target = made;
        }
        job.run = [this, r, dump, t = *target](fs::Progress& p) {
            return restore_database(r, dump, t, p);
        };
        return tasks_->submit(std::move(job));
    }
    if (in.what == "account") {
        // The account written to: the backup's own, or (admin) another name,
        // made now when it does not exist (from the saved panel records).
        std::string to = r.owner;
        if (in.target && !in.target->empty() && *in.target != r.owner) {
            if (!c.is_admin())
                return forbidden("Only an admin restores an account under another name");
            to = *in.target;
        }
        TRY(auto existing, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UserRecord>> {
            return UserRepo::find(tx, to);
        }));
        if (existing && existing->role == Role::admin)
            return validation("target: an admin account cannot be restored into");
        if (existing && !in.overwrite)
            return conflict(
                "Restoring an account replaces its files and databases (set overwrite "
                "to true)");
        if (!existing) {
            if (!c.is_admin()) return forbidden("Only an admin recreates an account");
            if (!users_) return unavailable("Accounts cannot be created here");
            TRY(json::object saved, saved_records(r));
            NewUser nu;
            nu.username = to;
            nu.password = random_hex(16) + "Aa1!";
            nu.role = "user";
            if (auto a = saved.if_contains("account"); a && a->is_object()) {
                const auto& acc = a->as_object();
                if (auto e = acc.if_contains("email"); e && e->is_string())
                    nu.email = std::string(e->as_string());
                if (auto pk = acc.if_contains("package"); pk && pk->is_string()) {
                    const std::string pkg(pk->as_string());
                    auto has = ctx_.db.read([&](const ReadTx& tx) -> Result<bool> {
                        return PackageRepo::find(tx, pkg).has_value();
                    });
                    if (has && *has) nu.package = pkg;
                }
            }
            if (nu.email.empty()) return unavailable("The backup holds no account record");
            TRY(UserRecord made, users_->create(c, nu));
            (void)made;
        }
        TRY(auto current,
            ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<DatabaseRecord>> {
                return DatabaseRepo::list(tx, to);
            }));
        std::vector<std::pair<BackupDatabase, DatabaseRecord>> dbs;
        for (const auto& dump : r.databases) {
            // alice_shop -> carol_shop: the same name after the new prefix.
            const std::string suffix = dump.name.substr(r.owner.size() + 1);
            const std::string name = to + "_" + suffix;
            auto found = std::find_if(current.begin(), current.end(),
                                      [&](const DatabaseRecord& d) { return d.name == name; });
            if (found != current.end()) {
                dbs.emplace_back(dump, *found);
                continue;
            }
            NewDatabase nd;
            nd.name = suffix;
            nd.password = random_hex(12) + "Aa1!";
            TRY(DatabaseRecord made, databases_.create_for(to, nd));
            dbs.emplace_back(dump, made);
        }
        job.owner = to;
        job.run = [this, c, r, to, dbs](fs::Progress& p) -> Result<void> {
            CHECK_OK(restore_path(r, to, "", "", fs::Overwrite::yes, p));
            for (const auto& [dump, target] : dbs) CHECK_OK(restore_database(r, dump, target, p));
            TRY(json::object saved, saved_records(r));
            for (const auto& line : recreate_records(record_services_, c, saved, r.owner, to))
                spdlog::warn("backups: restore of {} into {}: not recreated: {}", r.id, to, line);
            return Ok{};
        };
        return tasks_->submit(std::move(job));
    }
    return validation("what must be account, database or paths");
}

Result<std::unique_ptr<BackupDownload>> BackupService::download(const Caller& c,
                                                                const std::string& id,
                                                                const std::string& path) {
    TRY(BackupRecord r, readable(c, id));
    if (r.status != "done") return conflict("This backup did not complete");
    TRY(std::string rel, access_.parse(path, "paths"));
    TRY(Restic rs, restic());
    const std::string abs = rel.empty() ? r.home : r.home + "/" + rel;
    TRY(std::optional<ResticNode> node, rs.node(r.files_snapshot, abs));
    if (!node) return not_found("Not in this backup: " + fs::to_user_path(rel));
    if (node->type != "file" && node->type != "dir")
        return validation("Only files and directories can be downloaded");
    DumpShape shape;
    shape.path = abs;
    shape.strip = rel.empty() ? r.home : parent_of(abs);
    shape.is_file = node->type == "file";
    shape.file_size = node->size;
    shape.mode = node->mode;
    TRY(std::unique_ptr<DownloadStream> s, DownloadStream::start(rs, r.files_snapshot, shape));
    const std::string base = rel.empty() ? r.owner : fs::split_parent(rel).second;
    s->filename = base + "-" + r.id + ".tar.gz";
    return std::unique_ptr<BackupDownload>(std::move(s));
}

// ---- schedules and retention -----------------------------------------------------

Result<BackupSchedule> BackupService::schedule(const Caller& c,
                                               const std::optional<std::string>& owner) {
    std::string key;
    if (c.is_admin() && (!owner || owner->empty() || *owner == "*")) {
        key = "*";
    } else {
        TRY(key, resolve_owner(ctx_.db, c, owner));
    }
    TRY(auto found, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<BackupSchedule>> {
        return BackupRepo::schedule(tx, key);
    }));
    if (found) return *found;
    const auto& cfg = ctx_.config.backups;
    return BackupSchedule{key, false, cfg.keep_daily, cfg.keep_weekly, cfg.keep_monthly, 0};
}

Result<void> BackupService::within_package(const BackupSchedule& s) {
    TRY(auto pkg, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<PackageRecord>> {
        auto user = UserRepo::find(tx, s.owner);
        if (!user || user->role == Role::admin) return std::optional<PackageRecord>();
        return PackageRepo::find(tx, user->package);
    }));
    if (!pkg || pkg->max_backups_kept < 0) return Ok{};
    if (pkg->max_backups_kept == 0)
        return forbidden("The package " + pkg->name +
                         " does not allow backup schedules (max_backups_kept 0)");
    if (s.keep_daily + s.keep_weekly + s.keep_monthly > pkg->max_backups_kept)
        return validation("keep_daily + keep_weekly + keep_monthly must be at most " +
                          std::to_string(pkg->max_backups_kept) + " (max_backups_kept of package " +
                          pkg->name + ")");
    return Ok{};
}

Result<BackupSchedule> BackupService::put_schedule(const Caller& c, const ScheduleInput& in) {
    TRY(BackupSchedule s, schedule(c, in.owner));
    s.enabled = in.enabled;
    auto keep = [](const std::optional<int64_t>& v, int64_t current, const char* field,
                   int64_t& out) -> Result<void> {
        if (!v) {
            out = current;
            return Ok{};
        }
        if (*v < 0 || *v > 1000)
            return validation(std::string(field) + " must be between 0 and 1000");
        out = *v;
        return Ok{};
    };
    CHECK_OK(keep(in.keep_daily, s.keep_daily, "keep_daily", s.keep_daily));
    CHECK_OK(keep(in.keep_weekly, s.keep_weekly, "keep_weekly", s.keep_weekly));
    CHECK_OK(keep(in.keep_monthly, s.keep_monthly, "keep_monthly", s.keep_monthly));
    if (s.owner != "*" && s.enabled) CHECK_OK(within_package(s));
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        BackupRepo::put_schedule(tx, s);
        return Ok{};
    }));
    scheduler_->poke();
    return s;
}

Result<void> BackupService::apply_retention(const std::string& owner, const ResticKeep& keep) {
    std::lock_guard repo_lock(repo_mutex_);
    CHECK_OK(prepare_repository());
    TRY(Restic r, restic());
    // The policy picks the runs to keep by their home snapshots; a run's
    // database snapshots go with the last kept run that refers to them
    // (an unchanged database's snapshot serves several runs).
    const std::vector<std::string> owner_tags{"wsp", "owner:" + owner};
    auto files_tags = owner_tags;
    files_tags.emplace_back("files");
    CHECK_OK(r.forget_policy(keep, files_tags));
    TRY(auto snaps, r.snapshots(owner_tags));
    std::set<std::string> alive;
    for (const auto& s : snaps) alive.insert(s.short_id), alive.insert(s.id);
    TRY(auto rows, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<BackupRecord>> {
        return BackupRepo::list(tx, owner);
    }));
    std::set<std::string> referenced;
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        for (const auto& row : rows) {
            if (row.status == "done" && !alive.count(row.files_snapshot)) {
                BackupRepo::remove(tx, row.id);
                continue;
            }
            for (const auto& db : row.databases) referenced.insert(db.snapshot);
        }
        return Ok{};
    }));
    std::vector<std::string> unused;
    for (const auto& s : snaps) {
        const bool files = std::find(s.tags.begin(), s.tags.end(), "files") != s.tags.end();
        if (!files && !referenced.count(s.id) && !referenced.count(s.short_id))
            unused.push_back(s.id);
    }
    CHECK_OK(r.forget(unused));
    return r.prune();
}

Result<TaskView> BackupService::prune(const Caller& c, const std::optional<std::string>& owner) {
    TRY(std::string who, resolve_owner(ctx_.db, c, owner));
    TRY(BackupSchedule own, schedule(c, who));
    ResticKeep keep{own.keep_daily, own.keep_weekly, own.keep_monthly};
    FileJob job;
    job.kind = "prune";
    job.owner = who;
    job.result_path = who;
    job.run = [this, who, keep](fs::Progress&) { return apply_retention(who, keep); };
    return tasks_->submit(std::move(job));
}

void BackupService::run_due_schedules() {
    const int64_t now = ctx_.clock.now_unix();
    const int64_t day = now / 86400;
    const int64_t hour = (now % 86400) / 3600;
    if (hour < ctx_.config.backups.schedule_hour) return;
    auto schedules = ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<BackupSchedule>> {
        return BackupRepo::schedules(tx);
    });
    if (!schedules) return;
    auto users = ctx_.db.read(
        [&](const ReadTx& tx) -> Result<std::vector<UserRecord>> { return UserRepo::list(tx); });
    if (!users) return;
    for (const auto& s : *schedules) {
        if (!s.enabled || s.last_run / 86400 >= day) continue;
        // A package changed since the schedule was saved still holds.
        if (s.owner != "*") {
            if (auto ok = within_package(s); !ok) {
                spdlog::warn("backups: schedule of {} not run: {}", s.owner, ok.error().message);
                continue;
            }
        }
        (void)ctx_.db.write([&](WriteTx& tx) -> Result<void> {
            BackupRepo::set_last_run(tx, s.owner, now);
            return Ok{};
        });
        std::vector<std::string> owners;
        if (s.owner == "*") {
            for (const auto& u : *users)
                if (u.role != Role::admin) owners.push_back(u.username);
        } else {
            owners.push_back(s.owner);
        }
        for (const auto& owner : owners) {
            auto started = submit_backup(owner, "schedule");
            if (!started) {
                spdlog::error("backups: scheduled backup of {} not started: {}", owner,
                              started.error().message);
                continue;
            }
            FileJob job;
            job.kind = "prune";
            job.owner = owner;
            job.result_path = owner;
            ResticKeep keep{s.keep_daily, s.keep_weekly, s.keep_monthly};
            job.run = [this, owner, keep](fs::Progress&) { return apply_retention(owner, keep); };
            (void)tasks_->submit(std::move(job));
        }
    }
}

}  // namespace wsp
