// Account security against the real binary (issue 19): TOTP two-factor
// login checked with oathtool(1), replayed codes and recovery codes,
// sessions listed and revoked mid-use, re-authentication and its expiry,
// login-as, the audit log and its export, and that no secret the tests
// made is anywhere in the store's files.
#include <chrono>
#include <fstream>
#include <iterator>
#include <set>
#include <thread>

#include "foundation_helpers.h"
#include "system/process.h"

namespace wsp::test {
namespace {

// The TOTP code of `secret` (base32) from oathtool, `offset` seconds from
// now; the secret goes through stdin, never the command line.
std::string oathtool_code(const std::string& secret, int offset = 0) {
    std::vector<std::string> argv = {"/usr/bin/oathtool", "--totp", "-b"};
    if (offset != 0)
        argv.insert(argv.end(), {"-N", "now + " + std::to_string(offset) + " seconds"});
    argv.emplace_back("-");
    ProcessOptions o;
    o.stdin_data = secret + "\n";
    auto r = run_process(argv, o);
    if (!r.ok() || !r->ok()) {
        ADD_FAILURE() << "oathtool failed: " << (r.ok() ? r->output : r.error().message);
        return "";
    }
    std::string code = r->output;
    while (!code.empty() && (code.back() == '\n' || code.back() == '\r')) code.pop_back();
    return code;
}

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

HttpResult login_with(const HttpClient& http, const std::string& user, const std::string& password,
                      const std::string& code = "", const std::string& agent = "") {
    json::object body{{"username", user}, {"password", password}};
    if (!code.empty()) body["totp_code"] = code;
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Content-Type", "application/json"}};
    if (!agent.empty()) headers.emplace_back("User-Agent", agent);
    return http.request("POST", "/api/v1/auth/login", json::serialize(body), headers);
}

// Sets up and enables two-factor login on `session` with oathtool's code.
struct Enrolment {
    std::string secret;
    std::vector<std::string> recovery_codes;
};
void enrol_2fa(const HttpClient& http, const std::string& session, Enrolment& out) {
    auto setup = http.post("/api/v1/auth/2fa/setup", json::object{}, session);
    ASSERT_EQ(setup.status, 200) << setup.body;
    out.secret = std::string(setup.json().at("secret").as_string());
    auto enabled =
        http.post("/api/v1/auth/2fa/enable", {{"code", oathtool_code(out.secret)}}, session);
    ASSERT_EQ(enabled.status, 200) << enabled.body;
    const json::value answer = enabled.json();  // kept: the loop reads into it
    for (const auto& c : answer.at("recovery_codes").as_array())
        out.recovery_codes.emplace_back(c.as_string());
}

class AccountSecurity : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        panel_ = new PanelProcess(suite_options({"ftp.mode=off"}));
        secrets_ = new std::vector<std::string>();
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        delete secrets_;
        secrets_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }

    static const HttpClient& http() { return panel_->http(); }
    static const std::string& admin() {
        const std::string& k = panel_->admin_key();
        keep(k);
        return k;
    }
    static void keep(const std::string& secret) {
        if (!secret.empty()) secrets_->push_back(secret);
    }
    // A recovery code as shown and in its normalised form (what is hashed).
    static void keep_recovery_code(const std::string& code) {
        keep(code);
        std::string bare;
        for (char ch : code)
            if (ch != '-') bare += ch;
        keep(bare);
    }
    // A user with a known password; returns the password.
    static std::string make_user(const std::string& name) {
        const std::string password = "Pw-" + name + "-S3cret!x";
        auto r = http().post(
            "/api/v1/users",
            {{"username", name}, {"email", name + "@example.com"}, {"password", password}},
            admin());
        EXPECT_EQ(r.status, 201) << r.body;
        keep(password);
        return password;
    }
    static std::string token_of(const HttpResult& r) {
        EXPECT_EQ(r.status, 200) << r.body;
        auto o = object_of(r);
        if (!o.contains("token")) return "";
        std::string t = str(o, "token");
        keep(t);
        return t;
    }

    static PanelProcess* panel_;
    static std::vector<std::string>* secrets_;
};
PanelProcess* AccountSecurity::panel_ = nullptr;
std::vector<std::string>* AccountSecurity::secrets_ = nullptr;

