#pragma once
// File operations confined beneath one directory (an account's home).
//
// Every path is relative to the home and is resolved with openat2
// (RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS, system/confined.h) from the
// home's directory fd: symlinks that stay inside work, anything that leads
// out ("..", absolute symlinks, symlink chains, /proc links) fails in the
// kernel with EXDEV/ELOOP. Each operation opens the parent directory that
// way and then acts on names relative to that fd (*at calls, never
// following a symlink at the last step unless documented), and recursive
// walks only descend with O_NOFOLLOW from fds they already hold, so a
// symlink swapped in between check and use cannot redirect anything.
//
// Policies (docs/files.md): special files (FIFOs, devices, sockets) are
// never opened for reading or writing and are skipped by copies; a regular
// file with more than one hard link is not read, written, copied or
// chmodded (it may be a link to a file outside the home); setuid, setgid
// and sticky bits are never set.
//
// Identity is the caller's business: construct and use a ConfinedFs inside
// an fs::ActAs scope (act_as.h).
#include <sys/stat.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "system/confined.h"

namespace wsp::fs {

struct Progress;  // drivers/fs/progress.h

struct Entry {
    std::string name;
    bool is_dir = false;
    bool is_symlink = false;
    std::optional<std::string> link_target;  // user path, only when inside
    int64_t size = 0;
    mode_t mode = 0;
    uid_t uid = 0;
    int64_t mtime = 0;  // Unix seconds
};

enum class Overwrite { no, yes };
enum class Parents { no, yes };
enum class Recursive { no, yes };

class ConfinedFs {
  public:
    // Opens `home` (refusing a symlink at its last step).
    static Result<ConfinedFs> open(const std::string& home);

    int root() const { return root_.get(); }

    // The directory at `rel`, following symlinks that stay inside.
    Result<UniqueFd> open_dir(const std::string& rel) const;
    // Like lstat/stat, relative to the home.
    Result<struct stat> lstat(const std::string& rel) const;
    Result<struct stat> stat(const std::string& rel) const;
    bool exists(const std::string& rel) const;

    // Every entry of the directory, each stat'ed once (no second pass).
    Result<std::vector<Entry>> list(const std::string& rel) const;

    // A regular file's whole content, refusing more than `max_bytes` with
    // 413 and special or multiply linked files with 400.
    Result<std::string> read_file(const std::string& rel, int64_t max_bytes) const;

    // Creates or replaces a regular file atomically: temp file in the same
    // directory, write, fsync, rename over, fsync the directory. Keeps the
    // existing file's mode. A symlink at `rel` that stays inside is written
    // through (its target is replaced). Returns the real path written.
    Result<std::string> write_file(const std::string& rel, std::string_view content) const;

    Result<void> mkdir(const std::string& rel, Parents parents) const;
    // Deletes a file, symlink (not its target) or directory tree.
    Result<void> remove(const std::string& rel) const;
    // renameat2 within the home; with Overwrite::yes an existing destination
    // is exchanged atomically and then removed. Across file systems it is a
    // copy then a delete (`progress` then counts the copy).
    Result<void> rename(const std::string& from, const std::string& to, Overwrite ow,
                        Progress* progress = nullptr) const;
    // Recursive copy into a temp name next to `to`, renamed into place when
    // complete (nothing half copied is left on failure). Symlinks are copied
    // as symlinks. `progress` (optional): totals measured first, then bytes
    // and entries copied; cancellation stops it like a failure.
    Result<void> copy(const std::string& from, const std::string& to, Overwrite ow,
                      Progress* progress = nullptr) const;
    // The checks copy() (verb "copy") and a move ("move") make before any
    // work: both paths usable, not the same, not into itself, the source
    // there, the destination free unless `ow`. Async tasks run them first
    // so bad input is answered before a task starts.
    Result<void> check_transfer(const std::string& from, const std::string& to, Overwrite ow,
                                std::string_view verb) const;
    // chmod (permission bits only), through a symlink that stays inside.
    Result<void> chmod(const std::string& rel, mode_t mode, Recursive recursive) const;

    // A regular file (single link, not special) opened for reading,
    // following symlinks that stay inside.
    Result<UniqueFd> open_regular(const std::string& rel) const;

    // `rel` resolved through symlinks (inside the home) to the real
    // relative path. 400 if it resolves outside.
    Result<std::string> real_path(const std::string& rel) const;

    // The parent directory of `rel` (following symlinks inside) and the
    // last name. `rel` must not be empty (the home has no parent here).
    Result<std::pair<UniqueFd, std::string>> open_parent(const std::string& rel) const;

  private:
    // rename() without the check of the links it moved.
    Result<void> move_only(const std::string& from, const std::string& to, Overwrite ow,
                           Progress* progress) const;
    ConfinedFs(UniqueFd root, std::string root_real)
        : root_(std::move(root)), root_real_(std::move(root_real)) {}
    UniqueFd root_;
    std::string root_real_;  // the home's real path, to map /proc links back
};

// How deep recursive operations go (each level holds an fd and a stack
// frame); deeper trees are refused with 400 rather than risk the stack.
inline constexpr int kMaxTreeDepth = 1024;
Error too_deep();

// Removes every symlink below the directory `root` that leads out of it
// when resolved from it with openat2 (RESOLVE_BENEATH: EXDEV), and returns
// their paths relative to `root`. Run after every operation that writes
// links (extract, copy, move): a link's text can look harmless and still
// leave through another link on its way ("l -> ../.." then
// "j -> l/../bob"), and a link that stayed inside where it was can leave
// from where it was copied or moved to. Dangling links and loops stay
// (they lead nowhere).
Result<std::vector<std::string>> drop_links_leaving(int root);
// Logs (warning) each path drop_links_leaving removed.
void log_dropped_links(const std::vector<std::string>& dropped, std::string_view operation);
// The same for `name` in `dir` (itself and below), which is `rel` from `root`.
Result<std::vector<std::string>> drop_links_leaving(int root, int dir, const std::string& name,
                                                    const std::string& rel);

// Recursively removes `name` in `dir_fd`, never following symlinks.
Result<void> remove_at(int dir_fd, const std::string& name, std::string_view what, int depth = 0);

// mkdir of `name` in `dir_fd` with `mode`; an existing entry is left as it
// is. `what` names it in errors.
Result<void> make_dir_at(int dir_fd, const std::string& name, mode_t mode, std::string_view what);

// lstat of `name` in `dir_fd`; nullopt when there is nothing there (or it
// cannot be stat'ed).
std::optional<struct stat> lstat_at(int dir_fd, const std::string& name);

// Calls `f(name)` for each entry of `dir_fd` except "." and "..".
Result<void> for_each_name(int dir_fd, const std::function<Result<void>(const char*)>& f);

// A random file name for temporaries (system/file_io.h).
using wsp::temp_name;

}  // namespace wsp::fs
