// TOTP/HOTP against the RFCs' test vectors, base32, and the store's
// one-use rule for time steps and recovery codes, and the audit log's
// append-only trigger.
#include <gtest/gtest.h>

#include "base/totp.h"
#include "store/account_repos.h"
#include "store/security_repos.h"
#include "temp_store.h"

namespace wsp {
namespace {

TEST(Totp, Rfc4226HotpVectors) {
    const std::string key = "12345678901234567890";
    const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                              "254676", "287922", "162583", "399871", "520489"};
    for (uint64_t i = 0; i < 10; ++i) EXPECT_EQ(hotp(key, i), expected[i]) << i;
}

TEST(Totp, Rfc6238Sha1VectorsLastSixDigits) {
    const std::string key = "12345678901234567890";
    // RFC 6238 appendix B (8 digits there; the last 6 are the 6-digit code).
    EXPECT_EQ(hotp(key, static_cast<uint64_t>(totp_step(59))), "287082");
    EXPECT_EQ(hotp(key, static_cast<uint64_t>(totp_step(1111111109))), "081804");
    EXPECT_EQ(hotp(key, static_cast<uint64_t>(totp_step(1234567890))), "005924");
    EXPECT_EQ(hotp(key, static_cast<uint64_t>(totp_step(2000000000))), "279037");
}

TEST(Totp, Base32RoundTripsAndRejectsJunk) {
    EXPECT_EQ(base32_encode("foobar"), "MZXW6YTBOI");
    EXPECT_EQ(base32_decode("MZXW6YTBOI").value(), "foobar");
    EXPECT_EQ(base32_decode("mzxw 6ytb oi======").value(), "foobar");
    EXPECT_FALSE(base32_decode("MZXW1").has_value());
    const std::string bytes("\x00\xff\x10\x80\x7f", 5);
    EXPECT_EQ(base32_decode(base32_encode(bytes)).value(), bytes);
}

TEST(Totp, OtpauthUriEscapesIssuerAndAccount) {
    EXPECT_EQ(otpauth_uri("My Panel", "alice", "ABC"),
              "otpauth://totp/My%20Panel:alice?secret=ABC&issuer=My%20Panel&algorithm=SHA1&"
              "digits=6&period=30");
}

class SecurityStore : public TempStoreTest {
  protected:
    void SetUp() override {
        TempStoreTest::SetUp();
        auto made = db_->write([&](WriteTx& tx) -> Result<Ok> {
            UserRepo::insert(tx, UserRecord{"alice", "a@x", "h", Role::user, AccountStatus::active,
                                            "", "default", 1, 1});
            return Ok{};
        });
        ASSERT_TRUE(made.ok());
    }
};

TEST_F(SecurityStore, ATimeStepIsAcceptedOnlyOnce) {
    auto r = db_->write([&](WriteTx& tx) -> Result<std::vector<bool>> {
        TotpRepo::upsert(tx, TotpRecord{"alice", "s", "", true, 100, 1});
        return std::vector<bool>{
            TotpRepo::advance_step(tx, "alice", 100), TotpRepo::advance_step(tx, "alice", 101),
            TotpRepo::advance_step(tx, "alice", 101), TotpRepo::advance_step(tx, "alice", 99)};
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (std::vector<bool>{false, true, false, false}));
}

TEST_F(SecurityStore, ARecoveryCodeWorksOnce) {
    auto r = db_->write([&](WriteTx& tx) -> Result<std::vector<int64_t>> {
        RecoveryCodeRepo::replace_all(tx, "alice", {"h1", "h2"});
        std::vector<int64_t> out;
        out.push_back(RecoveryCodeRepo::use(tx, "alice", "h1", 5));
        out.push_back(RecoveryCodeRepo::use(tx, "alice", "h1", 6));
        out.push_back(RecoveryCodeRepo::use(tx, "alice", "nope", 6));
        out.push_back(RecoveryCodeRepo::remaining(tx, "alice"));
        return out;
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, (std::vector<int64_t>{1, 0, 0, 1}));
}

TEST_F(SecurityStore, TheAuditLogIsAppendOnlyAndFilters) {
    auto w = db_->write([&](WriteTx& tx) -> Result<Ok> {
        for (int i = 0; i < 5; ++i)
            AuditRepo::insert(tx, AuditRecord{0, 100 + i, "alice", "", "alice", "session:x",
                                              "127.0.0.1", i % 2 ? "auth.login" : "POST /x",
                                              "/api/v1/t" + std::to_string(i), "ok", 200, "r"});
        return Ok{};
    });
    ASSERT_TRUE(w.ok());
    auto r = db_->read([&](const ReadTx& tx) -> Result<std::vector<int64_t>> {
        AuditFilter by_action;
        by_action.action = "auth.";
        AuditFilter window;
        window.from = 101;
        window.to = 103;
        AuditFilter target;
        target.target = "t4";
        return std::vector<int64_t>{AuditRepo::count(tx, AuditFilter{}),
                                    AuditRepo::count(tx, by_action), AuditRepo::count(tx, window),
                                    AuditRepo::count(tx, target),
                                    AuditRepo::list(tx, AuditFilter{}, 2, 0).front().at};
    });
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(*r, (std::vector<int64_t>{5, 2, 3, 1, 104}));
    // No UPDATE, not even from inside the store.
    auto changed = db_->write([&](WriteTx& tx) -> Result<Ok> {
        Stmt s(tx, "UPDATE audit_log SET actor = 'mallory'");
        s.run();
        return Ok{};
    });
    EXPECT_FALSE(changed.ok());
    auto pruned = db_->write(
        [&](WriteTx& tx) -> Result<int64_t> { return AuditRepo::remove_before(tx, 102); });
    ASSERT_TRUE(pruned.ok());
    EXPECT_EQ(*pruned, 2);
}

}  // namespace
}  // namespace wsp
