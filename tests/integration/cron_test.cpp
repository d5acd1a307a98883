// Cron jobs end to end: the real panel binary, real processes run by its
// scheduler, the real clock, and a real SMTP server (Python's aiosmtpd)
// receiving the reports.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/panel_process.h"
#include "support/smtp_server.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

json::object job(const std::string& name, const std::string& command,
                 const std::string& expr = "0 3 * * *") {
    return {{"name", name}, {"command", command}, {"cron_expr", expr}};
}

int64_t id_of(const HttpResult& r) {
    return r.json().at("id").as_int64();
}

std::string path_of(int64_t id, const std::string& rest = "") {
    return "/api/v1/cronjobs/" + std::to_string(id) + rest;
}

// The newest run, once it has finished (or an empty object after `timeout`).
json::object wait_for_run(const HttpClient& http, const std::string& key, int64_t id,
                          std::chrono::seconds timeout = 20s) {
    auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        auto r = http.get(path_of(id, "/logs?per_page=1"), key);
        if (r.status == 200) {
            const auto body = r.json();
            const auto& logs = body.at("logs").as_array();
            if (!logs.empty() && logs[0].at("status").as_string() != "running")
                return logs[0].as_object();
        }
        std::this_thread::sleep_for(100ms);
    }
    return {};
}

class CronApi : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        smtp_ = new SmtpServer();
        panel_ = new PanelProcess(PanelOptions{
            .config = {"cron.max_output_bytes=1000", "cron.history_per_job=3",
                       "mail.smtp_url=" + smtp_->url(), "mail.from=panel@example.com"}});
        admin_ = panel_->admin_key();
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
    }
    static void TearDownTestSuite() {
        delete panel_;
        delete smtp_;
        panel_ = nullptr;
        smtp_ = nullptr;
    }
    const HttpClient& http() { return panel_->http(); }
    int64_t create(const std::string& key, const json::object& body) {
        auto r = http().post("/api/v1/cronjobs", body, key);
        EXPECT_EQ(r.status, 201) << r.body;
        return r.status == 201 ? id_of(r) : 0;
    }

    static SmtpServer* smtp_;
    static PanelProcess* panel_;
    static std::string admin_, alice_, bob_;
};
SmtpServer* CronApi::smtp_ = nullptr;
PanelProcess* CronApi::panel_ = nullptr;
std::string CronApi::admin_, CronApi::alice_, CronApi::bob_;

TEST_F(CronApi, CreateAnswersTheSeedShape) {
    auto r = http().post("/api/v1/cronjobs/", job("nightly", "/bin/true"), alice_);
    ASSERT_EQ(r.status, 201) << r.body;
    const auto created = r.json();
    const auto& o = created.as_object();
    for (const char* key : {"id", "name", "command", "cron_expr", "domain", "enabled", "owner",
                            "last_run_at", "last_run_ok", "next_run_at", "email_on_complete",
                            "email_on_error", "created_at", "updated_at"})
        EXPECT_TRUE(o.contains(key)) << key;
    EXPECT_TRUE(o.at("id").is_int64());
    EXPECT_EQ(o.at("name").as_string(), "nightly");
    EXPECT_EQ(o.at("cron_expr").as_string(), "0 3 * * *");
    EXPECT_EQ(o.at("enabled").as_bool(), true);
    EXPECT_EQ(o.at("owner").as_string(), "alice");
    EXPECT_TRUE(o.at("last_run_at").is_null());
    EXPECT_EQ(o.at("last_run_ok").as_bool(), false);
    EXPECT_TRUE(o.at("next_run_at").is_string());  // enabled: the next 03:00
    EXPECT_NE(o.at("next_run_at").as_string().find("T03:00:00"), std::string::npos);
    EXPECT_EQ(o.at("email_on_complete").as_string(), "");
    EXPECT_EQ(o.at("email_on_error").as_bool(), false);

    auto list = http().get("/api/v1/cronjobs/", alice_);
    ASSERT_EQ(list.status, 200);
    ASSERT_TRUE(list.json().is_array());
    auto got = http().get(path_of(id_of(r)), alice_);
    EXPECT_EQ(got.status, 200);
    EXPECT_EQ(got.json().at("command").as_string(), "/bin/true");
}

