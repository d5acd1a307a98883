// Every foundation route's success shape, against the real binary: users,
// API keys, packages, domains, login/logout/me, health and the OpenAPI
// document, exactly as ../shared/API.md shows them.
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <set>

#include "foundation_helpers.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;

class FoundationShapes : public ::testing::Test {
  protected:
    // Over HTTPS, as customers use it (the other suites use plain HTTP).
    static void SetUpTestSuite() {
        PanelOptions o = suite_options();
        o.tls = true;
        panel_ = new PanelProcess(o);
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }

    static const HttpClient& http() { return panel_->http(); }
    static const std::string& admin() { return panel_->admin_key(); }
    static HttpResult create_user(const std::string& name, const std::string& package = "") {
        json::object body{
            {"username", name}, {"email", name + "@example.com"}, {"password", "Passw0rd-" + name}};
        if (!package.empty()) body["package"] = package;
        return http().post("/api/v1/users", body, admin());
    }
    static std::string session_of(const std::string& name) {
        return panel_->login(name, "Passw0rd-" + name);
    }
    // An account's own OS identity: as root a uid of sandbox.uid_base's
    // range (issue 14), else the panel's own.
    static bool is_account_uid(uid_t uid) {
        if (::geteuid() != 0) return uid == ::geteuid();
        return uid >= 2000000 && uid < 2100000;
    }
    static uid_t home_uid(const std::string& account) {
        struct stat st {};
        ::stat((panel_->data_dir() / "home" / account).c_str(), &st);
        return st.st_uid;
    }

    static PanelProcess* panel_;
};
PanelProcess* FoundationShapes::panel_ = nullptr;

void expect_user_shape(const json::object& u, const std::string& name) {
    EXPECT_EQ(str(u, "username"), name);
    EXPECT_EQ(str(u, "email"), name + "@example.com");
    EXPECT_EQ(str(u, "role"), "user");
    EXPECT_EQ(str(u, "status"), "active");
    EXPECT_EQ(str(u, "creator"), "admin");
    EXPECT_EQ(str(u, "package"), "default");
    EXPECT_TRUE(str(u, "home_dir").ends_with("/home/" + name)) << str(u, "home_dir");
    EXPECT_TRUE(matches(str(u, "created_at"), kRfc3339));
    EXPECT_TRUE(matches(str(u, "updated_at"), kRfc3339));
    EXPECT_FALSE(u.contains("password"));
    EXPECT_FALSE(u.contains("password_hash"));
}

TEST_F(FoundationShapes, HealthNeedsNoAuth) {
    auto r = http().get("/api/v1/health");
    ASSERT_EQ(r.status, 200) << r.body;
    json::object o = object_of(r);
    EXPECT_TRUE(o["status"] == "ok" || o["status"] == "degraded") << r.body;
    EXPECT_EQ(str(o, "version"), WSP_VERSION);
    ASSERT_TRUE(o["components"].is_object()) << r.body;
    EXPECT_EQ(o["components"].as_object()["store"], "up");
    for (const auto& [name, state] : o["components"].as_object())
        EXPECT_TRUE(state == "up" || state == "down") << name;
    // An open route ignores a bad token rather than refusing.
    EXPECT_EQ(http().get("/api/v1/health", "wsp_bogus").status, 200);
    EXPECT_EQ(http().get("/api/v1/health/").status, 200);
}

TEST_F(FoundationShapes, OpenApiDocumentNeedsNoAuth) {
    auto r = http().get("/api/v1/openapi.json");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    json::object o = object_of(r);
    EXPECT_EQ(str(o, "openapi"), "3.1.0");
    ASSERT_TRUE(o["paths"].is_object());
    for (const char* path : {"/health", "/auth/login", "/users/{username}/api-keys/{id}",
                             "/packages/{name}", "/domains/{domain}"})
        EXPECT_TRUE(o["paths"].as_object().contains(path)) << path;
}

