// The config loader: defaults, TOML files, -c overrides, and the errors
// that stop start-up (they must name the key and where it came from).
#include "config/config.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

namespace wsp {
namespace {

namespace fs = std::filesystem;

// A TOML file in its own temporary directory, removed at the end.
class ConfigFile : public ::testing::Test {
  protected:
    void SetUp() override {
        char tmpl[] = "/tmp/wsp-config-test-XXXXXX";
        ASSERT_NE(::mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
        path_ = (dir_ / "panel.toml").string();
    }
    void TearDown() override {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    void write(const std::string& text) {
        std::ofstream out(path_);
        out << text;
    }
    // The error of loading the file, or "" when it loads.
    std::string load_error() {
        auto c = load_config(path_);
        return c.ok() ? "" : c.error().message;
    }

    fs::path dir_;
    std::string path_;
};

TEST(ConfigDefaults, RunWithoutAFile) {
    Config c;
    EXPECT_EQ(c.server.listen, "127.0.0.1:2083");
    EXPECT_TRUE(c.server.tls);
    EXPECT_EQ(c.server.tls_cert, "");
    EXPECT_EQ(c.server.tls_key, "");
    EXPECT_EQ(c.server.hostnames, (std::vector<std::string>{"localhost", "127.0.0.1"}));
    EXPECT_EQ(c.server.threads, 2);
    EXPECT_EQ(c.server.workers, 4);
    EXPECT_EQ(c.server.max_header_bytes, 16 * 1024);
    EXPECT_EQ(c.server.max_body_bytes, 1024 * 1024);
    EXPECT_EQ(c.server.header_timeout_s, 10);
    EXPECT_EQ(c.server.body_timeout_s, 60);
    EXPECT_EQ(c.server.idle_timeout_s, 60);
    EXPECT_EQ(c.server.max_connections, 1024);
    EXPECT_TRUE(c.server.access_log);
    EXPECT_EQ(c.auth.session_ttl_s, 86400);
    EXPECT_EQ(c.auth.login_attempts_per_ip_per_minute, 20);
    EXPECT_EQ(c.auth.failures_before_slowdown, 3);
    EXPECT_EQ(c.rate_limit.requests_per_minute, 60);
    EXPECT_EQ(c.paths.data_dir, "./var");
    EXPECT_EQ(c.sandbox.user, "wispanel");
    EXPECT_EQ(c.log.level, "info");
}

TEST(ConfigKeys, AreUniqueAndSectionQualified) {
    auto keys = config_keys();
    std::set<std::string> seen;
    for (const auto& k : keys) {
        EXPECT_TRUE(seen.insert(k).second) << "duplicate key " << k;
        auto dot = k.find('.');
        EXPECT_NE(dot, std::string::npos) << k;
        EXPECT_EQ(k.find('.', dot + 1), std::string::npos) << k;
    }
    for (const char* k :
         {"server.listen", "server.max_body_bytes", "auth.session_ttl_s",
          "rate_limit.requests_per_minute", "paths.data_dir", "sandbox.user", "log.level"})
        EXPECT_TRUE(seen.count(k)) << k;
}

TEST_F(ConfigFile, EmptyFileGivesDefaults) {
    write("");
    auto c = load_config(path_);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->server.listen, "127.0.0.1:2083");
    EXPECT_EQ(c->rate_limit.requests_per_minute, 60);
}

TEST_F(ConfigFile, LoadsEveryTypeOverTheDefaults) {
    write(R"([server]
listen = "0.0.0.0:9443"
tls = false
hostnames = ["panel.example.com"]
threads = 3
max_body_bytes = 2048

[auth]
session_ttl_s = 600

[rate_limit]
requests_per_minute = 5

[log]
level = "debug"
)");
    auto c = load_config(path_);
    ASSERT_TRUE(c.ok()) << c.error().message;
    EXPECT_EQ(c->server.listen, "0.0.0.0:9443");
    EXPECT_FALSE(c->server.tls);
    EXPECT_EQ(c->server.hostnames, std::vector<std::string>{"panel.example.com"});
    EXPECT_EQ(c->server.threads, 3);
    EXPECT_EQ(c->server.max_body_bytes, 2048);
    EXPECT_EQ(c->auth.session_ttl_s, 600);
    EXPECT_EQ(c->rate_limit.requests_per_minute, 5);
    EXPECT_EQ(c->log.level, "debug");
    // Untouched keys keep their defaults.
    EXPECT_EQ(c->server.workers, 4);
    EXPECT_EQ(c->sandbox.user, "wispanel");
}

TEST_F(ConfigFile, UnknownKeyNamesKeyAndFile) {
    write("[server]\nlisten = \"127.0.0.1:1\"\nlisten_port = 5\n");
    std::string e = load_error();
    EXPECT_NE(e.find("server.listen_port"), std::string::npos) << e;
    EXPECT_NE(e.find(path_), std::string::npos) << e;
    EXPECT_NE(e.find("unknown"), std::string::npos) << e;
}

TEST_F(ConfigFile, UnknownSectionNamesKeyAndFile) {
    write("[nosuch]\nkey = 1\n");
    std::string e = load_error();
    EXPECT_NE(e.find("nosuch.key"), std::string::npos) << e;
    EXPECT_NE(e.find(path_), std::string::npos) << e;
}

TEST_F(ConfigFile, TopLevelValueIsUnknown) {
    write("listen = \"127.0.0.1:1\"\n");
    std::string e = load_error();
    EXPECT_NE(e.find("'listen'"), std::string::npos) << e;
    EXPECT_NE(e.find(path_), std::string::npos) << e;
}

TEST_F(ConfigFile, NestedTableIsUnknown) {
    write("[server.extra]\nx = 1\n");
    std::string e = load_error();
    EXPECT_NE(e.find("server.extra"), std::string::npos) << e;
}

TEST_F(ConfigFile, WrongTypesNameKeyAndFile) {
    struct Case {
        const char* toml;
        const char* key;
        const char* want;
    };
    const Case cases[] = {
        {"[server]\nthreads = \"two\"\n", "server.threads", "integer"},
        {"[server]\nthreads = 2.5\n", "server.threads", "integer"},
        {"[server]\ntls = 1\n", "server.tls", "true or false"},
        {"[server]\nlisten = 2083\n", "server.listen", "string"},
        {"[server]\nhostnames = \"localhost\"\n", "server.hostnames", "array of strings"},
        {"[server]\nhostnames = [\"a\", 1]\n", "server.hostnames", "array of strings"},
        {"[log]\nlevel = true\n", "log.level", "string"},
    };
    for (const Case& c : cases) {
        write(c.toml);
        std::string e = load_error();
        EXPECT_NE(e.find(std::string("'") + c.key + "'"), std::string::npos) << c.toml << e;
        EXPECT_NE(e.find(path_), std::string::npos) << c.toml << e;
        EXPECT_NE(e.find(c.want), std::string::npos) << c.toml << e;
    }
}

TEST_F(ConfigFile, SyntaxErrorNamesFile) {
    write("[server\nlisten = \n");
    std::string e = load_error();
    EXPECT_NE(e.find(path_), std::string::npos) << e;
}

TEST_F(ConfigFile, MissingFileIsAnError) {
    auto c = load_config((dir_ / "absent.toml").string());
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message.find("absent.toml"), std::string::npos) << c.error().message;
}

TEST(ConfigOverride, EveryType) {
    Config c;
    ASSERT_TRUE(apply_override(c, "server.listen=10.0.0.1:8443").ok());
    EXPECT_EQ(c.server.listen, "10.0.0.1:8443");
    ASSERT_TRUE(apply_override(c, "server.threads=7").ok());
    EXPECT_EQ(c.server.threads, 7);
    ASSERT_TRUE(apply_override(c, "rate_limit.requests_per_minute=-1").ok());
    EXPECT_EQ(c.rate_limit.requests_per_minute, -1);
    ASSERT_TRUE(apply_override(c, "server.tls=false").ok());
    EXPECT_FALSE(c.server.tls);
    ASSERT_TRUE(apply_override(c, "server.tls=true").ok());
    EXPECT_TRUE(c.server.tls);
    ASSERT_TRUE(apply_override(c, R"(server.hostnames=["a.example", "b.example"])").ok());
    EXPECT_EQ(c.server.hostnames, (std::vector<std::string>{"a.example", "b.example"}));
    ASSERT_TRUE(apply_override(c, "server.hostnames=[]").ok());
    EXPECT_TRUE(c.server.hostnames.empty());
}

TEST(ConfigOverride, StringsAreTakenAsWritten) {
    Config c;
    // '=' inside the value belongs to the value.
    ASSERT_TRUE(apply_override(c, "paths.data_dir=/tmp/a=b").ok());
    EXPECT_EQ(c.paths.data_dir, "/tmp/a=b");
    ASSERT_TRUE(apply_override(c, "server.tls_cert=").ok());
    EXPECT_EQ(c.server.tls_cert, "");
}

TEST(ConfigOverride, EveryKeyCanBeOverridden) {
    // Each key accepts a value of its own type through -c: no key is
    // missing from the override path.
    for (const std::string& key : config_keys()) {
        Config c;
        bool accepted = false;
        for (const char* value : {"1", "true", R"(["x"])", "plain", "sandbox"}) {
            if (apply_override(c, key + "=" + value).ok()) {
                accepted = true;
                break;
            }
        }
        EXPECT_TRUE(accepted) << key;
    }
}

TEST(ConfigOverride, ModesAreReadOnceIntoEnums) {
    Config c;
    ASSERT_TRUE(apply_override(c, "ftp.mode=off").ok());
    EXPECT_EQ(c.ftp.mode, ServiceMode::off);
    ASSERT_TRUE(apply_override(c, "identity.mode=system").ok());
    EXPECT_EQ(c.identity.mode, IdentityMode::system);
    auto bad = apply_override(c, "mariadb.mode=cluster");
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.find("mariadb.mode"), std::string::npos);
    EXPECT_NE(bad.error().message.find("sandbox, system or off"), std::string::npos);
    EXPECT_FALSE(apply_override(c, "identity.mode=off").ok()) << "identity has no off";
}

TEST(ConfigOverride, ErrorsNameTheKey) {
    Config c;
    auto unknown = apply_override(c, "server.nope=1");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message.find("server.nope"), std::string::npos);
    EXPECT_NE(unknown.error().message.find("-c"), std::string::npos);

    auto unreadable = apply_override(c, "server.threads=abc");
    ASSERT_FALSE(unreadable.ok());
    EXPECT_NE(unreadable.error().message.find("server.threads"), std::string::npos);

    auto wrong_type = apply_override(c, "server.tls=1");
    ASSERT_FALSE(wrong_type.ok());
    EXPECT_NE(wrong_type.error().message.find("server.tls"), std::string::npos);
    EXPECT_NE(wrong_type.error().message.find("-c"), std::string::npos);

    auto wrong_list = apply_override(c, "server.hostnames=[1]");
    ASSERT_FALSE(wrong_list.ok());
    EXPECT_NE(wrong_list.error().message.find("server.hostnames"), std::string::npos);

    auto no_equals = apply_override(c, "server.threads");
    ASSERT_FALSE(no_equals.ok());
    EXPECT_NE(no_equals.error().message.find("server.threads"), std::string::npos);

    // A failed override leaves the config as it was.
    EXPECT_EQ(c.server.threads, 2);
    EXPECT_TRUE(c.server.tls);
}

}  // namespace
}  // namespace wsp
