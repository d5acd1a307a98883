#include <openssl/pem.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>

#include <cstdio>

#include "app/panel.h"
#include "app/wire.h"
#include "drivers/proftpd_accounts.h"
#include "drivers/proftpd_server.h"
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

}  // namespace

Result<void> wire_ftp(Panel& panel) {
    const Config& c = panel.config();
    const std::filesystem::path dir = panel.data_dir() / "ftp";
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return internal("cannot create the FTP directory");
    ::chmod(dir.c_str(), 0700);
    TRY(auto file, AccountsFile::open(dir / "accounts.db"));

    auto ports = parse_port_range(c.ftp.passive_ports);
    if (!ports) return validation("ftp.passive_ports must look like 30000-30050 (ports >= 1024)");
    if (c.ftp.port < 1 || c.ftp.port > 65535) return validation("ftp.port must be 1..65535");

    std::shared_ptr<ProftpdServer> server;
    if (c.ftp.enabled) {
        ProftpdSettings settings;
        settings.dir = dir;
        settings.accounts = dir / "accounts.db";
        settings.modules = c.ftp.modules;
        settings.address = c.ftp.address;
        settings.port = c.ftp.port;
        settings.passive_low = ports->first;
        settings.passive_high = ports->second;
        settings.max_instances = c.ftp.max_sessions;
        Identity& id = panel.identity();
        server = std::make_shared<ProftpdServer>(c.ftp.proftpd, std::move(settings), id.uid_of(""),
                                                 id.gid_of(""), panel.supervisor());
    }
    auto ftp = std::make_shared<FtpService>(panel.context(), std::move(file), server);
    panel.services().ftp = ftp;
    panel.services().users.add_cleanup(ftp.get());
    panel.services().users.on_status_change(
        [ftp](const std::string&, const std::string&) { ftp->owner_status_changed(); });
    if (server) panel.services().health["ftp"] = [ftp] { return ftp->healthy(); };

    const std::filesystem::path data_dir = panel.data_dir();
    const Config* config = &panel.config();
    panel.on_serve(
        [ftp, server, config, data_dir]() -> Result<void> {
            if (server) {
                TRY(auto tls, ftp_tls(*config, data_dir));
                server->set_tls(std::move(tls));
            }
            return ftp->start();
        },
        // ProFTPD is a Supervisor child: the panel stops it with the others.
        [] {});
    return Ok{};
}

}  // namespace wsp
