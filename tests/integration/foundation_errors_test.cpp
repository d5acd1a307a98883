// Bad requests of every kind get a clear 4xx in the one envelope, never a
// 500: unknown routes and methods, malformed JSON, wrong types, missing
// fields, oversized bodies and headers, slow clients. Every response carries
// X-Request-Id.
#include <chrono>
#include <memory>
#include <set>
#include <thread>

#include "foundation_helpers.h"

namespace wsp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class FoundationErrors : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        panel_ = new PanelProcess(
            suite_options({"server.max_body_bytes=1024", "server.header_timeout_s=2",
                           "server.idle_timeout_s=3"}));
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
    }
    void SetUp() override { ASSERT_NE(panel_, nullptr) << "the panel did not start"; }

    static const HttpClient& http() { return panel_->http(); }
    static const std::string& admin() { return panel_->admin_key(); }
    static HttpResult raw_json(const std::string& method, const std::string& target,
                               const std::string& body) {
        return http().send_raw(method, target, body, admin());
    }

    static PanelProcess* panel_;
};
PanelProcess* FoundationErrors::panel_ = nullptr;

TEST_F(FoundationErrors, UnknownRouteIs404InTheEnvelope) {
    for (const char* target : {"/api/v1/nosuch", "/api/v1/users/bob/nosuch", "/", "/api/v2/health",
                               "/api/v1", "/api/v1/health/extra"}) {
        SCOPED_TRACE(target);
        expect_envelope(http().get(target), 404, "NOT_FOUND", "Route not found");
        expect_envelope(http().get(target, admin()), 404, "NOT_FOUND", "Route not found");
    }
}

TEST_F(FoundationErrors, KnownRouteWithAnotherMethodIs405WithAllow) {
    auto h = http().del("/api/v1/health");
    expect_envelope(h, 405, "METHOD_NOT_ALLOWED");
    EXPECT_EQ(h.header("Allow"), "GET");

    auto u = http().request("PATCH", "/api/v1/users", "{}", {});
    expect_envelope(u, 405, "METHOD_NOT_ALLOWED");
    EXPECT_EQ(u.header("Allow"), "GET, POST");

    auto k = http().post("/api/v1/users/bob/api-keys/0123456789abcdef/", json::object{}, admin());
    expect_envelope(k, 405, "METHOD_NOT_ALLOWED");
    EXPECT_EQ(k.header("Allow"), "PUT, DELETE");
    EXPECT_NE(k.error().find("PUT, DELETE"), std::string::npos) << k.body;

    // The route is known before anyone is authenticated.
    auto me = http().request("DELETE", "/api/v1/auth/me", "", {});
    expect_envelope(me, 405, "METHOD_NOT_ALLOWED");
    EXPECT_EQ(me.header("Allow"), "GET");
}

TEST_F(FoundationErrors, MalformedJsonIs400) {
    for (const char* body :
         {"{", "{\"domain\":", "{\"domain\": \"a.example\"", "domain=a.example",
          "{'domain': 'a.example'}", "{\"domain\":\"a.example\"}}", "\xff\xfe{}"}) {
        SCOPED_TRACE(body);
        auto r = raw_json("POST", "/api/v1/domains", body);
        expect_envelope(r, 400, "VALIDATION_ERROR");
        EXPECT_NE(r.error().find("JSON"), std::string::npos) << r.body;
    }
    for (const char* body : {"[]", "null", "\"a.example\"", "42", "true"}) {
        SCOPED_TRACE(body);
        expect_envelope(raw_json("POST", "/api/v1/domains", body), 400, "VALIDATION_ERROR",
                        "Request body must be a JSON object");
    }
    // Deep nesting is refused, not a crash.
    std::string deep = "{\"domain\":" + std::string(400, '[') + std::string(400, ']') + "}";
    expect_envelope(raw_json("POST", "/api/v1/domains", deep), 400, "VALIDATION_ERROR");
    // Malformed JSON on every route that reads a body.
    for (const auto& [method, target] : std::vector<std::pair<std::string, std::string>>{
             {"POST", "/api/v1/users"},
             {"PUT", "/api/v1/users/admin"},
             {"POST", "/api/v1/users/admin/api-keys"},
             {"PUT", "/api/v1/users/admin/api-keys/0123456789abcdef"},
             {"POST", "/api/v1/packages"},
             {"PUT", "/api/v1/packages/default"},
             {"POST", "/api/v1/domains"},
             {"POST", "/api/v1/auth/login"}}) {
        SCOPED_TRACE(method + " " + target);
        expect_envelope(raw_json(method, target, "{\"x\":"), 400, "VALIDATION_ERROR");
    }
}

