#pragma once
// Keeps the panel's own children (MariaDB, ProFTPD, phpMyAdmin's PHP) alive
// in sandbox mode: starts each, restarts it with back-off when it dies, and
// stops them all on shutdown (SIGTERM to the group, SIGKILL after a grace
// period). One small thread per child waits on it; nothing polls.
#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "system/process.h"

namespace wsp {

struct ChildSpec {
    std::string name;               // "mariadb"
    std::vector<std::string> argv;  // argv[0] absolute
    ProcessOptions options;         // env, cwd, identity (timeout ignored)
    std::filesystem::path log_file;
    std::chrono::seconds stop_grace{10};
    // Runs (on the child's thread) before each start, e.g. to remove a
    // stale socket; an error is logged and the start retried later.
    std::function<Result<void>()> before_start;
};

class Supervisor {
  public:
    ~Supervisor();
    // Registers and starts a child at once.
    void start(ChildSpec spec);
    // Stops every child; returns when all have exited.
    void stop_all();
    // Stops, then starts again without back-off (after a config change).
    void restart(const std::string& name);
    // Kills a child as a crash would (tests, and nothing else).
    bool kill_child(const std::string& name, int signal);

    bool running(const std::string& name) const;
    std::optional<pid_t> pid(const std::string& name) const;
    // How many times it has been (re)started.
    int starts(const std::string& name) const;

  private:
    struct Child {
        ChildSpec spec;
        std::thread thread;
        pid_t pid = 0;
        int starts = 0;
        bool stopping = false;
        bool restart_now = false;
    };
    void watch(Child& child);

    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::map<std::string, std::unique_ptr<Child>> children_;
};

}  // namespace wsp
