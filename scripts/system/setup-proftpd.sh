#!/usr/bin/env bash
# Prepares the system's ProFTPD (Debian's proftpd-core) to serve WisPanel's
# FTP accounts in system mode (ftp.mode = "system", docs/ftp.md).
#
#   scripts/system/setup-proftpd.sh <panel-data-dir> <panel-cert> <panel-key>
#
# Installs nothing (scripts/deps.sh does: proftpd-core, proftpd-mod-sqlite,
# proftpd-mod-crypto). It
#   - loads the modules the panel's snippet needs in modules.conf
#     (mod_sql, mod_sql_sqlite, mod_quotatab(_sql), mod_wrap2(_sql), mod_tls),
#   - makes sure proftpd.conf includes conf.d/ (Debian's default does),
#   - disables Debian's server-level "QuotaEngine off" (the panel's snippet
#     turns quotas on in <Global>, and the server-level line would win),
#   - writes a placeholder conf.d/wispanel.conf that refuses every login until
#     the panel writes the real one at its first start (never overwrites the
#     panel's),
#   - checks the result with `proftpd -t`, restoring the previous files if
#     the check fails,
#   - enables and restarts proftpd.service.
# Everything else in Debian's config stays as it is. Idempotent: a second run
# changes nothing and only restarts the service.
#
# Environment (for tests and unusual layouts):
#   WSP_PROFTPD_ETC   config directory (default /etc/proftpd)
#   WSP_PROFTPD       the binary (default /usr/sbin/proftpd)
#   WSP_NO_SYSTEMD=1  do not enable/restart the service
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 <panel-data-dir> <panel-cert> <panel-key>" >&2
  exit 2
fi
data_dir=$1 cert=$2 key=$3
etc=${WSP_PROFTPD_ETC:-/etc/proftpd}
proftpd=${WSP_PROFTPD:-/usr/sbin/proftpd}
modules_dir=/usr/lib/proftpd

log() { echo "setup-proftpd: $*"; }
die() { echo "setup-proftpd: $*" >&2; exit 1; }

[[ -x $proftpd ]] || die "$proftpd is missing (install proftpd-core: scripts/deps.sh)"
[[ -f $etc/proftpd.conf && -f $etc/modules.conf ]] || die "$etc/proftpd.conf or modules.conf is missing"
for m in mod_sql mod_sql_sqlite mod_quotatab mod_quotatab_sql mod_wrap2 mod_wrap2_sql; do
  [[ -f $modules_dir/$m.so ]] || die "$modules_dir/$m.so is missing (proftpd-mod-sqlite?)"
done
modules=(mod_sql.c mod_sql_sqlite.c mod_quotatab.c mod_quotatab_sql.c mod_wrap2.c mod_wrap2_sql.c)
if [[ -f $modules_dir/mod_tls.so ]]; then
  modules+=(mod_tls.c)
else
  log "mod_tls is missing (proftpd-mod-crypto): FTPS will be off"
fi
# SFTP (docs/sftp.md): the panel's snippet wraps its SFTP host in
# <IfModule mod_sftp.c>, so without these SFTP is simply off.
if [[ -f $modules_dir/mod_sftp.so && -f $modules_dir/mod_sftp_sql.so ]]; then
  modules+=(mod_sftp.c mod_sftp_sql.c)
else
  log "mod_sftp is missing (proftpd-mod-crypto): SFTP will be off"
fi

# The certificate the panel's snippet names for FTPS.
[[ -r $cert ]] || log "warning: certificate $cert is not readable yet (FTPS needs it)"
if [[ -e $key ]]; then
  chmod go-rwx "$key"
else
  log "warning: key $key does not exist yet (FTPS needs it)"
fi
# The accounts file lives here; ProFTPD's master (root) reads it per session.
mkdir -p "$data_dir/ftp"
chmod 0700 "$data_dir/ftp"

