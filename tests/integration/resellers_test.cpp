// Resellers (issue 23, docs/resellers.md): the /resellers routes, a
// reseller's reach (its own customers only, in every area), its allocation
// under concurrency, and suspension that follows the reseller.
#include <atomic>
#include <thread>

#include "foundation_helpers.h"

namespace wsp::test {
namespace {

// A reseller made by the admin, and its session.
std::string make_reseller(PanelProcess& panel, const std::string& name) {
    auto r = panel.http().post(
        "/api/v1/resellers",
        {{"username", name}, {"email", name + "@example.com"}, {"password", "Passw0rd-" + name}},
        panel.admin_key());
    if (r.status != 201) throw std::runtime_error("reseller create failed: " + r.body);
    return panel.login(name, "Passw0rd-" + name);
}

// A customer made by `reseller` on `package`, and its session.
std::string make_customer(PanelProcess& panel, const std::string& reseller, const std::string& name,
                          const std::string& package) {
    auto r = panel.http().post("/api/v1/users",
                               {{"username", name},
                                {"email", name + "@example.com"},
                                {"password", "Passw0rd-" + name},
                                {"package", package}},
                               reseller);
    if (r.status != 201) throw std::runtime_error("customer create failed: " + r.body);
    return panel.login(name, "Passw0rd-" + name);
}

json::object small_package(const std::string& name, int64_t n) {
    return {{"name", name},          {"max_domains", n},   {"max_databases", n},
            {"max_ftp_accounts", n}, {"max_cron_jobs", n}, {"disk_quota_mb", 100 * n}};
}

TEST(Resellers, RoutesShapesLimitsTransferAndDelete) {
    PanelProcess panel(suite_options());
    const std::string admin = panel.admin_key();
    const HttpClient& http = panel.http();

    expect_envelope(http.post("/api/v1/resellers", {{"username", "r1"}}, admin), 400,
                    "VALIDATION_ERROR", "Username, email, and password are required");
    expect_validation(
        http.post(
            "/api/v1/resellers",
            {{"username", "dashboard"}, {"email", "d@example.com"}, {"password", "Passw0rd-d"}},
            admin),
        "dashboard");
    auto made = http.post(
        "/api/v1/resellers",
        {{"username", "rone"}, {"email", "rone@example.com"}, {"password", "Passw0rd-rone"}},
        admin);
    ASSERT_EQ(made.status, 201) << made.body;
    json::object m = object_of(made);
    EXPECT_EQ(m["success"], true);
    EXPECT_EQ(m["message"], "Reseller created successfully");
    EXPECT_EQ(m["username"], "rone");
    EXPECT_EQ(m["package"], "default");
    const std::string rone = panel.login("rone", "Passw0rd-rone");

    auto list = array_of(http.get("/api/v1/resellers/", admin));
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].as_object().at("username"), "rone");
    json::object one = object_of(http.get("/api/v1/resellers/rone", rone));
    for (const char* k : {"max_users", "max_domains", "max_databases", "max_ftp_accounts",
                          "max_cron_jobs", "disk_quota_mb"})
        EXPECT_TRUE(one[k].is_int64()) << k << " " << json::serialize(one);
    EXPECT_EQ(one["package"], "default");
    EXPECT_EQ(object_of(http.get("/api/v1/auth/me", rone))["role"], "reseller");
    // Admin-only routes; another account's reseller record.
    expect_envelope(http.get("/api/v1/resellers", rone), 403, "FORBIDDEN");
    expect_envelope(http.put("/api/v1/resellers/rone/limits", {{"max_users", 99}}, rone), 403,
                    "FORBIDDEN");
    expect_envelope(http.get("/api/v1/resellers/nobody", admin), 404, "NOT_FOUND");
    expect_validation(http.put("/api/v1/resellers/rone/limits", {{"max_users", -5}}, admin),
                      "max_users");

    auto limits = http.put("/api/v1/resellers/rone/limits",
                           {{"max_users", 2}, {"max_domains", 4}, {"max_databases", 4}}, admin);
    ASSERT_EQ(limits.status, 200) << limits.body;
    EXPECT_EQ(object_of(limits)["max_users"], 2);
    EXPECT_EQ(object_of(http.get("/api/v1/resellers/rone/limits", rone))["max_domains"], 4);

