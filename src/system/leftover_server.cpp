#include "system/leftover_server.h"

#include <dirent.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <climits>
#include <fstream>
#include <iterator>
#include <thread>

namespace wsp {
namespace {

// Alive and not a zombie (an orphan's zombie lingers until its new parent
// reaps it, and kill(pid, 0) still succeeds on it).
bool alive(pid_t pid) {
    if (::kill(pid, 0) != 0) return false;
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto close = stat.rfind(')');
    if (close == std::string::npos || close + 2 >= stat.size()) return false;
    return stat[close + 2] != 'Z';
}

std::string link_target(const std::string& path) {
    char buf[PATH_MAX];
    const ssize_t n = ::readlink(path.c_str(), buf, sizeof buf);
    return n > 0 ? std::string(buf, static_cast<size_t>(n)) : std::string();
}

}  // namespace

std::string proc_cmdline(const std::string& proc_dir) {
    std::ifstream in(proc_dir + "/cmdline");
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

bool proc_runs_with_file_under(const std::string& proc_dir, const std::filesystem::path& binary,
                               const std::filesystem::path& dir) {
    // /proc shows resolved paths.
    std::error_code ec;
    const std::string program = std::filesystem::weakly_canonical(binary, ec).string();
    const std::string prefix = std::filesystem::weakly_canonical(dir, ec).string() + "/";
    const std::string exe = link_target(proc_dir + "/exe");
    if (exe != program && exe != program + " (deleted)") return false;
    DIR* fds = ::opendir((proc_dir + "/fd").c_str());
    if (!fds) return false;
    bool found = false;
    while (dirent* e = ::readdir(fds)) {
        if (e->d_name[0] == '.') continue;
        if (link_target(proc_dir + "/fd/" + e->d_name).starts_with(prefix)) {
            found = true;
            break;
        }
    }
    ::closedir(fds);
    return found;
}

std::optional<pid_t> stop_leftover_server(
    const std::filesystem::path& pid_file,
    const std::function<bool(const std::string& proc_dir)>& is_ours,
    std::chrono::milliseconds grace, std::string_view what) {
    pid_t pid = 0;
    {
        std::ifstream in(pid_file);
        if (!(in >> pid) || pid <= 1) return std::nullopt;
    }
    if (!alive(pid) || !is_ours("/proc/" + std::to_string(pid))) return std::nullopt;
    // Checked before the first signal: the group is the server's own only
    // when it leads it (spawn_process makes pgid == pid).
    const bool leads_group = ::getpgid(pid) == pid;
    const pid_t target = leads_group ? -pid : pid;
    spdlog::warn("{}: stopping a leftover server (pid {}) of a panel killed outright", what, pid);
    ::kill(target, SIGTERM);
    constexpr auto kStep = std::chrono::milliseconds(50);
    for (auto waited = std::chrono::milliseconds(0); waited < grace && alive(pid); waited += kStep)
        std::this_thread::sleep_for(kStep);
    // The group too: a session child may outlive its master.
    if (alive(pid) || leads_group) ::kill(target, SIGKILL);
    for (int i = 0; i < 100 && alive(pid); ++i) std::this_thread::sleep_for(kStep);
    return pid;
}

}  // namespace wsp
