#include "drivers/mariadb_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/secrets.h"
#include "drivers/mariadb_admin.h"
#include "drivers/sql_ident.h"
#include "system/file_io.h"
#include "system/leftover_server.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

constexpr const char* kInstallDb = "/usr/bin/mariadb-install-db";
constexpr const char* kMariadbd = "/usr/sbin/mariadbd";
// The redo log size must be the same at install and at every start, or
// InnoDB resizes it back to its 96 MiB default.
constexpr const char* kLogFileSize = "--innodb-log-file-size=8M";

Result<void> chown_tree(const fs::path& root, const RunAs& owner) {
    std::error_code ec;
    if (::lchown(root.c_str(), owner.uid, owner.gid) != 0)
        return internal("cannot chown " + root.filename().string());
    for (auto it = fs::recursive_directory_iterator(root, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
        if (::lchown(it->path().c_str(), owner.uid, owner.gid) != 0)
            return internal("cannot chown the MariaDB datadir");
    }
    if (ec) return internal("cannot walk the MariaDB datadir");
    return Ok{};
}

std::optional<RunAs> mysql_identity() {
    if (::geteuid() != 0) return std::nullopt;
    const passwd* pw = ::getpwnam("mysql");
    if (!pw) return std::nullopt;
    return RunAs{pw->pw_uid, pw->pw_gid};
}

// install-db's own "ERROR" lines (the last three), or where to look.
std::string error_lines_of(const fs::path& log) {
    std::ifstream in(log);
    std::vector<std::string> found;
    for (std::string line; std::getline(in, line);)
        if (line.find("ERROR") != std::string::npos) found.push_back(line);
    if (found.empty()) return "see " + log.string();
    std::string out;
    for (size_t i = found.size() > 3 ? found.size() - 3 : 0; i < found.size(); ++i)
        out += (out.empty() ? "" : " | ") + found[i];
    return out;
}

}  // namespace

MariadbLayout mariadb_layout(const Config& config, const fs::path& data_dir) {
    MariadbLayout l;
    l.datadir = data_dir / "mariadb";
    l.run_dir = data_dir / "run" / "mariadb";
    l.socket =
        config.mariadb.socket.empty() ? l.run_dir / "mysqld.sock" : fs::path(config.mariadb.socket);
    l.pid_file = l.run_dir / "mysqld.pid";
    l.credentials_file = data_dir / "mariadb-admin.cnf";
    l.init_file = l.datadir / "wispanel-init.sql";
    l.log_file = data_dir / "log" / "mariadb.log";
    l.tmp_dir = data_dir / "mariadb-tmp";
    return l;
}

MariadbServer::MariadbServer(const Config& config, fs::path data_dir)
    : config_(config),
      data_dir_(std::move(data_dir)),
      layout_(mariadb_layout(config, data_dir_)),
      run_as_(mysql_identity()) {}

Result<void> MariadbServer::prepare(const std::atomic<bool>* cancel) {
    if (::geteuid() == 0 && !run_as_)
        return internal("the mysql OS user is missing (install mariadb-server)");
    // A directory of the server's own: made, its mode set, owned by mysql.
    const auto own_dir = [&](const fs::path& dir, mode_t mode, const char* what) -> Result<void> {
        std::error_code ec;
        fs::create_directories(dir, ec);
        ::chmod(dir.c_str(), mode);
        if (run_as_ && ::chown(dir.c_str(), run_as_->uid, run_as_->gid) != 0)
            return internal(std::string("cannot chown the MariaDB ") + what);
        return Ok{};
    };
    // mysql must reach its socket dir: DATA_DIR/run is traversable, not
    // listable; its own subdirectory belongs to it.
    ::chmod((data_dir_ / "run").c_str(), 0711);
    CHECK_OK(own_dir(layout_.run_dir, 0755, "run dir"));
    // Its own tmpdir, not /tmp: servers sharing /tmp (several panels, or
    // the install's bootstrap beside another) were seen to lose each other's
    // temporary tables ("Could not remove temporary table '/tmp/#sql-
    // temptable-...'", then "Unknown table" and an abort), and a tenant's
    // sort spilling to disk stays off the shared /tmp.
    CHECK_OK(own_dir(layout_.tmp_dir, 0700, "tmp dir"));
    if (!fs::exists(layout_.datadir / "mysql")) CHECK_OK(init_datadir(cancel));
    stop_leftover();
    return write_admin_files();
}

void MariadbServer::stop_leftover() {
    // A panel killed outright leaves its mariadbd running (system/
    // leftover_server.h). A new one on the same datadir would wait 30 s for
    // the Aria lock and abort, while the orphan served unsupervised: stop the
    // orphan first, as cleanly as a normal stop (a shutdown flushes InnoDB).
    // Its command line must name our datadir.
    const std::string ours = "--datadir=" + layout_.datadir.string() + '\0';
    stop_leftover_server(
        layout_.pid_file,
        [&](const std::string& proc) { return proc_cmdline(proc).find(ours) != std::string::npos; },
        std::chrono::seconds(30), "mariadb");
}

