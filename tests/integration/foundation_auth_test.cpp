// Who may call what: 401 on every protected route and method without a
// usable token, 403 outside a key's scopes or allow-list, for a suspended
// account and across owners, and package limits. (An expired key cannot be
// made through the API, whose expiry is in whole days; expiry is covered by
// tests/unit/auth_index_test.cpp.)
#include <atomic>
#include <filesystem>
#include <regex>
#include <thread>

#include "api/routes.h"
#include "foundation_helpers.h"

namespace wsp::test {
namespace {

class FoundationAuth : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { panel_ = new PanelProcess(suite_options()); }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }

    static const HttpClient& http() { return panel_->http(); }
    static const std::string& admin() { return panel_->admin_key(); }
    // A key of `owner` with these scopes (and allow-list), made by admin.
    static std::string key_of(const std::string& owner, std::vector<std::string> scopes,
                              std::vector<std::string> allow = {}) {
        json::array s(scopes.begin(), scopes.end()), a(allow.begin(), allow.end());
        auto r =
            http().post("/api/v1/users/" + owner + "/api-keys",
                        {{"name", "scoped"}, {"permissions", s}, {"ip_whitelist", a}}, admin());
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? str(object_of(r), "secret_key") : "";
    }
    static std::string key_id_of(const std::string& owner, const std::string& secret) {
        for (const auto& k : array_of(http().get("/api/v1/users/" + owner + "/api-keys", admin())))
            if (secret.starts_with(std::string(k.at("key_prefix").as_string())))
                return std::string(k.at("id").as_string());
        return "";
    }

    static PanelProcess* panel_;
};
PanelProcess* FoundationAuth::panel_ = nullptr;

struct Call {
    std::string method;
    std::string target;
};

// Every protected route of the whole API (the areas' too), with its
// parameters filled in.
std::vector<Call> protected_calls() {
    std::vector<Call> out;
    static const std::regex param(R"(\{[^}]+\})");
    for (const Route& r : api_routes()) {
        if (r.access != Access::bearer) continue;
        // A HEAD answer has no body to hold the envelope (the dispatcher
        // checks it exactly as the other methods).
        if (r.method == Verb::head) continue;
        out.push_back({std::string(boost::beast::http::to_string(r.method)),
                       std::regex_replace(std::string(r.pattern), param, "nobody")});
    }
    return out;
}

HttpResult call_with(const HttpClient& http, const Call& c, const std::string& authorization) {
    std::vector<std::pair<std::string, std::string>> headers;
    if (!authorization.empty()) headers.emplace_back("Authorization", authorization);
    const bool has_body = c.method == "POST" || c.method == "PUT" || c.method == "PATCH";
    return http.request(c.method, c.target, has_body ? "{}" : "", headers);
}

TEST_F(FoundationAuth, EveryProtectedRouteNeedsAuthorization) {
    const auto calls = protected_calls();
    ASSERT_GE(calls.size(), 20u);
    for (const Call& c : calls) {
        SCOPED_TRACE(c.method + " " + c.target);
        expect_envelope(call_with(http(), c, ""), 401, "UNAUTHORIZED", "Missing authorization");
        expect_envelope(call_with(http(), c, "Basic YWRtaW46YWRtaW4="), 401, "UNAUTHORIZED");
        expect_envelope(call_with(http(), c, "Bearer"), 401, "UNAUTHORIZED");
        // With a trailing slash too.
        expect_envelope(call_with(http(), {c.method, c.target + "/"}, ""), 401, "UNAUTHORIZED",
                        "Missing authorization");
    }
}

