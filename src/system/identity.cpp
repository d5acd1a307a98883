#include "system/identity.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <limits>
#include <set>

#include "base/clock.h"
#include "store/db.h"
#include "store/sandbox_uid_repo.h"
#include "system/chown_tree.h"
#include "system/confined.h"

namespace wsp {
namespace {

constexpr int64_t kNobody = 65534;
// The highest uid the kernel accepts ((uid_t)-1 means "unchanged").
constexpr int64_t kMaxUid = std::numeric_limits<uid_t>::max() - 1;

// The range must hold only uids the panel hands out: never root or nobody,
// never a user or group the system knows.
Result<void> check_uid_range(const SandboxConfig& c) {
    const int64_t first = c.uid_base, last = c.uid_base + c.uid_count - 1;
    if (c.uid_base < 1000 || c.uid_count < 1 || last > kMaxUid)
        return validation(
            "sandbox.uid_base must be >= 1000 and sandbox.uid_count >= 1, ending "
            "below 4294967295");
    if (first <= kNobody && kNobody <= last)
        return validation("sandbox.uid_base .. + uid_count must not include 65534 (nobody)");
    ::setpwent();
    while (const passwd* pw = ::getpwent()) {
        if (pw->pw_uid >= first && pw->pw_uid <= last) {
            std::string name = pw->pw_name;
            ::endpwent();
            return validation("sandbox.uid_base .. + uid_count includes the uid of OS user '" +
                              name + "'; choose a range no OS user or group uses");
        }
    }
    ::endpwent();
    ::setgrent();
    while (const group* gr = ::getgrent()) {
        if (gr->gr_gid >= first && gr->gr_gid <= last) {
            std::string name = gr->gr_name;
            ::endgrent();
            return validation("sandbox.uid_base .. + uid_count includes the gid of OS group '" +
                              name + "'; choose a range no OS user or group uses");
        }
    }
    ::endgrent();
    return Ok{};
}

// The home as it must be: 0750, owned by uid:gid (mkdir's mode went
// through the umask, and an adopted home may have had any mode).
Result<void> settle_home(int fd, uid_t uid, gid_t gid) {
    if ((::geteuid() == 0 && ::fchown(fd, uid, gid) != 0) || ::fchmod(fd, 0750) != 0)
        return internal("cannot set the owner and mode of a home");
    return Ok{};
}

// Every directory above the homes must let the account uids pass (o+x):
// otherwise each of their file operations, cron job and FTP login fails
// with "Permission denied: /" while the panel itself (root) sees nothing
// wrong. `mktemp -d` makes exactly such a 0700 parent.
Result<void> check_homes_reachable(const std::filesystem::path& homes) {
    std::filesystem::path dir = std::filesystem::absolute(homes).parent_path();
    for (;;) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0) return internal("cannot stat " + dir.string());
        if ((st.st_mode & S_IXOTH) == 0)
            return validation("The accounts cannot reach their homes: " + dir.string() +
                              " is not searchable by other users (chmod o+x it, or use "
                              "another data dir)");
        if (!dir.has_relative_path()) return Ok{};
        dir = dir.parent_path();
    }
}

}  // namespace

Result<std::unique_ptr<SandboxIdentity>> SandboxIdentity::create(
    const std::filesystem::path& data_dir, const SandboxConfig& config, Db& db) {
    uid_t uid = ::geteuid();
    gid_t gid = ::getegid();
    const bool root = uid == 0;
    if (root) {
        struct passwd* pw = ::getpwnam(config.user.c_str());
        if (!pw || pw->pw_uid == 0)
            return validation("sandbox.user '" + config.user +
                              "' must be an existing unprivileged OS user (scripts/deps.sh "
                              "creates 'wispanel')");
        uid = pw->pw_uid;
        gid = pw->pw_gid;
        CHECK_OK(check_uid_range(config));
    }
    std::filesystem::path homes = data_dir / "home";
    std::error_code ec;
    std::filesystem::create_directories(homes, ec);
    if (ec) return internal("cannot create the homes directory");
    // Homes' parent: traversable by the account uids, listable by nobody
    // else (an account learns no other account's name from it).
    if (::chmod(homes.c_str(), 0711) != 0) return internal("cannot set the mode of the homes");
    if (root) CHECK_OK(check_homes_reachable(homes));
    return std::unique_ptr<SandboxIdentity>(new SandboxIdentity(homes, config, db, root, uid, gid));
}

std::filesystem::path SandboxIdentity::home_of(const std::string& account) const {
    return homes_ / account;
}

std::string SandboxIdentity::home_text(const std::string& account) const {
    return join_home(homes_text_, account);
}

std::string join_home(const std::string& root, const std::string& account) {
    if (root.empty() || account.empty() || account.find('/') != std::string::npos)
        return (std::filesystem::path(root) / account).string();
    std::string out;
    out.reserve(root.size() + 1 + account.size());
    out += root;
    if (out.back() != '/') out += '/';
    out += account;
    return out;
}

uid_t SandboxIdentity::uid_of(const std::string& account) const {
    if (!per_account_ || account.empty()) return uid_;
    {
        std::lock_guard lock(cache_mutex_);
        if (auto it = cache_.find(account); it != cache_.end()) return it->second;
    }
    auto uid = stored_uid(account);
    if (!uid) return 0;
    std::lock_guard lock(cache_mutex_);
    cache_[account] = static_cast<uid_t>(*uid);
    return static_cast<uid_t>(*uid);
}

