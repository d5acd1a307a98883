#include "drivers/job_runner.h"

#include <unistd.h>

namespace wsp {

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
        o.run_as = RunAs{spec.uid, spec.gid};
    else if (::geteuid() != spec.uid)
        return internal("cron: the panel can only run jobs as uid " + std::to_string(::geteuid()) +
                        " when not root");
    o.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(spec.timeout);
    o.max_output = spec.max_output;
    return run_process({"/bin/sh", "-c", spec.command}, o);
}

}  // namespace wsp
