#pragma once
// Time as the API writes it: RFC 3339 with the server's offset, and the
// product's "never" sentinel.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

namespace wsp {

// The panel's one source of time. Services, the scheduler, expiry and rate
// limits read it through PanelContext::clock, so tests can run them on a
// FakeClock with no sleeps. Wall time (`now_unix`, `now`) is what records
// and schedules carry; `steady` is for durations (task ages, time-outs).
class Clock {
  public:
    virtual ~Clock() = default;
    virtual std::chrono::system_clock::time_point now() const = 0;
    virtual std::chrono::steady_clock::time_point steady() const = 0;
    // Seconds since the Unix epoch.
    int64_t now_unix() const { return since_epoch<std::chrono::seconds>(); }
    int64_t now_ms() const { return since_epoch<std::chrono::milliseconds>(); }
    int64_t now_ns() const { return since_epoch<std::chrono::nanoseconds>(); }

  private:
    template <class Unit>
    int64_t since_epoch() const {
        return std::chrono::duration_cast<Unit>(now().time_since_epoch()).count();
    }
};

// The real clock.
class SystemClock final : public Clock {
  public:
    std::chrono::system_clock::time_point now() const override;
    std::chrono::steady_clock::time_point steady() const override;
};

// The process's real clock, for code outside the panel context (start-up,
// drivers that only measure their own time-outs).
const Clock& system_clock();

// A clock that moves only when told to: both readings advance together.
class FakeClock final : public Clock {
  public:
    explicit FakeClock(int64_t start_unix = 1'800'000'000)
        : offset_ns_(0), start_unix_(start_unix) {}
    std::chrono::system_clock::time_point now() const override {
        return std::chrono::system_clock::time_point(std::chrono::seconds(start_unix_)) +
               std::chrono::nanoseconds(offset_ns_.load());
    }
    std::chrono::steady_clock::time_point steady() const override {
        return std::chrono::steady_clock::time_point(std::chrono::nanoseconds(offset_ns_.load()));
    }
    void advance(std::chrono::nanoseconds by) { offset_ns_ += by.count(); }

  private:
    std::atomic<int64_t> offset_ns_;
    int64_t start_unix_;
};

// Seconds since the Unix epoch, from the real clock.
int64_t now_unix();

// "2026-05-18T17:44:36+07:00" in the server's time zone.
std::string rfc3339(int64_t unix_seconds);

// What the product writes for "never used" / "never expires".
inline constexpr const char* kNever = "0001-01-01T00:00:00Z";

// rfc3339(t), or kNever when t is 0.
std::string rfc3339_or_never(int64_t unix_seconds);

// "2026-05-11 06:46:35" local time, as the file manager shows it.
std::string local_datetime(int64_t unix_seconds);

}  // namespace wsp