TEST_F(FoundationAuth, EveryProtectedRouteRefusesBadTokens) {
    const std::string unknown_key = "wsp_" + std::string(48, '0');
    const std::string revoked = key_of("admin", {"all"});
    ASSERT_EQ(
        http().del("/api/v1/users/admin/api-keys/" + key_id_of("admin", revoked), admin()).status,
        200);
    const std::string disabled = key_of("admin", {"all"});
    ASSERT_EQ(http()
                  .put("/api/v1/users/admin/api-keys/" + key_id_of("admin", disabled),
                       {{"enabled", false}}, admin())
                  .status,
              200);
    const std::string logged_out = panel_->login("admin", panel_->admin_password());
    ASSERT_EQ(http().post("/api/v1/auth/logout", json::object{}, logged_out).status, 200);

    for (const Call& c : protected_calls()) {
        SCOPED_TRACE(c.method + " " + c.target);
        expect_envelope(call_with(http(), c, "Bearer " + unknown_key), 401, "UNAUTHORIZED",
                        "Invalid or expired API key");
        expect_envelope(call_with(http(), c, "Bearer " + revoked), 401, "UNAUTHORIZED",
                        "Invalid or expired API key");
        expect_envelope(call_with(http(), c, "Bearer " + disabled), 401, "UNAUTHORIZED");
        expect_envelope(call_with(http(), c, "Bearer " + logged_out), 401, "UNAUTHORIZED");
        expect_envelope(call_with(http(), c, "Bearer not-a-token"), 401, "UNAUTHORIZED");
    }
}

TEST_F(FoundationAuth, OpenRoutesNeedNoAuthorization) {
    EXPECT_EQ(http().get("/api/v1/health").status, 200);
    EXPECT_EQ(http().get("/api/v1/openapi.json").status, 200);
    // Login answers on its own terms (here: what is missing), not 401.
    expect_envelope(http().post("/api/v1/auth/login", json::object{}), 400, "VALIDATION_ERROR",
                    "Username and password are required");
}

