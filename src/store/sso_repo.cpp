#include "store/sso_repo.h"

namespace wsp {
namespace {

constexpr const char* kColumns =
    "nonce_hash, username, target_path, reason, minted_by, expires_at, consumed_at, "
    "exchange_hash, exchanged_at, created_at";

SsoNonceRecord read_nonce(const Stmt& s) {
    SsoNonceRecord r;
    r.nonce_hash = s.text(0);
    r.username = s.text(1);
    r.target_path = s.text(2);
    r.reason = s.text(3);
    r.minted_by = s.text(4);
    r.expires_at = s.integer(5);
    r.consumed_at = s.integer(6);
    r.exchange_hash = s.text(7);
    r.exchanged_at = s.integer(8);
    r.created_at = s.integer(9);
    return r;
}

int64_t count(const ReadTx& tx, const char* sql) {
    Stmt s(tx, sql);
    return s.step() ? s.integer(0) : 0;
}

}  // namespace

void SsoRepo::insert(WriteTx& tx, const SsoNonceRecord& r) {
    Stmt s(tx, std::string("INSERT INTO sso_nonces (") + kColumns +
                   ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s.bind_all(r.nonce_hash, r.username, r.target_path, r.reason, r.minted_by, r.expires_at,
               r.consumed_at, r.exchange_hash, r.exchanged_at, r.created_at);
    s.run();
}

std::optional<SsoNonceRecord> SsoRepo::find(const ReadTx& tx, const std::string& nonce_hash) {
    Stmt s(tx, std::string("SELECT ") + kColumns + " FROM sso_nonces WHERE nonce_hash = ?");
    s.bind(1, nonce_hash);
    if (!s.step()) return std::nullopt;
    return read_nonce(s);
}

std::optional<SsoNonceRecord> SsoRepo::find_by_exchange(const ReadTx& tx,
                                                        const std::string& exchange_hash) {
    Stmt s(tx, std::string("SELECT ") + kColumns +
                   " FROM sso_nonces WHERE exchange_hash = ? AND exchange_hash != ''");
    s.bind(1, exchange_hash);
    if (!s.step()) return std::nullopt;
    return read_nonce(s);
}

bool SsoRepo::consume(WriteTx& tx, const std::string& nonce_hash, int64_t now,
                      const std::string& exchange_hash) {
    Stmt s(tx,
           "UPDATE sso_nonces SET consumed_at = ?, exchange_hash = ? "
           "WHERE nonce_hash = ? AND consumed_at = 0 AND expires_at > ?");
    s.bind_all(now, exchange_hash, nonce_hash, now);
    return s.run() == 1;
}

bool SsoRepo::exchange(WriteTx& tx, const std::string& exchange_hash, int64_t now) {
    Stmt s(tx,
           "UPDATE sso_nonces SET exchanged_at = ? WHERE exchange_hash = ? AND "
           "exchange_hash != '' AND exchanged_at = 0");
    s.bind_all(now, exchange_hash);
    return s.run() == 1;
}

int64_t SsoRepo::purge_before(WriteTx& tx, int64_t cutoff) {
    Stmt s(tx, "DELETE FROM sso_nonces WHERE expires_at < ?");
    s.bind(1, cutoff);
    return s.run();
}

StoreCounts CountsRepo::counts(const ReadTx& tx) {
    StoreCounts c;
    c.accounts = count(tx, "SELECT COUNT(*) FROM users");
    c.suspended = count(tx, "SELECT COUNT(*) FROM users WHERE status = 'suspended'");
    c.domains = count(tx, "SELECT COUNT(*) FROM domains");
    c.databases = count(tx, "SELECT COUNT(*) FROM databases");
    c.ftp_accounts = count(tx, "SELECT COUNT(*) FROM ftp_accounts");
    c.cron_jobs = count(tx, "SELECT COUNT(*) FROM cron_jobs");
    c.webhooks = count(tx, "SELECT COUNT(*) FROM webhooks");
    c.deliveries_pending =
        count(tx, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'pending'");
    c.deliveries_failed =
        count(tx, "SELECT COUNT(*) FROM webhook_deliveries WHERE status = 'failed'");
    return c;
}

}  // namespace wsp