TEST_F(AccountSecurity, TwoFactorEnrolLoginReplayRecoveryDisable) {
    const std::string pw = make_user("tfa");
    const std::string session = token_of(login_with(http(), "tfa", pw));

    auto st = object_of(http().get("/api/v1/auth/2fa", session));
    EXPECT_EQ(st["enabled"], json::value(false));

    auto setup = http().post("/api/v1/auth/2fa/setup", json::object{}, session);
    ASSERT_EQ(setup.status, 200) << setup.body;
    auto so = object_of(setup);
    const std::string secret = str(so, "secret");
    keep(secret);
    EXPECT_TRUE(matches(secret, "[A-Z2-7]{32}")) << secret;
    EXPECT_EQ(str(so, "otpauth_uri"), "otpauth://totp/WisPanel:tfa?secret=" + secret +
                                          "&issuer=WisPanel&algorithm=SHA1&digits=6&period=30");
    EXPECT_TRUE(str(so, "qr_svg").starts_with("<svg ")) << str(so, "qr_svg").substr(0, 40);

    // A wrong code does not enable it.
    expect_envelope(http().post("/api/v1/auth/2fa/enable", {{"code", "12345x"}}, session), 400,
                    "VALIDATION_ERROR", "Invalid code");
    // (Six-digit codes are not kept for the store scan: such digit runs
    // occur by chance in the hex of hashes. They are never stored anyway.)
    const std::string enrol_code = oathtool_code(secret);
    auto enabled = http().post("/api/v1/auth/2fa/enable", {{"code", enrol_code}}, session);
    ASSERT_EQ(enabled.status, 200) << enabled.body;
    auto codes = object_of(enabled)["recovery_codes"].as_array();
    ASSERT_EQ(codes.size(), 10u);
    std::set<std::string> distinct;
    for (const auto& c : codes) {
        distinct.insert(std::string(c.as_string()));
        keep_recovery_code(std::string(c.as_string()));
    }
    EXPECT_EQ(distinct.size(), 10u);
    EXPECT_EQ(object_of(http().get("/api/v1/auth/me", session))["two_factor_enabled"],
              json::value(true));
    // Setting up again while enabled: 409.
    expect_envelope(http().post("/api/v1/auth/2fa/setup", json::object{}, session), 409,
                    "CONFLICT");

    // Password only: the documented challenge, no token.
    auto challenge = login_with(http(), "tfa", pw);
    EXPECT_EQ(challenge.status, 200) << challenge.body;
    EXPECT_EQ(challenge.json(), json::parse(R"({"requires_2fa":true,)"
                                            R"("message":"Two-factor authentication required"})"));
    // A wrong password with a code is still "Invalid credentials".
    expect_envelope(login_with(http(), "tfa", "wrong-password", enrol_code), 401, "UNAUTHORIZED",
                    "Invalid credentials");
    // The enrolment code is spent: it cannot log in (replay).
    expect_envelope(login_with(http(), "tfa", pw, enrol_code), 401, "UNAUTHORIZED",
                    "Invalid two-factor code");
    // The next step's code (±1 step is accepted) logs in, once.
    const std::string next = oathtool_code(secret, 30);
    const std::string s2 = token_of(login_with(http(), "tfa", pw, next));
    EXPECT_FALSE(s2.empty());
    expect_envelope(login_with(http(), "tfa", pw, next), 401, "UNAUTHORIZED",
                    "Invalid two-factor code");
    // A code two steps away is refused.
    const std::string far = oathtool_code(secret, 120);
    expect_envelope(login_with(http(), "tfa", pw, far), 401, "UNAUTHORIZED",
                    "Invalid two-factor code");

    // A recovery code works once.
    const std::string recovery = std::string(codes[0].as_string());
    const std::string s3 = token_of(login_with(http(), "tfa", pw, recovery));
    EXPECT_FALSE(s3.empty());
    expect_envelope(login_with(http(), "tfa", pw, recovery), 401, "UNAUTHORIZED",
                    "Invalid two-factor code");
    EXPECT_EQ(object_of(http().get("/api/v1/auth/2fa", s3))["recovery_codes_remaining"],
              json::value(9));

    // Disabling needs a code: a wrong one is refused, a recovery code works.
    expect_envelope(http().post("/api/v1/auth/2fa/disable", {{"code", "000000"}}, s3), 400,
                    "VALIDATION_ERROR", "Invalid code");
    auto off =
        http().post("/api/v1/auth/2fa/disable", {{"code", std::string(codes[1].as_string())}}, s3);
    EXPECT_EQ(off.status, 200) << off.body;
    token_of(login_with(http(), "tfa", pw));  // password alone again

    // The events are in the account's audit log.
    std::set<std::string> actions;
    auto log = object_of(http().get("/api/v1/audit?per_page=200", s3));
    for (const auto& item : log["items"].as_array())
        actions.insert(std::string(item.at("action").as_string()));
    for (const char* a :
         {"auth.2fa_enabled", "auth.2fa_disabled", "auth.login", "auth.login_failed"})
        EXPECT_TRUE(actions.contains(a)) << a;
}

