// 401/429 refusals in the audit log, coalesced per status, client address
// and account per minute (AuditService::record_refusal), on a FakeClock.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <memory>

#include "base/clock.h"
#include "base/secrets.h"
#include "services/services.h"
#include "store/security_repos.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

class AuditRefusals : public ::testing::Test {
  protected:
    void SetUp() override {
        ASSERT_TRUE(init_crypto());
        char tmpl[] = "/tmp/wsp-audit-refusals-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        // A data dir as the panel leaves it: the accounts pass through.
        ::chmod(dir_.c_str(), 0711);
        config_.paths.data_dir = dir_.string();
        auto db = Db::open((dir_ / "panel.db").string());
        ASSERT_TRUE(db.ok()) << db.error().message;
        db_ = std::move(*db);
        auto identity = SandboxIdentity::create(dir_, config_.sandbox, *db_);
        ASSERT_TRUE(identity.ok()) << identity.error().message;
        identity_ = std::move(*identity);
        ctx_ =
            std::make_unique<PanelContext>(PanelContext{config_, *db_, index_, *identity_, clock_});
        audit_ = std::make_unique<AuditService>(*ctx_);
    }
    void TearDown() override {
        audit_.reset();
        ctx_.reset();
        db_.reset();
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::vector<AuditRecord> all(const std::string& action = "auth.") {
        Caller admin{"root", Role::admin, {"all"}, ""};
        AuditFilter f;
        f.action = action;
        auto page = audit_->list(admin, f, 1, 500);
        EXPECT_TRUE(page.ok());
        return page.ok() ? page->items : std::vector<AuditRecord>{};
    }
    void refuse(const std::string& ip, unsigned status = 401, const Caller* caller = nullptr) {
        audit_->record_refusal(AuditContext{ip, "req"}, status, caller, "/api/v1/domains");
    }

    fs::path dir_;
    Config config_;
    FakeClock clock_{1'800'000'000};  // a minute's start
    std::unique_ptr<Db> db_;
    std::unique_ptr<SandboxIdentity> identity_;
    AuthIndex index_;
    std::unique_ptr<PanelContext> ctx_;
    std::unique_ptr<AuditService> audit_;
};

TEST_F(AuditRefusals, AFloodIsOneRecordAndOneCountPerAddressAndMinute) {
    for (int i = 0; i < 500; ++i) refuse("192.0.2.7");
    refuse("192.0.2.8");
    auto now = all();
    ASSERT_EQ(now.size(), 2u);  // the first of each address, at once
    EXPECT_EQ(now[1].client_ip, "192.0.2.7");
    EXPECT_EQ(now[1].action, "auth.refused");
    EXPECT_EQ(now[1].status, 401);
    EXPECT_EQ(now[1].result, "denied");
    EXPECT_EQ(now[1].target, "/api/v1/domains");
    EXPECT_EQ(now[1].repeats, 0);
    // The minute ends: the next read writes the count of the other 499.
    clock_.advance(std::chrono::seconds(61));
    auto later = all();
    ASSERT_EQ(later.size(), 3u);
    EXPECT_EQ(later[0].client_ip, "192.0.2.7");
    EXPECT_EQ(later[0].repeats, 499);
    EXPECT_EQ(later[0].at, 1'800'000'059);
    // A new minute starts a new window.
    refuse("192.0.2.7");
    refuse("192.0.2.7");
    EXPECT_EQ(all().size(), 4u);
}

TEST_F(AuditRefusals, RateLimitsAreTheCallersOwnAndManyAddressesShareOneCount) {
    Caller ann{"ann", Role::user, {"all"}, "k1"};
    refuse("192.0.2.1", 429, &ann);
    refuse("192.0.2.1", 429, &ann);
    auto limited = all("auth.rate_limited");
    ASSERT_EQ(limited.size(), 1u);
    EXPECT_EQ(limited[0].account, "ann");
    EXPECT_EQ(limited[0].credential, "key:k1");
    EXPECT_EQ(limited[0].status, 429);
    // Ann sees her own; another customer does not.
    Caller ben{"ben", Role::user, {"all"}, ""};
    EXPECT_EQ(audit_->list(ann, AuditFilter{}, 1, 50)->total, 1);
    EXPECT_EQ(audit_->list(ben, AuditFilter{}, 1, 50)->total, 0);

    // 1000 addresses in one minute: at most kRefusalSources records.
    for (int i = 0; i < 1000; ++i)
        refuse("10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250));
    EXPECT_LE(all("auth.refused").size(), AuditService::kRefusalSources + 1);
    clock_.advance(std::chrono::seconds(60));
    auto refused = all("auth.refused");
    int64_t counted = 0;
    for (const auto& r : refused) counted += r.repeats + (r.repeats == 0 ? 1 : 0);
    EXPECT_EQ(counted, 1000);
    EXPECT_LE(refused.size(), AuditService::kRefusalSources + 2);
    EXPECT_EQ(refused[0].client_ip, "*");
}

}  // namespace
}  // namespace wsp
