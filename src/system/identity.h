#pragma once
// Maps a panel account to its OS identity and home directory. Sandbox mode
// gives every account a home under DATA_DIR/home and, when the panel runs
// as root, its own uid (no /etc/passwd entry; schema/0009_sandbox_uids.sql);
// without root every account shares the panel's own uid and nothing
// isolates accounts from each other. System mode (system/system_identity.h)
// maps each account to its own Linux user. Services only talk to this
// interface, never ask which mode it is.
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/config.h"
#include "store/db.h"

namespace wsp {

// `root` / `account` as std::filesystem::path joins them, as text: one
// separator between them; anything unusual (an empty or absolute name, a
// name with a separator) goes through path.
std::string join_home(const std::string& root, const std::string& account);

class Identity {
  public:
    virtual ~Identity() = default;
    virtual std::filesystem::path home_of(const std::string& account) const = 0;
    // home_of(account).string() without a path built and parsed (/auth/me
    // answers it on every call).
    virtual std::string home_text(const std::string& account) const {
        return home_of(account).string();
    }
    virtual uid_t uid_of(const std::string& account) const = 0;
    virtual gid_t gid_of(const std::string& account) const = 0;

    // Records the account's OS ids in the store, inside the transaction
    // that creates the account (so a rollback takes them back too). Sandbox
    // mode as root allocates a uid here; system mode has useradd for that.
    virtual Result<void> assign_ids(WriteTx&, const std::string&) { return Ok{}; }
    // Creates the account's home (mode 0750), owned by its uid (after
    // assign_ids, in the same transaction).
    virtual Result<void> create_home(const std::string& account) = 0;
    // Removes the home and everything in it; symlinks are removed, never
    // followed.
    virtual Result<void> remove_home(const std::string& account) = 0;
    // Creates `relative` (and its parents) beneath the home, owned by the
    // account; never leaves the home, whatever symlinks it contains.
    virtual Result<void> make_dirs(const std::string& account,
                                   const std::filesystem::path& relative) = 0;

    // Supplementary groups account work runs with (the primary group first).
    virtual std::vector<gid_t> groups_of(const std::string& account) const {
        return {gid_of(account)};
    }
    // Suspension at the OS level (system mode locks the Linux account).
    virtual Result<void> set_locked(const std::string&, bool) { return Ok{}; }
    // The package's disk quota (MiB; < 0: unlimited) where the OS enforces it.
    virtual Result<void> set_quota_mb(const std::string&, int64_t) { return Ok{}; }
    // "enforced" or "unsupported", for /health.
    virtual std::string quota_state() const { return "unsupported"; }
    // "uid" when each account runs as its own uid, "none" when all share
    // one; for /health and the start-up checks.
    virtual std::string isolation() const { return "uid"; }
};

class Db;

class SandboxIdentity final : public Identity {
  public:
    // As root, each account gets its own uid (= gid) from sandbox.uid_base
    // .. + uid_count, recorded in `db`; sandbox.user then only runs what
    // belongs to no account (uid_of("")). Without root the panel's own uid
    // is everybody's.
    static Result<std::unique_ptr<SandboxIdentity>> create(const std::filesystem::path& data_dir,
                                                           const SandboxConfig& config, Db& db);

    // Upgrade from the shared-user layout, once per account: an account
    // without a uid yet gets one, and its existing home (owned by the old
    // shared user) is handed to it without following links. Nothing to do
    // without root.
    Result<void> adopt_homes(const std::vector<std::string>& accounts);

    std::filesystem::path home_of(const std::string& account) const override;
    std::string home_text(const std::string& account) const override;
    // 0 (which every caller refuses to act as) for an account without a uid.
    uid_t uid_of(const std::string& account) const override;
    // The account's uid number (its private group), or the shared group.
    gid_t gid_of(const std::string& account) const override;
    // A uid from sandbox.uid_base .. + uid_count, never used before.
    Result<void> assign_ids(WriteTx& tx, const std::string& account) override;
    // Refuses (409) a home that already exists: it holds someone's files.
    Result<void> create_home(const std::string& account) override;
    // Removes the home; the account's uid is retired, never handed out again.
    Result<void> remove_home(const std::string& account) override;
    Result<void> make_dirs(const std::string& account,
                           const std::filesystem::path& relative) override;
    std::string isolation() const override { return per_account_ ? "uid" : "none"; }

  private:
    SandboxIdentity(std::filesystem::path homes, SandboxConfig config, Db& db, bool per_account,
                    uid_t uid, gid_t gid)
        : homes_(std::move(homes)),
          homes_text_(homes_.string()),
          config_(std::move(config)),
          db_(db),
          per_account_(per_account),
          uid_(uid),
          gid_(gid) {}
    Result<void> adopt_home(const std::string& account);
    // The store's answer, never cached (a transaction may still roll back).
    std::optional<int64_t> stored_uid(const std::string& account) const;

    std::filesystem::path homes_;
    std::string homes_text_;
    SandboxConfig config_;
    Db& db_;
    bool per_account_;  // running as root: one uid per account
    uid_t uid_;         // the shared user (as root: only for uid_of(""))
    gid_t gid_;
    // uid_of answers per listed file: uids found in the store, until the
    // account's home is removed.
    mutable std::mutex cache_mutex_;
    mutable std::map<std::string, uid_t> cache_;
};

}  // namespace wsp
