#include "services/idempotency_service.h"

#include <spdlog/spdlog.h>

#include "store/idempotency_repo.h"

namespace wsp {

Result<void> IdempotencyService::forget_pending() {
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        IdempotencyRepo::remove_pending(tx);
        return Ok{};
    });
}

Result<void> IdempotencyService::check_key(const std::string& key) {
    bool printable = !key.empty() && key.size() <= 255;
    for (char c : key)
        if (c < 0x21 || c > 0x7e) printable = false;
    if (!printable)
        return validation("Idempotency-Key must be 1 to 255 printable ASCII characters");
    return Ok{};
}

Result<std::optional<StoredAnswer>> IdempotencyService::begin(const std::string& account,
                                                              const std::string& key,
                                                              const std::string& fingerprint) {
    const int64_t now = ctx_.clock.now_unix();
    return ctx_.db.write([&](WriteTx& tx) -> Result<std::optional<StoredAnswer>> {
        IdempotencyRepo::purge_before(tx, now - kRetentionS);
        auto found = IdempotencyRepo::find(tx, account, key);
        if (!found) {
            IdempotencyRepo::insert_pending(tx, account, key, fingerprint, now);
            return std::optional<StoredAnswer>{};
        }
        if (found->fingerprint != fingerprint)
            return Error{Code::validation,
                         "Idempotency-Key was already used with a different request"};
        if (!found->done)
            return conflict("A request with this Idempotency-Key is still in progress");
        return std::optional<StoredAnswer>{
            StoredAnswer{static_cast<unsigned>(found->status), found->content_type, found->body}};
    });
}

void IdempotencyService::finish(const std::string& account, const std::string& key,
                                const StoredAnswer& answer) {
    if (answer.status >= 500) return abandon(account, key);
    auto r = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        IdempotencyRepo::complete(tx, account, key, answer.status, answer.content_type,
                                  answer.body);
        return Ok{};
    });
    if (!r.ok()) spdlog::error("idempotency: keeping an answer failed: {}", r.error().message);
}

void IdempotencyService::abandon(const std::string& account, const std::string& key) {
    auto r = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        IdempotencyRepo::remove(tx, account, key);
        return Ok{};
    });
    if (!r.ok()) spdlog::error("idempotency: dropping a claim failed: {}", r.error().message);
}

}  // namespace wsp
