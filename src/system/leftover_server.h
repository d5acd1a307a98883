#pragma once
// A server the panel started can outlive a panel killed outright (SIGKILL,
// the OOM killer): PR_SET_PDEATHSIG (system/process.cpp) is cleared by the
// kernel when a process changes its own credentials after exec, as
// ProFTPD's master does (User). Such an orphan keeps its port, datadir or
// lock and serves unsupervised, so the server of the next start cannot. At
// start, the ProFTPD and MariaDB drivers stop the one their pid file names
// (mariadbd is switched to mysql before exec and dies with the panel, but a
// leftover one would hold the Aria lock), after checking that the process
// really is their own server (the pid may have been reused, even by another
// panel's server of the same kind): one copy of that logic, here.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace wsp {

// Reads the pid in `pid_file`. When that process is alive and
// `is_ours("/proc/PID")` confirms it, sends SIGTERM (to its process group
// when it leads one, as every child the panel spawns does, so its own
// children go too), waits up to `grace` for it to end, then SIGKILLs the
// group. Returns the pid it stopped; nullopt when there was nothing of ours
// to stop (no file, no process, or someone else's).
std::optional<pid_t> stop_leftover_server(
    const std::filesystem::path& pid_file,
    const std::function<bool(const std::string& proc_dir)>& is_ours,
    std::chrono::milliseconds grace, std::string_view what);

// /proc/PID/cmdline, its NUL separators kept ("" when unreadable).
std::string proc_cmdline(const std::string& proc_dir);

// The process at `proc_dir` runs `binary` (its /proc/PID/exe, also when
// that file was replaced since: "... (deleted)") and holds a descriptor on
// a file beneath `dir`: the test for a server whose title hides its
// command line (ProFTPD rewrites it) but whose log or scoreboard is open.
bool proc_runs_with_file_under(const std::string& proc_dir, const std::filesystem::path& binary,
                               const std::filesystem::path& dir);

}  // namespace wsp
