#include "app/wire_system.h"

#include <spdlog/spdlog.h>

#include <map>
#include <string>
#include <vector>

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
        "system",
        [ctx]() -> Result<void> {
            // Two queries in all (accounts, packages), not one package
            // lookup per account: 10,000 accounts made 10,000 transactions.
            std::vector<UserRecord> all;
            std::map<std::string, int64_t> quota_mb;
            CHECK_OK(ctx->db.read([&](const ReadTx& tx) -> Result<void> {
                all = UserRepo::list(tx);
                for (const auto& p : PackageRepo::list(tx)) quota_mb[p.name] = p.disk_quota_mb;
                return Ok{};
            }));
            for (const UserRecord& u : all) {
                auto q = quota_mb.find(u.package);
                if (auto r = ctx->identity.set_quota_mb(u.username,
                                                        q != quota_mb.end() ? q->second : -1);
                    !r.ok())
                    spdlog::error("identity: {}", r.error().message);
                if (u.status == AccountStatus::suspended)
                    apply_lock(ctx->identity, u.username, u.status);
            }
            return Ok{};
        },
        [] {});
    return Ok{};
}

}  // namespace wsp
