#include "app/panel.h"

#include "app/wire.h"
#include "app/wire_system.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/secrets.h"
#include "store/account_repos.h"
#include "system/file_io.h"
#include "system/system_identity.h"

namespace wsp {
namespace {

// identity.mode picks the seam (docs/system-mode.md).
Result<std::unique_ptr<Identity>> make_identity(const Config& c) {
    if (c.identity.mode == "sandbox") {
        TRY(auto id, SandboxIdentity::create(c.paths.data_dir, c.sandbox.user));
        return std::unique_ptr<Identity>(std::move(id));
    }
    if (c.identity.mode == "system") {
        TRY(auto id, SystemIdentity::create(c.identity, c.sandbox.user));
        return std::unique_ptr<Identity>(std::move(id));
    }
    return validation("identity.mode must be \"sandbox\" or \"system\"");
}

}  // namespace

Result<std::unique_ptr<Panel>> Panel::open(Config config) {
    if (!init_crypto()) return internal("libsodium failed to initialise");
    std::unique_ptr<Panel> p(new Panel(std::move(config)));
    std::error_code ec;
    std::filesystem::create_directories(p->data_dir(), ec);
    if (ec) return validation("cannot create data dir " + p->data_dir().string());
    // Traversable (account homes live below), not listable by others.
    ::chmod(p->data_dir().c_str(), 0711);
    for (const char* sub : {"run", "tls", "log"}) {
        std::filesystem::create_directories(p->data_dir() / sub, ec);
        ::chmod((p->data_dir() / sub).c_str(), 0700);
    }
    TRY(p->db_, Db::open((p->data_dir() / "panel.db").string()));
    ::chmod((p->data_dir() / "panel.db").c_str(), 0600);
    TRY(p->identity_, make_identity(p->config_));
    p->ctx_.reset(new PanelContext{p->config_, *p->db_, p->index_, *p->identity_});
    p->services_ = std::make_unique<Services>(*p->ctx_);
    CHECK_OK(p->create_first_admin());
    CHECK_OK(p->index_.load(*p->db_));
    CHECK_OK(wire_areas(*p));
    CHECK_OK(wire_system(*p));
    return p;
}

void Panel::on_serve(std::function<Result<void>()> start, std::function<void()> stop) {
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
    // Printed this once; the file keeps it until the admin changes it.
    std::fprintf(stderr,
                 "First admin account created:\n  username: admin\n  password: %s\n"
                 "  (also in %s, mode 0600)\n",
                 password.c_str(), initial_password_file().c_str());
    return Ok{};
}

}  // namespace wsp