backup=$(mktemp -d)
trap 'rm -rf "$backup"' EXIT
cp -p "$etc/proftpd.conf" "$etc/modules.conf" "$backup/"
snippet=$etc/conf.d/wispanel.conf
made_snippet=0

# 1. Modules, in Debian's order (mod_sql before its back-ends): uncomment the
#    packaged "#LoadModule" line, or append one when there is none.
for m in "${modules[@]}"; do
  if grep -Eq "^[[:space:]]*LoadModule[[:space:]]+${m}[[:space:]]*\$" "$etc/modules.conf"; then
    continue
  fi
  if grep -Eq "^[[:space:]]*#[[:space:]]*LoadModule[[:space:]]+${m}[[:space:]]*\$" "$etc/modules.conf"; then
    sed -i -E "s|^[[:space:]]*#[[:space:]]*(LoadModule[[:space:]]+${m})[[:space:]]*\$|\1|" "$etc/modules.conf"
  else
    echo "LoadModule $m" >>"$etc/modules.conf"
  fi
  log "loading $m"
done

# 2. The conf.d include (at the end, after the server-level settings).
if ! grep -Eq "^[[:space:]]*Include[[:space:]]+$etc/conf\.d/?[[:space:]]*\$" "$etc/proftpd.conf"; then
  printf '\n# WisPanel (scripts/system/setup-proftpd.sh)\nInclude %s/conf.d/\n' "$etc" >>"$etc/proftpd.conf"
  log "added Include $etc/conf.d/"
fi

# 3. Debian's server-level "QuotaEngine off" would override the snippet's
#    <Global> "QuotaEngine on" for the main server.
if grep -Eq '^[[:space:]]*QuotaEngine[[:space:]]+off' "$etc/proftpd.conf"; then
  sed -i -E 's|^([[:space:]]*)(QuotaEngine[[:space:]]+off.*)$|\1# \2  # WisPanel: quotas come from conf.d/wispanel.conf|' \
    "$etc/proftpd.conf"
  log "commented out QuotaEngine off"
fi

# 4. Until the panel writes its snippet: no logins at all (Debian's default
#    would let every system user with a shell in).
mkdir -p "$etc/conf.d"
if [[ ! -e $snippet ]]; then
  cat >"$snippet" <<'CONF'
# Placeholder from WisPanel's scripts/system/setup-proftpd.sh: refuses every
# login until the panel (ftp.mode = "system") replaces this file at its start.
<Global>
  <Limit LOGIN>
    DenyAll
  </Limit>
</Global>
CONF
  chmod 0644 "$snippet"
  made_snippet=1
  log "wrote placeholder $snippet"
fi

# 5. Check; put everything back if ProFTPD does not accept it.
if ! out=$("$proftpd" -t -c "$etc/proftpd.conf" 2>&1); then
  cp -p "$backup/proftpd.conf" "$backup/modules.conf" "$etc/"
  [[ $made_snippet -eq 1 ]] && rm -f "$snippet"
  die "proftpd -t failed; previous configuration restored:
$out"
fi

# 6. The service: restarted only when this run changed something (modules
#    load at start) or it is not running, so re-running the installer for an
#    upgrade does not cut customers' open FTP sessions.
changed=$made_snippet
cmp -s "$backup/proftpd.conf" "$etc/proftpd.conf" || changed=1
cmp -s "$backup/modules.conf" "$etc/modules.conf" || changed=1
if [[ ${WSP_NO_SYSTEMD:-0} != 1 ]]; then
  systemctl enable proftpd >/dev/null 2>&1 || true
  if [[ $changed == 1 ]] || ! systemctl is-active --quiet proftpd; then
    systemctl restart proftpd
    log "proftpd restarted"
  else
    log "configuration unchanged; proftpd left running"
  fi
fi
log "done. Panel config: ftp.mode = \"system\" (ftp.port defaults to 21); passive ports" \
  "(ftp.passive_ports, default 30000-30050) must be open in the firewall."
