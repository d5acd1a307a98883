#pragma once
// Starts the real `wispanel serve` binary in a temporary data dir on a free
// loopback port, waits until it answers, and stops it (SIGTERM, then
// SIGKILL) and removes its data dir when the test ends, pass or fail.
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "support/http_client.h"

namespace wsp::test {

struct PanelOptions {
    bool tls = false;
    // Extra "-c section.key=value" overrides.
    std::vector<std::string> config;
    // Reuse this data dir (restart tests); empty: a new temporary one.
    std::filesystem::path data_dir;
    // The default lifts the rate limit so tests can make many calls; the
    // rate-limit tests set their own.
    bool lift_rate_limit = true;
    // Run the binary as this OS user instead of the test's own (a panel
    // without root); the data dir must be writable by it.
    std::string run_as_user;
};

class PanelProcess {
  public:
    explicit PanelProcess(PanelOptions options = {});
    ~PanelProcess();
    PanelProcess(const PanelProcess&) = delete;
    PanelProcess& operator=(const PanelProcess&) = delete;

    const HttpClient& http() const { return client_; }
    int port() const { return client_.port; }
    // phpMyAdmin's own listener (run/pma-listen.port); 0 when it has none.
    int pma_port() const;
    pid_t pid() const { return pid_; }
    const std::filesystem::path& data_dir() const { return data_dir_; }
    std::string log() const;

    std::string admin_password() const;
    // A session token for `username`.
    std::string login(const std::string& username, const std::string& password) const;
    // An API key of admin with scope "all", created once and cached.
    const std::string& admin_key();
    // Creates a user (role user) with password "Passw0rd-<username>" and
    // returns an "all"-scoped API key of it.
    std::string create_user_with_key(const std::string& username,
                                     const std::string& package = "default");

    // Polls /health until `component` reports `state` ("up" or "down");
    // false when it did not within `timeout` (MariaDB starts in the
    // background and its first start takes a few seconds).
    bool wait_for_component(const std::string& component, const std::string& state = "up",
                            std::chrono::seconds timeout = std::chrono::seconds(90)) const;

    // SIGTERM and wait; returns the exit status (as from waitpid).
    int stop();
    // Keep the data dir after the process stops (restart tests).
    void keep_data_dir() { keep_ = true; }

  private:
    void start();

    PanelOptions options_;
    std::filesystem::path data_dir_;
    bool owns_dir_ = false;
    bool keep_ = false;
    pid_t pid_ = -1;
    HttpClient client_;
    std::string admin_key_;
};

// A free TCP port on 127.0.0.1 (bound and released; for children that
// cannot report the port they took).
int free_port();

// A fresh temporary directory under /tmp, removed by the caller.
std::filesystem::path make_temp_dir(const std::string& prefix);

}  // namespace wsp::test
