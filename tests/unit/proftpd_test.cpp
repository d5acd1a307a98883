// The pure parts of the ProFTPD driver: password hashes, mod_wrap2 lists,
// port ranges, the generated config and the accounts file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "drivers/proftpd_accounts.h"
#include "drivers/proftpd_config.h"
#include "drivers/proftpd_crypt.h"

namespace wsp {
namespace {

namespace fs = std::filesystem;

std::vector<IpRule> rules(std::initializer_list<const char*> texts) {
    std::vector<IpRule> out;
    for (const char* t : texts) out.push_back(*parse_ip_rule(t));
    return out;
}

TEST(ProftpdCrypt, HashesWithYescryptAndVerifies) {
    auto h = crypt_hash("S3cure•pass");
    ASSERT_TRUE(h.ok());
    EXPECT_TRUE(h->starts_with("$y$")) << *h;
    EXPECT_TRUE(crypt_verify("S3cure•pass", *h));
    EXPECT_FALSE(crypt_verify("S3cure•pasS", *h));
    EXPECT_FALSE(crypt_verify("", *h));
    // A fresh salt every time.
    EXPECT_NE(*h, *crypt_hash("S3cure•pass"));
    EXPECT_FALSE(crypt_hash(std::string("a\0b", 3)).ok());
    EXPECT_FALSE(crypt_verify("x", ""));
    EXPECT_FALSE(crypt_verify("x", "*0"));
}

TEST(ProftpdWrap2, ConvertsCidrToNetmask) {
    EXPECT_EQ(wrap2_allow_list({}), "ALL");
    EXPECT_EQ(wrap2_allow_list(rules({"203.0.113.0/24"})), "203.0.113.0/255.255.255.0");
    EXPECT_EQ(wrap2_allow_list(rules({"127.0.0.0/8", "10.1.2.3"})), "127.0.0.0/255.0.0.0 10.1.2.3");
    EXPECT_EQ(wrap2_allow_list(rules({"10.1.2.3/32"})), "10.1.2.3");
    EXPECT_EQ(wrap2_allow_list(rules({"0.0.0.0/0"})), "0.0.0.0/0.0.0.0");
    EXPECT_EQ(wrap2_allow_list(rules({"172.16.0.0/12"})), "172.16.0.0/255.240.0.0");
    EXPECT_EQ(wrap2_allow_list(rules({"2001:db8::/32", "::1"})), "[2001:db8::]/32 [::1]");
}

TEST(ProftpdConfig, ParsesPortRanges) {
    auto r = parse_port_range("30000-30050");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->first, 30000);
    EXPECT_EQ(r->second, 30050);
    for (const char* bad : {"", "30000", "30050-30000", "80-90", "30000-70000", "a-b", "1-2-3"})
        EXPECT_FALSE(parse_port_range(bad)) << bad;
}

// System mode: the system config owns the server-level directives; the
// snippet carries the same <Global> block and anonymous hosts.
TEST(ProftpdConfig, SystemSnippetIsTheGlobalBlockWithoutServerDirectives) {
    ProftpdSettings s;
    s.dir = "/data/ftp";
    s.accounts = "/data/ftp/accounts.db";
    s.port = 21;
    s.anonymous = {{"a.example", "/data/home/bob/web/a.example/pub"}};
    s.tls = ProftpdTls{"/data/tls/c.pem", "/data/tls/k.pem", true, false};
    const std::string snippet = render_proftpd_snippet(s);
    const std::string full = render_proftpd_config(s);
    const std::string global = render_proftpd_global(s);
    EXPECT_NE(snippet.find(global), std::string::npos);
    EXPECT_NE(full.find(global), std::string::npos);
    EXPECT_NE(snippet.find(render_anonymous_hosts(s)), std::string::npos);
    EXPECT_NE(snippet.find("AuthOrder mod_sql.c mod_auth_file.c"), std::string::npos);
    EXPECT_NE(snippet.find("TLSECCertificateFile \"/data/tls/c.pem\""), std::string::npos);
    for (const char* server_level : {"LoadModule", "ModulePath", "PidFile", "ScoreboardFile",
                                     "ServerType", "\nPort ", "\nUser ", "MaxInstances"})
        EXPECT_EQ(snippet.find(server_level), std::string::npos) << server_level;
}

TEST(ProftpdConfig, RendersTheVerifiedSettings) {
    ProftpdSettings s;
    s.dir = "/data/ftp";
    s.accounts = "/data/ftp/accounts.db";
    s.port = 2999;
    s.passive_low = 31000;
    s.passive_high = 31009;
    s.anonymous = {{"a.example", "/data/home/bob/web/a.example/pub"}};
    std::string conf = render_proftpd_config(s);
    for (const char* want :
         {"Port 2999", "PassivePorts 31000 31009", "DefaultRoot ~", "SQLMinID 100",
          "RequireValidShell off", "AllowChrootSymlinks off", "WtmpLog off",
          "SQLConnectInfo \"/data/ftp/accounts.db\"",
          "SQLUserWhereClause \"enabled = 1 AND owner_active = 1\"", "DenyGroup ftpro",
          "WrapUserTables * sql:/wrap-allow sql:/wrap-deny", "QuotaOptions ScanOnLogin",
          "ServerAlias a.example", "<Anonymous \"/data/home/bob/web/a.example/pub\">"})
        EXPECT_NE(conf.find(want), std::string::npos) << want;
    // Settings live in <Global>, which virtual hosts inherit.
    EXPECT_LT(conf.find("<Global>"), conf.find("PassivePorts"));
    EXPECT_LT(conf.find("PassivePorts"), conf.find("</Global>"));
    EXPECT_EQ(conf.find("mod_tls"), std::string::npos);
    EXPECT_EQ(conf.find("DefaultServer"), std::string::npos);

    s.tls = ProftpdTls{"/c.pem", "/k.pem", true, true};
    conf = render_proftpd_config(s);
    EXPECT_NE(conf.find("LoadModule mod_tls.c"), std::string::npos);
    EXPECT_NE(conf.find("TLSECCertificateFile \"/c.pem\""), std::string::npos);
    // A one-certificate trust store, not the system's CA bundle that mod_tls
    // would otherwise parse in every session (slow connects).
    EXPECT_NE(conf.find("TLSCACertificateFile \"/c.pem\""), std::string::npos);
    EXPECT_NE(conf.find("TLSRequired on"), std::string::npos);
    // In the main server, not <Global>: the anonymous virtual hosts (which
    // inherit only <Global>) stay reachable without TLS.
    EXPECT_GT(conf.find("TLSRequired on"), conf.find("</Global>"));
    EXPECT_LT(conf.find("TLSRequired on"), conf.find("<VirtualHost"));
    EXPECT_NE(conf.find("NoSessionReuseRequired"), std::string::npos);
}

TEST(ProftpdConfig, RendersTheSftpHostBesideFtp) {
    ProftpdSettings s;
    s.dir = "/data/ftp";
    s.accounts = "/data/ftp/accounts.db";
    s.port = 2999;
    EXPECT_EQ(render_sftp_host(s), "");
    EXPECT_EQ(render_proftpd_config(s).find("mod_sftp"), std::string::npos);
    s.sftp = ProftpdSftp{"127.0.0.1", 2222, {"/data/ftp/keys/ed", "/data/ftp/keys/ec"}};
    const std::string conf = render_proftpd_config(s);
    for (const char* want :
         {"LoadModule mod_sftp.c", "LoadModule mod_sftp_sql.c", "<VirtualHost 127.0.0.1>",
          "Port 2222", "SFTPEngine on", "SFTPHostKey \"/data/ftp/keys/ed\"",
          "SFTPHostKey \"/data/ftp/keys/ec\"", "SFTPAuthMethods publickey password",
          "SQLUserWhereClause \"enabled = 1 AND owner_active = 1 AND sftp = 1\"",
          "SFTPAuthorizedUserKeys sql:/get-user-keys", "sftp_quota_tallies",
          "QuotaTallyTable sql:/get-quota-tally/sftp-update-quota-tally/insert-quota-tally"})
        EXPECT_NE(conf.find(want), std::string::npos) << want;
    // mod_sftp before mod_sftp_sql; the SFTP host after <Global> (read-only,
    // chroot, quota and allow-lists reach it only from there).
    EXPECT_LT(conf.find("LoadModule mod_sftp.c"), conf.find("LoadModule mod_sftp_sql.c"));
    EXPECT_GT(conf.find("SFTPEngine on"), conf.find("</Global>"));
    EXPECT_LT(conf.find("DenyGroup ftpro"), conf.find("</Global>"));
}

class AccountsFileTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("wsp-accounts-" + std::to_string(::getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    // What ProFTPD would read: the row through SQLUserWhereClause.
    static std::string query(const fs::path& db, const std::string& sql) {
        sqlite3* h = nullptr;
        sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr);
        sqlite3_stmt* st = nullptr;
        sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr);
        std::string out;
        while (st && sqlite3_step(st) == SQLITE_ROW) {
            if (!out.empty()) out += ";";
            out += reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
        }
        sqlite3_finalize(st);
        sqlite3_close(h);
        return out;
    }

