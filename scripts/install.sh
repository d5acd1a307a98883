#!/usr/bin/env bash
# Installs WisPanel in system mode on a Debian 12 server, or upgrades it:
# re-running it is the upgrade (new binary, migrations, restart; the config,
# the data and every account are kept). docs/system-mode.md explains the
# layout and what runs as whom.
#
#   sudo scripts/install.sh [--binary PATH]
#
# Without --binary it builds build-release/wispanel from this checkout.
# Environment (the defaults are the real install; tests change them):
#   WSP_BINARY=PATH       same as --binary
#   WSP_SKIP_APT=1        do not install Debian packages (scripts/deps.sh)
#   WSP_NO_SYSTEMD=1      do not install/enable/start the systemd unit
#   WSP_PREFIX=DIR        prepend DIR to every installed path (staging: the
#                         data is not opened, no Linux user is made)
#   WSP_LISTEN=ADDR:PORT  server.listen of a new config (0.0.0.0:2083)
#   WSP_TLS=true|false    server.tls of a new config (true)
#   WSP_MARIADB=system|off   mariadb.mode of a new config (system when
#                            scripts/system/setup-mariadb.sh exists, else off)
#   WSP_FTP=system|off    FTP of a new config (system when the binary knows
#                         ftp.mode and setup-proftpd.sh exists, else off)
#   WSP_PMA=true|false    pma.enabled of a new config (true with system MariaDB)
set -euo pipefail

src_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
binary=${WSP_BINARY:-}
while [[ $# -gt 0 ]]; do
  case $1 in
    --binary) binary=$2; shift 2 ;;
    -h|--help) sed -n '2,23p' "${BASH_SOURCE[0]}"; exit 0 ;;
    *) echo "install.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

prefix=${WSP_PREFIX:-}
bin_dir=$prefix/usr/local/bin
share_dir=$prefix/usr/local/share/wispanel
etc_dir=$prefix/etc/wispanel
config=$etc_dir/wispanel.toml
data_dir=$prefix/var/lib/wispanel
unit_dir=$prefix/etc/systemd/system
use_systemd=1
[[ ${WSP_NO_SYSTEMD:-0} == 1 ]] && use_systemd=0

say() { echo "wispanel-install: $*"; }
die() { echo "wispanel-install: $*" >&2; exit 1; }

[[ $(id -u) -eq 0 ]] || die "run me as root (the panel manages Linux users)"

# 1. Packages. Building here needs the developers' list (scripts/deps.sh:
# build, runtime and test tools); a given binary needs only what it links
# (ldd of build/wispanel, plus libcurl which it loads at run time) and the
# system services it uses. Unlike deps.sh, the services are left running:
# in system mode they are the system's own.
runtime_packages=(
  libarchive13 libboost-json1.81.0 libboost-url1.81.0 libfmt9 libidn2-0 libmariadb3
  libsodium23 libspdlog1.10 libsqlite3-0 libssl3 libtomlplusplus3 libcurl4 openssl
  mariadb-server mariadb-client proftpd-core proftpd-mod-sqlite proftpd-mod-crypto
  phpmyadmin php-cli php-mysql quota
)
if [[ ${WSP_SKIP_APT:-0} != 1 ]]; then
  if [[ -z $binary ]]; then
    say "installing Debian packages (scripts/deps.sh)"
    bash "$src_dir/scripts/deps.sh"
  else
    say "installing runtime packages"
    export DEBIAN_FRONTEND=noninteractive
    printf '%s\n' 'phpmyadmin phpmyadmin/dbconfig-install boolean false' \
      'phpmyadmin phpmyadmin/reconfigure-webserver multiselect' | debconf-set-selections
    apt-get update
    apt-get install -y --no-install-recommends "${runtime_packages[@]}"
  fi
fi

# 2. The binary: given, or built here in Release.
if [[ -z $binary ]]; then
  say "building WisPanel (build-release/)"
  cmake -S "$src_dir" -B "$src_dir/build-release" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$src_dir/build-release" --target wispanel
  binary=$src_dir/build-release/wispanel
fi
[[ -x $binary ]] || die "no executable binary at $binary"

# 3. Stop a running panel (upgrade), install files atomically.
was_running=0
if [[ $use_systemd == 1 ]] && systemctl is-active --quiet wispanel 2>/dev/null; then
  was_running=1
  say "stopping the running panel for the upgrade"
  systemctl stop wispanel
fi
install -d -m 0755 "$bin_dir" "$share_dir"
install -m 0755 "$binary" "$bin_dir/.wispanel.new"
mv -f "$bin_dir/.wispanel.new" "$bin_dir/wispanel"
if [[ -f $src_dir/web/dist/index.html ]]; then
  rm -rf "$share_dir/web.new"
  cp -r "$src_dir/web/dist" "$share_dir/web.new"
  rm -rf "$share_dir/web"
  mv "$share_dir/web.new" "$share_dir/web"
fi
install -d -m 0755 "$share_dir/docs"
install -m 0644 "$src_dir/docs/system-mode.md" "$src_dir/docs/config.md" "$share_dir/docs/"

