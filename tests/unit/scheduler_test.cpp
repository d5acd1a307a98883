// The timer queue behind cron: items fire once at their time, in order; a
// replaced or removed time never fires. On a FakeClock, driven by run_due():
// no sleeps; one test starts the real thread on the real clock.
#include "drivers/scheduler.h"

#include <gtest/gtest.h>

#include <chrono>
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

Scheduler::OnDue recorder(Fired& fired) {
    return [&fired](int64_t id, int64_t due) {
        std::lock_guard lock(fired.mutex);
        fired.items.emplace_back(id, due);
    };
}

TEST(Scheduler, FiresDueItemsInOrderOnceEach) {
    FakeClock clock;
    Fired fired;
    Scheduler s(recorder(fired), clock);
    const int64_t now = clock.now_unix();
    s.set(1, now + 1);
    s.set(2, now - 5);  // overdue: fires at once
    s.set(3, now + 1);
    s.set(3, now + 3600);  // replaced: must not fire now
    s.set(4, now + 1);
    s.set(4, std::nullopt);  // removed
    EXPECT_EQ(s.run_due(), 1u);
    clock.advance(1s);
    EXPECT_EQ(s.run_due(), 1u);
    EXPECT_EQ(s.run_due(), 0u);  // each once
    ASSERT_EQ(fired.items.size(), 2u);
    EXPECT_EQ(fired.items[0].first, 2);
    EXPECT_EQ(fired.items[1].first, 1);
    EXPECT_EQ(fired.items[1].second, now + 1);
    EXPECT_EQ(s.due_of(3), now + 3600);
    EXPECT_FALSE(s.due_of(1).has_value());
    EXPECT_EQ(s.size(), 1u);
}

TEST(Scheduler, NothingFiresBeforeItsSecond) {
    FakeClock clock;
    Fired fired;
    Scheduler s(recorder(fired), clock);
    s.set(1, clock.now_unix() + 60);
    clock.advance(59s);
    EXPECT_EQ(s.run_due(), 0u);
    clock.advance(999ms);
    EXPECT_EQ(s.run_due(), 0u);
    clock.advance(1ms);
    EXPECT_EQ(s.run_due(), 1u);
}

TEST(Scheduler, OnDueMayRescheduleItself) {
    FakeClock clock;
    Fired fired;
    Scheduler* self = nullptr;
    Scheduler s(
        [&](int64_t id, int64_t due) {
            recorder(fired)(id, due);
            self->set(id, due + 3600);
        },
        clock);
    self = &s;
    const int64_t now = clock.now_unix();
    s.set(7, now - 1);
    EXPECT_EQ(s.run_due(), 1u);
    EXPECT_EQ(s.due_of(7), now - 1 + 3600);
    clock.advance(3599s);
    EXPECT_EQ(s.run_due(), 1u);
    EXPECT_EQ(s.due_of(7), now - 1 + 7200);
    EXPECT_EQ(fired.size(), 2u);
}

// The thread on the real clock: an earlier item wakes it from a long wait.
TEST(Scheduler, AnEarlierItemWakesTheSleepingThread) {
    Fired fired;
    Scheduler s(recorder(fired));
    const int64_t now = system_clock().now_unix();
    s.set(1, now + 3600);
    s.start();
    s.set(2, now);  // due already
    for (int i = 0; i < 200 && fired.size() < 1; ++i) std::this_thread::sleep_for(10ms);
    s.stop();
    ASSERT_EQ(fired.items.size(), 1u);
    EXPECT_EQ(fired.items[0].first, 2);
}

}  // namespace
}  // namespace wsp
