#include "services/transfer_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "base/clock.h"
#include "base/secrets.h"
#include "drivers/fs/act_as.h"
#include "drivers/fs/confined_fs.h"
#include "drivers/fs/fs_error.h"
#include "drivers/fs/staged_files.h"
#include "drivers/fs/user_path.h"
#include "services/domain_service.h"
#include "store/db.h"
#include "store/file_repos.h"

namespace wsp {

using fs::to_user_path;

namespace {

std::string join(const std::string& dir, const std::string& name) {
    return dir.empty() ? name : dir + "/" + name;
}

// How many files of one multipart request are kept unnamed (one open
// descriptor each) until commit; later ones get a temp name, so a request
// of many small files cannot hold many descriptors.
constexpr size_t kUnnamedFiles = 16;

Error too_large(int64_t max_mb) {
    return Error{Code::too_large,
                 "Upload is larger than the limit (" + std::to_string(max_mb) + " MB)"};
}

// Runs `f(ConfinedFs&)` as `owner`, in its home.
template <class F>
auto as_owner(PanelContext& ctx, const std::string& owner, F&& f)
    -> decltype(f(std::declval<fs::ConfinedFs&>())) {
    fs::ActAs as(ctx.identity.uid_of(owner), ctx.identity.gid_of(owner));
    if (!as.ok()) return internal("cannot take the identity of account " + owner);
    TRY(fs::ConfinedFs files, fs::ConfinedFs::open(ctx.identity.home_of(owner).string()));
    return f(files);
}

}  // namespace

// ---- multipart session -------------------------------------------------

UploadSession::UploadSession(uid_t uid, gid_t gid, UniqueFd dir, std::string dir_rel,
                             bool overwrite, int64_t max_bytes, int64_t max_mb, UploadQuota quota)
    : uid_(uid),
      gid_(gid),
      dir_(std::move(dir)),
      dir_rel_(std::move(dir_rel)),
      overwrite_(overwrite),
      max_bytes_(max_bytes),
      max_mb_(max_mb),
      quota_(std::move(quota)) {}

UploadSession::~UploadSession() {
    discard();
}

Result<void> UploadSession::begin_file(const std::string& name) {
    CHECK_OK(fs::check_name(name, "Filename"));
    const std::string user_path = to_user_path(join(dir_rel_, name));
    for (const auto& t : temps_)
        if (t.name == name) return validation("Filename appears twice: " + name);
    CHECK_OK(fs::check_free(dir_.get(), name, overwrite_, user_path));
    fs::ActAs as(uid_, gid_);
    if (!as.ok()) return internal("cannot take the account's identity for an upload");
    Temp t{"", name, 0, UniqueFd()};
    const auto unnamed = std::count_if(temps_.begin(), temps_.end(),
                                       [](const Temp& x) { return x.unnamed.valid(); });
    if (static_cast<size_t>(unnamed) < kUnnamedFiles) current_ = fs::create_unnamed(dir_.get());
    if (!current_.valid()) {
        t.tmp = fs::temp_name("upload");
        TRY(current_, fs::create_exclusive(dir_.get(), t.tmp, user_path));
    }
    temps_.push_back(std::move(t));
    open_ = true;
    return Ok{};
}

Result<void> UploadSession::write(std::string_view data) {
    if (!open_) return Ok{};
    total_ += static_cast<int64_t>(data.size());
    if (total_ > max_bytes_) return too_large(max_mb_);
    // Past the quota: 507, and the destructor discards every temp file.
    if (quota_.room >= 0 && total_ > quota_.room)
        return insufficient_storage(quota_.error + "; the upload is larger than the room left");
    temps_.back().size += static_cast<int64_t>(data.size());
    return fs::write_bytes(current_.get(), data, to_user_path(join(dir_rel_, temps_.back().name)));
}

Result<void> UploadSession::end_file() {
    if (!open_) return Ok{};
    open_ = false;
    const std::string user_path = to_user_path(join(dir_rel_, temps_.back().name));
    // Complete on disk before it gets its name.
    CHECK_OK(fs::seal(current_.get(), 0644, user_path));
    if (temps_.back().tmp.empty())
        temps_.back().unnamed = std::move(current_);  // kept: it is the file
    current_ = UniqueFd();
    return Ok{};
}

Result<std::vector<UploadedFile>> UploadSession::commit() {
    fs::ActAs as(uid_, gid_);
    if (!as.ok()) return internal("cannot take the account's identity for an upload");
    std::vector<UploadedFile> out;
    while (!temps_.empty()) {
        Temp t = std::move(temps_.front());
        temps_.erase(temps_.begin());
        const std::string user_path = to_user_path(join(dir_rel_, t.name));
        auto placed =
            t.tmp.empty()
                ? fs::place_unnamed(t.unnamed.get(), dir_.get(), t.name, overwrite_, user_path)
                : fs::place(dir_.get(), t.tmp, dir_.get(), t.name, overwrite_, user_path);
        if (!placed) {
            if (!t.tmp.empty()) fs::discard(dir_.get(), t.tmp);
            return placed.error();
        }
        out.push_back({t.name, user_path, t.size});
        if (quota_.committed) quota_.committed(t.size);
    }
    return out;
}

void UploadSession::discard() {
    if (temps_.empty()) return;
    current_ = UniqueFd();
    fs::ActAs as(uid_, gid_);
    for (const auto& t : temps_)
        if (!t.tmp.empty()) fs::discard(dir_.get(), t.tmp);  // unnamed: closing is enough
    temps_.clear();
}

// ---- service -------------------------------------------------------------

int64_t TransferService::max_upload_bytes() const {
    return ctx_.config.files.max_upload_mb * 1024 * 1024;
}

std::vector<std::string> TransferService::reserved() const {
    const auto& f = ctx_.config.files;
    return {f.trash_dir_name, f.history_dir_name, f.uploads_dir_name};
}

Result<std::string> TransferService::owner_of(const Caller& c,
                                              const std::optional<std::string>& owner) {
    return resolve_owner(ctx_.db, c, owner);
}

Result<std::unique_ptr<UploadSession>> TransferService::open_session(const std::string& owner,
                                                                     const std::string& path,
                                                                     bool overwrite) {
    TRY(std::string rel, fs::parse_user_path(path, "Path", reserved()));
    TRY(UniqueFd dir, as_owner(ctx_, owner, [&](fs::ConfinedFs& files) -> Result<UniqueFd> {
            auto d = files.open_dir(rel);
            if (!d && d.error().code == Code::validation)
                return validation("Path is not a directory: " + path);
            return d;
        }));
    TRY(DiskUsage::Room room, disk_.room(owner));
    UploadQuota quota{room.bytes, std::move(room.error),
                      [this, owner](int64_t bytes) { disk_.add(owner, bytes); }};
    return std::make_unique<UploadSession>(ctx_.identity.uid_of(owner), ctx_.identity.gid_of(owner),
                                           std::move(dir), rel, overwrite, max_upload_bytes(),
                                           ctx_.config.files.max_upload_mb, std::move(quota));
}

// ---- tus -------------------------------------------------------------------

namespace {

TusUpload upload_of(UploadRecord r) {
    TusUpload u;
    u.id = std::move(r.id);
    u.owner = std::move(r.owner);
    u.directory = std::move(r.directory);
    u.filename = std::move(r.filename);
    u.length = r.length;
    u.overwrite = r.overwrite;
    u.expires_at = r.expires_at;
    return u;
}

UploadRecord record_of(const TusUpload& u) {
    return {u.id, u.owner, u.directory, u.filename, u.length, u.overwrite, u.expires_at};
}

bool valid_id(const std::string& id) {
    if (id.size() != 32) return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

}  // namespace

Result<TusUpload> TransferService::load(const std::string& id) {
    if (!valid_id(id)) return not_found("Upload not found");
    TRY(auto found, ctx_.db.read([&](const ReadTx& tx) -> Result<std::optional<UploadRecord>> {
        return UploadRepo::find(tx, id);
    }));
    if (!found || found->expires_at < ctx_.clock.now_unix()) return not_found("Upload not found");
    // The offset is what the data file holds.
    const std::string data = join(ctx_.config.files.uploads_dir_name, found->id);
    TRY(auto st,
        as_owner(ctx_, found->owner, [&](fs::ConfinedFs& files) { return files.lstat(data); }));
    TusUpload u = upload_of(std::move(*found));
    u.offset = st.st_size;
    return u;
}

Result<TusUpload> TransferService::tus_create(const Caller& c, const TusCreate& in) {
    TRY(std::string owner, owner_of(c, in.owner));
    if (in.length < 0) return validation("Upload-Length must not be negative");
    if (in.length > max_upload_bytes()) return too_large(ctx_.config.files.max_upload_mb);
    CHECK_OK(fs::check_name(in.filename, "Filename"));
    TRY(std::string dir, fs::parse_user_path(in.path, "Path", reserved()));
    // The whole length is known now: refused past the quota before any byte
    // arrives, and counted in the disk figure from here (its data file is
    // in the home) until it is deleted unfinished.
    CHECK_OK(disk_.ensure_room(owner, in.length));
    TusUpload u;
    u.id = random_hex(16);
    u.owner = owner;
    u.directory = dir;
    u.filename = in.filename;
    u.length = in.length;
    u.overwrite = in.overwrite;
    u.expires_at = ctx_.clock.now_unix() + ctx_.config.files.upload_expire_hours * 3600;
    const std::string& updir = ctx_.config.files.uploads_dir_name;
    CHECK_OK(as_owner(ctx_, owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd target, files.open_dir(dir));
        CHECK_OK(fs::check_free(target.get(), u.filename, u.overwrite,
                                to_user_path(join(dir, u.filename))));
        // The hidden directory at the top of the home, like the bin.
        CHECK_OK(fs::make_dir_at(files.root(), updir, 0700, "/"));
        TRY(UniqueFd up, files.open_dir(updir));
        TRY(UniqueFd data, fs::create_exclusive(up.get(), u.id, "upload"));
        return Ok{};
    }));
    disk_.add(owner, u.length);
    auto stored = ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        UploadRepo::insert(tx, record_of(u), ctx_.clock.now_unix());
        return Ok{};
    });
    if (!stored) {
        (void)remove_upload(u);
        return stored.error();
    }
    return u;
}

