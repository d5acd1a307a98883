#pragma once
// Version history: each /files/write over an existing file keeps the
// previous content as a version. Versions live in the home, in
// files.history_dir_name (hidden and refused as a request path, counted in
// the account's disk use): one directory per file, named by the sha256 of
// its real relative path, holding "path" (that path) and one file per
// version named by its save time in nanoseconds. At most
// files.history_versions are kept per file, oldest dropped first; only
// files the editor can open (files.max_edit_kb) have history. Restoring a
// version is an ordinary write (FileService::history_restore).
#include <cstdint>
#include <string>
#include <vector>

#include "services/file_access.h"

namespace wsp {

struct HistoryVersion {
    std::string version;  // the id to read or restore
    int64_t size = 0;
    std::string saved_at;
};

// Permanent deletion forgets history (issue 17): the versions of `real_rel`
// and of everything under it that were saved before `before_ns` (the
// deletion's time; a file made at the same path later keeps its own),
// in `history_dir` of the home open in `files`. Best effort, as keeping a
// version is: a failure leaves versions, never fails the deletion.
void forget_history(fs::ConfinedFs& files, const std::string& history_dir,
                    const std::string& real_rel, int64_t before_ns);

class FileHistory {
  public:
    explicit FileHistory(PanelContext& ctx) : access_(ctx) {}

    // The versions of the file at `path`, newest first.
    Result<std::vector<HistoryVersion>> list(const Caller& c, const OwnerField& owner,
                                             const std::string& path);
    Result<FileContent> read(const Caller& c, const OwnerField& owner, const std::string& path,
                             const std::string& version);
    // Keeps `previous` as a version of `real_rel` (a write is under way in
    // `files`, as the owner).
    Result<void> keep_version(fs::ConfinedFs& files, const std::string& real_rel,
                              const std::string& previous);

  private:
    PanelContext& ctx() const { return access_.ctx(); }
    std::string history_dir_of(const std::string& real_rel) const;

    FileAccess access_;
};

}  // namespace wsp
