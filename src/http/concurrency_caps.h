#pragma once
// Counters of work in flight per key ("account:alice", "ip:10.0.0.7"), so
// that one customer (or one address) can never take every blocking worker
// or every connection: a slot is taken at admission and given back when
// its holder is destroyed (the request's answer fully written, streamed
// bodies included). Thread-safe: the event loops and the workers share it.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

namespace wsp {

class ConcurrencyCaps : public std::enable_shared_from_this<ConcurrencyCaps> {
  public:
    // A held slot; destroying it (last copy) releases it.
    using Slot = std::shared_ptr<void>;

    // A slot for `key` when fewer than `cap` are held; null otherwise.
    // cap <= 0: no cap (always a slot).
    Slot acquire(const std::string& key, int64_t cap);
    // Slots currently held for `key` (tests, logs).
    int64_t held(const std::string& key) const;

  private:
    void release(const std::string& key);

    mutable std::mutex mutex_;
    std::unordered_map<std::string, int64_t> held_;
};

// server.max_blocking_per_account (and the unauthenticated per-IP share)
// as configured, 0 meaning "all workers but one", never below 1.
int64_t blocking_share(int64_t configured, int64_t workers);

}  // namespace wsp
