// Request rate limits per API key or session (60 a minute by default, with
// X-RateLimit-* headers and 429 + Retry-After beyond, exact under
// concurrency), and the defences of login: a per-IP cap and a growing delay
// per account name, with the same answer for unknown users and wrong
// passwords.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <thread>

#include "foundation_helpers.h"

namespace wsp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int64_t unix_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

int64_t header_int(const HttpResult& r, const char* name) {
    const std::string v = r.header(name);
    EXPECT_FALSE(v.empty()) << name << " missing (status " << r.status << ")";
    EXPECT_TRUE(matches(v, "[0-9]+")) << name << " = '" << v << "'";
    return v.empty() || !matches(v, "[0-9]+") ? -1 : std::stoll(v);
}

std::chrono::milliseconds time_of(const std::function<void()>& f) {
    const auto started = Clock::now();
    f();
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
}

class FoundationRateLimit : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        PanelOptions o = suite_options();
        o.lift_rate_limit = false;
        panel_ = new PanelProcess(o);
        session_ = panel_->login("admin", panel_->admin_password());
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        session_.clear();
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }

    static const HttpClient& http() { return panel_->http(); }
    // A fresh admin key (its own window), made with a session.
    static std::string fresh_key(std::optional<int64_t> rate_limit = std::nullopt) {
        json::object body{{"name", "limited"}, {"permissions", {"all"}}};
        if (rate_limit) body["rate_limit"] = *rate_limit;
        auto r = http().post("/api/v1/users/admin/api-keys", body, session());
        EXPECT_EQ(r.status, 201) << r.body;
        return str(object_of(r), "secret_key");
    }
    static const std::string& session() { return session_; }

    static PanelProcess* panel_;
    static std::string session_;
};
PanelProcess* FoundationRateLimit::panel_ = nullptr;
std::string FoundationRateLimit::session_;

TEST_F(FoundationRateLimit, The61stRequestInAMinuteIs429) {
    const std::string key = fresh_key();
    const int64_t before = unix_now();
    int64_t reset = 0;
    for (int i = 1; i <= 60; ++i) {
        auto r = http().get("/api/v1/auth/me", key);
        ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.body;
        EXPECT_EQ(header_int(r, "X-RateLimit-Limit"), 60);
        EXPECT_EQ(header_int(r, "X-RateLimit-Remaining"), 60 - i);
        int64_t this_reset = header_int(r, "X-RateLimit-Reset");
        if (i == 1) {
            reset = this_reset;
            EXPECT_GE(reset, before + 59);
            EXPECT_LE(reset, unix_now() + 61);
        }
        EXPECT_EQ(this_reset, reset) << "the window moved at request " << i;
    }
    auto over = http().get("/api/v1/auth/me", key);
    expect_envelope(over, 429, "RATE_LIMITED");
    EXPECT_EQ(header_int(over, "X-RateLimit-Limit"), 60);
    EXPECT_EQ(header_int(over, "X-RateLimit-Remaining"), 0);
    EXPECT_EQ(header_int(over, "X-RateLimit-Reset"), reset);
    const int64_t retry = header_int(over, "Retry-After");
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 60);
    EXPECT_FALSE(over.header("X-Request-Id").empty());
    // Any method, any route: the key is out for this minute.
    expect_envelope(http().post("/api/v1/domains", {{"domain", "late.example"}}, key), 429,
                    "RATE_LIMITED");
    // Another key of the same account, and the session, have their own windows.
    EXPECT_EQ(http().get("/api/v1/auth/me", fresh_key()).status, 200);
    EXPECT_EQ(http().get("/api/v1/auth/me", session()).status, 200);
}

TEST_F(FoundationRateLimit, ExactlyTheLimitUnderConcurrency) {
    const std::string key = fresh_key();
    std::atomic<int> ok{0}, limited{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 12; ++i) {
                int status = http().get("/api/v1/auth/me", key).status;
                if (status == 200)
                    ++ok;
                else if (status == 429)
                    ++limited;
                else
                    ++other;
            }
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok.load(), 60);
    EXPECT_EQ(limited.load(), 96 - 60);
    EXPECT_EQ(other.load(), 0);
}

