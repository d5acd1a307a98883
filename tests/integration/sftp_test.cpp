// SFTP for the FTP accounts end to end: the real panel starts its real
// ProFTPD with mod_sftp beside FTP, and OpenSSH's sftp (password through
// sshpass, or a key) logs in.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "ftp_client.h"
#include "support/panel_process.h"
#include "system/process.h"

namespace wsp::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

struct SftpRun {
    int rc = -1;
    std::string out;
};

class SftpTest : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        ftp_port_ = free_port();
        sftp_port_ = free_port();
        const int base = 42000 + static_cast<int>(::getpid() % 2000) * 10;
        const std::string passive = std::to_string(base) + "-" + std::to_string(base + 9);
        panel_ = new PanelProcess(PanelOptions{
            .config = {"ftp.port=" + std::to_string(ftp_port_), "ftp.passive_ports=" + passive,
                       "ftp.sftp_port=" + std::to_string(sftp_port_)}});
        admin_ = panel_->admin_key();
        bob_ = panel_->create_user_with_key("bob");
        eve_ = panel_->create_user_with_key("eve");
        files_ = make_temp_dir("wsp-sftp-files");
        ::chmod(files_.c_str(), 0700);
        wait_ftp_running(*panel_, admin_, true);
        for (int i = 0; i < 100; ++i) {
            auto s = http().get("/api/v1/ftp/status", admin_);
            if (s.status == 200 && s.json().at("protocols").at("sftp").at("running").as_bool())
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    static void TearDownTestSuite() {
        delete panel_;
        panel_ = nullptr;
        std::error_code ec;
        fs::remove_all(files_, ec);
    }

    static const HttpClient& http() { return panel_->http(); }

    static std::vector<std::string> ssh_options() {
        return {"-P", std::to_string(sftp_port_),
                "-o", "UserKnownHostsFile=" + (files_ / "known_hosts").string(),
                "-o", "StrictHostKeyChecking=accept-new",
                "-o", "ConnectTimeout=10"};
    }

    static std::vector<std::string> env() {
        return {"PATH=/usr/bin:/bin", "HOME=" + files_.string()};
    }

    static fs::path batch_file(const std::vector<std::string>& commands) {
        static int n = 0;
        fs::path p = files_ / ("batch" + std::to_string(++n));
        std::ofstream f(p);
        for (const auto& c : commands) f << c << "\n";
        return p;
    }

    // sftp -b with a password (sshpass reads it from the environment, never
    // from the command line). -o BatchMode=no must come before -b.
    static SftpRun sftp_password(const std::string& user, const std::string& password,
                                 const std::vector<std::string>& commands) {
        std::vector<std::string> argv = {"/usr/bin/sshpass", "-e", "/usr/bin/sftp"};
        for (auto& o : ssh_options()) argv.push_back(o);
        for (const char* o : {"BatchMode=no", "PubkeyAuthentication=no",
                              "PreferredAuthentications=password,keyboard-interactive"}) {
            argv.push_back("-o");
            argv.push_back(o);
        }
        argv.insert(argv.end(), {"-b", batch_file(commands).string(), user + "@127.0.0.1"});
        auto e = env();
        e.push_back("SSHPASS=" + password);
        auto r = run_process(
            argv, ProcessOptions{.env = e, .cwd = files_, .timeout = std::chrono::seconds(60)});
        if (!r.ok()) return {};
        return {r->exit_code, r->output};
    }

    static SftpRun sftp_key(const std::string& user, const fs::path& key,
                            const std::vector<std::string>& commands) {
        std::vector<std::string> argv = {"/usr/bin/sftp"};
        for (auto& o : ssh_options()) argv.push_back(o);
        for (const char* o : {"IdentitiesOnly=yes", "PasswordAuthentication=no",
                              "KbdInteractiveAuthentication=no"}) {
            argv.push_back("-o");
            argv.push_back(o);
        }
        argv.insert(argv.end(),
                    {"-i", key.string(), "-b", batch_file(commands).string(), user + "@127.0.0.1"});
        auto r = run_process(
            argv, ProcessOptions{.env = env(), .cwd = files_, .timeout = std::chrono::seconds(60)});
        if (!r.ok()) return {};
        return {r->exit_code, r->output};
    }

    static std::string run(const std::vector<std::string>& argv, const std::string& input = "") {
        auto r = run_process(argv, ProcessOptions{.env = env(),
                                                  .cwd = files_,
                                                  .timeout = std::chrono::seconds(30),
                                                  .stdin_data = input});
        return r.ok() ? r->output : "";
    }

    // A new client key pair; returns the private key's path.
    static fs::path make_key(const std::string& name, const std::string& type,
                             const std::string& bits = "") {
        fs::path p = files_ / name;
        std::vector<std::string> argv = {"/usr/bin/ssh-keygen", "-q", "-t", type};
        if (!bits.empty()) argv.insert(argv.end(), {"-b", bits});
        argv.insert(argv.end(), {"-N", "", "-C", name + "@laptop", "-f", p.string()});
        run(argv);
        return p;
    }
    static std::string read(const fs::path& p) {
        std::ifstream f(p);
        return std::string((std::istreambuf_iterator<char>(f)), {});
    }
    static std::string fingerprint_of(const fs::path& pub) {
        // "256 SHA256:xxxx comment (ED25519)"
        std::string out = run({"/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", pub.string()});
        auto sp = out.find(' ');
        auto sp2 = out.find(' ', sp + 1);
        return out.substr(sp + 1, sp2 - sp - 1);
    }

    static fs::path local_file(const std::string& name, size_t bytes, char fill = 'x') {
        fs::path p = files_ / name;
        std::ofstream f(p, std::ios::binary);
        f << std::string(bytes, fill);
        return p;
    }

    static std::string make_account(const std::string& name, json::object extra = {}) {
        json::object body{{"username", name}, {"password", kPassword}};
        for (auto& [k, v] : extra) body[k] = v;
        auto r = http().post("/api/v1/ftp", body, bob_);
        EXPECT_EQ(r.status, 201) << r.body;
        return "bob_" + name;
    }

    static fs::path bob_home() { return panel_->data_dir() / "home" / "bob"; }

    static constexpr const char* kPassword = "S3cure-pass";
    static inline PanelProcess* panel_ = nullptr;
    static inline int ftp_port_ = 0;
    static inline int sftp_port_ = 0;
    static inline std::string admin_, bob_, eve_;
    static inline fs::path files_;
};