TEST_F(FoundationShapes, LoginMeLogout) {
    ASSERT_EQ(create_user("loginer").status, 201);
    auto login = http().post("/api/v1/auth/login",
                             {{"username", "loginer"}, {"password", "Passw0rd-loginer"}});
    ASSERT_EQ(login.status, 200) << login.body;
    json::object o = object_of(login);
    const std::string token = str(o, "token");
    EXPECT_TRUE(matches(token, "[0-9a-f]{64}")) << token;
    EXPECT_EQ(o["expires_in"], json::value(86400));
    ASSERT_TRUE(o["user"].is_object());
    expect_user_shape(o["user"].as_object(), "loginer");

    auto me = http().get("/api/v1/auth/me", token);
    ASSERT_EQ(me.status, 200) << me.body;
    json::object m = object_of(me);
    for (const char* key : {"username", "email", "role", "status", "creator", "package",
                            "max_domains", "max_databases", "max_ftp_accounts", "max_cron_jobs",
                            "disk_quota_mb", "home_dir", "created_at"})
        EXPECT_TRUE(m.contains(key)) << key << " missing from " << me.body;
    EXPECT_EQ(str(m, "username"), "loginer");
    EXPECT_EQ(str(m, "email"), "loginer@example.com");
    EXPECT_EQ(str(m, "role"), "user");
    EXPECT_EQ(str(m, "status"), "active");
    EXPECT_EQ(str(m, "creator"), "admin");
    EXPECT_EQ(str(m, "package"), "default");
    for (const char* limit :
         {"max_domains", "max_databases", "max_ftp_accounts", "max_cron_jobs", "disk_quota_mb"})
        EXPECT_EQ(m[limit], json::value(-1)) << limit;  // the default package is unlimited
    EXPECT_EQ(str(m, "home_dir"), (panel_->data_dir() / "home" / "loginer").string());
    EXPECT_TRUE(matches(str(m, "created_at"), kRfc3339));

    auto logout = http().post("/api/v1/auth/logout", json::object{}, token);
    ASSERT_EQ(logout.status, 200) << logout.body;
    EXPECT_EQ(logout.json(), json::parse(R"({"message":"Logged out successfully"})"));
    expect_envelope(http().get("/api/v1/auth/me", token), 401, "UNAUTHORIZED");
}