TEST_F(CronApi, MissingAndInvalidFieldsAreNamed) {
    struct Case {
        json::object body;
        std::string error;
    };
    std::string long_command(5000, 'x');
    std::vector<Case> cases = {
        {{{"name", "n"}, {"cron_expr", "* * * * *"}}, "Command is required"},
        {{{"command", "true"}, {"cron_expr", "* * * * *"}}, "Name is required"},
        {{{"name", "n"}, {"command", "true"}}, "Cron expression is required"},
        {job("n", "true", "61 * * * *"),
         "Invalid cron expression: minute: 61 is out of range 0-59"},
        {job("n", "true", "* * * * 8"),
         "Invalid cron expression: day-of-week: 8 is out of range 0-7"},
        {job("n", "true", "0 0 30 2 *"),
         "Invalid cron expression: day-of-month: day 30 never occurs in the chosen month(s)"},
        {job("n", "echo a\necho b"), "Command must not contain newlines or NUL characters"},
        {job("n", std::string("echo a\0b", 8)),
         "Command must not contain newlines or NUL characters"},
        {job("n", long_command), "Command must be at most 4096 characters"},
        {job(std::string(101, 'n'), "true"),
         "Name must be at most 100 characters, without control characters"},
    };
    auto bad_mail = job("n", "true");
    bad_mail["email_on_complete"] = "not an address\r\nBcc: x@example.com";
    cases.push_back({bad_mail, "email_on_complete must be a valid email address"});
    auto bad_timeout = job("n", "true");
    bad_timeout["timeout_sec"] = 999999;
    cases.push_back({bad_timeout, "timeout_sec must be between 1 and 86400 (0 for the default)"});
    auto foreign_domain = job("n", "true");
    foreign_domain["domain"] = "nobody-has-this.example";
    cases.push_back(
        {foreign_domain, "Domain 'nobody-has-this.example' is not one of alice's domains"});
    for (const auto& c : cases) {
        auto r = http().post("/api/v1/cronjobs", c.body, alice_);
        EXPECT_EQ(r.status, 400) << r.body;
        EXPECT_EQ(r.error(), c.error);
    }
    // Wrong types name the field; malformed JSON is a 400 too.
    auto typed = job("n", "true");
    typed["enabled"] = "yes";
    auto r = http().post("/api/v1/cronjobs", typed, alice_);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("enabled"), std::string::npos) << r.body;
    typed = job("n", "true");
    typed["command"] = 5;
    r = http().post("/api/v1/cronjobs", typed, alice_);
    EXPECT_EQ(r.status, 400);
    EXPECT_NE(r.error().find("command"), std::string::npos) << r.body;
    r = http().send_raw("POST", "/api/v1/cronjobs", "{\"name\": ", alice_);
    EXPECT_EQ(r.status, 400);
    // Nothing half done: none of these left a job behind.
    const auto left = http().get("/api/v1/cronjobs", alice_).json();
    for (const auto& j : left.as_array()) EXPECT_NE(j.at("name").as_string(), "n");
}

TEST_F(CronApi, DomainMustBeTheOwners) {
    auto d = http().post("/api/v1/domains", json::object{{"domain", "alice-cron.example"}}, alice_);
    ASSERT_EQ(d.status, 201) << d.body;
    auto body = job("with-domain", "true");
    body["domain"] = "alice-cron.example";
    auto r = http().post("/api/v1/cronjobs", body, alice_);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json().at("domain").as_string(), "alice-cron.example");
    r = http().post("/api/v1/cronjobs", body, bob_);
    EXPECT_EQ(r.status, 400);
}

TEST_F(CronApi, PutIsPartialAndDisablingClearsNextRun) {
    int64_t id = create(alice_, job("partial", "echo one", "*/5 * * * *"));
    auto r = http().put(path_of(id), json::object{{"enabled", false}}, alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("enabled").as_bool(), false);
    EXPECT_TRUE(r.json().at("next_run_at").is_null());
    EXPECT_EQ(r.json().at("command").as_string(), "echo one");
    EXPECT_EQ(r.json().at("cron_expr").as_string(), "*/5 * * * *");
    r = http().put(path_of(id), json::object{{"enabled", true}, {"cron_expr", "@hourly"}}, alice_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.json().at("next_run_at").is_string());
    EXPECT_NE(r.json().at("next_run_at").as_string().find(":00:00"), std::string::npos);
    EXPECT_EQ(r.json().at("name").as_string(), "partial");
    r = http().put(path_of(id), json::object{{"cron_expr", "* 25 * * *"}}, alice_);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(r.error(), "Invalid cron expression: hour: 25 is out of range 0-23");
    r = http().put(path_of(id), json::object{{"command", ""}}, alice_);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(http().get(path_of(id), alice_).json().at("cron_expr").as_string(), "@hourly");
}

