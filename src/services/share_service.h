#pragma once
// Share links: a public URL `/s/<token>` that downloads one file (or a
// directory as zip) of an account without an API token. The token (192
// random bits) is shown once and stored as sha256; a password as argon2id,
// tried at a bounded rate per link; a link expires, may count its
// downloads, and dies with the file it was made for (docs/files.md).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "services/caller.h"
#include "services/file_service.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "services/rate_limiter.h"
#include "store/share_repo.h"

namespace wsp {

struct NewShare {
    std::string path;
    std::optional<std::string> owner;   // admin: another account's file
    std::optional<int64_t> expires_in;  // seconds; default shares.default_expires_s
    std::optional<std::string> password;
    std::optional<int64_t> max_downloads;
};

struct CreatedShare {
    std::string token;  // shown once
    ShareRecord share;
};

// What a public request may download once the link checked out.
struct SharedFile {
    std::string owner;
    std::string path;
    bool is_dir = false;
    int64_t dev = 0;  // the very file shared (download_response checks its fd)
    int64_t ino = 0;
};

class ShareService final : public OwnerCleanup {
  public:
    ShareService(PanelContext& ctx, std::shared_ptr<FileService> files)
        : ctx_(ctx), files_(std::move(files)) {}

    Result<CreatedShare> create(const Caller& caller, const NewShare& input);
    Result<std::vector<ShareRecord>> list(const Caller& caller,
                                          const std::optional<std::string>& user);
    Result<void> revoke(const Caller& caller, const std::string& id);

    // The public side. `password` as the visitor sent it (nullopt: none).
    // `count`: this request downloads content (GET), so it uses up one of
    // max_downloads; HEAD only looks. 404 unknown or revoked or the file is
    // gone or another one now; 410 expired or used up; 401 password needed
    // or wrong; 429 too many password tries.
    Result<SharedFile> open(const std::string& token, const std::optional<std::string>& password,
                            bool count);

    std::string removed_key() const override { return "share_links"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

  private:
    PanelContext& ctx_;
    std::shared_ptr<FileService> files_;
    RateLimiter password_tries_;
};

// "active" | "expired" | "exhausted": what a visitor would get now.
std::string share_state(const ShareRecord& share, int64_t now);

}  // namespace wsp