# 4. The config: written once, never overwritten (an upgrade keeps it).
install -d -m 0750 "$etc_dir"
known_keys=$("$bin_dir/wispanel" config keys)
knows_key() { grep -qx "$1" <<<"$known_keys"; }
if [[ ! -e $config ]]; then
  mariadb=${WSP_MARIADB:-}
  mariadb_cnf=$etc_dir/mariadb-admin.cnf
  if [[ -z $mariadb ]]; then
    mariadb=off
    [[ -x $src_dir/scripts/system/setup-mariadb.sh ]] && mariadb=system
  fi
  if [[ $mariadb == system ]]; then
    [[ -x $src_dir/scripts/system/setup-mariadb.sh ]] ||
      die "WSP_MARIADB=system needs scripts/system/setup-mariadb.sh"
    say "creating the panel's MariaDB admin account"
    "$src_dir/scripts/system/setup-mariadb.sh" "$mariadb_cnf"
  fi
  ftp=${WSP_FTP:-}
  if [[ -z $ftp ]]; then
    ftp=off
    knows_key ftp.mode && [[ -x $src_dir/scripts/system/setup-proftpd.sh ]] && ftp=system
  fi
  [[ $ftp == system ]] && ! knows_key ftp.mode && die "this binary has no system FTP (ftp.mode)"
  say "writing $config"
  {
    echo "# WisPanel, system mode: written once by scripts/install.sh, never"
    echo "# overwritten by it. Every key: $share_dir/docs/config.md"
    echo
    echo "[server]"
    echo "listen = \"${WSP_LISTEN:-0.0.0.0:2083}\""
    echo "tls = ${WSP_TLS:-true}"
    echo "hostnames = [\"$(hostname -f 2>/dev/null || hostname)\", \"localhost\", \"127.0.0.1\"]"
    echo
    echo "[paths]"
    echo "data_dir = \"$data_dir\""
    echo
    echo "[identity]"
    echo "mode = \"system\""
    echo "home_root = \"$prefix/home\""
    echo "shell = \"/usr/sbin/nologin\""
    echo
    echo "[mariadb]"
    echo "mode = \"$mariadb\""
    [[ $mariadb == system ]] && echo "admin_credentials_file = \"$mariadb_cnf\""
    echo
    echo "[ftp]"
    if [[ $ftp == system ]]; then
      echo "mode = \"system\""
    else
      echo "enabled = false  # no system ProFTPD configured by this install"
    fi
    echo
    echo "[pma]"
    pma=${WSP_PMA:-}
    [[ -z $pma ]] && { [[ $mariadb == system ]] && pma=true || pma=false; }
    echo "enabled = $pma"
    if [[ -d $share_dir/web ]]; then
      echo
      echo "[web]"
      echo "dir = \"$share_dir/web\""
    fi
  } >"$config.new"
  chmod 0640 "$config.new"
  mv "$config.new" "$config"
else
  say "keeping $config"
fi

# 5. Data: created (first admin) or migrated (upgrade) by an offline
# command, so a failing migration stops the install before the service
# starts; the migration runner leaves the old schema intact then.
fresh=0
[[ -e $data_dir/panel.db ]] || fresh=1
install -d -m 0711 "$data_dir"
if [[ -n $prefix ]]; then
  # Staging only: opening the data would create the first admin's Linux
  # user in this system's /etc, not under the prefix.
  install -d -m 0755 "$prefix/home"
  say "WSP_PREFIX set: not opening the data (the panel does it at its first start)"
  fresh=0
else
  # Its own notice of the first admin is replaced by the one at the end;
  # any error is shown.
  if ! open_log=$("$bin_dir/wispanel" user list --config "$config" 2>&1 >/dev/null); then
    echo "$open_log" >&2
    die "the panel could not open its data in $data_dir"
  fi
fi

# 6. ProFTPD reads the panel's accounts; it needs the panel's certificate,
# which the panel makes at its first start. Argument 1: the panel was just
# started, so wait for that certificate (without systemd nothing starts it:
# no wait, FTPS works once the panel has started).
start_and_configure_ftp() {
  local cert=$data_dir/tls/cert.pem key=$data_dir/tls/key.pem
  if grep -qx 'mode = "system"' <(sed -n '/^\[ftp\]/,/^\[/p' "$config") &&
    [[ -x $src_dir/scripts/system/setup-proftpd.sh ]]; then
    if [[ ${1:-0} == 1 ]]; then
      for _ in $(seq 50); do [[ -e $cert ]] && break; sleep 0.2; done
    fi
    say "configuring the system ProFTPD"
    "$src_dir/scripts/system/setup-proftpd.sh" "$data_dir" "$cert" "$key"
  fi
}

# 7. The service.
if [[ $use_systemd == 1 ]]; then
  install -d -m 0755 "$unit_dir"
  install -m 0644 "$src_dir/packaging/wispanel.service" "$unit_dir/wispanel.service"
  systemctl daemon-reload
  systemctl enable wispanel >/dev/null
  systemctl restart wispanel
  start_and_configure_ftp 1
  say "wispanel.service is $(systemctl is-active wispanel) (logs: journalctl -u wispanel)"
else
  say "WSP_NO_SYSTEMD=1: start it with $bin_dir/wispanel serve --config $config"
  start_and_configure_ftp || true
fi
[[ $was_running == 1 ]] && say "upgrade done"

if [[ $fresh == 1 && -f $data_dir/initial-admin-password ]]; then
  echo
  echo "First admin account (shown once; also in $data_dir/initial-admin-password, mode 0600,"
  echo "removed when you change the password with: wispanel user passwd admin --config $config):"
  echo "  username: admin"
  echo "  password: $(cat "$data_dir/initial-admin-password")"
fi
exit 0
