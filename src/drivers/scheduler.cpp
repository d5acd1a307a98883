#include "drivers/scheduler.h"

#include <chrono>

namespace wsp {

void Scheduler::start() {
    std::lock_guard lock(mutex_);
    if (thread_.joinable()) return;
    stopping_ = false;
    thread_ = std::thread([this] { loop(); });
}

void Scheduler::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

void Scheduler::set(int64_t id, std::optional<int64_t> due) {
    {
        std::lock_guard lock(mutex_);
        if (!due) {
            current_.erase(id);
            return;  // its heap entry is stale now; nothing to wake for
        }
        uint64_t generation = next_generation_++;
        current_[id] = {*due, generation};
        heap_.push({*due, id, generation});
    }
    // The new time may be earlier than the one the thread sleeps until.
    wake_.notify_all();
}

std::optional<int64_t> Scheduler::due_of(int64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = current_.find(id);
    if (it == current_.end()) return std::nullopt;
    return it->second.due;
}

size_t Scheduler::size() const {
    std::lock_guard lock(mutex_);
    return current_.size();
}

std::optional<Scheduler::Entry> Scheduler::earliest_locked() {
    // Superseded entries surface here and are dropped.
    while (!heap_.empty()) {
        const Entry& top = heap_.top();
        auto it = current_.find(top.id);
        if (it != current_.end() && it->second.generation == top.generation) return top;
        heap_.pop();
    }
    return std::nullopt;
}

std::optional<Scheduler::Entry> Scheduler::take_due_locked() {
    auto top = earliest_locked();
    if (!top || top->due > clock_.now_unix()) return std::nullopt;
    heap_.pop();
    current_.erase(top->id);
    return top;
}

size_t Scheduler::run_due() {
    size_t fired = 0;
    std::unique_lock lock(mutex_);
    while (auto due = take_due_locked()) {
        lock.unlock();
        on_due_(due->id, due->due);
        ++fired;
        lock.lock();
    }
    return fired;
}

void Scheduler::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        if (auto due = take_due_locked()) {
            lock.unlock();
            on_due_(due->id, due->due);
            lock.lock();
            continue;
        }
        auto next = earliest_locked();
        if (!next) {
            wake_.wait(lock);
            continue;
        }
        // Woken early, by a change, or on time: look again.
        const auto due_at = std::chrono::system_clock::time_point(std::chrono::seconds(next->due));
        wake_.wait_for(lock, due_at - clock_.now());
    }
}

}  // namespace wsp
