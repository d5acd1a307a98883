#pragma once
// Files written under a temp name and given their real name only when
// complete (uploads, tus): the system calls of that pattern, on directory
// fds the confined layer opened (confined_fs.h). Every call runs under the
// account's identity (act_as.h). `user_path` names the file in errors.
#include <sys/stat.h>

#include <string>
#include <string_view>

#include "base/result.h"
#include "system/file_io.h"

namespace wsp::fs {

// 409 when `name` exists in `dir` and may not be replaced: any entry without
// `overwrite`, a directory always.
Result<void> check_free(int dir, const std::string& name, bool overwrite,
                        const std::string& user_path);

// A new file `name` in `dir` (O_EXCL, 0600, no symlink followed), for writing.
Result<UniqueFd> create_exclusive(int dir, const std::string& name, const std::string& user_path);

// A new file in `dir` with no name yet (file_io.h open_unnamed): nothing is
// left if the panel dies before place_unnamed. An invalid fd when the file
// system cannot make one (the caller then uses create_exclusive).
UniqueFd create_unnamed(int dir);

// Gives the unnamed file `fd` the name `name` in `dir`, as `place` does for
// a named one (never over a directory, over a file only with `overwrite`),
// and syncs `dir`.
Result<void> place_unnamed(int fd, int dir, const std::string& name, bool overwrite,
                           const std::string& user_path);

// The existing file `name` in `dir` opened for appending (no symlink
// followed).
Result<UniqueFd> open_append(int dir, const std::string& name, const std::string& user_path);

// Every byte of `data` written to `fd`.
Result<void> write_bytes(int fd, std::string_view data, const std::string& user_path);

// Complete on disk: with `mode` (0: keep) set first, then fsync.
Result<void> seal(int fd, mode_t mode, const std::string& user_path);

// `fd`'s metadata.
Result<struct stat> stat_fd(int fd, const std::string& user_path);

// chmod of `name` in `dir` (no symlink at `name` is followed).
Result<void> chmod_at(int dir, const std::string& name, mode_t mode, const std::string& user_path);

// Moves `from` in `from_dir` to `name` in `to_dir`: never over a directory,
// over a file only with `overwrite` (409 otherwise). Then `to_dir` is synced
// so the rename is durable.
Result<void> place(int from_dir, const std::string& from, int to_dir, const std::string& name,
                   bool overwrite, const std::string& user_path);

// Removes the file `name` in `dir`; a failure is ignored (clean-up only).
void discard(int dir, const std::string& name);

}  // namespace wsp::fs
