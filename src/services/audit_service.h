#pragma once
// The audit log: one append-only record per mutating request (written by
// the dispatcher, which knows method, route, caller, credential, address,
// request id and status) and per security event (written by the services:
// logins, 2FA changes, login-as, reauth, session revocation). Records name
// credentials by id ("session:<id>", "key:<id>"), never by secret, and
// carry no request body. Old records are pruned after
// audit.retention_days.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "services/caller.h"
#include "services/panel.h"
#include "store/security_repos.h"

namespace wsp {

// Where a security event happened.
struct AuditContext {
    std::string client_ip;
    std::string request_id;
};

struct AuditPage {
    std::vector<AuditRecord> items;
    int64_t total = 0;
    int64_t page = 1;
    int64_t per_page = 50;
};

class AuditService {
  public:
    explicit AuditService(PanelContext& ctx) : ctx_(ctx) {}

    // A request or event by an authenticated caller. Failures to write are
    // logged, never turned into the request's answer.
    void record(const Caller& caller, const AuditContext& where, const std::string& action,
                const std::string& target, unsigned status);
    // An event without a caller (a login): `account` is whose record it is.
    void record_anonymous(const std::string& account, const AuditContext& where,
                          const std::string& action, const std::string& target,
                          const std::string& result);

    // Admins see every record, others their own account's.
    Result<AuditPage> list(const Caller& caller, AuditFilter filter, int64_t page,
                           int64_t per_page);
    // JSON lines export: the same records, up to `max` (newest first).
    Result<std::vector<AuditRecord>> export_all(const Caller& caller, AuditFilter filter,
                                                int64_t max);
    // The last `n` login attempts (ok or failed) of `username`.
    Result<std::vector<AuditRecord>> login_history(const Caller& caller,
                                                   const std::string& username, int64_t n);

  private:
    void write(AuditRecord record);

    PanelContext& ctx_;
    std::mutex prune_mutex_;
    int64_t last_prune_ = 0;
};

// "session:<id>" or "key:<id>".
std::string credential_of(const Caller& caller);

}  // namespace wsp