TEST_F(FoundationErrors, WrongTypesNameTheField) {
    struct Case {
        const char* method;
        const char* target;
        const char* body;
        const char* field;
    };
    const Case cases[] = {
        {"POST", "/api/v1/users",
         R"({"username":1,"email":"a@example.com","password":"Passw0rd-x"})", "'username'"},
        {"POST", "/api/v1/users",
         R"({"username":"typo","email":"a@example.com","password":"Passw0rd-x","role":5})",
         "'role'"},
        {"POST", "/api/v1/users",
         R"({"username":"typo","email":"a@example.com","password":12345678})", "'password'"},
        {"PUT", "/api/v1/users/admin", R"({"email":["a@example.com"]})", "'email'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":7})", "'name'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":"k","permissions":"all"})",
         "'permissions'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":"k","permissions":[1]})",
         "'permissions'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":"k","ip_whitelist":"127.0.0.1"})",
         "'ip_whitelist'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":"k","expires_in":"30"})",
         "'expires_in'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":"k","expires_in":1.5})",
         "'expires_in'"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":"k","rate_limit":"fast"})",
         "'rate_limit'"},
        {"PUT", "/api/v1/users/admin/api-keys/0123456789abcdef", R"({"enabled":"false"})",
         "'enabled'"},
        {"PUT", "/api/v1/users/admin/api-keys/0123456789abcdef", R"({"enabled":0})", "'enabled'"},
        {"POST", "/api/v1/packages", R"({"name":"p","max_domains":"3"})", "'max_domains'"},
        {"POST", "/api/v1/packages", R"({"name":"p","disk_quota_mb":true})", "'disk_quota_mb'"},
        {"PUT", "/api/v1/packages/default", R"({"max_cron_jobs":{}})", "'max_cron_jobs'"},
        {"POST", "/api/v1/domains", R"({"domain":true})", "'domain'"},
        {"POST", "/api/v1/domains", R"({"domain":"x.example","owner":3})", "'owner'"},
        {"POST", "/api/v1/auth/login", R"({"username":1,"password":"x"})", "'username'"},
        {"POST", "/api/v1/auth/login", R"({"username":"admin","password":["x"]})", "'password'"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.method) + " " + c.target + " " + c.body);
        expect_validation(raw_json(c.method, c.target, c.body), c.field);
    }
}

TEST_F(FoundationErrors, MissingFieldsAreNamed) {
    struct Case {
        const char* method;
        const char* target;
        const char* body;
        const char* message;
    };
    const Case cases[] = {
        {"POST", "/api/v1/users", "{}", "Username is required"},
        {"POST", "/api/v1/users", R"({"username":"newbie"})", "Email is required"},
        {"POST", "/api/v1/users", R"({"username":"newbie","email":"n@example.com"})",
         "Password is required"},
        {"POST", "/api/v1/users/admin/api-keys", "{}", "Name is required"},
        {"POST", "/api/v1/users/admin/api-keys", R"({"name":""})", "Name is required"},
        {"PUT", "/api/v1/users/admin/api-keys/0123456789abcdef", "{}", "Enabled is required"},
        {"POST", "/api/v1/packages", "{}", "Name is required"},
        {"POST", "/api/v1/domains", "{}", "Domain is required"},
        {"POST", "/api/v1/domains", "", "Domain is required"},
        {"POST", "/api/v1/domains", R"({"domain":null})", "Domain is required"},
        {"POST", "/api/v1/auth/login", R"({"username":"admin"})",
         "Username and password are required"},
        {"POST", "/api/v1/auth/login", R"({"password":"x"})", "Username and password are required"},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(std::string(c.method) + " " + c.target + " " + c.body);
        expect_envelope(raw_json(c.method, c.target, c.body), 400, "VALIDATION_ERROR", c.message);
    }
}

