#include "app/wire_system.h"

#include <spdlog/spdlog.h>

#include "app/panel.h"
#include "store/account_repos.h"

namespace wsp {
namespace {

void apply_quota(PanelContext& ctx, const UserRecord& user) {
    auto mb = ctx.db.read([&](const ReadTx& tx) -> Result<int64_t> {
        auto package = PackageRepo::find(tx, user.package);
        return package ? package->disk_quota_mb : -1;
    });
    if (!mb.ok()) return;
    if (auto r = ctx.identity.set_quota_mb(user.username, *mb); !r.ok())
        spdlog::error("identity: {}", r.error().message);
}

void apply_lock(Identity& identity, const std::string& username, AccountStatus status) {
    if (auto r = identity.set_locked(username, status == AccountStatus::suspended); !r.ok())
        spdlog::error("identity: {}", r.error().message);
}

}  // namespace

Result<void> wire_system(Panel& panel) {
    PanelContext* ctx = &panel.context();
    UserService& users = panel.services().users;
    users.on_status_change([ctx](const std::string& username, AccountStatus status) {
        apply_lock(ctx->identity, username, status);
    });
    users.on_account_change([ctx](const UserRecord& user) { apply_quota(*ctx, user); });
    // At every start the OS state follows the store again: a package's
    // quota changed since, or a lock lost while the panel was down.
    panel.on_serve(
        [ctx]() -> Result<void> {
            auto all = ctx->db.read([&](const ReadTx& tx) -> Result<std::vector<UserRecord>> {
                return UserRepo::list(tx);
            });
            if (!all.ok()) return all.error();
            for (const UserRecord& u : *all) {
                apply_quota(*ctx, u);
                if (u.status == AccountStatus::suspended)
                    apply_lock(ctx->identity, u.username, u.status);
            }
            return Ok{};
        },
        [] {});
    return Ok{};
}

}  // namespace wsp
