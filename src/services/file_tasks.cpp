#include "services/file_tasks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <fstream>
#include <sstream>

#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "base/secrets.h"
#include "drivers/fs/confined_fs.h"
#include "system/file_io.h"

namespace wsp {

namespace json = boost::json;

struct FileTasks::Task {
    std::string id;
    uint64_t seq = 0;  // submission order (newest first in lists)
    FileJob job;
    fs::Progress progress;
    // Guarded by FileTasks::mutex_.
    TaskStatus status = TaskStatus::queued;
    std::optional<Error> error;
    int64_t created_at = 0;
    int64_t started_at = 0;
    int64_t finished_at = 0;
    std::chrono::steady_clock::time_point finished{};
    mutable int last_percent = 0;  // percent never goes back
};

namespace {

// How long a cancel waits for the task to wind down (it checks between
// blocks, so this is normally a few milliseconds).
constexpr auto kCancelWait = std::chrono::seconds(5);

bool is_active(TaskStatus s) {
    return s == TaskStatus::queued || s == TaskStatus::running;
}

// A temp name a task may have made: ".wsp-task-" and hex, nothing else (a
// damaged journal can never name anything but a task's own leftover).
bool is_task_temp(const std::string& name) {
    const std::string prefix = ".wsp-task-";  // fs::temp_name("task")
    if (!name.starts_with(prefix) || name.size() == prefix.size()) return false;
    return std::all_of(name.begin() + static_cast<long>(prefix.size()), name.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

}  // namespace

const char* status_name(TaskStatus s) {
    switch (s) {
        case TaskStatus::queued:
            return "queued";
        case TaskStatus::running:
            return "running";
        case TaskStatus::done:
            return "done";
        case TaskStatus::failed:
            return "failed";
        case TaskStatus::cancelled:
            return "cancelled";
    }
    return "failed";
}

FileTasks::FileTasks(FileTaskLimits limits, std::filesystem::path journal_dir,
                     RemoveLeftover remove, const Clock& clock)
    : limits_(limits),
      clock_(clock),
      journal_dir_(std::move(journal_dir)),
      remove_leftover_(std::move(remove)) {}

FileTasks::~FileTasks() {
    stop();
}

Result<void> FileTasks::start() {
    std::error_code ec;
    std::filesystem::create_directories(journal_dir_, ec);
    if (ec) return internal("cannot create " + journal_dir_.string() + ": " + ec.message());
    ::chmod(journal_dir_.c_str(), 0700);
    clean_journal();
    std::lock_guard lock(mutex_);
    if (running_) return Ok{};
    stopping_ = false;
    running_ = true;
    for (int i = 0; i < std::max(1, limits_.workers); ++i)
        threads_.emplace_back([this] { work(); });
    return Ok{};
}

void FileTasks::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        if (!running_) return;
        stopping_ = true;
        running_ = false;
        for (auto& [id, t] : tasks_) {
            t->progress.cancelled = true;
            if (t->status == TaskStatus::queued) {
                t->status = TaskStatus::cancelled;
                t->finished_at = clock_.now_unix();
            }
        }
        queue_.clear();
        threads.swap(threads_);
    }
    wake_.notify_all();
    for (auto& th : threads) th.join();
}

void FileTasks::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        TaskPtr t = queue_.front();
        queue_.pop_front();
        if (t->status != TaskStatus::queued) continue;  // cancelled while waiting
        t->status = TaskStatus::running;
        t->started_at = clock_.now_unix();
        lock.unlock();
        run(t);
        lock.lock();
    }
}

void FileTasks::run(const TaskPtr& t) {
    Result<void> r = Ok{};
    try {
        write_journal(*t);
        r = t->job.run(t->progress);
    } catch (const std::exception& e) {
        r = internal(std::string("file task: ") + e.what());
    }
    drop_journal(*t);
    {
        std::lock_guard lock(mutex_);
        t->finished_at = clock_.now_unix();
        t->finished = clock_.steady();
        if (r) {
            t->status = TaskStatus::done;
            // Some totals are only known at the end (an archive's entries).
            auto& p = t->progress;
            p.bytes_done = std::max(p.bytes_done.load(), p.bytes_total.load());
            p.bytes_total = p.bytes_done.load();
            p.entries_total = std::max(p.entries_total.load(), p.entries_done.load());
            p.entries_done = p.entries_total.load();
        } else if (t->progress.cancelled) {
            t->status = TaskStatus::cancelled;
        } else {
            t->status = TaskStatus::failed;
            t->error = r.error();
            if (r.error().code == Code::internal)
                spdlog::error("file task {} ({}) failed: {}", t->id, t->job.kind,
                              r.error().message);
        }
        t->job.run = nullptr;  // frees what the work captured
    }
    finished_.notify_all();
}

