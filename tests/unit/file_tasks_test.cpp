// The file task registry on its own (services/file_tasks.h): queueing on
// its own threads, the per-account cap, cancellation, percent, ownership,
// retention, and the crash journal. The jobs are plain functions; the file
// operations themselves are tested against the real binary
// (tests/integration/files_tasks_test.cpp).
#include "services/file_tasks.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

namespace wsp {
namespace {

namespace stdfs = std::filesystem;
using namespace std::chrono_literals;

const Caller kAlice{"alice", Role::user, {"all"}, ""};
const Caller kBob{"bob", Role::user, {"all"}, ""};
const Caller kAdmin{"admin", Role::admin, {"all"}, ""};

struct Leftover {
    std::string owner, dir, temp;
};

class FileTasksTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = stdfs::temp_directory_path() /
               ("wsp-file-tasks-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        stdfs::remove_all(dir_);
    }
    void TearDown() override { stdfs::remove_all(dir_); }

    std::unique_ptr<FileTasks> make(FileTaskLimits limits = {}) {
        return std::make_unique<FileTasks>(
            limits, dir_,
            [this](const std::string& o, const std::string& d, const std::string& t) {
                removed_.push_back({o, d, t});
            },
            clock_);
    }

    // A job that works in 1 KB steps until `steps` are done or it is cancelled.
    static FileJob job(const std::string& owner, int steps, std::atomic<int>* started = nullptr) {
        FileJob j;
        j.kind = "copy";
        j.owner = owner;
        j.temp_dir = "d";
        j.result_path = "/out";
        j.run = [steps, started](fs::Progress& p) -> Result<void> {
            if (started) ++*started;
            p.bytes_total = int64_t{steps} * 1024;
            for (int i = 0; i < steps; ++i) {
                CHECK_OK(p.step(1024, 1));
                std::this_thread::sleep_for(1ms);
            }
            return Ok{};
        };
        return j;
    }

    static TaskView wait_done(FileTasks& tasks, const Caller& c, const std::string& id) {
        for (int i = 0; i < 5000; ++i) {
            auto v = tasks.get(c, id);
            EXPECT_TRUE(v.ok());
            if (!v.ok()) return {};
            if (v->status != TaskStatus::queued && v->status != TaskStatus::running) return *v;
            std::this_thread::sleep_for(1ms);
        }
        ADD_FAILURE() << "task " << id << " never finished";
        return {};
    }

    stdfs::path dir_;
    std::vector<Leftover> removed_;
    FakeClock clock_;
};

TEST_F(FileTasksTest, RunsToDoneWithPercentThatOnlyGoesUp) {
    auto tasks = make();
    EXPECT_EQ(tasks->submit(job("alice", 5)).error().code, Code::unavailable);  // not started
    ASSERT_TRUE(tasks->start().ok());
    auto t = tasks->submit(job("alice", 200));
    ASSERT_TRUE(t.ok());
    EXPECT_EQ(t->id.size(), 32u);
    int last = 0;
    TaskView v;
    for (;;) {
        v = *tasks->get(kAlice, t->id);
        EXPECT_GE(v.percent, last);
        last = v.percent;
        if (v.status == TaskStatus::done) break;
        EXPECT_LT(v.percent, 100);
        std::this_thread::sleep_for(2ms);
    }
    EXPECT_EQ(v.percent, 100);
    EXPECT_EQ(v.bytes_done, 200 * 1024);
    EXPECT_EQ(v.entries_total, 200);
    EXPECT_EQ(v.result_path, "/out");
    EXPECT_GT(v.finished_at, 0);
    EXPECT_TRUE(stdfs::is_empty(dir_)) << "the journal entry outlived its task";
}

TEST_F(FileTasksTest, CapCountsQueuedAndRunningPerAccount) {
    FileTaskLimits limits;
    limits.workers = 1;
    limits.per_account = 2;
    auto tasks = make(limits);
    ASSERT_TRUE(tasks->start().ok());
    auto a = tasks->submit(job("alice", 100000));
    auto b = tasks->submit(job("alice", 100000));  // queued behind a (one worker)
    ASSERT_TRUE(a.ok() && b.ok());
    auto c = tasks->submit(job("alice", 1));
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.error().code, Code::rate_limited);
    EXPECT_TRUE(tasks->submit(job("bob", 1)).ok());  // bob has his own
    // A queued task is cancelled at once; the running one within a step.
    auto rb = tasks->remove(kAlice, b->id);
    ASSERT_TRUE(rb.ok());
    EXPECT_TRUE(rb->cancelled);
    EXPECT_EQ(rb->task.status, TaskStatus::cancelled);
    auto ra = tasks->remove(kAlice, a->id);
    ASSERT_TRUE(ra.ok());
    EXPECT_EQ(ra->task.status, TaskStatus::cancelled);
    EXPECT_TRUE(tasks->submit(job("alice", 1)).ok());
    // Forgetting a finished task.
    auto again = tasks->remove(kAlice, a->id);
    ASSERT_TRUE(again.ok());
    EXPECT_FALSE(again->cancelled);
    EXPECT_EQ(tasks->get(kAlice, a->id).error().code, Code::not_found);
}