TEST_F(FoundationAuth, BearerSchemeIsCaseInsensitive) {
    auto r = http().request("GET", "/api/v1/auth/me", "", {{"Authorization", "bearer " + admin()}});
    EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(FoundationAuth, KeyOutsideItsScopesIs403) {
    panel_->create_user_with_key("scoper");
    const std::string domains_only = key_of("scoper", {"domains"});
    const std::string reader = key_of("scoper", {"read"});
    const std::string users_only = key_of("scoper", {"users"});

    // "domains": every method on domains, nothing else.
    auto made = http().post("/api/v1/domains", {{"domain", "scoper.example"}}, domains_only);
    EXPECT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(http().get("/api/v1/domains", domains_only).status, 200);
    expect_envelope(http().get("/api/v1/users/scoper", domains_only), 403, "FORBIDDEN",
                    "API key is not scoped for 'users'");
    expect_envelope(http().get("/api/v1/users/scoper/api-keys", domains_only), 403, "FORBIDDEN",
                    "API key is not scoped for 'users'");

    // "read": every GET, no writes.
    EXPECT_EQ(http().get("/api/v1/domains", reader).status, 200);
    EXPECT_EQ(http().get("/api/v1/users/scoper", reader).status, 200);
    // Refused writes say the key is read-only (issue 17), after the
    // contract's message.
    const std::string ro = ": the key is read-only (scope 'read' allows only GET)";
    expect_envelope(http().post("/api/v1/domains", {{"domain", "r.example"}}, reader), 403,
                    "FORBIDDEN", "API key is not scoped for 'domains'" + ro);
    expect_envelope(http().del("/api/v1/domains/scoper.example", reader), 403, "FORBIDDEN",
                    "API key is not scoped for 'domains'" + ro);
    expect_envelope(http().put("/api/v1/users/scoper", {{"email", "x@example.com"}}, reader), 403,
                    "FORBIDDEN", "API key is not scoped for 'users'" + ro);

    // "users" is not "domains".
    expect_envelope(http().post("/api/v1/domains", {{"domain", "u.example"}}, users_only), 403,
                    "FORBIDDEN", "API key is not scoped for 'domains'");
    expect_envelope(http().get("/api/v1/domains", users_only), 403, "FORBIDDEN",
                    "API key is not scoped for 'domains'");

    // The caller's own session routes need no scope.
    EXPECT_EQ(http().get("/api/v1/auth/me", domains_only).status, 200);
    EXPECT_EQ(http().get("/api/v1/auth/me", users_only).status, 200);

    // Nothing was made by the refused calls.
    for (const char* d : {"r.example", "u.example"})
        EXPECT_EQ(http().get(std::string("/api/v1/domains/") + d, admin()).status, 404) << d;
}

TEST_F(FoundationAuth, AKeyCannotMintAWiderKey) {
    panel_->create_user_with_key("minter");
    const std::string users_only = key_of("minter", {"users"});
    expect_envelope(http().post("/api/v1/users/minter/api-keys",
                                {{"name", "wider"}, {"permissions", {"all"}}}, users_only),
                    403, "FORBIDDEN");
    auto same = http().post("/api/v1/users/minter/api-keys",
                            {{"name", "same"}, {"permissions", {"users"}}}, users_only);
    EXPECT_EQ(same.status, 201) << same.body;
}

TEST_F(FoundationAuth, OnlyAnAdminSetsAKeysRateLimit) {
    std::string key = panel_->create_user_with_key("limiter");
    expect_envelope(
        http().post("/api/v1/users/limiter/api-keys", {{"name", "fast"}, {"rate_limit", 0}}, key),
        403, "FORBIDDEN");
    EXPECT_EQ(
        http()
            .post("/api/v1/users/limiter/api-keys", {{"name", "fast"}, {"rate_limit", 0}}, admin())
            .status,
        201);
}

TEST_F(FoundationAuth, KeyOutsideItsAllowListIs403) {
    panel_->create_user_with_key("fenced");
    const std::string elsewhere = key_of("fenced", {"all"}, {"10.0.0.0/8", "2001:db8::/32"});
    auto r = http().get("/api/v1/auth/me", elsewhere);
    expect_envelope(r, 403, "FORBIDDEN");
    EXPECT_NE(r.error().find("IP"), std::string::npos) << r.body;
    expect_envelope(http().post("/api/v1/domains", {{"domain", "fenced.example"}}, elsewhere), 403,
                    "FORBIDDEN");

    const std::string here = key_of("fenced", {"all"}, {"127.0.0.0/8"});
    EXPECT_EQ(http().get("/api/v1/auth/me", here).status, 200);
    const std::string exact = key_of("fenced", {"all"}, {"127.0.0.1"});
    EXPECT_EQ(http().get("/api/v1/auth/me", exact).status, 200);
}

TEST_F(FoundationAuth, AllowListRulesAreValidated) {
    for (const char* bad : {"10.0.0.5/8", "not-an-ip", "10.0.0.0/33"}) {
        auto r = http().post("/api/v1/users/admin/api-keys",
                             {{"name", "bad"}, {"ip_whitelist", {bad}}}, admin());
        expect_validation(r, "ip_whitelist");
    }
}

TEST_F(FoundationAuth, SuspendedAccountIs403EverywhereUntilUnsuspended) {
    const std::string key = panel_->create_user_with_key("sleepy");
    const std::string session = panel_->login("sleepy", "Passw0rd-sleepy");
    ASSERT_EQ(http().post("/api/v1/users/sleepy/suspend", json::object{}, admin()).status, 200);

    for (const std::string& token : {key, session}) {
        expect_envelope(http().get("/api/v1/auth/me", token), 403, "FORBIDDEN",
                        "Account suspended");
        expect_envelope(http().get("/api/v1/domains", token), 403, "FORBIDDEN",
                        "Account suspended");
        expect_envelope(http().post("/api/v1/domains", {{"domain", "sleepy.example"}}, token), 403,
                        "FORBIDDEN", "Account suspended");
    }
    // Logging in again does not get around it.
    expect_envelope(http().post("/api/v1/auth/login",
                                {{"username", "sleepy"}, {"password", "Passw0rd-sleepy"}}),
                    403, "FORBIDDEN", "Account suspended");
    // Nothing was deleted: the key and session work again afterwards.
    ASSERT_EQ(http().post("/api/v1/users/sleepy/unsuspend", json::object{}, admin()).status, 200);
    EXPECT_EQ(http().get("/api/v1/auth/me", key).status, 200);
    EXPECT_EQ(http().get("/api/v1/auth/me", session).status, 200);
    EXPECT_EQ(http().get("/api/v1/domains/sleepy.example", admin()).status, 404);
}

TEST_F(FoundationAuth, UsersCannotTouchEachOthersItems) {
    const std::string alice = panel_->create_user_with_key("alice");
    const std::string bob = panel_->create_user_with_key("bob");
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "bob.example"}}, bob).status, 201);
    const std::string bob_key_id = key_id_of("bob", bob);
    ASSERT_FALSE(bob_key_id.empty());

    auto forbidden = [](const HttpResult& r) { expect_envelope(r, 403, "FORBIDDEN"); };
    // Bob's keys.
    forbidden(http().get("/api/v1/users/bob/api-keys", alice));
    forbidden(http().post("/api/v1/users/bob/api-keys", {{"name", "mine now"}}, alice));
    forbidden(http().put("/api/v1/users/bob/api-keys/" + bob_key_id, {{"enabled", false}}, alice));
    forbidden(http().del("/api/v1/users/bob/api-keys/" + bob_key_id, alice));
    // Bob's domain.
    forbidden(http().get("/api/v1/domains/bob.example", alice));
    forbidden(http().del("/api/v1/domains/bob.example", alice));
    forbidden(http().get("/api/v1/domains?owner=bob", alice));
    forbidden(
        http().post("/api/v1/domains", {{"domain", "for-bob.example"}, {"owner", "bob"}}, alice));
    // Bob's account, and the admin-only routes.
    forbidden(http().get("/api/v1/users/bob", alice));
    forbidden(http().put("/api/v1/users/bob", {{"email", "evil@example.com"}}, alice));
    forbidden(http().del("/api/v1/users/bob", alice));
    forbidden(http().post("/api/v1/users/bob/suspend", json::object{}, alice));
    forbidden(http().post("/api/v1/users/bob/unsuspend", json::object{}, alice));
    forbidden(http().get("/api/v1/users", alice));
    forbidden(http().post(
        "/api/v1/users",
        {{"username", "sneaky"}, {"email", "s@example.com"}, {"password", "Passw0rd-long"}},
        alice));
    forbidden(http().get("/api/v1/packages", alice));
    forbidden(http().post("/api/v1/packages", {{"name", "free"}}, alice));
    forbidden(http().put("/api/v1/packages/default", {{"max_domains", -1}}, alice));
    forbidden(http().del("/api/v1/packages/default", alice));

    // Alice's list does not show Bob's domain; Bob's things are intact.
    EXPECT_TRUE(array_of(http().get("/api/v1/domains", alice)).empty());
    EXPECT_EQ(http().get("/api/v1/domains/bob.example", bob).status, 200);
    EXPECT_EQ(http().get("/api/v1/auth/me", bob).status, 200);
    EXPECT_EQ(object_of(http().get("/api/v1/users/bob", admin()))["email"], "bob@example.com");
    EXPECT_EQ(http().get("/api/v1/users/sneaky", admin()).status, 404);
    EXPECT_EQ(http().get("/api/v1/domains/for-bob.example", admin()).status, 404);
    EXPECT_EQ(http().get("/api/v1/packages/free", admin()).status, 404);
}

