#pragma once
// The audit log: one append-only record per mutating request (written by
// the dispatcher, which knows method, route, caller, credential, address,
// request id and status) and per security event (written by the services:
// logins, 2FA changes, login-as, reauth, session revocation). Records name
// credentials by id ("session:<id>", "key:<id>"), never by secret, and
// carry no request body. Old records are pruned after
// audit.retention_days.
#include <map>
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

    // A request refused before its handler with 401 (no valid credential)
    // or 429 (a rate limit); `caller` when one is known (429). Coalesced so
    // a flood cannot fill the log: per status, client address and account,
    // the first refusal of each minute is recorded at once; the others of
    // that minute are counted and recorded as one more record whose
    // `repeats` is their number, written with the next audit write (or
    // read) after the minute. At most kRefusalSources addresses a minute
    // get records of their own; beyond, refusals are counted under "*".
    void record_refusal(const AuditContext& where, unsigned status, const Caller* caller,
                        const std::string& target);
    static constexpr size_t kRefusalSources = 100;

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
    // Inserts `record` after `counts` (finished refusal windows).
    void write(AuditRecord record, std::vector<AuditRecord> counts = {});
    void insert_counts(const std::vector<AuditRecord>& counts);
    // The count records of refusal windows that ended before `now`'s minute.
    std::vector<AuditRecord> take_finished_refusals(int64_t now);
    void flush_refusals();

    struct RefusalWindow {
        AuditRecord first;
        int64_t repeats = 0;
    };

    PanelContext& ctx_;
    std::mutex prune_mutex_;
    int64_t last_prune_ = 0;
    std::mutex refusals_mutex_;
    int64_t refusal_minute_ = 0;
    std::map<std::string, RefusalWindow> refusals_;  // this minute's, by status/ip/account
};

// "session:<id>" or "key:<id>".
std::string credential_of(const Caller& caller);

}  // namespace wsp
