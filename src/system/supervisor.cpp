#include "system/supervisor.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>

#include <cerrno>

namespace wsp {
namespace {
constexpr auto kMinBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(30);
// A child that ran this long is healthy again: back-off starts over.
constexpr auto kHealthyRun = std::chrono::seconds(60);
constexpr auto kTermRepeat = std::chrono::milliseconds(500);
}  // namespace

Supervisor::~Supervisor() {
    stop_all();
}

void Supervisor::start(ChildSpec spec) {
    std::lock_guard lock(mutex_);
    auto child = std::make_unique<Child>();
    child->spec = std::move(spec);
    Child* raw = child.get();
    children_[raw->spec.name] = std::move(child);
    raw->thread = std::thread([this, raw] { watch(*raw); });
}

void Supervisor::watch(Child& child) {
    auto backoff = kMinBackoff;
    for (;;) {
        {
            std::lock_guard lock(mutex_);
            if (child.stopping) return;
        }
        Result<pid_t> pid = internal("not started");
        Result<void> prepared = child.spec.before_start ? child.spec.before_start() : Ok{};
        {
            // stop_all() may have run while before_start() did its work.
            std::lock_guard lock(mutex_);
            if (child.stopping) return;
        }
        if (prepared.ok())
            pid = spawn_process(child.spec.argv, child.spec.options, child.spec.log_file);
        else
            spdlog::error("{}: cannot prepare start: {}", child.spec.name,
                          prepared.error().message);
        const auto started = std::chrono::steady_clock::now();
        if (pid.ok()) {
            {
                std::lock_guard lock(mutex_);
                child.pid = *pid;
                ++child.starts;
                // stop_all() ran while we were spawning: a child that is still
                // starting may not have its SIGTERM handler yet, so kill it.
                if (child.stopping) ::kill(-child.pid, SIGKILL);
            }
            spdlog::info("{}: started (pid {})", child.spec.name, *pid);
            int status = 0;
            while (::waitpid(*pid, &status, 0) < 0 && errno == EINTR) {
            }
            // What it left in its process group dies with it: php -S's
            // workers kept the port (every restart then failed, "address
            // in use") and ProFTPD's sessions would go on out of reach of
            // the next master. The group's id stays reserved while any
            // member lives, so this reaches no one else.
            ::kill(-*pid, SIGKILL);
            std::lock_guard lock(mutex_);
            child.pid = 0;
            if (child.stopping) return;
            if (WIFSIGNALED(status))
                spdlog::warn("{}: killed by signal {}", child.spec.name, WTERMSIG(status));
            else
                spdlog::warn("{}: exited with status {}", child.spec.name, WEXITSTATUS(status));
        } else if (prepared.ok()) {
            spdlog::error("{}: cannot start: {}", child.spec.name, pid.error().message);
        }
        if (std::chrono::steady_clock::now() - started > kHealthyRun) backoff = kMinBackoff;
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, backoff, [&] { return child.stopping || child.restart_now; });
        if (child.restart_now) {
            child.restart_now = false;
            backoff = kMinBackoff;
        } else {
            backoff = std::min(backoff * 2,
                               std::chrono::duration_cast<std::chrono::seconds>(kMaxBackoff));
        }
    }
}

void Supervisor::stop_all() {
    std::vector<Child*> children;
    {
        std::lock_guard lock(mutex_);
        for (auto& [name, child] : children_) {
            child->stopping = true;
            if (child->pid > 0) ::kill(-child->pid, SIGTERM);
            children.push_back(child.get());
        }
    }
    wake_.notify_all();
    for (Child* child : children) {
        const auto start = std::chrono::steady_clock::now();
        const auto deadline = start + child->spec.stop_grace;
        auto next_term = start + kTermRepeat;
        for (;;) {
            {
                std::lock_guard lock(mutex_);
                if (child->pid == 0) break;
                const auto now = std::chrono::steady_clock::now();
                if (now >= deadline) {
                    spdlog::warn("{}: did not stop in time; killing", child->spec.name);
                    ::kill(-child->pid, SIGKILL);
                } else if (now >= next_term) {
                    // A daemon still starting may not have its handler yet and
                    // lose the first SIGTERM: ask again until the grace ends.
                    ::kill(-child->pid, SIGTERM);
                    next_term = now + kTermRepeat;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (child->thread.joinable()) child->thread.join();
    }
    std::lock_guard lock(mutex_);
    children_.clear();
}

void Supervisor::restart(const std::string& name) {
    std::lock_guard lock(mutex_);
    auto it = children_.find(name);
    if (it == children_.end()) return;
    it->second->restart_now = true;
    if (it->second->pid > 0) ::kill(-it->second->pid, SIGTERM);
    wake_.notify_all();
}

bool Supervisor::kill_child(const std::string& name, int signal) {
    std::lock_guard lock(mutex_);
    auto it = children_.find(name);
    if (it == children_.end() || it->second->pid <= 0) return false;
    return ::kill(-it->second->pid, signal) == 0;
}

bool Supervisor::running(const std::string& name) const {
    return pid(name).has_value();
}

std::optional<pid_t> Supervisor::pid(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = children_.find(name);
    if (it == children_.end() || it->second->pid <= 0) return std::nullopt;
    return it->second->pid;
}

int Supervisor::starts(const std::string& name) const {
    std::lock_guard lock(mutex_);
    auto it = children_.find(name);
    return it == children_.end() ? 0 : it->second->starts;
}

}  // namespace wsp