TEST_F(AccountSecurity, AdminResetsAnotherAccountsTwoFactor) {
    const std::string pw = make_user("lostphone");
    const std::string session = token_of(login_with(http(), "lostphone", pw));
    auto setup = object_of(http().post("/api/v1/auth/2fa/setup", json::object{}, session));
    const std::string secret = str(setup, "secret");
    keep(secret);
    ASSERT_EQ(
        http().post("/api/v1/auth/2fa/enable", {{"code", oathtool_code(secret)}}, session).status,
        200);
    // Not by the account itself through the admin route.
    expect_envelope(http().del("/api/v1/users/lostphone/2fa", session), 403, "FORBIDDEN");
    EXPECT_EQ(http().del("/api/v1/users/lostphone/2fa", admin()).status, 200);
    token_of(login_with(http(), "lostphone", pw));
    auto log = object_of(http().get("/api/v1/audit?action=auth.2fa_reset", admin()));
    ASSERT_EQ(log["total"], json::value(1));
    EXPECT_EQ(log["items"].as_array()[0].at("target"), json::value("user:lostphone"));
}

TEST_F(AccountSecurity, SessionsListedAndAStolenOneRevokedMidUse) {
    const std::string pw = make_user("sessy");
    const std::string mine = token_of(login_with(http(), "sessy", pw, "", "MyBrowser/1.0"));
    const std::string stolen = token_of(login_with(http(), "sessy", pw, "", "Thief/6.6"));
    EXPECT_EQ(http().get("/api/v1/auth/me", stolen).status, 200);

    auto list = array_of(http().get("/api/v1/auth/sessions", mine));
    ASSERT_EQ(list.size(), 2u);
    std::string stolen_id;
    int current = 0;
    for (const auto& v : list) {
        const auto& o = v.as_object();
        EXPECT_EQ(o.at("ip"), json::value("127.0.0.1"));
        EXPECT_TRUE(matches(std::string(o.at("created_at").as_string()), kRfc3339));
        EXPECT_TRUE(matches(std::string(o.at("last_seen").as_string()), kRfc3339));
        EXPECT_TRUE(matches(std::string(o.at("id").as_string()), "[0-9a-f]{16}"));
        if (o.at("current").as_bool()) {
            ++current;
            EXPECT_EQ(o.at("user_agent"), json::value("MyBrowser/1.0"));
        } else {
            EXPECT_EQ(o.at("user_agent"), json::value("Thief/6.6"));
            stolen_id = std::string(o.at("id").as_string());
        }
        // Never the token nor its hash.
        EXPECT_EQ(json::serialize(o).find(stolen), std::string::npos);
    }
    EXPECT_EQ(current, 1);
    // Another account cannot see or revoke them.
    panel_->create_user_with_key("nosy");
    const std::string nosy = token_of(login_with(http(), "nosy", "Passw0rd-nosy"));
    keep("Passw0rd-nosy");
    expect_envelope(http().get("/api/v1/users/sessy/sessions", nosy), 403, "FORBIDDEN");
    expect_envelope(http().del("/api/v1/users/sessy/sessions/" + stolen_id, nosy), 403,
                    "FORBIDDEN");
    expect_envelope(http().del("/api/v1/auth/sessions/" + stolen_id, nosy), 404, "NOT_FOUND");
    // The admin sees them.
    EXPECT_EQ(array_of(http().get("/api/v1/users/sessy/sessions", admin())).size(), 2u);

    // Revoked while in use: the very next request is refused.
    EXPECT_EQ(http().del("/api/v1/auth/sessions/" + stolen_id, mine).status, 200);
    expect_envelope(http().get("/api/v1/auth/me", stolen), 401, "UNAUTHORIZED");
    expect_envelope(http().post("/api/v1/domains", {{"domain", "stolen.example"}}, stolen), 401,
                    "UNAUTHORIZED");
    EXPECT_EQ(http().get("/api/v1/auth/me", mine).status, 200);

    // "Log out everywhere else" keeps the caller's own.
    const std::string a = token_of(login_with(http(), "sessy", pw));
    const std::string b = token_of(login_with(http(), "sessy", pw));
    auto others = http().del("/api/v1/auth/sessions", mine);
    EXPECT_EQ(others.status, 200) << others.body;
    EXPECT_EQ(object_of(others)["revoked"], json::value(2));
    EXPECT_EQ(http().get("/api/v1/auth/me", a).status, 401);
    EXPECT_EQ(http().get("/api/v1/auth/me", b).status, 401);
    EXPECT_EQ(http().get("/api/v1/auth/me", mine).status, 200);

    // Single-session mode: force at login ends the others.
    json::object forced{{"username", "sessy"}, {"password", pw}, {"force", true}};
    const std::string only = token_of(http().post("/api/v1/auth/login", forced));
    EXPECT_EQ(http().get("/api/v1/auth/me", mine).status, 401);
    EXPECT_EQ(array_of(http().get("/api/v1/auth/sessions", only)).size(), 1u);
}