TEST_F(FoundationErrors, UnknownEnumsAndBadValuesAre400) {
    auto scope = raw_json("POST", "/api/v1/users/admin/api-keys",
                          R"({"name":"k","permissions":["superuser"]})");
    expect_validation(scope, "permissions");
    EXPECT_NE(scope.error().find("superuser"), std::string::npos);
    expect_validation(
        raw_json("POST", "/api/v1/users/admin/api-keys", R"({"name":"k","permissions":[]})"),
        "permissions");
    expect_validation(
        raw_json("POST", "/api/v1/users/admin/api-keys", R"({"name":"k","expires_in":-1})"),
        "expires_in");
    expect_validation(raw_json("POST", "/api/v1/users/admin/api-keys",
                               R"({"name":"k","expires_in":99999999999})"),
                      "expires_in");
    expect_validation(
        raw_json("POST", "/api/v1/users/admin/api-keys", R"({"name":"k","rate_limit":-5})"),
        "rate_limit");
    expect_validation(raw_json("POST", "/api/v1/users/admin/api-keys",
                               "{\"name\":\"" + std::string(101, 'n') + "\"}"),
                      "Name");
    expect_validation(raw_json("POST", "/api/v1/users",
                               R"({"username":"enumy","email":"e@example.com",)"
                               R"("password":"Passw0rd-x","role":"root"})"),
                      "role");
    expect_validation(raw_json("POST", "/api/v1/domains", R"({"domain":"../../etc/passwd"})"),
                      "domain");
    expect_validation(raw_json("POST", "/api/v1/domains", R"({"domain":"a\u0000b.example"})"),
                      "domain");
    expect_validation(
        raw_json("POST", "/api/v1/domains", "{\"domain\":\"" + std::string(300, 'a') + ".com\"}"),
        "domain");
    EXPECT_EQ(http().get("/api/v1/domains", admin()).body, "[]");  // nothing made
}

TEST_F(FoundationErrors, PathTricksFindNothing) {
    for (const char* target :
         {"/api/v1/users/..%2Fadmin", "/api/v1/users/a%00b", "/api/v1/domains/..%2F..%2Fetc",
          "/api/v1/domains/%2e%2e", "/api/v1/packages/..", "/api/v1/users/admin%2Fapi-keys"}) {
        SCOPED_TRACE(target);
        auto r = http().get(target, admin());
        EXPECT_GE(r.status, 400);
        EXPECT_LT(r.status, 500);
        expect_envelope(r, r.status, r.status == 404 ? "NOT_FOUND" : "VALIDATION_ERROR");
    }
    const std::string long_name(5000, 'a');
    auto r = http().get("/api/v1/users/" + long_name, admin());
    expect_envelope(r, 404, "NOT_FOUND");
}

TEST_F(FoundationErrors, OversizedBodyIs413) {
    // Valid JSON, padded past server.max_body_bytes (1024).
    const std::string body = "{\"domain\":\"big.example\"" + std::string(2000, ' ') + "}";
    auto r = raw_json("POST", "/api/v1/domains", body);
    expect_envelope(r, 413, "PAYLOAD_TOO_LARGE");
    EXPECT_FALSE(r.header("X-Request-Id").empty());
    EXPECT_EQ(http().get("/api/v1/domains/big.example", admin()).status, 404);

    // Exactly at the limit is fine.
    std::string at_limit = "{\"domain\":\"fits.example\"}";
    at_limit.insert(at_limit.size() - 1, std::string(1024 - at_limit.size(), ' '));
    ASSERT_EQ(at_limit.size(), 1024u);
    EXPECT_EQ(raw_json("POST", "/api/v1/domains", at_limit).status, 201);
}

