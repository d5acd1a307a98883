#pragma once
// Start-up, timed by phase: one debug line per phase with its wall time and
// the CPU time of the thread that ran it, so a slow start can be broken
// down on a loaded machine too (docs/benchmarks.md, "Scale"). Wall time
// comes from the process's steady clock (src/base/clock.h).
#include <time.h>

#include <chrono>
#include <string_view>

namespace wsp {

class StartupTimer {
  public:
    StartupTimer();
    // Logs the time since the last lap (or construction) as `phase`.
    void lap(std::string_view phase);

  private:
    std::chrono::steady_clock::time_point wall_;
    int64_t cpu_ns_;
};

}  // namespace wsp