TEST_F(FoundationShapes, FirstAdminWasMadeAtTheConsole) {
    auto me = http().get("/api/v1/auth/me", admin());
    ASSERT_EQ(me.status, 200) << me.body;
    json::object m = object_of(me);
    EXPECT_EQ(str(m, "username"), "admin");
    EXPECT_EQ(str(m, "role"), "admin");
    EXPECT_EQ(str(m, "creator"), "");
    // The initial password file is private.
    struct stat st {};
    ASSERT_EQ(::stat((panel_->data_dir() / "initial-admin-password").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(FoundationShapes, LogoutWithAnApiKeyKeepsTheKey) {
    auto r = http().post("/api/v1/auth/logout", json::object{}, admin());
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(http().get("/api/v1/auth/me", admin()).status, 200);
}

TEST_F(FoundationShapes, UsersCrud) {
    auto created = create_user("crud");
    ASSERT_EQ(created.status, 201) << created.body;
    json::object u = object_of(created);
    expect_user_shape(u, "crud");

    // The home exists, private to the account's OS identity.
    const fs::path home = panel_->data_dir() / "home" / "crud";
    EXPECT_EQ(str(u, "home_dir"), home.string());
    struct stat st {};
    ASSERT_EQ(::stat(home.c_str(), &st), 0);
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0750u);
    EXPECT_TRUE(is_account_uid(st.st_uid)) << st.st_uid;
    EXPECT_NE(st.st_uid, 0u);

    auto list = http().get("/api/v1/users", admin());
    ASSERT_EQ(list.status, 200);
    bool found_admin = false, found_user = false;
    for (const auto& item : array_of(list)) {
        json::object o = item.as_object();
        found_admin |= o["username"] == "admin";
        if (o["username"] == "crud") {
            found_user = true;
            EXPECT_EQ(o, u);
        }
    }
    EXPECT_TRUE(found_admin && found_user) << list.body;

    auto one = http().get("/api/v1/users/crud", admin());
    ASSERT_EQ(one.status, 200);
    EXPECT_EQ(object_of(one), u);

    auto changed = http().put("/api/v1/users/crud", {{"email", "new@example.com"}}, admin());
    ASSERT_EQ(changed.status, 200) << changed.body;
    EXPECT_EQ(object_of(changed)["email"], "new@example.com");
    EXPECT_EQ(object_of(http().get("/api/v1/users/crud", admin()))["email"], "new@example.com");

    auto pw = http().put("/api/v1/users/crud", {{"password", "An0ther-Passw0rd"}}, admin());
    ASSERT_EQ(pw.status, 200) << pw.body;
    EXPECT_EQ(
        http()
            .post("/api/v1/auth/login", {{"username", "crud"}, {"password", "An0ther-Passw0rd"}})
            .status,
        200);
    EXPECT_EQ(http()
                  .post("/api/v1/auth/login", {{"username", "crud"}, {"password", "Passw0rd-crud"}})
                  .status,
              401);
}

TEST_F(FoundationShapes, UserReadsAndUpdatesItself) {
    std::string key = panel_->create_user_with_key("selfie");
    auto me = http().get("/api/v1/users/selfie", key);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(object_of(me)["username"], "selfie");
    auto email = http().put("/api/v1/users/selfie", {{"email", "me@example.org"}}, key);
    ASSERT_EQ(email.status, 200) << email.body;
    EXPECT_EQ(object_of(email)["email"], "me@example.org");
    auto pw =
        http().put("/api/v1/users/selfie",
                   {{"password", "Selfie-Passw0rd"}, {"current_password", "Passw0rd-selfie"}}, key);
    EXPECT_EQ(pw.status, 200) << pw.body;
    EXPECT_NO_THROW(panel_->login("selfie", "Selfie-Passw0rd"));
    expect_envelope(http().put("/api/v1/users/selfie", {{"role", "admin"}}, key), 403, "FORBIDDEN");
    expect_envelope(http().put("/api/v1/users/selfie", {{"package", "default"}}, key), 403,
                    "FORBIDDEN");
    EXPECT_EQ(object_of(http().get("/api/v1/users/selfie", key))["role"], "user");
}

TEST_F(FoundationShapes, SuspendAndUnsuspend) {
    ASSERT_EQ(create_user("pauser").status, 201);
    auto s = http().post("/api/v1/users/pauser/suspend", json::object{}, admin());
    ASSERT_EQ(s.status, 200) << s.body;
    EXPECT_EQ(object_of(s)["status"], "suspended");
    EXPECT_EQ(object_of(s)["username"], "pauser");
    EXPECT_EQ(object_of(http().get("/api/v1/users/pauser", admin()))["status"], "suspended");
    auto u = http().post("/api/v1/users/pauser/unsuspend", json::object{}, admin());
    ASSERT_EQ(u.status, 200) << u.body;
    EXPECT_EQ(object_of(u)["status"], "active");
    // Without a body at all, too.
    EXPECT_EQ(http()
                  .request("POST", "/api/v1/users/pauser/suspend", "",
                           {{"Authorization", "Bearer " + admin()}})
                  .status,
              200);
}

TEST_F(FoundationShapes, DeleteUserSaysWhatWasRemoved) {
    std::string key = panel_->create_user_with_key("goner");  // one key, one session
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "goner.example"}}, key).status, 201);
    const fs::path home = panel_->data_dir() / "home" / "goner";
    ASSERT_TRUE(fs::exists(home / "web" / "goner.example" / "public_html"));

    auto r = http().del("/api/v1/users/goner", admin());
    ASSERT_EQ(r.status, 200) << r.body;
    json::object o = object_of(r);
    EXPECT_EQ(str(o, "message"), "User deleted successfully");
    ASSERT_TRUE(o["removed"].is_object()) << r.body;
    json::object removed = o["removed"].as_object();
    EXPECT_EQ(removed["api_keys"], json::value(1)) << r.body;
    EXPECT_EQ(removed["sessions"], json::value(1)) << r.body;
    EXPECT_EQ(removed["domains"], json::value(1)) << r.body;
    EXPECT_EQ(removed["home"], json::value(true)) << r.body;

    EXPECT_FALSE(fs::exists(home));
    expect_envelope(http().get("/api/v1/users/goner", admin()), 404, "NOT_FOUND");
    expect_envelope(http().get("/api/v1/auth/me", key), 401, "UNAUTHORIZED");
    expect_envelope(http().get("/api/v1/domains/goner.example", admin()), 404, "NOT_FOUND");
    expect_envelope(http().del("/api/v1/users/goner", admin()), 404, "NOT_FOUND");
    // The name is free again.
    EXPECT_EQ(create_user("goner").status, 201);
}