TEST_F(SftpTest, StatusShowsSftpAndHostKeysTheServerReallyUses) {
    auto r = http().get("/api/v1/ftp/status", bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    const json::value status = r.json();
    const auto& sftp = status.at("protocols").at("sftp");
    EXPECT_TRUE(sftp.at("enabled").as_bool());
    EXPECT_TRUE(sftp.at("running").as_bool()) << r.body << panel_->log();
    EXPECT_EQ(sftp.at("port").as_int64(), sftp_port_);
    EXPECT_EQ(sftp.at("address").as_string(), "127.0.0.1");
    const auto& ftp = status.at("protocols").at("ftp");
    EXPECT_TRUE(ftp.at("running").as_bool());
    // What an FTP client needs beside SFTP's: address, port, FTPS.
    EXPECT_EQ(ftp.at("address").as_string(), "127.0.0.1");
    EXPECT_EQ(ftp.at("port").as_int64(), ftp_port_);
    EXPECT_TRUE(ftp.at("tls").is_bool()) << r.body;
    EXPECT_TRUE(ftp.at("tls_required").is_bool()) << r.body;
    std::map<std::string, std::string> api;
    for (const auto& k : sftp.at("host_keys").as_array())
        api[std::string(k.at("type").as_string())] = k.at("fingerprint").as_string();
    ASSERT_EQ(api.size(), 2u) << r.body;
    // What the server presents, fingerprinted by OpenSSH itself.
    for (const auto& [type, short_type] : std::map<std::string, std::string>{
             {"ssh-ed25519", "ed25519"}, {"ecdsa-sha2-nistp256", "ecdsa"}}) {
        std::string scan = run({"/usr/bin/ssh-keyscan", "-p", std::to_string(sftp_port_), "-t",
                                short_type, "127.0.0.1"});
        std::string lines;
        std::istringstream in(scan);
        for (std::string line; std::getline(in, line);)
            if (!line.starts_with("#")) lines += line + "\n";
        ASSERT_FALSE(lines.empty()) << scan;
        std::string fp = run({"/usr/bin/ssh-keygen", "-l", "-E", "sha256", "-f", "-"}, lines);
        EXPECT_NE(fp.find(api[type]), std::string::npos) << type << ": " << fp;
    }
    // Host keys are private to root.
    struct stat st {};
    ASSERT_EQ(::stat((panel_->data_dir() / "ftp" / "keys" / "ssh_host_ed25519_key").c_str(), &st),
              0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(SftpTest, PasswordLoginUploadDownloadAndChroot) {
    const auto user = make_account("web", {{"home_dir", "sites/web"}});
    { std::ofstream(bob_home() / "outside.txt") << "secret"; }
    local_file("up.txt", 4321);
    auto r =
        sftp_password(user, kPassword,
                      {"put up.txt", "mkdir sub", "put up.txt sub/up2.txt",
                       "get sub/up2.txt back.txt", "cd ..", "pwd", "-ls /etc",
                       "-get /../../outside.txt leak.txt", "-get ../../../etc/passwd passwd.txt"});
    EXPECT_EQ(r.rc, 0) << r.out << panel_->log();
    EXPECT_NE(r.out.find("Remote working directory: /"), std::string::npos) << r.out;
    EXPECT_EQ(fs::file_size(bob_home() / "sites" / "web" / "up.txt"), 4321u);
    EXPECT_EQ(fs::file_size(bob_home() / "sites" / "web" / "sub" / "up2.txt"), 4321u);
    EXPECT_EQ(read(files_ / "back.txt"), std::string(4321, 'x'));
    EXPECT_FALSE(fs::exists(files_ / "leak.txt"));
    EXPECT_FALSE(fs::exists(files_ / "passwd.txt"));
    // Files belong to the account's owner, as over FTP.
    struct stat home {
    }, file{};
    ASSERT_EQ(::stat(bob_home().c_str(), &home), 0);
    ASSERT_EQ(::stat((bob_home() / "sites" / "web" / "up.txt").c_str(), &file), 0);
    EXPECT_EQ(file.st_uid, home.st_uid);

    auto wrong = sftp_password(user, "wrong-password", {"ls"});
    EXPECT_NE(wrong.rc, 0) << wrong.out;
}

// curl (libssh2, which picks the ECDSA host key), pinned to the fingerprint
// the API shows: the upload works; a wrong pin is refused.
TEST_F(SftpTest, CurlOverSftpWithTheHostKeyPinnedFromTheApi) {
    const auto user = make_account("curl", {{"home_dir", "sites/curl"}});
    const json::value status = http().get("/api/v1/ftp/status", bob_).json();
    std::string ecdsa;
    for (const auto& k : status.at("protocols").at("sftp").at("host_keys").as_array())
        if (k.at("type").as_string() == "ecdsa-sha2-nistp256")
            ecdsa = std::string(k.at("fingerprint").as_string()).substr(7);  // after "SHA256:"
    ASSERT_FALSE(ecdsa.empty());
    const auto local = local_file("curl-up.txt", 777);
    const std::string url = "sftp://127.0.0.1:" + std::to_string(sftp_port_) + "/curl-up.txt";
    auto curl = [&](const std::string& pin) {
        auto r = run_process({"/usr/bin/curl", "-sS", "--max-time", "30", "--hostpubsha256", pin,
                              "--user", user + ":" + kPassword, "-T", local.string(), url},
                             ProcessOptions{.env = env(), .timeout = std::chrono::seconds(40)});
        return r.ok() ? r->exit_code : -1;
    };
    EXPECT_EQ(curl(ecdsa), 0);
    EXPECT_EQ(fs::file_size(bob_home() / "sites" / "curl" / "curl-up.txt"), 777u);
    EXPECT_NE(curl("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 0);
}

TEST_F(SftpTest, ReadOnlyAccountCannotWriteOverSftp) {
    const auto user = make_account("ro", {{"home_dir", "sites/ro"}, {"read_only", true}});
    const fs::path dir = bob_home() / "sites" / "ro";
    { std::ofstream(dir / "index.html") << "hello"; }
    local_file("ro-up.txt", 10);
    auto r =
        sftp_password(user, kPassword,
                      {"get index.html ro-back.html", "-put ro-up.txt", "-mkdir newdir",
                       "-rm index.html", "-rename index.html moved.html", "-chmod 777 index.html"});
    EXPECT_EQ(r.rc, 0) << r.out;
    EXPECT_EQ(read(files_ / "ro-back.html"), "hello");
    EXPECT_FALSE(fs::exists(dir / "ro-up.txt"));
    EXPECT_FALSE(fs::exists(dir / "newdir"));
    EXPECT_TRUE(fs::exists(dir / "index.html"));
    EXPECT_FALSE(fs::exists(dir / "moved.html"));
    size_t denied = 0;
    for (size_t p = r.out.find("Permission denied"); p != std::string::npos;
         p = r.out.find("Permission denied", p + 1))
        ++denied;
    EXPECT_GE(denied, 4u) << r.out;
}

TEST_F(SftpTest, DisabledAccountAndSftpOffAreRefused) {
    const auto user = make_account("off");
    EXPECT_EQ(sftp_password(user, kPassword, {"ls"}).rc, 0);
    // SFTP off for this account: refused over SFTP, FTP still works.
    auto r = http().put("/api/v1/ftp/" + user, {{"sftp", false}}, bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_FALSE(r.json().at("sftp").as_bool());
    EXPECT_NE(sftp_password(user, kPassword, {"ls"}).rc, 0);
    EXPECT_EQ(ftp_curl(user, kPassword, {"--list-only", ftp_url(ftp_port_)}), 0);
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"sftp", true}}, bob_).status, 200);
    EXPECT_EQ(sftp_password(user, kPassword, {"ls"}).rc, 0);
    // Disabled: refused.
    ASSERT_EQ(http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, bob_).status, 200);
    EXPECT_NE(sftp_password(user, kPassword, {"ls"}).rc, 0);
    ASSERT_EQ(http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, bob_).status, 200);
    EXPECT_EQ(sftp_password(user, kPassword, {"ls"}).rc, 0);
}

