// Integrations (issue 22, docs/integrations.md) against the real binary:
// Idempotency-Key with real MariaDB and FTP accounts, webhooks delivered to
// a real local HTTP receiver, single sign-on, and /metrics checked by
// promtool. Each test checks several things: every one starts a panel.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <thread>

#include "foundation_helpers.h"
#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace json = boost::json;
namespace fs = std::filesystem;

// A real HTTP receiver: Python's http.server on a free loopback port,
// writing each request it gets to a JSON file (path, headers, raw body).
// POSTs to /flaky are answered 500 twice, then 200.
constexpr const char* kReceiverScript = R"PY(
import json, os, sys, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
outdir, port = sys.argv[1], int(sys.argv[2])
flaky = {"n": 0}
class H(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        status = 200
        if self.path == "/flaky":
            flaky["n"] += 1
            if flaky["n"] <= 2:
                status = 500
        name = os.path.join(outdir, "%d.json" % time.time_ns())
        with open(name + ".tmp", "w") as f:
            json.dump({"path": self.path, "status": status,
                       "headers": {k.lower(): v for k, v in self.headers.items()},
                       "body": body.decode()}, f)
        os.rename(name + ".tmp", name)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = ThreadingHTTPServer(("127.0.0.1", port), H)
open(os.path.join(outdir, "ready"), "w").close()
s.serve_forever()
)PY";