Result<TusUpload> TransferService::tus_get(const Caller& c, const std::string& id) {
    TRY(TusUpload u, load(id));
    CHECK_OK(ensure_owner_or_admin(c, u.owner));
    return u;
}

Result<std::unique_ptr<TusAppend>> TransferService::tus_append(const Caller& c,
                                                               const std::string& id,
                                                               int64_t offset,
                                                               std::optional<int64_t> length) {
    {
        std::lock_guard lock(busy_mutex_);
        if (!busy_.insert(id).second) return conflict("Upload is busy with another request");
    }
    auto fail = [&](Error e) -> Error {
        release(id);
        return e;
    };
    auto u = tus_get(c, id);
    if (!u) return fail(u.error());
    if (offset != u->offset)
        return fail(conflict("Upload-Offset " + std::to_string(offset) +
                             " does not match the upload's offset " + std::to_string(u->offset)));
    if (length && *length > u->length - u->offset)
        return fail(Error{Code::too_large, "Body is longer than the rest of the upload (" +
                                               std::to_string(u->length - u->offset) + " bytes)"});
    const std::string data = join(ctx_.config.files.uploads_dir_name, u->id);
    auto fd = as_owner(ctx_, u->owner, [&](fs::ConfinedFs& files) -> Result<UniqueFd> {
        TRY(auto parent, files.open_parent(data));
        return fs::open_append(parent.first.get(), parent.second, "upload");
    });
    if (!fd) return fail(fd.error());
    // Active again: the expiry counts from the last use.
    const int64_t expires = ctx_.clock.now_unix() + ctx_.config.files.upload_expire_hours * 3600;
    (void)ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        UploadRepo::set_expiry(tx, id, expires);
        return Ok{};
    });
    return std::make_unique<TusAppend>(*this, std::move(*u), std::move(*fd));
}

