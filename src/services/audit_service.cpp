#include "services/audit_service.h"

#include <spdlog/spdlog.h>

namespace wsp {

std::string credential_of(const Caller& caller) {
    if (!caller.key_id.empty()) return "key:" + caller.key_id;
    if (!caller.session_hash.empty()) return "session:" + caller.session_id();
    return "";
}

void AuditService::record(const Caller& caller, const AuditContext& where,
                          const std::string& action, const std::string& target, unsigned status) {
    AuditRecord r;
    r.actor = caller.impersonated_by.empty() ? caller.username : caller.impersonated_by;
    r.acting_as = caller.impersonated_by.empty() ? "" : caller.username;
    r.account = caller.username;
    r.credential = credential_of(caller);
    r.client_ip = where.client_ip;
    r.action = action;
    r.target = target;
    r.status = status;
    r.result = status < 400 ? "ok" : (status == 401 || status == 403 ? "denied" : "failed");
    r.request_id = where.request_id;
    write(std::move(r));
}

void AuditService::record_anonymous(const std::string& account, const AuditContext& where,
                                    const std::string& action, const std::string& target,
                                    const std::string& result) {
    AuditRecord r;
    r.actor = account;
    r.account = account;
    r.client_ip = where.client_ip;
    r.action = action;
    r.target = target;
    r.result = result;
    r.status = result == "ok" ? 200 : 401;
    r.request_id = where.request_id;
    write(std::move(r));
}

void AuditService::write(AuditRecord r) {
    const int64_t now = ctx_.clock.now_unix();
    r.at = now;
    const int64_t retention = ctx_.config.audit.retention_days;
    bool prune = false;
    if (retention > 0) {
        std::lock_guard lock(prune_mutex_);
        // At most once an hour: retention is counted in days.
        if (now - last_prune_ >= 3600) {
            last_prune_ = now;
            prune = true;
        }
    }
    auto saved = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        AuditRepo::insert(tx, r);
        if (prune) AuditRepo::remove_before(tx, now - retention * 86400);
        return Ok{};
    });
    if (!saved.ok()) spdlog::error("audit: cannot record {}: {}", r.action, saved.error().message);
}

Result<AuditPage> AuditService::list(const Caller& caller, AuditFilter filter, int64_t page,
                                     int64_t per_page) {
    if (page < 1) return validation("page must be at least 1");
    if (per_page < 1 || per_page > 500) return validation("per_page must be between 1 and 500");
    if (!caller.is_admin()) filter.account = caller.username;
    return ctx_.db.read([&](const ReadTx& tx) -> Result<AuditPage> {
        AuditPage out;
        out.page = page;
        out.per_page = per_page;
        out.total = AuditRepo::count(tx, filter);
        out.items = AuditRepo::list(tx, filter, per_page, (page - 1) * per_page);
        return out;
    });
}

Result<std::vector<AuditRecord>> AuditService::export_all(const Caller& caller, AuditFilter filter,
                                                          int64_t max) {
    if (!caller.is_admin()) filter.account = caller.username;
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<AuditRecord>> {
        return AuditRepo::list(tx, filter, max, 0);
    });
}

Result<std::vector<AuditRecord>> AuditService::login_history(const Caller& caller,
                                                             const std::string& username,
                                                             int64_t n) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    AuditFilter f;
    f.account = username;
    f.action = "auth.login";  // auth.login and auth.login_failed
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<AuditRecord>> {
        return AuditRepo::list(tx, f, n, 0);
    });
}

}  // namespace wsp