class Receiver {
  public:
    Receiver() : dir_(make_temp_dir("wsp-hooks")), port_(free_port()) {
        std::ofstream(dir_ / "receiver.py") << kReceiverScript;
        fs::create_directories(dir_ / "in");
        pid_ = ::fork();
        if (pid_ == 0) {
            std::string script = (dir_ / "receiver.py").string(), out = (dir_ / "in").string(),
                        port = std::to_string(port_);
            ::execl("/usr/bin/python3", "python3", script.c_str(), out.c_str(), port.c_str(),
                    nullptr);
            ::_exit(127);
        }
        for (int i = 0; i < 100 && !fs::exists(dir_ / "in" / "ready"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        fs::remove(dir_ / "in" / "ready");
    }
    ~Receiver() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    std::string url(const std::string& path) const {
        return "http://127.0.0.1:" + std::to_string(port_) + path;
    }
    // The requests received so far, oldest first.
    std::vector<json::object> received() const {
        std::set<fs::path> names;
        for (const auto& e : fs::directory_iterator(dir_ / "in"))
            if (e.path().extension() == ".json") names.insert(e.path());
        std::vector<json::object> out;
        for (const auto& n : names) {
            std::ifstream in(n);
            std::string text((std::istreambuf_iterator<char>(in)), {});
            out.push_back(json::parse(text).as_object());
        }
        return out;
    }
    // Polls until at least `n` requests arrived (10 s at most).
    std::vector<json::object> wait_for(size_t n) const {
        for (int i = 0; i < 200; ++i) {
            auto r = received();
            if (r.size() >= n) return r;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return received();
    }

  private:
    fs::path dir_;
    int port_;
    pid_t pid_ = -1;
};

std::string hmac_hex(const std::string& key, const std::string& body) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
         reinterpret_cast<const unsigned char*>(body.data()), body.size(), mac, &len);
    std::string out;
    static constexpr char kHex[] = "0123456789abcdef";
    for (unsigned i = 0; i < len; ++i) {
        out += kHex[mac[i] >> 4];
        out += kHex[mac[i] & 15];
    }
    return out;
}

std::string hdr(const json::object& request, const char* name) {
    const auto& h = request.at("headers").as_object();
    return h.contains(name) ? std::string(h.at(name).as_string()) : "";
}

// The hook's deliveries once `done(list)` holds (10 s at most).
template <class Done>
json::array deliveries_when(const HttpClient& http, const std::string& token, const std::string& id,
                            Done&& done) {
    json::array list;
    for (int i = 0; i < 200; ++i) {
        auto r = http.get("/api/v1/webhooks/" + id + "/deliveries", token);
        list = r.json().at("data").as_array();
        if (done(list)) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return list;
}

// A whole request written to a fresh connection, which is then closed
// before any answer is read: the client "lost" the response.
void send_and_drop(int port, const std::string& token, const std::string& target,
                   const std::string& body, const std::string& key) {
    RawConnection c(port);
    ASSERT_TRUE(c.send("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                       "Authorization: Bearer " + token + "\r\nIdempotency-Key: " + key +
                       "\r\nContent-Type: application/json\r\nContent-Length: " +
                       std::to_string(body.size()) + "\r\n\r\n" + body));
}

// Retries like a billing system: 409 (the first still runs) means again.
HttpResult retry(const HttpClient& http, const std::string& token, const std::string& target,
                 const std::string& body, const std::string& key) {
    HttpResult r;
    for (int i = 0; i < 300; ++i) {
        r = http.request("POST", target, body,
                         {{"Authorization", "Bearer " + token},
                          {"Idempotency-Key", key},
                          {"Content-Type", "application/json"}});
        if (r.status != 409) return r;
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return r;
}

size_t count_named(const json::array& items, const char* field, const std::string& name) {
    size_t n = 0;
    for (const auto& v : items)
        if (v.as_object().at(field).as_string() == name) ++n;
    return n;
}

TEST(Integrations, IdempotencyKeyRetriesAfterADroppedConnectionCreateOnce) {
    PanelProcess panel(
        suite_options({"mariadb.mode=sandbox", "mariadb.port=" + std::to_string(free_port()),
                       "ftp.port=" + std::to_string(free_port())}));
    const std::string admin = panel.admin_key();
    const std::string bob = panel.create_user_with_key("bob");
    const HttpClient& http = panel.http();
    (void)panel.wait_for_component("mariadb", "up", std::chrono::seconds(30));

    struct Case {
        std::string token, target, body, key, list, field, name;
        int status;
    };
    const Case cases[] = {
        {admin, "/api/v1/users",
         R"({"username":"carol","email":"c@example.com","password":"Passw0rd-carol!"})", "k-user",
         "/api/v1/users", "username", "carol", 201},
        {bob, "/api/v1/domains", R"({"domain":"bob-site.example"})", "k-domain", "/api/v1/domains",
         "domain", "bob-site.example", 201},
        {bob, "/api/v1/databases", R"({"name":"shop","password":"S3cure-pass-1"})", "k-db",
         "/api/v1/databases", "name", "bob_shop", 201},
        {bob, "/api/v1/ftp", R"({"username":"deploy","password":"S3cure-pass-1"})", "k-ftp",
         "/api/v1/ftp", "username", "bob_deploy", 201},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.target);
        send_and_drop(panel.port(), c.token, c.target, c.body, c.key);
        auto first = retry(http, c.token, c.target, c.body, c.key);
        EXPECT_EQ(first.status, c.status) << first.body;
        // Whichever ran, the next retry is a replay of the same answer.
        auto again = retry(http, c.token, c.target, c.body, c.key);
        EXPECT_EQ(again.status, c.status) << again.body;
        EXPECT_EQ(again.header("Idempotent-Replayed"), "true");
        EXPECT_EQ(again.body, first.body);
        auto list = http.get(c.list, c.token);
        ASSERT_EQ(list.status, 200) << list.body;
        json::value v = list.json();
        json::array items = v.is_array() ? v.as_array()
                            : v.as_object().contains("accounts")
                                ? v.as_object().at("accounts").as_array()
                                : v.as_object().at("data").as_array();
        EXPECT_EQ(count_named(items, c.field.c_str(), c.name), 1u) << list.body;
        // The same key with another body: 422, nothing created.
        auto other = retry(http, c.token, c.target, R"({"name":"x"})", c.key);
        expect_envelope(other, 422, "VALIDATION_ERROR");
    }
    // Keys are per account: bob's "k-user" is not admin's.
    auto own = retry(http, bob, "/api/v1/domains", R"({"domain":"bob-two.example"})", "k-user");
    EXPECT_EQ(own.status, 201) << own.body;
    EXPECT_EQ(own.header("Idempotent-Replayed"), "");
    // Without the header nothing changes: a second create is a conflict.
    auto dup = http.post("/api/v1/domains", json::parse(R"({"domain":"bob-site.example"})"), bob);
    EXPECT_EQ(dup.status, 409) << dup.body;
    // A malformed key names the header.
    auto bad =
        retry(http, bob, "/api/v1/domains", R"({"domain":"x.example"})", std::string(300, 'a'));
    expect_validation(bad, "Idempotency-Key");
}

TEST(Integrations, WebhooksAreSignedRetriedAndSurviveARestart) {
    Receiver rx;
    fs::path dir;
    std::string bob, id, secret;
    {
        PanelProcess p(
            suite_options({"webhooks.allow_private=true", "webhooks.retry_base_ms=600000"}));
        p.keep_data_dir();
        dir = p.data_dir();
        const HttpClient& http = p.http();
        bob = p.create_user_with_key("bob");
        const std::string eve = p.create_user_with_key("eve");
        expect_validation(http.post("/api/v1/webhooks", json::object{}, bob), "URL is required");
        expect_validation(http.post("/api/v1/webhooks", {{"url", rx.url("/hook")}}, bob),
                          "At least one event pattern is required");
        expect_validation(
            http.post("/api/v1/webhooks", {{"url", "ftp://example.com/"}, {"events", {"*"}}}, bob),
            "scheme must be http or https");
        expect_validation(
            http.post("/api/v1/webhooks", {{"url", rx.url("/")}, {"events", {"nope.*"}}}, bob),
            "events");
        // A key scoped to one area cannot reach webhooks.
        auto scoped = http.post("/api/v1/users/bob/api-keys",
                                {{"name", "dom"}, {"permissions", {"domains"}}}, bob);
        ASSERT_EQ(scoped.status, 201) << scoped.body;
        expect_envelope(http.get("/api/v1/webhooks", str(object_of(scoped), "secret_key")), 403,
                        "FORBIDDEN", "API key is not scoped for 'webhooks'");

        auto created = http.post("/api/v1/webhooks",
                                 {{"url", rx.url("/hook")}, {"events", {"domain.*"}}}, bob);
        ASSERT_EQ(created.status, 201) << created.body;
        json::object h = object_of(created).at("data").as_object();
        id = str(h, "id");
        secret = str(h, "secret");
        EXPECT_TRUE(matches(id, "[0-9a-f]{32}")) << id;
        EXPECT_TRUE(matches(secret, "[0-9a-f]{64}")) << secret;
        EXPECT_EQ(str(h, "owner"), "bob");
        EXPECT_EQ(str(h, "last_fired_at"), kNeverTime);
        EXPECT_TRUE(matches(str(h, "created_at"), kRfc3339));
        EXPECT_EQ(h.at("failure_count"), json::value(0));
        EXPECT_EQ(h.at("enabled"), json::value(true));
        auto got = object_of(http.get("/api/v1/webhooks/" + id, bob));
        EXPECT_EQ(str(got.at("data").as_object(), "secret"), "<redacted>");
        auto list = object_of(http.get("/api/v1/webhooks/", bob));
        EXPECT_EQ(list.at("data").as_array().size(), 1u);
        EXPECT_EQ(list.at("meta").at("total"), json::value(1));
        EXPECT_EQ(list.at("meta").at("per_page"), json::value(50));
        EXPECT_EQ(object_of(http.get("/api/v1/webhooks", eve)).at("data").as_array().size(), 0u);
        expect_envelope(http.get("/api/v1/webhooks/" + id, eve), 403, "FORBIDDEN");

        // The event is queued (its first attempt is 10 minutes away here)
        // and the request that caused it does not wait for it.
        ASSERT_EQ(http.post("/api/v1/domains", {{"domain", "hooked.example"}}, bob).status, 201);
        auto queued =
            deliveries_when(http, bob, id, [](const json::array& l) { return !l.empty(); });
        ASSERT_EQ(queued.size(), 1u);
        EXPECT_EQ(queued[0].at("status"), json::value("pending"));
        EXPECT_EQ(queued[0].at("attempts"), json::value(0));
        EXPECT_EQ(queued[0].at("event"), json::value("domain.created"));
        EXPECT_EQ(p.stop(), 0);
    }
    EXPECT_TRUE(rx.received().empty());
    {
        PanelOptions o =
            suite_options({"webhooks.allow_private=true", "webhooks.retry_base_ms=20"});
        o.data_dir = dir;
        PanelProcess p(o);
        const HttpClient& http = p.http();
        // Restarted: the queued delivery goes out, signed.
        auto in = rx.wait_for(1);
        ASSERT_EQ(in.size(), 1u);
        const std::string body(in[0].at("body").as_string());
        EXPECT_EQ(hdr(in[0], "x-wispanel-signature"), "sha256=" + hmac_hex(secret, body));
        EXPECT_EQ(hdr(in[0], "user-agent"), "WisPanel-Webhook/1");
        EXPECT_EQ(hdr(in[0], "content-type"), "application/json");
        json::object payload = json::parse(body).as_object();
        EXPECT_EQ(payload.at("event"), json::value("domain.created"));
        EXPECT_TRUE(payload.at("timestamp").is_int64());
        EXPECT_EQ(payload.at("data").at("domain"), json::value("hooked.example"));
        auto done = deliveries_when(http, bob, id, [](const json::array& l) {
            return !l.empty() && l[0].at("status") == json::value("delivered");
        });
        ASSERT_EQ(done.size(), 1u);
        EXPECT_EQ(done[0].at("status"), json::value("delivered"));
        EXPECT_EQ(done[0].at("response_code"), json::value(200));
        EXPECT_EQ(done[0].at("attempts"), json::value(1));
        EXPECT_EQ(hdr(in[0], "x-wispanel-delivery"), std::string(done[0].at("id").as_string()));
        EXPECT_NE(str(object_of(http.get("/api/v1/webhooks/" + id, bob)).at("data").as_object(),
                      "last_fired_at"),
                  kNeverTime);

        // A receiver failing twice: three attempts of one delivery.
        ASSERT_EQ(http.request("PATCH", "/api/v1/webhooks/" + id,
                               json::serialize(json::object{{"url", rx.url("/flaky")}}),
                               {{"Authorization", "Bearer " + bob}})
                      .status,
                  200);
        ASSERT_EQ(http.post("/api/v1/webhooks/" + id + "/test", json::object{}, bob).status, 202);
        auto retried = deliveries_when(http, bob, id, [](const json::array& l) {
            return l.size() == 2 && l[0].at("status") != json::value("pending");
        });
        ASSERT_EQ(retried.size(), 2u);
        EXPECT_EQ(retried[0].at("status"), json::value("delivered"));
        EXPECT_EQ(retried[0].at("attempts"), json::value(3));
        EXPECT_EQ(retried[0].at("event"), json::value("webhook.test"));
        auto all = rx.received();
        ASSERT_EQ(all.size(), 4u);
        for (size_t i = 1; i < 4; ++i) {
            EXPECT_EQ(all[i].at("path"), json::value("/flaky"));
            EXPECT_EQ(hdr(all[i], "x-wispanel-delivery"),
                      std::string(retried[0].at("id").as_string()));
        }

        // An admin's hook hears every account's events and login.failed.
        const std::string admin = p.admin_key();
        auto ah =
            http.post("/api/v1/webhooks",
                      {{"url", rx.url("/admin")}, {"events", {"login.failed", "user.*"}}}, admin);
        ASSERT_EQ(ah.status, 201) << ah.body;
        EXPECT_EQ(
            http.post("/api/v1/auth/login", {{"username", "bob"}, {"password", "wrong"}}).status,
            401);
        auto last = rx.wait_for(5);
        ASSERT_EQ(last.size(), 5u);
        EXPECT_EQ(last[4].at("path"), json::value("/admin"));
        EXPECT_EQ(json::parse(last[4].at("body").as_string()).at("event"),
                  json::value("login.failed"));

        // Disabled: nothing is queued; deleted: gone.
        ASSERT_EQ(http.request("PATCH", "/api/v1/webhooks/" + id,
                               json::serialize(json::object{{"enabled", false}}),
                               {{"Authorization", "Bearer " + bob}})
                      .status,
                  200);
        ASSERT_EQ(http.post("/api/v1/domains", {{"domain", "quiet.example"}}, bob).status, 201);
        EXPECT_EQ(object_of(http.get("/api/v1/webhooks/" + id + "/deliveries", bob))
                      .at("data")
                      .as_array()
                      .size(),
                  2u);
        EXPECT_EQ(http.del("/api/v1/webhooks/" + id, bob).status, 200);
        EXPECT_EQ(http.get("/api/v1/webhooks/" + id, bob).status, 404);
    }
    std::error_code ec;
    fs::remove_all(dir, ec);
}

TEST(Integrations, SsoLinksWorkOnceAndMetricsPassPromtool) {
    const int metrics_port = free_port();
    PanelProcess p(suite_options({"metrics.listen=127.0.0.1:" + std::to_string(metrics_port)}));
    const HttpClient& http = p.http();
    const std::string admin = p.admin_key();
    const std::string cust = p.create_user_with_key("cust");
    const std::string session = p.login("admin", p.admin_password());
    auto mint = [&](const json::object& body, const std::string& token) {
        return http.post("/api/v1/auth/sso/mint", body, token);
    };
    const json::object for_cust{
        {"username", "cust"}, {"expires_in", 5}, {"reason", "WHMCS ticket 42"}};
    expect_envelope(mint(for_cust, session), 403, "FORBIDDEN",
                    "SSO can only be minted with an API key");
    expect_envelope(mint(for_cust, cust), 403, "FORBIDDEN");
    expect_envelope(mint({{"username", "admin"}}, admin), 403, "FORBIDDEN",
                    "Cannot mint SSO for admin accounts");
    expect_envelope(mint({{"username", "nobody"}}, admin), 404, "NOT_FOUND");
    expect_validation(mint({{"username", "cust"}, {"target_path", "//evil.example"}}, admin),
                      "target_path");

    auto minted = mint(for_cust, admin);
    ASSERT_EQ(minted.status, 200) << minted.body;
    json::object m = object_of(minted);
    const std::string nonce = str(m, "nonce");
    EXPECT_TRUE(matches(nonce, "[A-Za-z0-9_-]{43}")) << nonce;
    EXPECT_EQ(m.at("expires_in"), json::value(30));  // clamped
    EXPECT_EQ(str(m, "target_path"), "/dashboard");
    EXPECT_EQ(str(m, "consume_url"),
              "http://127.0.0.1:" + std::to_string(p.port()) + "/sso/consume/" + nonce);

    // The browser: once.
    auto consumed = http.get("/sso/consume/" + nonce);
    ASSERT_EQ(consumed.status, 303) << consumed.body;
    const std::string location = consumed.header("Location");
    ASSERT_TRUE(location.starts_with("/sso#code=")) << location;
    EXPECT_TRUE(location.ends_with("&target=/dashboard")) << location;
    const std::string code = location.substr(10, location.find('&') - 10);
    EXPECT_EQ(http.get("/sso/consume/" + nonce).status, 410);
    // The web interface: the code for a session, once.
    auto exchanged = http.post("/api/v1/auth/sso/exchange", {{"code", code}});
    ASSERT_EQ(exchanged.status, 200) << exchanged.body;
    const std::string token = str(object_of(exchanged), "token");
    auto me = http.get("/api/v1/auth/me", token);
    EXPECT_EQ(str(object_of(me), "username"), "cust");
    EXPECT_EQ(http.post("/api/v1/auth/sso/exchange", {{"code", code}}).status, 401);

    auto batch = http.post("/api/v1/auth/sso/mint-batch",
                           {{"items", json::array{json::object{{"username", "cust"}},
                                                  json::object{{"username", "admin"}}}}},
                           admin);
    ASSERT_EQ(batch.status, 200) << batch.body;
    auto results = object_of(batch).at("results").as_array();
    ASSERT_EQ(results.size(), 2u);
    EXPECT_TRUE(results[0].as_object().contains("nonce"));
    EXPECT_EQ(results[1].at("code"), json::value("FORBIDDEN"));
    // A suspended account gets no link.
    ASSERT_EQ(http.post("/api/v1/users/cust/suspend", json::object{}, admin).status, 200);
    expect_envelope(mint(for_cust, admin), 403, "FORBIDDEN", "Account suspended");
    auto audit = http.get("/api/v1/audit", admin);
    EXPECT_NE(audit.body.find("sso.mint"), std::string::npos) << audit.body;
    EXPECT_NE(audit.body.find("WHMCS ticket 42"), std::string::npos);
    EXPECT_NE(audit.body.find("sso.consume"), std::string::npos);

    // Webhooks to loopback are refused by default (SSRF), by name too.
    expect_validation(
        http.post("/api/v1/webhooks", {{"url", "http://127.0.0.1:9/x"}, {"events", {"*"}}}, admin),
        "webhooks.allow_private");
    expect_validation(
        http.post("/api/v1/webhooks", {{"url", "http://localhost/x"}, {"events", {"*"}}}, admin),
        "webhooks.allow_private");

    // Metrics: admins only; valid Prometheus text.
    EXPECT_EQ(http.get("/metrics", cust).status, 403);
    auto metrics = http.get("/metrics", admin);
    ASSERT_EQ(metrics.status, 200) << metrics.body;
    EXPECT_TRUE(metrics.header("Content-Type").starts_with("text/plain; version=0.0.4"));
    for (const char* name :
         {"wispanel_http_requests_total{method=\"POST\",route=\"/api/v1/auth/sso/"
          "mint\",status=\"403\"}",
          "wispanel_http_request_duration_seconds_bucket{route=\"/api/v1/auth/sso/"
          "mint\",le=\"+Inf\"}",
          "wispanel_accounts 2", "wispanel_accounts_suspended 1", "wispanel_databases 0",
          "wispanel_ftp_accounts 0", "wispanel_component_up{component=",
          "wispanel_events_total{event=\"user.suspended\"} 1", "wispanel_rate_limited_total",
          "wispanel_webhook_deliveries_total{outcome=\"delivered\"} 0", "wispanel_cron_runs_total",
          "wispanel_tasks{area=\"files\",state=\"running\"} 0"})
        EXPECT_NE(metrics.body.find(name), std::string::npos) << name << "\n" << metrics.body;
    // The loopback listener: /metrics without auth, nothing else.
    const HttpClient local{metrics_port, false};
    auto open = local.get("/metrics");
    EXPECT_EQ(open.status, 200);
    EXPECT_NE(open.body.find("wispanel_accounts 2"), std::string::npos) << open.body;
    EXPECT_EQ(local.get("/api/v1/users", admin).status, 404);
    ProcessOptions o;
    o.stdin_data = metrics.body;
    auto checked = run_process({"/usr/bin/promtool", "check", "metrics"}, o);
    ASSERT_TRUE(checked.ok()) << checked.error().message;
    EXPECT_EQ(checked->exit_code, 0) << checked->output;
    EXPECT_EQ(checked->output, "") << checked->output;  // no lint warnings either
}

}  // namespace
}  // namespace wsp::test
