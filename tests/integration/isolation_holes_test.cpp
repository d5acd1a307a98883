// Issue 14, "Tenant isolation": the smaller holes, against the real binary.
// An account's tokens share one request ceiling, keys per account are
// capped, changing one's own password needs the current one and ends the
// other sessions, and share tokens never reach the access log.
#include <thread>

#include "foundation_helpers.h"

namespace wsp::test {
namespace {

class IsolationHoles : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { panel_ = new PanelProcess(suite_options()); }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }

    static const HttpClient& http() { return panel_->http(); }
    static HttpResult new_key(const std::string& user, const std::string& token,
                              const json::array& scopes = {"all"}) {
        return http().post("/api/v1/users/" + user + "/api-keys",
                           {{"name", "k"}, {"permissions", scopes}}, token);
    }
    static std::string secret_of(const HttpResult& r) {
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? std::string(r.json().at("secret_key").as_string()) : "";
    }

    static inline PanelProcess* panel_ = nullptr;
};

// A panel with small account budgets (and the contract's 60 a minute per token).
class AccountBudgets : public IsolationHoles {
  protected:
    static void SetUpTestSuite() {
        PanelOptions o =
            suite_options({"auth.account_requests_per_minute=30", "auth.max_keys_per_account=3"});
        o.lift_rate_limit = false;
        panel_ = new PanelProcess(o);
    }
};

// Before: each key and session had its own 60 a minute, so N tokens meant
// N x 60. Now the account's tokens together stop at the ceiling.
TEST_F(AccountBudgets, AnAccountsKeysAndSessionsShareOneCeiling) {
    std::string k1 = panel_->create_user_with_key("ceil");  // 1 request (by its session)
    std::string k2 = secret_of(new_key("ceil", k1));        // 2
    int ok = 2;
    HttpResult refused;
    for (int i = 0; i < 40 && refused.status == 0; ++i) {
        auto r = http().get("/api/v1/auth/me", i % 2 ? k1 : k2);
        if (r.status == 200)
            ++ok;
        else
            refused = r;
    }
    std::printf("[ ceiling ] %d requests answered before the account's ceiling\n", ok);
    EXPECT_EQ(ok, 30);
    EXPECT_EQ(refused.status, 429) << refused.body;
    EXPECT_NE(refused.error().find("Account rate limit exceeded (30"), std::string::npos)
        << refused.body;
    EXPECT_FALSE(refused.header("retry-after").empty());
    // A new session of the same account is counted with them.
    std::string session = panel_->login("ceil", "Passw0rd-ceil");
    EXPECT_EQ(http().get("/api/v1/auth/me", session).status, 429);
    // Other accounts are not affected.
    std::string other = panel_->create_user_with_key("other");
    EXPECT_EQ(http().get("/api/v1/auth/me", other).status, 200);
}

TEST_F(AccountBudgets, KeysPerAccountAreCapped) {
    std::string k1 = panel_->create_user_with_key("keycap");  // key 1 of 3
    secret_of(new_key("keycap", k1));
    secret_of(new_key("keycap", k1));
    auto fourth = new_key("keycap", k1);
    expect_envelope(fourth, 403, "FORBIDDEN");
    EXPECT_NE(fourth.error().find("API key limit reached (3"), std::string::npos) << fourth.body;
    // The admin is held to the same cap for an account.
    EXPECT_EQ(new_key("keycap", panel_->admin_key()).status, 403);
}

// Before: a key scoped "users" could set its account's password without
// knowing the current one, then log in with every scope.
TEST_F(IsolationHoles, OwnPasswordChangeNeedsTheCurrentOneAndEndsOtherSessions) {
    std::string all = panel_->create_user_with_key("pwd");
    std::string users_only = secret_of(new_key("pwd", all, {"users"}));
    const std::string path = "/api/v1/users/pwd";

    auto none = http().put(path, {{"password", "Taken-0ver-pass"}}, users_only);
    expect_validation(none, "current_password");
    EXPECT_THROW(panel_->login("pwd", "Taken-0ver-pass"), std::runtime_error);
    auto wrong = http().put(
        path, {{"password", "Taken-0ver-pass"}, {"current_password", "not-it-at-all"}}, users_only);
    expect_envelope(wrong, 403, "FORBIDDEN");
    EXPECT_EQ(wrong.error(), "Current password is incorrect");

    std::string s1 = panel_->login("pwd", "Passw0rd-pwd");
    std::string s2 = panel_->login("pwd", "Passw0rd-pwd");
    auto changed = http().put(
        path, {{"password", "New-Passw0rd-1"}, {"current_password", "Passw0rd-pwd"}}, s1);
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(http().get("/api/v1/auth/me", s1).status, 200);   // the caller's own stays
    EXPECT_EQ(http().get("/api/v1/auth/me", s2).status, 401);   // the others end
    EXPECT_EQ(http().get("/api/v1/auth/me", all).status, 200);  // keys stay (docs/security.md)
    EXPECT_NO_THROW(panel_->login("pwd", "New-Passw0rd-1"));

    // An admin resetting another account's password needs no current one,
    // and every session of that account ends.
    auto reset = http().put(path, {{"password", "Admin-Set-pass1"}}, panel_->admin_key());
    ASSERT_EQ(reset.status, 200) << reset.body;
    EXPECT_EQ(http().get("/api/v1/auth/me", s1).status, 401);
    EXPECT_NO_THROW(panel_->login("pwd", "Admin-Set-pass1"));
}

// Before: "GET /s/<token>" went to the log as is: anyone reading the log
// had every working share link.
TEST_F(IsolationHoles, ShareTokensNeverReachTheAccessLog) {
    std::string key = panel_->create_user_with_key("sharer");
    ASSERT_EQ(http()
                  .post("/api/v1/files/write", {{"path", "/shared.txt"}, {"content", "hello"}}, key)
                  .status,
              200);
    auto share = http().post("/api/v1/files/share", {{"path", "/shared.txt"}}, key);
    ASSERT_EQ(share.status, 201) << share.body;
    std::string url(share.json().at("url").as_string());
    std::string link = url.substr(url.find("/s/"));
    std::string token = link.substr(3);
    ASSERT_GE(token.size(), 16u);
    EXPECT_EQ(http().get(link).body, "hello");
    EXPECT_EQ(http().get(link + "/").status, 200);
    // The log line is written after the answer: wait until it is there.
    std::string log;
    for (int i = 0; i < 50; ++i) {
        log = panel_->log();
        if (log.find("/s/[redacted]") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(log.find("\"GET /s/[redacted]\""), std::string::npos) << log.substr(0, 2000);
    EXPECT_EQ(log.find(token), std::string::npos) << "the share token is in the log";
}

}  // namespace
}  // namespace wsp::test