TEST_F(AccountSecurity, LoginAsIsMarkedAndAuditedWithBothNames) {
    const std::string pw = make_user("cust");
    const std::string admin_session =
        token_of(login_with(http(), "admin", panel_->admin_password()));
    keep(panel_->admin_password());
    // A customer may not.
    const std::string cust = token_of(login_with(http(), "cust", pw));
    expect_envelope(http().post("/api/v1/auth/login-as/admin", json::object{}, cust), 403,
                    "FORBIDDEN");

    auto r = http().post("/api/v1/auth/login-as/cust", json::object{}, admin_session);
    ASSERT_EQ(r.status, 200) << r.body;
    const std::string as = token_of(r);
    EXPECT_EQ(object_of(r)["impersonated_by"], json::value("admin"));
    auto me = object_of(http().get("/api/v1/auth/me", as));
    EXPECT_EQ(me["username"], json::value("cust"));
    EXPECT_EQ(me["impersonated_by"], json::value("admin"));
    EXPECT_EQ(object_of(http().get("/api/v1/auth/me", cust))["impersonated_by"], json::value());

    // It acts as the customer; the record names both.
    auto made = http().post("/api/v1/domains", {{"domain", "cust-as.example"}}, as);
    EXPECT_EQ(made.status, 201) << made.body;
    auto log = object_of(http().get("/api/v1/audit?action=POST%20/api/v1/domains", admin()));
    bool found = false;
    for (const auto& item : log["items"].as_array()) {
        const auto& o = item.as_object();
        if (o.at("target") != json::value("/api/v1/domains") ||
            o.at("acting_as") != json::value("cust"))
            continue;
        found = true;
        EXPECT_EQ(o.at("actor"), json::value("admin"));
        EXPECT_EQ(o.at("account"), json::value("cust"));
        EXPECT_EQ(o.at("status"), json::value(201));
        EXPECT_TRUE(std::string(o.at("credential").as_string()).starts_with("session:"));
    }
    EXPECT_TRUE(found) << json::serialize(log);
    // It is not the customer's password proof: no password change, no keys
    // with every permission.
    expect_envelope(http().put("/api/v1/users/cust",
                               {{"password", "N3w-pass-word!"}, {"current_password", pw}}, as),
                    403, "REAUTH_REQUIRED");
    expect_envelope(
        http().post("/api/v1/users/cust/api-keys", {{"name", "x"}, {"permissions", {"all"}}}, as),
        403, "REAUTH_REQUIRED");
    // Nor a way on to another account.
    expect_envelope(http().post("/api/v1/auth/login-as/admin", json::object{}, as), 403,
                    "FORBIDDEN");
    auto events = object_of(http().get("/api/v1/audit?action=auth.impersonate", admin()));
    EXPECT_GE(events["total"].as_int64(), 1);
}

