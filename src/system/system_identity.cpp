#include "system/system_identity.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "system/confined.h"
#include "system/process.h"

namespace wsp {
namespace {

struct LinuxUser {
    uid_t uid;
    gid_t gid;
    bool panel_made;  // GECOS is the panel's marker
};

std::optional<LinuxUser> find_user(const std::string& name) {
    if (name.empty()) return std::nullopt;
    struct passwd pw {};
    struct passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || !found)
        return std::nullopt;
    const std::string gecos = pw.pw_gecos ? pw.pw_gecos : "";
    return LinuxUser{pw.pw_uid, pw.pw_gid, gecos == SystemIdentity::kMarker};
}

bool group_exists(const std::string& name) {
    struct group gr {};
    struct group* found = nullptr;
    std::vector<char> buf(65536);
    return ::getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) == 0 && found;
}

// The account's user, only when the panel made it.
std::optional<LinuxUser> panel_user(const std::string& account) {
    auto u = find_user(account);
    if (!u || !u->panel_made || u->uid == 0) return std::nullopt;
    return u;
}

// Runs an administration tool; its output goes to the log, never to a client.
Result<ProcessResult> run_tool(const std::vector<std::string>& argv) {
    ProcessOptions o;
    o.timeout = std::chrono::seconds(60);
    TRY(ProcessResult r, run_process(argv, o));
    if (!r.ok()) spdlog::warn("identity: {} exited with {}: {}", argv[0], r.exit_code, r.output);
    return r;
}

// Ends every process running as `uid` (a job that outlived its cron entry,
// anything it started in the background), so none survives with a uid a
// later account may get: a child becomes the uid and sends SIGKILL to all
// it may signal (kill(-1) spares only itself and init). Raw syscalls: the
// forked child of a threaded process makes no library calls that lock.
void kill_all_of(uid_t uid, gid_t gid) {
    for (int round = 0; round < 5; ++round) {
        pid_t pid = ::fork();
        if (pid < 0) return;
        if (pid == 0) {
            if (::syscall(SYS_setgroups, 0, nullptr) != 0 ||
                ::syscall(SYS_setresgid, gid, gid, gid) != 0 ||
                ::syscall(SYS_setresuid, uid, uid, uid) != 0)
                ::_exit(1);
            ::_exit(::kill(-1, SIGKILL) == 0 ? 0 : 2);  // 2: nothing left (ESRCH)
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return;
    }
}

Error tool_failed(const std::string& what, const std::string& account) {
    return internal("cannot " + what + " the Linux user of " + account);
}

}  // namespace

Result<std::unique_ptr<SystemIdentity>> SystemIdentity::create(const IdentityConfig& config,
                                                               const std::string& service_user,
                                                               SystemTools tools) {
    if (::geteuid() != 0)
        return validation("identity.mode = \"system\" needs the panel to run as root");
    if (config.home_root.empty() || config.home_root[0] != '/')
        return validation("identity.home_root must be an absolute path");
    if (config.shell.empty() || config.shell[0] != '/')
        return validation("identity.shell must be an absolute path");
    std::error_code ec;
    if (!std::filesystem::is_directory(config.home_root, ec))
        return validation("identity.home_root " + config.home_root + " is not a directory");
    uid_t uid = 65534;  // nobody
    gid_t gid = 65534;
    if (auto u = find_user(service_user); u && u->uid != 0) {
        uid = u->uid;
        gid = u->gid;
    }
    std::unique_ptr<SystemIdentity> id(new SystemIdentity(config, std::move(tools), uid, gid));
    if (config.quotas) id->detect_quotas();
    return id;
}

// User quotas are on for the homes' file system when `quotaon -p -u` says
// so for its mount point; otherwise quotas stay "unsupported".
void SystemIdentity::detect_quotas() {
    if (::access(tools_.quotaon.c_str(), X_OK) != 0 || ::access(tools_.setquota.c_str(), X_OK) != 0)
        return;
    auto mount = run_tool(
        {tools_.findmnt, "--noheadings", "--output", "TARGET", "--target", config_.home_root});
    if (!mount.ok() || !mount->ok()) return;
    std::string target = mount->output.substr(0, mount->output.find('\n'));
    if (target.empty()) return;
    auto state = run_tool({tools_.quotaon, "--print-state", "--user", target});
    if (!state.ok()) return;
    if (state->output.find("is on") != std::string::npos) quota_mount_ = target;
    spdlog::info("identity: disk quotas on {}: {}", target,
                 quota_mount_ ? "enforced" : "unsupported (user quotas are off)");
}

std::filesystem::path SystemIdentity::home_of(const std::string& account) const {
    return std::filesystem::path(config_.home_root) / account;
}

uid_t SystemIdentity::uid_of(const std::string& account) const {
    if (account.empty()) return service_uid_;
    auto u = panel_user(account);
    return u ? u->uid : 0;
}

