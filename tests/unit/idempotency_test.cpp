// Idempotency-Key's decisions on a real store and a FakeClock
// (services/idempotency_service.*): claim, replay, 409 while running, 422
// for another request, 5xx released, 24 h retention.
#include "services/idempotency_service.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "base/clock.h"
#include "system/identity.h"
#include "temp_store.h"

namespace wsp {
namespace {

class Idempotency : public TempStoreTest {
  protected:
    void TearDown() override {
        svc_.reset();
        ctx_.reset();
        identity_.reset();
        TempStoreTest::TearDown();
    }
    void SetUp() override {
        TempStoreTest::SetUp();
        config_.paths.data_dir = dir_.string();
        auto identity = SandboxIdentity::create(dir_, config_.sandbox, *db_);
        ASSERT_TRUE(identity.ok()) << identity.error().message;
        identity_ = std::move(*identity);
        ctx_ =
            std::make_unique<PanelContext>(PanelContext{config_, *db_, index_, *identity_, clock_});
        svc_ = std::make_unique<IdempotencyService>(*ctx_);
    }
    Config config_;
    AuthIndex index_;
    FakeClock clock_;
    std::unique_ptr<SandboxIdentity> identity_;
    std::unique_ptr<PanelContext> ctx_;
    std::unique_ptr<IdempotencyService> svc_;
};

TEST_F(Idempotency, ClaimReplayConflictMismatchRetention) {
    auto first = svc_->begin("bob", "k1", "fp-a");
    ASSERT_TRUE(first.ok());
    EXPECT_FALSE(*first);  // run the handler
    // A retry while the first runs: 409.
    auto running = svc_->begin("bob", "k1", "fp-a");
    ASSERT_FALSE(running.ok());
    EXPECT_EQ(running.error().code, Code::conflict);
    // Another request with the key: the dispatcher's 422.
    auto other = svc_->begin("bob", "k1", "fp-b");
    ASSERT_FALSE(other.ok());
    EXPECT_EQ(other.error().code, Code::validation);
    // Another account's key of the same name is its own.
    auto alice = svc_->begin("alice", "k1", "fp-b");
    ASSERT_TRUE(alice.ok());
    EXPECT_FALSE(*alice);

    svc_->finish("bob", "k1", {201, "application/json", R"({"id":1})"});
    auto replay = svc_->begin("bob", "k1", "fp-a");
    ASSERT_TRUE(replay.ok());
    ASSERT_TRUE(*replay);
    EXPECT_EQ((*replay)->status, 201u);
    EXPECT_EQ((*replay)->body, R"({"id":1})");

    // A 5xx is not kept: the retry runs again.
    svc_->finish("alice", "k1", {500, "application/json", "{}"});
    auto again = svc_->begin("alice", "k1", "fp-b");
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(*again);

    // After 24 hours the key is free, for any request.
    clock_.advance(std::chrono::hours(24) + std::chrono::seconds(1));
    auto later = svc_->begin("bob", "k1", "fp-c");
    ASSERT_TRUE(later.ok());
    EXPECT_FALSE(*later);
    // A stopped panel's claims go at the next start.
    ASSERT_TRUE(svc_->forget_pending().ok());
    auto fresh = svc_->begin("bob", "k1", "fp-d");
    ASSERT_TRUE(fresh.ok());
    EXPECT_FALSE(*fresh);

    EXPECT_TRUE(IdempotencyService::check_key("order-42/retry").ok());
    EXPECT_FALSE(IdempotencyService::check_key("").ok());
    EXPECT_FALSE(IdempotencyService::check_key("has space").ok());
    EXPECT_FALSE(IdempotencyService::check_key(std::string(256, 'a')).ok());
}

}  // namespace
}  // namespace wsp
