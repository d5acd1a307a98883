#pragma once
// Customers' MariaDB databases: each a real database with one user holding
// ALL PRIVILEGES on it alone, named "<owner>_<name>". Every change is all or
// nothing across MariaDB and the panel's record: MariaDB steps run first
// (outside any store transaction, one change at a time) and are undone in
// reverse when a later step, or the record's transaction, fails.
// Passwords are sent to MariaDB as hashes and never stored by the panel.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "drivers/mariadb_admin.h"
#include "services/caller.h"
#include "services/domain_service.h"
#include "services/owner_cleanup.h"
#include "services/panel.h"
#include "store/database_repo.h"

namespace wsp {

struct NewDatabase {
    std::string name;
    std::optional<std::string> user;  // default: name
    std::string password;
    std::optional<std::string> domain;
    std::optional<std::string> owner;  // admin only
};

struct RemoteAccess {
    bool remote_access = false;
    std::optional<std::string> remote_host;
};

struct DatabaseView {
    DatabaseRecord record;
    int64_t size_kb = 0;
};

// A phpMyAdmin sign-on hand-off (see pma_signon.h).
struct PmaLink {
    std::string url;
    std::string token;
};
using PmaIssuer = std::function<Result<PmaLink>(const DatabaseRecord&)>;

class DatabaseService final : public OwnerCleanup {
  public:
    // `admin` is null when MariaDB is off: every call is then a 503.
    DatabaseService(PanelContext& ctx, DomainService& domains, std::shared_ptr<MariadbAdmin> admin);

    Result<std::vector<DatabaseView>> list(const Caller& caller,
                                           const std::optional<std::string>& owner);
    Result<DatabaseView> get(const Caller& caller, const std::string& id);
    Result<DatabaseRecord> create(const Caller& caller, const NewDatabase& input);
    Result<DatabaseView> update_remote(const Caller& caller, const std::string& id,
                                       const RemoteAccess& input);
    Result<void> remove(const Caller& caller, const std::string& id);
    Result<void> reset_password(const Caller& caller, const std::string& id,
                                const std::string& password);
    Result<PmaLink> phpmyadmin(const Caller& caller, const std::string& id);

    // OwnerCleanup: drops every database (and user) of `owner`.
    std::string removed_key() const override { return "databases"; }
    Result<int64_t> remove_all_of(const std::string& owner) override;

    // Set by the health monitor; while false every call is a quick 503.
    void set_available(bool up) { available_ = up; }
    bool available() const { return available_; }
    void set_pma_issuer(PmaIssuer issuer) { pma_ = std::move(issuer); }

    // Compares the records with the server; logs and returns what differs.
    Result<std::vector<std::string>> reconcile();

    // The password rule (docs/databases.md): 8..1024 characters, at least
    // two kinds among lower case, upper case, digits and others.
    static Result<void> check_password(const std::string& password);

  private:
    Result<void> ensure_up() const;
    Result<DatabaseRecord> owned(const ReadTx& tx, const Caller& caller, const std::string& id);
    Result<void> drop_everything(const DatabaseRecord& record);

    PanelContext& ctx_;
    DomainService& domains_;
    std::shared_ptr<MariadbAdmin> admin_;
    std::mutex mutate_;  // one change at a time (see create)
    std::atomic<bool> available_{false};
    PmaIssuer pma_;
};

}  // namespace wsp
