#pragma once
// Up to a fixed number of threads running queued tasks in order: cron runs
// block for as long as the job does, so they get their own threads rather
// than the HTTP worker pool. Tasks beyond the thread count wait their turn.
// Threads are made when a task finds none idle (an idle panel holds none of
// the up to cron.max_parallel_runs stacks) and then stay for the next runs.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace wsp {

class RunPool {
  public:
    RunPool() = default;
    ~RunPool() { stop(std::chrono::milliseconds(0)); }
    RunPool(const RunPool&) = delete;
    RunPool& operator=(const RunPool&) = delete;

    void start(size_t max_threads) {
        std::lock_guard lock(mutex_);
        if (!threads_.empty()) return;
        stopping_ = false;
        max_threads_ = max_threads;
    }

    // Drops queued tasks and waits up to `grace` for running ones; threads
    // still busy after that (a long job) are detached, so a panel shutdown
    // is never held up by a job. Their runs are closed as interrupted at the
    // next start. Call once, at the end of the process.
    void stop(std::chrono::milliseconds grace = std::chrono::seconds(5)) {
        std::unique_lock lock(mutex_);
        stopping_ = true;
        tasks_.clear();
        ready_.notify_all();
        bool all_done = done_.wait_for(lock, grace, [this] { return live_ == 0; });
        lock.unlock();
        for (auto& t : threads_) {
            if (!t.joinable()) continue;
            if (all_done)
                t.join();
            else
                t.detach();
        }
        threads_.clear();
    }

    void submit(std::function<void()> task) {
        {
            std::lock_guard lock(mutex_);
            if (stopping_) return;
            tasks_.push_back(std::move(task));
            // Queued tasks beyond the idle threads: one more thread, if allowed.
            if (tasks_.size() > idle_ && threads_.size() < max_threads_) {
                ++live_;
                threads_.emplace_back([this] { work(); });
            }
        }
        ready_.notify_one();
    }

  private:
    void work() {
        for (;;) {
            std::function<void()> task;
            {
                std::unique_lock lock(mutex_);
                ++idle_;
                ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
                --idle_;
                if (stopping_ || tasks_.empty()) {
                    if (--live_ == 0) done_.notify_all();
                    return;
                }
                task = std::move(tasks_.front());
                tasks_.pop_front();
            }
            task();
        }
    }

    std::mutex mutex_;
    std::condition_variable ready_;
    std::condition_variable done_;
    size_t live_ = 0;
    size_t idle_ = 0;
    size_t max_threads_ = 0;
    std::deque<std::function<void()>> tasks_;
    std::vector<std::thread> threads_;
    bool stopping_ = false;
};

}  // namespace wsp
