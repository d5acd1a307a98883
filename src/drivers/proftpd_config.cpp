#include "drivers/proftpd_config.h"

#include <charconv>
#include <sstream>

#include "system/tls_policy.h"

namespace wsp {
namespace {

// Paths come from the panel's own data dir; quoting keeps spaces safe.
std::string q(const std::filesystem::path& p) {
    std::string out(1, '"');
    out += p.string();
    out += '"';
    return out;
}

std::optional<int64_t> parse_int(std::string_view s) {
    int64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    return v;
}

}  // namespace

std::optional<std::pair<int64_t, int64_t>> parse_port_range(const std::string& text) {
    auto dash = text.find('-');
    if (dash == std::string::npos) return std::nullopt;
    auto low = parse_int(std::string_view(text).substr(0, dash));
    auto high = parse_int(std::string_view(text).substr(dash + 1));
    if (!low || !high || *low < 1024 || *low > *high || *high > 65535) return std::nullopt;
    return std::pair{*low, *high};
}

std::string anonymous_passwd_line(int64_t uid, int64_t gid, const std::filesystem::path& home) {
    std::ostringstream o;
    o << "ftpanon:*:" << uid << ":" << gid << "::" << home.string() << ":/bin/false\n";
    return o.str();
}

std::string anonymous_group_line(int64_t gid) {
    std::ostringstream o;
    o << "ftpanon:x:" << gid << ":\n";
    return o.str();
}

AnonymousIdentities name_anonymous_sites(ProftpdSettings& settings, int64_t anon_uid,
                                         int64_t anon_gid, const std::filesystem::path& home) {
    AnonymousIdentities out{anonymous_passwd_line(anon_uid, anon_gid, home),
                            anonymous_group_line(anon_gid)};
    for (size_t i = 0; i < settings.anonymous.size(); ++i) {
        AnonymousSite& site = settings.anonymous[i];
        if (site.uid < 0 || site.gid < 0) continue;
        site.user = "ftpanon" + std::to_string(i + 1);
        out.passwd += site.user + ":*:" + std::to_string(site.uid) + ":" +
                      std::to_string(site.gid) + "::" + site.dir.string() + ":/bin/false\n";
        out.group += site.user + ":x:" + std::to_string(site.gid) + ":\n";
    }
    return out;
}

std::string render_proftpd_global(const ProftpdSettings& s) {
    const auto run = s.dir / "run";
    const auto log = s.dir / "log";
    std::ostringstream o;
    o << "<Global>\n"
      << "  PassivePorts " << s.passive_low << " " << s.passive_high << "\n"
      << "  WtmpLog off\n"
      << "  TransferLog " << q(log / "xfer.log") << "\n"
      << "  AuthOrder mod_sql.c mod_auth_file.c\n"
      << "  AuthUserFile " << q(s.dir / "anon.passwd") << "\n"
      << "  AuthGroupFile " << q(s.dir / "anon.group") << "\n"
      << "  DefaultRoot ~\n"
      // A home that became a symlink (say to /etc) is refused, not followed.
      << "  AllowChrootSymlinks off\n"
      << "  RequireValidShell off\n"
      << "  Umask 022\n"
      << "  AllowOverwrite on\n"
      << "  AllowStoreRestart on\n"
      << "  HiddenStores on\n"
      << "  SQLBackend sqlite3\n"
      << "  SQLConnectInfo " << q(s.accounts) << "\n"
      << "  SQLAuthenticate users groups\n"
      << "  SQLAuthTypes Crypt\n"
      << "  SQLMinID 100\n"
      << "  SQLUserInfo ftp_users username passwd uid gid homedir shell\n"
      << "  SQLUserWhereClause \"enabled = 1 AND owner_active = 1\"\n"
      << "  SQLGroupInfo ftp_groups groupname gid members\n";
    if (s.tls) {
        const char* kind = s.tls->ec_key ? "EC" : "RSA";
        o << "  TLSEngine on\n"
          << "  TLSLog " << q(log / "tls.log") << "\n"
          << "  TLSProtocol TLSv1.2 TLSv1.3\n"
          << "  TLSCipherSuite " << kTls12Ciphers << "\n"
          << "  TLSServerCipherPreference on\n"
          << "  TLS" << kind << "CertificateFile " << q(s.tls->cert) << "\n"
          << "  TLS" << kind << "CertificateKeyFile " << q(s.tls->key) << "\n"
          << "  TLSVerifyClient off\n"
          // Client certificates are never asked for, so the trust store is
          // unused; without this mod_tls loads the system's whole CA bundle
          // (~140 certificates) in every session before the banner, which
          // made connecting several times slower than logging in
          // (docs/benchmarks.md, FTP logins).
          << "  TLSCACertificateFile " << q(s.tls->cert)
          << "\n"
          // Stock clients (Python's ftplib) do not reuse the TLS session on
          // the data channel.
          << "  TLSOptions NoSessionReuseRequired\n";
    }
    o << "  QuotaEngine on\n"
      << "  QuotaLog " << q(log / "quota.log") << "\n"
      << "  QuotaLock " << q(run / "quota.lock")
      << "\n"
      // Counts files put in the home by other means (file manager, cron).
      << "  QuotaOptions ScanOnLogin\n"
      // files_xfer_avail: a limit never reached, so that mod_quotatab passes
      // the files-transferred deltas on; the SFTP host needs them (see
      // render_sftp_host).
      << "  SQLNamedQuery get-quota-limit SELECT \"username, 'user', 'false', 'hard', "
         "quota_mb * 1048576.0, 0, 0, 0, 0, 2000000000 FROM ftp_users WHERE username = '%{0}' "
         "AND '%{1}' = 'user' AND quota_mb > 0\"\n"
      << "  SQLNamedQuery get-quota-tally SELECT \"name, quota_type, bytes_in_used, "
         "bytes_out_used, bytes_xfer_used, files_in_used, files_out_used, files_xfer_used FROM "
         "ftp_quota_tallies WHERE name = '%{0}' AND quota_type = '%{1}'\"\n"
      << "  SQLNamedQuery update-quota-tally UPDATE \"bytes_in_used = bytes_in_used + %{0}, "
         "bytes_out_used = bytes_out_used + %{1}, bytes_xfer_used = bytes_xfer_used + %{2}, "
         "files_in_used = files_in_used + %{3}, files_out_used = files_out_used + %{4}, "
         "files_xfer_used = files_xfer_used + %{5} WHERE name = '%{6}' AND quota_type = "
         "'%{7}'\" ftp_quota_tallies\n"
      << "  SQLNamedQuery insert-quota-tally INSERT \"%{0}, %{1}, %{2}, %{3}, %{4}, %{5}, "
         "%{6}, %{7}\" ftp_quota_tallies\n"
      << "  QuotaLimitTable sql:/get-quota-limit\n"
      << "  QuotaTallyTable sql:/get-quota-tally/update-quota-tally/insert-quota-tally\n"
      << "  WrapEngine on\n"
      << "  WrapLog " << q(log / "wrap.log") << "\n"
      << "  SQLNamedQuery wrap-allow SELECT \"allowed_ips FROM ftp_users WHERE username = "
         "'%{0}'\"\n"
      << "  SQLNamedQuery wrap-deny SELECT \"'ALL' FROM ftp_users WHERE username = '%{0}'\"\n"
      << "  WrapUserTables * sql:/wrap-allow sql:/wrap-deny\n"
      << "  <Limit WRITE SITE_CHMOD>\n"
      << "    DenyGroup ftpro\n"
      << "  </Limit>\n"
      << "</Global>\n";
    return o.str();
}

// TLSRequired sits in the main server's context, outside <Global>: virtual
// hosts inherit only <Global>, so the anonymous sites (RFC 7151 HOST) stay
// reachable without TLS while every account login needs it.
std::string render_tls_required(const ProftpdSettings& s) {
    if (!s.tls) return "";
    return std::string("TLSRequired ") + (s.tls->required ? "on" : "off") + "\n";
}

std::string render_anonymous_hosts(const ProftpdSettings& s) {
    std::ostringstream o;
    for (const auto& site : s.anonymous) {
        o << "<VirtualHost " << s.address << ">\n"
          << "  ServerName \"" << site.domain << "\"\n"
          << "  ServerAlias " << site.domain << "\n"
          << "  Port " << s.port << "\n"
          << "  <Anonymous " << q(site.dir) << ">\n"
          << "    User " << site.user << "\n"
          << "    Group " << site.user << "\n"
          << "    UserAlias anonymous " << site.user << "\n"
          << "    <Limit WRITE SITE_CHMOD>\n"
          << "      DenyAll\n"
          << "    </Limit>\n"
          << "  </Anonymous>\n"
          << "</VirtualHost>\n";
    }
    return o.str();
}

std::string render_sftp_host(const ProftpdSettings& s) {
    if (!s.sftp) return "";
    const auto log = s.dir / "log";
    std::ostringstream o;
    // <IfModule>: a system ProFTPD without mod_sftp loaded still reads the
    // snippet (SFTP is then off, FTP unaffected).
    o << "<IfModule mod_sftp.c>\n"
      << "<VirtualHost " << s.sftp->address << ">\n"
      << "  ServerName \"WisPanel SFTP\"\n"
      << "  Port " << s.sftp->port << "\n"
      << "  SFTPEngine on\n"
      // <Global>'s FTPS would make mod_sftp refuse the host.
      << (s.tls ? "  TLSEngine off\n" : "") << "  SFTPLog " << q(log / "sftp.log") << "\n";
    for (const auto& key : s.sftp->host_keys) o << "  SFTPHostKey " << q(key) << "\n";
    o << "  SFTPAuthMethods publickey password\n"
      << "  SFTPCompression delayed\n"
      // The accounts' uid/gid come from the panel, not from the client.
      << "  SFTPOptions IgnoreSFTPSetOwners\n"
      // Only accounts with SFTP on (overrides <Global>'s clause here).
      << "  SQLUserWhereClause \"enabled = 1 AND owner_active = 1 AND sftp = 1\"\n"
      // Keys in RFC 4716 form: mod_sftp_sql refuses OpenSSH one-line keys.
      << "  SQLNamedQuery get-user-keys SELECT \"key FROM ftp_keys WHERE username = '%U'\"\n"
      << "  SFTPAuthorizedUserKeys sql:/get-user-keys\n"
      // ProFTPD 1.3.8's mod_quotatab cannot stop an SFTP write (mod_sftp
      // uses pwrite, which it does not hook): an upload that crosses a hard
      // limit is removed after the client's CLOSE, which would still be
      // answered "OK". The removal's tally update (files transferred -1) goes
      // through a view whose trigger fails it; mod_sql then ends the session
      // before the CLOSE is answered, so the client sees the upload fail.
      // The next login's ScanOnLogin puts the tally right.
      << "  SQLNamedQuery sftp-update-quota-tally UPDATE \"bytes_in_used = bytes_in_used + "
         "%{0}, bytes_out_used = bytes_out_used + %{1}, bytes_xfer_used = bytes_xfer_used + "
         "%{2}, files_in_used = files_in_used + %{3}, files_out_used = files_out_used + %{4}, "
         "files_xfer_used = files_xfer_used + %{5} WHERE name = '%{6}' AND quota_type = "
         "'%{7}'\" sftp_quota_tallies\n"
      << "  QuotaTallyTable sql:/get-quota-tally/sftp-update-quota-tally/insert-quota-tally\n"
      << "</VirtualHost>\n"
      << "</IfModule>\n";
    return o.str();
}

std::string render_proftpd_snippet(const ProftpdSettings& s) {
    std::ostringstream o;
    o << "# Written by WisPanel (ftp.mode = \"system\"); edits are lost. The system\n"
      << "# ProFTPD reads the panel's FTP accounts from its SQLite file.\n"
      << "# Needs mod_sql, mod_sql_sqlite, mod_quotatab, mod_quotatab_sql, mod_wrap2,\n"
      << "# mod_wrap2_sql (and mod_tls for FTPS) loaded: scripts/system/setup-proftpd.sh.\n"
      << render_proftpd_global(s) << render_tls_required(s) << render_anonymous_hosts(s)
      << render_sftp_host(s);
    return o.str();
}

std::string render_proftpd_config(const ProftpdSettings& s) {
    const auto run = s.dir / "run";
    std::ostringstream o;
    o << "# Written by WisPanel at every start of its FTP server; edits are lost.\n"
      << "ModulePath " << q(s.modules) << "\n"
      << "LoadModule mod_sql.c\n"
      << "LoadModule mod_sql_sqlite.c\n"
      << "LoadModule mod_quotatab.c\n"
      << "LoadModule mod_quotatab_sql.c\n"
      << "LoadModule mod_wrap2.c\n"
      << "LoadModule mod_wrap2_sql.c\n";
    if (s.tls) o << "LoadModule mod_tls.c\n";
    if (s.sftp) o << "LoadModule mod_sftp.c\nLoadModule mod_sftp_sql.c\n";
    o << "ServerName \"WisPanel FTP\"\n"
      << "ServerType standalone\n"
      << "DefaultAddress " << s.address << "\n"
      << "Port " << s.port
      << "\n"
      // Binds only DefaultAddress; no DefaultServer (it conflicts).
      << "SocketBindTight on\n"
      << "UseIPv6 off\n"
      << "User " << s.master_user << "\n"
      << "Group " << s.master_group << "\n"
      << "MaxInstances " << s.max_instances << "\n"
      << "UseReverseDNS off\n"
      << "PidFile " << q(run / "proftpd.pid") << "\n"
      << "ScoreboardFile " << q(run / "proftpd.scoreboard") << "\n"
      << "DelayTable " << q(run / "proftpd.delay") << "\n"
      << "ControlsEngine off\n"
      << "ServerIdent on \"FTP server ready\"\n"
      // Virtual hosts inherit nothing from the server config, only <Global>.
      << render_proftpd_global(s) << render_tls_required(s) << render_anonymous_hosts(s)
      << render_sftp_host(s);
    return o.str();
}

}  // namespace wsp
