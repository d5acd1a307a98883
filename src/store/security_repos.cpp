#include "store/security_repos.h"

namespace wsp {

// --- totp

std::optional<TotpRecord> TotpRepo::find(const ReadTx& tx, const std::string& username) {
    Stmt s(tx,
           "SELECT username, secret, pending_secret, enabled, last_step, updated_at FROM totp "
           "WHERE username = ?");
    s.bind(1, username);
    if (!s.step()) return std::nullopt;
    return TotpRecord{s.text(0),         s.text(1),    s.text(2),
                      s.integer(3) != 0, s.integer(4), s.integer(5)};
}

void TotpRepo::upsert(WriteTx& tx, const TotpRecord& r) {
    Stmt s(tx,
           "INSERT INTO totp(username, secret, pending_secret, enabled, last_step, updated_at) "
           "VALUES(?,?,?,?,?,?) ON CONFLICT(username) DO UPDATE SET secret = excluded.secret, "
           "pending_secret = excluded.pending_secret, enabled = excluded.enabled, "
           "last_step = excluded.last_step, updated_at = excluded.updated_at");
    s.bind_all(r.username, r.secret, r.pending_secret, int64_t{r.enabled ? 1 : 0}, r.last_step,
               r.updated_at)
        .run();
}

bool TotpRepo::remove(WriteTx& tx, const std::string& username) {
    Stmt s(tx, "DELETE FROM totp WHERE username = ?");
    s.bind(1, username);
    return s.run() > 0;
}

bool TotpRepo::advance_step(WriteTx& tx, const std::string& username, int64_t step) {
    Stmt s(tx, "UPDATE totp SET last_step = ? WHERE username = ? AND last_step < ?");
    s.bind_all(step, username, step);
    return s.run() > 0;
}

std::set<std::string> TotpRepo::enabled_usernames(const ReadTx& tx) {
    Stmt s(tx, "SELECT username FROM totp WHERE enabled = 1");
    std::set<std::string> out;
    while (s.step()) out.insert(s.text(0));
    return out;
}

// --- recovery codes

void RecoveryCodeRepo::replace_all(WriteTx& tx, const std::string& username,
                                   const std::vector<std::string>& code_hashes) {
    remove_all(tx, username);
    for (const auto& h : code_hashes) {
        Stmt s(tx, "INSERT INTO recovery_codes(username, code_hash) VALUES(?,?)");
        s.bind_all(username, h).run();
    }
}

bool RecoveryCodeRepo::use(WriteTx& tx, const std::string& username, const std::string& code_hash,
                           int64_t now) {
    Stmt s(tx,
           "UPDATE recovery_codes SET used_at = ? WHERE username = ? AND code_hash = ? AND "
           "used_at = 0");
    s.bind_all(now, username, code_hash);
    return s.run() > 0;
}

int64_t RecoveryCodeRepo::remaining(const ReadTx& tx, const std::string& username) {
    Stmt s(tx, "SELECT COUNT(*) FROM recovery_codes WHERE username = ? AND used_at = 0");
    s.bind(1, username);
    s.step();
    return s.integer(0);
}

void RecoveryCodeRepo::remove_all(WriteTx& tx, const std::string& username) {
    Stmt s(tx, "DELETE FROM recovery_codes WHERE username = ?");
    s.bind(1, username);
    s.run();
}

// --- audit log

void AuditRepo::insert(WriteTx& tx, const AuditRecord& r) {
    Stmt s(tx,
           "INSERT INTO audit_log(at, actor, acting_as, account, credential, client_ip, action, "
           "target, result, status, request_id, repeats) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
    s.bind_all(r.at, r.actor, r.acting_as, r.account, r.credential, r.client_ip, r.action, r.target,
               r.result, r.status, r.request_id, r.repeats)
        .run();
}

namespace {

// The WHERE clause of a filter; bind_filter binds in the same order.
std::string where_of(const AuditFilter& f) {
    std::string w = " WHERE 1=1";
    if (f.account) w += " AND account = ?";
    if (f.actor) w += " AND actor = ?";
    if (f.action) w += " AND substr(action, 1, length(?)) = ?";
    if (f.target) w += " AND instr(target, ?) > 0";
    if (f.from) w += " AND at >= ?";
    if (f.to) w += " AND at <= ?";
    return w;
}

int bind_filter(Stmt& s, const AuditFilter& f) {
    int i = 1;
    if (f.account) s.bind(i++, *f.account);
    if (f.actor) s.bind(i++, *f.actor);
    if (f.action) {
        s.bind(i++, *f.action);
        s.bind(i++, *f.action);
    }
    if (f.target) s.bind(i++, *f.target);
    if (f.from) s.bind(i++, *f.from);
    if (f.to) s.bind(i++, *f.to);
    return i;
}

}  // namespace

std::vector<AuditRecord> AuditRepo::list(const ReadTx& tx, const AuditFilter& f, int64_t limit,
                                         int64_t offset) {
    Stmt s(tx,
           "SELECT id, at, actor, acting_as, account, credential, client_ip, action, target, "
           "result, status, request_id, repeats FROM audit_log" +
               where_of(f) + " ORDER BY id DESC LIMIT ? OFFSET ?");
    int i = bind_filter(s, f);
    s.bind(i++, limit);
    s.bind(i, offset);
    std::vector<AuditRecord> out;
    while (s.step())
        out.push_back({s.integer(0), s.integer(1), s.text(2), s.text(3), s.text(4), s.text(5),
                       s.text(6), s.text(7), s.text(8), s.text(9), s.integer(10), s.text(11),
                       s.integer(12)});
    return out;
}

std::vector<AuditRecord> AuditRepo::logins(const ReadTx& tx, const std::string& username,
                                           int64_t n) {
    AuditFilter f;
    f.account = username;
    f.action = "auth.login";  // a prefix: auth.login and auth.login_failed
    return list(tx, f, n, 0);
}

int64_t AuditRepo::count(const ReadTx& tx, const AuditFilter& f) {
    Stmt s(tx, "SELECT COUNT(*) FROM audit_log" + where_of(f));
    bind_filter(s, f);
    s.step();
    return s.integer(0);
}

int64_t AuditRepo::remove_before(WriteTx& tx, int64_t cutoff) {
    Stmt s(tx, "DELETE FROM audit_log WHERE at < ?");
    s.bind(1, cutoff);
    return s.run();
}

}  // namespace wsp