TEST_F(FoundationErrors, OversizedChunkedBodyIs413) {
    RawConnection c(panel_->port());
    std::string head =
        "POST /api/v1/domains HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Authorization: Bearer " +
        admin() +
        "\r\nContent-Type: application/json\r\n"
        "Transfer-Encoding: chunked\r\n\r\n";
    std::string chunks;
    for (int i = 0; i < 4; ++i) chunks += "200\r\n" + std::string(512, ' ') + "\r\n";
    chunks += "0\r\n\r\n";
    ASSERT_TRUE(c.send(head + chunks));
    std::string response = c.read_response(10s);
    EXPECT_EQ(status_of_raw(response), 413) << response;
    EXPECT_NE(response.find("\"code\":\"PAYLOAD_TOO_LARGE\""), std::string::npos) << response;
}

TEST_F(FoundationErrors, OversizedHeaderIs413) {
    RawConnection c(panel_->port());
    ASSERT_TRUE(c.send("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " +
                       std::string(20000, 'a') + "\r\n\r\n"));
    std::string response = c.read_response(10s);
    EXPECT_EQ(status_of_raw(response), 413) << response.substr(0, 300);
    EXPECT_NE(response.find("\"code\":\"PAYLOAD_TOO_LARGE\""), std::string::npos);
    EXPECT_NE(response.find("X-Request-Id: "), std::string::npos);
    // The server is fine afterwards.
    EXPECT_EQ(http().get("/api/v1/health").status, 200);
}

TEST_F(FoundationErrors, KeepAliveServesSeveralRequestsOnOneConnection) {
    RawConnection c(panel_->port());
    const std::string request = "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(c.send(request)) << i;
        std::string response = c.read_response(5s);
        EXPECT_EQ(status_of_raw(response), 200) << i << response;
    }
}

TEST_F(FoundationErrors, ExpectContinueIsHonoured) {
    RawConnection c(panel_->port());
    const std::string body = R"({"domain":"continued.example"})";
    ASSERT_TRUE(c.send(
        "POST /api/v1/domains HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin() +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\nExpect: 100-continue\r\n\r\n"));
    std::string interim = c.read_head(5s, 0ms);
    EXPECT_EQ(status_of_raw(interim), 100) << interim;
    ASSERT_TRUE(c.send(body));
    std::string response = c.read_response(5s);
    EXPECT_EQ(status_of_raw(response), 201) << response;

    // Refused before the body is sent: no 100, the final answer at once.
    RawConnection big(panel_->port());
    ASSERT_TRUE(big.send(
        "POST /api/v1/domains HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + admin() +
        "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n"
        "Expect: 100-continue\r\n\r\n"));
    std::string refused = big.read_response(5s);
    EXPECT_EQ(status_of_raw(refused), 413) << refused;
}

