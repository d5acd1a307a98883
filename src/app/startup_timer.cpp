#include "app/startup_timer.h"

#include <spdlog/spdlog.h>

#include "base/clock.h"

namespace wsp {
namespace {

int64_t thread_cpu_ns() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

}  // namespace

StartupTimer::StartupTimer() : wall_(system_clock().steady()), cpu_ns_(thread_cpu_ns()) {}

void StartupTimer::lap(std::string_view phase) {
    const auto wall = system_clock().steady();
    const int64_t cpu = thread_cpu_ns();
    spdlog::debug("start-up: {} {:.1f} ms (CPU {:.1f} ms)", phase,
                  std::chrono::duration<double, std::milli>(wall - wall_).count(),
                  static_cast<double>(cpu - cpu_ns_) / 1e6);
    wall_ = wall;
    cpu_ns_ = cpu;
}

}  // namespace wsp