TEST_F(FoundationShapes, ApiKeyCreateHasTheExactShape) {
    auto r = http().post("/api/v1/users/admin/api-keys",
                         {{"name", "WHMCS Provisioning"}, {"permissions", {"read", "domains"}}},
                         admin());
    ASSERT_EQ(r.status, 201) << r.body;
    json::object o = object_of(r);
    EXPECT_EQ(o["success"], json::value(true));
    EXPECT_EQ(str(o, "message"),
              "API key created. Save the secret key now \u2014 it won't be shown again!");
    const std::string secret = str(o, "secret_key");
    EXPECT_TRUE(matches(secret, "wsp_[0-9a-f]{48}")) << secret;
    EXPECT_EQ(str(o, "api_key"), secret);
    ASSERT_TRUE(o["key"].is_object());
    json::object k = o["key"].as_object();
    EXPECT_TRUE(matches(str(k, "id"), "[0-9a-f]{16}")) << str(k, "id");
    EXPECT_EQ(str(k, "name"), "WHMCS Provisioning");
    EXPECT_EQ(str(k, "key_prefix"), secret.substr(0, 12));
    EXPECT_EQ(k["permissions"], json::parse(R"(["domains","read"])"));
    EXPECT_EQ(k["ip_whitelist"], json::array{});
    EXPECT_EQ(str(k, "last_used"), kNeverTime);
    EXPECT_TRUE(matches(str(k, "created_at"), kRfc3339)) << str(k, "created_at");
    EXPECT_EQ(str(k, "expires_at"), kNeverTime);
    EXPECT_EQ(k["enabled"], json::value(true));
    EXPECT_FALSE(k.contains("secret_hash"));
    EXPECT_FALSE(k.contains("secret_key"));

    // The default scope is read; an expiry gives a real time.
    auto d = http().post(
        "/api/v1/users/admin/api-keys",
        {{"name", "reader"}, {"expires_in", 30}, {"ip_whitelist", {"127.0.0.1", "10.0.0.0/8"}}},
        admin());
    ASSERT_EQ(d.status, 201) << d.body;
    json::object dk = object_of(d)["key"].as_object();
    EXPECT_EQ(dk["permissions"], json::parse(R"(["read"])"));
    EXPECT_EQ(dk["ip_whitelist"], json::parse(R"(["127.0.0.1","10.0.0.0/8"])"));
    EXPECT_NE(str(dk, "expires_at"), kNeverTime);
    EXPECT_TRUE(matches(str(dk, "expires_at"), kRfc3339));
    EXPECT_GT(str(dk, "expires_at"), str(dk, "created_at"));
}

