#pragma once

// A deadline for a connection's reads and writes that costs one timer per
// connection, not a timer operation per read and write.

#include <chrono>
#include <functional>
#include <memory>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>

namespace wsp {

// A connection's deadline on the keep-alive path (reading a request's
// header, writing an in-memory answer) without a timer operation per read
// and write: Beast's basic_stream schedules and cancels a timer around
// every operation once an expiry is set (~1k instructions each). One timer
// per connection waits for the deadline it was first given; a later
// deadline costs a store (the timer, firing early, waits again), an
// earlier one re-arms it. Expired: `expire` closes the socket, and the
// pending read or write ends with an error, as Beast's timeout did.
// Disarmed between those phases (a handler on a worker may take longer
// than any I/O deadline).
class IoDeadline : public std::enable_shared_from_this<IoDeadline> {
  public:
    using Clock = std::chrono::steady_clock;
    IoDeadline(boost::asio::any_io_executor ex, std::function<void()> expire)
        : timer_(ex), expire_(std::move(expire)) {}

    void arm(Clock::duration within) {
        deadline_ = Clock::now() + within;
        if (!waiting_ || deadline_ < waiting_for_) wait();
    }
    void disarm() { deadline_ = Clock::time_point::max(); }
    // The connection is ending: never call `expire` again.
    void stop() {
        expire_ = nullptr;
        disarm();
        timer_.cancel();
    }

  private:
    void wait() {
        waiting_ = true;
        waiting_for_ = deadline_;
        const uint64_t generation = ++generation_;
        timer_.expires_at(deadline_);  // a wait still pending ends as superseded
        // A weak reference: the connection's frame owns the deadline, and a
        // wait still pending when it ends must not keep it (or its timer)
        // alive past the event loop.
        timer_.async_wait([weak = weak_from_this(), generation](const boost::system::error_code&) {
            if (auto self = weak.lock()) self->fired(generation);
        });
    }
    void fired(uint64_t generation) {
        if (generation != generation_) return;  // superseded by an earlier deadline
        waiting_ = false;
        if (!expire_ || deadline_ == Clock::time_point::max()) return;
        if (Clock::now() < deadline_) {
            wait();
            return;
        }
        disarm();
        auto expire = expire_;
        expire();
    }

    boost::asio::steady_timer timer_;
    std::function<void()> expire_;
    Clock::time_point deadline_ = Clock::time_point::max();
    Clock::time_point waiting_for_ = Clock::time_point::max();
    bool waiting_ = false;
    uint64_t generation_ = 0;
};

}  // namespace wsp
