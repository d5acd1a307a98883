#include "support/panel_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace wsp::test {

namespace fs = std::filesystem;

int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    ::close(fd);
    return port;
}

fs::path make_temp_dir(const std::string& prefix) {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    char* made = ::mkdtemp(tmpl.data());
    if (!made) throw std::runtime_error("mkdtemp failed");
    return fs::path(made);
}

PanelProcess::PanelProcess(PanelOptions options) : options_(std::move(options)) {
    if (options_.data_dir.empty()) {
        data_dir_ = make_temp_dir("wsp-it");
        owns_dir_ = true;
    } else {
        data_dir_ = options_.data_dir;
    }
    client_.tls = options_.tls;
    start();
}

void PanelProcess::start() {
    fs::remove(data_dir_ / "run" / "http.port");
    fs::remove(data_dir_ / "run" / "pma-listen.port");
    std::vector<std::string> args = {WSP_BINARY,         "serve",    "--data-dir",
                                     data_dir_.string(), "--listen", "127.0.0.1:0"};
    if (!options_.tls) args.insert(args.end(), {"-c", "server.tls=false"});
    if (options_.lift_rate_limit)
        args.insert(args.end(), {"-c", "rate_limit.requests_per_minute=1000000", "-c",
                                 "rate_limit.session_requests_per_minute=0", "-c",
                                 "auth.account_requests_per_minute=0"});
    // No web interface unless a test asks for one (web.dir in `config`, which
    // comes later and wins): the API tests answer the same whether or not
    // web/dist has been built.
    args.insert(args.end(), {"-c", "web.dir=" + (data_dir_ / "no-web").string()});
    // Managed servers get free ports, so panels of parallel tests never
    // fight over a default port; a test's own -c (later) wins.
    for (const char* key : {"ftp.port", "ftp.sftp_port", "mariadb.port", "pma.port"})
        args.insert(args.end(), {"-c", std::string(key) + "=" + std::to_string(free_port())});
    // A private MariaDB costs seconds and disk per panel: only the suites
    // that test databases ask for it (-c mariadb.mode=sandbox).
    args.insert(args.end(), {"-c", "mariadb.mode=off", "-c", "pma.enabled=false"});
    for (const auto& c : options_.config) args.insert(args.end(), {"-c", c});
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const std::string log_path = (data_dir_ / "panel.log").string();
    const passwd* as = nullptr;
    if (!options_.run_as_user.empty()) {
        as = ::getpwnam(options_.run_as_user.c_str());
        if (!as) throw std::runtime_error("no OS user " + options_.run_as_user);
    }
    const uid_t as_uid = as ? as->pw_uid : 0;
    const gid_t as_gid = as ? as->pw_gid : 0;
    pid_ = ::fork();
    if (pid_ == 0) {
        int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(log, 1);
        ::dup2(log, 2);
        if (as && (::setgroups(0, nullptr) != 0 || ::setgid(as_gid) != 0 || ::setuid(as_uid) != 0))
            ::_exit(126);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    // Ready when it has written its port and answers /health.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < deadline) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("wispanel exited at start:\n" + log());
        }
        std::ifstream port_file(data_dir_ / "run" / "http.port");
        int port = 0;
        if (port_file >> port && port > 0) {
            client_.port = port;
            try {
                if (client_.get("/api/v1/health").status == 200) return;
            } catch (const std::exception&) {
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("wispanel did not become ready:\n" + log());
}

int PanelProcess::pma_port() const {
    std::ifstream in(data_dir_ / "run" / "pma-listen.port");
    int port = 0;
    return in >> port ? port : 0;
}

int PanelProcess::stop() {
    if (pid_ <= 0) return 0;
    ::kill(pid_, SIGTERM);
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
        if (std::chrono::steady_clock::now() > deadline) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, &status, 0);
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    pid_ = -1;
    return status;
}

namespace {

// The last lines of a file: what a failed test shows of the panel's log.
std::string tail_of(const fs::path& file, size_t lines) {
    std::ifstream in(file);
    std::deque<std::string> last;
    for (std::string line; std::getline(in, line);) {
        last.push_back(std::move(line));
        if (last.size() > lines) last.pop_front();
    }
    std::string out;
    for (const auto& l : last) out += l + "\n";
    return out;
}

}  // namespace

PanelProcess::~PanelProcess() {
    stop();
    // A failure in CI leaves only the test's output: the panel's own account
    // of what happened (an area marked down, a task's error) goes with it.
    const auto* unit = ::testing::UnitTest::GetInstance();
    if (::testing::Test::HasFailure() || unit->failed_test_count() > 0)
        std::cerr << "--- last lines of " << (data_dir_ / "panel.log").string() << " ---\n"
                  << tail_of(data_dir_ / "panel.log", 120) << "--- end of panel.log ---\n";
    if (owns_dir_ && !keep_) {
        std::error_code ec;
        fs::remove_all(data_dir_, ec);
    }
}

std::string PanelProcess::log() const {
    std::ifstream f(data_dir_ / "panel.log");
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

std::string PanelProcess::admin_password() const {
    std::ifstream f(data_dir_ / "initial-admin-password");
    std::string pw;
    f >> pw;
    return pw;
}

std::string PanelProcess::login(const std::string& username, const std::string& password) const {
    auto r = client_.post("/api/v1/auth/login", {{"username", username}, {"password", password}});
    if (r.status != 200) throw std::runtime_error("login failed: " + r.body);
    return std::string(r.json().at("token").as_string());
}

const std::string& PanelProcess::admin_key() {
    if (admin_key_.empty()) {
        std::string session = login("admin", admin_password());
        auto r = client_.post("/api/v1/users/admin/api-keys",
                              {{"name", "tests"}, {"permissions", {"all"}}}, session);
        if (r.status != 201) throw std::runtime_error("key create failed: " + r.body);
        admin_key_ = std::string(r.json().at("secret_key").as_string());
    }
    return admin_key_;
}

std::string PanelProcess::create_user_with_key(const std::string& username,
                                               const std::string& package) {
    const std::string password = "Passw0rd-" + username;
    auto r = client_.post("/api/v1/users",
                          {{"username", username},
                           {"email", username + "@example.com"},
                           {"password", password},
                           {"package", package}},
                          admin_key());
    if (r.status != 201) throw std::runtime_error("user create failed: " + r.body);
    std::string session = login(username, password);
    auto k = client_.post("/api/v1/users/" + username + "/api-keys",
                          {{"name", "tests"}, {"permissions", {"all"}}}, session);
    if (k.status != 201) throw std::runtime_error("key create failed: " + k.body);
    return std::string(k.json().at("secret_key").as_string());
}

bool PanelProcess::wait_for_component(const std::string& component, const std::string& state,
                                      std::chrono::seconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        auto h = client_.get("/api/v1/health");
        if (h.status == 200 && h.json().at("components").as_object().contains(component) &&
            h.json().at("components").at(component).as_string() == state)
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

}  // namespace wsp::test