    fs::path dir_;
};

TEST_F(AccountsFileTest, KeepsRowsAsProftpdReadsThem) {
    const fs::path db = dir_ / "accounts.db";
    auto file = AccountsFile::open(db);
    ASSERT_TRUE(file.ok());
    struct stat st {};
    ASSERT_EQ(::stat(db.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(query(db, "PRAGMA journal_mode"), "delete");

    ServerAccount a{"bob_web", "$y$x", 999, 995, "/h/bob", "bob"};
    ServerAccount b{"eve_ro", "$y$y", 999, 995, "/h/eve", "eve"};
    b.read_only = true;
    ASSERT_TRUE((*file)->upsert(a).ok());
    ASSERT_TRUE((*file)->upsert(b).ok());
    const std::string live =
        "SELECT username FROM ftp_users WHERE enabled = 1 AND owner_active = 1 ORDER BY username";
    EXPECT_EQ(query(db, live), "bob_web;eve_ro");
    EXPECT_EQ(query(db, "SELECT members FROM ftp_groups"), "eve_ro");
    EXPECT_EQ(*(*file)->count(std::nullopt), 2);
    EXPECT_EQ(*(*file)->count(std::string("bob")), 1);

    ASSERT_TRUE((*file)->set_suspended_owners({"bob"}).ok());
    EXPECT_EQ(query(db, live), "eve_ro");
    ASSERT_TRUE((*file)->set_suspended_owners({}).ok());
    EXPECT_EQ(query(db, live), "bob_web;eve_ro");

    a.enabled = false;
    ASSERT_TRUE((*file)->upsert(a).ok());
    EXPECT_EQ(query(db, live), "eve_ro");
    ASSERT_TRUE((*file)->remove("eve_ro").ok());
    ASSERT_TRUE((*file)->remove("never-there").ok());
    EXPECT_EQ(*(*file)->count(std::nullopt), 1);

    // SFTP: the flag and the keys (RFC 4716 text), replaced on each write.
    b.sftp = false;
    b.keys = {"---- BEGIN SSH2 PUBLIC KEY ----\nAAAA\n---- END SSH2 PUBLIC KEY ----\n"};
    ASSERT_TRUE((*file)->upsert(b).ok());
    EXPECT_EQ(query(db, "SELECT sftp FROM ftp_users WHERE username = 'eve_ro'"), "0");
    EXPECT_EQ(query(db, "SELECT count(*) FROM ftp_keys WHERE username = 'eve_ro'"), "1");
    ASSERT_TRUE((*file)->upsert(b).ok());
    EXPECT_EQ(query(db, "SELECT count(*) FROM ftp_keys WHERE username = 'eve_ro'"), "1");

    ASSERT_TRUE((*file)->replace_all({b}).ok());
    EXPECT_EQ(query(db, "SELECT username FROM ftp_users"), "eve_ro");
    EXPECT_EQ(query(db, "SELECT count(*) FROM ftp_keys"), "1");
    file->reset();
    // Reopened: rows kept.
    auto again = AccountsFile::open(db);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*(*again)->count(std::nullopt), 1);
}

// The SFTP host's tally updates go through sftp_quota_tallies: ordinary
// updates apply, the quota removal's (files transferred falls) fails.
TEST_F(AccountsFileTest, SftpTallyViewFailsOnlyTheQuotaRemoval) {
    const fs::path db = dir_ / "accounts.db";
    ASSERT_TRUE(AccountsFile::open(db).ok());
    sqlite3* h = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    auto exec = [&](const char* sql) { return sqlite3_exec(h, sql, nullptr, nullptr, nullptr); };
    ASSERT_EQ(exec("INSERT INTO ftp_quota_tallies VALUES ('bob_web', 'user', 0, 0, 0, 0, 0, 0)"),
              SQLITE_OK);
    const char* upload =
        "UPDATE sftp_quota_tallies SET bytes_in_used = bytes_in_used + 600000, "
        "files_in_used = files_in_used + 1, files_xfer_used = files_xfer_used + 1 "
        "WHERE name = 'bob_web' AND quota_type = 'user'";
    const char* removal =
        "UPDATE sftp_quota_tallies SET bytes_in_used = bytes_in_used - 600000, "
        "files_in_used = files_in_used - 1, files_xfer_used = files_xfer_used - 1 "
        "WHERE name = 'bob_web' AND quota_type = 'user'";
    const char* deletion =
        "UPDATE sftp_quota_tallies SET bytes_in_used = bytes_in_used - 600000, "
        "files_in_used = files_in_used - 1 WHERE name = 'bob_web' AND quota_type = 'user'";
    EXPECT_EQ(exec(upload), SQLITE_OK);
    EXPECT_EQ(exec(removal), SQLITE_CONSTRAINT);
    sqlite3_close(h);
    EXPECT_EQ(query(db, "SELECT bytes_in_used || '/' || files_xfer_used FROM ftp_quota_tallies"),
              "600000.0/1");
    ASSERT_EQ(sqlite3_open(db.c_str(), &h), SQLITE_OK);
    EXPECT_EQ(exec(deletion), SQLITE_OK);
    sqlite3_close(h);
    EXPECT_EQ(query(db, "SELECT bytes_in_used || '/' || files_xfer_used FROM ftp_quota_tallies"),
              "0.0/1");
}

}  // namespace
}  // namespace wsp
