#pragma once
// restic, the backup engine (docs/backups.md; recipe in
// ../shared/notes/restic.md): encrypted, deduplicated snapshots in a local,
// SFTP or S3 repository. The repository password is read by restic from a
// 0600 file (RESTIC_PASSWORD_FILE), never passed on a command line or in a
// log. Every path given to restic is absolute (relative ones break
// --include on restore). A restic that was killed leaves a stale lock:
// unlock() (which removes stale locks only) runs before each backup and
// before forget --prune. Blocking: task threads only.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "drivers/fs/progress.h"
#include "system/process.h"

namespace wsp {

struct ResticRepo {
    std::string restic = "/usr/bin/restic";
    std::string repository;               // restic URL or absolute local path
    std::filesystem::path password_file;  // 0600
    std::filesystem::path cache_dir;      // RESTIC_CACHE_DIR
    std::string sftp_command;             // -o sftp.command=... ("" = restic's default)
    // Where that ssh writes its errors (ssh -E): restic copies ssh's stderr
    // from a goroutine and may exit before "Host key verification failed"
    // is through, so a failed run's output gets it from here.
    std::filesystem::path ssh_log;
    // More of restic's environment (S3 credentials): never argv, never logged.
    std::vector<std::string> extra_env;
};

// The summary line of `restic backup --json`.
struct ResticSummary {
    std::string snapshot_id;  // short id; empty when no snapshot was saved
    int64_t bytes_processed = 0;
    int64_t data_added = 0;
    int64_t files_processed = 0;
};

struct ResticSnapshot {
    std::string id;  // full id
    std::string short_id;
    std::string time;  // RFC 3339 as restic writes it
    std::vector<std::string> paths;
    std::vector<std::string> tags;
};

// One entry of `restic ls --json`.
struct ResticNode {
    std::string type;  // "file", "dir", "symlink", ...
    int64_t size = 0;
    uint32_t mode = 0;  // permission bits
};

struct ResticKeep {
    int64_t daily = 0;
    int64_t weekly = 0;
    int64_t monthly = 0;
};

class Restic {
  public:
    explicit Restic(ResticRepo repo) : repo_(std::move(repo)) {}

    // `restic init` when the repository does not exist yet.
    Result<void> ensure_repository() const;
    // Removes stale locks only (a live restic's lock stays).
    Result<void> unlock() const;
    // Backs up absolute `paths` (excluding absolute `excludes`) with `tags`.
    // `progress` gets bytes done of bytes total and stops it when
    // cancelled (the stale lock is removed by the next unlock()).
    Result<ResticSummary> backup(const std::vector<std::string>& paths,
                                 const std::vector<std::string>& excludes,
                                 const std::vector<std::string>& tags,
                                 fs::Progress* progress) const;
    // The bytes read from `stdin_fd` saved as `/<filename>`. The summary
    // (and snapshot id) even when restic fails after saving, so the caller
    // can forget it. Started with start_stdin_backup, ended with the summary.
    Result<Child> start_stdin_backup(const std::string& filename,
                                     const std::vector<std::string>& tags, int stdin_fd,
                                     int stdout_fd) const;
    // Snapshots carrying every tag in `tags` (all: empty).
    Result<std::vector<ResticSnapshot>> snapshots(const std::vector<std::string>& tags) const;
    Result<void> forget(const std::vector<std::string>& ids) const;
    // forget with the policy, per group of equal paths, among the
    // snapshots carrying every tag in `tags`; the data stays until prune().
    Result<void> forget_policy(const ResticKeep& keep, const std::vector<std::string>& tags) const;
    // Removes the data no snapshot refers to any more.
    Result<void> prune() const;
    // `restic dump <snapshot> <path>` written to `out_fd` (a directory as a
    // tar stream with absolute names without the leading '/').
    Result<Child> start_dump(const std::string& snapshot, const std::string& path,
                             int out_fd) const;
    // What `path` (absolute) is in the snapshot; nullopt when absent.
    Result<std::optional<ResticNode>> node(const std::string& snapshot,
                                           const std::string& path) const;
    // `restic check` (tests, docs).
    Result<void> check() const;

    // The summary line of `restic backup --json` output (last wins).
    static ResticSummary parse_summary(const std::string& json_lines);

  private:
    std::vector<std::string> argv(std::initializer_list<std::string> args) const;
    ProcessOptions options() const;
    Result<ProcessResult> run(const std::vector<std::string>& argv) const;

    ResticRepo repo_;
};

}  // namespace wsp
