#pragma once
// Progress and cancellation hooks of the long file operations (compress,
// extract, copy), for the panel's asynchronous file tasks.
//
// A hook is optional: synchronous calls pass none and behave exactly as
// before. With one, the operation adds the bytes and entries it has done
// between blocks (64 KB reads, 8 MB copy_file_range chunks, each archive
// entry) and stops with an error as soon as the task is cancelled, so a
// cancel takes effect within a block; the operation's usual failure path
// then removes its partial output (temp files and directories).
#include <atomic>
#include <cstdint>
#include <string>

#include "base/result.h"

namespace wsp::fs {

struct Progress {
    std::atomic<int64_t> bytes_done{0};
    std::atomic<int64_t> bytes_total{0};  // 0: not known (yet)
    std::atomic<int64_t> entries_done{0};
    std::atomic<int64_t> entries_total{0};  // 0: not known (yet)
    std::atomic<bool> cancelled{false};
    // The temporary name the operation builds its output under (empty: a
    // random one). Given by the task so a journal can remove it after a
    // crash (services/file_tasks.h).
    std::string temp;

    // Counts work done; an error once the task is cancelled.
    Result<void> step(int64_t bytes, int64_t entries = 0);
    Result<void> check() const;
};

// The error a cancelled operation returns (its message is never shown: the
// task says "cancelled").
Error cancelled_error();

// `p->step(...)`, or nothing without a hook.
inline Result<void> step(Progress* p, int64_t bytes, int64_t entries = 0) {
    if (!p) return Ok{};
    return p->step(bytes, entries);
}

// The temporary name for `tag`: the hook's when it gives one.
std::string temp_for(const Progress* p, std::string_view tag);

// Adds the regular files' bytes and the entries (files, directories, links)
// of the tree at `name` in `dir` to the totals, never following symlinks.
// Stops early (Ok) when cancelled; the operation notices on its first step.
void measure_tree(int dir, const std::string& name, Progress& p, int depth = 0);

}  // namespace wsp::fs
