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

void Scheduler::loop() {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        // Drop superseded entries.
        while (!heap_.empty()) {
            const Entry& top = heap_.top();
            auto it = current_.find(top.id);
            if (it != current_.end() && it->second.generation == top.generation) break;
            heap_.pop();
        }
        if (heap_.empty()) {
            wake_.wait(lock);
            continue;
        }
        const Entry top = heap_.top();
        const auto due_at = std::chrono::system_clock::time_point(std::chrono::seconds(top.due));
        if (std::chrono::system_clock::now() < due_at) {
            wake_.wait_until(lock, due_at);
            continue;  // woken early, by a change, or on time: look again
        }
        heap_.pop();
        current_.erase(top.id);
        lock.unlock();
        on_due_(top.id, top.due);
        lock.lock();
    }
}

}  // namespace wsp
