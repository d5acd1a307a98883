#pragma once
// The sso_nonces table (schema/0015_integrations.sql).
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.h"

namespace wsp {

struct SsoNonceRecord {
    std::string nonce_hash;  // sha256 hex of the nonce
    std::string username;
    std::string target_path;
    std::string reason;
    std::string minted_by;
    int64_t expires_at = 0;
    int64_t consumed_at = 0;    // 0: not yet
    std::string exchange_hash;  // sha256 hex of the exchange code ("" before)
    int64_t exchanged_at = 0;
    int64_t created_at = 0;
};

class SsoRepo {
  public:
    static void insert(WriteTx& tx, const SsoNonceRecord& r);
    static std::optional<SsoNonceRecord> find(const ReadTx& tx, const std::string& nonce_hash);
    static std::optional<SsoNonceRecord> find_by_exchange(const ReadTx& tx,
                                                          const std::string& exchange_hash);
    // Marks the nonce used, once: false when it was already (a second
    // browser), so one statement decides between two racing consumers.
    static bool consume(WriteTx& tx, const std::string& nonce_hash, int64_t now,
                        const std::string& exchange_hash);
    static bool exchange(WriteTx& tx, const std::string& exchange_hash, int64_t now);
    static int64_t purge_before(WriteTx& tx, int64_t cutoff);
};

// Row counts for GET /metrics (one read).
struct StoreCounts {
    int64_t accounts = 0, suspended = 0, domains = 0, databases = 0, ftp_accounts = 0,
            cron_jobs = 0, webhooks = 0, deliveries_pending = 0, deliveries_failed = 0;
};
class CountsRepo {
  public:
    static StoreCounts counts(const ReadTx& tx);
};

}  // namespace wsp