    // Its own packages; its customers must be on one of them.
    ASSERT_EQ(http.post("/api/v1/packages", small_package("ronebasic", 1), rone).status, 201);
    auto pk = array_of(http.get("/api/v1/packages", rone));
    ASSERT_EQ(pk.size(), 1u);
    EXPECT_EQ(pk[0].as_object().at("owner"), "rone");
    expect_validation(
        http.post("/api/v1/users",
                  {{"username", "cnone"}, {"email", "c@example.com"}, {"password", "Passw0rd-c"}},
                  rone),
        "package");
    expect_envelope(http.post("/api/v1/users",
                              {{"username", "cnone"},
                               {"email", "c@example.com"},
                               {"password", "Passw0rd-c"},
                               {"package", "default"}},
                              rone),
                    403, "FORBIDDEN", "Package 'default' is not one of your packages");
    expect_envelope(http.post("/api/v1/users",
                              {{"username", "cnone"},
                               {"email", "c@example.com"},
                               {"password", "Passw0rd-c"},
                               {"role", "admin"},
                               {"package", "ronebasic"}},
                              rone),
                    403, "FORBIDDEN");
    make_customer(panel, rone, "cust", "ronebasic");
    json::object cust = object_of(http.get("/api/v1/users/cust", rone));
    EXPECT_EQ(cust["creator"], "rone");
    auto users = array_of(http.get("/api/v1/resellers/rone/users", rone));
    ASSERT_EQ(users.size(), 1u);
    EXPECT_EQ(users[0].as_object().at("username"), "cust");
    // GET /users: the reseller and its customers only.
    EXPECT_EQ(array_of(http.get("/api/v1/users", rone)).size(), 2u);

    json::object usage = object_of(http.get("/api/v1/resellers/rone/usage", rone));
    json::object u_users = usage["usage"].as_object()["users"].as_object();
    EXPECT_EQ(u_users["used"], 1);
    EXPECT_EQ(u_users["limit"], 2);
    EXPECT_EQ(usage["usage"].as_object()["databases"].as_object()["allocated"], 1);
    json::object dash = object_of(http.get("/api/v1/resellers/dashboard", rone));
    EXPECT_EQ(dash["username"], "rone");
    EXPECT_EQ(dash["customers"].as_array().size(), 1u);
    EXPECT_EQ(
        object_of(http.get("/api/v1/resellers/dashboard", admin))["resellers"].as_array().size(),
        1u);

    // Deleting a reseller with customers: refused unless they are reassigned.
    expect_envelope(http.del("/api/v1/resellers/rone", admin), 409, "CONFLICT");
    expect_envelope(http.del("/api/v1/users/rone", admin), 409, "CONFLICT");

    // Transfer to another reseller: onto one of its packages.
    const std::string rtwo = make_reseller(panel, "rtwo");
    expect_envelope(
        http.post("/api/v1/resellers/transfer-user", {{"username", "cust"}, {"to", "rtwo"}}, rone),
        403, "FORBIDDEN");
    expect_validation(
        http.post("/api/v1/resellers/transfer-user", {{"username", "cust"}, {"to", "rtwo"}}, admin),
        "package");
    expect_validation(
        http.post("/api/v1/resellers/transfer-user", {{"username", "cust"}, {"to", "cust"}}, admin),
        "to");
    ASSERT_EQ(http.post("/api/v1/packages", small_package("rtwopkg", 1), rtwo).status, 201);
    auto moved = http.post("/api/v1/resellers/transfer-user",
                           {{"username", "cust"}, {"to", "rtwo"}, {"package", "rtwopkg"}}, admin);
    ASSERT_EQ(moved.status, 200) << moved.body;
    EXPECT_EQ(object_of(http.get("/api/v1/users/cust", admin))["creator"], "rtwo");
    expect_envelope(http.get("/api/v1/users/cust", rone), 403, "FORBIDDEN");
    EXPECT_EQ(http.get("/api/v1/users/cust", rtwo).status, 200);