TEST_F(FoundationAuth, PackageLimitsAreEnforced) {
    ASSERT_EQ(
        http().post("/api/v1/packages", {{"name", "single"}, {"max_domains", 1}}, admin()).status,
        201);
    const std::string key = panel_->create_user_with_key("solo", "single");
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "solo-one.example"}}, key).status, 201);
    expect_envelope(http().post("/api/v1/domains", {{"domain", "solo-two.example"}}, key), 403,
                    "FORBIDDEN", "Domain limit reached (1)");
    // An admin acting for the owner meets the same limit.
    expect_envelope(http().post("/api/v1/domains",
                                {{"domain", "solo-three.example"}, {"owner", "solo"}}, admin()),
                    403, "FORBIDDEN", "Domain limit reached (1)");
    // Nothing half done: no record, no directory.
    EXPECT_EQ(http().get("/api/v1/domains/solo-two.example", admin()).status, 404);
    EXPECT_FALSE(
        std::filesystem::exists(panel_->data_dir() / "home" / "solo" / "web" / "solo-two.example"));
    // Freeing a slot, or raising the limit, lets the next one in.
    ASSERT_EQ(http().del("/api/v1/domains/solo-one.example", key).status, 200);
    EXPECT_EQ(http().post("/api/v1/domains", {{"domain", "solo-two.example"}}, key).status, 201);
    ASSERT_EQ(http().put("/api/v1/packages/single", {{"max_domains", 2}}, admin()).status, 200);
    EXPECT_EQ(http().post("/api/v1/domains", {{"domain", "solo-three.example"}}, key).status, 201);
    expect_envelope(http().post("/api/v1/domains", {{"domain", "solo-four.example"}}, key), 403,
                    "FORBIDDEN", "Domain limit reached (2)");
    // Zero means none at all.
    ASSERT_EQ(http().put("/api/v1/packages/single", {{"max_domains", 0}}, admin()).status, 200);
    expect_envelope(http().post("/api/v1/domains", {{"domain", "solo-five.example"}}, key), 403,
                    "FORBIDDEN", "Domain limit reached (0)");
}

