// The timer queue behind cron: items fire once at their time, in order; a
// replaced or removed time never fires.
#include "drivers/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <thread>
#include <vector>

namespace wsp {
namespace {

using namespace std::chrono_literals;

struct Fired {
    std::mutex mutex;
    std::vector<std::pair<int64_t, int64_t>> items;
    size_t size() {
        std::lock_guard lock(mutex);
        return items.size();
    }
};

TEST(Scheduler, FiresDueItemsInOrderOnceEach) {
    Fired fired;
    Scheduler s([&](int64_t id, int64_t due) {
        std::lock_guard lock(fired.mutex);
        fired.items.emplace_back(id, due);
    });
    int64_t now = ::time(nullptr);
    s.set(1, now + 1);
    s.set(2, now - 5);  // overdue: fires at once
    s.set(3, now + 1);
    s.set(3, now + 3600);  // replaced: must not fire now
    s.set(4, now + 1);
    s.set(4, std::nullopt);  // removed
    s.start();
    for (int i = 0; i < 40 && fired.size() < 2; ++i) std::this_thread::sleep_for(100ms);
    std::this_thread::sleep_for(300ms);
    s.stop();
    ASSERT_EQ(fired.items.size(), 2u);
    EXPECT_EQ(fired.items[0].first, 2);
    EXPECT_EQ(fired.items[1].first, 1);
    EXPECT_EQ(fired.items[1].second, now + 1);
    EXPECT_EQ(s.due_of(3), now + 3600);
    EXPECT_FALSE(s.due_of(1).has_value());
    EXPECT_EQ(s.size(), 1u);
}

TEST(Scheduler, AnEarlierItemWakesTheSleepingThread) {
    Fired fired;
    Scheduler s([&](int64_t id, int64_t due) {
        std::lock_guard lock(fired.mutex);
        fired.items.emplace_back(id, due);
    });
    int64_t now = ::time(nullptr);
    s.set(1, now + 3600);
    s.start();
    std::this_thread::sleep_for(100ms);
    s.set(2, now);  // due already
    for (int i = 0; i < 20 && fired.size() < 1; ++i) std::this_thread::sleep_for(50ms);
    s.stop();
    ASSERT_EQ(fired.items.size(), 1u);
    EXPECT_EQ(fired.items[0].first, 2);
}

TEST(Scheduler, OnDueMayRescheduleItself) {
    Fired fired;
    Scheduler* self = nullptr;
    Scheduler s([&](int64_t id, int64_t due) {
        {
            std::lock_guard lock(fired.mutex);
            fired.items.emplace_back(id, due);
        }
        self->set(id, due + 3600);
    });
    self = &s;
    int64_t now = ::time(nullptr);
    s.set(7, now - 1);
    s.start();
    for (int i = 0; i < 20 && fired.size() < 1; ++i) std::this_thread::sleep_for(50ms);
    s.stop();
    EXPECT_EQ(fired.items.size(), 1u);
    EXPECT_EQ(s.due_of(7), now - 1 + 3600);
}

}  // namespace
}  // namespace wsp
