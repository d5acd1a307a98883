#include "services/share_service.h"

#include <algorithm>

#include "base/clock.h"
#include "base/secrets.h"
#include "services/domain_service.h"

namespace wsp {
namespace {

constexpr size_t kTokenBytes = 24;  // 192 bits, 48 hex characters
constexpr size_t kMaxPasswordBytes = 1024;

bool is_token(const std::string& token) {
    return token.size() == 2 * kTokenBytes && std::all_of(token.begin(), token.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

Error link_not_found() {
    return not_found("Share link not found");
}

Result<int64_t> parse_id(const std::string& id) {
    if (id.empty() || id.size() > 18 || !std::all_of(id.begin(), id.end(), ::isdigit))
        return not_found("Share link not found");
    return std::stoll(id);
}

}  // namespace

std::string share_state(const ShareRecord& share, int64_t now) {
    if (share.expires_at && *share.expires_at <= now) return "expired";
    if (share.max_downloads && share.downloads >= *share.max_downloads) return "exhausted";
    return "active";
}

Result<CreatedShare> ShareService::create(const Caller& caller, const NewShare& input) {
    const auto& config = ctx_.config.shares;
    const int64_t expires_in = input.expires_in.value_or(config.default_expires_s);
    if (expires_in < 1 || expires_in > config.max_expires_s)
        return validation("expires_in must be between 1 and " +
                          std::to_string(config.max_expires_s) + " seconds");
    if (input.max_downloads && *input.max_downloads < 1)
        return validation("max_downloads must be at least 1");
    if (input.password && (input.password->empty() || input.password->size() > kMaxPasswordBytes))
        return validation("password must be 1 to 1024 bytes");
    TRY(FileIdentity file, files_->identify(caller, input.owner, input.path));
    TRY(std::string owner, resolve_owner(ctx_.db, caller, input.owner));

    CreatedShare out;
    out.token = random_hex(kTokenBytes);
    ShareRecord& r = out.share;
    r.owner = owner;
    r.token_hash = sha256_hex(out.token);
    r.path = file.path;
    r.is_dir = file.is_dir;
    r.dev = file.dev;
    r.ino = file.ino;
    if (input.password) {
        TRY(r.password_hash, hash_password(*input.password));
    }
    r.created_at = ctx_.clock.now_unix();
    r.expires_at = r.created_at + expires_in;
    r.max_downloads = input.max_downloads;
    TRY(r.id,
        ctx_.db.write([&](WriteTx& tx) -> Result<int64_t> { return ShareRepo::insert(tx, r); }));
    return out;
}

Result<std::vector<ShareRecord>> ShareService::list(const Caller& caller,
                                                    const std::optional<std::string>& user) {
    TRY(auto owner, list_owner(caller, user));
    return ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<ShareRecord>> {
        return ShareRepo::list(tx, owner);
    });
}

Result<void> ShareService::revoke(const Caller& caller, const std::string& id_text) {
    TRY(int64_t id, parse_id(id_text));
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        auto share = ShareRepo::find(tx, id);
        if (!share) return link_not_found();
        CHECK_OK(ensure_owner_or_admin(caller, share->owner));
        ShareRepo::remove(tx, id);
        return Ok{};
    });
}

Result<SharedFile> ShareService::open(const std::string& token,
                                      const std::optional<std::string>& password, bool count) {
    if (!is_token(token)) return link_not_found();
    TRY(auto found, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<ShareRecord>> {
        return ShareRepo::find_by_token_hash(tx, sha256_hex(token));
    }));
    if (!found) return link_not_found();
    const ShareRecord& share = *found;
    const int64_t now = ctx_.clock.now_unix();
    auto owner = ctx_.index.user(share.owner);
    if (!owner || owner->status != AccountStatus::active) return link_not_found();
    const std::string state = share_state(share, now);
    if (state == "expired") return gone("Share link has expired");
    if (state == "exhausted") return gone("Share link has reached its download limit");

    if (!share.password_hash.empty()) {
        if (!password || password->empty()) return unauthorized("Password required");
        // Counted per link from every address together, so spreading the
        // guesses over many clients gains nothing.
        const int64_t limit = ctx_.config.shares.password_attempts_per_minute;
        RateDecision d = password_tries_.hit("share:" + std::to_string(share.id), limit, now);
        password_tries_.sweep(now);
        if (limit > 0 && !d.allowed)
            return Error{Code::rate_limited, "Too many password attempts; try again later"};
        if (password->size() > kMaxPasswordBytes ||
            !verify_password(*password, share.password_hash))
            return unauthorized("Wrong password");
    }

    // The path must still name the very file shared: deleted, moved away or
    // replaced, the link is dead rather than serving something else.
    auto file = files_->identify_of(share.owner, share.path);
    if (!file || file->dev != share.dev || file->ino != share.ino || file->is_dir != share.is_dir)
        return not_found("The shared file no longer exists");

    if (count) {
        TRY(bool counted, ctx_.db.write([&](WriteTx& tx) -> Result<bool> {
            return ShareRepo::count_download(tx, share.id);
        }));
        if (!counted) return gone("Share link has reached its download limit");
    }
    return SharedFile{share.owner, share.path, share.is_dir, share.dev, share.ino};
}

Result<int64_t> ShareService::remove_all_of(const std::string& owner) {
    return ctx_.db.write(
        [&](WriteTx& tx) -> Result<int64_t> { return ShareRepo::remove_all_of(tx, owner); });
}

}  // namespace wsp