TEST_F(FoundationRateLimit, EveryAuthenticatedResponseCarriesTheHeaders) {
    const std::string key = fresh_key();
    std::vector<HttpResult> results = {
        http().get("/api/v1/users/admin", key),                          // 200
        http().get("/api/v1/users/nobody", key),                         // 404 from the service
        http().post("/api/v1/domains", {{"domain", "bad..name"}}, key),  // 400
        http().send_raw("POST", "/api/v1/packages", "{", key),           // 400 malformed
    };
    int64_t remaining = 60;
    for (const auto& r : results) {
        EXPECT_EQ(header_int(r, "X-RateLimit-Limit"), 60) << r.status;
        EXPECT_EQ(header_int(r, "X-RateLimit-Remaining"), --remaining) << r.status;
        EXPECT_GT(header_int(r, "X-RateLimit-Reset"), 0) << r.status;
    }
    // A key used outside its scopes is counted too, and told so.
    auto reader = http().post("/api/v1/users/admin/api-keys", {{"name", "reader"}}, session());
    const std::string read_key = str(object_of(reader), "secret_key");
    auto scoped = http().post("/api/v1/domains", {{"domain", "x.example"}}, read_key);
    expect_envelope(scoped, 403, "FORBIDDEN");
    EXPECT_EQ(header_int(scoped, "X-RateLimit-Remaining"), 59);
    // Open routes are not rate limited.
    for (int i = 0; i < 70; ++i) ASSERT_EQ(http().get("/api/v1/health").status, 200);
    EXPECT_EQ(http().get("/api/v1/health").header("X-RateLimit-Limit"), "");
}

TEST_F(FoundationRateLimit, PerKeyLimitOverridesTheGlobalOne) {
    const std::string five = fresh_key(5);
    for (int i = 1; i <= 5; ++i) {
        auto r = http().get("/api/v1/auth/me", five);
        ASSERT_EQ(r.status, 200) << i;
        EXPECT_EQ(header_int(r, "X-RateLimit-Limit"), 5);
    }
    expect_envelope(http().get("/api/v1/auth/me", five), 429, "RATE_LIMITED");

    const std::string unlimited = fresh_key(0);
    for (int i = 0; i < 70; ++i)
        ASSERT_EQ(http().get("/api/v1/auth/me", unlimited).status, 200) << i;
}

// The documentation says every authenticated response carries the headers;
// a lifted limit says "unlimited" rather than leaving them out.
TEST_F(FoundationRateLimit, AnUnlimitedKeyStillGetsTheHeaders) {
    const std::string unlimited = fresh_key(0);
    auto r = http().get("/api/v1/auth/me", unlimited);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("X-RateLimit-Limit"), "unlimited");
    EXPECT_EQ(r.header("X-RateLimit-Remaining"), "unlimited");
    EXPECT_EQ(r.header("X-RateLimit-Reset"), "0");
}

// Interactive sessions (the web interface) have their own, higher budget
// (rate_limit.session_requests_per_minute, 600 by default); API keys keep
// the contract's 60 per key.
class FoundationSessionRateLimit : public ::testing::Test {
  protected:
    static PanelOptions options(std::vector<std::string> config = {}) {
        PanelOptions o = suite_options();
        o.lift_rate_limit = false;
        for (auto& c : config) o.config.push_back(std::move(c));
        return o;
    }
};