TEST_F(CronApi, OwnershipNotFoundAndAdminSeesAll) {
    int64_t id = create(alice_, job("mine", "true"));
    for (const char* rest : {"", "/logs"})
        EXPECT_EQ(http().get(path_of(id, rest), bob_).status, 403);
    EXPECT_EQ(http().put(path_of(id), json::object{{"enabled", false}}, bob_).status, 403);
    EXPECT_EQ(http().post(path_of(id, "/run"), json::object{}, bob_).status, 403);
    EXPECT_EQ(http().del(path_of(id), bob_).status, 403);
    EXPECT_EQ(http().get(path_of(id), admin_).status, 200);

    for (const char* bad :
         {"999999", "abc", "1.5", "-1", "%2e%2e", "1%00", "99999999999999999999"}) {
        auto r = http().get(std::string("/api/v1/cronjobs/") + bad, alice_);
        EXPECT_EQ(r.status, 404) << bad << " " << r.body;
    }
    EXPECT_EQ(http().del("/api/v1/cronjobs/999999", admin_).status, 404);

    auto bobs = create(bob_, job("bobs", "true"));
    auto all = http().get("/api/v1/cronjobs", admin_).json().as_array();
    bool saw_alice = false, saw_bob = false;
    for (const auto& j : all) {
        saw_alice = saw_alice || j.at("id").as_int64() == id;
        saw_bob = saw_bob || j.at("id").as_int64() == bobs;
    }
    EXPECT_TRUE(saw_alice && saw_bob);
    const auto own = http().get("/api/v1/cronjobs", alice_).json();
    for (const auto& j : own.as_array()) EXPECT_EQ(j.at("owner").as_string(), "alice");

    // Admin may create for a user.
    auto body = job("for-bob", "true");
    body["owner"] = "bob";
    auto r = http().post("/api/v1/cronjobs", body, admin_);
    ASSERT_EQ(r.status, 201) << r.body;
    EXPECT_EQ(r.json().at("owner").as_string(), "bob");
    body["owner"] = "alice";
    EXPECT_EQ(http().post("/api/v1/cronjobs", body, bob_).status, 403);

    auto del = http().del(path_of(id), alice_);
    ASSERT_EQ(del.status, 200);
    EXPECT_EQ(del.json().at("message").as_string(), "Cron job deleted successfully");
    EXPECT_EQ(http().get(path_of(id), alice_).status, 404);
}

TEST_F(CronApi, KeysNeedTheCronScope) {
    EXPECT_EQ(http().get("/api/v1/cronjobs").status, 401);
    auto make_key = [&](const char* scope) {
        auto r = http().post(
            "/api/v1/users/alice/api-keys",
            json::object{{"name", std::string("k-") + scope}, {"permissions", json::array{scope}}},
            alice_);
        EXPECT_EQ(r.status, 201) << r.body;
        return std::string(r.json().at("secret_key").as_string());
    };
    std::string db_only = make_key("databases"), read_only = make_key("read"),
                cron = make_key("cron");
    auto r = http().get("/api/v1/cronjobs", db_only);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error(), "API key is not scoped for 'cron'");
    EXPECT_EQ(http().get("/api/v1/cronjobs", read_only).status, 200);
    EXPECT_EQ(http().post("/api/v1/cronjobs", job("scoped", "true"), read_only).status, 403);
    EXPECT_EQ(http().post("/api/v1/cronjobs", job("scoped", "true"), cron).status, 201);
}

