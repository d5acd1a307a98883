#pragma once
// The idempotency_keys table (schema/0015_integrations.sql).
#include <cstdint>
#include <optional>
#include <string>

#include "store/db.h"

namespace wsp {

struct IdempotencyRecord {
    std::string account;
    std::string key;
    std::string fingerprint;
    bool done = false;  // false: the first request is still running
    int64_t status = 0;
    std::string content_type;
    std::string body;
    int64_t created_at = 0;
};

class IdempotencyRepo {
  public:
    static std::optional<IdempotencyRecord> find(const ReadTx& tx, const std::string& account,
                                                 const std::string& key);
    static void insert_pending(WriteTx& tx, const std::string& account, const std::string& key,
                               const std::string& fingerprint, int64_t now);
    static void complete(WriteTx& tx, const std::string& account, const std::string& key,
                         int64_t status, const std::string& content_type, const std::string& body);
    static void remove(WriteTx& tx, const std::string& account, const std::string& key);
    // Rows older than `cutoff` (unix s); returns how many went.
    static int64_t purge_before(WriteTx& tx, int64_t cutoff);
    // Pending rows: at start no request is running any more.
    static int64_t remove_pending(WriteTx& tx);
};

}  // namespace wsp
