// Package usage: GET /users/{u}/usage and GET /usage (what each account uses
// of its limits, and which are near or over them), and that listing and
// counting keep working with hundreds of items made by a script at once.
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>

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

// The dashboards: a customer's usage with its disk against the package's
// quota, its failed cron runs and login attempts; the admin's system
// figures (docs/dashboard.md).
TEST(Usage, DashboardsShowDiskRecentFailuresAndLogins) {
    PanelProcess panel(suite_options());
    const std::string admin = panel.admin_key();
    const HttpClient& http = panel.http();
    ASSERT_EQ(
        http.post("/api/v1/packages", {{"name", "disky"}, {"disk_quota_mb", 10}}, admin).status,
        201);
    const std::string dora = panel.create_user_with_key("dora", "disky");
    const auto home = panel.data_dir() / "home" / "dora";
    auto write_mb = [&](const std::string& name, size_t mb) {
        std::ofstream(home / name, std::ios::binary) << std::string(mb << 20, 'x');
    };
    write_mb("big.bin", 3);
    // One failed login, then a good one.
    EXPECT_EQ(
        http.post("/api/v1/auth/login", {{"username", "dora"}, {"password", "wrong-one-1"}}).status,
        401);
    (void)panel.login("dora", "Passw0rd-dora");
    // One failed cron run.
    auto job =
        http.post("/api/v1/cronjobs",
                  {{"name", "broken"}, {"command", "exit 3"}, {"cron_expr", "0 3 * * *"}}, dora);
    ASSERT_EQ(job.status, 201) << job.body;
    const int64_t id = object_of(job).at("id").as_int64();
    ASSERT_EQ(
        http.post("/api/v1/cronjobs/" + std::to_string(id) + "/run", json::object{}, dora).status,
        202);
    json::object u;
    for (int i = 0; i < 200; ++i) {
        u = object_of(http.get("/api/v1/users/dora/usage", dora));
        if (!u.at("recent_cron_failures").as_array().empty()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_GE(item_of(u, "disk_mb")["used"].as_int64(), 3) << json::serialize(u);
    EXPECT_EQ(item_of(u, "disk_mb")["limit"], 10);
    const auto& failures = u.at("recent_cron_failures").as_array();
    ASSERT_EQ(failures.size(), 1u) << json::serialize(u);
    EXPECT_EQ(failures[0].at("name"), "broken");
    EXPECT_EQ(failures[0].at("exit_code"), 3);
    const auto& logins = u.at("recent_logins").as_array();
    ASSERT_GE(logins.size(), 2u) << json::serialize(u);
    EXPECT_EQ(logins[0].at("result"), "ok");
    bool failed_seen = false;
    for (const auto& l : logins) failed_seen = failed_seen || l.at("result") == "failed";
    EXPECT_TRUE(failed_seen) << json::serialize(u);

    // The figure is kept, not walked per request (files.disk_usage_max_age_s).
    const int64_t before = item_of(u, "disk_mb")["used"].as_int64();
    write_mb("more.bin", 4);
    u = object_of(http.get("/api/v1/users/dora/usage", dora));
    EXPECT_EQ(item_of(u, "disk_mb")["used"].as_int64(), before);

    // The admin's figures.
    expect_envelope(http.get("/api/v1/system/stats", dora), 403, "FORBIDDEN");
    auto stats = http.get("/api/v1/system/stats", admin);
    ASSERT_EQ(stats.status, 200) << stats.body;
    json::object s = object_of(stats);
    EXPECT_EQ(s.at("accounts").at("total"), 2);
    EXPECT_EQ(s.at("accounts").at("admins"), 1);
    EXPECT_EQ(s.at("components").at("store"), "up");
    EXPECT_FALSE(s.at("versions").at("wispanel").as_string().empty());
    EXPECT_GE(s.at("cpu").at("cores").as_int64(), 1);
    EXPECT_EQ(s.at("cpu").at("load").as_array().size(), 3u);
    EXPECT_GT(s.at("memory").at("total_bytes").as_int64(), 0);
    EXPECT_GT(s.at("memory").at("panel_rss_bytes").as_int64(), 0);
    EXPECT_FALSE(s.at("disks").as_array().empty()) << stats.body;
    ASSERT_FALSE(s.at("biggest_accounts").as_array().empty());
    EXPECT_EQ(s.at("biggest_accounts").as_array()[0].at("username"), "dora");
    bool dora_failed = false;
    for (const auto& l : s.at("failed_logins").as_array())
        dora_failed = dora_failed || l.at("username") == "dora";
    EXPECT_TRUE(dora_failed) << stats.body;
    ASSERT_FALSE(s.at("cron_failures").as_array().empty());
    EXPECT_EQ(s.at("cron_failures").as_array()[0].at("owner"), "dora");
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