// The form's preview uses the scheduler's own evaluator (issue 15): the
// same next times a job would get, the same messages a create would give.
TEST_F(CronApi, PreviewListsTheNextRunsOrNamesTheExpression) {
    EXPECT_EQ(http().get("/api/v1/cronjobs/preview?expression=*%2F5+*+*+*+*").status, 401);
    // '+' and %20 are both spaces; any role may ask.
    auto r = http().get("/api/v1/cronjobs/preview?expression=30%2012+*+*+*", bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    const auto body = r.json();
    EXPECT_EQ(body.at("expression").as_string(), "30 12 * * *");
    const auto& runs = body.at("next_runs").as_array();
    ASSERT_EQ(runs.size(), 5u) << r.body;
    std::string previous;
    for (const auto& t : runs) {
        std::string at(t.as_string());
        EXPECT_NE(at.find("T12:30:00"), std::string::npos) << at;
        EXPECT_GT(at, previous);  // a later day each time
        previous = at;
    }
    // The first one is what a job with this schedule gets as next_run_at.
    int64_t id = create(alice_, job("preview-twin", "true", "30 12 * * *"));
    EXPECT_EQ(http().get(path_of(id), alice_).json().at("next_run_at"), runs[0]);

    r = http().get("/api/v1/cronjobs/preview?expression=%40hourly&count=2", admin_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json().at("next_runs").as_array().size(), 2u);
    EXPECT_EQ(r.json().at("expression").as_string(), "@hourly");

    struct Case {
        std::string query;
        std::string error;
    };
    for (const auto& c : std::vector<Case>{
             {"", "Cron expression is required"},
             {"expression=", "Cron expression is required"},
             {"expression=61+*+*+*+*", "Invalid cron expression: minute: 61 is out of range 0-59"},
             {"expression=*+*+*+*",
              "Invalid cron expression: expected 5 fields (minute hour day-of-month month "
              "day-of-week), got 4"},
             {"expression=*+*+*+*+*&count=0", "count must be between 1 and 20"},
             {"expression=*+*+*+*+*&count=21", "count must be between 1 and 20"},
             {"expression=*+*+*+*+*&count=x", "count must be a positive integer"},
         }) {
        auto bad = http().get("/api/v1/cronjobs/preview?" + c.query, alice_);
        EXPECT_EQ(bad.status, 400) << c.query << " " << bad.body;
        EXPECT_EQ(bad.json().at("code").as_string(), "VALIDATION_ERROR") << bad.body;
        EXPECT_EQ(bad.error(), c.error) << c.query;
    }
}

TEST_F(CronApi, PackageLimitApplies) {
    auto p = http().post("/api/v1/packages",
                         json::object{{"name", "onecron"}, {"max_cron_jobs", 1}}, admin_);
    ASSERT_EQ(p.status, 201) << p.body;
    std::string carol = panel_->create_user_with_key("carol", "onecron");
    create(carol, job("first", "true"));
    auto r = http().post("/api/v1/cronjobs", job("second", "true"), carol);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(r.error(), "Cron job limit reached (1)");
}

TEST_F(CronApi, RunNowSucceedsAsTheOwnerInItsHome) {
    int64_t id = create(
        alice_,
        job("whoami", "echo \"$USER $HOME\"; pwd; id -u; env | cut -d= -f1 | sort | tr '\\n' ' '"));
    auto r = http().post(path_of(id, "/run"), json::object{}, alice_);
    ASSERT_EQ(r.status, 202) << r.body;
    EXPECT_TRUE(r.json().at("run_id").is_int64());
    auto run = wait_for_run(http(), alice_, id);
    ASSERT_FALSE(run.empty());
    EXPECT_EQ(run.at("ok").as_bool(), true);
    EXPECT_EQ(run.at("exit_code").as_int64(), 0);
    EXPECT_EQ(run.at("trigger").as_string(), "manual");
    EXPECT_EQ(run.at("id").as_int64(), r.json().at("run_id").as_int64());
    std::string home = (panel_->data_dir() / "home" / "alice").string();
    std::string out(run.at("output").as_string());
    EXPECT_NE(out.find("alice " + home), std::string::npos) << out;
    EXPECT_NE(out.find(home + "\n"), std::string::npos) << out;
    EXPECT_EQ(out.find("\n0\n"), std::string::npos) << "ran as root: " << out;
    // The clean environment, plus the PWD the shell sets itself.
    EXPECT_TRUE(out.ends_with("\nHOME LOGNAME PATH PWD SHELL USER ")) << "env not clean: " << out;
    auto got = http().get(path_of(id), alice_).json();
    EXPECT_EQ(got.at("last_run_ok").as_bool(), true);
    EXPECT_TRUE(got.at("last_run_at").is_string());
}

TEST_F(CronApi, AFailingJobIsNotOk) {
    int64_t id = create(alice_, job("fails", "echo broken >&2; exit 1"));
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    auto run = wait_for_run(http(), alice_, id);
    ASSERT_FALSE(run.empty());
    EXPECT_EQ(run.at("ok").as_bool(), false);
    EXPECT_EQ(run.at("exit_code").as_int64(), 1);
    EXPECT_EQ(run.at("output").as_string(), "broken\n");
    auto got = http().get(path_of(id), alice_).json();
    EXPECT_EQ(got.at("last_run_ok").as_bool(), false);
    EXPECT_TRUE(got.at("last_run_at").is_string());
}

TEST_F(CronApi, TimeoutKillsTheWholeGroup) {
    auto body = job("sleeper", "sleep 60 & echo $! > child.pid; sleep 60");
    body["timeout_sec"] = 2;
    int64_t id = create(alice_, body);
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    auto run = wait_for_run(http(), alice_, id, 30s);
    ASSERT_FALSE(run.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 15s);
    EXPECT_EQ(run.at("timed_out").as_bool(), true);
    EXPECT_EQ(run.at("ok").as_bool(), false);
    std::ifstream in(panel_->data_dir() / "home" / "alice" / "child.pid");
    pid_t child = 0;
    in >> child;
    ASSERT_GT(child, 0);
    std::this_thread::sleep_for(200ms);
    // Gone, or at most a zombie about to be reaped by init.
    bool alive = ::kill(child, 0) == 0;
    if (alive) {
        std::ifstream stat("/proc/" + std::to_string(child) + "/stat");
        std::string pid, comm, state;
        stat >> pid >> comm >> state;
        alive = state != "Z";
    }
    EXPECT_FALSE(alive) << "the job's child " << child << " survived the timeout";
}

TEST_F(CronApi, OutputIsCutAtTheBoundKeepingTheTail) {
    int64_t id = create(alice_, job("loud", "head -c 5000 /dev/zero | tr '\\0' a; echo; echo END"));
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    auto run = wait_for_run(http(), alice_, id);
    ASSERT_FALSE(run.empty());
    std::string out(run.at("output").as_string());
    EXPECT_LE(out.size(), 1000u);
    EXPECT_TRUE(out.ends_with("aaa\nEND\n")) << out;
    EXPECT_EQ(run.at("truncated").as_bool(), true);
    EXPECT_EQ(run.at("ok").as_bool(), true);
}

TEST_F(CronApi, BinaryOutputIsServedAsValidUtf8) {
    int64_t id = create(alice_, job("binary", "printf 'a\\377\\376b \\303\\251'"));
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    auto run = wait_for_run(http(), alice_, id);
    ASSERT_FALSE(run.empty());
    EXPECT_EQ(run.at("output").as_string(),
              "a\xEF\xBF\xBD\xEF\xBF\xBD"
              "b \xC3\xA9");
}

TEST_F(CronApi, ARunningJobIsNotStartedTwice) {
    int64_t id = create(alice_, job("long", "sleep 3"));
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    auto again = http().post(path_of(id, "/run"), json::object{}, alice_);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.error(), "Cron job is already running");
    EXPECT_EQ(http().get(path_of(id), alice_).json().at("running").as_bool(), true);
    ASSERT_FALSE(wait_for_run(http(), alice_, id).empty());
    EXPECT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    wait_for_run(http(), alice_, id);
}

