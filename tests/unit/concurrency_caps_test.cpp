// The starvation caps' counters (http/concurrency_caps.h) and the
// per-database locks (services/keyed_locks.h).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "http/concurrency_caps.h"
#include "services/keyed_locks.h"

namespace wsp {
namespace {

TEST(ConcurrencyCaps, AKeyGetsAtMostItsCapAndSlotsComeBack) {
    auto caps = std::make_shared<ConcurrencyCaps>();
    auto a1 = caps->acquire("account:a", 2);
    auto a2 = caps->acquire("account:a", 2);
    ASSERT_TRUE(a1 && a2);
    EXPECT_FALSE(caps->acquire("account:a", 2));
    // Another key is not affected.
    EXPECT_TRUE(caps->acquire("account:b", 2));
    EXPECT_EQ(caps->held("account:a"), 2);
    // Copies share one slot; the last one gives it back.
    auto copy = a1;
    a1.reset();
    EXPECT_FALSE(caps->acquire("account:a", 2));
    copy.reset();
    EXPECT_TRUE(caps->acquire("account:a", 2));
    EXPECT_EQ(caps->held("account:a"), 1);  // a2 only: the slot just taken is gone
    a2.reset();
    EXPECT_EQ(caps->held("account:a"), 0);
}

TEST(ConcurrencyCaps, NoCapMeansAlwaysASlot) {
    auto caps = std::make_shared<ConcurrencyCaps>();
    std::vector<ConcurrencyCaps::Slot> held;
    for (int i = 0; i < 100; ++i) held.push_back(caps->acquire("k", 0));
    for (auto& s : held) EXPECT_TRUE(s);
}

TEST(ConcurrencyCaps, ShareIsAllWorkersButOneByDefault) {
    EXPECT_EQ(blocking_share(0, 4), 3);
    EXPECT_EQ(blocking_share(0, 1), 1);
    EXPECT_EQ(blocking_share(0, 2), 1);
    EXPECT_EQ(blocking_share(5, 4), 5);
}

TEST(KeyedLocks, DifferentKeysDoNotWaitSameKeysDo) {
    KeyedLocks locks;
    auto held = locks.lock({"db:a"});
    // Another key: taken at once on another thread.
    std::atomic<bool> other{false};
    std::thread t([&] {
        auto h = locks.lock({"db:b", "owner:x"});
        other = true;
    });
    t.join();
    EXPECT_TRUE(other);
    // The same key: waits until the holder lets go.
    std::atomic<bool> same{false};
    std::thread u([&] {
        auto h = locks.lock({"owner:x", "db:a"});
        same = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_FALSE(same);
    { auto gone = std::move(held); }
    u.join();
    EXPECT_TRUE(same);
}

}  // namespace
}  // namespace wsp