std::optional<int64_t> SandboxIdentity::stored_uid(const std::string& account) const {
    auto uid = db_.read([&](const ReadTx& tx) -> Result<std::optional<int64_t>> {
        return SandboxUidRepo::find(tx, account);
    });
    return uid.ok() ? *uid : std::nullopt;
}

gid_t SandboxIdentity::gid_of(const std::string& account) const {
    if (!per_account_ || account.empty()) return gid_;
    return static_cast<gid_t>(uid_of(account));
}

Result<void> SandboxIdentity::assign_ids(WriteTx& tx, const std::string& account) {
    if (!per_account_) return Ok{};
    auto got =
        SandboxUidRepo::allocate(tx, account, config_.uid_base, config_.uid_count, now_unix());
    if (!got) return internal("sandbox: every uid of sandbox.uid_base .. + uid_count is taken");
    std::lock_guard lock(cache_mutex_);
    cache_.erase(account);  // a stale answer from an earlier account of that name
    return Ok{};
}

Result<void> SandboxIdentity::create_home(const std::string& account) {
    uid_t uid = uid_, gid = gid_;
    if (per_account_) {
        auto got = stored_uid(account);
        if (!got) return internal("sandbox: no uid assigned to " + account);
        uid = gid = static_cast<uid_t>(*got);
    }
    TRY(UniqueFd homes, open_dir(homes_));
    if (::mkdirat(homes.get(), account.c_str(), 0750) != 0) {
        if (errno != EEXIST) return internal("cannot create the home of " + account);
        // Without root (development) the old behaviour: reuse it.
        if (per_account_)
            return conflict("A home directory for this user already exists on the system");
    }
    TRY(UniqueFd home, open_beneath(homes.get(), account, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    return settle_home(home.get(), uid, gid);
}

Result<void> SandboxIdentity::remove_home(const std::string& account) {
    std::error_code ec;
    std::filesystem::remove_all(home_of(account), ec);
    if (ec) return internal("cannot remove the home of " + account);
    if (per_account_) {
        CHECK_OK(db_.write([&](WriteTx& tx) -> Result<void> {
            SandboxUidRepo::retire(tx, account, now_unix());
            return Ok{};
        }));
    }
    std::lock_guard lock(cache_mutex_);
    cache_.erase(account);
    return Ok{};
}

Result<void> SandboxIdentity::make_dirs(const std::string& account,
                                        const std::filesystem::path& relative) {
    const uid_t uid = uid_of(account);
    if (uid == 0) return internal("sandbox: no uid for account " + account);
    TRY(UniqueFd home, open_dir(home_of(account)));
    return make_dirs_beneath(home.get(), relative, 0750, uid, gid_of(account));
}

Result<void> SandboxIdentity::adopt_homes(const std::vector<std::string>& accounts) {
    if (!per_account_) return Ok{};
    // The stored uids in one query, not one per account (10,000 at scale;
    // issue 24), kept in uid_of's cache: the FTP start asks for every owner.
    TRY(auto stored,
        db_.read([&](const ReadTx& tx) -> Result<std::vector<std::pair<std::string, int64_t>>> {
            return SandboxUidRepo::all(tx);
        }));
    std::set<std::string> adopted;
    {
        std::lock_guard lock(cache_mutex_);
        for (const auto& [account, uid] : stored) {
            cache_[account] = static_cast<uid_t>(uid);
            adopted.insert(account);
        }
    }
    for (const auto& account : accounts) {
        if (adopted.count(account)) continue;  // adopted at an earlier start
        CHECK_OK(adopt_home(account));
    }
    return Ok{};
}

// One account, all or nothing: the uid is committed only once its home
// belongs to it, so a start cut short does it again (the walk is
// idempotent, and the uid not committed is free again).
Result<void> SandboxIdentity::adopt_home(const std::string& account) {
    return db_.write([&](WriteTx& tx) -> Result<void> {
        auto got =
            SandboxUidRepo::allocate(tx, account, config_.uid_base, config_.uid_count, now_unix());
        if (!got) return internal("sandbox: every uid of sandbox.uid_base .. + uid_count is taken");
        const uid_t uid = static_cast<uid_t>(*got);
        TRY(UniqueFd homes, open_dir(homes_));
        if (::mkdirat(homes.get(), account.c_str(), 0750) != 0 && errno != EEXIST)
            return internal("cannot create the home of " + account);
        TRY(UniqueFd home, open_beneath(homes.get(), account, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
        // Whoever owned the home in the old layout (the shared user, or the
        // developer who ran the panel without root) hands its files over.
        struct stat st {};
        if (::fstat(home.get(), &st) != 0) return internal("cannot read the home of " + account);
        if (st.st_uid != 0 && st.st_uid != uid) {
            TRY(ChownTreeCounts counts, chown_tree(home.get(), st.st_uid, uid, uid));
            spdlog::info(
                "sandbox: home of {} now belongs to uid {} (was uid {}): {} entries changed, {} "
                "left alone (other owners or files with several hard links)",
                account, uid, st.st_uid, counts.changed, counts.skipped);
        }
        return settle_home(home.get(), uid, uid);
    });
}

}  // namespace wsp
