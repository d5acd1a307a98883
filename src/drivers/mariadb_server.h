#pragma once
// The panel's private MariaDB in sandbox mode: a datadir initialised once
// (mariadb-install-db --no-defaults), the panel's own admin account with a
// random password kept 0600 in the data dir, and the supervised mariadbd
// child: unix socket in DATA_DIR/run/mariadb, TCP only on 127.0.0.1, no
// name resolution (host entries must mean what they say), small memory.
// When the panel runs as root, mariadbd runs as the `mysql` OS user.
#include <sys/types.h>

#include <atomic>
#include <filesystem>
#include <optional>

#include "config/config.h"
#include "system/process.h"
#include "system/supervisor.h"

namespace wsp {

struct MariadbLayout {
    std::filesystem::path datadir;           // DATA_DIR/mariadb
    std::filesystem::path run_dir;           // DATA_DIR/run/mariadb (owned by mysql)
    std::filesystem::path socket;            // run_dir/mysqld.sock
    std::filesystem::path pid_file;          // run_dir/mysqld.pid
    std::filesystem::path credentials_file;  // DATA_DIR/mariadb-admin.cnf (0600)
    std::filesystem::path init_file;         // datadir/wispanel-init.sql (0600, mysql)
    std::filesystem::path log_file;          // DATA_DIR/log/mariadb.log
    std::filesystem::path tmp_dir;           // DATA_DIR/mariadb-tmp (0700, mysql)
};

MariadbLayout mariadb_layout(const Config& config, const std::filesystem::path& data_dir);

// The panel's admin account name. It has no '_', so it can never be an
// account's "<owner>_<name>" user.
inline constexpr const char* kPanelAdminUser = "wispanel";

class MariadbServer {
  public:
    MariadbServer(const Config& config, std::filesystem::path data_dir);

    // Blocking (runs mariadb-install-db the first time, about a second).
    // Creates the datadir when missing, the credentials file when missing,
    // and the init file that (re)creates the admin account at every start.
    // `cancel` (optional) aborts a running install when it turns true, so
    // a panel stopped during its first start stops at once.
    Result<void> prepare(const std::atomic<bool>* cancel = nullptr);

    // The supervised child (call after prepare()).
    ChildSpec child_spec() const;

    const MariadbLayout& layout() const { return layout_; }

  private:
    Result<void> init_datadir(const std::atomic<bool>* cancel);
    Result<void> write_admin_files();
    void stop_leftover();

    const Config& config_;
    std::filesystem::path data_dir_;
    MariadbLayout layout_;
    std::optional<RunAs> run_as_;  // mysql when the panel is root
};

}  // namespace wsp
