#include "services/system_stats.h"

#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "services/services.h"
#include "store/account_repos.h"
#include "system/process.h"

namespace wsp {
namespace {

// "MemTotal:  123 kB" lines of /proc/meminfo (or /proc/self/status) in bytes.
int64_t kb_field(const std::string& file, const std::string& key) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(key + ":", 0) != 0) continue;
        std::istringstream fields(line.substr(key.size() + 1));
        int64_t kb = 0;
        fields >> kb;
        return kb * 1024;
    }
    return 0;
}

// File systems that hold data (not proc, sysfs, cgroup...).
bool real_file_system(const std::string& device, const std::string& type) {
    static const std::set<std::string> kTypes{"ext2", "ext3",    "ext4", "xfs", "btrfs",
                                              "zfs",  "overlay", "f2fs", "jfs", "reiserfs"};
    return kTypes.count(type) || device.rfind("/dev/", 0) == 0;
}

std::vector<DiskMount> disks() {
    std::vector<DiskMount> out;
    std::set<std::string> devices;
    std::ifstream in("/proc/self/mounts");
    std::string device, mount, type, rest;
    while (in >> device >> mount >> type && std::getline(in, rest)) {
        if (!real_file_system(device, type) || !devices.insert(device).second) continue;
        struct statvfs v {};
        if (::statvfs(mount.c_str(), &v) != 0 || v.f_blocks == 0) continue;
        const auto unit = static_cast<int64_t>(v.f_frsize);
        out.push_back({mount, type, static_cast<int64_t>(v.f_blocks) * unit,
                       static_cast<int64_t>(v.f_blocks - v.f_bfree) * unit,
                       static_cast<int64_t>(v.f_bavail) * unit});
    }
    return out;
}

// The first line of each program's version output, asked once per process.
std::map<std::string, std::string> versions(const Config& config) {
    static std::once_flag once;
    static std::map<std::string, std::string> found;
    std::call_once(once, [&] {
        const std::vector<std::pair<std::string, std::vector<std::string>>> programs{
            {"mariadb", {"/usr/sbin/mariadbd", "--version"}},
            {"proftpd", {config.ftp.proftpd, "--version"}},
            {"restic", {config.backups.restic, "version"}},
        };
        for (const auto& [name, argv] : programs) {
            if (::access(argv[0].c_str(), X_OK) != 0) continue;
            ProcessOptions o;
            o.timeout = std::chrono::seconds(5);
            o.max_output = 4096;
            auto r = run_process(argv, o);
            if (!r || !r->ok()) continue;
            std::string line = r->output.substr(0, r->output.find('\n'));
            found[name] = line.substr(0, 120);
        }
    });
    auto out = found;
    out["wispanel"] = WSP_VERSION;
    return out;
}

}  // namespace

Result<SystemStats> system_stats(Services& services, const Caller& caller) {
    CHECK_OK(ensure_admin(caller));
    PanelContext& ctx = services.ctx;
    SystemStats s;
    TRY(auto users, ctx.db.read([&](const ReadTx& tx) -> Result<std::vector<UserRecord>> {
        return UserRepo::list(tx);
    }));
    for (const auto& u : users) {
        ++s.accounts;
        (u.status == AccountStatus::suspended ? s.suspended : s.active)++;
        if (u.role == Role::admin) ++s.admins;
        if (u.role == Role::reseller) ++s.resellers;
    }
    s.components["store"] = "up";
    for (const auto& [name, probe] : services.health) s.components[name] = probe() ? "up" : "down";
    s.versions = versions(ctx.config);
    s.cores = ::sysconf(_SC_NPROCESSORS_ONLN);
    double load[3] = {0, 0, 0};
    if (::getloadavg(load, 3) == 3) s.load = {load[0], load[1], load[2]};
    s.memory_total_bytes = kb_field("/proc/meminfo", "MemTotal");
    s.memory_available_bytes = kb_field("/proc/meminfo", "MemAvailable");
    s.panel_rss_bytes = kb_field("/proc/self/status", "VmRSS");
    {
        std::ifstream in("/proc/uptime");
        double up = 0;
        in >> up;
        s.uptime_s = static_cast<int64_t>(up);
    }
    s.disks = disks();
    for (const auto& u : users) {
        auto bytes = services.disk_usage.bytes(u.username);
        if (bytes) s.biggest_accounts.emplace_back(u.username, *bytes);
    }
    std::sort(s.biggest_accounts.begin(), s.biggest_accounts.end(),
              [](const auto& a, const auto& b) { return a.second > b.second; });
    if (s.biggest_accounts.size() > static_cast<size_t>(kDashboardListSize))
        s.biggest_accounts.resize(kDashboardListSize);
    TRY(s.failed_logins, ctx.db.read([&](const ReadTx& tx) -> Result<std::vector<AuditRecord>> {
        AuditFilter f;
        f.action = "auth.login_failed";
        return AuditRepo::list(tx, f, kDashboardListSize, 0);
    }));
    TRY(s.cron_failures, ctx.db.read([&](const ReadTx& tx) -> Result<std::vector<CronFailure>> {
        return CronRepo::recent_failures(tx, std::nullopt, kDashboardListSize);
    }));
    return s;
}

}  // namespace wsp