TEST_F(FoundationShapes, ApiKeyLifecycle) {
    std::string session = [] {
        EXPECT_EQ(create_user("keyowner").status, 201);
        return session_of("keyowner");
    }();
    const std::string base = "/api/v1/users/keyowner/api-keys";
    auto made = http().post(base, {{"name", "deploy"}, {"permissions", {"all"}}}, session);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string secret = str(object_of(made), "secret_key");
    const std::string id = str(object_of(made)["key"].as_object(), "id");

    // Listing never shows the secret.
    auto list = http().get(base, session);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.body.find(secret), std::string::npos);
    EXPECT_EQ(list.body.find("secret"), std::string::npos);
    auto keys = array_of(list);
    ASSERT_EQ(keys.size(), 1u) << list.body;
    EXPECT_EQ(keys[0].as_object()["id"], json::value(id));
    EXPECT_EQ(keys[0].as_object()["last_used"], kNeverTime);

    // Using the key shows in last_used.
    ASSERT_EQ(http().get("/api/v1/auth/me", secret).status, 200);
    auto used = array_of(http().get(base, session));
    ASSERT_EQ(used.size(), 1u);
    EXPECT_TRUE(matches(std::string(used[0].as_object()["last_used"].as_string()), kRfc3339))
        << json::serialize(used);

    // Disable, enable.
    auto off = http().put(base + "/" + id, {{"enabled", false}}, session);
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_EQ(object_of(off)["enabled"], json::value(false));
    EXPECT_EQ(object_of(off)["id"], json::value(id));
    EXPECT_EQ(http().get("/api/v1/auth/me", secret).status, 401);
    auto on = http().put(base + "/" + id + "/", {{"enabled", true}}, session);
    ASSERT_EQ(on.status, 200) << on.body;
    EXPECT_EQ(object_of(on)["enabled"], json::value(true));
    EXPECT_EQ(http().get("/api/v1/auth/me", secret).status, 200);

    // Revoke: gone at once.
    auto gone = http().del(base + "/" + id, session);
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(gone.json(), json::parse(R"({"message":"API key revoked"})"));
    expect_envelope(http().get("/api/v1/auth/me", secret), 401, "UNAUTHORIZED",
                    "Invalid or expired API key");
    EXPECT_TRUE(array_of(http().get(base, session)).empty());
    expect_envelope(http().del(base + "/" + id, session), 404, "NOT_FOUND");
    expect_envelope(http().put(base + "/" + id, {{"enabled", true}}, session), 404, "NOT_FOUND");
}

TEST_F(FoundationShapes, AdminManagesAnotherUsersKeys) {
    ASSERT_EQ(create_user("managed").status, 201);
    const std::string base = "/api/v1/users/managed/api-keys";
    auto made = http().post(base, {{"name", "by admin"}}, admin());
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string secret = str(object_of(made), "secret_key");
    auto me = http().get("/api/v1/auth/me", secret);
    ASSERT_EQ(me.status, 200);
    EXPECT_EQ(object_of(me)["username"], "managed");
    EXPECT_EQ(array_of(http().get(base, admin())).size(), 1u);
    expect_envelope(http().get("/api/v1/users/nobody/api-keys", admin()), 404, "NOT_FOUND");
    expect_envelope(http().post("/api/v1/users/nobody/api-keys", {{"name", "x"}}, admin()), 404,
                    "NOT_FOUND");
}

TEST_F(FoundationShapes, PackagesCrud) {
    auto made = http().post(
        "/api/v1/packages",
        {{"name", "gold"}, {"max_domains", 5}, {"max_databases", 10}, {"disk_quota_mb", 2048}},
        admin());
    ASSERT_EQ(made.status, 201) << made.body;
    json::object p = object_of(made);
    EXPECT_EQ(str(p, "name"), "gold");
    EXPECT_EQ(p["max_domains"], json::value(5));
    EXPECT_EQ(p["max_databases"], json::value(10));
    EXPECT_EQ(p["max_ftp_accounts"], json::value(-1));
    EXPECT_EQ(p["max_cron_jobs"], json::value(-1));
    EXPECT_EQ(p["disk_quota_mb"], json::value(2048));
    EXPECT_TRUE(matches(str(p, "created_at"), kRfc3339));
    EXPECT_TRUE(matches(str(p, "updated_at"), kRfc3339));

    auto list = http().get("/api/v1/packages", admin());
    ASSERT_EQ(list.status, 200);
    std::set<std::string> names;
    for (const auto& item : array_of(list)) names.insert(std::string(item.at("name").as_string()));
    EXPECT_TRUE(names.count("default") && names.count("gold")) << list.body;

    EXPECT_EQ(object_of(http().get("/api/v1/packages/gold", admin())), p);

    auto changed = http().put("/api/v1/packages/gold", {{"max_cron_jobs", 3}}, admin());
    ASSERT_EQ(changed.status, 200) << changed.body;
    json::object c = object_of(changed);
    EXPECT_EQ(c["max_cron_jobs"], json::value(3));
    EXPECT_EQ(c["max_domains"], json::value(5));  // untouched
    EXPECT_EQ(c["disk_quota_mb"], json::value(2048));

    // A user on the package sees its limits, and may read its own package.
    std::string key = panel_->create_user_with_key("golden", "gold");
    json::object me = object_of(http().get("/api/v1/auth/me", key));
    EXPECT_EQ(me["package"], "gold");
    EXPECT_EQ(me["max_domains"], json::value(5));
    EXPECT_EQ(me["max_cron_jobs"], json::value(3));
    EXPECT_EQ(http().get("/api/v1/packages/gold", key).status, 200);

    // In use: cannot be deleted; the default never.
    expect_envelope(http().del("/api/v1/packages/gold", admin()), 409, "CONFLICT");
    expect_envelope(http().del("/api/v1/packages/default", admin()), 400, "VALIDATION_ERROR");
    ASSERT_EQ(http().put("/api/v1/users/golden", {{"package", "default"}}, admin()).status, 200);
    auto gone = http().del("/api/v1/packages/gold", admin());
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(gone.json(), json::parse(R"({"message":"Package deleted"})"));
    expect_envelope(http().get("/api/v1/packages/gold", admin()), 404, "NOT_FOUND");
}