    // Delete with ?reassign_to=: the customers and their packages move.
    auto del = http.del("/api/v1/resellers/rtwo?reassign_to=rone", admin);
    ASSERT_EQ(del.status, 200) << del.body;
    json::object d = object_of(del);
    EXPECT_EQ(d["success"], true);
    EXPECT_EQ(d["message"], "Reseller deleted");
    EXPECT_EQ(d["reassigned"], 1);
    expect_envelope(http.get("/api/v1/resellers/rtwo", admin), 404, "NOT_FOUND");
    cust = object_of(http.get("/api/v1/users/cust", rone));
    EXPECT_EQ(cust["creator"], "rone");
    EXPECT_EQ(object_of(http.get("/api/v1/packages/rtwopkg", admin))["owner"], "rone");
    // A reseller with no customers left goes, its unused packages with it.
    ASSERT_EQ(http.del("/api/v1/users/cust", rone).status, 200);
    ASSERT_EQ(http.del("/api/v1/resellers/rone", admin).status, 200);
    expect_envelope(http.get("/api/v1/packages/ronebasic", admin), 404, "NOT_FOUND");
}

// Every area: a reseller reaches its customers' items, never another
// reseller's customers' nor the admin's accounts'.
TEST(Resellers, AnotherResellersCustomersAreOutOfReachInEveryArea) {
    PanelProcess panel(suite_options({"mariadb.mode=sandbox"}));
    const std::string admin = panel.admin_key();
    const HttpClient& http = panel.http();
    const std::string rone = make_reseller(panel, "rone");
    const std::string rtwo = make_reseller(panel, "rtwo");
    ASSERT_EQ(http.post("/api/v1/packages", small_package("onepkg", 2), rone).status, 201);
    ASSERT_EQ(http.post("/api/v1/packages", small_package("twopkg", 2), rtwo).status, 201);
    const std::string cone = make_customer(panel, rone, "cone", "onepkg");
    const std::string ctwo = make_customer(panel, rtwo, "ctwo", "twopkg");
    panel.create_user_with_key("plain");  // the admin's own customer

    (void)panel.wait_for_component("mariadb", "up", std::chrono::seconds(60));

    // Items of ctwo and of the admin's customer, made by their owners.
    ASSERT_EQ(http.post("/api/v1/domains", {{"domain", "ctwo.example"}}, ctwo).status, 201);
    auto db = http.post("/api/v1/databases", {{"name", "shop"}, {"password", "Db-passw0rd"}}, ctwo);
    ASSERT_EQ(db.status, 201) << db.body;
    auto ftp = http.post("/api/v1/ftp", {{"username", "up"}, {"password", "Ftp-passw0rd"}}, ctwo);
    ASSERT_EQ(ftp.status, 201) << ftp.body;
    auto cron = http.post("/api/v1/cronjobs",
                          {{"name", "n"}, {"command", "true"}, {"cron_expr", "0 3 * * *"}}, ctwo);
    ASSERT_EQ(cron.status, 201) << cron.body;
    const std::string cron_id = std::to_string(cron.json().at("id").as_int64());

    for (const std::string owner : {"ctwo", "plain", "admin", "rtwo"}) {
        SCOPED_TRACE(owner);
        // users and keys
        expect_envelope(http.get("/api/v1/users/" + owner, rone), 403, "FORBIDDEN");
        expect_envelope(http.put("/api/v1/users/" + owner, {{"email", "x@example.com"}}, rone), 403,
                        "FORBIDDEN");
        expect_envelope(http.post("/api/v1/users/" + owner + "/suspend", json::object{}, rone), 403,
                        "FORBIDDEN");
        expect_envelope(http.del("/api/v1/users/" + owner, rone), 403, "FORBIDDEN");
        expect_envelope(http.post("/api/v1/users/" + owner + "/api-keys", {{"name", "k"}}, rone),
                        403, "FORBIDDEN");
        expect_envelope(http.get("/api/v1/users/" + owner + "/api-keys", rone), 403, "FORBIDDEN");
        // lists and creates for that owner, in each area
        for (const char* list : {"/api/v1/databases", "/api/v1/ftp", "/api/v1/cronjobs",
                                 "/api/v1/domains", "/api/v1/files/list"})
            expect_envelope(http.get(std::string(list) + "?owner=" + owner, rone), 403,
                            "FORBIDDEN");
        expect_envelope(http.post("/api/v1/domains",
                                  {{"domain", owner + "-x.example"}, {"owner", owner}}, rone),
                        403, "FORBIDDEN");
        expect_envelope(
            http.post("/api/v1/databases",
                      {{"name", "x"}, {"password", "Db-passw0rd"}, {"owner", owner}}, rone),
            403, "FORBIDDEN");
        expect_envelope(
            http.post("/api/v1/ftp",
                      {{"username", "xx"}, {"password", "Ftp-passw0rd"}, {"owner", owner}}, rone),
            403, "FORBIDDEN");
        expect_envelope(
            http.post(
                "/api/v1/cronjobs",
                {{"name", "n"}, {"command", "true"}, {"cron_expr", "0 3 * * *"}, {"owner", owner}},
                rone),
            403, "FORBIDDEN");
        expect_envelope(http.post("/api/v1/files/write",
                                  {{"path", "/x.txt"}, {"content", "x"}, {"owner", owner}}, rone),
                        403, "FORBIDDEN");
    }
    // ctwo's existing items by id.
    expect_envelope(http.get("/api/v1/databases/ctwo_shop", rone), 403, "FORBIDDEN");
    expect_envelope(http.del("/api/v1/databases/ctwo_shop", rone), 403, "FORBIDDEN");
    expect_envelope(http.get("/api/v1/ftp/ctwo_up", rone), 403, "FORBIDDEN");
    expect_envelope(http.del("/api/v1/ftp/ctwo_up", rone), 403, "FORBIDDEN");
    expect_envelope(http.get("/api/v1/cronjobs/" + cron_id, rone), 403, "FORBIDDEN");
    expect_envelope(http.del("/api/v1/cronjobs/" + cron_id, rone), 403, "FORBIDDEN");
    expect_envelope(http.get("/api/v1/domains/ctwo.example", rone), 403, "FORBIDDEN");
    expect_envelope(http.del("/api/v1/domains/ctwo.example", rone), 403, "FORBIDDEN");
    expect_envelope(http.get("/api/v1/packages/twopkg", rone), 403, "FORBIDDEN");
    expect_envelope(http.put("/api/v1/packages/twopkg", {{"max_domains", 1}}, rone), 403,
                    "FORBIDDEN");
    expect_envelope(http.get("/api/v1/resellers/rtwo", rone), 403, "FORBIDDEN");
    expect_envelope(http.get("/api/v1/resellers/rtwo/usage", rone), 403, "FORBIDDEN");
    // A customer reaches nothing of its reseller's other accounts.
    expect_envelope(http.get("/api/v1/users/rone", cone), 403, "FORBIDDEN");

    // ...and its own customer's, in every area.
    EXPECT_EQ(http.put("/api/v1/users/cone", {{"email", "new@example.com"}}, rone).status, 200);
    EXPECT_EQ(http.post("/api/v1/users/cone/api-keys", {{"name", "k"}}, rone).status, 201);
    EXPECT_EQ(
        http.post("/api/v1/domains", {{"domain", "cone.example"}, {"owner", "cone"}}, rone).status,
        201);
    auto odb = http.post("/api/v1/databases",
                         {{"name", "blog"}, {"password", "Db-passw0rd"}, {"owner", "cone"}}, rone);
    EXPECT_EQ(odb.status, 201) << odb.body;
    EXPECT_EQ(http.get("/api/v1/databases/cone_blog", rone).status, 200);
    EXPECT_EQ(array_of(http.get("/api/v1/databases?owner=cone", rone)).size(), 1u);
    auto oftp = http.post(
        "/api/v1/ftp", {{"username", "up"}, {"password", "Ftp-passw0rd"}, {"owner", "cone"}}, rone);
    EXPECT_EQ(oftp.status, 201) << oftp.body;
    EXPECT_EQ(http.get("/api/v1/ftp/cone_up", rone).status, 200);
    auto ocron = http.post(
        "/api/v1/cronjobs",
        {{"name", "n"}, {"command", "true"}, {"cron_expr", "0 3 * * *"}, {"owner", "cone"}}, rone);
    EXPECT_EQ(ocron.status, 201) << ocron.body;
    auto wrote = http.post("/api/v1/files/write",
                           {{"path", "/hello.txt"}, {"content", "hi"}, {"owner", "cone"}}, rone);
    EXPECT_EQ(wrote.status, 200) << wrote.body;
    EXPECT_EQ(http.get("/api/v1/files/list?owner=cone&path=/", rone).status, 200);
    // The customer's own package limit still holds for its reseller.
    EXPECT_EQ(
        http.post("/api/v1/domains", {{"domain", "cone2.example"}, {"owner", "cone"}}, rone).status,
        201);
    expect_envelope(
        http.post("/api/v1/domains", {{"domain", "cone3.example"}, {"owner", "cone"}}, rone), 403,
        "FORBIDDEN", "Domain limit reached (2)");
    // The admin still reaches everything.
    EXPECT_EQ(http.get("/api/v1/databases/cone_blog", admin).status, 200);
}