Result<TaskView> FileTasks::submit(FileJob job) {
    std::lock_guard lock(mutex_);
    if (!running_) return unavailable("File tasks are not running");
    prune();
    int64_t active = std::count_if(tasks_.begin(), tasks_.end(), [&](const auto& kv) {
        return kv.second->job.owner == job.owner && is_active(kv.second->status);
    });
    if (active >= limits_.per_account)
        return Error{Code::rate_limited,
                     "Too many file tasks for this account (at most " +
                         std::to_string(limits_.per_account) +
                         " queued or running); wait for one to finish or cancel one"};
    static uint64_t next_seq = 0;
    auto t = std::make_shared<Task>();
    t->id = random_hex(16);
    t->seq = ++next_seq;
    t->job = std::move(job);
    t->progress.temp = fs::temp_name("task");
    t->created_at = clock_.now_unix();
    tasks_[t->id] = t;
    queue_.push_back(t);
    wake_.notify_one();
    return view(*t);
}

TaskView FileTasks::view(const Task& t) const {
    TaskView v;
    v.id = t.id;
    v.kind = t.job.kind;
    v.owner = t.job.owner;
    v.status = t.status;
    v.bytes_done = t.progress.bytes_done;
    v.bytes_total = t.progress.bytes_total;
    v.entries_done = t.progress.entries_done;
    v.entries_total = t.progress.entries_total;
    // Bytes when known, else entries; 100 only when done; never backwards.
    int64_t pct = 0;
    if (v.bytes_total > 0)
        pct = v.bytes_done * 100 / v.bytes_total;
    else if (v.entries_total > 0)
        pct = v.entries_done * 100 / v.entries_total;
    pct = t.status == TaskStatus::done ? 100 : std::clamp<int64_t>(pct, 0, 99);
    t.last_percent = std::max(t.last_percent, static_cast<int>(pct));
    v.percent = t.last_percent;
    v.error = t.error;
    if (t.status == TaskStatus::done) v.result_path = t.job.result_path;
    v.created_at = t.created_at;
    v.started_at = t.started_at;
    v.finished_at = t.finished_at;
    return v;
}

void FileTasks::prune() {
    const auto now = clock_.steady();
    std::vector<TaskPtr> finished;
    for (auto it = tasks_.begin(); it != tasks_.end();) {
        const Task& t = *it->second;
        if (!is_active(t.status) && t.finished_at != 0 && now - t.finished > limits_.keep) {
            it = tasks_.erase(it);
            continue;
        }
        if (!is_active(t.status)) finished.push_back(it->second);
        ++it;
    }
    if (finished.size() <= limits_.keep_max) return;
    std::sort(finished.begin(), finished.end(),
              [](const TaskPtr& a, const TaskPtr& b) { return a->seq < b->seq; });
    for (size_t i = 0; i < finished.size() - limits_.keep_max; ++i) tasks_.erase(finished[i]->id);
}

Result<FileTasks::TaskPtr> FileTasks::find(const Caller& c, const std::string& id) {
    // Ids are 32 hex characters; anything else is simply not a task.
    auto it = tasks_.find(id);
    if (it == tasks_.end()) return not_found("Task not found");
    CHECK_OK(ensure_owner_or_admin(c, it->second->job.owner));
    return it->second;
}

Result<TaskView> FileTasks::get(const Caller& c, const std::string& id) {
    std::lock_guard lock(mutex_);
    prune();
    TRY(TaskPtr t, find(c, id));
    return view(*t);
}

Result<std::vector<TaskView>> FileTasks::list(const Caller& c,
                                              const std::optional<std::string>& owner) {
    TRY(std::optional<std::string> whose, list_owner(c, owner));
    std::lock_guard lock(mutex_);
    prune();
    std::vector<const Task*> found;
    for (const auto& [id, t] : tasks_)
        if (!whose || t->job.owner == *whose) found.push_back(t.get());
    std::sort(found.begin(), found.end(),
              [](const Task* a, const Task* b) { return a->seq > b->seq; });
    std::vector<TaskView> out;
    out.reserve(found.size());
    for (const Task* t : found) out.push_back(view(*t));
    return out;
}