TEST_F(SftpTest, PublicKeysAreValidatedAndLogIn) {
    const auto user = make_account("keys", {{"home_dir", "sites/keys"}});
    const auto url = "/api/v1/ftp/" + user + "/keys";
    // Refused: garbage, a private key, RSA below 3072 bits, DSA, two lines.
    const auto rsa2048 = make_key("rsa2048", "rsa", "2048");
    for (const std::string& bad :
         {std::string("not a key"), std::string("ssh-ed25519 AAAA"), read(rsa2048),
          read(fs::path(rsa2048.string() + ".pub")),
          std::string("ssh-dss AAAAB3NzaC1kc3MAAACBAP== x"),
          read(fs::path(rsa2048.string() + ".pub")) + read(fs::path(rsa2048.string() + ".pub"))}) {
        auto r = http().post(url, {{"public_key", bad}}, bob_);
        EXPECT_EQ(r.status, 400) << bad << r.body;
        EXPECT_NE(r.error().find("public_key"), std::string::npos) << r.body;
    }
    EXPECT_EQ(http().post(url, json::object{}, bob_).status, 400);

    const auto ed = make_key("ed", "ed25519");
    const auto ec = make_key("ec", "ecdsa", "384");
    const auto rsa = make_key("rsa3072", "rsa", "3072");
    std::vector<int64_t> ids;
    for (const auto& k : {ed, ec, rsa}) {
        const fs::path pub(k.string() + ".pub");
        auto r = http().post(url, {{"public_key", read(pub)}}, bob_);
        ASSERT_EQ(r.status, 201) << r.body;
        EXPECT_EQ(r.json().at("fingerprint").as_string(), fingerprint_of(pub)) << r.body;
        EXPECT_TRUE(r.json().at("comment").as_string().ends_with("@laptop"));
        ids.push_back(r.json().at("id").as_int64());
    }
    auto dup = http().post(url, {{"public_key", read(fs::path(ed.string() + ".pub"))}}, bob_);
    EXPECT_EQ(dup.status, 409) << dup.body;
    auto list = http().get(url, bob_);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json().at("total").as_int64(), 3);
    EXPECT_EQ(list.json().at("keys").as_array()[2].at("bits").as_int64(), 3072);
    // Another customer sees nothing of it.
    EXPECT_NE(http().get(url, eve_).status, 200);
    EXPECT_NE(http().del(url + "/" + std::to_string(ids[0]), eve_).status, 200);

    // Each key logs in.
    for (const auto& k : {ed, ec, rsa}) {
        auto r = sftp_key(user, k, {"pwd"});
        EXPECT_EQ(r.rc, 0) << k << r.out << panel_->log();
    }
    // A key that is not on the account does not.
    const auto other = make_key("other", "ed25519");
    EXPECT_NE(sftp_key(user, other, {"pwd"}).rc, 0);

    // Password login off: keys only.
    auto off = http().put("/api/v1/ftp/" + user, {{"password_login", false}}, bob_);
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_FALSE(off.json().at("password_login").as_bool());
    EXPECT_NE(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    EXPECT_EQ(sftp_key(user, ed, {"pwd"}).rc, 0);
    ASSERT_EQ(http().put("/api/v1/ftp/" + user, {{"password_login", true}}, bob_).status, 200);
    EXPECT_EQ(sftp_password(user, kPassword, {"pwd"}).rc, 0);

    // A deleted key no longer logs in.
    auto del = http().del(url + "/" + std::to_string(ids[0]), bob_);
    ASSERT_EQ(del.status, 200) << del.body;
    EXPECT_NE(sftp_key(user, ed, {"pwd"}).rc, 0);
    EXPECT_EQ(http().del(url + "/" + std::to_string(ids[0]), bob_).status, 404);
    EXPECT_EQ(http().del(url + "/abc", bob_).status, 404);
    EXPECT_EQ(sftp_key(user, ec, {"pwd"}).rc, 0);
}