TEST_F(CronApi, LogsAreNewestFirstAndPaginated) {
    int64_t id = create(alice_, job("counter", "echo run"));
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
        ASSERT_FALSE(wait_for_run(http(), alice_, id).empty());
    }
    auto all = http().get(path_of(id, "/logs"), alice_).json();
    EXPECT_EQ(all.at("total").as_int64(), 3);
    const auto& logs = all.at("logs").as_array();
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_GT(logs[0].at("id").as_int64(), logs[1].at("id").as_int64());
    for (const char* key : {"id", "trigger", "started_at", "finished_at", "duration_ms",
                            "exit_code", "timed_out", "ok", "output"})
        EXPECT_TRUE(logs[0].as_object().contains(key)) << key;
    auto page2 = http().get(path_of(id, "/logs?page=2&per_page=2"), alice_).json();
    ASSERT_EQ(page2.at("logs").as_array().size(), 1u);
    EXPECT_EQ(page2.at("logs").as_array()[0].at("id"), logs[2].at("id"));
    EXPECT_EQ(http().get(path_of(id, "/logs?per_page=0"), alice_).status, 400);
    EXPECT_EQ(http().get(path_of(id, "/logs?page=x"), alice_).status, 400);
}

TEST_F(CronApi, HistoryIsBoundedPerJob) {
    int64_t id = create(alice_, job("chatty", "echo $$"));
    std::vector<int64_t> run_ids;
    for (int i = 0; i < 5; ++i) {
        auto r = http().post(path_of(id, "/run"), json::object{}, alice_);
        ASSERT_EQ(r.status, 202) << r.body;
        run_ids.push_back(r.json().at("run_id").as_int64());
        ASSERT_FALSE(wait_for_run(http(), alice_, id).empty());
    }
    auto page = http().get(path_of(id, "/logs"), alice_).json();
    EXPECT_EQ(page.at("total").as_int64(), 3);
    const auto& logs = page.at("logs").as_array();
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(logs[0].at("id").as_int64(), run_ids[4]);
    EXPECT_EQ(logs[2].at("id").as_int64(), run_ids[2]);
}