TEST_F(FoundationAuth, LimitsHoldUnderConcurrentCreates) {
    ASSERT_EQ(
        http().post("/api/v1/packages", {{"name", "triple"}, {"max_domains", 3}}, admin()).status,
        201);
    const std::string key = panel_->create_user_with_key("racer", "triple");
    std::atomic<int> created{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 10; ++t) {
        threads.emplace_back([&, t] {
            auto r = http().post("/api/v1/domains",
                                 {{"domain", "race" + std::to_string(t) + ".example"}}, key);
            if (r.status == 201)
                ++created;
            else if (r.status == 403 && r.error() == "Domain limit reached (3)")
                ++refused;
            else
                ++other;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 3);
    EXPECT_EQ(refused.load(), 7);
    EXPECT_EQ(other.load(), 0);
    EXPECT_EQ(array_of(http().get("/api/v1/domains", key)).size(), 3u);
}

TEST_F(FoundationAuth, ConcurrentCreatesOfOneNameMakeOneAccount) {
    std::atomic<int> created{0}, conflict{0}, other{0};
    // The key is made once, before the threads race (six logins at once
    // from one address would meet the per-address share of the workers).
    const std::string key = admin();
    std::vector<std::thread> threads;
    for (int t = 0; t < 6; ++t) {
        threads.emplace_back([&] {
            auto r = http().post("/api/v1/users",
                                 {{"username", "twin"},
                                  {"email", "twin@example.com"},
                                  {"password", "Passw0rd-twin"}},
                                 key);
            if (r.status == 201)
                ++created;
            else if (r.status == 409)
                ++conflict;
            else
                ++other;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 1);
    EXPECT_EQ(conflict.load(), 5);
    EXPECT_EQ(other.load(), 0);
    EXPECT_TRUE(std::filesystem::is_directory(panel_->data_dir() / "home" / "twin"));
}

}  // namespace
}  // namespace wsp::test
