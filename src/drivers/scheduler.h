#pragma once
// A timer queue for many items: each id has at most one due time (Unix
// seconds). One thread sleeps on a condition variable until the earliest
// due time, so an idle panel with 10,000 jobs does no work at all; nothing
// scans the jobs. When an item falls due it is removed and `on_due` runs on
// the scheduler's thread (it should hand work off quickly and may call
// set() to put the item back with its next time).
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

namespace wsp {

class Scheduler {
  public:
    using OnDue = std::function<void(int64_t id, int64_t due)>;

    explicit Scheduler(OnDue on_due) : on_due_(std::move(on_due)) {}
    ~Scheduler() { stop(); }
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    void start();
    // Returns once the thread has ended; an on_due in progress finishes first.
    void stop();

    // Replaces the item's due time; nullopt removes the item.
    void set(int64_t id, std::optional<int64_t> due);
    std::optional<int64_t> due_of(int64_t id) const;
    size_t size() const;

  private:
    struct Entry {
        int64_t due;
        int64_t id;
        uint64_t generation;
        bool operator>(const Entry& o) const { return due > o.due; }
    };
    struct Current {
        int64_t due;
        uint64_t generation;
    };

    void loop();

    OnDue on_due_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    // Superseded entries stay in the heap and are dropped when they surface
    // (their generation no longer matches current_).
    std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> heap_;
    std::unordered_map<int64_t, Current> current_;
    uint64_t next_generation_ = 1;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace wsp
