// Package usage: GET /users/{u}/usage and GET /usage (what each account uses
// of its limits, and which are near or over them), and that listing and
// counting keep working with hundreds of items made by a script at once.
#include <chrono>
#include <cstdio>

#include "foundation_helpers.h"

namespace wsp::test {
namespace {

json::object item_of(const json::object& usage, const char* name) {
    return usage.at("usage").as_object().at(name).as_object();
}

bool names(const json::object& usage, const char* list, const char* name) {
    for (const auto& v : usage.at(list).as_array())
        if (v.as_string() == name) return true;
    return false;
}

TEST(Usage, NearAndOverTheLimitsAtAGlance) {
    PanelProcess panel(suite_options());
    const std::string admin = panel.admin_key();
    const HttpClient& http = panel.http();
    ASSERT_EQ(http.post("/api/v1/packages",
                        {{"name", "small"}, {"max_domains", 2}, {"max_cron_jobs", 10}}, admin)
                  .status,
              201);
    const std::string ann = panel.create_user_with_key("ann", "small");
    const std::string ben = panel.create_user_with_key("ben");
    for (const char* d : {"ann-one.example", "ann-two.example"})
        ASSERT_EQ(http.post("/api/v1/domains", {{"domain", d}}, ann).status, 201);

    auto own = http.get("/api/v1/users/ann/usage", ann);
    ASSERT_EQ(own.status, 200) << own.body;
    json::object u = object_of(own);
    EXPECT_EQ(u["username"], "ann");
    EXPECT_EQ(u["package"], "small");
    EXPECT_EQ(item_of(u, "domains")["used"], 2);
    EXPECT_EQ(item_of(u, "domains")["limit"], 2);
    EXPECT_EQ(item_of(u, "databases")["limit"], -1);
    EXPECT_TRUE(names(u, "near_limit", "domains"));
    EXPECT_FALSE(names(u, "over_limit", "domains"));
    EXPECT_FALSE(names(u, "near_limit", "cron_jobs"));

    // A package lowered below what the account has: over the limit.
    ASSERT_EQ(http.put("/api/v1/packages/small", {{"max_domains", 1}}, admin).status, 200);
    u = object_of(http.get("/api/v1/users/ann/usage", admin));
    EXPECT_TRUE(names(u, "over_limit", "domains")) << json::serialize(u);

    // A customer sees its own usage only.
    expect_envelope(http.get("/api/v1/users/ann/usage", ben), 403, "FORBIDDEN");
    auto mine = array_of(http.get("/api/v1/usage", ben));
    ASSERT_EQ(mine.size(), 1u);
    EXPECT_EQ(mine[0].as_object().at("username"), "ben");
    // The admin sees every account, by name.
    auto all = array_of(http.get("/api/v1/usage", admin));
    ASSERT_EQ(all.size(), 3u);  // admin, ann, ben
    EXPECT_EQ(all[1].as_object().at("username"), "ann");
    expect_envelope(http.get("/api/v1/users/nobody/usage", admin), 404, "NOT_FOUND");
}

// One customer made 357 cron jobs during a scan: lists, counts and usage go
// on working with hundreds of items made in a burst (times printed).
TEST(Usage, HundredsOfItemsMadeByAScript) {
    PanelProcess panel(suite_options());
    const std::string key = panel.create_user_with_key("burst");
    const HttpClient& http = panel.http();
    constexpr int kJobs = 400;
    const auto started = std::chrono::steady_clock::now();
    for (int i = 0; i < kJobs; ++i) {
        auto r = http.post(
            "/api/v1/cronjobs",
            {{"name", "job" + std::to_string(i)}, {"command", "true"}, {"cron_expr", "0 3 * * *"}},
            key);
        ASSERT_EQ(r.status, 201) << i << ": " << r.body;
    }
    const auto made = std::chrono::steady_clock::now();
    auto list = http.get("/api/v1/cronjobs", key);
    const auto listed = std::chrono::steady_clock::now();
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_EQ(array_of(list).size(), static_cast<size_t>(kJobs));
    auto usage = object_of(http.get("/api/v1/users/burst/usage", key));
    EXPECT_EQ(item_of(usage, "cron_jobs")["used"], kJobs);
    using ms = std::chrono::milliseconds;
    std::printf("%d cron jobs made in %lld ms; listed in %lld ms\n", kJobs,
                static_cast<long long>(std::chrono::duration_cast<ms>(made - started).count()),
                static_cast<long long>(std::chrono::duration_cast<ms>(listed - made).count()));
}

}  // namespace
}  // namespace wsp::test