TEST_F(FoundationShapes, PackageValidation) {
    ASSERT_EQ(http().post("/api/v1/packages", {{"name", "silver"}}, admin()).status, 201);
    expect_envelope(http().post("/api/v1/packages", {{"name", "silver"}}, admin()), 409,
                    "CONFLICT");
    expect_validation(http().post("/api/v1/packages", {{"name", "Bad Name"}}, admin()),
                      "package name");
    expect_validation(
        http().post("/api/v1/packages", {{"name", "bronze"}, {"max_domains", -2}}, admin()),
        "max_domains");
    expect_validation(http().put("/api/v1/packages/silver", {{"disk_quota_mb", "lots"}}, admin()),
                      "disk_quota_mb");
    expect_validation(http().post("/api/v1/packages", json::object{}, admin()), "Name is required");
    expect_envelope(http().put("/api/v1/packages/nosuch", {{"max_domains", 1}}, admin()), 404,
                    "NOT_FOUND");
    expect_validation(create_user("nopkg", "nosuchpackage"), "nosuchpackage");
}

TEST_F(FoundationShapes, DomainsCrud) {
    std::string key = panel_->create_user_with_key("webber");
    auto made = http().post("/api/v1/domains", {{"domain", "Shop.Example.COM"}}, key);
    ASSERT_EQ(made.status, 201) << made.body;
    json::object d = object_of(made);
    EXPECT_EQ(str(d, "domain"), "shop.example.com");
    EXPECT_EQ(str(d, "owner"), "webber");
    const fs::path root =
        panel_->data_dir() / "home" / "webber" / "web" / "shop.example.com" / "public_html";
    EXPECT_EQ(str(d, "document_root"), root.string());
    EXPECT_TRUE(matches(str(d, "created_at"), kRfc3339));

    // The web directory exists in the owner's home, owned by the account.
    struct stat st {};
    ASSERT_EQ(::stat(root.c_str(), &st), 0) << root;
    EXPECT_TRUE(S_ISDIR(st.st_mode));
    EXPECT_EQ(st.st_uid, home_uid("webber"));
    EXPECT_TRUE(is_account_uid(st.st_uid)) << st.st_uid;
    ASSERT_EQ(::stat(root.parent_path().c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, home_uid("webber"));

    EXPECT_EQ(object_of(http().get("/api/v1/domains/shop.example.com", key)), d);
    auto list = http().get("/api/v1/domains", key);
    ASSERT_EQ(list.status, 200);
    auto items = array_of(list);
    ASSERT_EQ(items.size(), 1u) << list.body;
    EXPECT_EQ(items[0].as_object(), d);

    // IDNA names are stored as punycode.
    auto idn = http().post("/api/v1/domains", {{"domain", "b\u00fccher.example"}}, key);
    ASSERT_EQ(idn.status, 201) << idn.body;
    EXPECT_EQ(object_of(idn)["domain"], "xn--bcher-kva.example");
    EXPECT_TRUE(fs::is_directory(panel_->data_dir() / "home" / "webber" / "web" /
                                 "xn--bcher-kva.example" / "public_html"));

    // An admin sees every owner's domains and may filter by owner.
    auto all = array_of(http().get("/api/v1/domains", admin()));
    EXPECT_GE(all.size(), 2u);
    auto mine = array_of(http().get("/api/v1/domains?owner=webber", admin()));
    EXPECT_EQ(mine.size(), 2u);
    for (const auto& item : mine) EXPECT_EQ(item.at("owner"), "webber");

    auto gone = http().del("/api/v1/domains/shop.example.com", key);
    ASSERT_EQ(gone.status, 200) << gone.body;
    EXPECT_EQ(gone.json(), json::parse(R"({"message":"Domain deleted"})"));
    expect_envelope(http().get("/api/v1/domains/shop.example.com", key), 404, "NOT_FOUND");
    expect_envelope(http().del("/api/v1/domains/shop.example.com", key), 404, "NOT_FOUND");
    // The site's files stay with the customer.
    EXPECT_TRUE(fs::is_directory(root));
    EXPECT_EQ(array_of(http().get("/api/v1/domains", key)).size(), 1u);
}

TEST_F(FoundationShapes, AdminCreatesADomainForAnOwner) {
    ASSERT_EQ(create_user("hosted").status, 201);
    auto made = http().post("/api/v1/domains", {{"domain", "hosted.example"}, {"owner", "hosted"}},
                            admin());
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_EQ(object_of(made)["owner"], "hosted");
    EXPECT_TRUE(fs::is_directory(panel_->data_dir() / "home" / "hosted" / "web" / "hosted.example" /
                                 "public_html"));
    expect_validation(
        http().post("/api/v1/domains", {{"domain", "x.example"}, {"owner", "nosuch"}}, admin()),
        "nosuch");
}

TEST_F(FoundationShapes, DomainsAreUniqueAcrossTheServer) {
    std::string a = panel_->create_user_with_key("firsty");
    std::string b = panel_->create_user_with_key("secondy");
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "taken.example"}}, a).status, 201);
    expect_envelope(http().post("/api/v1/domains", {{"domain", "TAKEN.example"}}, b), 409,
                    "CONFLICT");
    expect_envelope(http().post("/api/v1/domains", {{"domain", "taken.example"}}, a), 409,
                    "CONFLICT");
}

