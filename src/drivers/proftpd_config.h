#pragma once
// The proftpd.conf the panel writes for its own ProFTPD (sandbox mode):
// accounts from the SQLite accounts file, chroot to each home, quota,
// read-only group, IP allow-lists, optional FTPS, and one name-based
// virtual host per domain with anonymous access (RFC 7151 HOST).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace wsp {

struct AnonymousSite {
    std::string domain;         // validated domain name
    std::filesystem::path dir;  // the directory anonymous clients see
    // The domain owner's OS identity (system mode serves the site as that
    // user: the home is 0750); -1: the shared anonymous identity.
    int64_t uid = -1;
    int64_t gid = -1;
    // The passwd-file name <Anonymous> runs as (no "_": never an account).
    std::string user = "ftpanon";
    bool operator==(const AnonymousSite&) const = default;
};

struct ProftpdTls {
    std::filesystem::path cert;
    std::filesystem::path key;
    bool ec_key = true;  // ECDSA (TLSECCertificate*) or RSA
    bool required = false;
};

// SFTP (mod_sftp + mod_sftp_sql) beside FTP: one <VirtualHost> on its own
// port that sees the same <Global> (accounts, chroot, quota, read-only, IP
// allow-lists).
struct ProftpdSftp {
    std::string address = "127.0.0.1";
    int64_t port = 2222;
    std::vector<std::filesystem::path> host_keys;  // private keys, 0600
    bool operator==(const ProftpdSftp&) const = default;
};

struct ProftpdSettings {
    std::filesystem::path dir;       // DATA_DIR/ftp: run/, log/, anon.passwd, ...
    std::filesystem::path accounts;  // the SQLite accounts file
    std::filesystem::path modules = "/usr/lib/proftpd";
    std::string address = "127.0.0.1";
    int64_t port = 2121;
    int64_t passive_low = 30000;
    int64_t passive_high = 30050;
    int64_t max_instances = 50;
    // The master's unprivileged identity between sessions.
    std::string master_user = "nobody";
    std::string master_group = "nogroup";
    std::optional<ProftpdTls> tls;
    std::optional<ProftpdSftp> sftp;
    std::vector<AnonymousSite> anonymous;
};

// "30000-30050" -> {30000, 30050}; nullopt unless 1024 <= low <= high <= 65535.
std::optional<std::pair<int64_t, int64_t>> parse_port_range(const std::string& text);

std::string render_proftpd_config(const ProftpdSettings& s);

// System mode: what the system ProFTPD includes (conf.d/wispanel.conf): the
// same <Global> block (accounts, chroot, quota, read-only, allow-lists,
// passive ports, TLS) and anonymous hosts, without the server-level
// directives (port, user, pid file ...) that the system config owns.
std::string render_proftpd_snippet(const ProftpdSettings& s);
// The two parts both configs share.
std::string render_proftpd_global(const ProftpdSettings& s);
std::string render_anonymous_hosts(const ProftpdSettings& s);
// The SFTP virtual host ("" when s.sftp is unset).
std::string render_sftp_host(const ProftpdSettings& s);

// One line of the passwd-format file that names the anonymous login's
// identity ("ftpanon"), which <Anonymous> needs to resolve.
std::string anonymous_passwd_line(int64_t uid, int64_t gid, const std::filesystem::path& home);
std::string anonymous_group_line(int64_t gid);

// The passwd- and group-format files of the anonymous logins: "ftpanon"
// (uid/gid `anon_uid`/`anon_gid`), and one "ftpanonN" per site in
// `settings.anonymous` (whose `user` it sets), running as the site owner's
// uid/gid, chrooted to the site's directory; "ftpanonN" has no "_", so it is
// never an FTP account's name.
struct AnonymousIdentities {
    std::string passwd;
    std::string group;
};
AnonymousIdentities name_anonymous_sites(ProftpdSettings& settings, int64_t anon_uid,
                                         int64_t anon_gid, const std::filesystem::path& home);

}  // namespace wsp
