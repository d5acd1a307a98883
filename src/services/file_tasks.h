#pragma once
// Asynchronous file tasks: compress, extract, copy and move run on a small
// pool of their own threads (`files.task_workers`), so a long archive job
// never holds an HTTP worker. The request validates everything first (the
// same 4xx as the synchronous call), then gets 202 and a task id to poll.
//
// Tasks live in memory only. Finished ones are kept `files.task_keep_minutes`
// (at most `files.task_keep_max` in all) and then forgotten. A restart loses
// queued and running tasks; their partial output (always built under one
// temporary name, `.wsp-task-<hex>`) is removed at the next start from a
// journal: one small file per started task in DATA_DIR/run/file-tasks
// naming the owner, the directory and the temp name, deleted when the task
// ends. Each account may have `files.task_max_per_account` tasks queued or
// running (429 beyond).
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "drivers/fs/progress.h"
#include "services/caller.h"

namespace wsp {

// A validated file operation ready to run on a task thread.
struct FileJob {
    std::string kind;         // "compress" | "extract" | "copy" | "move"
    std::string owner;        // whose files (the cap counts against it)
    std::string temp_dir;     // relative directory that will hold the temp output
    std::string result_path;  // the user path the task makes (archive, destination)
    // Does the work with the owner's identity; `progress.temp` is the temp
    // name to build under.
    std::function<Result<void>(fs::Progress&)> run;
};

enum class TaskStatus { queued, running, done, failed, cancelled };
const char* status_name(TaskStatus s);

// A task as the API shows it (a snapshot).
struct TaskView {
    std::string id;
    std::string kind;
    std::string owner;
    TaskStatus status = TaskStatus::queued;
    int64_t bytes_done = 0;
    int64_t bytes_total = 0;  // 0: not known
    int64_t entries_done = 0;
    int64_t entries_total = 0;  // 0: not known
    int percent = 0;
    std::optional<Error> error;  // failed
    std::string result_path;     // done
    int64_t created_at = 0;
    int64_t started_at = 0;   // 0: not yet
    int64_t finished_at = 0;  // 0: not yet
};

struct FileTaskLimits {
    int workers = 2;
    int per_account = 2;
    std::chrono::seconds keep{3600};
    size_t keep_max = 1000;
};

class FileTasks {
  public:
    // Removes a leftover temp name `temp` in directory `dir` of `owner`'s
    // home, with the owner's identity (FileService provides it).
    using RemoveLeftover = std::function<void(const std::string& owner, const std::string& dir,
                                              const std::string& temp)>;

    FileTasks(FileTaskLimits limits, std::filesystem::path journal_dir, RemoveLeftover remove,
              const Clock& clock = system_clock());
    ~FileTasks();
    FileTasks(const FileTasks&) = delete;
    FileTasks& operator=(const FileTasks&) = delete;

    // `serve` only: removes what the journal says a previous run left, then
    // starts the threads. stop() cancels every task and joins them (each
    // cancelled task removes its partial output).
    Result<void> start();
    void stop();

    Result<TaskView> submit(FileJob job);

    // A synchronous operation under the same journal (issue 16: a panel
    // killed mid-extract left `.wsp-extract-*` behind for good): sets
    // `progress.temp` to a task temp name and journals it in `dir` of
    // `owner` until the returned lease goes. Without a journal directory
    // (offline commands) nothing is journalled.
    class Lease {
      public:
        Lease() = default;
        explicit Lease(std::filesystem::path file) : file_(std::move(file)) {}
        Lease(Lease&& o) noexcept : file_(std::move(o.file_)) { o.file_.clear(); }
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease();

      private:
        std::filesystem::path file_;
    };
    Lease journal_sync(const std::string& owner, const std::string& dir, fs::Progress& progress);
    Result<TaskView> get(const Caller& c, const std::string& id);
    // A user's own tasks; an admin's: all, or `owner`'s. Newest first.
    Result<std::vector<TaskView>> list(const Caller& c, const std::optional<std::string>& owner);
    // Cancels a queued or running task (waiting briefly until its partial
    // output is gone), or forgets a finished one.
    struct Removed {
        TaskView task;   // the final state
        bool cancelled;  // false: it had finished and is forgotten
    };
    Result<Removed> remove(const Caller& c, const std::string& id);
    // Deleting an account: its tasks are cancelled and forgotten.
    void remove_all_of(const std::string& owner);

  private:
    struct Task;
    using TaskPtr = std::shared_ptr<Task>;

    void work();
    void run(const TaskPtr& t);
    TaskView view(const Task& t) const;  // mutex_ held
    Result<TaskPtr> find(const Caller& c, const std::string& id);
    void prune();  // mutex_ held
    void write_journal(const Task& t);
    void drop_journal(const Task& t);
    void clean_journal();

    FileTaskLimits limits_;
    const Clock& clock_;
    std::filesystem::path journal_dir_;
    RemoveLeftover remove_leftover_;

    mutable std::mutex mutex_;
    std::condition_variable wake_;      // a task queued, or stopping
    std::condition_variable finished_;  // a task finished
    std::map<std::string, TaskPtr> tasks_;
    std::deque<TaskPtr> queue_;
    std::vector<std::thread> threads_;
    bool running_ = false;
    bool stopping_ = false;
};

}  // namespace wsp
