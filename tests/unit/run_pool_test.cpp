// RunPool (cron runs): threads are made only when tasks need them, never
// more than the cap, and every queued task runs.
#include "drivers/run_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

namespace wsp {
namespace {

size_t thread_count() {
    size_t n = 0;
    for ([[maybe_unused]] const auto& entry :
         std::filesystem::directory_iterator("/proc/self/task"))
        ++n;
    return n;
}

TEST(RunPool, AnIdlePoolHoldsNoThreadsAndABusyOneNeverMoreThanItsCap) {
    RunPool pool;
    size_t before = thread_count();
    pool.start(3);
    EXPECT_EQ(thread_count(), before) << "an idle pool made threads";

    std::promise<void> release;
    std::shared_future<void> gate = release.get_future().share();
    std::atomic<int> running{0}, peak{0}, done{0};
    for (int i = 0; i < 5; ++i) {
        pool.submit([&, gate] {
            int now = ++running;
            int seen = peak.load();
            while (now > seen && !peak.compare_exchange_weak(seen, now)) {
            }
            gate.wait();
            --running;
            ++done;
        });
    }
    // Three tasks start (the cap), two wait their turn.
    for (int i = 0; i < 500 && running.load() < 3; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(running.load(), 3);
    EXPECT_EQ(thread_count(), before + 3);

    release.set_value();
    for (int i = 0; i < 500 && done.load() < 5; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    EXPECT_EQ(done.load(), 5);
    EXPECT_EQ(peak.load(), 3);
    EXPECT_EQ(thread_count(), before + 3) << "threads stay for the next runs";
    pool.stop();
    EXPECT_EQ(thread_count(), before);
}

}  // namespace
}  // namespace wsp