TEST_F(SftpTest, QuotaOverrunFailsVisiblyForTheClient) {
    const auto user = make_account("quota", {{"home_dir", "sites/quota"}, {"quota_mb", 1}});
    const fs::path dir = bob_home() / "sites" / "quota";
    local_file("q600k.bin", 600000);
    auto first = sftp_password(user, kPassword, {"put q600k.bin a.bin"});
    EXPECT_EQ(first.rc, 0) << first.out;
    EXPECT_TRUE(fs::exists(dir / "a.bin"));
    // Crossing 1 MiB: the server removes the upload, and the client must
    // see it fail (not "success" with the file gone).
    auto second = sftp_password(user, kPassword, {"put q600k.bin b.bin"});
    EXPECT_NE(second.rc, 0) << second.out;
    EXPECT_FALSE(fs::exists(dir / "b.bin"));
    // What fits still goes in, in a new session (the tally is right again).
    local_file("q100k.bin", 100000);
    auto third = sftp_password(user, kPassword, {"put q100k.bin c.bin", "ls"});
    EXPECT_EQ(third.rc, 0) << third.out;
    EXPECT_TRUE(fs::exists(dir / "c.bin"));
}

TEST_F(SftpTest, IpAllowListApplies) {
    const auto user = make_account("ips", {{"allowed_ips", json::array{"203.0.113.0/24"}}});
    EXPECT_NE(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    auto r = http().put("/api/v1/ftp/" + user + "/ip-restrictions",
                        {{"allowed_ips", json::array{"127.0.0.1"}}}, bob_);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(sftp_password(user, kPassword, {"pwd"}).rc, 0);
}

TEST_F(SftpTest, SessionsAreListedAndCanBeEnded) {
    const auto user = make_account("sess");
    // A session that stays open a while (the sleep runs on the client side).
    SftpRun client;
    std::thread t([&] {
        client = sftp_password(user, kPassword, {"pwd", "!sleep 8", "pwd", "ls"});
    });
    std::string id;
    json::object seen;
    for (int i = 0; i < 100 && id.empty(); ++i) {
        auto r = http().get("/api/v1/ftp/sessions", bob_);
        ASSERT_EQ(r.status, 200) << r.body;
        const json::value listed = r.json();
        for (const auto& s : listed.at("sessions").as_array())
            if (s.at("account").as_string() == user) {
                id = s.at("id").as_string();
                seen = s.as_object();
            }
        if (id.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_FALSE(id.empty()) << panel_->log();
    EXPECT_EQ(seen.at("protocol").as_string(), "sftp");
    EXPECT_EQ(seen.at("client_ip").as_string(), "127.0.0.1");
    EXPECT_TRUE(seen.contains("since"));
    EXPECT_TRUE(seen.contains("command"));
    // eve sees none of bob's sessions and cannot end them.
    const json::value eves = http().get("/api/v1/ftp/sessions", eve_).json();
    for (const auto& s : eves.at("sessions").as_array())
        EXPECT_NE(s.at("account").as_string(), user);
    EXPECT_EQ(http().del("/api/v1/ftp/sessions/" + id, eve_).status, 404);
    EXPECT_EQ(http().del("/api/v1/ftp/sessions/999999999", bob_).status, 404);
    auto end = http().del("/api/v1/ftp/sessions/" + id, bob_);
    EXPECT_EQ(end.status, 200) << end.body;
    t.join();
    // The commands after the sleep found the connection gone.
    EXPECT_NE(client.rc, 0) << client.out;
}

TEST_F(SftpTest, DisablingAnAccountEndsItsOpenSftpSession) {
    const auto user = make_account("cut");
    SftpRun client;
    std::thread t([&] {
        client = sftp_password(user, kPassword, {"pwd", "!sleep 8", "pwd", "ls"});
    });
    bool open = false;
    for (int i = 0; i < 100 && !open; ++i) {
        const json::value listed = http().get("/api/v1/ftp/sessions", bob_).json();
        for (const auto& s : listed.at("sessions").as_array())
            open = open || s.at("account").as_string() == user;
        if (!open) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(open);
    ASSERT_EQ(http().post("/api/v1/ftp/" + user + "/toggle", json::object{}, bob_).status, 200);
    t.join();
    EXPECT_NE(client.rc, 0) << client.out;
}

// Suspending the owner ends the account's open SFTP session and refuses
// new logins; reinstating lets it in again.
TEST_F(SftpTest, SuspendedOwnerIsCutOffAndRefused) {
    auto key = panel_->create_user_with_key("sus");
    ASSERT_EQ(
        http().post("/api/v1/ftp", {{"username", "site"}, {"password", kPassword}}, key).status,
        201);
    const std::string user = "sus_site";
    SftpRun client;
    std::thread t([&] {
        client = sftp_password(user, kPassword, {"pwd", "!sleep 8", "pwd", "ls"});
    });
    bool open = false;
    for (int i = 0; i < 100 && !open; ++i) {
        const json::value listed = http().get("/api/v1/ftp/sessions", key).json();
        for (const auto& s : listed.at("sessions").as_array())
            open = open || s.at("account").as_string() == user;
        if (!open) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(open);
    ASSERT_EQ(http().post("/api/v1/users/sus/suspend", json::object{}, admin_).status, 200);
    t.join();
    EXPECT_NE(client.rc, 0) << client.out;
    EXPECT_NE(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    ASSERT_EQ(http().post("/api/v1/users/sus/unsuspend", json::object{}, admin_).status, 200);
    EXPECT_EQ(sftp_password(user, kPassword, {"pwd"}).rc, 0);
}

// A package's `sftp` switch: its accounts' FTP accounts may not use SFTP
// while it is off (an open SFTP session ends, FTP goes on); turning it on
// again, or moving the owner to another package, lets them in.
TEST_F(SftpTest, PackageWithoutSftpRefusesItsAccounts) {
    auto made = http().post("/api/v1/packages", {{"name", "nosftp"}}, admin_);
    ASSERT_EQ(made.status, 201) << made.body;
    EXPECT_TRUE(made.json().at("sftp").as_bool());
    auto key = panel_->create_user_with_key("pkg", "nosftp");
    ASSERT_EQ(
        http().post("/api/v1/ftp", {{"username", "site"}, {"password", kPassword}}, key).status,
        201);
    const std::string user = "pkg_site";
    EXPECT_EQ(sftp_password(user, kPassword, {"pwd"}).rc, 0);

    // Off while a session is open: the session ends and the next login is refused.
    SftpRun client;
    std::thread t([&] {
        client = sftp_password(user, kPassword, {"pwd", "!sleep 8", "pwd", "ls"});
    });
    bool open = false;
    for (int i = 0; i < 100 && !open; ++i) {
        const json::value listed = http().get("/api/v1/ftp/sessions", key).json();
        for (const auto& s : listed.at("sessions").as_array())
            open = open || s.at("account").as_string() == user;
        if (!open) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    ASSERT_TRUE(open);
    auto off = http().put("/api/v1/packages/nosftp", {{"sftp", false}}, admin_);
    ASSERT_EQ(off.status, 200) << off.body;
    EXPECT_FALSE(off.json().at("sftp").as_bool());
    t.join();
    EXPECT_NE(client.rc, 0) << client.out;
    EXPECT_NE(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    // The account's own switch is untouched; FTP still logs in.
    EXPECT_TRUE(http().get("/api/v1/ftp/" + user, key).json().at("sftp").as_bool());
    EXPECT_EQ(ftp_curl(user, kPassword, {"--list-only", ftp_url(ftp_port_)}), 0);
    // Another package's accounts are not affected.
    EXPECT_EQ(sftp_password(make_account("other"), kPassword, {"pwd"}).rc, 0);

    // On again: in.
    ASSERT_EQ(http().put("/api/v1/packages/nosftp", {{"sftp", true}}, admin_).status, 200);
    EXPECT_EQ(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    // Off, then the owner moves to a package that allows SFTP: in again.
    ASSERT_EQ(http().put("/api/v1/packages/nosftp", {{"sftp", false}}, admin_).status, 200);
    EXPECT_NE(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    ASSERT_EQ(http().put("/api/v1/users/pkg", {{"package", "default"}}, admin_).status, 200);
    EXPECT_EQ(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    // And back onto the package that forbids it: out.
    ASSERT_EQ(http().put("/api/v1/users/pkg", {{"package", "nosftp"}}, admin_).status, 200);
    EXPECT_NE(sftp_password(user, kPassword, {"pwd"}).rc, 0);
    // A key does not get around it either.
    auto key_file = make_key("pkg_ed", "ed25519");
    ASSERT_EQ(http()
                  .post("/api/v1/ftp/" + user + "/keys",
                        {{"public_key", read(key_file.string() + ".pub")}}, key)
                  .status,
              201);
    EXPECT_NE(sftp_key(user, key_file, {"pwd"}).rc, 0);
    ASSERT_EQ(http().put("/api/v1/packages/nosftp", {{"sftp", true}}, admin_).status, 200);
    EXPECT_EQ(sftp_key(user, key_file, {"pwd"}).rc, 0);
}

}  // namespace
}  // namespace wsp::test
