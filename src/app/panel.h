#pragma once
// The panel assembled from a config: data dir, store, identity, auth index
// and services. `serve` and the offline admin commands both start here.
#include <memory>

#include "config/config.h"
#include "services/auth_index.h"
#include "services/services.h"
#include "store/db.h"
#include "system/identity.h"

namespace wsp {

class Panel {
public:
    // Creates the data dir layout on first use, applies migrations, loads
    // the auth index, and creates the first admin when there is no account.
    static Result<std::unique_ptr<Panel>> open(Config config);

    const Config& config() const { return config_; }
    Services& services() { return *services_; }
    AuthIndex& index() { return index_; }
    std::filesystem::path data_dir() const { return config_.paths.data_dir; }
    std::filesystem::path initial_password_file() const {
        return data_dir() / "initial-admin-password";
    }

    // Runs the HTTP(S) server until SIGTERM/SIGINT; returns the exit code.
    int serve();

private:
    explicit Panel(Config config) : config_(std::move(config)) {}
    Result<void> create_first_admin();

    Config config_;
    std::unique_ptr<Db> db_;
    std::unique_ptr<Identity> identity_;
    AuthIndex index_;
    std::unique_ptr<PanelContext> ctx_;
    std::unique_ptr<Services> services_;
};

}  // namespace wsp