Result<void> MariadbServer::init_datadir(const std::atomic<bool>* cancel) {
    // Installed into a temporary dir and renamed: a crash mid-install never
    // leaves a half-made datadir that later starts would trust.
    fs::path staging = data_dir_ / "mariadb.init";
    std::error_code ec;
    fs::remove_all(staging, ec);
    fs::create_directories(staging, ec);
    ::chmod(staging.c_str(), 0750);
    if (run_as_) CHECK_OK(chown_tree(staging, *run_as_));
    std::vector<std::string> argv = {kInstallDb,
                                     "--no-defaults",
                                     "--datadir=" + staging.string(),
                                     "--auth-root-authentication-method=socket",
                                     "--skip-test-db",
                                     "--tmpdir=" + layout_.tmp_dir.string(),
                                     kLogFileSize};
    if (run_as_) argv.push_back("--user=mysql");
    ProcessOptions options;
    options.cwd = staging;
    spdlog::info("mariadb: initialising {}", layout_.datadir.string());
    // Spawned rather than run: it takes from 0.5 s to several seconds (all
    // fsyncs), and a panel stopped meanwhile must not wait for it.
    fs::path log = layout_.log_file.parent_path() / "mariadb-install.log";
    TRY(pid_t pid, spawn_process(argv, options, log));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
    int status = 0;
    for (;;) {
        pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) break;
        if (done < 0 && errno != EINTR) return internal("lost mariadb-install-db");
        const bool give_up =
            (cancel && cancel->load()) || std::chrono::steady_clock::now() > deadline;
        if (give_up) {
            ::kill(-pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            fs::remove_all(staging, ec);
            return internal("mariadb-install-db did not finish (stopped or timed out)");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // The next attempt rewrites the log: its reason goes to the panel's.
        spdlog::error("mariadb: mariadb-install-db failed: {}", error_lines_of(log));
        return internal("mariadb-install-db failed");
    }
    // install-db leaves some files owned by root (mysql_upgrade_info).
    if (run_as_) CHECK_OK(chown_tree(staging, *run_as_));
    fs::remove_all(layout_.datadir, ec);
    fs::rename(staging, layout_.datadir, ec);
    if (ec) return internal("cannot move the new MariaDB datadir in place");
    return Ok{};
}

Result<void> MariadbServer::write_admin_files() {
    std::string password;
    if (auto creds = read_credentials(layout_.credentials_file); creds.ok()) {
        password = creds->password;
    } else {
        password = random_hex(24);
        CHECK_OK(write_file_atomic(layout_.credentials_file,
                                   std::string("[client]\nuser=") + kPanelAdminUser +
                                       "\npassword=" + password +
                                       "\nsocket=" + layout_.socket.string() + "\n",
                                   0600, std::nullopt));
    }
    // mariadbd runs this at every start with full privileges: the admin
    // account always exists and always has the password of the file. It
    // holds the hash only, readable by mysql alone (like mysql.user itself).
    // The grant is the smallest that lets the panel grant ALL on a database
    // (a grantor must hold what it grants) plus PROCESS for sizes; no
    // SUPER, no FILE, no global grant to others.
    auto account = quote_account(SqlName::parse(kPanelAdminUser, kMaxUserName, "user").value(),
                                 SqlHost::localhost());
    std::string sql = "CREATE USER IF NOT EXISTS " + account + ";\n" + "ALTER USER " + account +
                      " IDENTIFIED BY PASSWORD " + quote_hash(PasswordHash::of(password)) +
                      ";\n"
                      "GRANT SELECT, INSERT, UPDATE, DELETE, CREATE, DROP, REFERENCES, INDEX, "
                      "ALTER, CREATE TEMPORARY TABLES, LOCK TABLES, EXECUTE, CREATE VIEW, "
                      "SHOW VIEW, CREATE ROUTINE, ALTER ROUTINE, EVENT, TRIGGER, DELETE HISTORY, "
                      "CREATE USER, PROCESS ON *.* TO " +
                      account + " WITH GRANT OPTION;\n";
    return write_file_atomic(layout_.init_file, sql, 0600, file_owner(run_as_));
}

ChildSpec MariadbServer::child_spec() const {
    ChildSpec spec;
    spec.name = "mariadb";
    spec.argv = {
        kMariadbd,
        "--no-defaults",
        "--datadir=" + layout_.datadir.string(),
        "--socket=" + layout_.socket.string(),
        "--pid-file=" + layout_.pid_file.string(),
        "--init-file=" + layout_.init_file.string(),
        "--tmpdir=" + layout_.tmp_dir.string(),
        "--skip-log-bin",
        "--skip-name-resolve",
        kLogFileSize,
        "--innodb-buffer-pool-size=" + std::to_string(config_.mariadb.buffer_pool_mb) + "M",
        "--performance-schema=OFF",
        "--key-buffer-size=1M",
        "--max-connections=200",
        "--character-set-server=utf8mb4",
        "--collation-server=utf8mb4_unicode_ci"};
    if (config_.mariadb.port > 0) {
        spec.argv.push_back("--bind-address=127.0.0.1");
        spec.argv.push_back("--port=" + std::to_string(config_.mariadb.port));
    } else {
        spec.argv.push_back("--skip-networking");
    }
    spec.options.run_as = run_as_;
    spec.options.cwd = layout_.datadir;
    spec.log_file = layout_.log_file;
    spec.stop_grace = std::chrono::seconds(30);
    return spec;
}

}  // namespace wsp