TEST_F(CronApi, MailReportsAfterRunsAndOnErrors) {
    auto body = job("reported", "echo all good");
    body["email_on_complete"] = "ops@example.com";
    int64_t id = create(alice_, body);
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    std::string mail = smtp_->wait_for("Cron job 'reported'");
    ASSERT_FALSE(mail.empty()) << "no report mail";
    EXPECT_NE(mail.find("X-Test-Rcpt: ops@example.com\r\n"), std::string::npos) << mail;
    EXPECT_NE(mail.find("Subject: [WisPanel] Cron job 'reported' succeeded"), std::string::npos);
    EXPECT_NE(mail.find("Exit code: 0"), std::string::npos);
    EXPECT_NE(mail.find("all good"), std::string::npos);

    // email_on_error mails the owner's account address, and only on failure.
    auto failing = job("breaks", "exit 3");
    failing["email_on_error"] = true;
    int64_t fid = create(alice_, failing);
    ASSERT_EQ(http().post(path_of(fid, "/run"), json::object{}, alice_).status, 202);
    std::string err = smtp_->wait_for("Cron job 'breaks'");
    ASSERT_FALSE(err.empty()) << "no error mail";
    auto me = http().get("/api/v1/auth/me", alice_).json();
    std::string owner_mail(me.at("email").as_string());
    EXPECT_NE(err.find("X-Test-Rcpt: " + owner_mail + "\r\n"), std::string::npos) << err;
    EXPECT_NE(err.find("failed (exit code 3)"), std::string::npos);
}

TEST_F(CronApi, NoHeaderCanBeInjectedThroughOutput) {
    auto body =
        job("injector", "printf 'Subject: hacked\\r\\nBcc: evil@example.com\\r\\n\\r\\nbody\\n'");
    body["email_on_complete"] = "ops@example.com";
    int64_t id = create(alice_, body);
    ASSERT_EQ(http().post(path_of(id, "/run"), json::object{}, alice_).status, 202);
    std::string mail = smtp_->wait_for("Cron job 'injector'");
    ASSERT_FALSE(mail.empty());
    EXPECT_NE(mail.find("X-Test-Rcpt: ops@example.com\r\n"), std::string::npos) << mail;
    std::string headers = mail.substr(0, mail.find("\r\n\r\n"));
    EXPECT_EQ(headers.find("Bcc"), std::string::npos) << headers;
    EXPECT_EQ(headers.find("hacked"), std::string::npos) << headers;
}

