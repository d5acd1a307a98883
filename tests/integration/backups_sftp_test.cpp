// Backups into an SFTP repository (docs/backups.md "Repository"): restic's
// sftp back end against a real OpenSSH sshd (internal-sftp, key login
// only) that the test starts on loopback with its own host key, config and
// port. The panel is given only the repository URL, a private key file and
// a known_hosts file; it writes its own ssh config (BatchMode, strict host
// key checking). Round trip checked by sha256; a host key that does not
// match the known_hosts file fails the run.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void spit(const fs::path& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << data;
}

ProcessResult run(const std::vector<std::string>& argv, std::vector<std::string> env = {}) {
    ProcessOptions o;
    o.max_output = 16 * 1024 * 1024;
    o.timeout = std::chrono::seconds(120);
    o.env = std::move(env);
    auto r = run_process(argv, o);
    return r ? *r : ProcessResult{};
}

std::string sha256_of(const fs::path& p) {
    return run({"/usr/bin/sha256sum", p.string()}).output.substr(0, 64);
}

class BackupsSftp : public ::testing::Test {
  protected:
    void SetUp() override {
        if (::geteuid() != 0) GTEST_SKIP() << "needs root (sshd)";
        if (!fs::exists("/usr/sbin/sshd")) GTEST_SKIP() << "openssh-server is not installed";
        dir_ = make_temp_dir("wsp-bk-sftp");
        // sshd reads authorized_keys as the login user (nobody), which also
        // owns the repository directory.
        ::chmod(dir_.c_str(), 0711);
        fs::create_directories(dir_ / "sshd");
        ::chmod((dir_ / "sshd").c_str(), 0711);
        fs::create_directories(dir_ / "target");
        ASSERT_EQ(run({"/bin/chown", "nobody:nogroup", (dir_ / "target").string()}).exit_code, 0);
        for (const char* key : {"host_key", "client_key", "other_host_key"})
            ASSERT_TRUE(run({"/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
                             (dir_ / "sshd" / key).string()})
                            .ok());
        fs::copy_file(dir_ / "sshd" / "client_key.pub", dir_ / "sshd" / "authorized_keys");
        ::chmod((dir_ / "sshd" / "authorized_keys").c_str(), 0644);
        port_ = free_port();
        spit(dir_ / "sshd" / "sshd_config",
             "Port " + std::to_string(port_) +
                 "\n"
                 "ListenAddress 127.0.0.1\n"
                 "HostKey " +
                 (dir_ / "sshd" / "host_key").string() + "\nPidFile " +
                 (dir_ / "sshd" / "sshd.pid").string() +
                 "\n"
                 "UsePAM no\nStrictModes no\nPasswordAuthentication no\n"
                 "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
                 "AuthorizedKeysFile " +
                 (dir_ / "sshd" / "authorized_keys").string() +
                 "\n"
                 "AllowUsers nobody\nSubsystem sftp internal-sftp\nForceCommand internal-sftp\n"
                 "AllowTcpForwarding no\nX11Forwarding no\n");
        if (!fs::exists("/run/sshd")) fs::create_directories("/run/sshd");
        auto t = run({"/usr/sbin/sshd", "-t", "-f", (dir_ / "sshd" / "sshd_config").string()});
        ASSERT_TRUE(t.ok()) << t.output;
        ProcessOptions o;
        auto child = Child::start({"/usr/sbin/sshd", "-D", "-E", (dir_ / "sshd" / "log").string(),
                                   "-f", (dir_ / "sshd" / "sshd_config").string()},
                                  o, -1, -1);
        ASSERT_TRUE(child) << child.error().message;
        sshd_ = std::make_unique<Child>(std::move(*child));
        // Ready when ssh-keyscan gets its host key: that is the known_hosts.
        std::string known;
        for (int i = 0; i < 100 && known.empty(); ++i) {
            known = run({"/usr/bin/ssh-keyscan", "-p", std::to_string(port_), "-t", "ed25519",
                         "127.0.0.1"})
                        .output;
            if (known.find("ssh-ed25519") == std::string::npos) known.clear();
            if (known.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ASSERT_FALSE(known.empty()) << slurp(dir_ / "sshd" / "log");
        // ssh-keyscan writes its banner comments on stderr, merged here.
        std::istringstream lines(known);
        std::string line, kept;
        while (std::getline(lines, line))
            if (!line.empty() && line[0] != '#') kept += line + "\n";
        spit(dir_ / "known_hosts", kept);
    }
    void TearDown() override {
        panel_.reset();
        if (sshd_) sshd_->kill(), (void)sshd_->wait();
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    std::string repository() const {
        return "sftp://nobody@127.0.0.1:" + std::to_string(port_) + "/" +
               (dir_ / "target" / "repo").string();
    }

    void start_panel() {
        panel_ = std::make_unique<PanelProcess>(PanelOptions{
            .config = {"mariadb.mode=off", "pma.enabled=false",
                       "backups.repository=" + repository(),
                       "backups.sftp_key_file=" + (dir_ / "sshd" / "client_key").string(),
                       "backups.sftp_known_hosts_file=" + (dir_ / "known_hosts").string()}});
    }

    json::object wait_task(const std::string& key, const std::string& id) {
        auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(180);
        json::object t;
        while (std::chrono::steady_clock::now() < deadline) {
            auto r = panel_->http().get("/api/v1/backups/tasks/" + id, key);
            EXPECT_EQ(r.status, 200) << r.body;
            if (r.status != 200) break;
            t = r.json().as_object();
            auto status = std::string(t.at("status").as_string());
            if (status != "queued" && status != "running") return t;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        ADD_FAILURE() << "task " << id << " never finished";
        return t;
    }
    json::object run_task(const std::string& key, const HttpResult& r) {
        EXPECT_EQ(r.status, 202) << r.body;
        if (r.status != 202) return {};
        return wait_task(key, std::string(r.json().at("id").as_string()));
    }

    fs::path dir_;
    int port_ = 0;
    std::unique_ptr<Child> sshd_;
    std::unique_ptr<PanelProcess> panel_;
};

TEST_F(BackupsSftp, BackupAndRestoreThroughAnSftpRepositoryRoundTripBySha256) {
    start_panel();
    const std::string key = panel_->create_user_with_key("sftpbk");
    const fs::path home = panel_->data_dir() / "home" / "sftpbk";
    struct stat hs {};
    ASSERT_EQ(::stat(home.c_str(), &hs), 0);
    fs::create_directories(home / "site" / "img");
    spit(home / "site" / "index.php", "<?php echo 'hello over sftp';\n");
    std::string blob;
    for (int i = 0; i < 300000; ++i)
        blob += std::to_string(static_cast<int64_t>(i) * 7919 % 100003) + ",";
    spit(home / "site" / "img" / "data.bin", blob);
    for (const auto& p : {home / "site", home / "site" / "img", home / "site" / "index.php",
                          home / "site" / "img" / "data.bin"})
        ASSERT_EQ(::chown(p.c_str(), hs.st_uid, hs.st_gid), 0);
    const std::string sum_index = sha256_of(home / "site" / "index.php");
    const std::string sum_data = sha256_of(home / "site" / "img" / "data.bin");

    auto t = run_task(key, panel_->http().post("/api/v1/backups", json::object{}, key));
    ASSERT_EQ(std::string(t.at("status").as_string()), "done") << json::serialize(t);
    auto list = panel_->http().get("/api/v1/backups", key);
    ASSERT_EQ(list.status, 200) << list.body;
    const auto items = list.json().as_array();
    ASSERT_EQ(items.size(), 1u) << list.body;
    const std::string id(items[0].at("id").as_string());
    EXPECT_EQ(std::string(items[0].at("status").as_string()), "done");

    // The repository is on the SFTP server's side, written by its user.
    struct stat rs {};
    ASSERT_EQ(::stat((dir_ / "target" / "repo" / "config").c_str(), &rs), 0);
    struct stat nobody {};
    ASSERT_EQ(::stat((dir_ / "target").c_str(), &nobody), 0);
    EXPECT_EQ(rs.st_uid, nobody.st_uid);
    // Nothing local: no repository in the data dir.
    EXPECT_FALSE(fs::exists(panel_->data_dir() / "backups" / "repo"));
    // The ssh config the panel wrote: this key, these known hosts, no prompt.
    const fs::path ssh_config = panel_->data_dir() / "backups" / "ssh_config";
    const std::string conf = slurp(ssh_config);
    EXPECT_NE(conf.find("StrictHostKeyChecking yes"), std::string::npos) << conf;
    EXPECT_NE(conf.find("BatchMode yes"), std::string::npos) << conf;
    EXPECT_NE(conf.find("PasswordAuthentication no"), std::string::npos) << conf;
    EXPECT_EQ(fs::status(ssh_config).permissions() & fs::perms::all,
              fs::perms::owner_read | fs::perms::owner_write);

    // Gone, then restored in place from the SFTP repository.
    fs::remove_all(home / "site");
    auto rt = run_task(
        key, panel_->http().post("/api/v1/backups/" + id + "/restore",
                                 {{"what", "paths"}, {"paths", json::array{"/site"}}}, key));
    ASSERT_EQ(std::string(rt.at("status").as_string()), "done") << json::serialize(rt);
    EXPECT_EQ(sha256_of(home / "site" / "index.php"), sum_index);
    EXPECT_EQ(sha256_of(home / "site" / "img" / "data.bin"), sum_data);
    struct stat fst {};
    ASSERT_EQ(::stat((home / "site" / "img" / "data.bin").c_str(), &fst), 0);
    EXPECT_EQ(fst.st_uid, hs.st_uid);  // written as the account

    // The repository is sound, checked by restic through the same ssh config.
    auto check =
        run({"/usr/bin/restic", "-o",
             "sftp.command=ssh -F " + ssh_config.string() + " wsp-backup-target -s sftp", "check"},
            {"PATH=/usr/bin:/bin", "HOME=" + (dir_ / "sshd").string(),
             "RESTIC_REPOSITORY=" + repository(),
             "RESTIC_PASSWORD_FILE=" +
                 (panel_->data_dir() / "backups" / "repository-password").string(),
             "RESTIC_CACHE_DIR=" + (dir_ / "cache").string()});
    EXPECT_TRUE(check.ok()) << check.output;

    // A host key that is not the known one: the run fails (no prompt, no
    // trust on first use) and its row says why.
    auto other = slurp(dir_ / "sshd" / "other_host_key.pub");
    spit(dir_ / "known_hosts", "[127.0.0.1]:" + std::to_string(port_) + " " + other);
    auto bad = run_task(key, panel_->http().post("/api/v1/backups", json::object{}, key));
    EXPECT_EQ(std::string(bad.at("status").as_string()), "failed") << json::serialize(bad);
    auto after = panel_->http().get("/api/v1/backups", key).json().as_array();
    ASSERT_EQ(after.size(), 2u);
    EXPECT_EQ(std::string(after[0].at("status").as_string()), "failed");
    EXPECT_NE(json::serialize(after[0]).find("ost key verification failed"), std::string::npos)
        << json::serialize(after[0]);
}

TEST_F(BackupsSftp, AKeyFileOthersCanReadIsRefused) {
    ::chmod((dir_ / "sshd" / "client_key").c_str(), 0644);
    start_panel();
    const std::string key = panel_->create_user_with_key("sftpbad");
    auto t = run_task(key, panel_->http().post("/api/v1/backups", json::object{}, key));
    EXPECT_EQ(std::string(t.at("status").as_string()), "failed") << json::serialize(t);
    auto items = panel_->http().get("/api/v1/backups", key).json().as_array();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_NE(json::serialize(items[0]).find("sftp_key_file"), std::string::npos)
        << json::serialize(items[0]);
    EXPECT_FALSE(fs::exists(dir_ / "target" / "repo" / "config"));
}

}  // namespace
}  // namespace wsp::test