void TransferService::release(const std::string& id) {
    std::lock_guard lock(busy_mutex_);
    busy_.erase(id);
}

Result<void> TransferService::remove_upload(const TusUpload& u) {
    const std::string data = join(ctx_.config.files.uploads_dir_name, u.id);
    if (as_owner(ctx_, u.owner, [&](fs::ConfinedFs& files) { return files.remove(data); }))
        disk_.add(u.owner, -u.length);
    return ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        UploadRepo::remove(tx, u.id);
        return Ok{};
    });
}

Result<void> TransferService::tus_delete(const Caller& c, const std::string& id) {
    {
        std::lock_guard lock(busy_mutex_);
        if (busy_.count(id)) return conflict("Upload is busy with another request");
    }
    TRY(TusUpload u, tus_get(c, id));
    return remove_upload(u);
}

// The data file becomes the target: renamed into place (the same file
// system: both are in the home), then the row goes.
Result<std::string> TransferService::complete(const TusUpload& u) {
    const std::string data = join(ctx_.config.files.uploads_dir_name, u.id);
    const std::string user_path = to_user_path(join(u.directory, u.filename));
    auto placed = as_owner(ctx_, u.owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(UniqueFd up, files.open_dir(ctx_.config.files.uploads_dir_name));
        TRY(UniqueFd target, files.open_dir(u.directory));
        CHECK_OK(fs::chmod_at(up.get(), u.id, 0644, user_path));
        return fs::place(up.get(), u.id, target.get(), u.filename, u.overwrite, user_path);
    });
    if (!placed) {
        // Nothing half done: a finished upload that cannot be placed goes.
        (void)remove_upload(u);
        return placed.error();
    }
    CHECK_OK(ctx_.db.write([&](WriteTx& tx) -> Result<void> {
        UploadRepo::remove(tx, u.id);
        return Ok{};
    }));
    return user_path;
}