TEST_F(CronApi, SuspendedOwnersJobsDoNotRunAndDeletingTheUserRemovesThem) {
    std::string dave = panel_->create_user_with_key("dave");
    int64_t a = create(dave, job("d1", "true", "* * * * *"));
    create(dave, job("d2", "true"));
    ASSERT_EQ(http().post("/api/v1/users/dave/suspend", json::object{}, admin_).status, 200);
    auto got = http().get(path_of(a), admin_);
    ASSERT_EQ(got.status, 200);
    EXPECT_TRUE(got.json().at("next_run_at").is_null());
    EXPECT_EQ(http().post(path_of(a, "/run"), json::object{}, admin_).status, 409);
    ASSERT_EQ(http().post("/api/v1/users/dave/unsuspend", json::object{}, admin_).status, 200);
    EXPECT_TRUE(http().get(path_of(a), admin_).json().at("next_run_at").is_string());

    auto del = http().del("/api/v1/users/dave", admin_);
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_NE(del.body.find("\"cron_jobs\":2"), std::string::npos) << del.body;
    EXPECT_EQ(http().get(path_of(a), admin_).status, 404);
}

// The one test on the real clock: an every-minute job fires within the
// minute, and a scheduled time that finds the job still running is skipped
// (and recorded as such), not started twice.
TEST_F(CronApi, EveryMinuteJobFiresAndOverlapIsSkipped) {
    auto seconds_into_minute = [] { return ::time(nullptr) % 60; };
    // Made early in a minute, so no scheduled time falls between making the
    // jobs and the run by hand below (a job made at :58 ran at :00 once).
    while (seconds_into_minute() > 40) std::this_thread::sleep_for(200ms);
    int64_t tick = create(alice_, job("tick", "echo tick", "* * * * *"));
    int64_t slow = create(alice_, job("slow", "sleep 15", "* * * * *"));
    // Start the slow job by hand 3 to 10 s before the minute turns, so it is
    // still running when the scheduler reaches it (at most ~65 s of waiting).
    while (seconds_into_minute() < 50 || seconds_into_minute() > 57)
        std::this_thread::sleep_for(200ms);
    ASSERT_EQ(http().post(path_of(slow, "/run"), json::object{}, alice_).status, 202);
    std::this_thread::sleep_for(std::chrono::seconds(60 - seconds_into_minute() + 3));

    auto run = wait_for_run(http(), alice_, tick, 10s);
    ASSERT_FALSE(run.empty()) << "the every-minute job did not run";
    EXPECT_EQ(run.at("trigger").as_string(), "schedule");
    EXPECT_EQ(run.at("output").as_string(), "tick\n");
    auto t = http().get(path_of(tick), alice_).json();
    EXPECT_EQ(t.at("last_run_ok").as_bool(), true);
    EXPECT_NE(t.at("next_run_at").as_string().find(":00"), std::string::npos);

    auto logs = http().get(path_of(slow, "/logs"), alice_).json().at("logs").as_array();
    int skipped = 0, manual = 0, scheduled_runs = 0;
    for (const auto& l : logs) {
        if (l.at("status").as_string() == "skipped")
            ++skipped;
        else if (l.at("trigger").as_string() == "manual")
            ++manual;
        else
            ++scheduled_runs;
    }
    EXPECT_EQ(skipped, 1) << logs;
    EXPECT_EQ(manual, 1) << logs;
    EXPECT_EQ(scheduled_runs, 0) << logs;
    http().put(path_of(slow), json::object{{"enabled", false}}, alice_);
    http().put(path_of(tick), json::object{{"enabled", false}}, alice_);
}

TEST(CronRestart, JobsAndSchedulesSurviveARestart) {
    fs::path dir;
    int64_t id = 0;
    std::string created;
    {
        PanelProcess panel;
        panel.keep_data_dir();
        dir = panel.data_dir();
        auto r = panel.http().post("/api/v1/cronjobs", job("kept", "echo kept", "15 4 * * *"),
                                   panel.admin_key());
        ASSERT_EQ(r.status, 201) << r.body;
        id = id_of(r);
        created = json::serialize(r.json());
        auto off = panel.http().post("/api/v1/cronjobs", job("off", "true"), panel.admin_key());
        panel.http().put(path_of(id_of(off)), json::object{{"enabled", false}}, panel.admin_key());
        EXPECT_EQ(panel.stop(), 0);
    }
    PanelProcess again(PanelOptions{.data_dir = dir});
    auto r = again.http().get(path_of(id), again.admin_key());
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(json::serialize(r.json()), created);
    auto list = again.http().get("/api/v1/cronjobs", again.admin_key()).json().as_array();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_TRUE(list[1].at("next_run_at").is_null());
    ASSERT_EQ(again.http().post(path_of(id, "/run"), json::object{}, again.admin_key()).status,
              202);
    auto run = wait_for_run(again.http(), again.admin_key(), id);
    EXPECT_EQ(run.at("output").as_string(), "kept\n");
    std::error_code ec;
    again.stop();
    fs::remove_all(dir, ec);
}