TEST_F(AccountSecurity, AuditListFiltersPagesAndExports) {
    const std::string pw = make_user("auditee");
    const std::string s = token_of(login_with(http(), "auditee", pw));
    expect_envelope(login_with(http(), "auditee", "not-the-password"), 401, "UNAUTHORIZED");
    ASSERT_EQ(http().post("/api/v1/domains", {{"domain", "auditee.example"}}, s).status, 201);
    ASSERT_EQ(http().del("/api/v1/domains/auditee.example", s).status, 200);

    // A customer sees only its own account's records.
    auto own = object_of(http().get("/api/v1/audit?per_page=500", s));
    ASSERT_GE(own["total"].as_int64(), 4);
    for (const auto& item : own["items"].as_array())
        EXPECT_EQ(item.at("account"), json::value("auditee")) << json::serialize(item);
    // Filters: action prefix, target substring, time window, paging.
    auto del = object_of(
        http().get("/api/v1/audit?action=DELETE&target=auditee.example&from=2020-01-01", s));
    ASSERT_EQ(del["total"], json::value(1)) << json::serialize(del);
    const auto& rec = del["items"].as_array()[0].as_object();
    EXPECT_EQ(rec.at("action"), json::value("DELETE /api/v1/domains/{domain}"));
    EXPECT_EQ(rec.at("result"), json::value("ok"));
    EXPECT_TRUE(matches(std::string(rec.at("time").as_string()), kRfc3339));
    EXPECT_FALSE(rec.at("request_id").as_string().empty());
    EXPECT_EQ(object_of(http().get("/api/v1/audit?to=1000", s))["total"], json::value(0));
    auto p1 = object_of(http().get("/api/v1/audit?per_page=1&page=1", s));
    auto p2 = object_of(http().get("/api/v1/audit?per_page=1&page=2", s));
    ASSERT_EQ(p1["items"].as_array().size(), 1u);
    ASSERT_EQ(p2["items"].as_array().size(), 1u);
    EXPECT_NE(p1["items"].as_array()[0].at("id"), p2["items"].as_array()[0].at("id"));
    expect_envelope(http().get("/api/v1/audit?per_page=0", s), 400, "VALIDATION_ERROR");
    expect_envelope(http().get("/api/v1/audit?from=yesterday", s), 400, "VALIDATION_ERROR");
    // A request refused by policy is recorded as denied (a key outside its
    // scope), with the key's id and never its secret.
    const std::string narrow =
        str(object_of(http().post("/api/v1/users/auditee/api-keys",
                                  {{"name", "narrow"}, {"permissions", {"domains"}}}, s)),
            "secret_key");
    keep(narrow);
    expect_envelope(http().post("/api/v1/cronjobs", {{"name", "x"}}, narrow), 403, "FORBIDDEN");
    auto denied = object_of(http().get("/api/v1/audit?action=POST%20/api/v1/cronjobs", s));
    ASSERT_EQ(denied["total"], json::value(1)) << json::serialize(denied);
    const auto& d = denied["items"].as_array()[0].as_object();
    EXPECT_EQ(d.at("result"), json::value("denied"));
    EXPECT_TRUE(std::string(d.at("credential").as_string()).starts_with("key:"));
    own = object_of(http().get("/api/v1/audit?per_page=500", s));
    // An admin may filter by actor across accounts.
    auto by_actor = object_of(http().get("/api/v1/audit?actor=auditee&per_page=500", admin()));
    EXPECT_EQ(by_actor["total"], own["total"]);

    // Login history: the account's last logins with address and result.
    auto history = array_of(http().get("/api/v1/auth/login-history", s));
    ASSERT_GE(history.size(), 2u);
    std::set<std::string> results;
    for (const auto& h : history) {
        results.insert(std::string(h.at("result").as_string()));
        EXPECT_EQ(h.at("ip"), json::value("127.0.0.1"));
    }
    EXPECT_TRUE(results.contains("ok") && results.contains("failed"));

    // The export: JSON lines, the same records.
    auto exported = http().get("/api/v1/audit/export?action=auth.", s);
    ASSERT_EQ(exported.status, 200);
    EXPECT_EQ(exported.header("Content-Type"), "application/x-ndjson");
    size_t lines = 0;
    std::istringstream in(exported.body);
    for (std::string line; std::getline(in, line);) {
        ++lines;
        auto v = json::parse(line);
        EXPECT_TRUE(std::string(v.at("action").as_string()).starts_with("auth."));
    }
    EXPECT_GE(lines, 2u);
}

