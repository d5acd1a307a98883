#pragma once
// Uploads and downloads of an account's files, through the
// confined layer (drivers/fs/confined_fs.h) with the account's identity
// (drivers/fs/act_as.h), like every other file operation:
//   - UploadSession: the files of one multipart request, each streamed to a
//     temp name in the target directory and renamed into place only when
//     the whole request is complete;
//   - resumable (tus) uploads: partial data in the home's hidden uploads
//     directory, state in the store (file_uploads);
//   - downloads: a file opened once (the fd is what is served) or a
//     directory as a zip stream.
// docs/files.md, "Uploads and downloads".
#include <sys/stat.h>
#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "drivers/fs/zip_stream.h"
#include "services/caller.h"
#include "services/disk_usage.h"
#include "services/panel.h"
#include "system/confined.h"

namespace wsp {

struct UploadedFile {
    std::string name;
    std::string path;  // user path
    int64_t size = 0;
};

// The disk quota for one multipart request (services/disk_usage.h): the
// room left (< 0: none enforced), the 507 message, and what to tell the
// disk figure once the files are in place.
struct UploadQuota {
    int64_t room = -1;
    std::string error;
    std::function<void(int64_t)> committed;
};

// One multipart request's files. Every call runs on a worker thread.
class UploadSession {
  public:
    UploadSession(uid_t uid, gid_t gid, UniqueFd dir, std::string dir_rel, bool overwrite,
                  int64_t max_bytes, int64_t max_mb, UploadQuota quota = {});
    ~UploadSession();  // discards what was not committed

    Result<void> begin_file(const std::string& name);
    void set_overwrite(bool overwrite) { overwrite_ = overwrite; }
    Result<void> write(std::string_view data);
    Result<void> end_file();
    // Renames every file into place (409 for a name taken meanwhile unless
    // overwrite).
    Result<std::vector<UploadedFile>> commit();
    // Removes every temp file.
    void discard();

  private:
    // A file of the request: unnamed until commit (`unnamed` valid, `tmp`
    // empty), or under the temp name `tmp` past kUnnamedFiles or where the
    // file system has no O_TMPFILE.
    struct Temp {
        std::string tmp, name;
        int64_t size = 0;
        UniqueFd unnamed;
    };
    uid_t uid_;
    gid_t gid_;
    UniqueFd dir_;
    std::string dir_rel_;
    bool overwrite_;
    int64_t max_bytes_, max_mb_, total_ = 0;
    UploadQuota quota_;
    std::vector<Temp> temps_;
    UniqueFd current_;
    bool open_ = false;
};

struct TusUpload {
    std::string id;
    std::string owner;
    std::string directory;  // relative
    std::string filename;
    int64_t length = 0;
    int64_t offset = 0;
    bool overwrite = false;
    int64_t expires_at = 0;
};

struct TusCreate {
    int64_t length = 0;
    std::string filename;
    std::string path = "/";  // target directory
    bool overwrite = false;
    std::optional<std::string> owner;
};

// The result of a PATCH: the new offset, and the file's user path once it
// was completed and moved into place.
struct TusProgress {
    int64_t offset = 0;
    std::optional<std::string> completed_path;
};

// Appends one PATCH body to an upload's data file. Every call on a worker.
class TusAppend {
  public:
    TusAppend(class TransferService& service, TusUpload upload, UniqueFd data);
    ~TusAppend();
    Result<void> write(std::string_view data);
    // The body is complete: sync, and when the offset reaches the length,
    // move the file into place.
    Result<TusProgress> finish();
    // The body broke off: keep what arrived (the client resumes from it).
    void abort();

  private:
    TransferService& service_;
    TusUpload upload_;
    UniqueFd data_;
    bool released_ = false;
};

struct Download {
    // A regular file: `file` is the open fd that is served.
    UniqueFd file;
    struct stat st {};
    std::string name;  // for Content-Disposition
    // A directory: streamed as a zip.
    std::unique_ptr<fs::ZipStream> zip;
};

class TransferService {
  public:
    // `disk`: the quota of uploads and the disk figure (services/disk_usage.h).
    TransferService(PanelContext& ctx, DiskUsage& disk) : ctx_(ctx), disk_(disk) {}

    int64_t max_upload_bytes() const;

    // A multipart upload into the directory `path` (may be empty: decided
    // later with the `path` form field, see open_session()).
    Result<std::string> owner_of(const Caller& c, const std::optional<std::string>& owner);
    Result<std::unique_ptr<UploadSession>> open_session(const std::string& owner,
                                                        const std::string& path, bool overwrite);

    // tus.
    Result<TusUpload> tus_create(const Caller& c, const TusCreate& create);
    Result<TusUpload> tus_get(const Caller& c, const std::string& id);
    // 409 when `offset` is not the upload's, or another PATCH is running.
    Result<std::unique_ptr<TusAppend>> tus_append(const Caller& c, const std::string& id,
                                                  int64_t offset,
                                                  std::optional<int64_t> content_length);
    Result<void> tus_delete(const Caller& c, const std::string& id);
    // Drops unfinished uploads past their expiry (every account).
    Result<int64_t> purge_expired_uploads();

    // The file or directory at `path` in `owner`'s home, opened as the owner.
    Result<Download> open_download(const std::string& owner, const std::string& path);

  private:
    friend class TusAppend;
    std::vector<std::string> reserved() const;
    Result<TusUpload> load(const std::string& id);
    Result<void> remove_upload(const TusUpload& u);
    Result<std::string> complete(const TusUpload& u);
    void release(const std::string& id);

    PanelContext& ctx_;
    DiskUsage& disk_;
    std::mutex busy_mutex_;
    std::set<std::string> busy_;  // uploads with a PATCH running
};

}  // namespace wsp
