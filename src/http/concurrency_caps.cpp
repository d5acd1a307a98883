#include "http/concurrency_caps.h"

#include <algorithm>

namespace wsp {

ConcurrencyCaps::Slot ConcurrencyCaps::acquire(const std::string& key, int64_t cap) {
    {
        std::lock_guard lock(mutex_);
        int64_t& n = held_[key];
        if (cap > 0 && n >= cap) {
            if (n == 0) held_.erase(key);
            return nullptr;
        }
        ++n;
    }
    // The deleter keeps the counters alive: a slot may outlive a request's
    // admission (a streamed answer) but never the server that made it.
    auto self = shared_from_this();
    return Slot(static_cast<void*>(this), [self, key](void*) { self->release(key); });
}

void ConcurrencyCaps::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto it = held_.find(key);
    if (it == held_.end()) return;
    if (--it->second <= 0) held_.erase(it);
}

int64_t ConcurrencyCaps::held(const std::string& key) const {
    std::lock_guard lock(mutex_);
    auto it = held_.find(key);
    return it == held_.end() ? 0 : it->second;
}

int64_t blocking_share(int64_t configured, int64_t workers) {
    if (configured > 0) return configured;
    return std::max<int64_t>(1, workers - 1);
}

}  // namespace wsp
