// Asynchronous file tasks (async:true, /files/tasks) against the real
// binary: archives made by tasks checked with unzip/tar, progress that only
// goes forward, a cancelled extraction leaving nothing, ownership, the
// per-account cap, validation before the 202, and a crash mid-task whose
// partial output is removed at the next start.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "files_fixture.h"

namespace wsp::test {
namespace {

using namespace std::chrono_literals;

// Runs argv quietly; its exit status.
int run_quiet(std::vector<std::string> argv) {
    pid_t pid = ::fork();
    if (pid == 0) {
        int null = ::open("/dev/null", O_WRONLY);
        ::dup2(null, 1);
        ::dup2(null, 2);
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void chown_like(const stdfs::path& home, const stdfs::path& p) {
    struct stat st {};
    ::stat(home.c_str(), &st);
    ::lchown(p.c_str(), st.st_uid, st.st_gid);
    if (stdfs::is_directory(p))
        for (auto& e : stdfs::recursive_directory_iterator(p))
            ::lchown(e.path().c_str(), st.st_uid, st.st_gid);
}

// A tar of `n` small files (d<i/100>/f<i>.txt), written by Python's tarfile:
// slow to extract (one create per entry), quick to build.
void make_many_file_tar(const stdfs::path& out, int n) {
    std::string script =
        "import io,sys,tarfile\n"
        "t=tarfile.open(sys.argv[1],'w')\n"
        "data=b'x'*512\n"
        "for i in range(int(sys.argv[2])):\n"
        "  ti=tarfile.TarInfo('many/d%d/f%d.txt'%(i//100,i)); ti.size=len(data)\n"
        "  t.addfile(ti, io.BytesIO(data))\n"
        "t.close()\n";
    ASSERT_EQ(run_quiet({"/usr/bin/python3", "-c", script, out.string(), std::to_string(n)}), 0);
}

// Temp names appear at the top of the destination only.
bool has_temp_names(const stdfs::path& dir) {
    for (auto& e : stdfs::directory_iterator(dir))
        if (e.path().filename().string().starts_with(".wsp-")) return true;
    return false;
}

class FilesTasksTest : public FilesSuite {
  protected:
    static void SetUpTestSuite() {
        PanelOptions options;
        options.config = {"files.max_extract_mb=2048", "files.max_extract_entries=200000",
                          "files.task_workers=2", "files.task_max_per_account=2"};
        panel_ = new PanelProcess(options);
        alice_ = panel_->create_user_with_key("alice");
        bob_ = panel_->create_user_with_key("bob");
        carol_ = panel_->create_user_with_key("carol");
        canary_dir_ = make_temp_dir("wsp-tasks-canary");
        spit(canary_dir_ / "canary.txt", "canary\n");
        // A tree with some bulk (random, so compression takes a while) for
        // progress, and a slow-to-extract archive for cancellation.
        auto tree = home("alice") / "tree";
        stdfs::create_directories(tree / "sub" / "deeper");
        spit(tree / "a.txt", "alpha\n");
        spit(tree / "sub" / "b.txt", "bravo\n");
        spit(tree / "sub" / "deeper" / "c.txt", "charlie\n");
        for (int i = 0; i < 8; ++i)
            ASSERT_EQ(
                run_quiet({"/usr/bin/dd", "if=/dev/urandom",
                           "of=" + (tree / numbered("blob", i)).string(), "bs=1M", "count=4"}),
                0);
        chown_like(home("alice"), tree);
        auto slow = home("alice") / "slow";
        stdfs::create_directories(slow);
        make_many_file_tar(slow / "many.tar", 30000);
        chown_like(home("alice"), slow);
    }

    static inline std::string carol_;

    // Polls until the task is finished; every state seen, in order.
    static std::vector<json::object> poll(const std::string& id, const std::string& token = alice_,
                                          std::chrono::seconds limit = 120s) {
        std::vector<json::object> seen;
        auto until = std::chrono::steady_clock::now() + limit;
        while (std::chrono::steady_clock::now() < until) {
            auto r = http().get("/api/v1/files/tasks/" + id, token);
            EXPECT_EQ(r.status, 200) << r.body;
            if (r.status != 200) break;
            seen.push_back(r.json().as_object());
            std::string status(seen.back().at("status").as_string());
            if (status == "done" || status == "failed" || status == "cancelled") break;
            std::this_thread::sleep_for(10ms);
        }
        return seen;
    }

    // Starts a task; its id (and checks the 202 shape).
    static std::string start(const std::string& what, json::object body,
                             const std::string& token = alice_) {
        body["async"] = true;
        auto r = post(what, body, token);
        EXPECT_EQ(r.status, 202) << what << ": " << r.body;
        if (r.status != 202) return "";
        auto o = r.json().as_object();
        std::string id(o.at("id").as_string());
        EXPECT_EQ(id.size(), 32u);
        EXPECT_EQ(r.header("location"), "/api/v1/files/tasks/" + id);
        std::string status(o.at("status").as_string());
        EXPECT_TRUE(status == "queued" || status == "running") << status;
        EXPECT_EQ(o.at("kind").as_string(), what);
        return id;
    }

    // Waits until the task has done some work (running, entries counted).
    static void wait_running(const std::string& id) {
        auto until = std::chrono::steady_clock::now() + 30s;
        while (std::chrono::steady_clock::now() < until) {
            auto o = http().get("/api/v1/files/tasks/" + id, alice_).json().as_object();
            if (o.at("status") == "running" && o.at("entries_done").as_int64() > 10) return;
            ASSERT_TRUE(o.at("status") == "running" || o.at("status") == "queued") << o;
            std::this_thread::sleep_for(5ms);
        }
        FAIL() << "task " << id << " never got going";
    }

    static void expect_monotonic_and_done(const std::vector<json::object>& seen) {
        ASSERT_FALSE(seen.empty());
        int64_t last = -1;
        for (const auto& o : seen) {
            int64_t p = o.at("percent").as_int64();
            EXPECT_GE(p, last) << "percent went back";
            if (o.at("status") != "done") {
                EXPECT_LT(p, 100);
            }
            last = p;
        }
        const auto& end = seen.back();
        ASSERT_EQ(end.at("status"), "done") << end;
        EXPECT_EQ(end.at("percent").as_int64(), 100);
        EXPECT_EQ(end.at("bytes_done"), end.at("bytes_total"));
        EXPECT_EQ(end.at("entries_done"), end.at("entries_total"));
        EXPECT_FALSE(end.at("finished_at").is_null());
        EXPECT_FALSE(end.contains("error"));
    }
};

TEST_F(FilesTasksTest, AsyncCompressMakesValidArchivesWithForwardProgress) {
    // The destination directory must exist: that is checked before the 202.
    EXPECT_EQ(
        post("compress", {{"paths", {"/tree"}}, {"archive", "/out/tree.zip"}, {"async", true}})
            .status,
        404);
    ASSERT_EQ(post("mkdir", {{"path", "/out"}}).status, 200);

    auto zip_id = start("compress", {{"paths", {"/tree"}}, {"archive", "/out/tree.zip"}});
    auto seen = poll(zip_id);
    expect_monotonic_and_done(seen);
    EXPECT_EQ(seen.back().at("result").at("path"), "/out/tree.zip");
    EXPECT_EQ(seen.back().at("bytes_total").as_int64(), 8 * 4 * 1024 * 1024 + 6 + 6 + 8);
    EXPECT_EQ(seen.back().at("entries_total").as_int64(), 14);  // 3 dirs + 11 files
    auto zip = home("alice") / "out" / "tree.zip";
    EXPECT_EQ(run_quiet({"/usr/bin/unzip", "-tq", zip.string()}), 0);
    // Random data (the blobs) is stored, text deflated; both extract intact.
    std::string listing;
    if (FILE* p = ::popen(("/usr/bin/unzip -v " + zip.string()).c_str(), "r")) {
        char line[512];
        while (std::fgets(line, sizeof line, p)) listing += line;
        ::pclose(p);
    }
    EXPECT_NE(listing.find("Stored"), std::string::npos) << listing;
    EXPECT_NE(listing.find("Defl"), std::string::npos) << listing;
    ASSERT_EQ(post("mkdir", {{"path", "/unz"}}).status, 200);
    ASSERT_EQ(post("extract", {{"archive", "/out/tree.zip"}, {"destination", "/unz"}}).status, 200);
    EXPECT_EQ(slurp(home("alice") / "unz" / "tree" / "blob3"),
              slurp(home("alice") / "tree" / "blob3"));
    EXPECT_EQ(slurp(home("alice") / "unz" / "tree" / "sub" / "b.txt"), "bravo\n");
    struct stat st {
    }, h{};
    ::stat(zip.c_str(), &st);
    ::stat(home("alice").c_str(), &h);
    EXPECT_EQ(st.st_uid, h.st_uid) << "made with the account's identity";

    auto tgz_id = start("compress",
                        {{"paths", {"/tree/sub", "/tree/a.txt"}}, {"archive", "/out/tree.tar.gz"}});
    expect_monotonic_and_done(poll(tgz_id));
    EXPECT_EQ(run_quiet({"/usr/bin/tar", "tzf", (home("alice") / "out" / "tree.tar.gz").string()}),
              0);
    EXPECT_FALSE(has_temp_names(home("alice") / "out"));

    // Listed (newest first), then forgotten on DELETE.
    auto list = array_of(http().get("/api/v1/files/tasks", alice_));
    ASSERT_GE(list.size(), 2u);
    EXPECT_EQ(list[0].at("id").as_string(), tgz_id);
    auto del = http().del("/api/v1/files/tasks/" + zip_id, alice_);
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_EQ(del.json().at("message"), "Task removed");
    EXPECT_EQ(http().get("/api/v1/files/tasks/" + zip_id, alice_).status, 404);
}

TEST_F(FilesTasksTest, AsyncExtractCopyAndMove) {
    ASSERT_EQ(post("compress", {{"paths", {"/tree/sub"}}, {"archive", "/sub.tar.gz"}}).status, 200);
    ASSERT_EQ(post("mkdir", {{"path", "/x"}}).status, 200);
    auto id = start("extract", {{"archive", "/sub.tar.gz"}, {"destination", "/x"}});
    auto seen = poll(id);
    expect_monotonic_and_done(seen);
    EXPECT_EQ(seen.back().at("result").at("path"), "/x");
    EXPECT_EQ(seen.back().at("entries_total").as_int64(), 4);
    EXPECT_EQ(slurp(home("alice") / "x" / "sub" / "deeper" / "c.txt"), "charlie\n");

    auto cp = start("copy", {{"source", "/tree"}, {"destination", "/tree-copy"}});
    expect_monotonic_and_done(poll(cp));
    EXPECT_EQ(slurp(home("alice") / "tree-copy" / "blob7"),
              slurp(home("alice") / "tree" / "blob7"));

    auto mv = start("move", {{"source", "/tree-copy"}, {"destination", "/tree-moved"}});
    auto moved = poll(mv);
    ASSERT_EQ(moved.back().at("status"), "done") << moved.back();
    EXPECT_EQ(moved.back().at("percent").as_int64(), 100);
    EXPECT_TRUE(stdfs::exists(home("alice") / "tree-moved" / "sub" / "b.txt"));
    EXPECT_FALSE(stdfs::exists(home("alice") / "tree-copy"));

    // Failures found while running: the task says failed, with the envelope
    // the synchronous call would have answered, and leaves nothing.
    ASSERT_EQ(post("write", {{"path", "/garbage.zip"}, {"content", "not an archive"}}).status, 200);
    auto g = poll(start("extract", {{"archive", "/garbage.zip"}, {"destination", "/x"}}));
    ASSERT_EQ(g.back().at("status"), "failed") << g.back();
    EXPECT_EQ(g.back().at("error").at("status").as_int64(), 400);
    EXPECT_EQ(g.back().at("error").at("code"), "VALIDATION_ERROR");
    EXPECT_LT(g.back().at("percent").as_int64(), 100);
    EXPECT_FALSE(g.back().contains("result"));
    auto again = poll(start("extract", {{"archive", "/sub.tar.gz"}, {"destination", "/x"}}));
    ASSERT_EQ(again.back().at("status"), "failed") << again.back();
    EXPECT_EQ(again.back().at("error").at("status").as_int64(), 409);
    EXPECT_FALSE(has_temp_names(home("alice") / "x"));

    // The synchronous calls answer as before.
    auto sync = post("copy", {{"source", "/tree/a.txt"}, {"destination", "/a-sync.txt"}});
    EXPECT_EQ(sync.status, 200);
    EXPECT_EQ(sync.json().at("message"), "Copied successfully");
}

TEST_F(FilesTasksTest, CancellingAnExtractionStopsItAndLeavesNothing) {
    ASSERT_EQ(post("mkdir", {{"path", "/cancel"}}).status, 200);
    auto id = start("extract", {{"archive", "/slow/many.tar"}, {"destination", "/cancel"}});
    wait_running(id);
    auto t0 = std::chrono::steady_clock::now();
    auto del = http().del("/api/v1/files/tasks/" + id, alice_);
    auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_EQ(del.json().at("message"), "Task cancelled");
    EXPECT_EQ(del.json().at("task").at("status"), "cancelled");
    EXPECT_LT(took, 5s);
    EXPECT_TRUE(stdfs::is_empty(home("alice") / "cancel")) << "partial output left";
    auto after = http().get("/api/v1/files/tasks/" + id, alice_);
    ASSERT_EQ(after.status, 200);
    EXPECT_EQ(after.json().at("status"), "cancelled");
    EXPECT_LT(after.json().at("percent").as_int64(), 100);
    // Cancelled ones can then be forgotten.
    EXPECT_EQ(http().del("/api/v1/files/tasks/" + id, alice_).json().at("message"), "Task removed");
}

TEST_F(FilesTasksTest, AnotherAccountCannotSeeOrCancel) {
    ASSERT_EQ(post("mkdir", {{"path", "/own"}}).status, 200);
    auto id = start("extract", {{"archive", "/slow/many.tar"}, {"destination", "/own"}});
    EXPECT_EQ(http().get("/api/v1/files/tasks/" + id, bob_).status, 403);
    EXPECT_EQ(http().del("/api/v1/files/tasks/" + id, bob_).status, 403);
    for (const auto& t : array_of(http().get("/api/v1/files/tasks", bob_)))
        EXPECT_NE(t.at("id").as_string(), id);
    EXPECT_EQ(http().get("/api/v1/files/tasks?owner=alice", bob_).status, 403);
    EXPECT_EQ(http().get("/api/v1/files/tasks/0123456789abcdef0123456789abcdef", alice_).status,
              404);
    EXPECT_EQ(http().get("/api/v1/files/tasks/..%2f..", alice_).status, 404);
    // The admin sees it, in all and filtered by user.
    const std::string& admin = panel().admin_key();
    bool found = false;
    for (const auto& t : array_of(http().get("/api/v1/files/tasks?user=alice", admin))) {
        EXPECT_EQ(t.at("owner"), "alice");
        found = found || t.at("id").as_string() == id;
    }
    EXPECT_TRUE(found);
    EXPECT_EQ(http().get("/api/v1/files/tasks/" + id, admin).status, 200);
    // The task is still running after bob's attempts; alice cancels it.
    auto del = http().del("/api/v1/files/tasks/" + id, alice_);
    ASSERT_EQ(del.status, 200);
    std::string status(del.json().at("task").at("status").as_string());
    EXPECT_TRUE(status == "cancelled" || status == "done") << status;
    EXPECT_FALSE(has_temp_names(home("alice") / "own"));
}

TEST_F(FilesTasksTest, PerAccountCapIs429) {
    // carol's own copy of the slow archive (her cap, not alice's).
    stdfs::create_directories(home("carol") / "d1");
    stdfs::create_directories(home("carol") / "d2");
    stdfs::create_directories(home("carol") / "d3");
    stdfs::copy_file(home("alice") / "slow" / "many.tar", home("carol") / "many.tar");
    chown_like(home("carol"), home("carol"));
    auto a = start("extract", {{"archive", "/many.tar"}, {"destination", "/d1"}}, carol_);
    auto b = start("extract", {{"archive", "/many.tar"}, {"destination", "/d2"}}, carol_);
    auto third = post("extract",
                      {{"archive", "/many.tar"}, {"destination", "/d3"}, {"async", true}}, carol_);
    EXPECT_EQ(third.status, 429) << third.body;
    EXPECT_NE(third.error().find("Too many file tasks"), std::string::npos) << third.body;
    // Another account is not limited by carol's tasks.
    auto other = start("copy", {{"source", "/tree/a.txt"}, {"destination", "/cap-other.txt"}});
    EXPECT_FALSE(other.empty());
    for (const auto& id : {a, b}) http().del("/api/v1/files/tasks/" + id, carol_);
    // Room again.
    auto c = start("copy", {{"source", "/many.tar"}, {"destination", "/many2.tar"}}, carol_);
    EXPECT_EQ(poll(c, carol_).back().at("status"), "done");
    for (const char* d : {"d1", "d2", "d3"}) EXPECT_TRUE(stdfs::is_empty(home("carol") / d)) << d;
}

TEST_F(FilesTasksTest, BadInputIsRefusedBeforeTheTaskStarts) {
    auto before = array_of(http().get("/api/v1/files/tasks", bob_)).size();
    auto bad = [&](const char* what, json::object body, int status) {
        body["async"] = true;
        auto r = post(what, body, bob_);
        EXPECT_EQ(r.status, status) << what << " " << json::serialize(body) << ": " << r.body;
        // The same answer as without async.
        body.erase("async");
        auto sync = post(what, body, bob_);
        EXPECT_EQ(sync.status, r.status) << what << " sync: " << sync.body;
        EXPECT_EQ(sync.error(), r.error());
    };
    ASSERT_EQ(post("write", {{"path", "/f.txt"}, {"content", "x"}}, bob_).status, 200);
    ASSERT_EQ(post("write", {{"path", "/taken.zip"}, {"content", "x"}}, bob_).status, 200);
    bad("compress", {{"paths", {"/f.txt"}}, {"archive", "/f.rar"}}, 400);
    bad("compress", {{"paths", {"/nope"}}, {"archive", "/n.zip"}}, 404);
    bad("compress", {{"paths", {"/f.txt"}}, {"archive", "/taken.zip"}}, 409);
    bad("compress", {{"paths", {"/../etc"}}, {"archive", "/e.zip"}}, 400);
    bad("compress", {{"paths", json::array{}}, {"archive", "/e.zip"}}, 400);
    bad("extract", {{"archive", "/missing.zip"}}, 404);
    // (A missing destination is made, as unzip -d does; a file is no directory.)
    bad("extract", {{"archive", "/taken.zip"}, {"destination", "/f.txt"}}, 400);
    bad("extract", {{"archive", std::string("/a\0b.zip", 8)}}, 400);
    bad("copy", {{"source", "/nope"}, {"destination", "/x"}}, 404);
    bad("copy", {{"source", "/f.txt"}, {"destination", "/taken.zip"}}, 409);
    bad("copy", {{"source", "/f.txt"}, {"destination", "/f.txt"}}, 400);
    bad("move", {{"source", "/f.txt"}, {"destination", "/taken.zip"}}, 409);
    bad("move", {{"source", "/f.txt"}, {"destination", "/../../x"}}, 400);
    // Another owner (a user may not name one) and a wrong type for async.
    auto other =
        post("copy", {{"source", "/a"}, {"destination", "/b"}, {"owner", "alice"}, {"async", true}},
             bob_);
    EXPECT_EQ(other.status, 403) << other.body;
    auto wrong =
        post("copy", {{"source", "/f.txt"}, {"destination", "/g"}, {"async", "yes"}}, bob_);
    EXPECT_EQ(wrong.status, 400);
    EXPECT_NE(wrong.error().find("async"), std::string::npos) << wrong.body;
    EXPECT_EQ(http().send_raw("POST", "/api/v1/files/compress", "{\"async\":true,", bob_).status,
              400);
    EXPECT_EQ(array_of(http().get("/api/v1/files/tasks", bob_)).size(), before);
    EXPECT_FALSE(stdfs::exists(home("bob") / "g"));
}

TEST_F(FilesTasksTest, AdminTaskOnAnAccountsFilesIsTheAccounts) {
    const std::string& admin = panel().admin_key();
    auto id = start(
        "copy", {{"source", "/tree/a.txt"}, {"destination", "/by-admin.txt"}, {"owner", "alice"}},
        admin);
    auto seen = poll(id, admin);
    ASSERT_EQ(seen.back().at("status"), "done");
    EXPECT_EQ(seen.back().at("owner"), "alice");
    EXPECT_EQ(http().get("/api/v1/files/tasks/" + id, alice_).status, 200);
    struct stat st {
    }, h{};
    ::stat((home("alice") / "by-admin.txt").c_str(), &st);
    ::stat(home("alice").c_str(), &h);
    EXPECT_EQ(st.st_uid, h.st_uid);
}

// A crash (SIGKILL) in the middle of a task: the next start removes its
// partial output, as the journal says.
TEST(FilesTasksRestart, PartialOutputOfACrashedTaskIsRemovedAtStart) {
    auto data = make_temp_dir("wsp-tasks-restart");
    std::string key;
    stdfs::path dest;
    {
        PanelOptions o;
        o.data_dir = data;
        o.config = {"files.max_extract_entries=200000"};
        PanelProcess panel(o);
        panel.keep_data_dir();
        key = panel.create_user_with_key("dave");
        auto home = data / "home" / "dave";
        make_many_file_tar(home / "many.tar", 30000);
        dest = home / "dest";
        stdfs::create_directories(dest);
        chown_like(home, home);
        auto r = panel.http().post(
            "/api/v1/files/extract",
            {{"archive", "/many.tar"}, {"destination", "/dest"}, {"async", true}}, key);
        ASSERT_EQ(r.status, 202) << r.body;
        std::string id(r.json().at("id").as_string());
        bool temp_seen = false;
        for (int i = 0; i < 3000 && !temp_seen; ++i) {
            temp_seen = has_temp_names(dest);
            if (!temp_seen) std::this_thread::sleep_for(2ms);
        }
        ASSERT_TRUE(temp_seen);
        EXPECT_TRUE(stdfs::exists(data / "run" / "file-tasks" / id));
        ::kill(panel.pid(), SIGKILL);
        panel.stop();
        ASSERT_TRUE(has_temp_names(dest)) << "the crash should have left the partial output";
    }
    {
        PanelOptions o;
        o.data_dir = data;
        PanelProcess panel(o);
        EXPECT_FALSE(has_temp_names(dest)) << "partial output of the crashed task is still there";
        EXPECT_TRUE(stdfs::is_empty(data / "run" / "file-tasks"));
        EXPECT_TRUE(stdfs::exists(data / "home" / "dave" / "many.tar"));
        // Tasks are in memory only: the old one is gone.
        EXPECT_EQ(array_of(panel.http().get("/api/v1/files/tasks", key)).size(), 0u);
    }
    std::error_code ec;
    stdfs::remove_all(data, ec);
}

// The same for a synchronous extraction (issue 16, tests/attack/kill9.py):
// it builds under a journalled task temp name too. Before, its
// `.wsp-extract-*` directory outlived every restart.
TEST(FilesTasksRestart, PartialOutputOfACrashedSynchronousExtractIsRemovedAtStart) {
    auto data = make_temp_dir("wsp-sync-restart");
    stdfs::path dest;
    {
        PanelOptions o;
        o.data_dir = data;
        o.config = {"files.max_extract_entries=200000"};
        PanelProcess panel(o);
        panel.keep_data_dir();
        std::string key = panel.create_user_with_key("erin");
        auto home = data / "home" / "erin";
        make_many_file_tar(home / "many.tar", 30000);
        dest = home / "dest";
        stdfs::create_directories(dest);
        chown_like(home, home);
        std::thread request([&] {
            try {  // the kill ends the connection: the client throws
                (void)panel.http().post("/api/v1/files/extract",
                                        {{"archive", "/many.tar"}, {"destination", "/dest"}}, key);
            } catch (const std::exception&) {
            }
        });
        bool temp_seen = false;
        for (int i = 0; i < 3000 && !temp_seen; ++i) {
            temp_seen = has_temp_names(dest);
            if (!temp_seen) std::this_thread::sleep_for(2ms);
        }
        EXPECT_FALSE(stdfs::is_empty(data / "run" / "file-tasks"));
        ::kill(panel.pid(), SIGKILL);
        request.join();
        panel.stop();
        ASSERT_TRUE(temp_seen);
        ASSERT_TRUE(has_temp_names(dest)) << "the crash should have left the partial output";
    }
    {
        PanelOptions o;
        o.data_dir = data;
        PanelProcess panel(o);
        EXPECT_FALSE(has_temp_names(dest))
            << "partial output of the crashed extract is still there";
        EXPECT_TRUE(stdfs::is_empty(data / "run" / "file-tasks"));
    }
    std::error_code ec;
    stdfs::remove_all(data, ec);
}

}  // namespace
}  // namespace wsp::test
