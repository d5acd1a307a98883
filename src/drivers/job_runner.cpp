#include "drivers/job_runner.h"

#include <sys/resource.h>
#include <unistd.h>

namespace wsp {

std::vector<ResourceLimit> job_limits(const IdentityConfig& c) {
    constexpr uint64_t mib = 1024 * 1024;
    std::vector<ResourceLimit> out;
    auto add = [&](int resource, int64_t value, uint64_t unit) {
        if (value > 0) out.push_back({resource, static_cast<uint64_t>(value) * unit});
    };
    add(RLIMIT_NPROC, c.job_max_processes, 1);
    add(RLIMIT_NOFILE, c.job_max_open_files, 1);
    add(RLIMIT_FSIZE, c.job_max_file_mb, mib);
    add(RLIMIT_AS, c.job_max_memory_mb, mib);
    add(RLIMIT_CPU, c.job_max_cpu_s, 1);
    return out;
}

Result<ProcessResult> run_job(const JobSpec& spec) {
    if (spec.uid == 0 || spec.gid == 0)
        return internal("cron: refusing to run a job of '" + spec.account + "' as root");
    ProcessOptions o;
    o.env = {"HOME=" + spec.home.string(), "USER=" + spec.account, "LOGNAME=" + spec.account,
             "SHELL=/bin/sh", "PATH=/usr/local/bin:/usr/bin:/bin"};
    o.cwd = spec.home;
    // Switching identity needs root; a panel started as the accounts' own
    // user (development) already is that identity.
    if (::geteuid() == 0)
        o.run_as = RunAs{spec.uid, spec.gid, spec.groups};
    else if (::geteuid() != spec.uid)
        return internal("cron: the panel can only run jobs as uid " + std::to_string(::geteuid()) +
                        " when not root");
    o.limits = spec.limits;
    o.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout);
    o.max_output = spec.max_output;
    return run_process({"/bin/sh", "-c", spec.command}, o);
}

}  // namespace wsp