TEST_F(FoundationShapes, UsersCannotBeCreatedTwiceOrInvalid) {
    ASSERT_EQ(create_user("twice").status, 201);
    expect_envelope(create_user("twice"), 409, "CONFLICT");
    expect_validation(create_user("Bad_Name"), "username");
    expect_validation(
        http().post("/api/v1/users",
                    {{"username", "shortpw"}, {"email", "s@example.com"}, {"password", "short"}},
                    admin()),
        "Password");
    expect_validation(
        http().post(
            "/api/v1/users",
            {{"username", "bademail"}, {"email", "not-an-email"}, {"password", "Passw0rd-long"}},
            admin()),
        "email");
    expect_validation(http().post("/api/v1/users",
                                  {{"username", "badrole"},
                                   {"email", "r@example.com"},
                                   {"password", "Passw0rd-long"},
                                   {"role", "root"}},
                                  admin()),
                      "role");
    // Nothing half done: no home for any refused account.
    for (const char* name : {"shortpw", "bademail", "badrole"})
        EXPECT_FALSE(fs::exists(panel_->data_dir() / "home" / name)) << name;
}

TEST_F(FoundationShapes, TheLastAdminStays) {
    expect_envelope(http().post("/api/v1/users/admin/suspend", json::object{}, admin()), 400,
                    "VALIDATION_ERROR");
    expect_envelope(http().del("/api/v1/users/admin", admin()), 400, "VALIDATION_ERROR");
    expect_envelope(http().put("/api/v1/users/admin", {{"role", "user"}}, admin()), 409,
                    "CONFLICT");
    EXPECT_EQ(object_of(http().get("/api/v1/auth/me", admin()))["role"], "admin");
}

}  // namespace
}  // namespace wsp::test