// The customers' packages never add up to more than the allocation, also
// when many creates race; upgrades and the reseller's own package edits are
// checked the same way.
TEST(Resellers, AllocationHoldsUnderConcurrencyAndUpgrades) {
    PanelProcess panel(suite_options());
    const std::string admin = panel.admin_key();
    const HttpClient& http = panel.http();
    const std::string rone = make_reseller(panel, "rone");
    ASSERT_EQ(http.put("/api/v1/resellers/rone/limits",
                       {{"max_users", 3}, {"max_databases", 4}, {"disk_quota_mb", 1000}}, admin)
                  .status,
              200);
    ASSERT_EQ(http.post("/api/v1/packages", small_package("one", 1), rone).status, 201);
    ASSERT_EQ(http.post("/api/v1/packages", small_package("two", 2), rone).status, 201);

    std::atomic<int> created{0}, refused{0}, other{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 10; ++t) {
        threads.emplace_back([&, t] {
            const std::string name = "cust" + std::string(1, static_cast<char>('a' + t));
            auto r = http.post("/api/v1/users",
                               {{"username", name},
                                {"email", name + "@example.com"},
                                {"password", "Passw0rd-" + name},
                                {"package", "one"}},
                               rone);
            if (r.status == 201)
                ++created;
            else if (r.status == 403 && r.error() == "Reseller limit reached: max_users (3)")
                ++refused;
            else
                ++other;
        });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(created.load(), 3);
    EXPECT_EQ(refused.load(), 7);
    EXPECT_EQ(other.load(), 0);
    auto customers = array_of(http.get("/api/v1/resellers/rone/users", admin));
    ASSERT_EQ(customers.size(), 3u);
    const std::string first(customers[0].as_object().at("username").as_string());
    const std::string second(customers[1].as_object().at("username").as_string());

    // Upgrades: 3 databases allocated of 4; one upgrade to "two" fits (4),
    // a second would make 5.
    EXPECT_EQ(http.put("/api/v1/users/" + first, {{"package", "two"}}, rone).status, 200);
    expect_envelope(http.put("/api/v1/users/" + second, {{"package", "two"}}, rone), 403,
                    "FORBIDDEN", "Reseller limit reached: max_databases (4)");
    // The admin's change of a customer's package is checked the same way.
    expect_envelope(http.put("/api/v1/users/" + second, {{"package", "two"}}, admin), 403,
                    "FORBIDDEN", "Reseller limit reached: max_databases (4)");
    // Raising its own package past the allocation, or making it unlimited.
    expect_envelope(http.put("/api/v1/packages/one", {{"max_databases", 2}}, rone), 403,
                    "FORBIDDEN", "Reseller limit reached: max_databases (4)");
    expect_envelope(http.put("/api/v1/packages/one", {{"max_cron_jobs", -1}}, rone), 403,
                    "FORBIDDEN");
    EXPECT_EQ(object_of(http.get("/api/v1/packages/one", rone))["max_databases"], 1);
    // A customer cannot change its own package.
    const std::string cust = panel.login(second, "Passw0rd-" + second);
    expect_envelope(http.put("/api/v1/users/" + second, {{"package", "two"}}, cust), 403,
                    "FORBIDDEN");
    // The admin cannot lower the allocation below what is promised.
    expect_envelope(http.put("/api/v1/resellers/rone/limits", {{"max_databases", 3}}, admin), 409,
                    "CONFLICT");
    // Concurrent upgrades: with room for exactly one more database, one of
    // several racing upgrades wins.
    ASSERT_EQ(http.put("/api/v1/resellers/rone/limits", {{"max_databases", 5}}, admin).status, 200);
    std::atomic<int> upgraded{0};
    threads.clear();
    for (int i = 1; i < 3; ++i) {
        const std::string name(customers[i].as_object().at("username").as_string());
        for (int k = 0; k < 2; ++k)
            threads.emplace_back([&, name] {
                if (http.put("/api/v1/users/" + name, {{"package", "two"}}, rone).status == 200)
                    ++upgraded;
            });
    }
    for (auto& t : threads) t.join();
    // Two customers, each upgraded at most once in effect; only one fits.
    int on_two = 0;
    for (const auto& c : array_of(http.get("/api/v1/resellers/rone/users", admin)))
        if (c.as_object().at("package") == "two") ++on_two;
    EXPECT_EQ(on_two, 2);  // the first one and exactly one of the others
    json::object usage = object_of(http.get("/api/v1/resellers/rone/usage", rone));
    EXPECT_EQ(usage["usage"].as_object()["databases"].as_object()["allocated"], 5);
}

// Suspending a reseller suspends its active customers; unsuspending it
// reinstates only those.
TEST(Resellers, SuspensionFollowsTheReseller) {
    PanelProcess panel(suite_options());
    const std::string admin = panel.admin_key();
    const HttpClient& http = panel.http();
    const std::string rone = make_reseller(panel, "rone");
    ASSERT_EQ(http.post("/api/v1/packages", small_package("one", 1), rone).status, 201);
    const std::string ann = make_customer(panel, rone, "ann", "one");
    make_customer(panel, rone, "bob", "one");
    const std::string other = panel.create_user_with_key("other");
    // Login-as: its own customers only, never the admin or someone else's.
    auto as = http.post("/api/v1/auth/login-as/ann", json::object{}, rone);
    ASSERT_EQ(as.status, 200) << as.body;
    EXPECT_EQ(object_of(as)["impersonated_by"], "rone");
    EXPECT_EQ(object_of(http.get("/api/v1/auth/me",
                                 std::string(object_of(as).at("token").as_string())))["username"],
              "ann");
    for (const char* target : {"other", "admin"})
        expect_envelope(
            http.post(std::string("/api/v1/auth/login-as/") + target, json::object{}, rone), 403,
            "FORBIDDEN");
    // SSO links (an API key's power): the same rule.
    auto made = http.post("/api/v1/users/rone/api-keys",
                          {{"name", "billing"}, {"permissions", {"all"}}}, rone);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string rone_key(object_of(made).at("secret_key").as_string());
    auto sso = http.post("/api/v1/auth/sso/mint", {{"username", "ann"}}, rone_key);
    EXPECT_EQ(sso.status, 200) << sso.body;
    for (const char* target : {"other", "admin", "rone", "nobody"})
        expect_envelope(http.post("/api/v1/auth/sso/mint", {{"username", target}}, rone_key), 403,
                        "FORBIDDEN");
    // The reseller suspends bob itself; it cannot suspend itself nor others.
    ASSERT_EQ(http.post("/api/v1/users/bob/suspend", json::object{}, rone).status, 200);
    expect_envelope(http.post("/api/v1/users/other/suspend", json::object{}, rone), 403,
                    "FORBIDDEN");

    auto s = http.post("/api/v1/users/rone/suspend", json::object{}, admin);
    ASSERT_EQ(s.status, 200) << s.body;
    json::object a = object_of(http.get("/api/v1/users/ann", admin));
    EXPECT_EQ(a["status"], "suspended");
    EXPECT_EQ(a["suspended_by"], "rone");
    EXPECT_EQ(object_of(http.get("/api/v1/users/bob", admin))["suspended_by"], "");
    expect_envelope(http.get("/api/v1/auth/me", ann), 403, "FORBIDDEN", "Account suspended");
    expect_envelope(http.get("/api/v1/auth/me", rone), 403, "FORBIDDEN", "Account suspended");
    EXPECT_EQ(http.get("/api/v1/auth/me", other).status, 200);

    ASSERT_EQ(http.post("/api/v1/users/rone/unsuspend", json::object{}, admin).status, 200);
    EXPECT_EQ(object_of(http.get("/api/v1/users/ann", admin))["status"], "active");
    EXPECT_EQ(object_of(http.get("/api/v1/users/bob", admin))["status"], "suspended");
    EXPECT_EQ(http.get("/api/v1/auth/me", ann).status, 200);
    EXPECT_EQ(http.get("/api/v1/auth/me", rone).status, 200);
}

}  // namespace
}  // namespace wsp::test
