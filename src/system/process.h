#pragma once
// Starting processes the safe way: an argv vector (never a shell string),
// a clean environment, stdin from /dev/null, its own process group, an
// optional OS identity (never root for account work), a deadline that kills
// the whole group, and bounded output keeping the tail.
#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "system/file_io.h"

namespace wsp {

struct RunAs {
    uid_t uid;
    gid_t gid;
    // Supplementary groups; empty: none. Looked up before fork (the child
    // only makes system calls, no NSS lookups as initgroups would).
    std::vector<gid_t> groups = {};
};

// The owner a file written for `who` gets (none: the panel's own).
inline std::optional<FileOwner> file_owner(const std::optional<RunAs>& who) {
    if (!who) return std::nullopt;
    return FileOwner{who->uid, who->gid};
}

// setrlimit(resource, {value, value}) in the child before it drops root, so
// the command cannot raise it again.
struct ResourceLimit {
    int resource;  // RLIMIT_*
    uint64_t value;
};

struct ProcessOptions {
    std::vector<std::string> env;          // "NAME=value"; empty: PATH only
    std::filesystem::path cwd;             // empty: unchanged
    std::optional<RunAs> run_as;           // switch identity in the child (needs root)
    std::chrono::milliseconds timeout{0};  // 0: none
    size_t max_output = 64 * 1024;         // bytes of stdout+stderr kept (the tail)
    std::string stdin_data;                // written to stdin, then closed
    std::vector<ResourceLimit> limits;     // applied in the child
};

struct ProcessResult {
    int exit_code = -1;  // -1 when killed by a signal
    int signal = 0;
    bool timed_out = false;
    bool truncated = false;  // output was longer than max_output
    std::string output;      // stdout and stderr interleaved
    std::chrono::milliseconds duration{0};
    bool ok() const { return exit_code == 0 && !timed_out; }
};

// Runs argv[0] (an absolute path) to completion. Blocking: call it from a
// worker thread, never from the event loop. An error means it could not be
// started at all.
Result<ProcessResult> run_process(const std::vector<std::string>& argv,
                                  const ProcessOptions& options = {});

// Starts argv without waiting: stdout/stderr appended to `log_file`, own
// process group (pgid == pid). Returns the pid.
Result<pid_t> spawn_process(const std::vector<std::string>& argv, const ProcessOptions& options,
                            const std::filesystem::path& log_file);

// A child wired to descriptors the caller chose (a pipe to the panel, or
// between two children: mariadb-dump | restic), for streams that must not
// be held in memory. stdin -1: /dev/null; stdout -1: with stderr. stderr
// goes to an anonymous memory file whose tail (options.max_output) is the
// result's `output`. `options.stdin_data` and `timeout` are not used.
class Child {
  public:
    static Result<Child> start(const std::vector<std::string>& argv, const ProcessOptions& options,
                               int stdin_fd, int stdout_fd);
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    // A child still running is killed (its whole group) and reaped.
    ~Child();

    pid_t pid() const { return pid_; }
    // Blocks until the child ends.
    ProcessResult wait();
    // SIGKILL to its process group (wait() still reaps it).
    void kill();

  private:
    Child(pid_t pid, UniqueFd err, size_t max_output);
    pid_t pid_ = -1;
    UniqueFd err_;
    size_t max_output_ = 0;
    std::chrono::steady_clock::time_point started_;
};

}  // namespace wsp