// Last: every secret the suite made (passwords, session tokens, API keys,
// TOTP secrets and codes, recovery codes), at least its own when it runs
// alone, is nowhere in the store's files, audit log included.
TEST_F(AccountSecurity, ZZNoSecretAnywhereInTheStore) {
    // A key made now, and a password change, so both kinds are recent.
    const std::string pw = make_user("scanme");
    const std::string s = token_of(login_with(http(), "scanme", pw));
    // Its own 2FA secret and recovery codes: under CTest each test runs
    // alone, so the scan cannot count on the other tests' secrets.
    Enrolment enrolment;
    ASSERT_NO_FATAL_FAILURE(enrol_2fa(http(), s, enrolment));
    keep(enrolment.secret);
    for (const auto& code : enrolment.recovery_codes) keep_recovery_code(code);
    auto k =
        http().post("/api/v1/users/scanme/api-keys", {{"name", "k"}, {"permissions", {"all"}}}, s);
    ASSERT_EQ(k.status, 201) << k.body;
    keep(str(object_of(k), "secret_key"));
    const std::string new_pw = "Brand-N3w-Passw0rd!";
    keep(new_pw);
    auto changed =
        http().put("/api/v1/users/scanme", {{"password", new_pw}, {"current_password", pw}}, s);
    ASSERT_EQ(changed.status, 200) << changed.body;
    auto log = object_of(http().get("/api/v1/audit?action=auth.password_changed", admin()));
    EXPECT_GE(log["total"].as_int64(), 1);

    std::string store;
    for (const char* f : {"panel.db", "panel.db-wal"}) store += read_all(panel_->data_dir() / f);
    ASSERT_GT(store.size(), 10000u);
    ASSERT_GE(secrets_->size(), 20u);
    for (const auto& secret : *secrets_) {
        ASSERT_GE(secret.size(), 6u);
        EXPECT_EQ(store.find(secret), std::string::npos) << "secret in the store: " << secret;
    }
    // The audit export holds none either.
    auto exported = http().get("/api/v1/audit/export", admin()).body;
    for (const auto& secret : *secrets_)
        EXPECT_EQ(exported.find(secret), std::string::npos) << "secret in the audit: " << secret;
}

// Re-authentication with a two-second freshness, so its expiry is seen.
TEST(AccountSecurityReauth, SensitiveOperationsNeedARecentPasswordProof) {
    PanelProcess panel(suite_options({"ftp.mode=off", "auth.reauth_ttl_s=2"}));
    const auto& http = panel.http();
    const std::string password = panel.admin_password();
    const std::string session =
        login_with(http, "admin", password).json().at("token").as_string().c_str();
    ASSERT_FALSE(session.empty());
    auto made = http.post(
        "/api/v1/users",
        {{"username", "victim"}, {"email", "v@example.com"}, {"password", "Victim-Passw0rd!"}},
        session);
    ASSERT_EQ(made.status, 201) << made.body;
    // The login's proof runs out (2 s): a stale session is refused.
    std::this_thread::sleep_for(std::chrono::milliseconds(3100));
    const json::object all_key{{"name", "x"}, {"permissions", {"all"}}};
    expect_envelope(http.post("/api/v1/users/admin/api-keys", all_key, session), 403,
                    "REAUTH_REQUIRED");
    expect_envelope(http.del("/api/v1/users/victim", session), 403, "REAUTH_REQUIRED");
    expect_envelope(http.post("/api/v1/auth/login-as/victim", json::object{}, session), 403,
                    "REAUTH_REQUIRED");
    // Keys narrower than "all" are not sensitive.
    EXPECT_EQ(http.post("/api/v1/users/admin/api-keys", {{"name", "r"}, {"permissions", {"read"}}},
                        session)
                  .status,
              201);
    // Wrong password: refused and the session stays stale.
    expect_envelope(http.post("/api/v1/auth/reauth", {{"password", "nope"}}, session), 401,
                    "UNAUTHORIZED");
    expect_envelope(http.post("/api/v1/users/admin/api-keys", all_key, session), 403,
                    "REAUTH_REQUIRED");
    auto re = http.post("/api/v1/auth/reauth", {{"password", password}}, session);
    ASSERT_EQ(re.status, 200) << re.body;
    EXPECT_EQ(re.json().at("reauth_expires_in"), json::value(2));
    auto key = http.post("/api/v1/users/admin/api-keys", all_key, session);
    ASSERT_EQ(key.status, 201) << key.body;
    const std::string admin_key = std::string(key.json().at("secret_key").as_string());
    // Expired again after the freshness window.
    std::this_thread::sleep_for(std::chrono::milliseconds(3100));
    expect_envelope(http.post("/api/v1/users/admin/api-keys", all_key, session), 403,
                    "REAUTH_REQUIRED");
    // API keys are machine credentials: exempt.
    EXPECT_EQ(http.post("/api/v1/users/admin/api-keys", all_key, admin_key).status, 201);
    EXPECT_EQ(http.post("/api/v1/auth/login-as/victim", json::object{}, admin_key).status, 200);
    auto deleted = http.del("/api/v1/users/victim", admin_key);
    EXPECT_EQ(deleted.status, 200) << deleted.body;
    // Reauth is for sessions only.
    expect_envelope(http.post("/api/v1/auth/reauth", {{"password", password}}, admin_key), 400,
                    "VALIDATION_ERROR");
}