TEST(CronMail, SmtpDownNeitherBreaksNorDelaysTheJob) {
    PanelProcess panel(
        PanelOptions{.config = {"mail.smtp_url=smtp://127.0.0.1:" + std::to_string(free_port())}});
    auto body = job("unmailed", "echo fine");
    body["email_on_complete"] = "ops@example.com";
    auto r = panel.http().post("/api/v1/cronjobs", body, panel.admin_key());
    ASSERT_EQ(r.status, 201) << r.body;
    auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(
        panel.http().post(path_of(id_of(r), "/run"), json::object{}, panel.admin_key()).status,
        202);
    auto run = wait_for_run(panel.http(), panel.admin_key(), id_of(r));
    ASSERT_FALSE(run.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, 3s);
    EXPECT_EQ(run.at("ok").as_bool(), true);
    auto got = panel.http().get(path_of(id_of(r)), panel.admin_key()).json();
    EXPECT_EQ(got.at("last_run_ok").as_bool(), true);
    std::this_thread::sleep_for(500ms);
    EXPECT_NE(panel.log().find("not sent"), std::string::npos) << "the mail failure is not logged";
}

// Issue 14: "run now" could be repeated without bound, and each run could
// mail any address. Runs now are capped per job per minute (429 with
// Retry-After), report mails per account per hour (the rest dropped, logged).
TEST(CronAbuse, RunNowAndReportMailsAreBounded) {
    SmtpServer smtp;
    PanelProcess panel(PanelOptions{
        .config = {"mail.smtp_url=" + smtp.url(), "mail.from=panel@example.com",
                   "cron.run_now_per_job_per_minute=3", "cron.mail_per_account_per_hour=2"}});
    std::string key = panel.create_user_with_key("spammer");
    auto body = job("noisy", "echo bulk");
    body["email_on_complete"] = "victim@example.com";
    auto r = panel.http().post("/api/v1/cronjobs", body, key);
    ASSERT_EQ(r.status, 201) << r.body;
    const int64_t id = id_of(r);
    for (int i = 0; i < 3; ++i) {
        auto run = panel.http().post(path_of(id, "/run"), json::object{}, key);
        ASSERT_EQ(run.status, 202) << i << ": " << run.body;
        ASSERT_FALSE(wait_for_run(panel.http(), key, id).empty());
    }
    auto fourth = panel.http().post(path_of(id, "/run"), json::object{}, key);
    EXPECT_EQ(fourth.status, 429) << fourth.body;
    EXPECT_NE(fourth.error().find("Run-now limit reached (3"), std::string::npos) << fourth.body;
    EXPECT_FALSE(fourth.header("retry-after").empty());
    // Another job of the account has its own budget.
    auto other = panel.http().post("/api/v1/cronjobs", job("quiet", "true"), key);
    ASSERT_EQ(other.status, 201) << other.body;
    EXPECT_EQ(panel.http().post(path_of(id_of(other), "/run"), json::object{}, key).status, 202);
    wait_for_run(panel.http(), key, id_of(other));

    // Three runs finished, two mails at most for this account this hour.
    for (int i = 0; i < 50 && smtp.mails().size() < 2; ++i) std::this_thread::sleep_for(100ms);
    std::this_thread::sleep_for(1s);  // a third mail, if one were coming, would be here by now
    EXPECT_EQ(smtp.mails().size(), 2u);
    EXPECT_NE(panel.log().find("reached its 2 mails an hour"), std::string::npos);
}

TEST(CronZone, SchedulesFollowTheConfiguredZone) {
    PanelProcess panel(PanelOptions{.config = {"cron.timezone=Asia/Bangkok"}});
    auto r =
        panel.http().post("/api/v1/cronjobs", job("zoned", "true", "0 3 * * *"), panel.admin_key());
    ASSERT_EQ(r.status, 201) << r.body;
    std::string next(r.json().at("next_run_at").as_string());
    EXPECT_TRUE(next.ends_with("T03:00:00+07:00")) << next;
}

}  // namespace
}  // namespace wsp::test
