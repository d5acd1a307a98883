#include "app/panel.h"

#include "app/startup_timer.h"
#include "app/wire.h"
#include "app/wire_system.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/secrets.h"
#include "store/account_repos.h"
#include "system/data_dir.h"
#include "system/file_io.h"
#include "system/system_identity.h"

namespace wsp {
namespace {

// identity.mode picks the seam (docs/system-mode.md). In sandbox mode the
// accounts of an older data dir get their own uids here, before any area
// acts for them.
Result<std::unique_ptr<Identity>> make_identity(const Config& c, Db& db) {
    if (c.identity.mode == IdentityMode::sandbox) {
        TRY(auto id, SandboxIdentity::create(c.paths.data_dir, c.sandbox, db));
        TRY(auto users, db.read([&](const ReadTx& tx) -> Result<std::vector<UserRecord>> {
            return UserRepo::list(tx);
        }));
        std::vector<std::string> names;
        for (const auto& u : users) names.push_back(u.username);
        CHECK_OK(id->adopt_homes(names));
        return std::unique_ptr<Identity>(std::move(id));
    }
    TRY(auto id, SystemIdentity::create(c.identity, c.sandbox.user));
    return std::unique_ptr<Identity>(std::move(id));
}

// The accounts' uid range in sandbox mode as root (nothing in the data dir
// may belong to it); none otherwise.
DataDirPolicy data_dir_policy(const Config& c) {
    DataDirPolicy policy;
    if (c.identity.mode == IdentityMode::sandbox && ::geteuid() == 0 && c.sandbox.uid_base > 0 &&
        c.sandbox.uid_count > 0) {
        policy.first_account_uid = static_cast<uid_t>(c.sandbox.uid_base);
        policy.last_account_uid = static_cast<uid_t>(c.sandbox.uid_base + c.sandbox.uid_count - 1);
    }
    return policy;
}

}  // namespace

Result<std::unique_ptr<Panel>> Panel::open(Config config) {
    StartupTimer timer;
    if (!init_crypto()) return internal("libsodium failed to initialise");
    if (const auto& p2 = config.auth.require_2fa; p2 != "none" && p2 != "admins" && p2 != "all")
        return validation("auth.require_2fa must be \"none\", \"admins\" or \"all\"");
    std::unique_ptr<Panel> p(new Panel(std::move(config)));
    p->pma_proxy_secret_ = random_hex(32);
    // Everything the panel makes for itself from here to the store's first
    // open is private: SQLite gives panel.db-wal/-shm the database's mode,
    // which a 022 umask made 0644 (readable by every account's jobs). The
    // usual umask comes back once the store and homes exist, for the files
    // made for accounts (which set their own modes anyway).
    const mode_t saved_umask = ::umask(077);
    auto opened = p->open_store_and_identity(timer);
    ::umask(saved_umask);
    if (!opened) return opened.error();
    p->ctx_.reset(new PanelContext{p->config_, *p->db_, p->index_, *p->identity_, system_clock()});
    p->services_ = std::make_unique<Services>(*p->ctx_);
    CHECK_OK(p->create_first_admin());
    timer.lap("first admin check");
    CHECK_OK(p->index_.load(*p->db_));
    timer.lap("auth index");
    CHECK_OK(wire_areas(*p));
    timer.lap("areas wired");
    CHECK_OK(wire_system(*p));
    timer.lap("system wired");
    return p;
}

Result<void> Panel::open_store_and_identity(StartupTimer& timer) {
    std::error_code ec;
    std::filesystem::create_directories(data_dir(), ec);
    if (ec) return validation("cannot create data dir " + data_dir().string());
    for (const char* sub : {"run", "tls", "log"}) {
        std::filesystem::create_directories(data_dir() / sub, ec);
        ::chmod((data_dir() / sub).c_str(), 0700);
    }
    // Before the store opens: a -wal left world-readable by an older
    // version is narrowed before it is used again.
    CHECK_OK(secure_data_dir(data_dir(), data_dir_policy(config_)));
    timer.lap("data dir checked");
    TRY(db_, Db::open((data_dir() / "panel.db").string()));
    ::chmod((data_dir() / "panel.db").c_str(), 0600);
    timer.lap("store opened and migrated");
    TRY(identity_, make_identity(config_, *db_));
    timer.lap("identity (homes adopted)");
    return Ok{};
}

void Panel::on_serve(std::string name, std::function<Result<void>()> start,
                     std::function<void()> stop) {
    start_names_.push_back(std::move(name));
    starts_.push_back(std::move(start));
    stops_.push_back(std::move(stop));
}

Result<void> Panel::create_first_admin() {
    TRY(int64_t users,
        db_->read([&](const ReadTx& tx) -> Result<int64_t> { return UserRepo::count(tx); }));
    if (users > 0) return Ok{};
    const std::string password = random_hex(12);
    NewUser admin{"admin", "admin@localhost.localdomain", password, "admin", std::nullopt};
    TRY(auto created, services_->users.create("", admin));
    (void)created;
    CHECK_OK(write_file_atomic(initial_password_file(), password + "\n", 0600));
    // Shown once, and only to a person at a terminal: under systemd stderr
    // is the journal, and a password must never reach a log. The 0600 file
    // keeps it until the admin changes it.
    if (!isatty(STDERR_FILENO)) {
        spdlog::info("first admin 'admin' created; its password is in {} (mode 0600)",
                     initial_password_file().string());
        return Ok{};
    }
    std::fprintf(stderr,
                 "First admin account created:\n  username: admin\n  password: %s\n"
                 "  (also in %s, mode 0600)\n",
                 password.c_str(), initial_password_file().c_str());
    return Ok{};
}

}  // namespace wsp
