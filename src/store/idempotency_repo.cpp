#include "store/idempotency_repo.h"

namespace wsp {

std::optional<IdempotencyRecord> IdempotencyRepo::find(const ReadTx& tx, const std::string& account,
                                                       const std::string& key) {
    Stmt s(tx,
           "SELECT fingerprint, state, status, content_type, body, created_at "
           "FROM idempotency_keys WHERE account = ? AND key = ?");
    s.bind_all(account, key);
    if (!s.step()) return std::nullopt;
    IdempotencyRecord r;
    r.account = account;
    r.key = key;
    r.fingerprint = s.text(0);
    r.done = s.text(1) == "done";
    r.status = s.integer(2);
    r.content_type = s.text(3);
    r.body = s.text(4);
    r.created_at = s.integer(5);
    return r;
}

void IdempotencyRepo::insert_pending(WriteTx& tx, const std::string& account,
                                     const std::string& key, const std::string& fingerprint,
                                     int64_t now) {
    Stmt s(tx,
           "INSERT INTO idempotency_keys (account, key, fingerprint, state, created_at) "
           "VALUES (?, ?, ?, 'pending', ?)");
    s.bind_all(account, key, fingerprint, now);
    s.run();
}

void IdempotencyRepo::complete(WriteTx& tx, const std::string& account, const std::string& key,
                               int64_t status, const std::string& content_type,
                               const std::string& body) {
    Stmt s(tx,
           "UPDATE idempotency_keys SET state = 'done', status = ?, content_type = ?, body = ? "
           "WHERE account = ? AND key = ?");
    s.bind_all(status, content_type, body, account, key);
    s.run();
}

void IdempotencyRepo::remove(WriteTx& tx, const std::string& account, const std::string& key) {
    Stmt s(tx, "DELETE FROM idempotency_keys WHERE account = ? AND key = ?");
    s.bind_all(account, key);
    s.run();
}

int64_t IdempotencyRepo::purge_before(WriteTx& tx, int64_t cutoff) {
    Stmt s(tx, "DELETE FROM idempotency_keys WHERE created_at < ?");
    s.bind(1, cutoff);
    return s.run();
}

int64_t IdempotencyRepo::remove_pending(WriteTx& tx) {
    Stmt s(tx, "DELETE FROM idempotency_keys WHERE state = 'pending'");
    return s.run();
}

}  // namespace wsp