Result<int64_t> TransferService::purge_expired_uploads() {
    TRY(auto expired, ctx_.db.read([&](const ReadTx& tx) -> Result<std::vector<UploadRecord>> {
        return UploadRepo::expired_before(tx, ctx_.clock.now_unix());
    }));
    int64_t n = 0;
    for (auto& record : expired) {
        const TusUpload u = upload_of(std::move(record));
        {
            std::lock_guard lock(busy_mutex_);
            if (busy_.count(u.id)) continue;
        }
        if (remove_upload(u)) ++n;
    }
    return n;
}

// ---- TusAppend ---------------------------------------------------------

TusAppend::TusAppend(TransferService& service, TusUpload upload, UniqueFd data)
    : service_(service), upload_(std::move(upload)), data_(std::move(data)) {}

TusAppend::~TusAppend() {
    if (!released_) service_.release(upload_.id);
}

Result<void> TusAppend::write(std::string_view data) {
    if (upload_.offset + static_cast<int64_t>(data.size()) > upload_.length)
        return Error{Code::too_large, "Body goes past Upload-Length"};
    CHECK_OK(fs::write_bytes(data_.get(), data, "upload"));
    upload_.offset += static_cast<int64_t>(data.size());
    return Ok{};
}

Result<TusProgress> TusAppend::finish() {
    TusProgress p;
    CHECK_OK(fs::seal(data_.get(), 0, "upload"));
    data_ = UniqueFd();
    p.offset = upload_.offset;
    if (upload_.offset == upload_.length) {
        TRY(std::string path, service_.complete(upload_));
        p.completed_path = path;
    }
    return p;
}

void TusAppend::abort() {
    // What arrived stays: tus resumes from it.
    if (data_.valid()) (void)fs::seal(data_.get(), 0, "upload");
    data_ = UniqueFd();
}

// ---- downloads -----------------------------------------------------------

Result<Download> TransferService::open_download(const std::string& owner, const std::string& path) {
    TRY(std::string rel, fs::parse_user_path(path, "Path", reserved()));
    Download d;
    CHECK_OK(as_owner(ctx_, owner, [&](fs::ConfinedFs& files) -> Result<void> {
        TRY(auto st, files.stat(rel));
        if (S_ISDIR(st.st_mode)) {
            TRY(UniqueFd dir, files.open_dir(rel));
            std::string top = rel.empty() ? owner : fs::split_parent(rel).second;
            d.name = top + ".zip";
            d.zip = std::make_unique<fs::ZipStream>(
                std::move(dir), top, ctx_.identity.uid_of(owner), ctx_.identity.gid_of(owner),
                rel.empty() ? reserved() : std::vector<std::string>{});
            return Ok{};
        }
        TRY(d.file, files.open_regular(rel));
        TRY(d.st, fs::stat_fd(d.file.get(), path));
        d.name = fs::split_parent(rel).second;
        return Ok{};
    }));
    return d;
}

}  // namespace wsp