TEST_F(FoundationSessionRateLimit, ASessionMakesMoreThan60WhileAKeyStopsAt61) {
    PanelProcess panel(options());
    const std::string session = panel.login("admin", panel.admin_password());
    auto made = panel.http().post("/api/v1/users/admin/api-keys",
                                  {{"name", "limited"}, {"permissions", {"all"}}}, session);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string key = str(object_of(made), "secret_key");
    for (int i = 1; i <= 60; ++i) {
        auto r = panel.http().get("/api/v1/auth/me", key);
        ASSERT_EQ(r.status, 200) << "key request " << i << ": " << r.body;
        EXPECT_EQ(header_int(r, "X-RateLimit-Limit"), 60);
    }
    auto over = panel.http().get("/api/v1/auth/me", key);
    expect_envelope(over, 429, "RATE_LIMITED");
    EXPECT_GE(header_int(over, "Retry-After"), 1);
    // The session (one request above) goes on well past 60 in the same minute.
    for (int i = 2; i <= 150; ++i) {
        auto r = panel.http().get("/api/v1/auth/me", session);
        ASSERT_EQ(r.status, 200) << "session request " << i << ": " << r.body;
        EXPECT_EQ(header_int(r, "X-RateLimit-Limit"), 600);
        EXPECT_EQ(header_int(r, "X-RateLimit-Remaining"), 600 - i);
    }
    // And the key is still out.
    expect_envelope(panel.http().get("/api/v1/auth/me", key), 429, "RATE_LIMITED");
}

TEST_F(FoundationSessionRateLimit, TheSessionBudgetIsConfigurable) {
    PanelProcess panel(options({"rate_limit.session_requests_per_minute=5"}));
    const std::string session = panel.login("admin", panel.admin_password());
    for (int i = 1; i <= 5; ++i) {
        auto r = panel.http().get("/api/v1/auth/me", session);
        ASSERT_EQ(r.status, 200) << i << ": " << r.body;
        EXPECT_EQ(header_int(r, "X-RateLimit-Limit"), 5);
    }
    auto over = panel.http().get("/api/v1/auth/me", session);
    expect_envelope(over, 429, "RATE_LIMITED");
    const int64_t retry = header_int(over, "Retry-After");
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 60);
    // A new session has its own window.
    EXPECT_EQ(
        panel.http().get("/api/v1/auth/me", panel.login("admin", panel.admin_password())).status,
        200);
}

// Login attempts per client IP: 20 a minute by default.
class FoundationLoginIpLimit : public ::testing::Test {
  protected:
    void SetUp() override { panel_ = std::make_unique<PanelProcess>(); }
    std::unique_ptr<PanelProcess> panel_;
};

TEST_F(FoundationLoginIpLimit, The21stLoginAttemptIs429) {
    const HttpClient& http = panel_->http();
    for (int i = 1; i <= 20; ++i) {
        auto r = http.post("/api/v1/auth/login",
                           {{"username", "guess" + std::to_string(i)}, {"password", "wrong-pw"}});
        ASSERT_EQ(r.status, 401) << "attempt " << i << ": " << r.body;
    }
    auto over = http.post("/api/v1/auth/login", {{"username", "guess21"}, {"password", "x"}});
    expect_envelope(over, 429, "RATE_LIMITED");
    // Like every 429, it says when to come back.
    const int64_t retry = header_int(over, "Retry-After");
    EXPECT_GE(retry, 1);
    EXPECT_LE(retry, 60);
    // Even the right password waits for the next minute.
    auto right = http.post("/api/v1/auth/login",
                           {{"username", "admin"}, {"password", panel_->admin_password()}});
    expect_envelope(right, 429, "RATE_LIMITED");
    // Incomplete attempts count as well: they are attempts.
    expect_envelope(http.post("/api/v1/auth/login", json::object{}), 429, "RATE_LIMITED");
}

// The per-account slow-down, with the per-IP cap raised out of the way.
class FoundationLoginSlowdown : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { panel_ = new PanelProcess(suite_options()); }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }
    static const HttpClient& http() { return panel_->http(); }
    static HttpResult login(const std::string& user, const std::string& password) {
        return http().post("/api/v1/auth/login", {{"username", user}, {"password", password}});
    }
    static void make_user(const std::string& name) {
        auto r = http().post("/api/v1/users",
                             {{"username", name},
                              {"email", name + "@example.com"},
                              {"password", "Passw0rd-" + name}},
                             panel_->admin_key());
        ASSERT_EQ(r.status, 201) << r.body;
    }
    static PanelProcess* panel_;
};
PanelProcess* FoundationLoginSlowdown::panel_ = nullptr;

