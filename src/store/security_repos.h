#pragma once
// Repositories of account security (schema/0010_account_security.sql):
// TOTP enrolment, recovery codes and the append-only audit log.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "store/db.h"

namespace wsp {

struct TotpRecord {
    std::string username;
    std::string secret;          // sealed (SecretBox), "" when none
    std::string pending_secret;  // sealed, set by setup until enable
    bool enabled = false;
    int64_t last_step = 0;
    int64_t updated_at = 0;
};

struct AuditRecord {
    int64_t id = 0;
    int64_t at = 0;
    std::string actor;       // who acted (the admin behind a login-as)
    std::string acting_as;   // whose authority was used ("" when none)
    std::string account;     // whose record it is
    std::string credential;  // "session:<id>", "key:<id>" or ""
    std::string client_ip;
    std::string action;  // "auth.login", "POST /api/v1/users/{username}", ...
    std::string target;
    std::string result;  // "ok", "failed", "denied"
    int64_t status = 0;
    std::string request_id;
    // A coalesced refusal's count: how many more refusals like the record
    // before it came from that address in that minute (0 otherwise).
    int64_t repeats = 0;
};

struct AuditFilter {
    std::optional<std::string> account;  // a customer's own records
    std::optional<std::string> actor;
    std::optional<std::string> action;  // a prefix ("auth.", "POST /api/v1/users")
    std::optional<std::string> target;  // a substring
    std::optional<int64_t> from;        // at >= from
    std::optional<int64_t> to;          // at <= to
};

class TotpRepo {
  public:
    static std::optional<TotpRecord> find(const ReadTx& tx, const std::string& username);
    static void upsert(WriteTx& tx, const TotpRecord& r);
    static bool remove(WriteTx& tx, const std::string& username);
    // Accepts `step` only when it is newer than the last accepted one.
    static bool advance_step(WriteTx& tx, const std::string& username, int64_t step);
    static std::set<std::string> enabled_usernames(const ReadTx& tx);
};

class RecoveryCodeRepo {
  public:
    static void replace_all(WriteTx& tx, const std::string& username,
                            const std::vector<std::string>& code_hashes);
    // Marks an unused code used; false when there is none such.
    static bool use(WriteTx& tx, const std::string& username, const std::string& code_hash,
                    int64_t now);
    static int64_t remaining(const ReadTx& tx, const std::string& username);
    static void remove_all(WriteTx& tx, const std::string& username);
};

class AuditRepo {
  public:
    static void insert(WriteTx& tx, const AuditRecord& r);
    // Newest first.
    static std::vector<AuditRecord> list(const ReadTx& tx, const AuditFilter& f, int64_t limit,
                                         int64_t offset);
    static int64_t count(const ReadTx& tx, const AuditFilter& f);
    // The newest `n` login attempts (auth.login, auth.login_failed) of
    // `username`.
    static std::vector<AuditRecord> logins(const ReadTx& tx, const std::string& username,
                                           int64_t n);
    static int64_t remove_before(WriteTx& tx, int64_t cutoff);
};

}  // namespace wsp
