#include "app/commands.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "app/panel.h"
#include "base/secrets.h"

namespace wsp {
namespace {

// Options every subcommand takes: where the config and data live.
struct Common {
    std::string config_file;
    std::string data_dir;
    std::vector<std::string> overrides;

    void add_to(CLI::App* cmd) {
        cmd->add_option("--config", config_file, "TOML config file");
        cmd->add_option("--data-dir", data_dir, "data directory (overrides paths.data_dir)");
        cmd->add_option("-c", overrides, "override a config key: section.key=value")
            ->allow_extra_args(false);
    }
};

Result<Config> build_config(const Common& common, const std::string& listen) {
    Config config;
    if (!common.config_file.empty()) {
        TRY(config, load_config(common.config_file));
    }
    for (const auto& o : common.overrides) CHECK_OK(apply_override(config, o));
    if (!common.data_dir.empty()) config.paths.data_dir = common.data_dir;
    if (!listen.empty()) config.server.listen = listen;
    return config;
}

spdlog::level::level_enum level_of(const std::string& name) {
    auto level = spdlog::level::from_str(name);
    return level == spdlog::level::off && name != "off" ? spdlog::level::info : level;
}

int fail(const Error& e) {
    std::fprintf(stderr, "wispanel: %s\n", e.message.c_str());
    return e.code == Code::validation ? 2 : 1;
}

// Opens the panel for an offline command (quiet logs).
Result<std::unique_ptr<Panel>> open_offline(const Common& common) {
    TRY(Config config, build_config(common, ""));
    spdlog::set_level(spdlog::level::warn);
    return Panel::open(std::move(config));
}

// An offline command acts with full rights, like the admin at the console.
Caller console_caller() {
    return Caller{"", Role::admin, {"all"}, ""};
}

std::string read_password_or_generate(const std::string& given, bool& generated) {
    generated = given.empty();
    return generated ? random_hex(12) : given;
}

}  // namespace

int run_command_line(int argc, char** argv) {
    CLI::App app{"WisPanel: a web-hosting control panel"};
    app.set_version_flag("--version", std::string("wispanel ") + WSP_VERSION);
    app.require_subcommand(1);

    Common common;
    std::string listen;
    CLI::App* serve = app.add_subcommand("serve", "run the panel in the foreground");
    common.add_to(serve);
    serve->add_option("--listen", listen, "HOST:PORT to listen on (overrides server.listen)");

    CLI::App* user = app.add_subcommand("user", "manage accounts offline");
    user->require_subcommand(1);
    std::string username, email, password, role = "user", package = "default";
    CLI::App* user_add = user->add_subcommand("add", "create an account");
    common.add_to(user_add);
    user_add->add_option("username", username)->required();
    user_add->add_option("--email", email)->required();
    user_add->add_option("--password", password, "default: generated and printed");
    user_add->add_option("--role", role)->check(CLI::IsMember({"admin", "user"}));
    user_add->add_option("--package", package);
    CLI::App* user_passwd = user->add_subcommand("passwd", "set an account's password");
    common.add_to(user_passwd);
    user_passwd->add_option("username", username)->required();
    user_passwd->add_option("--password", password, "default: generated and printed");
    CLI::App* user_list = user->add_subcommand("list", "list accounts");
    common.add_to(user_list);

    CLI::App* key = app.add_subcommand("key", "manage API keys offline");
    key->require_subcommand(1);
    CLI::App* key_create = key->add_subcommand("create", "create an API key; prints its secret");
    common.add_to(key_create);
    std::string key_name = "cli";
    std::vector<std::string> permissions{"all"};
    int64_t expires_days = 0;
    std::optional<int64_t> rate_limit;
    key_create->add_option("username", username)->required();
    key_create->add_option("--name", key_name);
    key_create->add_option("--permissions", permissions)->delimiter(',');
    key_create->add_option("--expires-days", expires_days);
    key_create->add_option("--rate-limit", rate_limit, "requests per minute; 0 = unlimited");

    // Lets scripts/install.sh write only keys this binary knows.
    CLI::App* config_cmd = app.add_subcommand("config", "inspect configuration");
    config_cmd->require_subcommand(1);
    CLI::App* config_keys_cmd = config_cmd->add_subcommand("keys", "print every config key");

    CLI11_PARSE(app, argc, argv);

    if (config_keys_cmd->parsed()) {
        for (const std::string& k : config_keys()) std::printf("%s\n", k.c_str());
        return 0;
    }

    if (serve->parsed()) {
        auto config = build_config(common, listen);
        if (!config) return fail(config.error());
        spdlog::set_level(level_of(config->log.level));
        auto panel = Panel::open(std::move(*config));
        if (!panel) return fail(panel.error());
        if (std::filesystem::exists((*panel)->initial_password_file()))
            spdlog::info("first admin 'admin': password in {}",
                         (*panel)->initial_password_file().string());
        return (*panel)->serve();
    }

    auto panel = open_offline(common);
    if (!panel) return fail(panel.error());
    Services& s = (*panel)->services();
    bool generated = false;

    if (user_add->parsed()) {
        std::string pw = read_password_or_generate(password, generated);
        auto r = s.users.create("", NewUser{username, email, pw, role, package});
        if (!r) return fail(r.error());
        std::printf("created %s (%s)\n", r->username.c_str(),
                    std::string(name_of(r->role)).c_str());
        if (generated) std::printf("password: %s\n", pw.c_str());
        return 0;
    }
    if (user_passwd->parsed()) {
        std::string pw = read_password_or_generate(password, generated);
        if (auto r = s.users.set_password(username, pw); !r) return fail(r.error());
        if (username == "admin") std::filesystem::remove((*panel)->initial_password_file());
        std::printf("password of %s changed\n", username.c_str());
        if (generated) std::printf("password: %s\n", pw.c_str());
        return 0;
    }
    if (user_list->parsed()) {
        auto r = s.users.list(console_caller());
        if (!r) return fail(r.error());
        for (const auto& u : *r)
            std::printf("%-32s %-6s %-9s %s\n", u.username.c_str(),
                        std::string(name_of(u.role)).c_str(),
                        std::string(name_of(u.status)).c_str(), u.email.c_str());
        return 0;
    }
    if (key_create->parsed()) {
        NewApiKey in{key_name, permissions, {}, expires_days, rate_limit};
        auto r = s.keys.create_offline(username, in);
        if (!r) return fail(r.error());
        std::printf("%s\n", r->secret.c_str());
        return 0;
    }
    return 0;
}

}  // namespace wsp