TEST_F(FoundationLoginSlowdown, UnknownUserAndWrongPasswordLookTheSame) {
    make_user("known");
    HttpResult wrong, unknown;
    std::vector<std::chrono::milliseconds> wrong_times, unknown_times;
    for (int i = 0; i < 2; ++i) {
        wrong_times.push_back(time_of([&] { wrong = login("known", "not-the-password"); }));
        unknown_times.push_back(
            time_of([&] { unknown = login("ghost" + std::to_string(i), "not-the-password"); }));
        expect_envelope(wrong, 401, "UNAUTHORIZED", "Invalid credentials");
        expect_envelope(unknown, 401, "UNAUTHORIZED", "Invalid credentials");
        EXPECT_EQ(wrong.body, unknown.body);
        std::set<std::string> wrong_headers, unknown_headers;
        for (const auto& [name, value] : wrong.headers) wrong_headers.insert(name);
        for (const auto& [name, value] : unknown.headers) unknown_headers.insert(name);
        EXPECT_EQ(wrong_headers, unknown_headers);
    }
    // Both pay for a password hash check: an unknown name is not answered
    // at once (which would tell it apart).
    auto fastest = [](const auto& v) { return *std::min_element(v.begin(), v.end()); };
    EXPECT_GE(fastest(unknown_times) * 10, fastest(wrong_times))
        << "unknown user " << fastest(unknown_times).count() << " ms, wrong password "
        << fastest(wrong_times).count() << " ms";
    EXPECT_GE(fastest(wrong_times) * 10, fastest(unknown_times));
}

TEST_F(FoundationLoginSlowdown, RepeatedFailuresForOneAccountGetSlower) {
    make_user("target");
    std::vector<std::chrono::milliseconds> took;
    for (int i = 1; i <= 6; ++i) {
        HttpResult r;
        took.push_back(time_of([&] { r = login("target", "guess-" + std::to_string(i)); }));
        expect_envelope(r, 401, "UNAUTHORIZED", "Invalid credentials");
    }
    EXPECT_GE(took[5], 400ms) << "the 6th failure took " << took[5].count() << " ms";
    EXPECT_GT(took[5], took[0]);
    // Another account is not slowed by it.
    make_user("bystander");
    std::chrono::milliseconds other{0};
    HttpResult ok;
    other = time_of([&] { ok = login("bystander", "Passw0rd-bystander"); });
    EXPECT_EQ(ok.status, 200) << ok.body;
    EXPECT_LT(other, took[5]);
}

TEST_F(FoundationLoginSlowdown, UnknownNamesAreSlowedToo) {
    std::chrono::milliseconds sixth{0};
    for (int i = 1; i <= 6; ++i) {
        HttpResult r;
        auto t = time_of([&] { r = login("nosuchuser", "guess"); });
        EXPECT_EQ(r.status, 401);
        if (i == 6) sixth = t;
    }
    EXPECT_GE(sixth, 400ms);
}

TEST_F(FoundationLoginSlowdown, ASuccessfulLoginStartsTheCountOver) {
    make_user("forgetful");
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(login("forgetful", "wrong-" + std::to_string(i)).status, 401);
    EXPECT_EQ(login("forgetful", "Passw0rd-forgetful").status, 200);
    // Three more failures cost no delay now (they would be 1 + 2 + 4 s).
    auto three = time_of([&] {
        for (int i = 0; i < 3; ++i)
            EXPECT_EQ(login("forgetful", "wrong-again-" + std::to_string(i)).status, 401);
    });
    EXPECT_LT(three, 5s);
}

}  // namespace
}  // namespace wsp::test
