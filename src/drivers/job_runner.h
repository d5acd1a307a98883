#pragma once
// Runs one cron job's command: `/bin/sh -c COMMAND` as the owner's OS
// identity (never root; setgroups, setresgid, setresuid, no way back), in the owner's home, with a
// clean environment, stdin from /dev/null, in its own process group; a timeout kills the whole
// group, and output (stdout+stderr) is kept up to a bound, the tail.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "system/process.h"

namespace wsp {

struct JobSpec {
    std::string command;
    std::string account;  // for USER / LOGNAME
    std::filesystem::path home;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;          // supplementary groups (the account's)
    std::vector<ResourceLimit> limits;  // RLIMIT_* of the job
    std::chrono::seconds timeout{3600};
    size_t max_output = 64 * 1024;
};

// The identity.job_max_* limits that are set (docs/config.md).
std::vector<ResourceLimit> job_limits(const IdentityConfig& config);

// Blocking for as long as the job runs. An error means it could not start
// (or would have run as root).
Result<ProcessResult> run_job(const JobSpec& spec);

}  // namespace wsp