Result<FileTasks::Removed> FileTasks::remove(const Caller& c, const std::string& id) {
    std::unique_lock lock(mutex_);
    TRY(TaskPtr t, find(c, id));
    if (!is_active(t->status)) {
        tasks_.erase(id);
        return Removed{view(*t), false};
    }
    t->progress.cancelled = true;
    if (t->status == TaskStatus::queued) {
        t->status = TaskStatus::cancelled;
        t->finished_at = clock_.now_unix();
        t->finished = clock_.steady();
        return Removed{view(*t), true};
    }
    // Running: it stops at its next block and removes its partial output.
    finished_.wait_for(lock, kCancelWait, [&] { return t->status != TaskStatus::running; });
    return Removed{view(*t), true};
}

void FileTasks::remove_all_of(const std::string& owner) {
    std::unique_lock lock(mutex_);
    auto mine = [&](const TaskPtr& t) { return t->job.owner == owner; };
    for (auto& [id, t] : tasks_) {
        if (!mine(t)) continue;
        t->progress.cancelled = true;
        if (t->status == TaskStatus::queued) t->status = TaskStatus::cancelled;
    }
    finished_.wait_for(lock, kCancelWait, [&] {
        return std::none_of(tasks_.begin(), tasks_.end(), [&](const auto& kv) {
            return mine(kv.second) && kv.second->status == TaskStatus::running;
        });
    });
    std::erase_if(tasks_, [&](const auto& kv) {
        return mine(kv.second) && kv.second->status != TaskStatus::running;
    });
}

// ---- the journal -----------------------------------------------------------

void FileTasks::write_journal(const Task& t) {
    json::object o{{"owner", t.job.owner}, {"dir", t.job.temp_dir}, {"temp", t.progress.temp}};
    const std::string body = json::serialize(o);
    const auto path = journal_dir_ / t.id;
    if (auto w = write_file_atomic(path, body, 0600); !w)
        throw std::runtime_error("cannot write the task journal " + path.string() + ": " +
                                 w.error().message);
}

FileTasks::Lease::~Lease() {
    if (file_.empty()) return;
    std::error_code ec;
    std::filesystem::remove(file_, ec);
}

FileTasks::Lease FileTasks::journal_sync(const std::string& owner, const std::string& dir,
                                         fs::Progress& progress) {
    progress.temp = fs::temp_name("task");
    std::error_code ec;
    if (!std::filesystem::is_directory(journal_dir_, ec)) return Lease();
    // The journal's name: "sync" and the temp name's hex, unique like it.
    const auto path =
        journal_dir_ / ("sync" + progress.temp.substr(std::string(".wsp-task").size()));
    json::object o{{"owner", owner}, {"dir", dir}, {"temp", progress.temp}};
    if (auto w = write_file_atomic(path, json::serialize(o), 0600); !w) {
        spdlog::warn("files: cannot journal a synchronous operation: {}", w.error().message);
        return Lease();
    }
    return Lease(path);
}

void FileTasks::drop_journal(const Task& t) {
    std::error_code ec;
    std::filesystem::remove(journal_dir_ / t.id, ec);
}

void FileTasks::clean_journal() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(journal_dir_, ec)) {
        std::ifstream in(entry.path());
        std::stringstream s;
        s << in.rdbuf();
        json::error_code jec;
        json::value v = json::parse(s.str(), jec);
        if (!jec && v.is_object()) {
            const auto& o = v.as_object();
            auto text = [&](const char* key) -> std::string {
                auto it = o.find(key);
                return it != o.end() && it->value().is_string()
                           ? std::string(it->value().as_string())
                           : std::string();
            };
            std::string owner = text("owner"), dir = text("dir"), temp = text("temp");
            if (!owner.empty() && is_task_temp(temp)) {
                spdlog::info("files: removing what an interrupted task left ({} of {})", temp,
                             owner);
                remove_leftover_(owner, dir, temp);
            }
        }
        std::filesystem::remove(entry.path(), ec);
    }
}

}  // namespace wsp
