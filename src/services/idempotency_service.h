#pragma once
// Idempotency-Key (docs/integrations.md): the first answer to a mutating
// request sent with the header is kept 24 hours per account and key and
// replayed to retries; the same key with another request is 422, a retry
// while the first still runs 409. The Dispatcher calls it around every
// mutating handler, so no route can forget it.
#include <cstdint>
#include <optional>
#include <string>

#include "base/result.h"
#include "services/panel.h"

namespace wsp {

struct StoredAnswer {
    unsigned status = 0;
    std::string content_type;
    std::string body;
};

class IdempotencyService {
  public:
    static constexpr int64_t kRetentionS = 24 * 60 * 60;

    explicit IdempotencyService(PanelContext& ctx) : ctx_(ctx) {}

    // Drops rows left pending by a previous run (start-up).
    Result<void> forget_pending();

    // A 400 naming the header unless `key` is 1..255 printable ASCII.
    static Result<void> check_key(const std::string& key);

    // Claims (account, key) for a request with `fingerprint`. nullopt: run
    // the handler, then finish() or abandon(). A stored answer: replay it.
    // 409 while the first request runs; 422 when the key was used for
    // another request.
    Result<std::optional<StoredAnswer>> begin(const std::string& account, const std::string& key,
                                              const std::string& fingerprint);
    // Keeps the answer (errors 5xx are not kept: the claim is dropped so a
    // retry runs again).
    void finish(const std::string& account, const std::string& key, const StoredAnswer& answer);
    void abandon(const std::string& account, const std::string& key);

  private:
    PanelContext& ctx_;
};

}  // namespace wsp
