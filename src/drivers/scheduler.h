#pragma once
// A timer queue for many items: each id has at most one due time (Unix
// seconds). One thread sleeps on a condition variable until the earliest
// due time, so an idle panel with 10,000 jobs does no work at all; nothing
// scans the jobs. When an item falls due it is removed and `on_due` runs on
// the scheduler's thread (it should hand work off quickly and may call
// set() to put the item back with its next time).
//
// Time comes from a Clock: with a FakeClock, tests leave the thread
// unstarted and call run_due() after advancing the clock, with no sleeps.
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <queue>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/clock.h"

namespace wsp {

class Scheduler {
  public:
    using OnDue = std::function<void(int64_t id, int64_t due)>;

    explicit Scheduler(OnDue on_due, const Clock& clock = system_clock())
        : on_due_(std::move(on_due)), clock_(clock) {}
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

    // Fires, on the calling thread, every item due at the clock's present
    // time, in due order (items that on_due puts back due already fire too);
    // returns how many fired. The thread does the same as time passes.
    size_t run_due();

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
    // The earliest live entry, superseded ones dropped; the lock is held.
    std::optional<Entry> earliest_locked();
    // Removes and returns the earliest entry if it is due; the lock is held.
    std::optional<Entry> take_due_locked();

    OnDue on_due_;
    const Clock& clock_;
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
