#pragma once
// FTP accounts: the rules (ownership, names, homes, limits) and keeping
// ProFTPD's accounts file in step with the panel's store, all or nothing.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "drivers/ftp_daemon.h"
#include "drivers/proftpd_accounts.h"
#include "services/caller.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "store/ftp_repo.h"

namespace wsp {

struct NewFtpAccount {
    std::string username;
    std::string password;
    std::optional<std::string> owner;
    std::optional<std::string> domain;
    std::optional<std::string> home_dir;
    std::optional<int64_t> quota_mb;
    std::optional<bool> read_only;
    std::optional<std::vector<std::string>> allowed_ips;
    std::optional<bool> sftp;
    std::optional<bool> password_login;
};

struct FtpChanges {
    std::optional<std::string> password;
    std::optional<std::string> home_dir;
    std::optional<int64_t> quota_mb;
    std::optional<bool> read_only;
    std::optional<bool> enabled;
    std::optional<std::vector<std::string>> allowed_ips;
    std::optional<bool> sftp;
    std::optional<bool> password_login;
};

struct FtpStatus {
    bool installed = false;
    bool running = false;
    int64_t total_accounts = 0;
    // SFTP: nullopt when the server offers none (ftp.sftp off, or mod_sftp
    // or ssh-keygen missing).
    std::optional<SftpEndpoint> sftp;
    bool sftp_running = false;
    // The FTP listener; nullopt without a server (ftp.enabled = false).
    std::optional<FtpEndpoint> ftp;
};

struct FtpAnonymous {
    std::string domain;
    bool enabled = false;
    std::filesystem::path directory;
};

class FtpService final : public OwnerCleanup {
  public:
    FtpService(PanelContext& ctx, std::unique_ptr<AccountsFile> file,
               std::shared_ptr<FtpDaemon> server)
        : ctx_(ctx), file_(std::move(file)), server_(std::move(server)) {}

    Result<std::vector<FtpAccount>> list(const Caller& caller,
                                         const std::optional<std::string>& owner);
    // One page of that list (read by the store) and its total.
    Result<Paged<FtpAccount>> list_page(const Caller& caller,
                                        const std::optional<std::string>& owner,
                                        const PageSpec& page);
    Result<FtpAccount> get(const Caller& caller, const std::string& username);
    Result<FtpAccount> create(const Caller& caller, const NewFtpAccount& input);
    Result<FtpAccount> update(const Caller& caller, const std::string& username,
                              const FtpChanges& changes);
    Result<void> remove(const Caller& caller, const std::string& username);
    Result<FtpAccount> set_allowed_ips(const Caller& caller, const std::string& username,
                                       const std::vector<std::string>& ips);
    Result<FtpAccount> toggle(const Caller& caller, const std::string& username);
    Result<FtpStatus> status(const Caller& caller);

    // SFTP public keys of an account.
    Result<std::vector<FtpKey>> keys(const Caller& caller, const std::string& username);
    Result<FtpKey> add_key(const Caller& caller, const std::string& username,
                           const std::string& public_key);
    Result<void> remove_key(const Caller& caller, const std::string& username,
                            const std::string& key_id);

    // Open FTP and SFTP sessions: the caller's accounts' (admin: all).
    Result<std::vector<FtpSessionInfo>> sessions(const Caller& caller);
    Result<void> end_session(const Caller& caller, const std::string& id);

    Result<FtpAnonymous> anonymous(const Caller& caller, const std::string& domain);
    Result<FtpAnonymous> set_anonymous(const Caller& caller, const std::string& domain,
                                       bool enabled);

    // The account's home as an absolute path.
    std::filesystem::path home_of(const FtpAccount& a) const;

    // Serving: rebuilds the accounts file from the store, starts ProFTPD.
    Result<void> start();
    // An owner was suspended or reinstated (UserService::on_status_change):
    // refuse or allow its logins, end its sessions, update anonymous sites.
    void owner_status_changed();
    // SFTP is allowed by the account's own switch and its owner's package
    // (`sftp`). After a package changed (PackageService::on_change) or an
    // owner changed package (UserService::on_account_change): rewrites the
    // server rows of the accounts concerned and ends the SFTP sessions of
    // those that lost SFTP.
    void package_changed(const std::string& package);
    void owner_changed(const std::string& owner);
    bool healthy() const;

    // OwnerCleanup
    std::string removed_key() const override { return "ftp_accounts"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

  private:
    ServerAccount server_row(const FtpAccount& a, bool owner_active, bool package_sftp,
                             const std::vector<FtpKey>& keys) const;
    // Rewrites the rows of the accounts (of `owner`, or all) that `pick`
    // selects (see package_changed).
    void resync_sftp(const std::optional<std::string>& owner,
                     const std::function<bool(const ReadTx&, const FtpAccount&)>& pick);
    // The row for `a` as the store has it now (owner's status, keys).
    ServerAccount current_row(const ReadTx& tx, const FtpAccount& a) const;
    // After a failed store transaction: puts the file back to the store's
    // state for `username`, undoing a write whose commit did not happen.
    void reconcile(const std::string& username);
    Result<FtpAccount> owned(const Caller& caller, const std::string& username);
    Result<FtpAccount> apply(const Caller& caller, const std::string& username,
                             const FtpChanges& changes);
    Result<std::string> resolve_home(const std::string& owner, const std::string& input);
    Result<void> sync_suspended();
    Result<void> push_anonymous_sites();

    PanelContext& ctx_;
    std::unique_ptr<AccountsFile> file_;
    std::shared_ptr<FtpDaemon> server_;
    std::mutex suspended_mutex_;  // guards suspended_ and its sync
    std::set<std::string> suspended_;
};

}  // namespace wsp
