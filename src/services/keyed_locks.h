#pragma once
// A lock per name (a set of held names and one condition variable, so
// nothing is kept for names nobody holds): changes to different things (databases) run side by
// side, changes to the same thing one at a time. Several names are taken in sorted order, so two
// holders of overlapping sets never deadlock.
#include <condition_variable>
#include <mutex>
#include <set>
#include <string>

namespace wsp {

class KeyedLocks {
  public:
    class Held {
      public:
        Held(KeyedLocks& owner, std::set<std::string> keys)
            : owner_(&owner), keys_(std::move(keys)) {}
        Held(Held&& other) noexcept : owner_(other.owner_), keys_(std::move(other.keys_)) {
            other.owner_ = nullptr;
        }
        Held(const Held&) = delete;
        Held& operator=(const Held&) = delete;
        Held& operator=(Held&&) = delete;
        ~Held() {
            if (owner_) owner_->unlock(keys_);
        }

      private:
        KeyedLocks* owner_;
        std::set<std::string> keys_;
    };

    // Blocks until every key is free, then holds them all.
    [[nodiscard]] Held lock(std::set<std::string> keys) {
        std::unique_lock guard(mutex_);
        for (const auto& key : keys) {  // sorted: a fixed order for everyone
            freed_.wait(guard, [&] { return !held_.count(key); });
            held_.insert(key);
        }
        return Held(*this, std::move(keys));
    }

  private:
    void unlock(const std::set<std::string>& keys) {
        {
            std::lock_guard guard(mutex_);
            for (const auto& key : keys) held_.erase(key);
        }
        freed_.notify_all();
    }

    std::mutex mutex_;
    std::condition_variable freed_;
    std::set<std::string> held_;
};

}  // namespace wsp