// auth.require_2fa: a session of an account without 2FA may only enrol.
TEST(AccountSecurityPolicy, RequiredTwoFactorLimitsASessionToEnrolment) {
    PanelProcess panel(suite_options({"ftp.mode=off", "auth.require_2fa=admins"}));
    const auto& http = panel.http();
    auto login = login_with(http, "admin", panel.admin_password());
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(login.json().at("must_enroll_2fa"), json::value(true));
    const std::string session(login.json().at("token").as_string());
    expect_envelope(http.get("/api/v1/users", session), 403, "FORBIDDEN");
    EXPECT_EQ(http.get("/api/v1/auth/me", session).status, 200);
    Enrolment enrolment;
    ASSERT_NO_FATAL_FAILURE(enrol_2fa(http, session, enrolment));
    EXPECT_EQ(http.get("/api/v1/users", session).status, 200);
}

// A package with require_2fa: its accounts' sessions may only enrol until
// they have 2FA (codes from oathtool), also a session opened before the
// package was changed; other packages' accounts and API keys are not held.
TEST(AccountSecurityPolicy, PackageRequiringTwoFactorLimitsItsAccountsToEnrolment) {
    PanelProcess panel(suite_options({"ftp.mode=off"}));
    const auto& http = panel.http();
    const std::string& admin = panel.admin_key();
    auto pkg = http.post("/api/v1/packages", {{"name", "secure"}, {"require_2fa", true}}, admin);
    ASSERT_EQ(pkg.status, 201) << pkg.body;
    EXPECT_EQ(pkg.json().at("require_2fa"), json::value(true));
    expect_envelope(http.put("/api/v1/packages/secure", {{"require_2fa", "yes"}}, admin), 400,
                    "VALIDATION_ERROR");
    const std::string pw = "Carol-Passw0rd!x";
    ASSERT_EQ(http.post("/api/v1/users",
                        {{"username", "carol"},
                         {"email", "carol@example.com"},
                         {"password", pw},
                         {"package", "secure"}},
                        admin)
                  .status,
              201);
    auto login = login_with(http, "carol", pw);
    ASSERT_EQ(login.status, 200) << login.body;
    EXPECT_EQ(login.json().at("must_enroll_2fa"), json::value(true));
    const std::string session(login.json().at("token").as_string());
    expect_envelope(http.get("/api/v1/users/carol", session), 403, "FORBIDDEN");
    expect_envelope(http.get("/api/v1/domains", session), 403, "FORBIDDEN");
    EXPECT_EQ(http.get("/api/v1/auth/me", session).status, 200);
    auto state = http.get("/api/v1/auth/2fa", session);
    ASSERT_EQ(state.status, 200) << state.body;
    EXPECT_EQ(state.json().at("required"), json::value(true));
    Enrolment enrolment;
    ASSERT_NO_FATAL_FAILURE(enrol_2fa(http, session, enrolment));
    const std::string& secret = enrolment.secret;
    EXPECT_EQ(http.get("/api/v1/users/carol", session).status, 200);
    // The next login needs the second factor (a code of the next step:
    // the current one was spent by the enrolment).
    EXPECT_EQ(login_with(http, "carol", pw).json().at("requires_2fa"), json::value(true));
    auto second = login_with(http, "carol", pw, oathtool_code(secret, 30));
    ASSERT_EQ(second.status, 200) << second.body;
    EXPECT_FALSE(second.json().as_object().contains("must_enroll_2fa"));

    // An account on the default package is not held.
    const std::string dpw = "Dave-Passw0rd!x";
    ASSERT_EQ(
        http.post("/api/v1/users",
                  {{"username", "dave"}, {"email", "dave@example.com"}, {"password", dpw}}, admin)
            .status,
        201);
    auto dave = login_with(http, "dave", dpw);
    ASSERT_EQ(dave.status, 200) << dave.body;
    EXPECT_FALSE(dave.json().as_object().contains("must_enroll_2fa"));
    const std::string dave_session(dave.json().at("token").as_string());
    EXPECT_EQ(http.get("/api/v1/users/dave", dave_session).status, 200);
    auto dave_key = http.post("/api/v1/users/dave/api-keys",
                              {{"name", "k"}, {"permissions", {"read"}}}, dave_session);
    ASSERT_EQ(dave_key.status, 201) << dave_key.body;
    const std::string key(dave_key.json().at("secret_key").as_string());
    // Its package now requires 2FA: the open session is held at once, the
    // key (a machine credential) is not.
    ASSERT_EQ(http.put("/api/v1/packages/default", {{"require_2fa", true}}, admin).status, 200);
    expect_envelope(http.get("/api/v1/users/dave", dave_session), 403, "FORBIDDEN");
    EXPECT_EQ(http.get("/api/v1/users/dave", key).status, 200);
    ASSERT_EQ(http.put("/api/v1/packages/default", {{"require_2fa", false}}, admin).status, 200);
    EXPECT_EQ(http.get("/api/v1/users/dave", dave_session).status, 200);
    // Moved to the secure package: held again.
    ASSERT_EQ(http.put("/api/v1/users/dave", {{"package", "secure"}}, admin).status, 200);
    expect_envelope(http.get("/api/v1/users/dave", dave_session), 403, "FORBIDDEN");
}

