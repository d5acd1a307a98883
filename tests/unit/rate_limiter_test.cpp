// Fixed one-minute windows per client: counting, reset, independence of
// clients, and exactly N allowed when many threads hit at once.
#include "services/rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace wsp {
namespace {

TEST(RateLimiter, CountsDownThenRefuses) {
    RateLimiter limiter;
    const int64_t t0 = 1'000'000;
    for (int64_t i = 1; i <= 3; ++i) {
        RateDecision d = limiter.hit("k:a", 3, t0 + i);
        EXPECT_TRUE(d.allowed) << i;
        EXPECT_EQ(d.limit, 3);
        EXPECT_EQ(d.remaining, 3 - i);
        // The window opened at the first request.
        EXPECT_EQ(d.reset_at, t0 + 1 + 60);
    }
    RateDecision over = limiter.hit("k:a", 3, t0 + 10);
    EXPECT_FALSE(over.allowed);
    EXPECT_EQ(over.remaining, 0);
    EXPECT_EQ(over.limit, 3);
    EXPECT_EQ(over.reset_at, t0 + 61);
}

TEST(RateLimiter, RefusedHitsDoNotExtendTheWindow) {
    RateLimiter limiter;
    const int64_t t0 = 5'000;
    EXPECT_TRUE(limiter.hit("c", 1, t0).allowed);
    for (int64_t t = t0; t < t0 + 60; t += 7) EXPECT_FALSE(limiter.hit("c", 1, t).allowed);
    EXPECT_TRUE(limiter.hit("c", 1, t0 + 60).allowed);
}

TEST(RateLimiter, WindowResetsAfterAMinute) {
    RateLimiter limiter;
    const int64_t t0 = 2'000'000;
    EXPECT_TRUE(limiter.hit("c", 2, t0).allowed);
    EXPECT_TRUE(limiter.hit("c", 2, t0 + 30).allowed);
    EXPECT_FALSE(limiter.hit("c", 2, t0 + 59).allowed);
    RateDecision fresh = limiter.hit("c", 2, t0 + 60);
    EXPECT_TRUE(fresh.allowed);
    EXPECT_EQ(fresh.remaining, 1);
    EXPECT_EQ(fresh.reset_at, t0 + 120);
}

TEST(RateLimiter, ClientsAreIndependent) {
    RateLimiter limiter;
    EXPECT_TRUE(limiter.hit("k:a", 1, 100).allowed);
    EXPECT_FALSE(limiter.hit("k:a", 1, 100).allowed);
    EXPECT_TRUE(limiter.hit("k:b", 1, 100).allowed);
    EXPECT_TRUE(limiter.hit("s:a", 1, 100).allowed);
}

TEST(RateLimiter, CustomWindowLength) {
    RateLimiter limiter(10);
    EXPECT_TRUE(limiter.hit("c", 1, 100).allowed);
    EXPECT_FALSE(limiter.hit("c", 1, 109).allowed);
    EXPECT_TRUE(limiter.hit("c", 1, 110).allowed);
}

TEST(RateLimiter, SweepForgetsOnlyClosedWindows) {
    RateLimiter limiter;
    EXPECT_TRUE(limiter.hit("old", 1, 100).allowed);
    EXPECT_TRUE(limiter.hit("new", 1, 150).allowed);
    limiter.sweep(170);
    // "old" closed at 160 and was dropped; "new" is still counted.
    EXPECT_TRUE(limiter.hit("old", 1, 170).allowed);
    EXPECT_FALSE(limiter.hit("new", 1, 170).allowed);
}

TEST(RateLimiter, ExactlyLimitAllowedAcrossThreads) {
    RateLimiter limiter;
    constexpr int kThreads = 8;
    constexpr int kHitsEach = 2000;
    constexpr int64_t kLimit = 5000;
    std::atomic<int64_t> allowed{0};
    std::atomic<int64_t> min_remaining{kLimit};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            while (!go) std::this_thread::yield();
            for (int i = 0; i < kHitsEach; ++i) {
                RateDecision d = limiter.hit("k:shared", kLimit, 42);
                if (d.allowed) ++allowed;
                int64_t seen = min_remaining;
                while (d.remaining < seen &&
                       !min_remaining.compare_exchange_weak(seen, d.remaining)) {
                }
            }
        });
    }
    go = true;
    for (auto& t : threads) t.join();
    EXPECT_EQ(allowed.load(), kLimit);
    EXPECT_EQ(min_remaining.load(), 0);
}

// The account ceiling has windows of its own: an account named like a
// token id does not share its window, and 0 means no ceiling.
TEST(RateLimiter, AccountCeilingIsSeparateAndZeroMeansNone) {
    RateLimiter limiter;
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.hit_account("alice", 3, 100).allowed);
    EXPECT_FALSE(limiter.hit_account("alice", 3, 100).allowed);
    EXPECT_TRUE(limiter.hit("alice", 3, 100).allowed);  // a client id, not the account
    EXPECT_TRUE(limiter.hit_account("bob", 3, 100).allowed);
    for (int i = 0; i < 10; ++i) EXPECT_TRUE(limiter.hit_account("alice", 0, 100).allowed);
    EXPECT_TRUE(limiter.hit_account("alice", 3, 160).allowed);  // the next window
}

}  // namespace
}  // namespace wsp