gid_t SystemIdentity::gid_of(const std::string& account) const {
    if (account.empty()) return service_gid_;
    auto u = panel_user(account);
    return u ? u->gid : 0;
}

std::vector<gid_t> SystemIdentity::groups_of(const std::string& account) const {
    auto u = panel_user(account);
    if (!u) return {0};
    int n = 32;
    std::vector<gid_t> groups(static_cast<size_t>(n));
    if (::getgrouplist(account.c_str(), u->gid, groups.data(), &n) < 0) {
        groups.resize(static_cast<size_t>(n));
        if (::getgrouplist(account.c_str(), u->gid, groups.data(), &n) < 0) return {u->gid};
    }
    groups.resize(static_cast<size_t>(n));
    // The primary group first, as documented by Identity.
    std::erase(groups, u->gid);
    groups.insert(groups.begin(), u->gid);
    return groups;
}

Result<void> SystemIdentity::create_home(const std::string& account) {
    if (find_user(account) || group_exists(account))
        return conflict("User already exists on the system");
    const std::string home = home_of(account).string();
    // useradd would adopt an existing directory (someone's old files) as
    // the new account's home; refuse instead.
    struct stat st {};
    if (::lstat(home.c_str(), &st) == 0)
        return conflict("A home directory for this user already exists on the system");
    TRY(ProcessResult r,
        run_tool({tools_.useradd, "--create-home", "--home-dir", home, "--shell", config_.shell,
                  "--user-group", "--comment", kMarker, "--", account}));
    // 9: taken between the check above and useradd.
    if (r.exit_code == 9) return conflict("User already exists on the system");
    if (!r.ok()) return tool_failed("create", account);
    auto u = panel_user(account);
    // Mode 0750 whatever login.defs says; opened without following links.
    int fd = ::open(home.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    bool ok = u && fd >= 0 && ::fchown(fd, u->uid, u->gid) == 0 && ::fchmod(fd, 0750) == 0;
    if (fd >= 0) ::close(fd);
    if (!ok) {
        (void)remove_home(account);
        return tool_failed("prepare the home of", account);
    }
    return Ok{};
}

Result<void> SystemIdentity::remove_home(const std::string& account) {
    auto u = find_user(account);
    if (!u) return Ok{};
    if (!u->panel_made) {
        spdlog::warn("identity: Linux user {} was not made by the panel; left alone", account);
        return Ok{};
    }
    if (u->uid != 0) kill_all_of(u->uid, u->gid);
    TRY(ProcessResult r, run_tool({tools_.userdel, "--remove", "--", account}));
    // 8: the user still has processes (one started between the kill and
    // userdel): --force removes it anyway.
    if (r.exit_code == 8) {
        TRY(r, run_tool({tools_.userdel, "--remove", "--force", "--", account}));
    }
    // 12: the home could not be removed completely (userdel's own message is
    // logged); the user is gone, so finish the home here.
    if (!r.ok() && r.exit_code != 12) return tool_failed("delete", account);
    std::error_code ec;
    std::filesystem::remove_all(home_of(account), ec);
    if (ec) return internal("cannot remove the home of " + account);
    return Ok{};
}

Result<void> SystemIdentity::make_dirs(const std::string& account,
                                       const std::filesystem::path& relative) {
    auto u = panel_user(account);
    if (!u) return internal("no Linux user for account " + account);
    TRY(UniqueFd home, open_dir(home_of(account)));
    return make_dirs_beneath(home.get(), relative, 0750, u->uid, u->gid);
}

Result<void> SystemIdentity::set_locked(const std::string& account, bool locked) {
    if (!panel_user(account)) return Ok{};
    // The expiry date is what stops every login path (PAM account checks,
    // su, ssh keys); the password lock is for tools that look at shadow.
    if (locked) {
        TRY(ProcessResult r,
            run_tool({tools_.usermod, "--lock", "--expiredate", "1", "--", account}));
        if (!r.ok()) return tool_failed("lock", account);
        return Ok{};
    }
    TRY(ProcessResult r, run_tool({tools_.usermod, "--expiredate", "", "--", account}));
    if (!r.ok()) return tool_failed("unlock", account);
    // Fails harmlessly when the password was never locked.
    (void)run_tool({tools_.usermod, "--unlock", "--", account});
    return Ok{};
}

Result<void> SystemIdentity::set_quota_mb(const std::string& account, int64_t mb) {
    if (!quota_mount_ || !panel_user(account)) return Ok{};
    // 1 KiB blocks; 0 means no limit.
    const std::string hard = mb > 0 ? std::to_string(mb * 1024) : "0";
    TRY(ProcessResult r,
        run_tool({tools_.setquota, "-u", account, "0", hard, "0", "0", *quota_mount_}));
    if (!r.ok()) return tool_failed("set the disk quota of", account);
    return Ok{};
}

}  // namespace wsp
