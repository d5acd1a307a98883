// The panel's life: a restart keeps every account, key, session, package
// and domain; SIGTERM finishes the requests in flight and exits 0; the
// offline commands work on a data dir; a bad config stops start-up with a
// message naming the key and the file.
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "foundation_helpers.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Removes a directory when the test ends, pass or fail.
struct DirGuard {
    fs::path dir;
    ~DirGuard() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
    }
};

std::string read_file(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

ProcessResult wispanel(std::vector<std::string> args) {
    args.insert(args.begin(), WSP_BINARY);
    ProcessOptions o;
    o.timeout = 60s;
    auto r = run_process(args, o);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? *r : ProcessResult{};
}

bool exited_zero(int status) {
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string key_id(const HttpClient& http, const std::string& owner, const std::string& secret,
                   const std::string& token) {
    for (const auto& k : array_of(http.get("/api/v1/users/" + owner + "/api-keys", token)))
        if (secret.starts_with(std::string(k.at("key_prefix").as_string())))
            return std::string(k.at("id").as_string());
    return "";
}

TEST(FoundationLifecycle, RestartKeepsAllState) {
    PanelOptions options = suite_options();
    options.tls = true;
    auto first = std::make_unique<PanelProcess>(options);
    first->keep_data_dir();
    DirGuard guard{first->data_dir()};
    const fs::path dir = first->data_dir();
    const HttpClient& http1 = first->http();

    const std::string admin = first->admin_key();
    ASSERT_EQ(http1.post("/api/v1/packages", {{"name", "kept"}, {"max_domains", 3}}, admin).status,
              201);
    const std::string user_key = first->create_user_with_key("keeper", "kept");
    const std::string session = first->login("keeper", "Passw0rd-keeper");
    ASSERT_EQ(http1.post("/api/v1/domains", {{"domain", "kept.example"}}, user_key).status, 201);
    const std::string disabled =
        str(object_of(http1.post("/api/v1/users/keeper/api-keys", {{"name", "off"}}, user_key)),
            "secret_key");
    ASSERT_EQ(
        http1
            .put("/api/v1/users/keeper/api-keys/" + key_id(http1, "keeper", disabled, user_key),
                 {{"enabled", false}}, user_key)
            .status,
        200);
    const std::string revoked =
        str(object_of(http1.post("/api/v1/users/keeper/api-keys", {{"name", "gone"}}, user_key)),
            "secret_key");
    ASSERT_EQ(
        http1
            .del("/api/v1/users/keeper/api-keys/" + key_id(http1, "keeper", revoked, user_key),
                 user_key)
            .status,
        200);
    ASSERT_EQ(http1.post("/api/v1/users/keeper/suspend", json::object{}, admin).status, 200);
    ASSERT_EQ(http1.post("/api/v1/users/keeper/unsuspend", json::object{}, admin).status, 200);
    const std::string cert = read_file(dir / "tls" / "cert.pem");
    const std::string admin_password = first->admin_password();
    ASSERT_FALSE(cert.empty());

    EXPECT_TRUE(exited_zero(first->stop()));
    const std::string first_log = first->log();
    first.reset();
    ASSERT_TRUE(fs::exists(dir / "panel.db"));

    PanelOptions again = options;
    again.data_dir = dir;
    PanelProcess second(again);
    const HttpClient& http2 = second.http();

    // The same certificate, the same admin password, no second admin.
    EXPECT_EQ(read_file(dir / "tls" / "cert.pem"), cert);
    EXPECT_EQ(second.admin_password(), admin_password);
    // The password went to the 0600 file only: the log (stderr here is no
    // terminal, as under systemd) never holds it.
    EXPECT_EQ(first_log.find(admin_password), std::string::npos) << first_log;
    EXPECT_NE(first_log.find("initial-admin-password"), std::string::npos) << first_log;
    EXPECT_EQ(second.log().find(admin_password), std::string::npos);

    // Keys and sessions still work; disabled and revoked ones still do not.
    auto me = http2.get("/api/v1/auth/me", user_key);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(object_of(me)["username"], "keeper");
    EXPECT_EQ(object_of(me)["package"], "kept");
    EXPECT_EQ(object_of(me)["max_domains"], json::value(3));
    EXPECT_EQ(http2.get("/api/v1/auth/me", session).status, 200);
    EXPECT_EQ(http2.get("/api/v1/auth/me", admin).status, 200);
    EXPECT_EQ(http2.get("/api/v1/auth/me", disabled).status, 401);
    expect_envelope(http2.get("/api/v1/auth/me", revoked), 401, "UNAUTHORIZED",
                    "Invalid or expired API key");
    EXPECT_NO_THROW(second.login("admin", admin_password));
    EXPECT_NO_THROW(second.login("keeper", "Passw0rd-keeper"));

    // Accounts, packages, domains and keys as they were.
    int admins = 0;
    for (const auto& u : array_of(http2.get("/api/v1/users", admin)))
        admins += u.at("role") == "admin";
    EXPECT_EQ(admins, 1);
    auto user = object_of(http2.get("/api/v1/users/keeper", admin));
    EXPECT_EQ(user["status"], "active");
    EXPECT_EQ(object_of(http2.get("/api/v1/packages/kept", admin))["max_domains"], json::value(3));
    auto domain = http2.get("/api/v1/domains/kept.example", user_key);
    ASSERT_EQ(domain.status, 200) << domain.body;
    EXPECT_EQ(object_of(domain)["owner"], "keeper");
    EXPECT_TRUE(fs::is_directory(dir / "home" / "keeper" / "web" / "kept.example" / "public_html"));
    auto keys = array_of(http2.get("/api/v1/users/keeper/api-keys", user_key));
    ASSERT_EQ(keys.size(), 2u);  // the "all" key and the disabled one
    for (const auto& k : keys) {
        if (k.at("name") == "off") {
            EXPECT_EQ(k.at("enabled"), json::value(false));
        } else {
            // Its last use before the restart was written back on stop.
            EXPECT_NE(k.at("last_used"), kNeverTime);
        }
    }
    // The store still takes writes.
    EXPECT_EQ(http2.post("/api/v1/domains", {{"domain", "after.example"}}, user_key).status, 201);
}

TEST(FoundationLifecycle, SigtermFinishesRequestsInFlightAndExitsZero) {
    PanelProcess panel(suite_options());
    const HttpClient& http = panel.http();
    // Three failed logins make the next answers wait (0.5 s, then 1 s).
    for (int i = 0; i < 4; ++i)
        ASSERT_EQ(http.post("/api/v1/auth/login", {{"username", "slow"}, {"password", "x"}}).status,
                  401);
    HttpResult in_flight;
    std::thread client([&] {
        in_flight = http.post("/api/v1/auth/login", {{"username", "slow"}, {"password", "x"}});
    });
    std::this_thread::sleep_for(300ms);
    const int status = panel.stop();
    client.join();
    EXPECT_TRUE(exited_zero(status)) << "status " << status << "\n" << panel.log();
    expect_envelope(in_flight, 401, "UNAUTHORIZED", "Invalid credentials");
    EXPECT_NE(panel.log().find("stopped"), std::string::npos);
    // Nothing listens any more.
    EXPECT_ANY_THROW(http.get("/api/v1/health"));
}

TEST(FoundationLifecycle, SigtermClosesIdleKeepAliveConnectionsAtOnce) {
    PanelProcess panel;
    RawConnection idle(panel.port());
    ASSERT_TRUE(idle.send("GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
    ASSERT_EQ(status_of_raw(idle.read_response(5s)), 200);
    RawConnection half(panel.port());
    ASSERT_TRUE(half.send("GET /api/v1/health HTTP/1.1\r\n"));
    const auto started = std::chrono::steady_clock::now();
    EXPECT_TRUE(exited_zero(panel.stop()));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    bool closed = false;
    idle.read_until_closed(2s, &closed);
    EXPECT_TRUE(closed);
}

TEST(FoundationLifecycle, SigtermWhenIdleExitsZero) {
    PanelProcess panel;
    EXPECT_TRUE(exited_zero(panel.stop()));
}

TEST(FoundationLifecycle, OfflineCommandsWorkOnADataDir) {
    const fs::path dir = make_temp_dir("wsp-it-cli");
    DirGuard guard{dir};
    auto version = wispanel({"--version"});
    EXPECT_EQ(version.exit_code, 0);
    EXPECT_EQ(version.output, std::string("wispanel ") + WSP_VERSION + "\n");

    auto add = wispanel({"user", "add", "carol", "--email", "carol@example.com", "--password",
                         "Passw0rd-carol", "--data-dir", dir.string()});
    ASSERT_EQ(add.exit_code, 0) << add.output;
    EXPECT_NE(add.output.find("created carol (user)"), std::string::npos) << add.output;
    // The first use of the data dir also made the admin.
    EXPECT_TRUE(fs::exists(dir / "initial-admin-password"));

    auto key = wispanel({"key", "create", "carol", "--name", "cli", "--permissions", "domains,read",
                         "--data-dir", dir.string()});
    ASSERT_EQ(key.exit_code, 0) << key.output;
    std::string secret = key.output.substr(0, key.output.find('\n'));
    EXPECT_TRUE(matches(secret, "wsp_[0-9a-f]{48}")) << key.output;

    auto list = wispanel({"user", "list", "--data-dir", dir.string()});
    EXPECT_EQ(list.exit_code, 0);
    EXPECT_NE(list.output.find("carol"), std::string::npos);
    EXPECT_NE(list.output.find("admin"), std::string::npos);

    auto passwd = wispanel(
        {"user", "passwd", "carol", "--password", "N3w-Passw0rd", "--data-dir", dir.string()});
    EXPECT_EQ(passwd.exit_code, 0) << passwd.output;

    PanelOptions o;
    o.data_dir = dir;
    PanelProcess panel(o);
    auto me = panel.http().get("/api/v1/auth/me", secret);
    ASSERT_EQ(me.status, 200) << me.body;
    EXPECT_EQ(object_of(me)["username"], "carol");
    EXPECT_EQ(object_of(me)["creator"], "");
    EXPECT_EQ(panel.http().get("/api/v1/users/carol", secret).status, 200);  // read
    expect_envelope(panel.http().put("/api/v1/users/carol", {{"email", "c2@example.com"}}, secret),
                    403, "FORBIDDEN",
                    "API key is not scoped for 'users': the key is read-only (scope 'read' "
                    "allows only GET)");
    EXPECT_EQ(panel.http().post("/api/v1/domains", {{"domain", "carol.example"}}, secret).status,
              201);
    EXPECT_NO_THROW(panel.login("carol", "N3w-Passw0rd"));

    auto dup = wispanel({"user", "add", "carol", "--email", "c@example.com", "--password",
                         "Passw0rd-carol", "--data-dir", dir.string()});
    EXPECT_NE(dup.exit_code, 0);
}

// An offline command on the data dir of a running panel takes effect at
// once: the panel hears of the foreign commit and reloads its accounts and
// keys (before, the new key answered 401 until a restart).
TEST(FoundationLifecycle, OfflineCommandsReachARunningPanel) {
    PanelProcess panel;
    const std::string dir = panel.data_dir().string();
    // Polls (bounded) until `ok` holds; the change arrives asynchronously.
    auto eventually = [](const std::function<bool()>& ok) {
        for (int i = 0; i < 300; ++i) {  // up to 30 s on a loaded machine
            if (ok()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return false;
    };

    auto add = wispanel({"user", "add", "dora", "--email", "dora@example.com", "--password",
                         "Passw0rd-dora", "--data-dir", dir});
    ASSERT_EQ(add.exit_code, 0) << add.output;
    auto key = wispanel({"key", "create", "dora", "--data-dir", dir});
    ASSERT_EQ(key.exit_code, 0) << key.output;
    const std::string secret = key.output.substr(0, key.output.find('\n'));
    EXPECT_TRUE(eventually([&] {
        return panel.http().get("/api/v1/auth/me", secret).status == 200;
    })) << "a key made offline is refused by the running panel; the command said: "
        << key.output;
    EXPECT_EQ(object_of(panel.http().get("/api/v1/auth/me", secret))["username"], "dora");

    // A password set offline works for the running panel's login.
    auto passwd =
        wispanel({"user", "passwd", "dora", "--password", "N3w-Passw0rd-dora", "--data-dir", dir});
    ASSERT_EQ(passwd.exit_code, 0) << passwd.output;
    EXPECT_TRUE(eventually([&] {
        return panel.http()
                   .post("/api/v1/auth/login",
                         {{"username", "dora"}, {"password", "N3w-Passw0rd-dora"}})
                   .status == 200;
    }));
    // And the running panel's own writes still land in its index.
    EXPECT_EQ(panel.http().get("/api/v1/users/dora", panel.admin_key()).status, 200);
}

TEST(FoundationLifecycle, BadConfigStopsStartUpNamingKeyAndFile) {
    const fs::path dir = make_temp_dir("wsp-it-config");
    DirGuard guard{dir};
    const fs::path config = dir / "panel.toml";
    {
        std::ofstream out(config);
        out << "[server]\nlisten_port = 2083\n";
    }
    auto unknown = wispanel({"serve", "--config", config.string(), "--data-dir",
                             (dir / "data").string(), "--listen", "127.0.0.1:0"});
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_NE(unknown.output.find("server.listen_port"), std::string::npos) << unknown.output;
    EXPECT_NE(unknown.output.find(config.string()), std::string::npos) << unknown.output;

    {
        std::ofstream out(config);
        out << "[server]\nthreads = \"many\"\n";
    }
    auto wrong = wispanel({"serve", "--config", config.string(), "--data-dir",
                           (dir / "data").string(), "--listen", "127.0.0.1:0"});
    EXPECT_NE(wrong.exit_code, 0);
    EXPECT_NE(wrong.output.find("server.threads"), std::string::npos) << wrong.output;
    EXPECT_NE(wrong.output.find(config.string()), std::string::npos) << wrong.output;

    auto override = wispanel({"serve", "--data-dir", (dir / "data").string(), "--listen",
                              "127.0.0.1:0", "-c", "server.tls=maybe"});
    EXPECT_NE(override.exit_code, 0);
    EXPECT_NE(override.output.find("server.tls"), std::string::npos) << override.output;
}

TEST(FoundationLifecycle, ConfigFileIsHonoured) {
    const fs::path dir = make_temp_dir("wsp-it-config");
    // The accounts must reach their homes beneath it (mkdtemp makes 0700).
    ::chmod(dir.c_str(), 0711);
    DirGuard guard{dir};
    const fs::path config = dir / "panel.toml";
    {
        std::ofstream out(config);
        out << "[server]\nlisten = \"127.0.0.1:0\"\ntls = false\nmax_body_bytes = 100\n\n"
               "[rate_limit]\nrequests_per_minute = 3\nsession_requests_per_minute = 4\n";
    }
    fs::create_directories(dir / "data" / "run");
    auto spawned = spawn_process(
        {WSP_BINARY, "serve", "--config", config.string(), "--data-dir", (dir / "data").string()},
        {}, dir / "panel.log");
    ASSERT_TRUE(spawned.ok());
    // Stopped (and reaped) whatever happens below.
    struct Child {
        pid_t pid;
        ~Child() {
            ::kill(pid, SIGTERM);
            int status = 0;
            ::waitpid(pid, &status, 0);
        }
    } child{*spawned};

    HttpClient http;
    for (int i = 0; i < 600 && http.port == 0; ++i) {
        std::ifstream port_file(dir / "data" / "run" / "http.port");
        int port = 0;
        if (port_file >> port && port > 0)
            http.port = port;
        else
            std::this_thread::sleep_for(50ms);
    }
    ASSERT_GT(http.port, 0) << read_file(dir / "panel.log");
    HttpResult health;
    for (int i = 0; i < 100; ++i) {
        try {
            health = http.get("/api/v1/health");
            break;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(50ms);
        }
    }
    ASSERT_EQ(health.status, 200);  // plain HTTP: tls = false was read

    const std::string password = read_file(dir / "data" / "initial-admin-password");
    auto login =
        http.post("/api/v1/auth/login",
                  {{"username", "admin"}, {"password", password.substr(0, password.find('\n'))}});
    ASSERT_EQ(login.status, 200) << login.body;
    const std::string token = str(object_of(login), "token");
    // A session has its own budget (rate_limit.session_requests_per_minute).
    auto first = http.get("/api/v1/auth/me", token);
    EXPECT_EQ(first.header("X-RateLimit-Limit"), "4");
    // A key has the per-key one.
    auto key = http.post("/api/v1/users/admin/api-keys",
                         {{"name", "cfg"}, {"permissions", {"all"}}}, token);
    ASSERT_EQ(key.status, 201) << key.body;
    EXPECT_EQ(
        http.get("/api/v1/auth/me", str(object_of(key), "secret_key")).header("X-RateLimit-Limit"),
        "3");
    expect_envelope(http.send_raw("POST", "/api/v1/domains", std::string(200, ' '), token), 413,
                    "PAYLOAD_TOO_LARGE");
}

TEST(FoundationLifecycle, SessionsExpireAfterTheirTtl) {
    PanelProcess panel(suite_options({"auth.session_ttl_s=1"}));
    auto login = panel.http().post("/api/v1/auth/login",
                                   {{"username", "admin"}, {"password", panel.admin_password()}});
    ASSERT_EQ(login.status, 200) << login.body;
    json::object o = object_of(login);
    EXPECT_EQ(o["expires_in"], json::value(1));
    const std::string token = str(o, "token");
    // Expiry has a one-second resolution: wait until it has surely passed.
    std::this_thread::sleep_for(2100ms);
    expect_envelope(panel.http().get("/api/v1/auth/me", token), 401, "UNAUTHORIZED");
}

TEST(FoundationLifecycle, AccessLogHasOneLinePerRequestAndNoSecrets) {
    PanelProcess panel(suite_options());
    const std::string password = panel.admin_password();
    const std::string session = panel.login("admin", password);
    const std::string key = panel.admin_key();
    auto me = panel.http().get("/api/v1/auth/me?token=" + key, key);
    ASSERT_EQ(me.status, 200);
    const std::string rid = me.header("X-Request-Id");
    panel.http().get("/api/v1/auth/me", "wsp_" + std::string(48, 'e'));
    const std::string log = panel.log();
    // Startup prints the first admin's password once, by design; after that
    // no secret may appear.
    const std::string after_start = log.substr(log.find("listening on"));
    EXPECT_EQ(after_start.find(password), std::string::npos);
    EXPECT_EQ(after_start.find(session), std::string::npos);
    EXPECT_EQ(after_start.find(key), std::string::npos);
    EXPECT_EQ(after_start.find(key.substr(4, 24)), std::string::npos);
    EXPECT_EQ(after_start.find(std::string(48, 'e')), std::string::npos);
    // The line of the request: method, path without the query, status, user, id.
    const std::string line_start = after_start.substr(0, after_start.find("rid=" + rid));
    ASSERT_NE(after_start.find("rid=" + rid), std::string::npos) << after_start;
    const std::string line = line_start.substr(line_start.rfind('\n') + 1);
    EXPECT_NE(line.find("\"GET /api/v1/auth/me\" 200"), std::string::npos) << line;
    EXPECT_NE(line.find("user=admin"), std::string::npos) << line;
    size_t count = 0;
    for (size_t at = after_start.find("rid=" + rid); at != std::string::npos;
         at = after_start.find("rid=" + rid, at + 1))
        ++count;
    EXPECT_EQ(count, 1u);
}

}  // namespace
}  // namespace wsp::test
