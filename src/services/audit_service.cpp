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

void AuditService::record_refusal(const AuditContext& where, unsigned status, const Caller* caller,
                                  const std::string& target) {
    AuditRecord r;
    if (caller) {
        r.actor = caller->impersonated_by.empty() ? caller->username : caller->impersonated_by;
        r.acting_as = caller->impersonated_by.empty() ? "" : caller->username;
        r.account = caller->username;
        r.credential = credential_of(*caller);
    }
    r.client_ip = where.client_ip;
    r.action = status == 429 ? "auth.rate_limited" : "auth.refused";
    r.target = target;
    r.result = "denied";
    r.status = status;
    r.request_id = where.request_id;
    const int64_t now = ctx_.clock.now_unix();
    // The last minute's counts (if it ended): written here or by write().
    auto counts = take_finished_refusals(now);
    bool first = false;
    {
        std::lock_guard lock(refusals_mutex_);
        std::string key = std::to_string(status) + "|" + r.client_ip + "|" + r.account;
        auto it = refusals_.find(key);
        if (it == refusals_.end() && refusals_.size() >= kRefusalSources) {
            // Too many addresses this minute: the rest share one count.
            key = std::to_string(status) + "|*";
            it = refusals_.find(key);
        }
        if (it != refusals_.end()) {
            ++it->second.repeats;
        } else {
            RefusalWindow w{r, 0};
            if (key.ends_with("|*")) {
                w.first.client_ip = "*";
                w.first.actor = w.first.acting_as = w.first.account = w.first.credential = "";
            }
            refusals_.emplace(key, std::move(w));
            first = true;
        }
    }
    if (first)
        write(std::move(r), std::move(counts));
    else if (!counts.empty())
        insert_counts(counts);
}

std::vector<AuditRecord> AuditService::take_finished_refusals(int64_t now) {
    std::vector<AuditRecord> out;
    std::lock_guard lock(refusals_mutex_);
    if (now / 60 == refusal_minute_) return out;
    for (auto& [key, w] : refusals_) {
        if (w.repeats == 0) continue;
        AuditRecord c = w.first;
        c.repeats = w.repeats;
        c.request_id = "";
        // Its time: the last second of the minute counted.
        c.at = refusal_minute_ * 60 + 59;
        out.push_back(std::move(c));
    }
    refusals_.clear();
    refusal_minute_ = now / 60;
    return out;
}

void AuditService::flush_refusals() {
    insert_counts(take_finished_refusals(ctx_.clock.now_unix()));
}

void AuditService::insert_counts(const std::vector<AuditRecord>& counts) {
    if (counts.empty()) return;
    auto saved = ctx_.db.write([&](WriteTx& tx) -> Result<Ok> {
        for (const auto& c : counts) AuditRepo::insert(tx, c);
        return Ok{};
    });
    if (!saved.ok())
        spdlog::error("audit: cannot record refusal counts: {}", saved.error().message);
}

void AuditService::write(AuditRecord r, std::vector<AuditRecord> counts) {
    const int64_t now = ctx_.clock.now_unix();
    r.at = now;
    for (auto& c : take_finished_refusals(now)) counts.push_back(std::move(c));
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
        for (const auto& c : counts) AuditRepo::insert(tx, c);
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
    flush_refusals();
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
    flush_refusals();
    if (!caller.is_admin()) filter.account = caller.username;
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<AuditRecord>> {
        return AuditRepo::list(tx, filter, max, 0);
    });
}

Result<std::vector<AuditRecord>> AuditService::login_history(const Caller& caller,
                                                             const std::string& username,
                                                             int64_t n) {
    CHECK_OK(ensure_owner_or_admin(caller, username));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<AuditRecord>> {
        return AuditRepo::logins(tx, username, n);
    });
}

}  // namespace wsp
