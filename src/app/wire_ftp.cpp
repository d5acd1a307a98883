#include <openssl/pem.h>
#include <pwd.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "app/panel.h"
#include "app/wire.h"
#include "drivers/proftpd_accounts.h"
#include "drivers/proftpd_server.h"
#include "drivers/proftpd_system.h"
#include "drivers/ssh_keys.h"
#include "services/ftp_service.h"
#include "system/tls_cert.h"

namespace wsp {
namespace {

// Which ProFTPD directive a key needs: EC or RSA.
bool is_ec_key(const std::filesystem::path& key) {
    FILE* f = std::fopen(key.c_str(), "r");
    if (!f) return false;
    EVP_PKEY* pkey = PEM_read_PrivateKey(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    bool ec = pkey && EVP_PKEY_base_id(pkey) == EVP_PKEY_EC;
    EVP_PKEY_free(pkey);
    return ec;
}

// The certificate FTPS offers: ftp.tls_cert, else the panel's own.
Result<std::optional<ProftpdTls>> ftp_tls(const Config& c, const std::filesystem::path& data_dir) {
    if (!c.ftp.tls) return std::optional<ProftpdTls>{};
    if (!std::filesystem::exists(std::filesystem::path(c.ftp.modules) / "mod_tls.so")) {
        spdlog::warn("ftp: mod_tls is not installed (proftpd-mod-crypto); FTPS is off");
        return std::optional<ProftpdTls>{};
    }
    ProftpdTls tls;
    if (!c.ftp.tls_cert.empty() || !c.ftp.tls_key.empty()) {
        if (c.ftp.tls_cert.empty() || c.ftp.tls_key.empty())
            return validation("ftp.tls_cert and ftp.tls_key must be set together");
        tls.cert = c.ftp.tls_cert;
        tls.key = c.ftp.tls_key;
    } else if (!c.server.tls_cert.empty() && !c.server.tls_key.empty()) {
        tls.cert = c.server.tls_cert;
        tls.key = c.server.tls_key;
    } else {
        TRY(TlsFiles files, ensure_tls_certificate(data_dir / "tls", c.server.hostnames));
        tls.cert = files.cert;
        tls.key = files.key;
    }
    tls.ec_key = is_ec_key(tls.key);
    tls.required = c.ftp.require_tls;
    return std::optional<ProftpdTls>{tls};
}

constexpr const char* kSshKeygen = "/usr/bin/ssh-keygen";

// SFTP beside FTP: host keys made at the first start. Without mod_sftp or
// ssh-keygen SFTP stays off, with a warning. `Server`: the sandbox's or the
// system's ProFTPD.
template <typename Server>
Result<void> setup_sftp(const Config& c, const std::filesystem::path& data_dir, Server& server) {
    if (!c.ftp.sftp) return Ok{};
    const std::filesystem::path modules(c.ftp.modules);
    if (!std::filesystem::exists(modules / "mod_sftp.so") ||
        !std::filesystem::exists(modules / "mod_sftp_sql.so")) {
        spdlog::warn("ftp: mod_sftp is not installed (proftpd-mod-crypto); SFTP is off");
        return Ok{};
    }
    if (::access(kSshKeygen, X_OK) != 0) {
        spdlog::warn("ftp: {} is missing (openssh-client); SFTP is off", kSshKeygen);
        return Ok{};
    }
    TRY(auto keys, ensure_host_keys(data_dir / "ftp" / "keys", kSshKeygen));
    ProftpdSftp sftp;
    sftp.address = c.ftp.sftp_address.empty() ? c.ftp.address : c.ftp.sftp_address;
    sftp.port = c.ftp.sftp_port;
    for (const auto& k : keys) sftp.host_keys.push_back(k.path);
    server.set_sftp(std::move(sftp), std::move(keys));
    return Ok{};
}

// argv[0] as an absolute path (run_process needs one): looked up in the
// usual system directories when it has no slash.
std::vector<std::string> resolve_command(std::vector<std::string> argv) {
    if (argv.empty() || argv[0].find('/') != std::string::npos) return argv;
    for (const char* dir :
         {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"}) {
        std::filesystem::path p = std::filesystem::path(dir) / argv[0];
        if (::access(p.c_str(), X_OK) == 0) {
            argv[0] = p.string();
            break;
        }
    }
    return argv;
}

// ftp.enabled = false is the older spelling of ftp.mode = "off".
ServiceMode ftp_mode(const Config& c) {
    return c.ftp.enabled ? c.ftp.mode : ServiceMode::off;
}

}  // namespace

Result<void> wire_ftp(Panel& panel) {
    const Config& c = panel.config();
    const std::filesystem::path dir = panel.data_dir() / "ftp";
    const ServiceMode mode = ftp_mode(c);
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return internal("cannot create the FTP directory");
    ::chmod(dir.c_str(), 0700);
    TRY(auto file, AccountsFile::open(dir / "accounts.db"));

    auto ports = parse_port_range(c.ftp.passive_ports);
    if (!ports) return validation("ftp.passive_ports must look like 30000-30050 (ports >= 1024)");
    const int64_t port = c.ftp.port != 0 ? c.ftp.port : (mode == ServiceMode::system ? 21 : 2121);
    if (port < 1 || port > 65535) return validation("ftp.port must be 1..65535");
    if (c.ftp.sftp && (c.ftp.sftp_port < 1 || c.ftp.sftp_port > 65535 || c.ftp.sftp_port == port))
        return validation("ftp.sftp_port must be 1..65535 and differ from ftp.port");

    ProftpdSettings settings;
    settings.dir = dir;
    settings.accounts = dir / "accounts.db";
    settings.modules = c.ftp.modules;
    settings.address = c.ftp.address;
    settings.port = port;
    settings.passive_low = ports->first;
    settings.passive_high = ports->second;
    settings.max_instances = c.ftp.max_sessions;
    Identity& id = panel.identity();
    // The anonymous login's identity: the sandbox's shared user, or in
    // system mode (accounts have their own users) nobody.
    std::shared_ptr<ProftpdServer> sandbox;
    std::shared_ptr<SystemProftpd> system;
    std::shared_ptr<FtpDaemon> server;
    if (mode == ServiceMode::sandbox) {
        sandbox = std::make_shared<ProftpdServer>(c.ftp.proftpd, std::move(settings), id.uid_of(""),
                                                  id.gid_of(""), panel.supervisor());
        server = sandbox;
    } else if (mode == ServiceMode::system) {
        if (c.ftp.system_config_path.empty() || c.ftp.system_config_path.front() != '/')
            return validation("ftp.system_config_path must be an absolute path");
        SystemProftpdOptions options;
        options.binary = c.ftp.proftpd;
        options.snippet = c.ftp.system_config_path;
        options.reload_command = resolve_command(c.ftp.reload_command);
        const passwd* nobody = ::getpwnam("nobody");
        if (nobody) {
            options.anon_uid = nobody->pw_uid;
            options.anon_gid = nobody->pw_gid;
        }
        system = std::make_shared<SystemProftpd>(std::move(options), std::move(settings));
        server = system;
    }
    auto ftp = std::make_shared<FtpService>(panel.context(), std::move(file), server);
    panel.services().ftp = ftp;
    panel.services().users.add_cleanup(ftp.get());
    panel.services().users.on_status_change(
        [ftp](const std::string&, AccountStatus) { ftp->owner_status_changed(); });
    // SFTP also follows the owner's package (its `sftp` switch).
    panel.services().users.on_account_change(
        [ftp](const UserRecord& user) { ftp->owner_changed(user.username); });
    panel.services().packages.on_change(
        [ftp](const PackageRecord& package) { ftp->package_changed(package.name); });
    if (server) panel.services().health["ftp"] = [ftp] { return ftp->healthy(); };

    const std::filesystem::path data_dir = panel.data_dir();
    const Config* config = &panel.config();
    panel.on_serve(
        "ftp",
        [ftp, sandbox, system, config, data_dir]() -> Result<void> {
            if (sandbox || system) {
                TRY(auto tls, ftp_tls(*config, data_dir));
                if (sandbox) sandbox->set_tls(tls);
                if (system) system->set_tls(std::move(tls));
            }
            // SFTP trouble (ssh-keygen failing) leaves FTP serving.
            auto sftp = sandbox  ? setup_sftp(*config, data_dir, *sandbox)
                        : system ? setup_sftp(*config, data_dir, *system)
                                 : Result<void>(Ok{});
            if (!sftp.ok()) spdlog::error("ftp: SFTP is off: {}", sftp.error().message);
            return ftp->start();
        },
        // A sandbox ProFTPD is a Supervisor child: the panel stops it with
        // the others. The system one keeps running (its snippet stays).
        [] {});
    return Ok{};
}

}  // namespace wsp
