#pragma once
// Hosting accounts: create (with a home), change, suspend, delete (with
// everything they own).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/page.h"
#include "services/caller.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "store/records.h"

namespace wsp {

struct NewUser {
    std::string username;
    std::string email;
    std::string password;
    std::optional<std::string> role;
    std::optional<std::string> package;
};

struct UserChanges {
    std::optional<std::string> email;
    std::optional<std::string> password;
    // Required with `password` when an account changes its own password.
    std::optional<std::string> current_password;
    std::optional<std::string> role;
    std::optional<std::string> package;
};

// What deleting an account removed, by kind ("api_keys" -> 2, ...).
using Removed = std::map<std::string, int64_t>;

class UserService {
  public:
    explicit UserService(PanelContext& ctx) : ctx_(ctx) {}

    void add_cleanup(OwnerCleanup* cleanup) { cleanups_.push_back(cleanup); }

    // Called after an account is suspended or reinstated (after the commit,
    // on the request's worker thread), so areas that enforce suspension
    // outside the panel (the FTP server) learn of it at once.
    using StatusListener = std::function<void(const std::string& username, AccountStatus status)>;
    void on_status_change(StatusListener listener) {
        status_listeners_.push_back(std::move(listener));
    }

    // Called after an account is created or changed (after the commit), so
    // what the OS enforces per account (disk quota, system mode) follows.
    using AccountListener = std::function<void(const UserRecord& user)>;
    void on_account_change(AccountListener listener) {
        account_listeners_.push_back(std::move(listener));
    }

    Result<std::vector<UserRecord>> list(const Caller& caller);
    // One page of that list (the store reads only the page) and its total.
    Result<Paged<UserRecord>> list_page(const Caller& caller, const PageSpec& page);
    Result<UserRecord> get(const Caller& caller, const std::string& username);
    // `creator` is "" for accounts made from the command line.
    Result<UserRecord> create(const std::string& creator, const NewUser& input);
    Result<UserRecord> create(const Caller& caller, const NewUser& input);
    Result<UserRecord> update(const Caller& caller, const std::string& username,
                              const UserChanges& changes);
    Result<UserRecord> set_status(const Caller& caller, const std::string& username,
                                  AccountStatus status);
    Result<Removed> remove(const Caller& caller, const std::string& username);

    // Offline: the password of `username`, from the command line.
    Result<void> set_password(const std::string& username, const std::string& password);

  private:
    Result<void> ensure_not_last_admin(const ReadTx& tx, const UserRecord& user);
    Result<void> check_current_password(const std::string& username, const UserChanges& changes);

    PanelContext& ctx_;
    std::vector<OwnerCleanup*> cleanups_;
    std::vector<StatusListener> status_listeners_;
    std::vector<AccountListener> account_listeners_;
};

}  // namespace wsp
