#pragma once
// How much disk each account's home takes: a walk of the home (st_blocks,
// symlinks not followed, hard links once, one file system), kept per
// account and walked again only once the figure is older than
// files.disk_usage_max_age_s, so the dashboards never walk a home per
// request (docs/files.md "Disk usage").
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "base/result.h"
#include "services/panel.h"

namespace wsp {

// Bytes the tree at `root` takes on disk. Blocking.
Result<int64_t> measure_tree(const std::filesystem::path& root);

class DiskUsage {
  public:
    explicit DiskUsage(PanelContext& ctx) : ctx_(ctx) {}

    // The account's figure, walked now (on the calling worker thread) when
    // it is missing or too old; one walk per account at a time.
    Result<int64_t> bytes(const std::string& username);
    // Every figure known, without walking.
    std::map<std::string, int64_t> known() const;

    // The package's disk_quota_mb at the panel's own write points (issue
    // 17), where the OS does not enforce it (Identity::quota_state() is not
    // "enforced": sandbox mode, or system mode without kernel quotas):
    // 507 naming the quota when the account's figure plus `adding` bytes
    // would pass it. Unlimited (-1) or `adding` <= 0: always room.
    Result<void> ensure_room(const std::string& username, int64_t adding);
    // The bytes the account may still add (< 0: no quota the panel enforces)
    // and the 507 message for a write that would pass them.
    struct Room {
        int64_t bytes = -1;
        std::string error;
    };
    Result<Room> room(const std::string& username);
    // Keeps a known figure close to true between walks: what the panel just
    // wrote (positive) or deleted for good (negative). Never below zero; an
    // account not measured yet is left for its first walk.
    void add(const std::string& username, int64_t delta);

  private:
    struct Entry {
        int64_t bytes = 0;
        int64_t measured_at = 0;
    };
    PanelContext& ctx_;
    mutable std::mutex mutex_;
    std::map<std::string, Entry> entries_;
    std::map<std::string, std::shared_ptr<std::mutex>> walks_;
};

}  // namespace wsp