TEST_F(FoundationErrors, HeadResponsesCarryNoBody) {
    // HEAD is answered by the path's GET route, header only, or the stray
    // body is read as the start of the next response.
    RawConnection c(panel_->port());
    ASSERT_TRUE(c.send("HEAD /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string head = c.read_head(5s, 300ms);
    ASSERT_EQ(status_of_raw(head), 200) << head;
    EXPECT_TRUE(head.ends_with("\r\n\r\n")) << "body after a HEAD response: " << head;
    ASSERT_TRUE(c.send("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    std::string next = c.read_response(5s);
    EXPECT_EQ(status_of_raw(next), 200) << next;
}

TEST_F(FoundationErrors, HalfAHeaderIsCutOffAfterTheHeaderTimeout) {
    RawConnection c(panel_->port());
    ASSERT_TRUE(c.send("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"));
    const auto started = Clock::now();
    bool closed = false;
    std::string got = c.read_until_closed(15s, &closed);
    const auto took = Clock::now() - started;
    EXPECT_TRUE(closed) << "the server kept a half-sent request open";
    EXPECT_EQ(got, "");
    EXPECT_GE(took, 1500ms);
    EXPECT_LT(took, 6s);
}

TEST_F(FoundationErrors, TricklingHeaderIsCutOffAfterTheHeaderTimeout) {
    RawConnection c(panel_->port());
    const std::string header =
        "GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(200, 'z');
    const auto started = Clock::now();
    bool cut = false;
    for (char ch : header) {
        if (!c.send(std::string(1, ch))) {
            cut = true;
            break;
        }
        // Polls for the close while trickling: one byte every 100 ms.
        bool closed = false;
        c.read_until_closed(100ms, &closed);
        if (closed) {
            cut = true;
            break;
        }
        if (Clock::now() - started > 15s) break;
    }
    const auto took = Clock::now() - started;
    EXPECT_TRUE(cut) << "a client sending a byte every 100 ms was never cut off";
    EXPECT_LT(took, 6s);
    EXPECT_EQ(http().get("/api/v1/health").status, 200);
}

TEST_F(FoundationErrors, SilentConnectionIsClosed) {
    RawConnection c(panel_->port());
    const auto started = Clock::now();
    bool closed = false;
    c.read_until_closed(15s, &closed);
    EXPECT_TRUE(closed);
    EXPECT_LT(Clock::now() - started, 6s);
}

TEST_F(FoundationErrors, MalformedRequestsAreAnsweredOrClosedNeverCrash) {
    for (const std::string& garbage :
         {std::string("GARBAGE\r\n\r\n"), std::string("GET /api/v1/health HTTP/9.9\r\n\r\n"),
          std::string("GET /api/v1/%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
          std::string("GET http://evil.example/api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n"),
          std::string("POST /api/v1/domains HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n"),
          std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11)}) {
        RawConnection c(panel_->port());
        ASSERT_TRUE(c.send(garbage));
        std::string response = c.read_until_closed(8s);
        int status = status_of_raw(response);
        EXPECT_TRUE(status == 0 || (status >= 400 && status < 500)) << response;
    }
    EXPECT_EQ(http().get("/api/v1/health").status, 200);
}

TEST_F(FoundationErrors, EveryResponseCarriesARequestId) {
    std::vector<HttpResult> results = {
        http().get("/api/v1/health"),                                  // 200
        http().post("/api/v1/packages", {{"name", "rid"}}, admin()),   // 201
        raw_json("POST", "/api/v1/domains", "{"),                      // 400
        http().get("/api/v1/auth/me"),                                 // 401
        http().get("/api/v1/auth/me", "wsp_" + std::string(48, 'f')),  // 401
        http().post("/api/v1/packages", {{"name", "rid"}}, admin()),   // 409
        http().get("/api/v1/nosuch"),                                  // 404
        http().del("/api/v1/health"),                                  // 405
        raw_json("POST", "/api/v1/domains", std::string(2000, ' ')),   // 413
    };
    std::set<std::string> ids;
    for (const auto& r : results) {
        const std::string id = r.header("X-Request-Id");
        EXPECT_TRUE(matches(id, "[0-9a-f]{15}")) << r.status << " '" << id << "'";
        EXPECT_TRUE(ids.insert(id).second) << "repeated request id " << id;
    }
    EXPECT_EQ(results[1].status, 201);
    EXPECT_EQ(results[5].status, 409);
    EXPECT_EQ(results[8].status, 413);
}

TEST(FoundationConnections, CapClosesConnectionsBeyondIt) {
    PanelProcess panel(suite_options({"server.max_connections=3", "server.header_timeout_s=5"}));
    std::vector<std::unique_ptr<RawConnection>> held;
    // Three connections the server is surely serving: each has had an answer.
    for (int i = 0; i < 3; ++i) {
        held.push_back(std::make_unique<RawConnection>(panel.port()));
        ASSERT_TRUE(held.back()->send("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
        ASSERT_EQ(status_of_raw(held.back()->read_response(5s)), 200);
    }
    RawConnection extra(panel.port());
    bool closed = false;
    const auto started = Clock::now();
    extra.read_until_closed(3s, &closed);
    EXPECT_TRUE(closed) << "a 4th connection was kept open";
    EXPECT_LT(Clock::now() - started, 2s);
    // A freed slot is usable again.
    held.pop_back();
    bool served = false;
    for (int i = 0; i < 50 && !served; ++i) {
        std::this_thread::sleep_for(100ms);
        try {
            served = panel.http().get("/api/v1/health").status == 200;
        } catch (const std::exception&) {
        }
    }
    EXPECT_TRUE(served);
}

}  // namespace
}  // namespace wsp::test