// 401 and 429 refusals are in the audit log, one record per address and
// minute however many came (the count follows when the minute is over;
// tests/unit/audit_refusals_test.cpp checks it on a fake clock).
TEST(AccountSecurityAudit, RefusalsAreAuditedWithoutFloodingTheLog) {
    PanelOptions options = suite_options({"ftp.mode=off"});
    options.config.push_back("auth.login_attempts_per_ip_per_minute=6");  // after the suite's
    PanelProcess panel(options);
    const auto& http = panel.http();
    const std::string& admin = panel.admin_key();
    const std::string bogus = "wsp_not-a-real-token-0123456789abcdef";
    for (int i = 0; i < 40; ++i)
        EXPECT_EQ(http.get("/api/v1/domains?page=" + std::to_string(i), bogus).status, 401);
    auto refused = http.get("/api/v1/audit?action=auth.refused", admin);
    ASSERT_EQ(refused.status, 200) << refused.body;
    const json::value refused_json = refused.json();
    const auto& items = refused_json.at("items").as_array();
    // One record, or up to three when a minute ended during the loop.
    ASSERT_GE(items.size(), 1u);
    EXPECT_LE(items.size(), 3u);
    const auto& last = items.back().as_object();
    EXPECT_EQ(last.at("status"), json::value(401));
    EXPECT_EQ(last.at("result"), json::value("denied"));
    EXPECT_EQ(last.at("ip"), json::value("127.0.0.1"));
    EXPECT_EQ(last.at("target"), json::value("/api/v1/domains"));
    EXPECT_EQ(last.at("credential"), json::value(""));
    EXPECT_EQ(last.at("repeats"), json::value(0));
    // A key limited to 3 requests a minute: its 429s are the account's.
    auto made = http.post("/api/v1/users/admin/api-keys",
                          {{"name", "slow"}, {"permissions", {"all"}}, {"rate_limit", 3}}, admin);
    ASSERT_EQ(made.status, 201) << made.body;
    const std::string slow(made.json().at("secret_key").as_string());
    const std::string slow_id(made.json().at("key").at("id").as_string());
    int limited = 0;
    for (int i = 0; i < 20; ++i) limited += http.get("/api/v1/domains", slow).status == 429;
    EXPECT_GE(limited, 10);
    auto rl = http.get("/api/v1/audit?action=auth.rate_limited", admin);
    ASSERT_EQ(rl.status, 200) << rl.body;
    const json::value rl_json = rl.json();
    const auto& rl_items = rl_json.at("items").as_array();
    ASSERT_GE(rl_items.size(), 1u);
    EXPECT_LE(rl_items.size(), 3u);
    EXPECT_EQ(rl_items.back().at("status"), json::value(429));
    EXPECT_EQ(rl_items.back().at("account"), json::value("admin"));
    EXPECT_EQ(rl_items.back().at("credential"), json::value("key:" + slow_id));
    // The login throttle's 429s (6 attempts a minute from one address; the
    // fixture's own login was one).
    int throttled = 0;
    for (int i = 0; i < 10; ++i)
        throttled +=
            login_with(http, "nobody-" + std::to_string(i), "Wrong-Passw0rd!").status == 429;
    EXPECT_GE(throttled, 1);
    auto lt = http.get("/api/v1/audit?action=auth.rate_limited&target=/auth/login", admin);
    ASSERT_EQ(lt.status, 200) << lt.body;
    ASSERT_GE(lt.json().at("items").as_array().size(), 1u);
    EXPECT_LE(lt.json().at("items").as_array().size(), 3u);
    EXPECT_EQ(lt.json().at("items").as_array().back().at("account"), json::value(""));
    // No token or key secret is in them.
    auto exported = http.get("/api/v1/audit/export", admin).body;
    EXPECT_EQ(exported.find(bogus), std::string::npos);
    EXPECT_EQ(exported.find(slow), std::string::npos);
    EXPECT_EQ(exported.find("Wrong-Passw0rd!"), std::string::npos);
}

}  // namespace
}  // namespace wsp::test