TEST_F(FileTasksTest, OnlyTheOwnerAndAdminsSeeATask) {
    auto tasks = make();
    ASSERT_TRUE(tasks->start().ok());
    auto t = tasks->submit(job("alice", 1));
    ASSERT_TRUE(t.ok());
    wait_done(*tasks, kAlice, t->id);
    EXPECT_EQ(tasks->get(kBob, t->id).error().code, Code::forbidden);
    EXPECT_EQ(tasks->remove(kBob, t->id).error().code, Code::forbidden);
    EXPECT_TRUE(tasks->get(kAdmin, t->id).ok());
    EXPECT_TRUE(tasks->list(kBob, std::nullopt)->empty());
    EXPECT_EQ(tasks->list(kBob, std::string("alice")).error().code, Code::forbidden);
    EXPECT_EQ(tasks->list(kAdmin, std::string("alice"))->size(), 1u);
    EXPECT_EQ(tasks->list(kAdmin, std::string("bob"))->size(), 0u);
    EXPECT_EQ(tasks->get(kAlice, "nope").error().code, Code::not_found);
}

TEST_F(FileTasksTest, AFailureKeepsItsErrorAndFinishedTasksAreBounded) {
    FileTaskLimits limits;
    limits.keep_max = 2;
    auto tasks = make(limits);
    ASSERT_TRUE(tasks->start().ok());
    FileJob bad = job("alice", 1);
    bad.run = [](fs::Progress&) -> Result<void> { return conflict("Path already exists: /x"); };
    auto f = tasks->submit(bad);
    ASSERT_TRUE(f.ok());
    auto v = wait_done(*tasks, kAlice, f->id);
    EXPECT_EQ(v.status, TaskStatus::failed);
    ASSERT_TRUE(v.error);
    EXPECT_EQ(v.error->message, "Path already exists: /x");
    EXPECT_LT(v.percent, 100);
    for (int i = 0; i < 3; ++i) {
        auto t = tasks->submit(job("alice", 1));
        ASSERT_TRUE(t.ok());
        wait_done(*tasks, kAlice, t->id);
    }
    tasks->submit(job("alice", 1)).value();  // prunes on the way in
    auto listed = tasks->list(kAlice, std::nullopt);
    EXPECT_LE(listed->size(), 3u);  // two finished kept, plus the newest
    EXPECT_EQ(tasks->get(kAlice, f->id).error().code, Code::not_found) << "oldest kept";
}

TEST_F(FileTasksTest, AFinishedTaskIsKeptForItsTimeThenForgotten) {
    FileTaskLimits limits;
    limits.keep = std::chrono::seconds(3600);
    auto tasks = make(limits);
    ASSERT_TRUE(tasks->start().ok());
    auto t = tasks->submit(job("alice", 1));
    ASSERT_TRUE(t.ok());
    auto v = wait_done(*tasks, kAlice, t->id);
    EXPECT_EQ(v.finished_at, clock_.now_unix());
    clock_.advance(3600s);
    EXPECT_TRUE(tasks->get(kAlice, t->id).ok()) << "kept for exactly `keep`";
    clock_.advance(1s);
    EXPECT_TRUE(tasks->list(kAlice, std::nullopt)->empty());
    EXPECT_EQ(tasks->get(kAlice, t->id).error().code, Code::not_found);
}

TEST_F(FileTasksTest, StopCancelsRunningTasks) {
    auto tasks = make();
    ASSERT_TRUE(tasks->start().ok());
    std::atomic<int> started{0};
    auto t = tasks->submit(job("alice", 1000000, &started));
    ASSERT_TRUE(t.ok());
    while (started == 0) std::this_thread::sleep_for(1ms);
    tasks->stop();
    EXPECT_EQ(tasks->get(kAlice, t->id)->status, TaskStatus::cancelled);
}

TEST_F(FileTasksTest, StartRemovesWhatTheJournalNames) {
    stdfs::create_directories(dir_);
    std::ofstream(dir_ / "0123") << R"({"owner":"alice","dir":"a/b","temp":".wsp-task-0123abcd"})";
    // Never anything but a task's own temp name.
    std::ofstream(dir_ / "4567") << R"({"owner":"alice","dir":"","temp":"../../etc"})";
    std::ofstream(dir_ / "89ab") << R"({"owner":"alice","dir":"","temp":".wsp-task-"})";
    std::ofstream(dir_ / "cdef") << "not json";
    auto tasks = make();
    ASSERT_TRUE(tasks->start().ok());
    ASSERT_EQ(removed_.size(), 1u);
    EXPECT_EQ(removed_[0].owner, "alice");
    EXPECT_EQ(removed_[0].dir, "a/b");
    EXPECT_EQ(removed_[0].temp, ".wsp-task-0123abcd");
    EXPECT_TRUE(stdfs::is_empty(dir_));
}

}  // namespace
}  // namespace wsp
