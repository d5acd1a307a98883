#pragma once
// A directory as a zip stream, produced on demand: each pull walks the tree
// a little further and returns the bytes libarchive wrote meanwhile, so a
// download of any size needs no temp file, little memory, and no thread
// held while the client is slow (the server pulls on a worker only when the
// socket took the previous chunk).
//
// The walk follows the confined layer's rules: it descends only with
// openat(O_NOFOLLOW) from directory fds it holds (a directory swapped for a
// symlink is met as a symlink and skipped), symlinks are not followed or
// stored, special files and multiply linked files are skipped. Every open
// runs as the account (fs::ActAs for each pull).
#include <sys/types.h>

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"
#include "system/confined.h"

namespace wsp::fs {

class ZipStream {
  public:
    // `dir`: the directory (opened confined, as the account); entries are
    // named "<top>/...". Names in `skip_top` are left out of `dir` itself
    // (the panel's own directories when the home is zipped).
    ZipStream(UniqueFd dir, std::string top, uid_t uid, gid_t gid,
              std::vector<std::string> skip_top = {});
    ~ZipStream();
    ZipStream(const ZipStream&) = delete;
    ZipStream& operator=(const ZipStream&) = delete;

    // The next bytes of the zip; 0 at the end.
    Result<size_t> read(std::span<char> out);

  private:
    struct State;
    std::unique_ptr<State> s_;
};

}  // namespace wsp::fs
